import * as fs from "node:fs"
import * as path from "node:path"
import { usage } from "./errors.js"

/** A sibling temporary name for `file`, unique to this process. */
export const tempPathFor = (file: string): string =>
  path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`)

/**
 * Checks that `file` can be created before any work starts, creating its missing parent
 * directories (as `mkdir -p` would) so `--out runs/x.ndjson` works in a fresh checkout. Throws a
 * usage error naming the flag when a parent is a file, is not writable, or `file` is a directory.
 */
export const checkWritable = (file: string, flag: string): void => {
  const dir = path.dirname(path.resolve(file))
  let existing = dir
  while (!fs.existsSync(existing)) existing = path.dirname(existing)
  if (!fs.statSync(existing).isDirectory()) throw usage(`${flag} ${file}: ${existing} is not a directory`)
  try {
    fs.accessSync(existing, fs.constants.W_OK)
    fs.mkdirSync(dir, { recursive: true })
  } catch (e) {
    throw usage(`${flag} ${file}: cannot write there (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw usage(`${flag} ${file}: is a directory`)
}

/**
 * Has `write` fill a temporary sibling of `file`, then renames it into place, so a reader (or a
 * crash) never sees half a file; on failure the temporary file is removed.
 *
 * @example
 * writeAtomically("s.series.parquet", (tmp) => writeLongParquet(tmp, runs, keys))
 */
export const writeAtomically = (file: string, write: (tmp: string) => void): void => {
  const tmp = tempPathFor(file)
  try {
    write(tmp)
    fs.renameSync(tmp, file)
  } catch (e) {
    fs.rmSync(tmp, { force: true })
    throw e
  }
}

/**
 * Writes `text` to `file` atomically (see `writeAtomically`).
 *
 * @example
 * writeFileAtomic("results.csv", csv)
 */
export const writeFileAtomic = (file: string, text: string | Uint8Array): void =>
  writeAtomically(file, (tmp) => fs.writeFileSync(tmp, text))

/**
 * `writeFileAtomic` for text produced in chunks (a sweep's long-format series can be gigabytes):
 * each chunk is written as it comes, so no more than one is held.
 *
 * @example
 * writeChunksAtomic("s.series.csv", longCsvChunks(runs, keys))
 */
export const writeChunksAtomic = (file: string, chunks: Iterable<string>): void =>
  writeAtomically(file, (tmp) => {
    const fd = fs.openSync(tmp, "w")
    try {
      for (const chunk of chunks) fs.writeSync(fd, chunk)
    } finally {
      fs.closeSync(fd)
    }
  })
