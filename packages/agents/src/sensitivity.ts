import { Rng } from "@takeoff/core"

/**
 * Variance-based sensitivity (Sobol indices) of an ensemble's outcome to its sampled parameters:
 * the Saltelli design with its estimators, and a first-order estimate from any sample (given data).
 * Pure arithmetic over arrays; the caller simulates.
 */

/**
 * The Saltelli (2010) design for k parameters and n base rows, as probabilities in (0, 1): rows
 * 0..n-1 are matrix A, n..2n-1 matrix B, then for each parameter i the n rows of A with column i
 * taken from B (AB_i). n (k + 2) runs in all.
 *
 * @example
 * const u = saltelliDesign(3, 100, 7) // 500 rows of 3 probabilities
 */
export const saltelliDesign = (k: number, n: number, seed: number): number[][] => {
  const rng = Rng.fromSeed(seed)
  const a = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.float()))
  const b = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.float()))
  const ab = Array.from({ length: k }, (_, i) => a.map((row, j) => row.map((u, c) => (c === i ? b[j][c] : u))))
  return [...a, ...b, ...ab.flat()]
}

export interface SobolIndex {
  /** First order: the share of the outcome's variance the parameter explains alone. */
  readonly first: number
  /** Total order: its share including every interaction it takes part in. */
  readonly total: number
}

const variance = (y: ReadonlyArray<number>): number => {
  let m = 0
  for (const v of y) m += v
  m /= y.length
  let s = 0
  for (const v of y) s += (v - m) ** 2
  return s / y.length
}

/**
 * First- and total-order Sobol indices from the outcomes of a `saltelliDesign` (same order):
 * Saltelli et al. 2010's first-order estimator and Jansen's total-order one. NaN when the outcome
 * does not vary.
 *
 * @example
 * const idx = sobolIndices(y, 3, 100) // idx[i].first, idx[i].total
 */
export const sobolIndices = (y: ReadonlyArray<number>, k: number, n: number): SobolIndex[] => {
  if (y.length !== n * (k + 2)) throw new RangeError(`sobolIndices: expected ${n * (k + 2)} outcomes, got ${y.length}`)
  const fa = y.slice(0, n)
  const fb = y.slice(n, 2 * n)
  const v = variance([...fa, ...fb])
  return Array.from({ length: k }, (_, i) => {
    const fab = y.slice((2 + i) * n, (3 + i) * n)
    let first = 0
    let total = 0
    for (let j = 0; j < n; j++) {
      first += fb[j] * (fab[j] - fa[j])
      total += (fa[j] - fab[j]) ** 2
    }
    return v > 0 ? { first: first / n / v, total: total / (2 * n) / v } : { first: Number.NaN, total: Number.NaN }
  })
}

/**
 * First-order Sobol index from any sample (a Latin hypercube sweep, say): sort the runs by the
 * parameter, cut them into ~sqrt(n) bins of equal count, and take the variance of the bins' mean
 * outcomes over the outcome's variance. Biased upward by about (bins - 1) / n, which is reported
 * beside it; needs no extra runs.
 *
 * @example
 * firstOrderFromSample(x, y) // 0.4: x alone explains ~40% of y's variance
 */
export const firstOrderFromSample = (x: ReadonlyArray<number>, y: ReadonlyArray<number>): number => {
  const n = x.length
  const v = variance(y)
  if (n < 4 || !(v > 0)) return Number.NaN
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b] || a - b)
  const bins = Math.max(2, Math.round(Math.sqrt(n)))
  let mean = 0
  for (const t of y) mean += t
  mean /= n
  let between = 0
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins)
    const to = Math.floor(((b + 1) * n) / bins)
    let m = 0
    for (let j = from; j < to; j++) m += y[order[j]]
    m /= to - from
    between += (to - from) * (m - mean) ** 2
  }
  return between / n / v
}
