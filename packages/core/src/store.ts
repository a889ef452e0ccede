import * as fs from "node:fs"
import * as path from "node:path"
import { StringDecoder } from "node:string_decoder"
import * as zlib from "node:zlib"
import { Context, Effect, Layer, Stream } from "effect"
import { StoreError } from "./errors.js"
import { splitLines } from "./log.js"
import type { LogLines } from "./replay.js"

/** The unit of append: every line one tick writes (tick, seal, maybe snapshot), or the end record. */
export interface TickBatch {
  readonly tick: number
  /** Complete NDJSON lines, each ending in "\n". */
  readonly text: string
  readonly end?: boolean
}

/** What opening a log found: its text, and whether a torn tail had to be cut off. */
export interface OpenedLog {
  readonly text: string
  readonly repaired?: { readonly lastSealedTick: number; readonly droppedBytes: number; readonly message: string }
}

export interface RunInfo {
  readonly runId: string
  readonly closed: boolean
}

/**
 * Where run logs live. Every implementation passes the conformance suite in `@takeoff/core/testing`.
 * Appends are whole ticks: a crash loses at most the tick in flight.
 */
export class EventStore extends Context.Service<
  EventStore,
  {
    create(runId: string, headerLine: string): Effect.Effect<void, StoreError>
    append(runId: string, batch: TickBatch): Effect.Effect<void, StoreError>
    close(runId: string, endLine: string): Effect.Effect<void, StoreError>
    /** The whole log; a torn tail left by a crash is truncated to the last sealed tick, and reported. */
    open(runId: string): Effect.Effect<OpenedLog, StoreError>
    /** Batches from `fromTick` on (default 0), header excluded. */
    read(runId: string, fromTick?: number): Stream.Stream<TickBatch, StoreError>
    list(): Effect.Effect<ReadonlyArray<RunInfo>, StoreError>
    remove(runId: string): Effect.Effect<void, StoreError>
  }
>()("takeoff/core/EventStore") {
  static readonly memory = Layer.sync(EventStore, () => makeMemoryStore())
  static readonly file = (options: FileStoreOptions) => Layer.sync(EventStore, () => makeFileStore(options))
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** Run ids are file names in the file store: no separators, no dot-dot, no leading dot. */
export const isValidRunId = (runId: string): boolean => RUN_ID.test(runId) && !runId.includes("..")

const invalid = (runId: string) =>
  new StoreError({
    reason: "invalid",
    runId,
    message: "run id: expected 1-128 of [A-Za-z0-9._-], not starting with . or -",
  })

/** Groups log text (without the header) into per-tick batches. */
export const batchesOf = (text: string, fromTick = 0): TickBatch[] => {
  const { lines } = splitLines(text)
  const out: TickBatch[] = []
  let cur: { tick: number; lines: string[] } | undefined
  const tickOf = (l: string) => Number(/^\{"kind":"\w+","tick":(-?\d+)/.exec(l)?.[1] ?? Number.NaN)
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]
    if (l.startsWith('{"kind":"tick"')) {
      if (cur) out.push({ tick: cur.tick, text: `${cur.lines.join("\n")}\n` })
      cur = { tick: tickOf(l), lines: [l] }
    } else if (l.startsWith('{"kind":"end"')) {
      if (cur) out.push({ tick: cur.tick, text: `${cur.lines.join("\n")}\n` })
      cur = undefined
      out.push({ tick: tickOf(l), text: `${l}\n`, end: true })
    } else if (cur) cur.lines.push(l)
  }
  if (cur) out.push({ tick: cur.tick, text: `${cur.lines.join("\n")}\n` })
  return fromTick > 0 ? out.filter((b) => b.end || b.tick >= fromTick) : out
}

/**
 * Cuts a log's text back to its last sealed tick: drops a torn final line and a tick line whose
 * seal never made it to disk. Returns the kept prefix and what was dropped.
 */
export const truncateToSealed = (text: string): { kept: string; lastSealedTick: number; droppedBytes: number } => {
  let pos = 0
  let keep = 0
  let lastSealedTick = -1
  let first = true
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos)
    if (nl < 0) break
    const line = text.slice(pos, nl)
    pos = nl + 1
    if (first) {
      first = false
      keep = pos
      continue
    }
    if (
      line.startsWith('{"kind":"seal"') ||
      line.startsWith('{"kind":"end"') ||
      line.startsWith('{"kind":"snapshot"')
    ) {
      try {
        const rec = JSON.parse(line) as { tick: number; kind: string }
        if (rec.kind === "seal") lastSealedTick = rec.tick
        keep = pos
      } catch {
        break
      }
    } else if (!line.startsWith('{"kind":"tick"')) break
  }
  const kept = text.slice(0, keep)
  return { kept, lastSealedTick, droppedBytes: Buffer.byteLength(text) - Buffer.byteLength(kept) }
}

