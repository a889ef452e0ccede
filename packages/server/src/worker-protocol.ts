import type { MilestoneInfo, NotableEvent, RunControl } from "@takeoff/agents/protocol"

/** What the run manager hands a run worker when it starts. */
export interface RunWorkerInit {
  readonly adapterUrl: string
  readonly runId: string
  readonly logsDir: string
  readonly metricsFile: string
  /** The model's encoded config (decoded again in the worker). */
  readonly config: unknown
  readonly seed: number
  readonly untilTick: number
  readonly ticksPerSecond: number | null
  readonly paused: boolean
  readonly meta: Readonly<Record<string, unknown>>
}

/** One sealed tick as the worker reports it; also one line of the metrics sidecar (without `at`). */
export interface TickReport {
  readonly tick: number
  readonly date: string
  /** Metric values in the adapter's metric order. */
  readonly values: ReadonlyArray<number>
  readonly milestones: ReadonlyArray<MilestoneInfo>
  readonly notables: ReadonlyArray<NotableEvent>
}

export type WorkerToManager =
  | ({ readonly type: "tick"; readonly at: number } & TickReport)
  | { readonly type: "status"; readonly status: "running" | "paused" }
  /** A control message took effect (a step: all its ticks ran), after tick `tick`. */
  | { readonly type: "ack"; readonly tick: number }
  | {
      readonly type: "end"
      readonly reason: "completed" | "stopped" | "error"
      readonly tick: number
      readonly message?: string
    }

export type ManagerToWorker = RunControl

/** Caps on what one tick may report, so a chatty model cannot flood clients. */
export const MAX_NOTABLES_PER_TICK = 20
