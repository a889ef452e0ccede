import { LogError } from "./errors.js"
import type { Event } from "./events.js"
import {
  chainHash,
  type EndRecord,
  endHash,
  type LogHeader,
  parseRecord,
  type TickRecord,
  type WorldJson,
  worldHash,
} from "./log.js"
import { checkHeader, headerLineOf, type LogSource, logLines } from "./log-reader.js"
import type { Model } from "./model.js"

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
    const lines = logLines(source)
    const it = lines[Symbol.iterator]()
    const first = it.next()
    const { header, config, decodeTick } = checkHeader(model, headerLineOf(lines, first))
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
          const events = decodeTick(rec, n)
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
