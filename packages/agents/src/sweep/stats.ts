import { type GridAxis, gridDesign, medianTick } from "../scenario/sampling.js"
import { firstOrderFromSample, type SobolIndex, sobolIndices } from "../sensitivity.js"
import { percentile, spearman } from "../stats.js"
import type { SweepRunResult } from "./run.js"

export interface MilestoneStats {
  readonly label: string
  /** Share of runs that reached it. */
  readonly reached: number
  /** Percentile ticks; Infinity = not reached by the end in that share of runs. */
  readonly p5: number
  readonly p10: number
  readonly p50: number
  readonly p90: number
  readonly p95: number
  /** Share of runs that reached it by the end of each year asked for (e.g. 2060, 2100) within the horizon. */
  readonly reachedBy: Readonly<Record<string, number>>
}

export interface Influence {
  readonly path: string
  /** Spearman's rho between the parameter and each milestone's tick (never reached = last). */
  readonly rho: Readonly<Record<string, number>>
  /**
   * First-order Sobol index of each milestone's tick (never reached = one year past the horizon),
   * estimated from the sample by binning (biased up by about sqrt(runs) / runs).
   */
  readonly s1: Readonly<Record<string, number>>
}

export interface SweepStats {
  readonly runs: number
  readonly milestones: ReadonlyArray<MilestoneStats>
  readonly influences: ReadonlyArray<Influence>
}

const tickOrInf = (t: number | null): number => (t === null ? Number.POSITIVE_INFINITY : t)

/**
 * Percentiles of milestone dates, share of runs reaching each, and the parameters most
 * rank-correlated with when milestones happen (sorted by the largest |rho| over milestones).
 *
 * @example
 * const stats = sweepStats(results, ["AGI", "ASI", "post-scarcity", "catastrophe"])
 */
export const sweepStats = (
  results: ReadonlyArray<SweepRunResult>,
  labels: ReadonlyArray<string>,
  byTicks: Readonly<Record<string, number>> = {},
): SweepStats => {
  const milestones = labels.map((label) => {
    const ticks = results.map((r) => tickOrInf(r.milestones[label] ?? null))
    const share = (last: number) => (results.length ? ticks.filter((t) => t <= last).length / results.length : 0)
    return {
      label,
      // Never reached counts as Infinity, which is <= Infinity: count the finite ticks.
      reached: results.length ? ticks.filter(Number.isFinite).length / results.length : 0,
      p5: percentile(ticks, 0.05),
      p10: percentile(ticks, 0.1),
      p50: percentile(ticks, 0.5),
      p90: percentile(ticks, 0.9),
      p95: percentile(ticks, 0.95),
      reachedBy: Object.fromEntries(Object.entries(byTicks).map(([year, last]) => [year, share(last)])),
    }
  })
  const censored = (t: number | null, r: SweepRunResult) => (t === null ? r.lastTick + 12 : t)
  const paths = [...new Set(results.flatMap((r) => Object.keys(r.draws)))].sort()
  const influences = paths
    .map((path) => {
      const x = results.map((r) => r.draws[path] ?? Number.NaN)
      const rho: Record<string, number> = {}
      const s1: Record<string, number> = {}
      for (const label of labels) {
        s1[label] = firstOrderFromSample(
          x,
          results.map((r) => censored(r.milestones[label] ?? null, r)),
        )
        // Spearman ranks handle Infinity (never reached) as tied last, which is what we want.
        rho[label] = spearman(
          x,
          results.map((r) => tickOrInf(r.milestones[label] ?? null)),
        )
      }
      return { path, rho, s1 }
    })
    .sort((a, b) => strength(b) - strength(a) || (a.path < b.path ? -1 : 1))
  return { runs: results.length, milestones, influences }
}

const strength = (i: Influence): number => {
  let m = 0
  for (const v of Object.values(i.rho)) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v))
  return m
}

