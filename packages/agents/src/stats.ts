/**
 * Small statistics for ensembles. Runs that never reach a milestone count as +Infinity, so a
 * percentile that lands among them reads "not reached" instead of silently dropping those runs.
 */

/**
 * Percentile by the nearest-rank method on a sorted copy (no interpolation: every reported value
 * is one a run actually produced, so a P50 date is a real run's date).
 *
 * @example
 * percentile([3, 1, 2, Infinity], 0.5) // 2
 */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil(p * sorted.length))
  return sorted[rank - 1]
}

/** Ranks 1..n with ties sharing their average rank (the standard for Spearman's rho). */
export const ranks = (values: ReadonlyArray<number>): Float64Array => {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b)
  const out = new Float64Array(values.length)
  let i = 0
  while (i < idx.length) {
    let j = i
    while (j + 1 < idx.length && values[idx[j + 1]] === values[idx[i]]) j++
    const avg = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) out[idx[k]] = avg
    i = j + 1
  }
  return out
}

/**
 * Spearman's rank correlation: Pearson's r of the ranks. NaN when either side is constant.
 *
 * @example
 * spearman([1, 2, 3], [10, 20, 30]) // 1
 */
export const spearman = (x: ReadonlyArray<number>, y: ReadonlyArray<number>): number => {
  if (x.length !== y.length || x.length < 2) return Number.NaN
  const rx = ranks(x)
  const ry = ranks(y)
  const n = x.length
  const mean = (n + 1) / 2
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = rx[i] - mean
    const dy = ry[i] - mean
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy)
}
