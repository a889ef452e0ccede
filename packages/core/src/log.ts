import { createHash } from "node:crypto"
import { LogError } from "./errors.js"
import type { EncodedEvent } from "./events.js"
import type { RngState } from "./rng.js"

export const ENGINE_VERSION = "0.1.0"
export const LOG_FORMAT = "takeoff-log" as const
export const LOG_FORMAT_VERSION = 1

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
  /** sha256 of the canonical world JSON after this tick, every K ticks. */
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
export type LogRecord = TickRecord | SealRecord | SnapshotRecord | EndRecord

/**
 * Strings are encoded to UTF-8 once and the bytes hashed: `update(string)` hashes the same bytes but
 * measured nine times slower on large strings (330 ms against 36 ms for the ~40 MB state of 1M
 * firms), which made the state hash most of a 1M-firm tick.
 */
const utf8 = (s: string): Buffer => Buffer.from(s, "utf8")

export const sha256 = (s: string): string => createHash("sha256").update(utf8(s)).digest("hex")

/** The tick seal: chains the previous hash, the tick number and the exact bytes of the tick line. */
export const chainHash = (prevHash: string, tick: number, line: string): string =>
  createHash("sha256").update(prevHash).update(`\n${tick}\n`).update(utf8(line)).digest("hex")

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

const parseJsonLine = (text: string, n: number, canonical = true): unknown => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new LogError({ reason: "malformed", line: n, message: `not valid JSON (${(e as Error).message})` })
  }
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
  if (v.formatVersion !== LOG_FORMAT_VERSION) {
    throw new LogError({
      reason: "schema-version",
      line: 1,
      message: `formatVersion: expected ${LOG_FORMAT_VERSION}, got ${JSON.stringify(v.formatVersion)}`,
    })
  }
  const { hash, ...body } = v
  if (!isHex64(hash) || sha256(JSON.stringify(body)) !== hash) {
    throw new LogError({ reason: "hash-mismatch", line: 1, message: "header hash does not match its contents" })
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
      if (!isHex64(v.hash)) bad("hash", "64 hex digits")
      return v as unknown as EndRecord
    default:
      return bad("kind", "one of tick, seal, snapshot, end")
  }
}

/** The end record is chained too, so its reason and message cannot be edited unnoticed. */
export const endHash = (prevHash: string, tick: number, reason: EndReason, message?: string): string =>
  chainHash(prevHash, tick, `end:${reason}:${message ?? ""}`)
