import * as fs from "node:fs"
import { StringDecoder } from "node:string_decoder"
import * as zlib from "node:zlib"
import { LogError } from "./errors.js"
import { MAX_LINE_CHARS } from "./log.js"
import { type LogLines, truncateToSealed } from "./log-reader.js"

/**
 * Logs on disk: one NDJSON file per run (plain, or gzip with one member per tick), written one tick
 * at a time by `LogFileWriter`, opened with a torn tail repaired, or read line by line. The server,
 * the CLI and the sweep all keep logs as files (see the README's Architecture section).
 */

/** What opening a log found: its text, and whether a torn tail had to be cut off. */
export interface OpenedLog {
  readonly text: string
  readonly repaired?: { readonly lastSealedTick: number; readonly droppedBytes: number; readonly message: string }
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** Run ids name log files in the server's data directory: no separators, no dot-dot, no leading dot. */
export const isValidRunId = (runId: string): boolean => RUN_ID.test(runId) && !runId.includes("..")

/** Reads a log file (plain or .gz) and cuts a torn tail back to the last sealed tick, on disk too. */
export const openLogFile = (file: string): OpenedLog => {
  const raw = fs.readFileSync(file)
  const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b
  const text = gz
    ? zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8")
    : raw.toString("utf8")
  const { kept, lastSealedTick, droppedBytes } = truncateToSealed(text)
  if (droppedBytes === 0) return { text }
  if (gz) fs.writeFileSync(file, zlib.gzipSync(kept))
  else fs.truncateSync(file, Buffer.byteLength(kept))
  return {
    text: kept,
    repaired: {
      lastSealedTick,
      droppedBytes,
      message: `${file}: torn tail (${droppedBytes} bytes after the seal of tick ${lastSealedTick}) cut off; the log now ends at tick ${lastSealedTick}`,
    },
  }
}

/**
 * Cuts a log file (plain or .gz) back to `kept`, a prefix of its text, e.g. what `resumeFrom`
 * continues from. Does nothing when the file already holds exactly that.
 *
 * @example
 * cutLogFile("run.ndjson", kept)
 */
export const cutLogFile = (file: string, kept: string): void => {
  const raw = fs.readFileSync(file)
  const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b
  if (gz) {
    const text = zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8")
    if (text !== kept) fs.writeFileSync(file, zlib.gzipSync(kept))
  } else if (raw.length !== Buffer.byteLength(kept)) fs.truncateSync(file, Buffer.byteLength(kept))
}

/**
 * The lines of a log file (plain or .gz), read as they are iterated so a log larger than a string
 * can be verified, replayed or resimulated: plain files are read 1 MiB at a time. A gzip file is
 * inflated whole first (Node has no synchronous streaming inflate) but never split into an array.
 * A final fragment without "\n" is not yielded; it is in `torn` once the iteration ends. A line
 * longer than `maxLineChars` throws a `too-large` LogError naming it.
 * Unlike `openLogFile`, it never rewrites the file.
 *
 * @example
 * const v = verify(model, readLogLines("runs/abc.ndjson"))
 */
export const readLogLines = (file: string, chunkBytes = 1 << 20, maxLineChars = MAX_LINE_CHARS): LogLines => {
  const source: { torn: string | undefined; [Symbol.iterator](): Iterator<string> } = {
    torn: undefined,
    *[Symbol.iterator]() {
      const fd = fs.openSync(file, "r")
      try {
        // Sniff the gzip magic with its own read: a chunk may be smaller than the two magic bytes.
        const magic = Buffer.alloc(2)
        const sniffed = fs.readSync(fd, magic, 0, 2, 0)
        if (sniffed === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
          const raw = fs.readFileSync(file)
          const text = zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8")
          let pos = 0
          for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", pos)) {
            yield text.slice(pos, nl)
            pos = nl + 1
          }
          source.torn = pos < text.length ? text.slice(pos) : undefined
          return
        }
        const chunk = Buffer.allocUnsafe(chunkBytes)
        let offset = 0
        let got = fs.readSync(fd, chunk, 0, chunkBytes, offset)
        const decoder = new StringDecoder("utf8")
        // The start of a line longer than a chunk (a 1M-walker tick line is megabytes), in pieces:
        // joined once when its "\n" arrives instead of re-scanned on every chunk.
        let parts: string[] = []
        let partChars = 0
        let lineNo = 1
        while (got > 0) {
          const piece = decoder.write(chunk.subarray(0, got))
          let pos = 0
          for (let nl = piece.indexOf("\n"); nl >= 0; nl = piece.indexOf("\n", pos)) {
            if (parts.length > 0) {
              parts.push(piece.slice(pos, nl))
              yield parts.join("")
              parts = []
              partChars = 0
            } else yield piece.slice(pos, nl)
            lineNo++
            pos = nl + 1
          }
          if (pos < piece.length) {
            partChars += piece.length - pos
            // A line with no end in sight (a hostile file) is refused before it outgrows a string.
            if (partChars > maxLineChars) {
              throw new LogError({
                reason: "too-large",
                line: lineNo,
                message: `the line is over the limit of ${maxLineChars} characters`,
              })
            }
            parts.push(piece.slice(pos))
          }
          offset += got
          got = fs.readSync(fd, chunk, 0, chunkBytes, offset)
        }
        const rest = parts.join("") + decoder.end()
        source.torn = rest.length > 0 ? rest : undefined
      } finally {
        fs.closeSync(fd)
      }
    },
  }
  return source
}

/**
 * Appends to one log file with one write per tick. Synchronous on purpose: a tick is on its way
 * to disk before the next one starts, and the writer needs no event loop.
 */
export class LogFileWriter {
  private fd: number | undefined
  private constructor(
    readonly file: string,
    fd: number,
    private readonly gzip: boolean,
  ) {
    this.fd = fd
  }

  /** Creates the file (fails if it exists) and writes the header line. */
  static create(
    file: string,
    headerLine: string,
    options: { gzip?: boolean; overwrite?: boolean } = {},
  ): LogFileWriter {
    const gzip = options.gzip ?? file.endsWith(".gz")
    const fd = fs.openSync(file, options.overwrite ? "w" : "wx")
    const w = new LogFileWriter(file, fd, gzip)
    w.write(`${headerLine}\n`)
    return w
  }

  /** Opens an existing log to append to (a resumed run), after its torn tail was cut off. */
  static append(file: string, options: { gzip?: boolean } = {}): LogFileWriter {
    return new LogFileWriter(file, fs.openSync(file, "a"), options.gzip ?? file.endsWith(".gz"))
  }

  write(text: string): void {
    if (this.fd === undefined) throw new Error(`${this.file} is closed`)
    if (this.gzip) fs.writeSync(this.fd, zlib.gzipSync(text))
    else fs.writeSync(this.fd, text)
  }

  close(endLine?: string): void {
    if (this.fd === undefined) return
    if (endLine !== undefined) this.write(endLine)
    fs.closeSync(this.fd)
    this.fd = undefined
  }
}
