import * as fs from "node:fs"
import * as path from "node:path"
import { usage } from "./errors.js"

/** A sibling temporary name for `file`, unique to this process. */
export const tempPathFor = (file: string): string =>
  path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`)

/**
 * Checks that `file` can be created before any work starts: its directory exists and is writable
 * and `file` is not a directory. Throws a usage error naming the flag.
 */
export const checkWritable = (file: string, flag: string): void => {
  const dir = path.dirname(path.resolve(file))
  try {
    if (!fs.statSync(dir).isDirectory()) throw usage(`${flag} ${file}: ${dir} is not a directory`)
    fs.accessSync(dir, fs.constants.W_OK)
  } catch (e) {
    if ((e as { _tag?: string })._tag === "CliError") throw e
    const code = (e as NodeJS.ErrnoException).code
    throw usage(`${flag} ${file}: cannot write there (${code === "ENOENT" ? `no directory ${dir}` : code})`)
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw usage(`${flag} ${file}: is a directory`)
}

/**
 * Writes `text` to `file` through a temporary sibling and a rename, so a reader (or a crash) never
 * sees half a file.
 *
 * @example
 * writeFileAtomic("results.csv", csv)
 */
export const writeFileAtomic = (file: string, text: string): void => {
  const tmp = tempPathFor(file)
  try {
    fs.writeFileSync(tmp, text)
    fs.renameSync(tmp, file)
  } catch (e) {
    fs.rmSync(tmp, { force: true })
    throw e
  }
}
