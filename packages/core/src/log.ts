import { createHash } from "node:crypto"
import { LogError } from "./errors.js"
import type { EncodedEvent } from "./events.js"
import type { RngState } from "./rng.js"

export const ENGINE_VERSION = "0.1.0"
export const LOG_FORMAT = "takeoff-log" as const
/**
 * 2: signed logs (sig lines after every checkpoint and the end record). Logs of format 1 are still
 * read (replay, audit, export) and verify as unsigned.
 * 3: sealed state hashes over the state's bytes (`worldBytesHash` of the model's `stateColumns`)
 * instead of its JSON; logs of formats 1 and 2 verify with the JSON hash (`sealedStateHash`).
 */
export const LOG_FORMAT_VERSION = 3
/** The format versions this build reads. */
export const READABLE_FORMAT_VERSIONS: ReadonlyArray<number> = [1, 2, 3]

/**
 * Bounds on untrusted log input, so no line can exhaust the stack or the heap: log records nest a
 * few levels (a tick's events, their data, a state's arrays), and a tick line of a million-agent
 * model is tens of megabytes.
 */
export const MAX_JSON_DEPTH = 64
/** Characters in one line, well below V8's longest string (2^29 - 24 characters). */
export const MAX_LINE_CHARS = 256 * 1024 * 1024

/** The first line of every log: enough to rerun the simulation from scratch. */
export interface LogHeader {
  readonly kind: "header"
  readonly format: typeof LOG_FORMAT
  readonly formatVersion: number
  readonly engineVersion: string
  readonly model: string
  readonly modelVersion: string
  readonly schemaVersion: number
  readonly seed: number
  readonly config: unknown
  /** A full-state hash is sealed every K ticks. */
  readonly stateHashEvery: number
  /** A snapshot is written every N ticks (a multiple of stateHashEvery), 0 for none. */
  readonly snapshotEvery: number
  readonly meta: Readonly<Record<string, unknown>>
  /** sha256 of this line without the hash field: tampering with the header is caught at line 1. */
  readonly hash: string
}

/** The world as hashed and snapshotted after a tick: tick, RNG words and the model's state. */
export interface WorldJson {
  readonly tick: number
  readonly rng: RngState
  readonly state: unknown
}

export interface TickRecord {
  readonly kind: "tick"
  readonly tick: number
  /** RNG state after this tick's decide phase, so replay and seek never draw. */
  readonly rng: RngState
  readonly events: ReadonlyArray<EncodedEvent>
}
export interface SealRecord {
  readonly kind: "seal"
  readonly tick: number
  /** H(prevHash ‖ tick ‖ bytes of the tick line). */
  readonly hash: string
  /**
   * Every K ticks, sha256 of the world after this tick: of its canonical bytes from format 3
   * (`worldBytesHash`), of its canonical JSON before (`worldHash`).
   */
  readonly state?: string
}
export interface SnapshotRecord {
  readonly kind: "snapshot"
  readonly tick: number
  readonly world: WorldJson
}
export type EndReason = "completed" | "stopped" | "error"
export interface EndRecord {
  readonly kind: "end"
  /** The last sealed tick (-1 if none). */
  readonly tick: number
  readonly reason: EndReason
  readonly message?: string
  readonly hash: string
}
/**
 * A signature, after the seal (and snapshot) of every state-hash tick and after the end record:
 * `key` (raw Ed25519 public key, base64) signs `hash`, the chain hash there (see `checkpointMessage`
 * and `endMessage`). Signatures are not part of the chain, so a log's other lines are the same
 * whoever signed it.
 */
export interface SigRecord {
  readonly kind: "sig"
  readonly tick: number
  readonly hash: string
  readonly key: string
  readonly sig: string
}
export type LogRecord = TickRecord | SealRecord | SnapshotRecord | EndRecord | SigRecord

/** What a checkpoint's signature signs: the chain hash and the sealed state hash of its tick. */
export const checkpointMessage = (tick: number, hash: string, state: string): string =>
  `takeoff-log/2 checkpoint\n${tick}\n${hash}\n${state}`
/** What the end record's signature signs: the end record's hash, which chains its reason and message. */
export const endMessage = (tick: number, hash: string): string => `takeoff-log/2 end\n${tick}\n${hash}`

