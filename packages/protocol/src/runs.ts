/**
 * The live-run protocol between the server and any client (the web UI, scripts). Defined once here
 * and imported by both sides; this module is plain types and constants (no Node or Effect imports),
 * so the browser bundle can use it.
 *
 * Flow: the client opens `ws://host/api/runs/:id/stream?from=TICK`. The server replies with
 * `hello`, then `catchup` batches for ticks [from, current) read from the log (metrics compacted
 * into columns), then `tick` messages live. `milestone` and `notables` (a batch of events) arrive as their own messages.
 * If the client falls behind, its queue is bounded: the server stops sending while the client's
 * unsent bytes are over a budget, then sends the ticks it missed coalesced into `catchup` batches
 * (or, past a bound, sends `lagged` with the tick to resume from and closes).
 *
 * `from` is the first tick wanted (inclusive): a client that has seen tick N reconnects with
 * `from=N+1`, or sends `{type:"resume", from: N+1}` on the open socket. A run's end (finished,
 * stopped, failed) arrives as a `status` message after its last tick. `ping` is answered with `status`.
 */

import type { MetricGroup, MetricInfo, MilestoneInfo, MilestoneThreshold, NotableEvent } from "./model.js"

/** One tick's headline metrics: a flat record keyed by the metric keys the economy publishes. */
export type MetricValues = Readonly<Record<string, number>>

/**
 * A run's status, the same words as the CLI and the log's end record: "completed" at the until tick
 * or after an end event (then `endedBy` names it), "stopped" on request, "failed" when a tick threw,
 * "interrupted" when the server went away mid-run.
 */
export type RunStatus = "queued" | "running" | "paused" | "completed" | "stopped" | "failed" | "interrupted"

export interface RunSummary {
  readonly id: string
  readonly scenario: string
  readonly seed: number
  readonly status: RunStatus
  /** Last sealed tick (-1 before the first). */
  readonly tick: number
  readonly untilTick: number
  /** ISO month of the last sealed tick, e.g. "2031-07". */
  readonly date: string | null
  readonly createdAt: string
  readonly overrides: Readonly<Record<string, unknown>>
  readonly milestones: ReadonlyArray<MilestoneInfo>
  readonly error?: string
  /** The end event that ended a completed run before its until tick, e.g. "CatastropheOccurred". */
  readonly endedBy?: string
  /** Current pace: ticks per second, null for as fast as possible. */
  readonly ticksPerSecond?: number | null
  /** "run" for runs simulated here, "upload" for logs uploaded to replay and audit. */
  readonly source?: "run" | "upload"
  /**
   * Who signed the log (see the README's threat model): the key's fingerprint and whether it is
   * this server's own; null for an unsigned upload.
   */
  readonly signer?: { readonly fingerprint: string; readonly trusted: boolean } | null
  /**
   * Set when another server simulates the run and this one relays it (servers sharing one NATS):
   * that server's name. Such a run streams and replays here; its log and its controls stay there.
   */
  readonly hostedBy?: string
}

export type ServerMessage =
  | {
      readonly type: "hello"
      readonly run: RunSummary
      /** Metric keys, in the order `catchup` columns use. */
      readonly metrics: ReadonlyArray<string>
      /** Label, unit, chart group and axis hint of each metric, in the order of `metrics`. */
      readonly metricInfo: ReadonlyArray<MetricInfo>
      /** The model's chart groups, in the order a dashboard shows them. */
      readonly groups: ReadonlyArray<MetricGroup>
      /** The run's milestone thresholds (from its scenario), e.g. AGI at 10% AI share of GDP. */
      readonly thresholds: ReadonlyArray<MilestoneThreshold>
      readonly from: number
    }
  | {
      readonly type: "catchup"
      /** First tick in the batch; ticks are consecutive. */
      readonly fromTick: number
      readonly ticks: ReadonlyArray<number>
      readonly dates: ReadonlyArray<string>
      /** One array per metric key, aligned with `ticks`. */
      readonly columns: Readonly<Record<string, ReadonlyArray<number>>>
      /** Server wall-clock ms when the batch's last tick was sealed (live batches only). */
      readonly at?: number
    }
  | {
      readonly type: "tick"
      readonly tick: number
      readonly date: string
      readonly metrics: MetricValues
      /** Server wall-clock ms (epoch) when the tick was sealed: lets a client measure delivery latency. */
      readonly at?: number
    }
  | { readonly type: "milestone"; readonly milestone: MilestoneInfo }
  /** The notable events of the ticks just sent, oldest first: one message per batch, not per event. */
  | { readonly type: "notables"; readonly events: ReadonlyArray<NotableEvent> }
  | { readonly type: "status"; readonly run: RunSummary }
  | { readonly type: "lagged"; readonly resumeFrom: number; readonly reason: string }
  | { readonly type: "error"; readonly message: string }

export type ClientMessage = { readonly type: "ping" } | { readonly type: "resume"; readonly from: number }

export type RunControl =
  | { readonly action: "pause" }
  | { readonly action: "resume" }
  | { readonly action: "step"; readonly ticks?: number }
  | { readonly action: "speed"; readonly ticksPerSecond: number | null }
  | { readonly action: "stop" }

/** Request body of POST /api/runs. */
export interface CreateRunRequest {
  readonly scenario: string
  readonly seed?: number
  /** Parameter path -> value, e.g. { "labs.algorithmicProgressPerYear": 3 }. */
  readonly overrides?: Readonly<Record<string, unknown>>
  /** Last simulated year (inclusive), default the scenario's end year. */
  readonly untilYear?: number
  /** Ticks per second, null for as fast as possible (default). */
  readonly ticksPerSecond?: number | null
}

/** Error body of every 4xx/5xx JSON response. */
export interface ApiError {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string }
}

/** Response of GET /api/runs/:id/metrics: the run's metric columns for a tick range. */
export interface MetricsPage {
  readonly keys: ReadonlyArray<string>
  readonly metrics: ReadonlyArray<MetricInfo>
  /** The model's chart groups and the run's milestone thresholds, as the stream's `hello` has them. */
  readonly groups: ReadonlyArray<MetricGroup>
  readonly thresholds: ReadonlyArray<MilestoneThreshold>
  readonly ticks: ReadonlyArray<number>
  readonly dates: ReadonlyArray<string>
  /** One array per key, aligned with `ticks`; null where a value was not finite (JSON has no NaN). */
  readonly columns: Readonly<Record<string, ReadonlyArray<number | null>>>
}

/** Response of GET /api/runs/:id/state: the metrics at a tick (and the world, with include=state). */
export interface StateAtTick {
  readonly tick: number
  readonly date: string
  readonly metrics: MetricValues
  readonly state?: unknown
}
