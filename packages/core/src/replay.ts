import { Simulation } from "./engine.js"
import { LogError } from "./errors.js"
import type { Event } from "./events.js"
import { isDecodeFailure } from "./events.js"
import {
  chainHash,
  type EndRecord,
  endHash,
  type LogHeader,
  parseHeader,
  parseRecord,
  type SnapshotRecord,
  type TickRecord,
  type WorldJson,
  worldHash,
} from "./log.js"
import type { Model } from "./model.js"
import type { RngState } from "./rng.js"

/**
 * A log as a sequence of lines, each without its "\n". A source may set `torn` (read after the
 * iteration ends) to a final fragment that had no "\n": a run cut off mid-write.
 */
export interface LogLines extends Iterable<string> {
  readonly torn?: string | undefined
}

/** What `replay` and `verify` read: the whole text, or its lines one by one (e.g. `readLogLines(file)`). */
export type LogSource = string | Iterable<string>

/**
 * Iterates the lines of log text without splitting it into an array first; `torn` is set once
 * the iteration reaches a final fragment without "\n".
 *
 * @example
 * for (const line of linesOf(text)) count++
 */
export const linesOf = (text: string): LogLines => {
  const source: { torn: string | undefined; [Symbol.iterator](): Iterator<string> } = {
    torn: undefined,
    *[Symbol.iterator]() {
      let pos = 0
      for (;;) {
        const nl = text.indexOf("\n", pos)
        if (nl < 0) break
        yield text.slice(pos, nl)
        pos = nl + 1
      }
      source.torn = pos < text.length ? text.slice(pos) : undefined
    },
  }
  return source
}

const toLines = (source: LogSource): LogLines => (typeof source === "string" ? linesOf(source) : source)

export interface ReplayOptions<S, E> {
  /** Stop after applying this tick (seek). Default: the end of the log. */
  readonly untilTick?: number
  /** Start from the nearest snapshot at or before `untilTick` instead of tick 0 (default true). */
  readonly useSnapshots?: boolean
  /** Called after each tick is applied (projections: metrics, audit). */
  readonly onTick?: (tick: number, events: ReadonlyArray<E>, state: S) => void
}

export interface ReplayResult<S, C> {
  readonly header: LogHeader
  readonly config: C
  readonly state: S
  /** Last tick applied (-1 if none). */
  readonly tick: number
  readonly rng: RngState
  /** The end record, if the run closed cleanly. */
  readonly end: EndRecord | undefined
  /** The last tick the log holds (sealed), whatever `untilTick` was. */
  readonly lastTick: number
}

/** The header line, or a `truncated` error when the log ends inside it (no line was completed). */
const firstLine = (lines: LogLines, first: IteratorResult<string>): string | undefined => {
  if (!first.done) return first.value
  if (lines.torn !== undefined && lines.torn.length > 0) throw headerTruncated(lines.torn.length)
  return undefined
}

/**
 * The error for a log whose write stopped inside its header: every line ends in "\n", so a log
 * with no newline at all has no complete record, nothing sealed to replay or repair.
 */
export const headerTruncated = (characters: number): LogError =>
  new LogError({
    reason: "truncated",
    line: 1,
    message: `the log ends inside its header (${characters} characters, no newline): nothing was sealed`,
  })

/** Header checks shared by replay and verify: the log must belong to this model. */
export const checkHeader = <S, E extends Event, C>(model: Model<S, E, C>, headerLine: string | undefined) => {
  if (headerLine === undefined || headerLine.length === 0) {
    throw new LogError({ reason: "missing-header", line: 1, message: "the log is empty" })
  }
  const header = parseHeader(headerLine)
  if (header.model !== model.name) {
    throw new LogError({
      reason: "model-mismatch",
      line: 1,
      message: `log is for model "${header.model}", not "${model.name}"`,
    })
  }
  if (header.schemaVersion > model.catalogue.schemaVersion) {
    throw new LogError({
      reason: "schema-version",
      line: 1,
      message: `schemaVersion ${header.schemaVersion} is newer than this build (${model.catalogue.schemaVersion})`,
    })
  }
  let config: C
  try {
    config = model.decodeConfig(header.config)
  } catch (e) {
    throw new LogError({ reason: "malformed", line: 1, message: `header.config: ${(e as Error).message}` })
  }
  return { header, config }
}

