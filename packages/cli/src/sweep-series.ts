import { type LongRun, longCellCount, longCsvChunks, longParquet, longRowCount } from "@takeoff/agents"
import type { ModelKit } from "@takeoff/core"
import { writeChunksAtomic, writeFileAtomic } from "./atomic.js"
import { usage } from "./errors.js"

/**
 * The metrics whose yearly series every sweep run records: `--metrics a,b` (or `all`), else the
 * headline ones the fan charts show. Unknown keys are refused by name.
 * @example seriesKeysOf(kit, ["gdpUsd,aiShare"], ["aiShare"]) // ["gdpUsd", "aiShare"]
 */
export const seriesKeysOf = (
  kit: ModelKit,
  asked: ReadonlyArray<string> | undefined,
  headline: ReadonlyArray<string>,
): string[] => {
  const known = kit.metrics.map((m) => m.key)
  const keys = (asked ?? []).flatMap((m) => m.split(",")).filter((m) => m !== "")
  if (keys.length === 0) return [...headline]
  if (keys.includes("all")) return known
  for (const k of keys)
    if (!known.includes(k)) throw usage(`--metrics: unknown metric "${k}" (known: all, ${known.join(", ")})`)
  return [...new Set(keys)]
}

/** `results.csv` -> `results.series.csv` / `results.series.parquet` (every run's yearly series, long form). */
export const seriesPathFor = (out: string, ext: "csv" | "parquet"): string =>
  `${out.replace(/\.csv$/, "")}.series.${ext}`

/**
 * Most cells (rows x columns) the Parquet file is written with: its writer holds every column in
 * memory at once (~8 bytes a cell and more), where the CSV streams. 20M cells is ~0.3M rows of a
 * sweep with 58 drawn parameters, e.g. 40 runs of every metric to 2100.
 */
export const PARQUET_MAX_CELLS = 20_000_000

/**
 * Writes the long-format CSV (streamed, any size) and, when it fits in memory, the Parquet beside
 * the per-run CSV; returns their paths (parquet: why it was not written, when it was not) and the row count.
 */
export const writeSweepSeries = (
  out: string,
  runs: ReadonlyArray<LongRun>,
  keys: ReadonlyArray<string>,
  parquetMaxCells = PARQUET_MAX_CELLS,
): { csv: string; parquet: string | null; parquetSkipped?: string; rows: number } => {
  const csv = seriesPathFor(out, "csv")
  const parquet = seriesPathFor(out, "parquet")
  writeChunksAtomic(csv, longCsvChunks(runs, keys))
  const rows = longRowCount(runs, keys)
  const cells = longCellCount(runs, keys)
  if (cells > parquetMaxCells) {
    return {
      csv,
      parquet: null,
      parquetSkipped: `${parquet} not written: ${rows} rows x ${cells / rows} columns = ${cells} cells is over the Parquet writer's in-memory limit of ${parquetMaxCells}; the CSV has every row (or pick fewer with --metrics a,b)`,
      rows,
    }
  }
  writeFileAtomic(parquet, Buffer.from(longParquet(runs, keys)))
  return { csv, parquet, rows }
}
