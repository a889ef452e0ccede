import { Rng } from "@takeoff/core"
import type { DesignInfo } from "@takeoff/protocol"
import { type Distribution, type EconomyConfig, specOf } from "./config.js"

/**
 * Sampling: drawing a scenario's uncertain parameters for an ensemble run. Every draw goes
 * through a distribution's quantile function, so plain random draws and Latin hypercube strata
 * share one code path.
 */

/**
 * The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9): pure
 * arithmetic, so draws are identical on every platform.
 */
export const normalQuantile = (u: number): number => {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const p = Math.min(1 - 1e-12, Math.max(1e-12, u))
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    )
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  )
}

/**
 * The value of a distribution at cumulative probability u in (0, 1).
 *
 * @example
 * quantile({ type: "lognormal", median: 3, sigma: 0.8 }, 0.5) // 3
 */
export const quantile = (d: Distribution, u: number): number => {
  switch (d.type) {
    case "normal":
      return d.mean + d.sd * normalQuantile(u)
    case "lognormal":
      return d.median * Math.exp(d.sigma * normalQuantile(u))
    case "uniform":
      return d.min + (d.max - d.min) * u
    case "triangular": {
      const c = (d.mode - d.min) / (d.max - d.min || 1)
      return u < c
        ? d.min + Math.sqrt(u * (d.max - d.min) * (d.mode - d.min))
        : d.max - Math.sqrt((1 - u) * (d.max - d.min) * (d.max - d.mode))
    }
  }
}

/**
 * A parameter's value at probability u: its distribution's quantile, clamped to its bounds.
 * @example valueAt(config, "ai.flopGapScale", 0.9) // its P90
 */
export const valueAt = (config: EconomyConfig, path: string, u: number): number => {
  const spec = specOf(path)!
  const v = Math.min(spec.max, Math.max(spec.min, quantile(config.distributions[path], u)))
  return spec.integer ? Math.round(v) : v
}

/** The declared distributions' paths in the order draws are made (sorted, so files can reorder keys). */
export const sampledPaths = (config: EconomyConfig): string[] => Object.keys(config.distributions).sort()

/**
 * Draws every declared distribution (in path order, from `seed`), clamped to the parameter bounds.
 *
 * @example
 * const { config: run, draws } = sampleScenario(config, deriveSeed(7, i))
 */
export const sampleScenario = (
  config: EconomyConfig,
  seed: number,
): { config: EconomyConfig; draws: Record<string, number> } => {
  const rng = Rng.fromSeed(seed)
  const draws: Record<string, number> = {}
  for (const path of sampledPaths(config)) draws[path] = valueAt(config, path, rng.float())
  return { config: { ...config, values: { ...config.values, ...draws } }, draws }
}

/**
 * A Latin hypercube design of `n` parameter sets: each distribution's probability range is cut
 * into n equal strata and every stratum is used exactly once, in an order shuffled per parameter.
 * Covers each marginal evenly with far fewer runs than independent draws need.
 *
 * @example
 * const design = latinHypercube(config, 1000, 1) // design[i]: path -> value for run i
 */
export const latinHypercube = (config: EconomyConfig, n: number, seed: number): Array<Record<string, number>> => {
  const rng = Rng.fromSeed(seed)
  const design: Array<Record<string, number>> = Array.from({ length: n }, () => ({}))
  for (const path of sampledPaths(config)) {
    const order = Array.from({ length: n }, (_, i) => i)
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.float() * (i + 1))
      const t = order[i]
      order[i] = order[j]
      order[j] = t
    }
    for (let i = 0; i < n; i++) design[i][path] = valueAt(config, path, (order[i] + rng.float()) / n)
  }
  return design
}

/**
 * Parameter sets from rows of probabilities (one column per `sampledPaths` entry), e.g. a
 * Saltelli design for Sobol indices.
 *
 * @example
 * const runs = designValues(config, saltelliDesign(sampledPaths(config).length, 64, 1))
 */
export const designValues = (config: EconomyConfig, rows: ReadonlyArray<ReadonlyArray<number>>) => {
  const paths = sampledPaths(config)
  return rows.map((u) => Object.fromEntries(paths.map((p, i) => [p, valueAt(config, p, u[i])])))
}

/*
 * Designs without draws (BehaviorSpace's "vary" and a tornado's one-at-a-time): the rows are
 * fixed by the scenario and the flags, so a sweep of them is reproducible without a seed.
 */

/**
 * The sweep designs, in the order a user is offered them (the first is the default).
 *
 * @example
 * DESIGNS.map((d) => d.name) // ["lhs", "random", "saltelli", "grid", "oat"]
 */
