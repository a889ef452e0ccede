import type { ModelKit } from "@takeoff/core"
import { fileWriter, ParquetWriter, parquetWriteBuffer, schemaFromColumnData } from "hyparquet-writer"
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

const columnsOf = (
  runs: ReadonlyArray<LongRun>,
  keys: ReadonlyArray<string>,
  paths: ReadonlyArray<string> = paramPaths(runs),
): LongColumns => {
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

/** The `param.<path>` columns of a set of runs: every drawn path, sorted. */
const paramPaths = (runs: ReadonlyArray<LongRun>): string[] =>
  [...new Set(runs.flatMap((r) => Object.keys(r.draws)))].sort()

/** Rows of the long form: one per run, tick and metric. */
export const longRowCount = (runs: ReadonlyArray<LongRun>, keys: ReadonlyArray<string>): number =>
  runs.reduce((n, r) => n + r.series.ticks.length * keys.length, 0)

/**
 * Long-form CSV as chunks of about `chunkChars` characters, in order: joined they are the file.
 * Rows are built run by run, so no more than a chunk is ever held: a sweep's every metric to 2100
 * (2,000 runs x 77 years x 118 metrics x ~1.1 kB a row with its parameters) streams to a file or a
 * response, where one string of it would pass V8's limit (~512 MB) after some 50 runs. Numbers in
 * shortest round-trip form, so the exact value survives.
 *
 * @example
 * for (const chunk of longCsvChunks(runs, ["gdpUsd"])) fs.writeSync(fd, chunk)
 */
export function* longCsvChunks(
  runs: ReadonlyArray<LongRun>,
  keys: ReadonlyArray<string>,
  chunkChars = 1 << 20,
): Generator<string> {
  const paths = paramPaths(runs)
  let buf = `${["run", "scenario", "seed", "tick", "date", "metric", "value", ...paths.map((p) => `param.${p}`)].join(",")}\n`
  for (const r of runs) {
    const head = `${cell(r.run)},${cell(r.scenario)},${cell(r.seed)},`
    const params = paths.map((p) => `,${cell(r.draws[p] ?? Number.NaN)}`).join("")
    const { ticks, dates, columns } = r.series
    for (let i = 0; i < ticks.length; i++) {
      const at = `${head}${cell(ticks[i])},${cell(dates[i])},`
      for (const k of keys) {
        buf += `${at}${cell(k)},${cell(columns[k][i])}${params}\n`
        if (buf.length >= chunkChars) {
          yield buf
          buf = ""
        }
      }
    }
  }
  if (buf.length > 0) yield buf
}

/** Long-form CSV in one string (small outputs: one run's export); sweeps stream `longCsvChunks`. */
export const longCsv = (runs: ReadonlyArray<LongRun>, keys: ReadonlyArray<string>): string =>
  [...longCsvChunks(runs, keys)].join("")

/** The long form's columns as the Parquet writer takes them (seed as INT64, values as DOUBLE). */
const parquetColumns = (c: LongColumns) => [
  { name: "run", data: c.run, type: "STRING" as const },
  { name: "scenario", data: c.scenario, type: "STRING" as const },
  { name: "seed", data: c.seed.map((s) => BigInt(s)), type: "INT64" as const },
  { name: "tick", data: c.tick, type: "INT32" as const },
  { name: "date", data: c.date, type: "STRING" as const },
  { name: "metric", data: c.metric, type: "STRING" as const },
  { name: "value", data: c.value, type: "DOUBLE" as const },
  ...Object.entries(c.params).map(([p, data]) => ({ name: `param.${p}`, data, type: "DOUBLE" as const })),
]

/** Long-form Parquet in memory (the same columns as longCsv), for small outputs: one run's export, a response. */
export const longParquet = (runs: ReadonlyArray<LongRun>, keys: ReadonlyArray<string>): ArrayBuffer =>
  parquetWriteBuffer({ columnData: parquetColumns(columnsOf(runs, keys)) })

/**
 * Long-form Parquet written to `file` a row group of `runsPerGroup` runs at a time, so only that
 * many runs' columns are held at once (a sweep's every metric to 2100 is ~9,000 rows a run with its
 * parameters): the same rows and columns as `longParquet`, in more row groups.
 *
 * @example
 * writeLongParquet("s.series.parquet", sweepLongRuns(kit, config, "baseline", results, keys), keys)
 */
export const writeLongParquet = (
  file: string,
  runs: ReadonlyArray<LongRun>,
  keys: ReadonlyArray<string>,
  runsPerGroup = 16,
): void => {
  const paths = paramPaths(runs)
  const writer = fileWriter(file)
  let pq: ParquetWriter | undefined
  for (let i = 0; i === 0 || i < runs.length; i += runsPerGroup) {
    const columns = parquetColumns(columnsOf(runs.slice(i, i + runsPerGroup), keys, paths))
    pq ??= new ParquetWriter({ writer, schema: schemaFromColumnData({ columnData: columns }) })
    // The schema holds the types; a group's columns are its data alone.
    pq.write({ columnData: columns.map(({ name, data }) => ({ name, data })), rowGroupSize: Number.MAX_SAFE_INTEGER })
  }
  pq!.finish()
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
