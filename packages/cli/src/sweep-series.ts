import { type LongRun, longCsvChunks, longRowCount, writeLongParquet } from "@takeoff/agents"
import type { ModelKit } from "@takeoff/core"
import { writeAtomically, writeChunksAtomic } from "./atomic.js"
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
 * Writes the long-format CSV and Parquet beside the per-run CSV, each streamed to a temporary
 * sibling and renamed into place (any size: the CSV chunk by chunk, the Parquet a row group of a
 * few runs at a time); returns their paths and the row count.
 */
export const writeSweepSeries = (
  out: string,
  runs: ReadonlyArray<LongRun>,
  keys: ReadonlyArray<string>,
): { csv: string; parquet: string; rows: number } => {
  const csv = seriesPathFor(out, "csv")
  const parquet = seriesPathFor(out, "parquet")
  writeChunksAtomic(csv, longCsvChunks(runs, keys))
  writeAtomically(parquet, (tmp) => writeLongParquet(tmp, runs, keys))
  return { csv, parquet, rows: longRowCount(runs, keys) }
}