/** P10/P50/P90 per year of each recorded metric across runs, for the UI's fan charts. */
export const fanChart = (
  results: ReadonlyArray<SweepRunResult>,
  keys: ReadonlyArray<string>,
  years: ReadonlyArray<number>,
): Record<string, { p10: Array<number | null>; p50: Array<number | null>; p90: Array<number | null> }> => {
  const out: Record<string, { p10: Array<number | null>; p50: Array<number | null>; p90: Array<number | null> }> = {}
  for (const k of keys) {
    const f = { p10: [] as Array<number | null>, p50: [] as Array<number | null>, p90: [] as Array<number | null> }
    for (let y = 0; y < years.length; y++) {
      const vals = results
        .map((r) => r.yearly[k]?.[y])
        .filter((v): v is number => typeof v === "number" && Number.isFinite(v))
      f.p10.push(vals.length ? percentile(vals, 0.1) : null)
      f.p50.push(vals.length ? percentile(vals, 0.5) : null)
      f.p90.push(vals.length ? percentile(vals, 0.9) : null)
    }
    out[k] = f
  }
  return out
}

/** A milestone's outcome for sensitivity: its tick, or one year past the run's end if never reached. */
const censoredTick = (r: SweepRunResult, label: string): number => r.milestones[label] ?? r.lastTick + 12

/**
 * First- and total-order Sobol indices of each milestone's date from a complete Saltelli sweep
 * (results in design order: A, B, then AB_i for each parameter in path order).
 *
 * @example
 * saltelliIndices(results, ["AGI", "ASI"], sampledPaths(config), 64)["ai.flopGapScale"].AGI.total
 */
export const saltelliIndices = (
  results: ReadonlyArray<SweepRunResult>,
  labels: ReadonlyArray<string>,
  paths: ReadonlyArray<string>,
  n: number,
): Record<string, Record<string, SobolIndex>> => {
  const ordered = [...results].sort((a, b) => a.index - b.index)
  const k = paths.length
  const out: Record<string, Record<string, SobolIndex>> = Object.fromEntries(paths.map((p) => [p, {}]))
  for (const label of labels) {
    const idx = sobolIndices(
      ordered.map((r) => censoredTick(r, label)),
      k,
      n,
    )
    paths.forEach((p, i) => {
      out[p][label] = idx[i]
    })
  }
  return out
}

/**
 * Milestone ticks of each design row's repetitions (results in any order; row r's runs are
 * r x reps .. r x reps + reps - 1, as sweepTasks numbers a grid's or one-at-a-time design's runs).
 *
 * @example
 * const outcomes = rowOutcomes(results, plan.oat.length, plan.reps) // for oatEffects
 */
export const rowOutcomes = (
  results: ReadonlyArray<SweepRunResult>,
  rows: number,
  reps: number,
): Array<Array<Record<string, number | null>>> => {
  const out: Array<Array<Record<string, number | null>>> = Array.from({ length: rows }, () => [])
  for (const r of results) out[Math.floor(r.index / reps)]?.push(r.milestones)
  return out
}

/** A grid point: its parameter values, and each milestone's median tick over its repetitions (null: not reached, or none ran). */
export interface GridPoint {
  readonly values: Readonly<Record<string, number>>
  readonly milestones: Readonly<Record<string, number | null>>
  /** Repetitions of the point finished. */
  readonly runs: number
}

/**
 * A grid sweep's points in design order (the first axis changing slowest), each with the median
 * tick of every milestone over its finished repetitions: the milestone by parameter value.
 *
 * @example
 * gridPoints(designed.axes, results, designed.reps, ["AGI", "ASI"])[0].milestones.AGI // e.g. 58
 */
export const gridPoints = (
  axes: ReadonlyArray<GridAxis>,
  results: ReadonlyArray<SweepRunResult>,
  reps: number,
  labels: ReadonlyArray<string>,
): GridPoint[] => {
  const rows = gridDesign(axes)
  const outcomes = rowOutcomes(results, rows.length, reps)
  return rows.map((values, i) => ({
    values,
    runs: outcomes[i].length,
    milestones: Object.fromEntries(labels.map((l) => [l, medianTick(outcomes[i].map((o) => o[l] ?? null))])),
  }))
}
