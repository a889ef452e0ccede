import type { MilestoneInfo, NotableEvent, RunStatus, RunSummary } from "@takeoff/protocol"
import type { Worker } from "node:worker_threads"
import type { TickReport } from "./worker-protocol.js"

/** What is persisted per run in `runs/<id>.json`. */
export interface RunMeta {
  id: string
  scenario: string
  seed: number
  status: RunStatus
  tick: number
  untilTick: number
  date: string | null
  createdAt: string
  overrides: Record<string, unknown>
  milestones: MilestoneInfo[]
  ticksPerSecond: number | null
  source: "run" | "upload"
  config: unknown
  signer?: { fingerprint: string; trusted: boolean } | null
  error?: string
  /** The end event that ended the run before its until tick (the end record's message). */
  endedBy?: string
  /** Set on a run another server simulates and relays here (see relay.ts): that server's name. */
  hostedBy?: string
}

/** The metric series of a run, shared by every client that follows it (one copy, whatever the fan-out). */
export interface RunHistory {
  readonly ticks: number[]
  readonly dates: string[]
  /** One row of values per tick, in the kit's metric order. */
  readonly rows: ReadonlyArray<number>[]
  /** Server wall-clock ms when each tick was sealed (NaN for ticks loaded from disk). */
  readonly at: number[]
}

const MAX_NOTABLES_PER_RUN = 10_000

/** A run as the server holds it: metadata, metric history, notables and its worker if live. */
export class Run {
  readonly history: RunHistory = { ticks: [], dates: [], rows: [], at: [] }
  readonly notables: NotableEvent[] = []
  worker: Worker | undefined
  /** Controls sent to the worker and not yet acknowledged, oldest first. */
  readonly pendingAcks: Array<() => void> = []
  /** Set when an interrupted run is resumed: its worker continues the log instead of starting one. */
  resumeLog = false
  /** Bumped on every status change, so streams know to send a `status` message. */
  statusVersion = 0

  constructor(public meta: RunMeta) {}

  get id(): string {
    return this.meta.id
  }

  /** The last tick with metrics (-1 before the first). */
  get lastTick(): number {
    const t = this.history.ticks
    return t.length === 0 ? -1 : t[t.length - 1]
  }

  get terminal(): boolean {
    const s = this.meta.status
    return s === "completed" || s === "stopped" || s === "failed" || s === "interrupted"
  }

  summary(): RunSummary {
    const m = this.meta
    return {
      id: m.id,
      scenario: m.scenario,
      seed: m.seed,
      status: m.status,
      tick: m.tick,
      untilTick: m.untilTick,
      date: m.date,
      createdAt: m.createdAt,
      overrides: m.overrides,
      milestones: m.milestones,
      ticksPerSecond: m.ticksPerSecond,
      source: m.source,
      ...(m.signer === undefined ? {} : { signer: m.signer }),
      ...(m.error === undefined ? {} : { error: m.error }),
      ...(m.endedBy === undefined ? {} : { endedBy: m.endedBy }),
      ...(m.hostedBy === undefined ? {} : { hostedBy: m.hostedBy }),
    }
  }

  /** Index of the first tick >= `tick` in the history (ticks are consecutive from the first). */
  indexOf(tick: number): number {
    const t = this.history.ticks
    if (t.length === 0) return 0
    return Math.min(Math.max(0, tick - t[0]), t.length)
  }

  /** Adds one sealed tick's metrics, milestones and notables; `at` is when it was sealed (NaN if unknown). */
  record(r: TickReport, at: number): void {
    const h = this.history
    // Ticks arrive in order from one worker; a duplicate or gap would corrupt every stream.
    if (h.ticks.length > 0 && r.tick !== this.lastTick + 1) return
    h.ticks.push(r.tick)
    h.dates.push(r.date)
    h.rows.push(r.values)
    h.at.push(at)
    for (const m of r.milestones) this.meta.milestones.push(m)
    for (const n of r.notables) if (this.notables.length < MAX_NOTABLES_PER_RUN) this.notables.push(n)
    this.meta.tick = r.tick
    this.meta.date = r.date
  }
}