export const DESIGNS: ReadonlyArray<DesignInfo> = [
  {
    name: "lhs",
    title: "Latin hypercube",
    description: "each distribution's probability cut into N equal strata, each used once; --vary drawn uniformly",
    distributions: "sampled",
    vary: "uniform",
    runs: "N",
  },
  {
    name: "random",
    title: "Monte Carlo",
    description: "each run draws every distribution and --vary range from its own seed",
    distributions: "sampled",
    vary: "uniform",
    runs: "N",
  },
  {
    name: "saltelli",
    title: "Saltelli (Sobol indices)",
    description: "N base rows and k cross rows each, for first- and total-order Sobol indices",
    distributions: "sampled",
    vary: "refused",
    runs: "N x (k + 2)",
  },
  {
    name: "grid",
    title: "Full factorial grid",
    description: "every combination of the --vary levels (lo:hi:n or a,b,c), distributions at their point values",
    distributions: "fixed",
    vary: "levels",
    runs: "N x (product of the levels)",
  },
  {
    name: "oat",
    title: "One at a time (tornado)",
    description: "each distribution moved alone to its P10 and P90 (a --vary to its ends), the rest at point values",
    distributions: "quantiles",
    vary: "ends",
    runs: "N x (1 + 2 x (k + v))",
  },
]

/** One axis of a grid: a parameter and the values it takes. */
export interface GridAxis {
  readonly path: string
  readonly values: ReadonlyArray<number>
}

/** A value without binary noise (0.30000000000000004 -> 0.3), so levels print and `--set` as written. */
const tidy = (x: number): number => Number(x.toPrecision(12))

/**
 * `n` evenly spaced levels from `lo` to `hi`, both included (BehaviorSpace's [lo step hi]).
 *
 * @example
 * gridLevels(0.3, 0.5, 3) // [0.3, 0.4, 0.5]
 */
export const gridLevels = (lo: number, hi: number, n: number): number[] =>
  n === 1 ? [lo] : Array.from({ length: n }, (_, i) => tidy(lo + ((hi - lo) * i) / (n - 1)))

/** The number of rows a grid makes: the product of its axes' sizes. */
export const gridSize = (axes: ReadonlyArray<GridAxis>): number => axes.reduce((n, a) => n * a.values.length, 1)

/**
 * The full factorial design over `axes`: every combination once, the first axis changing slowest
 * (the order nested loops give).
 *
 * @example
 * gridDesign([{ path: "a", values: [1, 2] }, { path: "b", values: [5, 6] }])
 * // [{a: 1, b: 5}, {a: 1, b: 6}, {a: 2, b: 5}, {a: 2, b: 6}]
 */
export const gridDesign = (axes: ReadonlyArray<GridAxis>): Array<Record<string, number>> => {
  let rows: Array<Record<string, number>> = [{}]
  for (const axis of axes) rows = rows.flatMap((row) => axis.values.map((v) => ({ ...row, [axis.path]: v })))
  return axes.length === 0 ? [] : rows
}

/** A row of a one-at-a-time design: which parameter it moved (none for the point row) and to which end. */
export interface OatRow {
  readonly moved: string | null
  readonly end: "low" | "high" | null
  /** Every parameter of the design: the moved one at its end, the rest at their point values. */
  readonly values: Readonly<Record<string, number>>
}

/**
 * A one-at-a-time design: the point row (every parameter at its scenario value), then for each
 * parameter in path order a low and a high row moving it alone, to its distribution's P10 and P90
 * (clamped to its bounds) or to the ends of its `ranges` entry. The outcome's spread between a
 * parameter's two rows is a tornado chart's bar.
 *
 * @example
 * oatDesign(config, [{ path: "ai.mfu", lo: 0.3, hi: 0.5 }])[0].moved // null: the point row
 */
export const oatDesign = (
  config: EconomyConfig,
  ranges: ReadonlyArray<{ readonly path: string; readonly lo: number; readonly hi: number }> = [],
): OatRow[] => {
  const ends = new Map<string, [number, number]>()
  for (const path of sampledPaths(config)) ends.set(path, [valueAt(config, path, 0.1), valueAt(config, path, 0.9)])
  for (const r of ranges) ends.set(r.path, [r.lo, r.hi])
  const paths = [...ends.keys()].sort()
  const point = Object.fromEntries(paths.map((p) => [p, config.values[p]]))
  const rows: OatRow[] = [{ moved: null, end: null, values: point }]
  for (const p of paths) {
    const [lo, hi] = ends.get(p)!
    rows.push({ moved: p, end: "low", values: { ...point, [p]: lo } })
    rows.push({ moved: p, end: "high", values: { ...point, [p]: hi } })
  }
  return rows
}

