import type {
  SweepClientMessage,
  SweepDetail,
  SweepFan,
  SweepMember,
  SweepServerMessage,
  SweepSummary,
} from "@takeoff/protocol"
import * as Schema from "effect/Schema"
import { MetricInfo, MilestoneKind, MilestoneThreshold } from "./response-schemas.js"

/** The sweep routes' responses as Schemas, for the OpenAPI document and the tests (as response-schemas.ts). */

const Num = Schema.Finite
const Int = Schema.Int
const Str = Schema.String
const Design = Schema.Literals(["lhs", "random", "saltelli", "grid", "oat"])
const Vary = Schema.Struct({ path: Str, lo: Num, hi: Num })
const GridAxis = Schema.Struct({ path: Str, values: Schema.Array(Num) })

export const SweepSummarySchema = Schema.Struct({
  id: Str,
  scenario: Str,
  seed: Int,
  design: Design,
  runs: Int,
  total: Int,
  done: Int,
  status: Schema.Literals(["queued", "running", "completed", "stopped", "failed", "interrupted"]),
  createdAt: Str,
  untilYear: Int,
  sample: Schema.NullOr(Schema.Array(Str)),
  vary: Schema.Array(Vary),
  axes: Schema.optional(Schema.Array(GridAxis)),
  overrides: Schema.Record(Str, Schema.Unknown),
  elapsedS: Num,
  error: Schema.optional(Str),
  notice: Schema.optional(Str),
})

const MemberRow = {
  index: Int,
  seed: Int,
  milestones: Schema.Record(Str, Schema.NullOr(Str)),
}

export const SweepDetailSchema = Schema.Struct({
  summary: SweepSummarySchema,
  milestones: Schema.Array(
    Schema.Struct({
      kind: MilestoneKind,
      label: Str,
      reached: Num,
      p10: Schema.NullOr(Str),
      p50: Schema.NullOr(Str),
      p90: Schema.NullOr(Str),
    }),
  ),
  influences: Schema.Array(Schema.Struct({ path: Str, label: Str, rho: Schema.Record(Str, Schema.NullOr(Num)) })),
  members: Schema.Array(Schema.Struct(MemberRow)),
  metrics: Schema.Array(MetricInfo),
  thresholds: Schema.Array(MilestoneThreshold),
  oat: Schema.optional(
    Schema.Struct({
      point: Schema.Record(Str, Schema.NullOr(Str)),
      effects: Schema.Array(
        Schema.Struct({
          path: Str,
          point: Num,
          low: Num,
          high: Num,
          milestones: Schema.Record(
            Str,
            Schema.Struct({ low: Schema.NullOr(Str), high: Schema.NullOr(Str), swingMonths: Num }),
          ),
        }),
      ),
    }),
  ),
  grid: Schema.optional(
    Schema.Array(
      Schema.Struct({
        values: Schema.Record(Str, Num),
        runs: Int,
        milestones: Schema.Record(Str, Schema.NullOr(Str)),
      }),
    ),
  ),
})

export const SweepFanSchema = Schema.Struct({
  metric: Str,
  years: Schema.Array(Int),
  p10: Schema.Array(Schema.NullOr(Num)),
  p50: Schema.Array(Schema.NullOr(Num)),
  p90: Schema.Array(Schema.NullOr(Num)),
})

export const SweepMemberSchema = Schema.Struct({ ...MemberRow, draws: Schema.Record(Str, Num) })

export const SweepDeletedSchema = Schema.Struct({ deleted: Schema.Boolean, summary: SweepSummarySchema })

/** The messages of a sweep's WebSocket, `GET /api/sweeps/:id/stream` (sweep-stream.ts). */
export const SweepServerMessageSchema = Schema.Union([
  Schema.Struct({ type: Schema.Literal("progress"), summary: SweepSummarySchema, version: Int }),
  Schema.Struct({ type: Schema.Literal("error"), message: Str }),
])

export const SweepClientMessageSchema = Schema.Struct({ type: Schema.Literal("ping") })

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const same = <A, B>(ok: Same<A, B>): Same<A, B> => ok
export const SWEEP_PROTOCOL_CHECKS = [
  same<typeof SweepSummarySchema.Type, SweepSummary>(true),
  same<typeof SweepDetailSchema.Type, SweepDetail>(true),
  same<typeof SweepFanSchema.Type, SweepFan>(true),
  same<typeof SweepMemberSchema.Type, SweepMember>(true),
  same<typeof SweepServerMessageSchema.Type, SweepServerMessage>(true),
  same<typeof SweepClientMessageSchema.Type, SweepClientMessage>(true),
] as const
