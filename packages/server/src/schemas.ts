import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { badRequest } from "./errors.js"

const Int = (min: number, max: number) => Schema.Int.check(Schema.isBetween({ minimum: min, maximum: max }))
const IntQuery = (min: number, max: number) =>
  Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: min, maximum: max }))

/** POST /api/runs */
export const CreateRunBody = Schema.Struct({
  scenario: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128)),
  // Any non-negative safe integer, as the CLI's --seed and a sweep's derived seeds (core's Rng takes them all).
  seed: Schema.optional(Int(0, Number.MAX_SAFE_INTEGER)),
  overrides: Schema.optional(Schema.Record(Schema.String, Schema.Unknown)),
  untilYear: Schema.optional(Int(2024, 2500)),
  ticksPerSecond: Schema.optional(
    Schema.NullOr(Schema.Number.check(Schema.isBetween({ minimum: 0.1, maximum: 100_000 }))),
  ),
})

/** POST /api/scenarios/yaml */
export const ScenarioYamlBody = Schema.Struct({
  scenario: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128)),
  name: Schema.String.check(Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,63}$/)),
  title: Schema.optional(Schema.String.check(Schema.isMaxLength(200))),
  description: Schema.optional(Schema.String.check(Schema.isMaxLength(4000))),
  overrides: Schema.Record(Schema.String, Schema.Unknown),
})

/** POST /api/sweeps */
export const CreateSweepBody = Schema.Struct({
  scenario: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128)),
  runs: Int(1, 1000),
  seed: Schema.optional(Int(0, Number.MAX_SAFE_INTEGER)),
  design: Schema.optional(Schema.Literals(["lhs", "random", "saltelli", "grid", "oat"])),
  sample: Schema.optional(
    Schema.Array(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128))).check(Schema.isMaxLength(200)),
  ),
  vary: Schema.optional(
    Schema.Array(
      Schema.Struct({
        path: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128)),
        lo: Schema.Finite,
        hi: Schema.Finite,
      }),
    ).check(Schema.isMaxLength(50)),
  ),
  // A grid's parameters: each with its `values`, or `steps` levels from `lo` to `hi` (sweep-plan.ts checks which).
  axes: Schema.optional(
    Schema.Array(
      Schema.Struct({
        path: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128)),
        values: Schema.optional(Schema.Array(Schema.Finite).check(Schema.isMinLength(1), Schema.isMaxLength(2000))),
        lo: Schema.optional(Schema.Finite),
        hi: Schema.optional(Schema.Finite),
        steps: Schema.optional(Int(2, 2000)),
      }),
    ).check(Schema.isMaxLength(20)),
  ),
  overrides: Schema.optional(Schema.Record(Schema.String, Schema.Unknown)),
  untilYear: Schema.optional(Int(2024, 2500)),
})

/** GET /api/sweeps/:id/fan */
export const FanQuery = Schema.Struct({ metric: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128)) })

/** GET /api/sweeps/:id/series.{csv,parquet}: metric keys, comma-separated (default all recorded). */
export const SeriesQuery = Schema.Struct({ metrics: Schema.optional(Schema.String.check(Schema.isMaxLength(4096))) })

/** The member index in /api/sweeps/:id/members/:index */
export const MemberParam = Schema.Struct({ index: IntQuery(0, 1_000_000) })

/** POST /api/runs/:id/control: the action is checked first, then the fields that action takes. */
export const ControlAction = Schema.Struct({ action: Schema.Literals(["pause", "resume", "step", "speed", "stop"]) })
export const ControlBodies = {
  pause: Schema.Struct({ action: Schema.Literal("pause") }),
  resume: Schema.Struct({ action: Schema.Literal("resume") }),
  step: Schema.Struct({ action: Schema.Literal("step"), ticks: Schema.optional(Int(1, 10_000)) }),
  speed: Schema.Struct({
    action: Schema.Literal("speed"),
    ticksPerSecond: Schema.NullOr(Schema.Number.check(Schema.isBetween({ minimum: 0.1, maximum: 100_000 }))),
  }),
  stop: Schema.Struct({ action: Schema.Literal("stop") }),
} as const

export const EventsQuery = Schema.Struct({
  type: Schema.optional(Schema.String.check(Schema.isMaxLength(128))),
  agent: Schema.optional(Schema.String.check(Schema.isMaxLength(128))),
  fromTick: Schema.optional(IntQuery(0, Number.MAX_SAFE_INTEGER)),
  toTick: Schema.optional(IntQuery(0, Number.MAX_SAFE_INTEGER)),
  cursor: Schema.optional(Schema.String.check(Schema.isPattern(/^\d{1,15}\.\d{1,9}$/))),
  limit: Schema.optional(IntQuery(1, 1000)),
})

export const MetricsQuery = Schema.Struct({
  keys: Schema.optional(Schema.String.check(Schema.isMaxLength(4096))),
  fromTick: Schema.optional(IntQuery(0, Number.MAX_SAFE_INTEGER)),
  toTick: Schema.optional(IntQuery(0, Number.MAX_SAFE_INTEGER)),
})

export const StateQuery = Schema.Struct({
  tick: Schema.optional(IntQuery(0, Number.MAX_SAFE_INTEGER)),
  date: Schema.optional(Schema.String.check(Schema.isPattern(/^\d{4}(-\d{2})?$/))),
  include: Schema.optional(Schema.Literals(["state"])),
})

export const AuditQuery = Schema.Struct({ why: Schema.Literals(["agi", "asi", "post-scarcity"]) })

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Decodes a request part with a schema, or throws a 400 naming the first bad field.
 *
 * @example
 * const body = decodeOrFail(CreateRunBody, json, "body")
 */
export const decodeOrFail = <S extends Schema.Codec<any, any, never, never>>(
  schema: S,
  input: unknown,
  where: string,
  excess: "error" | "ignore" = "error",
): S["Type"] => {
  const r = Schema.decodeUnknownExit(schema)(input, { errors: "first", onExcessProperty: excess })
  if (r._tag === "Success") return r.value
  const reason = r.cause.reasons[0] as { _tag: string; error?: { issue?: SchemaIssue.Issue } }
  const issue = reason.error?.issue
  if (issue === undefined) throw badRequest(`${where}: invalid`)
  const first = formatter(issue).issues[0]
  const field = first?.path?.map((p) => String(typeof p === "object" ? p.key : p)).join(".") ?? ""
  const message = first?.message ?? "invalid"
  throw badRequest(field === "" ? `${where}: ${message}` : `${field}: ${message}`, field === "" ? where : field)
}
