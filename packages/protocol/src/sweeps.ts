import type { DesignName, MetricInfo, MilestoneKind, MilestoneThreshold } from "./model.js"

/**
 * A sweep's design (see `takeoff sweep --design`): lhs, random and saltelli sample the scenario's
 * distributions; grid runs every combination of levels; oat moves each parameter alone to its ends.
 */
export type SweepDesignName = DesignName

/**
 * One parameter of a grid sweep and its levels: either `values`, or `steps` evenly spaced levels
 * from `lo` to `hi` (both included).
 */
export interface SweepGridAxisRequest {
  readonly path: string
  readonly values?: ReadonlyArray<number>
  readonly lo?: number
  readonly hi?: number
  readonly steps?: number
}

/** A grid axis as the sweep runs it: the parameter and its levels. */
export interface SweepGridAxis {
  readonly path: string
  readonly values: ReadonlyArray<number>
}

/** A parameter drawn uniformly per run from [lo, hi] (the CLI's `--vary path=lo..hi`). */
export interface SweepVary {
  readonly path: string
  readonly lo: number
  readonly hi: number
}

/** Request body of POST /api/sweeps. */
export interface CreateSweepRequest {
  readonly scenario: string
  /**
   * Runs (a Saltelli design's base rows: it runs runs x (distributions + 2)); for a grid or
   * one-at-a-time design, the runs of each point (they share seeds).
   */
  readonly runs: number
  /** Sweep seed: run i gets deriveSeed(seed, i) (default 1). */
  readonly seed?: number
  /** Default lhs (Latin hypercube). */
  readonly design?: SweepDesignName
  /** Which declared distributions to sample, or (oat) to move to their P10 and P90 (default all); the others stay at the scenario's value. */
  readonly sample?: ReadonlyArray<string>
  /** Ranges drawn uniformly (lhs, random), or (oat) the ends each parameter is moved to alone. */
  readonly vary?: ReadonlyArray<SweepVary>
  /** A grid's parameters and their levels (design "grid" only). */
  readonly axes?: ReadonlyArray<SweepGridAxisRequest>
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
  /** A grid's axes as run (levels resolved; an integer parameter's rounded). */
  readonly axes?: ReadonlyArray<SweepGridAxis>
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
  /** A grid sweep's points in design order (the first axis changing slowest): the milestone by parameter value. */
  readonly grid?: ReadonlyArray<SweepGridPoint>
  /** A one-at-a-time sweep's tornado: each parameter's ends and the milestone dates there, widest swing first. */
  readonly oat?: SweepOat
}

/** A one-at-a-time sweep's outcome: the point row's milestone dates and each parameter moved alone. */
export interface SweepOat {
  /** Milestone label -> the point row's median date, or null. */
  readonly point: Readonly<Record<string, string | null>>
  readonly effects: ReadonlyArray<SweepOatEffect>
}

/** One parameter moved alone: its point value, its two ends, and each milestone's median date at either end. */
export interface SweepOatEffect {
  readonly path: string
  readonly point: number
  readonly low: number
  readonly high: number
  /** Milestone label -> dates at the low and high end (null: not reached), and the swing in months (a missing date counts as a year past the horizon). */
  readonly milestones: Readonly<
    Record<string, { readonly low: string | null; readonly high: string | null; readonly swingMonths: number }>
  >
}

/** A grid point: its parameter values and each milestone's median date over its finished runs. */
export interface SweepGridPoint {
  readonly values: Readonly<Record<string, number>>
  /** Runs of the point finished. */
  readonly runs: number
  /** Milestone label -> median date ("YYYY-MM"), or null (not reached by the horizon, or none finished). */
  readonly milestones: Readonly<Record<string, string | null>>
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
