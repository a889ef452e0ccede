import type {
  ClientMessage,
  Explanation,
  MetricsPage,
  RunSummary,
  ScenarioDetail,
  ScenarioYaml,
  ServerMessage,
  StateAtTick,
} from "@takeoff/protocol"
import * as Schema from "effect/Schema"

/**
 * The API's responses and WebSocket messages as Schemas, for the OpenAPI document (openapi.ts) and
 * the tests that decode real responses with them. The wire types live in `@takeoff/protocol`; the
 * checks at the bottom make the compiler refuse a Schema that drifts from its protocol type.
 */

const Num = Schema.Finite
const Int = Schema.Int
const Str = Schema.String

export const MilestoneKind = Schema.Literals(["agi", "asi", "post-scarcity", "catastrophe"])
const MilestoneInfo = Schema.Struct({ kind: MilestoneKind, tick: Int, date: Str, value: Num })
export const MilestoneThreshold = Schema.Struct({ kind: MilestoneKind, label: Str, metric: Str, value: Num })
export const MetricInfo = Schema.Struct({
  key: Str,
  label: Str,
  unit: Str,
  log: Schema.optional(Schema.Boolean),
  group: Schema.optional(Str),
})
const MetricGroup = Schema.Struct({
  id: Str,
  title: Str,
  unit: Schema.optional(Str),
  log: Schema.optional(Schema.Boolean),
  transform: Schema.optional(Schema.Literal("index")),
  yMin: Schema.optional(Num),
  yMax: Schema.optional(Num),
})
const NotableEvent = Schema.Struct({
  tick: Int,
  date: Str,
  type: Str,
  agent: Schema.optional(Str),
  summary: Str,
  data: Schema.optional(Schema.Unknown),
})

export const RunSummarySchema = Schema.Struct({
  id: Str,
  scenario: Str,
  seed: Int,
  status: Schema.Literals(["queued", "running", "paused", "completed", "stopped", "failed", "interrupted"]),
  tick: Int,
  untilTick: Int,
  date: Schema.NullOr(Str),
  createdAt: Str,
  overrides: Schema.Record(Str, Schema.Unknown),
  milestones: Schema.Array(MilestoneInfo),
  error: Schema.optional(Str),
  endedBy: Schema.optional(Str),
  ticksPerSecond: Schema.optional(Schema.NullOr(Num)),
  source: Schema.optional(Schema.Literals(["run", "upload"])),
  hostedBy: Schema.optional(Str),
})

export const ScenarioDetailSchema = Schema.Struct({
  name: Str,
  title: Str,
  description: Str,
  file: Schema.optional(Str),
  parameters: Schema.Array(
    Schema.Struct({
      path: Str,
      group: Str,
      label: Str,
      unit: Str,
      value: Schema.Unknown,
      source: Schema.NullOr(Str),
      assumption: Schema.Boolean,
      min: Schema.optional(Num),
      max: Schema.optional(Num),
      description: Str,
      distribution: Schema.optional(Str),
    }),
  ),
})

export const MetricsPageSchema = Schema.Struct({
  keys: Schema.Array(Str),
  metrics: Schema.Array(MetricInfo),
  groups: Schema.Array(MetricGroup),
  thresholds: Schema.Array(MilestoneThreshold),
  ticks: Schema.Array(Int),
  dates: Schema.Array(Str),
  columns: Schema.Record(Str, Schema.Array(Schema.NullOr(Num))),
})

export const StateAtTickSchema = Schema.Struct({
  tick: Int,
  date: Str,
  metrics: Schema.Record(Str, Num),
  state: Schema.optional(Schema.Unknown),
})

/** The metric in the last month below the threshold, or the first at or past it (null: no such month). */
const CrossingPoint = Schema.NullOr(Schema.Struct({ tick: Int, date: Str, value: Num }))

export const ExplanationSchema = Schema.Struct({
  why: Str,
  reached: Schema.Boolean,
  summary: Str,
  milestone: Schema.NullOr(Schema.Struct({ type: Str, tick: Int, date: Str })),
  crossing: Schema.Struct({
    metric: Str,
    threshold: Num,
    before: CrossingPoint,
    after: CrossingPoint,
  }),
  drivers: Schema.Array(Schema.Struct({ driver: Str, label: Schema.optional(Str), contribution: Num, share: Num })),
  events: Schema.Array(Schema.Struct({ ...NotableEvent.fields, contribution: Schema.optional(Num) })),
})

/** GET /api/runs/:id/events: a page of logged events (their shape is the model's). */
export const EventsPageSchema = Schema.Struct({
  events: Schema.Array(Schema.Unknown),
  nextCursor: Schema.NullOr(Str),
})

export const HealthSchema = Schema.Record(Str, Schema.Unknown)

export const ServerMessageSchema = Schema.Union([
  Schema.Struct({
    type: Schema.Literal("hello"),
    run: RunSummarySchema,
    metrics: Schema.Array(Str),
    metricInfo: Schema.Array(MetricInfo),
    groups: Schema.Array(MetricGroup),
    thresholds: Schema.Array(MilestoneThreshold),
    from: Int,
  }),
  Schema.Struct({
    type: Schema.Literal("catchup"),
    fromTick: Int,
    ticks: Schema.Array(Int),
    dates: Schema.Array(Str),
    columns: Schema.Record(Str, Schema.Array(Num)),
    at: Schema.optional(Num),
  }),
  Schema.Struct({
    type: Schema.Literal("tick"),
    tick: Int,
    date: Str,
    metrics: Schema.Record(Str, Num),
    at: Schema.optional(Num),
  }),
  Schema.Struct({ type: Schema.Literal("milestone"), milestone: MilestoneInfo }),
  Schema.Struct({ type: Schema.Literal("notables"), events: Schema.Array(NotableEvent) }),
  Schema.Struct({ type: Schema.Literal("status"), run: RunSummarySchema }),
  Schema.Struct({ type: Schema.Literal("lagged"), resumeFrom: Int, reason: Str }),
  Schema.Struct({ type: Schema.Literal("error"), message: Str }),
])

export const ScenarioYamlSchema = Schema.Struct({ name: Str, file: Str, yaml: Str })

export const ClientMessageSchema = Schema.Union([
  Schema.Struct({ type: Schema.Literal("ping") }),
  Schema.Struct({ type: Schema.Literal("resume"), from: Int }),
])

/**
 * A Schema's decoded type must be its protocol type: the compiler checks each pair both ways (an
 * optional field missing on one side still passes: TypeScript counts both shapes assignable).
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const same = <A, B>(ok: Same<A, B>): Same<A, B> => ok
export const PROTOCOL_CHECKS = [
  same<typeof RunSummarySchema.Type, RunSummary>(true),
  same<typeof ScenarioDetailSchema.Type, ScenarioDetail>(true),
  same<typeof MetricsPageSchema.Type, MetricsPage>(true),
  same<typeof StateAtTickSchema.Type, StateAtTick>(true),
  same<typeof ExplanationSchema.Type, Explanation>(true),
  same<typeof ServerMessageSchema.Type, ServerMessage>(true),
  same<typeof ClientMessageSchema.Type, ClientMessage>(true),
  same<typeof ScenarioYamlSchema.Type, ScenarioYaml>(true),
] as const
