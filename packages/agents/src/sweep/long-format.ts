import type { ModelKit } from "@takeoff/core"
import { parquetWriteBuffer } from "hyparquet-writer"
import type { SweepRunResult } from "./run.js"

/** Metric time series of one run: the ticks taken, their dates, and each metric's value at each. */
export interface Series {
  readonly ticks: number[]
  readonly dates: string[]
  readonly columns: Record<string, number[]>
}

/**
 * Metric time series in long ("tidy") form, one row per run, tick and metric, the shape pandas,
 * polars and R read without reshaping and that concatenates across the runs of a sweep:
 * `run, scenario, seed, tick, date, metric, value`, then one `param.<path>` column per parameter
 * drawn for the run. `takeoff export`, `takeoff sweep` and the server's
 * GET /api/sweeps/:id/series.{csv,parquet} all write it with longCsv and longParquet.
 */
export interface LongRun {
  readonly run: string
  readonly scenario: string
  readonly seed: number
  /** The parameter values drawn for this run (a sweep's), by path. */
  readonly draws: Readonly<Record<string, number>>
  readonly series: Series
}

interface LongColumns {
  readonly run: string[]
  readonly scenario: string[]
  readonly seed: number[]
  readonly tick: number[]
  readonly date: string[]
  readonly metric: string[]
  readonly value: number[]
  readonly params: Record<string, number[]>
}

const columnsOf = (runs: ReadonlyArray<LongRun>, keys: ReadonlyArray<string>): LongColumns => {
  const paths = [...new Set(runs.flatMap((r) => Object.keys(r.draws)))].sort()
  const c: LongColumns = {
    run: [],
    scenario: [],
    seed: [],
    tick: [],
    date: [],
    metric: [],
    value: [],
    params: Object.fromEntries(paths.map((p) => [p, []])),
  }
  for (const r of runs)
    for (let i = 0; i < r.series.ticks.length; i++)
      for (const k of keys) {
        c.run.push(r.run)
        c.scenario.push(r.scenario)
        c.seed.push(r.seed)
        c.tick.push(r.series.ticks[i])
        c.date.push(r.series.dates[i])
        c.metric.push(k)
        c.value.push(r.series.columns[k][i])
        for (const p of paths) c.params[p].push(r.draws[p] ?? Number.NaN)
      }
  return c
}

/** A CSV cell: quoted when it holds a comma, quote or newline. */
const cell = (v: string | number): string => {
  const s = String(v)
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** Long-form CSV; numbers in shortest round-trip form, so the exact value survives. */
export const longCsv = (runs: ReadonlyArray<LongRun>, keys: ReadonlyArray<string>): string => {
  const c = columnsOf(runs, keys)
  const paths = Object.keys(c.params)
  const lines = [
    ["run", "scenario", "seed", "tick", "date", "metric", "value", ...paths.map((p) => `param.${p}`)].join(","),
  ]
  for (let i = 0; i < c.run.length; i++)
    lines.push(
      [
        c.run[i],
        c.scenario[i],
        c.seed[i],
        c.tick[i],
        c.date[i],
        c.metric[i],
        c.value[i],
        ...paths.map((p) => c.params[p][i]),
      ]
        .map(cell)
        .join(","),
    )
  return `${lines.join("\n")}\n`
}

/** Long-form Parquet (the same columns as longCsv; seed as INT64, values as DOUBLE). */
export const longParquet = (runs: ReadonlyArray<LongRun>, keys: ReadonlyArray<string>): ArrayBuffer => {
  const c = columnsOf(runs, keys)
  return parquetWriteBuffer({
    columnData: [
      { name: "run", data: c.run, type: "STRING" },
      { name: "scenario", data: c.scenario, type: "STRING" },
      { name: "seed", data: c.seed.map((s) => BigInt(s)), type: "INT64" },
      { name: "tick", data: c.tick, type: "INT32" },
      { name: "date", data: c.date, type: "STRING" },
      { name: "metric", data: c.metric, type: "STRING" },
      { name: "value", data: c.value, type: "DOUBLE" },
      ...Object.entries(c.params).map(([p, data]) => ({ name: `param.${p}`, data, type: "DOUBLE" as const })),
    ],
  })
}

/**
 * Every sweep run's yearly metric series as long-format runs (run, scenario, seed, tick, date,
 * metric, value, then the run's parameter draws as `param.<path>` columns), in run order: the
 * shape pandas and polars load without reshaping.
 *
 * @example
 * const csv = longCsv(sweepLongRuns(kit, config, "baseline", results, ["gdpUsd"]), ["gdpUsd"])
 */
export const sweepLongRuns = (
  kit: ModelKit,
  config: unknown,
  scenario: string,
  results: ReadonlyArray<SweepRunResult>,
  keys: ReadonlyArray<string>,
): LongRun[] =>
  [...results]
    .sort((a, b) => a.index - b.index)
    .map((r) => {
      const ticks = r.yearTicks.filter((t) => t !== undefined)
      return {
        run: String(r.index),
        scenario,
        seed: r.seed,
        draws: r.draws,
        series: {
          ticks,
          dates: ticks.map((t) => kit.calendar.tickToDate(config, t)),
          columns: Object.fromEntries(keys.map((k) => [k, r.yearly[k] ?? []])),
        },
      }
    })
