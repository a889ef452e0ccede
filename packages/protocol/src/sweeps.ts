import type { MetricInfo, MilestoneKind, MilestoneThreshold } from "./model.js"

/** How a sweep samples the scenario's declared distributions (see `takeoff sweep --design`). */
export type SweepDesignName = "lhs" | "random" | "saltelli"

/** A parameter drawn uniformly per run from [lo, hi] (the CLI's `--vary path=lo..hi`). */
export interface SweepVary {
  readonly path: string
  readonly lo: number
  readonly hi: number
}

/** Request body of POST /api/sweeps. */
export interface CreateSweepRequest {
  readonly scenario: string
  /** Runs (a Saltelli design's base rows: it runs runs x (distributions + 2)). */
  readonly runs: number
  /** Sweep seed: run i gets deriveSeed(seed, i) (default 1). */
  readonly seed?: number
  /** Default lhs (Latin hypercube). */
  readonly design?: SweepDesignName
  /** Which declared distributions to sample (default all); the others stay at the scenario's value. */
  readonly sample?: ReadonlyArray<string>
  readonly vary?: ReadonlyArray<SweepVary>
  /** Fixed overrides for every run (parameter path -> value). */
  readonly overrides?: Readonly<Record<string, unknown>>
  /** Last simulated year (inclusive), default the scenario's end year. */
  readonly untilYear?: number
}

export type SweepStatus = "queued" | "running" | "completed" | "stopped" | "failed" | "interrupted"

/** A sweep as GET /api/sweeps lists it. */
export interface SweepSummary {
  readonly id: string
  readonly scenario: string
  readonly seed: number
  readonly design: SweepDesignName
  /** Runs asked for. */
  readonly runs: number
  /** Members the design runs (runs, or runs x (k + 2) for Saltelli). */
  readonly total: number
  /** Members finished so far. */
  readonly done: number
  readonly status: SweepStatus
  readonly createdAt: string
  readonly untilYear: number
  readonly sample: ReadonlyArray<string> | null
  readonly vary: ReadonlyArray<SweepVary>
  readonly overrides: Readonly<Record<string, unknown>>
  /** Wall-clock seconds the members took (so far). */
  readonly elapsedS: number
  readonly error?: string
  /** Why a running sweep is not progressing, e.g. "waiting for workers: ..." when no NATS worker takes its jobs. */
  readonly notice?: string
}

/** One milestone over a sweep's finished members: share reached and percentile dates ("YYYY-MM", null = not by the horizon). */
export interface SweepMilestone {
  readonly kind: MilestoneKind
  readonly label: string
  readonly reached: number
  readonly p10: string | null
  readonly p50: string | null
  readonly p90: string | null
}

/** A parameter's influence: Spearman's rho with each milestone's date (by label; null when undefined). */
export interface SweepInfluence {
  readonly path: string
  readonly label: string
  readonly rho: Readonly<Record<string, number | null>>
}

/** One member of a sweep, as its table shows it. */
export interface SweepMemberRow {
  readonly index: number
  readonly seed: number
  /** Milestone label -> date reached ("YYYY-MM"), or null. */
  readonly milestones: Readonly<Record<string, string | null>>
}

/** Response of GET /api/sweeps/:id: the summary and the statistics over the members finished so far. */
export interface SweepDetail {
  readonly summary: SweepSummary
  readonly milestones: ReadonlyArray<SweepMilestone>
  /** Sorted by the largest |rho| over milestones. */
  readonly influences: ReadonlyArray<SweepInfluence>
  readonly members: ReadonlyArray<SweepMemberRow>
  /** The metrics each member recorded yearly (any of them has a fan chart). */
  readonly metrics: ReadonlyArray<MetricInfo>
  readonly thresholds: ReadonlyArray<MilestoneThreshold>
}

/** Response of GET /api/sweeps/:id/fan?metric=KEY: P10/P50/P90 per year over the finished members. */
export interface SweepFan {
  readonly metric: string
  readonly years: ReadonlyArray<number>
  readonly p10: ReadonlyArray<number | null>
  readonly p50: ReadonlyArray<number | null>
  readonly p90: ReadonlyArray<number | null>
}

/** Response of GET /api/sweeps/:id/members/:index: enough to rerun the member alone. */
export interface SweepMember extends SweepMemberRow {
  readonly draws: Readonly<Record<string, number>>
}

/**
 * What the server sends on a sweep's WebSocket, `GET /api/sweeps/:id/stream` (JSON text messages):
 * `progress` on connecting and after every change of the sweep (each member finished, each status
 * change), in order, until the sweep has ended; `error` answers a client message it cannot read.
 */
export type SweepServerMessage =
  | {
      readonly type: "progress"
      /** done of total, status, elapsed time, error. */
      readonly summary: SweepSummary
      /**
       * Moves whenever the statistics of GET /api/sweeps/:id may have changed: fetch them again
       * when it differs from the one they were fetched at.
       */
      readonly version: number
    }
  | { readonly type: "error"; readonly message: string }

/** What a client may send on a sweep's WebSocket: `ping` is answered with a `progress` message. */
export type SweepClientMessage = { readonly type: "ping" }
