import * as fs from "node:fs"
import * as path from "node:path"
import { usage } from "./errors.js"

/**
 * Where a sweep writes its per-run CSV (its fan file goes beside it, see fanPathFor): the `--out`
 * file if it names a .csv; `<dir>/<scenario>-sweep.csv` if it names a directory (an existing one, or
 * a path ending in /); `<out>.csv` for a bare name, so `--out results` is not a file without an
 * extension; and `sweeps/<scenario>-sweep.csv` without `--out`, not the current directory's clutter.
 * @example sweepCsvPath(undefined, "baseline") // "sweeps/baseline-sweep.csv"
 * @example sweepCsvPath("results", "baseline") // "results.csv"
 */
export const sweepCsvPath = (out: string | undefined, scenario: string): string => {
  const file = `${scenario}-sweep.csv`
  if (out === undefined) return path.join("sweeps", file)
  if (/[/\\]$/.test(out) || (fs.existsSync(out) && fs.statSync(out).isDirectory())) return path.join(out, file)
  const ext = path.extname(out)
  if (ext === "") return `${out}.csv`
  if (ext.toLowerCase() !== ".csv") throw usage(`--out ${out}: expected a .csv file or a directory, got a ${ext} file`)
  return out
}
