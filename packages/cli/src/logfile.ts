import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import {
  catchTagged,
  formatLogError,
  headerTruncated,
  type LogError,
  type LogHeader,
  lineKind,
  lineTick,
  linesOf,
  parseHeader,
  upcasterFor,
} from "@takeoff/core"
import { CliError, EXIT, usage } from "./errors.js"
import type { ModelKit } from "@takeoff/core"

/** A log read from disk, not yet checked beyond its header. */
export interface LogText {
  readonly file: string
  readonly text: string
  readonly header: LogHeader
  readonly kit: ModelKit
}

/**
 * The hidden partial logs a run writing `file` leaves beside it (`.<name>.<pid>.partial`), each
 * with whether the process that wrote it is still alive: a dead one is a crashed run's.
 */
export const partialsOf = (file: string): Array<{ path: string; pid: number; stale: boolean }> => {
  const dir = path.dirname(file)
  const prefix = `.${path.basename(file)}.`
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  return names
    .map((n) => ({ n, m: n.startsWith(prefix) ? /^(\d+)\.partial$/.exec(n.slice(prefix.length)) : null }))
    .filter((x) => x.m !== null)
    .map(({ n, m }) => ({ path: path.join(dir, n), pid: Number(m![1]), stale: !processAlive(Number(m![1])) }))
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** "no such file", and where the data of a run that was writing it is, if one was. */
const missingLog = (file: string): string => {
  const partials = partialsOf(file)
  if (partials.length === 0) return "no such file"
  const list = partials
    .map(
      (p) =>
        `${p.path} (${p.stale ? `its run, pid ${p.pid}, is gone: it crashed` : `pid ${p.pid} is still writing it`})`,
    )
    .join(", ")
  return `no such file, but a run writing it left ${list}; takeoff verify --allow-incomplete reads that file as far as it goes`
}

/**
 * Reads a log file's text (plain or gzip) without modifying it. A missing file, one that is not
 * readable or not gzip is a usage error (exit 2); a missing one names the partial log a crashed
 * run left in its place.
 *
 * @example
 * const text = readLogText("run.ndjson")
 */
export const readLogText = (file: string): string => {
  let raw: Buffer
  try {
    raw = fs.readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === "ENOENT" ? missingLog(file) : code === "EISDIR" ? "is a directory" : (e as Error).message
    throw usage(`${file}: cannot read the log: ${why}`)
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8")
    } catch (e) {
      throw usage(`${file}: not a readable gzip file (${(e as Error).message})`)
    }
  }
  return raw.toString("utf8")
}

/**
 * Reads a log (plain or gzip, or `options.text` already read) without modifying it and picks the
 * model that wrote it. Anything that stops us from reading it (missing file, not a log, unknown
 * model) is a usage error (exit 2).
 *
 * @example
 * const log = readLog("run.ndjson", kits)
 */
export const readLog = (
  file: string,
  kits: ReadonlyMap<string, ModelKit>,
  options: { text?: string } = {},
): LogText => {
  const text = options.text ?? readLogText(file)
  if (text.length === 0) throw usage(`${file}: line 1: the log is empty`)
  const nl = text.indexOf("\n")
  if (nl < 0 && lineKind(text) === "header") throw logErrorToCli(file, headerTruncated(text.length))
  let header: LogHeader
  try {
    header = parseHeader(nl < 0 ? text : text.slice(0, nl))
  } catch (e) {
    throw logErrorToCli(file, e)
  }
  const kit = kits.get(header.model)
  if (kit === undefined) {
    throw usage(
      `${file}: line 1: the log was written by model "${header.model}", which this build does not know (known: ${[...kits.keys()].join(", ")})`,
    )
  }
  let upcaster: ReturnType<typeof upcasterFor>
  try {
    // A log of another version of the model is not tampered with: it needs the build that wrote it.
    upcaster = upcasterFor(kit.model, header)
  } catch (e) {
    throw logErrorToCli(file, e)
  }
  // Commands decode the header's config themselves: give them this version's shape of it.
  const config = upcaster?.config ? upcaster.config(header.config) : header.config
  return { file, text, header: { ...header, config }, kit }
}

/**
 * The log's config, decoded by the model that wrote it (after its version's upcaster). A config this
 * build refuses (a parameter out of range or unknown, a hand-edited header) is a usage error naming
 * the header's field, not an internal error.
 *
 * @example
 * const config = configOf(readLog("run.ndjson", kits))
 */
export const configOf = (log: LogText): unknown => {
  try {
    return log.kit.model.decodeConfig(log.header.config)
  } catch (e) {
    throw usage(`${log.file}: line 1: header.config: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/**
 * Refuses a log whose last line is torn or whose last tick has no seal (an interrupted write):
 * replaying it would silently drop data. Names the line and the tick. Exit 2.
 */
export const refuseTruncated = (log: LogText): void => {
  const lines = linesOf(log.text)
  let count = 0
  let last = ""
  for (const line of lines) {
    count++
    last = line
  }
  if (lines.torn !== undefined) {
    const tick = lineTick(lines.torn)
    throw usage(
      `${log.file}: line ${count + 1}${tick === undefined ? "" : ` (tick ${tick})`}: truncated: the last line is cut off mid-record (an interrupted write; takeoff verify --repair cuts it back to the last sealed tick)`,
    )
  }
  if (count >= 2 && lineKind(last) === "tick") {
    throw usage(
      `${log.file}: line ${count} (tick ${lineTick(last)}): truncated: the last tick has no seal (takeoff verify --repair cuts it back to the last sealed tick)`,
    )
  }
}

/** Turns a LogError thrown while reading a log into the one-line message users see; `verdict` prefixes it (e.g. "NOT intact: "). */
export const logErrorToCli = (file: string, e: unknown, exitCode: number = EXIT.usage, verdict = ""): unknown =>
  catchTagged<LogError, unknown>(
    e,
    { LogError: (e) => new CliError({ exitCode, message: `${file}: ${verdict}${formatLogError(e)}` }) },
    (e) => e,
  )