export const makeMemoryStore = (): EventStore["Service"] => {
  const runs = new Map<string, { header: string; batches: TickBatch[]; closed: boolean }>()
  const get = (runId: string) =>
    Effect.suspend(() => {
      const r = runs.get(runId)
      return r
        ? Effect.succeed(r)
        : Effect.fail(new StoreError({ reason: "not-found", runId, message: `no run "${runId}"` }))
    })
  const writable = (runId: string) =>
    Effect.flatMap(get(runId), (r) =>
      r.closed
        ? Effect.fail(new StoreError({ reason: "closed", runId, message: `run "${runId}" is closed` }))
        : Effect.succeed(r),
    )
  return EventStore.of({
    create: (runId, headerLine) =>
      Effect.suspend(() => {
        if (!isValidRunId(runId)) return Effect.fail(invalid(runId))
        if (runs.has(runId)) {
          return Effect.fail(
            new StoreError({ reason: "already-exists", runId, message: `run "${runId}" already exists` }),
          )
        }
        runs.set(runId, { header: headerLine, batches: [], closed: false })
        return Effect.void
      }),
    append: (runId, batch) => Effect.map(writable(runId), (r) => void r.batches.push(batch)),
    close: (runId, endLine) =>
      Effect.map(writable(runId), (r) => {
        r.batches.push({ tick: Number(/"tick":(-?\d+)/.exec(endLine)?.[1] ?? -1), text: endLine, end: true })
        r.closed = true
      }),
    open: (runId) => Effect.map(get(runId), (r) => ({ text: `${r.header}\n${r.batches.map((b) => b.text).join("")}` })),
    read: (runId, fromTick = 0) =>
      Stream.unwrap(
        Effect.map(get(runId), (r) => Stream.fromIterable(r.batches.filter((b) => b.end || b.tick >= fromTick))),
      ),
    list: () => Effect.sync(() => [...runs.entries()].map(([runId, r]) => ({ runId, closed: r.closed }))),
    remove: (runId) => Effect.map(get(runId), () => void runs.delete(runId)),
  })
}

export interface FileStoreOptions {
  /** The data directory; every log lives directly inside it. */
  readonly dir: string
  /** Write gzip (one gzip member per tick, so every tick is durable on its own). */
  readonly gzip?: boolean
}

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
 * The lines of a log file (plain or .gz), read as they are iterated so a log larger than a string
 * can be verified, replayed or resimulated: plain files are read 1 MiB at a time. A gzip file is
 * inflated whole first (Node has no synchronous streaming inflate) but never split into an array.
 * A final fragment without "\n" is not yielded; it is in `torn` once the iteration ends.
 * Unlike `openLogFile`, it never rewrites the file.
 *
 * @example
 * const v = verify(model, readLogLines("runs/abc.ndjson"))
 */
export const readLogLines = (file: string, chunkBytes = 1 << 20): LogLines => {
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
        while (got > 0) {
          const piece = decoder.write(chunk.subarray(0, got))
          let pos = 0
          for (let nl = piece.indexOf("\n"); nl >= 0; nl = piece.indexOf("\n", pos)) {
            if (parts.length > 0) {
              parts.push(piece.slice(pos, nl))
              yield parts.join("")
              parts = []
            } else yield piece.slice(pos, nl)
            pos = nl + 1
          }
          if (pos < piece.length) parts.push(piece.slice(pos))
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

export const makeFileStore = (options: FileStoreOptions): EventStore["Service"] => {
  fs.mkdirSync(options.dir, { recursive: true })
  const ext = options.gzip ? ".ndjson.gz" : ".ndjson"
  const writers = new Map<string, LogFileWriter>()
  const fileOf = (runId: string) => path.join(options.dir, `${runId}${ext}`)
  const io = (runId: string, e: unknown) =>
    new StoreError({
      reason:
        (e as NodeJS.ErrnoException).code === "ENOENT"
          ? "not-found"
          : (e as NodeJS.ErrnoException).code === "EEXIST"
            ? "already-exists"
            : "io",
      runId,
      message: (e as Error).message,
    })
  const attempt = <A>(runId: string, f: () => A) =>
    isValidRunId(runId) ? Effect.try({ try: f, catch: (e) => io(runId, e) }) : Effect.fail(invalid(runId))
  const writer = (runId: string) => {
    const w = writers.get(runId)
    if (w) return w
    const closed = fs.existsSync(fileOf(runId))
    throw Object.assign(new Error(closed ? `run "${runId}" is closed` : `no run "${runId}"`), {
      code: closed ? "ECLOSED" : "ENOENT",
    })
  }
  const mapClosed = (runId: string) => (e: StoreError) =>
    e.message.endsWith("is closed") ? new StoreError({ reason: "closed", runId, message: e.message }) : e
  return EventStore.of({
    create: (runId, headerLine) =>
      attempt(
        runId,
        () => void writers.set(runId, LogFileWriter.create(fileOf(runId), headerLine, { gzip: !!options.gzip })),
      ),
    append: (runId, batch) =>
      Effect.mapError(
        attempt(runId, () => writer(runId).write(batch.text)),
        mapClosed(runId),
      ),
    close: (runId, endLine) =>
      Effect.mapError(
        attempt(runId, () => {
          writer(runId).close(endLine)
          writers.delete(runId)
        }),
        mapClosed(runId),
      ),
    open: (runId) => attempt(runId, () => openLogFile(fileOf(runId))),
    read: (runId, fromTick = 0) =>
      Stream.unwrap(attempt(runId, () => Stream.fromIterable(batchesOf(openLogFile(fileOf(runId)).text, fromTick)))),
    list: () =>
      Effect.try({
        try: () =>
          fs
            .readdirSync(options.dir)
            .filter((f) => f.endsWith(ext))
            .sort()
            .map((f) => {
              const runId = f.slice(0, -ext.length)
              return { runId, closed: !writers.has(runId) }
            }),
        catch: (e) => io("", e),
      }),
    remove: (runId) =>
      attempt(runId, () => {
        writers.get(runId)?.close()
        writers.delete(runId)
        fs.unlinkSync(fileOf(runId))
      }),
  })
}
