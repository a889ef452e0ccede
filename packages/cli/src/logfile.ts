import * as fs from "node:fs"
import * as zlib from "node:zlib"
import { formatLogError, headerTruncated, LogError, type LogHeader, parseHeader, splitLines } from "@takeoff/core"
import { CliError, EXIT, usage } from "./errors.js"
import type { ModelKit } from "./kit.js"

/** A log read from disk, not yet checked beyond its header. */
export interface LogText {
  readonly file: string
  readonly text: string
  readonly header: LogHeader
  readonly kit: ModelKit
}

/**
 * Reads a log (plain or gzip) without modifying it and picks the model that wrote it. Anything that
 * stops us from reading it (missing file, not a log, unknown model) is a usage error (exit 2).
 *
 * @example
 * const log = readLog("run.ndjson", kits)
 */
export const readLog = (
  file: string,
  kits: ReadonlyMap<string, ModelKit>,
  options: { tamperExit?: number } = {},
): LogText => {
  let raw: Buffer
  try {
    raw = fs.readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message
    throw usage(`${file}: cannot read the log: ${why}`)
  }
  let text: string
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      text = zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8")
    } catch (e) {
      throw usage(`${file}: not a readable gzip file (${(e as Error).message})`)
    }
  } else text = raw.toString("utf8")
  if (text.length === 0) throw usage(`${file}: line 1: the log is empty`)
  const nl = text.indexOf("\n")
  if (nl < 0 && text.startsWith('{"kind":"header"')) throw logErrorToCli(file, headerTruncated(text.length))
  let header: LogHeader
  try {
    header = parseHeader(nl < 0 ? text : text.slice(0, nl))
  } catch (e) {
    if (e instanceof LogError) {
      // A header that looks like ours but fails its own hash was edited: for verify that is tampering.
      const first = nl < 0 ? text : text.slice(0, nl)
      const edited = first.includes('"kind":"header"') || first.includes('"format":"takeoff-log"')
      throw new CliError({
        exitCode: edited && options.tamperExit !== undefined ? options.tamperExit : EXIT.usage,
        message: `${file}: ${edited && options.tamperExit !== undefined ? "NOT intact: " : ""}${formatLogError(e)}`,
      })
    }
    throw e
  }
  const kit = kits.get(header.model)
  if (kit === undefined) {
    throw usage(
      `${file}: line 1: the log was written by model "${header.model}", which this build does not know (known: ${[...kits.keys()].join(", ")})`,
    )
  }
  return { file, text, header, kit }
}

/**
 * Refuses a log whose last line is torn or whose last tick has no seal (an interrupted write):
 * replaying it would silently drop data. Names the line and the tick. Exit 2.
 */
export const refuseTruncated = (log: LogText): void => {
  const { lines, torn } = splitLines(log.text)
  if (torn !== undefined) {
    const tick = /^\{"kind":"\w+","tick":(\d+)/.exec(torn)?.[1]
    throw usage(
      `${log.file}: line ${lines.length + 1}${tick ? ` (tick ${tick})` : ""}: truncated: the last line is cut off mid-record (an interrupted write; takeoff verify --repair cuts it back to the last sealed tick)`,
    )
  }
  const last = lines.length - 1
  if (last >= 1 && lines[last].startsWith('{"kind":"tick"')) {
    const tick = /^\{"kind":"tick","tick":(\d+)/.exec(lines[last])?.[1]
    throw usage(
      `${log.file}: line ${last + 1} (tick ${tick}): truncated: the last tick has no seal (takeoff verify --repair cuts it back to the last sealed tick)`,
    )
  }
}

/** Turns a LogError thrown while reading a log into the one-line message users see. */
export const logErrorToCli = (file: string, e: unknown, exitCode: number = EXIT.usage): unknown =>
  e instanceof LogError ? new CliError({ exitCode, message: `${file}: ${formatLogError(e)}` }) : e
