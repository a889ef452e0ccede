import { LogError } from "./errors.js"
import type { Event } from "./events.js"
import { type EndRecord, type LogHeader, parseRecord, type TickRecord } from "./log.js"
import { checkHeader, evolveTick, type LogSource, lineKind, logLines } from "./log-reader.js"
import type { Model } from "./model.js"
import type { RngState } from "./rng.js"
import { STATE_BYTES_FORMAT, sealedStateHash } from "./state-hash.js"
import { type LogSignerInfo, type VerifyOptions, verifyChain } from "./verify-chain.js"

export interface VerifyOk {
  readonly ok: true
  readonly header: LogHeader
  readonly ticks: number
  readonly lastTick: number
  readonly stateChecks: number
  readonly snapshots: number
  readonly end: EndRecord | undefined
  readonly bytes: number
  /** Who signed the log; undefined when it is unsigned. */
  readonly signer: LogSignerInfo | undefined
  /** The last tick a signature covers (-1 if none). */
  readonly signedThroughTick: number
}
export interface VerifyFailed {
  readonly ok: false
  readonly error: LogError
}

const fail = (
  line: number,
  tick: number,
  message: string,
  reason: "state-mismatch" | "hash-mismatch" | "broken-invariant" = "state-mismatch",
): never => {
  throw new LogError({ reason, line, tick, message })
}

/** Decoding and evolving a tick line is safe only once the chain holds; the chain covers its exact bytes. */
const TRUSTED = { canonical: false } as const

/**
 * Checks a log end to end, in two passes over `source`. First the chain (`verifyChain`, no model):
 * header hash, hash chain, every line in its place, signatures, completeness and the trust
 * `options`. Only then the model: every event decoded, the state refolded from the events against
 * every sealed state hash, and every snapshot against the state so checked (the chain pass checks
 * snapshots of formats 1 and 2 itself). Returns the first bad line
 * and tick; never throws for bad input. `source` is iterated twice (a string, an array of lines or
 * `readLogLines(file)`), line by line, so a file too large for one string verifies in constant memory.
 *
 * @example
 * const v = verify(model, readLogLines("run.ndjson"), { trust: [fingerprint] })
 * if (!v.ok) console.error(formatLogError(v.error))
 */
export const verify = <S, E extends Event, C>(
  model: Model<S, E, C>,
  source: LogSource,
  options: VerifyOptions = {},
): VerifyOk | VerifyFailed => {
  try {
    const chain = verifyChain(source, options)
    const stateChecks = refoldLog(model, source, chain.lastTick)
    return { ok: true, ...chain, stateChecks }
  } catch (e) {
    if (e instanceof LogError) return { ok: false, error: e }
    throw e
  }
}

/**
 * The second pass of `verify`: decodes every tick of a log whose chain holds (`verifyChain`), folds
 * the state and compares it with every sealed state hash up to `lastTick` (over the state's bytes
 * from format 3, over its JSON before: `sealedStateHash`), and, from format 3, every snapshot with
 * the canonical JSON of that state. Returns how many state hashes matched; throws a `state-mismatch`
 * LogError naming the tick line, or a `hash-mismatch` naming the seal line of a snapshot that differs. For callers that pick the model from the
 * header once the chain holds (the CLI).
 *
 * @example
 * const chain = verifyChain(text); const stateChecks = refoldLog(model, text, chain.lastTick)
 */
export const refoldLog = <S, E extends Event, C>(
  model: Model<S, E, C>,
  source: LogSource,
  lastTick: number,
): number => {
  const it = logLines(source)[Symbol.iterator]()
  const first = it.next()
  const { header, config, decodeTick } = checkHeader(model, first.done ? undefined : first.value)
  const format = header.formatVersion
  let state: S = model.initialState(config)
  let rng: RngState = [0, 0, 0, 0]
  let tickLine = 0
  let stateChecks = 0
  // The last sealed tick after which the model's invariants held (-1: the initial state).
  let heldAt = -1
  /** A checked seal whose snapshot comes next (format 3: the chain pass cannot check it without the model). */
  let snapshotDue: { tick: number; sealLine: number } | undefined
  let n = 1
  for (let r = it.next(); !r.done; r = it.next()) {
    n++
    const text = r.value
    const kind = lineKind(text)
    if (snapshotDue !== undefined) {
      // The snapshot must be the canonical JSON of the world the seal's hash was checked against.
      const { tick, sealLine } = snapshotDue
      const world = JSON.stringify({ tick, rng, state: model.encodeState(state) })
      if (text !== `{"kind":"snapshot","tick":${tick},"world":${world}}`) {
        fail(sealLine, tick, "the snapshot does not match the state hash sealed at its tick", "hash-mismatch")
      }
      snapshotDue = undefined
      if (tick >= lastTick) break
      continue
    }
    if (kind === "tick") {
      const rec = parseRecord(text, n, TRUSTED) as TickRecord
      const events = decodeTick(rec, n)
      state = evolveTick(model, state, events, rec.tick, n)
      rng = rec.rng
      tickLine = n
    } else if (kind === "seal") {
      const rec = parseRecord(text, n, TRUSTED)
      if (rec.kind !== "seal") continue
      if (rec.state !== undefined) {
        if (sealedStateHash(format, model, rec.tick, rng, state) !== rec.state) {
          fail(tickLine, rec.tick, "state refolded from the events does not match the sealed state hash")
        }
        const broken = model.checkState?.(state)
        if (broken) {
          const since = `${heldAt < 0 ? "it held at the start" : `it held after tick ${heldAt}`}: an event of ticks ${heldAt + 1}..${rec.tick} broke it`
          fail(
            tickLine,
            rec.tick,
            `the state after this tick breaks an invariant: ${broken} (${since})`,
            "broken-invariant",
          )
        }
        heldAt = rec.tick
        stateChecks++
        const every = header.snapshotEvery
        if (format >= STATE_BYTES_FORMAT && every > 0 && (rec.tick + 1) % every === 0) {
          snapshotDue = { tick: rec.tick, sealLine: n }
          continue
        }
      }
      if (rec.tick >= lastTick) break
    }
  }
  return stateChecks
}
