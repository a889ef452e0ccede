/**
 * Bench measurement on a shared, noisy machine: variants run interleaved (a, b, a, b, ...) so load
 * that comes and goes hits each alike; each reports min and median of N; a figure whose samples
 * spread too far, or a ratio that cannot be below 1 yet is, is flagged as not measured rather than
 * printed as a result. For benches (their variants read the clocks).
 */

/** N timings of one variant, in ms. */
export interface Sample {
  readonly n: number
  readonly min: number
  readonly median: number
  readonly max: number
  /** median / min: 1 on a quiet machine; large when the samples were disturbed. */
  readonly spread: number
}

/** Above this median/min spread a sample is too noisy to compare. */
export const MAX_SPREAD = 1.3

export const sampleOf = (ms: ReadonlyArray<number>): Sample => {
  if (ms.length === 0) throw new RangeError("a sample needs at least one timing")
  const s = [...ms].sort((a, b) => a - b)
  const median = s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
  return { n: s.length, min: s[0], median, max: s[s.length - 1], spread: median / s[0] }
}

/**
 * Runs every variant `rounds` times, interleaved, and returns each one's sample. Each variant
 * returns the milliseconds it measured (so it can leave its setup out).
 *
 * @example
 * const { engine, limit } = interleave(5, { engine: () => runEngine(), limit: () => runLimit() })
 */
export const interleave = <K extends string>(rounds: number, variants: Readonly<Record<K, () => number>>) => {
  const keys = Object.keys(variants) as K[]
  const ms = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>
  for (let r = 0; r < rounds; r++) {
    // Alternate the order too, so no variant always runs right after another's garbage.
    const order = r % 2 === 0 ? keys : [...keys].reverse()
    for (const k of order) ms[k].push(variants[k]())
  }
  return Object.fromEntries(keys.map((k) => [k, sampleOf(ms[k])])) as Record<K, Sample>
}

/** `interleave` for variants that measure asynchronously (spawned processes). */
export const interleaveAsync = async <K extends string>(
  rounds: number,
  variants: Readonly<Record<K, () => Promise<number>>>,
): Promise<Record<K, Sample>> => {
  const keys = Object.keys(variants) as K[]
  const ms = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? keys : [...keys].reverse()
    for (const k of order) ms[k].push(await variants[k]())
  }
  return Object.fromEntries(keys.map((k) => [k, sampleOf(ms[k])])) as Record<K, Sample>
}

/** A ratio of two samples: of their minima (the figure) and of their medians (for scale). */
export interface Ratio {
  readonly min: number
  readonly median: number
  /** Why the ratio is not a measurement, or undefined when it is. */
  readonly busy: string | undefined
}

/**
 * How far below 1 a ratio that cannot be below 1 may read before it is a measurement error rather
 * than two equal costs read through noise (min-of-N timings on a quiet machine differ by ~1-2%).
 */
export const RATIO_NOISE = 0.03

/**
 * `a / b` from interleaved samples. `atLeastOne`: the ratio cannot truly be below 1 (an engine
 * against the hand-written loop it wraps), so one below 1 - RATIO_NOISE is a measurement error.
 */
export const ratioOf = (a: Sample, b: Sample, options: { readonly atLeastOne?: boolean } = {}): Ratio => {
  const min = a.min / b.min
  const median = a.median / b.median
  const reasons: string[] = []
  if (options.atLeastOne && (min < 1 - RATIO_NOISE || median < 1 - RATIO_NOISE))
    reasons.push(`a ratio below ${1 - RATIO_NOISE}`)
  const spread = Math.max(a.spread, b.spread)
  if (spread > MAX_SPREAD) reasons.push(`samples spread ${spread.toFixed(2)}x (median/min)`)
  return { min, median, busy: reasons.length > 0 ? reasons.join(", ") : undefined }
}

/** A sample's own busy flag (a figure with no ratio, e.g. a start-up time). */
export const busyOf = (s: Sample): string | undefined =>
  s.spread > MAX_SPREAD ? `samples spread ${s.spread.toFixed(2)}x (median/min)` : undefined

/**
 * The verdict printed beside a target: "ok", "MISSED", or, when the figure is not a measurement,
 * "machine too busy to measure (why)".
 */
export const verdict = (ok: boolean, busy: string | undefined): string =>
  busy !== undefined ? `machine too busy to measure: ${busy}` : ok ? "ok" : "MISSED"
