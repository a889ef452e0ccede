import { Rng } from "@takeoff/core"
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

/** A parameter's value at probability u: its distribution's quantile, clamped to its bounds. */
const valueAt = (config: EconomyConfig, path: string, u: number): number => {
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