/**
 * A one-at-a-time design's rows recovered from their values alone (as a stored sweep's tasks keep
 * them), by the layout oatDesign makes: the point row, then a low and a high row per parameter in
 * path order.
 *
 * @example
 * oatRowsOf(oatDesign(config).map((r) => r.values)) // the same rows as oatDesign(config)
 */
export const oatRowsOf = (values: ReadonlyArray<Readonly<Record<string, number>>>): OatRow[] => {
  const paths = Object.keys(values[0] ?? {}).sort()
  return values.map((v, r) =>
    r === 0
      ? { moved: null, end: null, values: v }
      : { moved: paths[(r - 1) >> 1], end: r % 2 ? "low" : "high", values: v },
  )
}

/** A parameter's bar in a tornado: its two values and each milestone's tick at either end. */
export interface OatEffect {
  readonly path: string
  readonly point: number
  readonly low: number
  readonly high: number
  /** Milestone -> its tick with the parameter low and high (null: not reached), and |high - low| (censored). */
  readonly milestones: Readonly<
    Record<string, { readonly low: number | null; readonly high: number | null; readonly swing: number }>
  >
}

/**
 * The median of repetitions' milestone ticks, a missing milestone counting as later than any;
 * null if that median is missing.
 * @example medianTick([50, null, 60]) // 60
 */
export const medianTick = (ticks: ReadonlyArray<number | null>): number | null => {
  const s = ticks.map((t) => t ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b)
  if (s.length === 0) return null
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
  return Number.isFinite(m) ? m : null
}

/**
 * The tornado from a one-at-a-time design's outcomes: `outcomes[i]` holds the milestone ticks of
 * each repetition of `rows[i]` (the median is taken). A milestone not reached counts as `censorTick`
 * in the swing. Sorted by the largest swing over `labels`, widest first; `point` is the point
 * row's ticks.
 *
 * @example
 * const { point, effects } = oatEffects(rows, outcomes, ["AGI", "ASI"], lastTick + 12)
 */
export const oatEffects = (
  rows: ReadonlyArray<OatRow>,
  outcomes: ReadonlyArray<ReadonlyArray<Readonly<Record<string, number | null>>>>,
  labels: ReadonlyArray<string>,
  censorTick: number,
): { point: Record<string, number | null>; effects: OatEffect[] } => {
  const tickAt = (i: number, label: string) => medianTick((outcomes[i] ?? []).map((o) => o[label] ?? null))
  const pointIndex = rows.findIndex((r) => r.moved === null)
  const point = Object.fromEntries(labels.map((l) => [l, pointIndex < 0 ? null : tickAt(pointIndex, l)]))
  const effects: OatEffect[] = []
  for (let i = 0; i < rows.length; i++) {
    const low = rows[i]
    if (low.moved === null || low.end !== "low") continue
    const j = rows.findIndex((r) => r.moved === low.moved && r.end === "high")
    if (j < 0) continue
    const milestones = Object.fromEntries(
      labels.map((l) => {
        const lo = tickAt(i, l)
        const hi = tickAt(j, l)
        return [l, { low: lo, high: hi, swing: Math.abs((hi ?? censorTick) - (lo ?? censorTick)) }]
      }),
    )
    const path = low.moved
    effects.push({
      path,
      point: rows[pointIndex]?.values[path] ?? Number.NaN,
      low: low.values[path],
      high: rows[j].values[path],
      milestones,
    })
  }
  const widest = (e: OatEffect) => Math.max(0, ...Object.values(e.milestones).map((m) => m.swing))
  effects.sort((a, b) => widest(b) - widest(a) || (a.path < b.path ? -1 : 1))
  return { point, effects }
}

/**
 * The tornado of `oatEffects` with its ticks as dates (`date(tick)`, e.g. "2031-04" or "not by
 * 2060"): what `takeoff sweep --design oat` prints and the server's sweep view returns.
 *
 * @example
 * const { point, effects } = oatEffectsDated(rows, outcomes, ["AGI"], lastTick + 12, (t) => (t === null ? "not by 2060" : String(t)))
 */
export const oatEffectsDated = <D>(
  rows: ReadonlyArray<OatRow>,
  outcomes: ReadonlyArray<ReadonlyArray<Readonly<Record<string, number | null>>>>,
  labels: ReadonlyArray<string>,
  censorTick: number,
  date: (tick: number | null) => D,
) => {
  const { point, effects } = oatEffects(rows, outcomes, labels, censorTick)
  return {
    point: Object.fromEntries(labels.map((l) => [l, date(point[l])])),
    effects: effects.map((e) => ({
      path: e.path,
      point: e.point,
      low: e.low,
      high: e.high,
      milestones: Object.fromEntries(
        labels.map((l) => {
          const m = e.milestones[l]
          return [l, { low: date(m.low), high: date(m.high), swingMonths: m.swing }]
        }),
      ),
    })),
  }
}
