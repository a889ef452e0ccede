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
