import { LogError } from "./errors.js"
import type { Event } from "./events.js"
import type { EndRecord, LogHeader, SnapshotRecord, TickRecord } from "./log.js"
import { parseRecord } from "./log.js"
import { checkHeader, evolveTick, headerLineOf, type LogSource, lineKind, lineTick, logLines } from "./log-reader.js"
import type { Model } from "./model.js"
import type { RngState } from "./rng.js"

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

/** Replay does not check integrity (that is `verify`), so it skips the canonical-form check. */
const FAST = { canonical: false } as const

/**
 * Folds a log into state with no agent logic and no simulation RNG stream: parse, decode, evolve
 * (a drawn column, `Column.drawnI8`, is redrawn from the generator state its event records).
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
  const lines = logLines(source)
  const it = lines[Symbol.iterator]()
  const { header, config, decodeTick, decodeState } = checkHeader(model, headerLineOf(lines, it.next()))
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
    const events = decodeTick(rec, n)
    state = evolveTick(model, state, events, rec.tick, n)
    tick = rec.tick
    rng = rec.rng
    lastLine = n
    if ((tick + 1) % header.stateHashEvery === 0) check()
    options.onTick?.(tick, events, state)
  }
  // The model's invariants, checked at every tick a seal closes and at the last tick folded,
  // named at the line of the tick (or snapshot) the state was folded to.
  let lastLine = 0
  let checkedTick = -1
  const check = () => {
    const broken = model.checkState?.(state)
    if (broken) {
      throw new LogError({
        reason: "broken-invariant",
        line: lastLine,
        tick,
        message: `the state after this tick breaks an invariant: ${broken} (${checkedTick < 0 ? "it held at the start" : `it held after tick ${checkedTick}`}: an event of ticks ${checkedTick + 1}..${tick} broke it)`,
      })
    }
    checkedTick = tick
  }
  // The latest snapshot passed, kept raw: only the one a seek starts from is parsed and decoded.
  let snapshot: { text: string; n: number } | undefined
  const flush = () => {
    if (snapshot !== undefined) {
      const rec = parseRecord(snapshot.text, snapshot.n, FAST) as SnapshotRecord
      state = decodeState(rec.world.state)
      tick = rec.tick
      rng = rec.world.rng
      lastLine = snapshot.n
      snapshot = undefined
    }
    for (const b of buffered) apply(b.text, b.n)
    buffered = []
  }

  let n = 1
  for (let r = it.next(); !r.done; r = it.next()) {
    const l = r.value
    n++
    const kind = lineKind(l)
    if (kind === "seal") {
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
    if (kind === "sig") continue // signatures are verify's to check
    if (pending !== undefined) break // a tick line without its seal: the log ends there
    if (kind === "snapshot") {
      if (seekTo < 0) continue
      const t = lineTick(l)
      if (t === undefined || t > seekTo || t !== lastTick) continue
      snapshot = { text: l, n }
      buffered = []
      continue
    }
    // Anything not recognised by its prefix is parsed, so a bad line is named as parseRecord names it.
    const t = kind === "tick" ? lineTick(l) : undefined
    const rec = t === undefined ? parseRecord(l, n, FAST) : undefined
    if (rec?.kind === "end") {
      end = rec
      break
    }
    if (rec !== undefined && rec.kind !== "tick") continue
    const at = t ?? (rec as TickRecord).tick
    if (at !== lastTick + 1) {
      throw new LogError({ reason: "out-of-order", line: n, tick: at, message: `expected tick ${lastTick + 1}` })
    }
    pending = { text: l, n, tick: at }
  }
  flush()
  if (tick >= 0 && checkedTick !== tick) check()
  if (lastTick < tick) lastTick = tick
  return { header, config, state, tick, rng, end, lastTick }
}