const decodeEvents = <S, E extends Event, C>(model: Model<S, E, C>, rec: TickRecord, n: number): E[] => {
  const out = new Array<E>(rec.events.length)
  for (let i = 0; i < rec.events.length; i++) {
    const ev = model.catalogue.decode(rec.events[i])
    if (isDecodeFailure(ev)) {
      throw new LogError({ reason: ev.reason, line: n, tick: rec.tick, message: `events[${i}]: ${ev.message}` })
    }
    out[i] = ev as E
  }
  return out
}

const TICK_PREFIX = /^\{"kind":"tick","tick":(\d+),/
/** Replay does not check integrity (that is `verify`), so it skips the canonical-form check. */
const FAST = { canonical: false } as const

/**
 * Folds a log into state with no agent logic and no RNG: parse, decode, evolve.
 * Throws a LogError naming the line for anything it cannot read. Does not check hashes
 * (that is `verify`); a torn final line is ignored, as the file store would truncate it.
 * Reads the log in one forward pass, so `source` may be the lines of a file too large for one
 * string; a seek keeps at most one snapshot interval of raw tick lines in memory.
 *
 * @example
 * const { state, tick } = replay(model, text, { untilTick: 120 })
 * const last = replay(model, readLogLines("run.ndjson"))
 */
export const replay = <S, E extends Event, C>(
  model: Model<S, E, C>,
  source: LogSource,
  options: ReplayOptions<S, E> = {},
): ReplayResult<S, C> => {
  const lines = toLines(source)
  const it = lines[Symbol.iterator]()
  const first = it.next()
  const { header, config } = checkHeader(model, firstLine(lines, first))
  const until = options.untilTick ?? Number.POSITIVE_INFINITY
  const every = header.snapshotEvery
  // The last snapshot the log should hold at or before the target: tick lines up to it are kept
  // raw (never parsed) and dropped at each snapshot, so a seek folds at most one interval.
  const seekTo =
    options.useSnapshots !== false && options.untilTick !== undefined && every > 0
      ? Math.floor((until + 1) / every) * every - 1
      : -1
  let state: S = model.initialState(config)
  let tick = -1
  let rng: RngState = [0, 0, 0, 0]
  let end: EndRecord | undefined
  let lastTick = -1
  let buffered: Array<{ text: string; n: number }> = []
  let pending: { text: string; n: number; tick: number } | undefined

  const apply = (text: string, n: number) => {
    const rec = parseRecord(text, n, FAST) as TickRecord
    const events = decodeEvents(model, rec, n)
    for (let j = 0; j < events.length; j++) state = model.evolve(state, events[j], rec.tick)
    tick = rec.tick
    rng = rec.rng
    options.onTick?.(tick, events, state)
  }
  // The latest snapshot passed, kept raw: only the one a seek starts from is parsed and decoded.
  let snapshot: { text: string; n: number } | undefined
  const flush = () => {
    if (snapshot !== undefined) {
      const rec = parseRecord(snapshot.text, snapshot.n, FAST) as SnapshotRecord
      state = model.decodeState(rec.world.state, config)
      tick = rec.tick
      rng = rec.world.rng
      snapshot = undefined
    }
    for (const b of buffered) apply(b.text, b.n)
    buffered = []
  }

  let n = 1
  for (let r = it.next(); !r.done; r = it.next()) {
    const l = r.value
    n++
    if (l.startsWith('{"kind":"seal"')) {
      // Only a sealed tick counts: its seal must follow on the next line.
      if (pending === undefined) continue
      lastTick = pending.tick
      if (pending.tick <= seekTo) buffered.push(pending)
      else if (pending.tick <= until) {
        flush()
        apply(pending.text, pending.n)
      }
      pending = undefined
      continue
    }
    if (pending !== undefined) break // a tick line without its seal: the log ends there
    if (l.startsWith('{"kind":"snapshot"')) {
      if (seekTo < 0) continue
      const m = /^\{"kind":"snapshot","tick":(\d+),/.exec(l)
      if (m === null || Number(m[1]) > seekTo || Number(m[1]) !== lastTick) continue
      snapshot = { text: l, n }
      buffered = []
      continue
    }
    const m = TICK_PREFIX.exec(l)
    const rec = m === null ? parseRecord(l, n, FAST) : undefined
    if (rec?.kind === "end") {
      end = rec
      break
    }
    const t = m === null ? (rec as TickRecord).tick : Number(m[1])
    if (rec !== undefined && rec.kind !== "tick") continue
    if (t !== lastTick + 1) {
      throw new LogError({ reason: "out-of-order", line: n, tick: t, message: `expected tick ${lastTick + 1}` })
    }
    pending = { text: l, n, tick: t }
  }
  flush()
  if (lastTick < tick) lastTick = tick
  return { header, config, state, tick, rng, end, lastTick }
}

export interface VerifyOk {
  readonly ok: true
  readonly header: LogHeader
  readonly ticks: number
  readonly lastTick: number
  readonly stateChecks: number
  readonly snapshots: number
  readonly end: EndRecord | undefined
  readonly bytes: number
}
export interface VerifyFailed {
  readonly ok: false
  readonly error: LogError
}

/**
 * Checks a log end to end: header hash, every line canonical, the hash chain over every tick line,
 * every event decodable, and the state refolded from the events against every sealed state hash
 * and snapshot. Returns the first bad line and tick; never throws for bad input. Reads `source`
 * line by line, so the lines of a file too large for one string verify in constant memory.
 *
 * @example
 * const v = verify(model, readLogLines("run.ndjson"))
 * if (!v.ok) console.error(formatLogError(v.error))
 */
export const verify = <S, E extends Event, C>(model: Model<S, E, C>, source: LogSource): VerifyOk | VerifyFailed => {
  try {
    const lines = toLines(source)
    const it = lines[Symbol.iterator]()
    const first = it.next()
    const { header, config } = checkHeader(model, firstLine(lines, first))
    let bytes = Buffer.byteLength(first.done ? "" : first.value) + 1
    let state: S = model.initialState(config)
    let prev = header.hash
    let expectTick = 0
    let pending: { rec: TickRecord; n: number; text: string } | undefined
    let lastWorldHash: { tick: number; hash: string } | undefined
    let end: EndRecord | undefined
    let stateChecks = 0
    let snapshots = 0
    let n = 1
    for (let r = it.next(); !r.done; r = it.next()) {
      const text = r.value
      n++
      bytes += Buffer.byteLength(text) + 1
      const rec = parseRecord(text, n)
      if (end !== undefined) {
        throw new LogError({ reason: "out-of-order", line: n, tick: rec.tick, message: "record after the end record" })
      }
      switch (rec.kind) {
        case "tick": {
          if (pending !== undefined || rec.tick !== expectTick) {
            throw new LogError({
              reason: "out-of-order",
              line: n,
              tick: rec.tick,
              message: pending ? `tick ${pending.rec.tick} has no seal` : `expected tick ${expectTick}`,
            })
          }
          const events = decodeEvents(model, rec, n)
          for (let j = 0; j < events.length; j++) state = model.evolve(state, events[j], rec.tick)
          pending = { rec, n, text }
          break
        }
        case "seal": {
          if (pending === undefined || rec.tick !== pending.rec.tick) {
            throw new LogError({
              reason: "out-of-order",
              line: n,
              tick: rec.tick,
              message: "seal without its tick line",
            })
          }
          const hash = chainHash(prev, rec.tick, pending.text)
          if (hash !== rec.hash) {
            // Either the tick line or its seal was altered: name the earlier of the two.
            throw new LogError({
              reason: "hash-mismatch",
              line: pending.n,
              tick: rec.tick,
              message: "hash chain broken: the tick line or its seal was altered",
            })
          }
          const due = (rec.tick + 1) % header.stateHashEvery === 0
          if (due !== (rec.state !== undefined)) {
            throw new LogError({
              reason: "malformed",
              line: n,
              tick: rec.tick,
              message: due ? "state hash missing at a state-hash tick" : "unexpected state hash",
            })
          }
          if (rec.state !== undefined) {
            const world: WorldJson = { tick: rec.tick, rng: pending.rec.rng, state: model.encodeState(state) }
            const wh = worldHash(world)
            if (wh !== rec.state) {
              throw new LogError({
                reason: "state-mismatch",
                line: pending.n,
                tick: rec.tick,
                message: "state refolded from the events does not match the sealed state hash",
              })
            }
            lastWorldHash = { tick: rec.tick, hash: wh }
            stateChecks++
          }
          prev = hash
          expectTick = rec.tick + 1
          pending = undefined
          break
        }
        case "snapshot": {
          if (
            lastWorldHash === undefined ||
            lastWorldHash.tick !== rec.tick ||
            worldHash(rec.world) !== lastWorldHash.hash
          ) {
            throw new LogError({
              reason: "hash-mismatch",
              line: n,
              tick: rec.tick,
              message: "snapshot does not match the sealed state hash of its tick",
            })
          }
          snapshots++
          break
        }
        case "end": {
          if (
            pending !== undefined ||
            rec.tick !== expectTick - 1 ||
            endHash(prev, rec.tick, rec.reason, rec.message) !== rec.hash
          ) {
            throw new LogError({
              reason: "hash-mismatch",
              line: n,
              tick: rec.tick,
              message: "end record does not close the hash chain",
            })
          }
          end = rec
          break
        }
      }
    }
    const { torn } = lines
    if (torn !== undefined) {
      throw new LogError({
        reason: "truncated",
        line: n + 1,
        tick: expectTick,
        message: "the last line is torn (the run was interrupted mid-write); open it with the file store to repair",
      })
    }
    if (pending !== undefined) {
      throw new LogError({
        reason: "truncated",
        line: pending.n,
        tick: pending.rec.tick,
        message: "the last tick has no seal",
      })
    }
    return {
      ok: true,
      header,
      ticks: expectTick,
      lastTick: expectTick - 1,
      stateChecks,
      snapshots,
      end,
      bytes,
    }
  } catch (e) {
    if (e instanceof LogError) return { ok: false, error: e }
    throw e
  }
}

export interface ResimulateResult {
  readonly ok: boolean
  readonly ticks: number
  /** First divergent line (1-based) and tick, with the recorded and the recomputed text. */
  readonly divergence?: {
    readonly line: number
    readonly tick: number | undefined
    readonly recorded: string
    readonly recomputed: string
  }
}

/**
 * Reruns the simulation from the header (model, config, seed) and compares every line it writes
 * with the log, byte for byte. Proves the log is what this build of the model produces.
 * `source` is read line by line, like `verify`'s.
 *
 * @example
 * const r = resimulate(model, text)
 * if (!r.ok) console.error(`line ${r.divergence?.line} differs`)
 */
export const resimulate = <S, E extends Event, C>(model: Model<S, E, C>, source: LogSource): ResimulateResult => {
  const it = toLines(source)[Symbol.iterator]()
  const first = it.next()
  const headerLine = first.done ? undefined : first.value
  const { header, config } = checkHeader(model, headerLine)
  const sim = Simulation.create(model, config, {
    seed: header.seed,
    stateHashEvery: header.stateHashEvery,
    snapshotEvery: header.snapshotEvery,
    meta: header.meta,
  })
  const diverge = (line: number, recorded: string, recomputed: string): ResimulateResult => {
    const m = /^\{"kind":"\w+","tick":(-?\d+)/.exec(recorded || recomputed)
    return {
      ok: false,
      ticks: sim.tick,
      divergence: { line, tick: m ? Number(m[1]) : undefined, recorded, recomputed },
    }
  }
  if (sim.headerLine !== headerLine) return diverge(1, headerLine ?? "", sim.headerLine)
  // The lines the rerun wrote for its latest tick, compared one by one with the log's.
  let produced: string[] = []
  let k = 0
  let n = 1
  for (let r = it.next(); !r.done; r = it.next()) {
    const line = r.value
    n++
    if (k >= produced.length) {
      if (line.startsWith('{"kind":"end"')) {
        const rec = parseRecord(line, n) as EndRecord
        const mine = sim.endLine(rec.reason, rec.message).slice(0, -1)
        return mine === line ? { ok: true, ticks: sim.tick } : diverge(n, line, mine)
      }
      produced = sim.step().text.split("\n")
      produced.pop()
      k = 0
    }
    if (produced[k] !== line) return diverge(n, line, produced[k])
    k++
  }
  return { ok: true, ticks: k < produced.length ? sim.tick - 1 : sim.tick }
}
