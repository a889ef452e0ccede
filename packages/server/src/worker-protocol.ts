import type { MilestoneInfo, NotableEvent, RunControl } from "@takeoff/protocol"
import type { ModelKit } from "@takeoff/core"

/** What the run manager hands a run worker when it starts. */
export interface RunWorkerInit {
  readonly kitUrl: string
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
  /** The Ed25519 private key (PEM file) that signs the log. */
  readonly keyFile: string
  /** Continue the run's interrupted log from its last sealed tick; the manager holds ticks to `knownTick`. */
  readonly resume?: { readonly knownTick: number }
}

/** One sealed tick as the worker reports it; also one line of the metrics sidecar (without `at`). */
export interface TickReport {
  readonly tick: number
  readonly date: string
  /** Metric values in the kit's metric order. */
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

/**
 * What one sealed tick reports to the manager and the metrics sidecar: its metrics in the kit's
 * order, its milestones and (at most MAX_NOTABLES_PER_TICK) notable events. The same for a live run
 * and for a log being imported, so a replayed run streams exactly what the live one did.
 */
export const makeTickReport = (
  kit: ModelKit,
  config: unknown,
  tick: number,
  events: ReadonlyArray<unknown>,
  state: unknown,
): TickReport => {
  const metrics = kit.computeMetrics(state, config)
  const notables: NotableEvent[] = []
  for (let i = 0; i < events.length && notables.length < MAX_NOTABLES_PER_TICK; i++) {
    const n = kit.notable(events[i], tick, config)
    if (n !== undefined) notables.push(n)
  }
  return {
    tick,
    date: kit.calendar.tickToDate(config, tick),
    values: kit.metrics.map((m) => metrics[m.key] ?? Number.NaN),
    milestones: kit.milestonesAt(events, tick, config, state),
    notables,
  }
}