/** The sig line for a signed hash, as the engine writes it. */
export const sigLine = (tick: number, hash: string, key: string, sig: string): string =>
  JSON.stringify({ kind: "sig", tick, hash, key, sig })

/**
 * Strings are encoded to UTF-8 once and the bytes hashed: `update(string)` hashes the same bytes but
 * measured nine times slower on large strings (330 ms against 36 ms for the ~40 MB state of 1M
 * firms), which made the state hash most of a 1M-firm tick.
 */
const utf8 = (s: string): Buffer => Buffer.from(s, "utf8")

export const sha256 = (s: string): string => createHash("sha256").update(utf8(s)).digest("hex")

/**
 * The tick seal: chains the previous hash, the tick number and the exact bytes of the tick line.
 *
 * @example
 * chainHash(prevHash, 5, JSON.stringify(record)) === chainHashPieces(prevHash, 5, linePieces(record))
 */
export const chainHash = (prevHash: string, tick: number, line: string): string =>
  createHash("sha256").update(prevHash).update(`\n${tick}\n`).update(utf8(line)).digest("hex")

/** A line's text and the pieces it was joined from (see `linePieces`). */
export interface LinePieces {
  readonly line: string
  readonly pieces: ReadonlyArray<string>
  /** Whether every piece is ASCII. */
  readonly ascii: boolean
}

/**
 * chainHash of a line given as pieces: hashed piece by piece as latin1 when they are all ASCII
 * (then those are the line's UTF-8 bytes), so neither the line nor its UTF-8 is built as a copy,
 * which cost four times the hash on the 1.34 MB tick line of 1M firms.
 */
export const chainHashPieces = (prevHash: string, tick: number, text: LinePieces): string => {
  if (!text.ascii) return chainHash(prevHash, tick, text.line)
  const h = createHash("sha256").update(prevHash).update(`\n${tick}\n`)
  for (const p of text.pieces) h.update(p, "latin1")
  return h.digest("hex")
}

/** Any character outside ASCII (a surrogate is one too). */
const NON_ASCII = /[\u0080-\uffff]/
/** Strings this long are checked once and kept whole rather than copied by JSON.stringify. */
const LONG_STRING = 1024
/** A string JSON.stringify writes unchanged between quotes, and in ASCII: printable, no quote or backslash. */
const VERBATIM = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/

const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol"
const plainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v)
  return (proto === Object.prototype || proto === null) && !("toJSON" in v)
}

/**
 * Whether `v` is plain JSON data (arrays, objects of Object's or no prototype without toJSON, and
 * scalars) holding a string of LONG_STRING characters or more; false for anything else.
 */
const holdsLongString = (v: unknown, depth = 0): boolean => {
  if (typeof v === "string") return v.length >= LONG_STRING
  if (typeof v !== "object" || v === null || depth > MAX_JSON_DEPTH) return false
  if (!Array.isArray(v) && !plainObject(v)) return false
  let long = false
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    if (typeof x === "object" && x !== null && !Array.isArray(x) && !plainObject(x)) return false
    if (holdsLongString(x, depth + 1)) long = true
  }
  return long
}

