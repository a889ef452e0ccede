import type { MilestoneThreshold } from "@takeoff/protocol"

/** One metric's percentile bands from a sweep, per year. */
export interface FanSeries {
  readonly key: string
  readonly label?: string
  readonly unit?: string
  /** Best plotted on a log axis (the model's hint). */
  readonly log?: boolean
  readonly years: ReadonlyArray<number>
  readonly p10: ReadonlyArray<number | null>
  readonly p50: ReadonlyArray<number | null>
  readonly p90: ReadonlyArray<number | null>
}

export interface FanFile {
  readonly runs?: number
  readonly scenario?: string
  readonly metrics: ReadonlyArray<FanSeries>
  /** The scenario's milestone thresholds, drawn on the chart of their metric. */
  readonly thresholds: ReadonlyArray<MilestoneThreshold>
}

/** A sweep results file the UI could not read, naming what was expected. */
export class FanFileError extends Error {
  override name = "FanFileError"
}

const pick = (o: Record<string, unknown>, ...names: string[]): unknown => {
  for (const n of names) if (n in o) return o[n]
  return undefined
}

const numbers = (v: unknown, where: string): Array<number | null> => {
  if (!Array.isArray(v)) throw new FanFileError(`${where}: expected an array of numbers`)
  return v.map((x, i) => {
    if (x === null) return null
    // Named by type, not echoed: a file nested 100k deep would overflow JSON.stringify's stack.
    if (typeof x !== "number") {
      const got = Array.isArray(x) ? "an array" : typeof x === "object" ? "an object" : JSON.stringify(x)
      throw new FanFileError(`${where}[${i}]: expected a number, got ${got}`)
    }
    return x
  })
}

/**
 * Reads a sweep's `<out>.fan.json` as `takeoff sweep` writes it (`{scenario, seed, runs, years,
 * thresholds, metrics: {key: {label, unit, log?, p10, p50, p90}}}`); metrics may also be an array of
 * `{key, years, p10, p50, p90}`.
 * @example parseFanFile('{"years":[2030],"metrics":{"gdp":{"p10":[1],"p50":[2],"p90":[3]}}}').metrics[0].key // "gdp"
 */
export const parseFanFile = (text: string): FanFile => {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new FanFileError(`not JSON: ${(e as Error).message}`)
  }
  if (!raw || typeof raw !== "object") throw new FanFileError("expected a JSON object with `metrics`")
  const root = raw as Record<string, unknown>
  const metricsRaw = pick(root, "metrics", "series")
  if (!metricsRaw || typeof metricsRaw !== "object") throw new FanFileError("`metrics`: expected an object or array")
  const rootYears = pick(root, "years", "year")
  const entries: Array<[string, Record<string, unknown>]> = Array.isArray(metricsRaw)
    ? metricsRaw.map((m, i) => {
        const o = m as Record<string, unknown>
        const key = pick(o, "key", "metric", "name")
        if (typeof key !== "string") throw new FanFileError(`metrics[${i}].key: expected a string`)
        return [key, o]
      })
    : Object.entries(metricsRaw as Record<string, Record<string, unknown>>)
  const metrics = entries.map(([key, o]): FanSeries => {
    const years = numbers(pick(o, "years", "year") ?? rootYears, `metrics.${key}.years`) as number[]
    const series: FanSeries = {
      key,
      ...(typeof o.label === "string" ? { label: o.label } : {}),
      ...(typeof o.unit === "string" ? { unit: o.unit } : {}),
      ...(o.log === true ? { log: true } : {}),
      years,
      p10: numbers(pick(o, "p10", "P10"), `metrics.${key}.p10`),
      p50: numbers(pick(o, "p50", "P50", "median"), `metrics.${key}.p50`),
      p90: numbers(pick(o, "p90", "P90"), `metrics.${key}.p90`),
    }
    for (const p of ["p10", "p50", "p90"] as const)
      if (series[p].length !== years.length)
        throw new FanFileError(`metrics.${key}.${p}: ${series[p].length} values for ${years.length} years`)
    return series
  })
  const runs = pick(root, "runs", "n")
  return {
    metrics,
    runs: typeof runs === "number" ? runs : undefined,
    scenario: typeof root.scenario === "string" ? root.scenario : undefined,
    thresholds: Array.isArray(root.thresholds) ? (root.thresholds as MilestoneThreshold[]) : [],
  }
}