/** Appends the JSON of `v` to `out`: small text to `small`, a long verbatim string as a piece of its own. */
const appendJson = (v: unknown, out: string[], small: string[]): void => {
  if (typeof v === "string" && v.length >= LONG_STRING && VERBATIM.test(v)) {
    small.push('"')
    out.push(small.join(""), v)
    small.length = 0
    small.push('"')
  } else if (typeof v !== "object" || v === null || !holdsLongString(v)) small.push(JSON.stringify(v))
  else if (Array.isArray(v)) {
    small.push("[")
    v.forEach((x, i) => {
      if (i > 0) small.push(",")
      if (omitted(x)) small.push("null")
      else appendJson(x, out, small)
    })
    small.push("]")
  } else {
    small.push("{")
    let first = true
    for (const [k, x] of Object.entries(v)) {
      if (omitted(x)) continue
      small.push(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`)
      first = false
      appendJson(x, out, small)
    }
    small.push("}")
  }
}

/**
 * JSON.stringify(value) as pieces whose concatenation is its text, for the records the engine writes:
 * each long verbatim ASCII string (a column's base64: 1.33 MB a tick at 1M firms) is a piece of its
 * own, checked with one pattern instead of being copied and escaped by JSON.stringify, and `line`
 * joins the pieces without copying them. Anything else (no long string, a toJSON, a class instance)
 * is JSON.stringify's text in one piece.
 *
 * @example
 * linePieces({ kind: "tick", tick, rng, events }).line === JSON.stringify({ kind: "tick", tick, rng, events })
 */
export const linePieces = (value: unknown): LinePieces => {
  if (!holdsLongString(value)) {
    const line = JSON.stringify(value)
    return { line, pieces: [line], ascii: !NON_ASCII.test(line) }
  }
  const pieces: string[] = []
  const small: string[] = []
  appendJson(value, pieces, small)
  pieces.push(small.join(""))
  let line = ""
  // The long pieces (odd places) passed VERBATIM, which is ASCII; the JSON between them is tested.
  let ascii = true
  for (let i = 0; i < pieces.length; i++) {
    line += pieces[i]
    if (i % 2 === 0 && ascii) ascii = !NON_ASCII.test(pieces[i])
  }
  return { line, pieces, ascii }
}

/** The state hash of logs of formats 1 and 2: sha256 of the world's JSON (see `sealedStateHash`). */
export const worldHash = (world: WorldJson): string => sha256(JSON.stringify(world))

export const makeHeader = (
  fields: Omit<LogHeader, "kind" | "format" | "formatVersion" | "engineVersion" | "hash">,
): LogHeader => {
  const body = {
    kind: "header" as const,
    format: LOG_FORMAT,
    formatVersion: LOG_FORMAT_VERSION,
    engineVersion: ENGINE_VERSION,
    ...fields,
  }
  return { ...body, hash: sha256(JSON.stringify(body)) }
}

const isObj = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)
const isRng = (u: unknown): u is RngState =>
  Array.isArray(u) && u.length === 4 && u.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)
const isHex64 = (u: unknown): u is string => typeof u === "string" && /^[0-9a-f]{64}$/.test(u)
const isTick = (u: unknown): u is number => Number.isInteger(u) && (u as number) >= 0

/**
 * Whether `text` nests arrays and objects deeper than `max`. Skips strings with indexOf, so the
 * megabytes of base64 in a tick line cost little; JSON.parse itself does not recurse, but
 * JSON.stringify and every walker of the value would overflow the stack on 100k nested brackets.
 */
export const jsonDeeperThan = (text: string, max: number): boolean => {
  let depth = 0
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1)
        if (i < 0) return false
        let b = i - 1
        while (text.charCodeAt(b) === 0x5c) b--
        if ((i - 1 - b) % 2 === 0) break
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/**
 * JSON.parse with the bounds of untrusted input: a `too-large` LogError for a line over
 * MAX_LINE_CHARS, `too-deep` for one nested deeper than MAX_JSON_DEPTH, both naming line `n`.
 */
export const parseBoundedJson = (text: string, n: number): unknown => {
  if (text.length > MAX_LINE_CHARS) {
    throw new LogError({
      reason: "too-large",
      line: n,
      message: `${text.length} characters, over the limit of ${MAX_LINE_CHARS}`,
    })
  }
  if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new LogError({ reason: "too-deep", line: n, message: `nested deeper than ${MAX_JSON_DEPTH} levels` })
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new LogError({ reason: "malformed", line: n, message: `not valid JSON (${(e as Error).message})` })
  }
}

const parseJsonLine = (text: string, n: number, canonical = true): unknown => {
  const value = parseBoundedJson(text, n)
  // Logs are written canonically; a line that re-serialises differently was edited.
  if (canonical && JSON.stringify(value) !== text) {
    throw new LogError({ reason: "malformed", line: n, message: "not in canonical form (edited by hand?)" })
  }
  return value
}

/** Parses and checks line 1. Throws LogError naming line 1. */
export const parseHeader = (text: string): LogHeader => {
  const v = parseJsonLine(text, 1)
  if (!isObj(v) || v.kind !== "header") {
    throw new LogError({ reason: "missing-header", line: 1, message: 'expected a header record {"kind":"header",...}' })
  }
  if (v.format !== LOG_FORMAT) {
    throw new LogError({
      reason: "missing-header",
      line: 1,
      message: `format: expected "${LOG_FORMAT}", got ${JSON.stringify(v.format)}`,
    })
  }
  // The hash first: an edited header is tampering whatever else it says.
  const { hash, ...body } = v
  if (!isHex64(hash) || sha256(JSON.stringify(body)) !== hash) {
    throw new LogError({ reason: "hash-mismatch", line: 1, message: "header hash does not match its contents" })
  }
  if (!READABLE_FORMAT_VERSIONS.includes(v.formatVersion as number)) {
    throw new LogError({
      reason: "schema-version",
      line: 1,
      message: `formatVersion: expected one of ${READABLE_FORMAT_VERSIONS.join(", ")}, got ${JSON.stringify(v.formatVersion)}`,
    })
  }
  for (const [k, ok] of [
    ["model", typeof v.model === "string"],
    ["modelVersion", typeof v.modelVersion === "string"],
    ["schemaVersion", Number.isInteger(v.schemaVersion)],
    ["seed", Number.isSafeInteger(v.seed)],
    ["stateHashEvery", Number.isInteger(v.stateHashEvery) && (v.stateHashEvery as number) >= 1],
    ["snapshotEvery", Number.isInteger(v.snapshotEvery) && (v.snapshotEvery as number) >= 0],
    ["meta", isObj(v.meta)],
  ] as const) {
    if (!ok) throw new LogError({ reason: "malformed", line: 1, message: `header.${k}: missing or of the wrong type` })
  }
  return v as unknown as LogHeader
}

/**
 * Parses one record line (line >= 2). Throws LogError naming the line. `canonical: false` skips the
 * check that the line re-serialises to itself (half the cost of parsing a tick of columns): for
 * `replay`, which trusts its input; `verify` keeps it, beside the hash chain over the same bytes.
 */
export const parseRecord = (text: string, n: number, options: { canonical?: boolean } = {}): LogRecord => {
  const v = parseJsonLine(text, n, options.canonical ?? true)
  const bad = (field: string, expected: string): never => {
    throw new LogError({
      reason: "malformed",
      line: n,
      tick: isObj(v) && isTick(v.tick) ? (v.tick as number) : undefined,
      message: `${field}: expected ${expected}`,
    })
  }
  if (!isObj(v)) return bad("record", "a JSON object")
  if (!isTick(v.tick) && !(v.kind === "end" && v.tick === -1)) bad("tick", "a non-negative integer")
  switch (v.kind) {
    case "tick":
      if (!isRng(v.rng)) bad("rng", "four uint32 words")
      if (!Array.isArray(v.events)) bad("events", "an array")
      return v as unknown as TickRecord
    case "seal":
      if (!isHex64(v.hash)) bad("hash", "64 hex digits")
      if (v.state !== undefined && !isHex64(v.state)) bad("state", "64 hex digits")
      return v as unknown as SealRecord
    case "snapshot":
      if (!isObj(v.world) || !isRng((v.world as Record<string, unknown>).rng)) bad("world", "{tick, rng, state}")
      return v as unknown as SnapshotRecord
    case "end":
      if (!["completed", "stopped", "error"].includes(v.reason as string)) bad("reason", "completed|stopped|error")
      if (v.message !== undefined && typeof v.message !== "string") bad("message", "a string")
      if (!isHex64(v.hash)) bad("hash", "64 hex digits")
      return v as unknown as EndRecord
    case "sig":
      if (!isHex64(v.hash)) bad("hash", "64 hex digits")
      // Canonical base64 only: the unused low bits of the last character must be zero, else two
      // spellings decode to the same bytes and an edited line would still verify.
      if (typeof v.key !== "string" || !/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(v.key))
        bad("key", "a base64 Ed25519 public key (canonical)")
      if (typeof v.sig !== "string" || !/^[A-Za-z0-9+/]{85}[AQgw]==$/.test(v.sig))
        bad("sig", "a base64 Ed25519 signature (canonical)")
      return v as unknown as SigRecord
    default:
      return bad("kind", "one of tick, seal, snapshot, end, sig")
  }
}

/** The end record is chained too, so its reason and message cannot be edited unnoticed. */
export const endHash = (prevHash: string, tick: number, reason: EndReason, message?: string): string =>
  chainHash(prevHash, tick, `end:${reason}:${message ?? ""}`)
