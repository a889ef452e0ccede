import { Simulation } from "./engine.js"
import { LogError } from "./errors.js"
import type { Event } from "./events.js"
import { parseRecord } from "./log.js"
import { lastSealedTick } from "./log-reader.js"
import type { Model } from "./model.js"
import { replay } from "./replay.js"
import type { LogSigner } from "./signing.js"
import { verifyChain } from "./verify-chain.js"

export interface ResumeOptions<S, E> {
  /** Signs what the continued run writes; a signed log can only be continued by its own key. */
  readonly signer?: LogSigner
  /** Called for every tick already in the log, as the run's own onTick was (summaries, metrics). */
  readonly onTick?: (tick: number, events: ReadonlyArray<E>, state: S) => void
}

/**
 * Continues an interrupted run from its log (text cut back to its last whole tick, e.g. by
 * `openLogFile`): checks the chain and signatures as far as it goes, folds the state from tick 0
 * and restores the simulation at the last sealed tick with the chain hash there. Stepping it on
 * writes the bytes an uninterrupted run would have written after that tick, following `kept`
 * (the log, or less of it: the file must be cut to it, see `cutLogFile`). Throws a LogError
 * naming the line for a log that does not check out, that already ended, or whose signer is not
 * `signer`.
 *
 * @example
 * const { sim, kept } = resumeFrom(model, openLogFile(partial).text, { signer })
 * cutLogFile(partial, kept)
 */
export const resumeFrom = <S, E extends Event, C>(
  model: Model<S, E, C>,
  logText: string,
  options: ResumeOptions<S, E> = {},
): { sim: Simulation<S, E, C>; lastTick: number; kept: string } => {
  let text = logText
  const chain = verifyChain(text, { allowIncomplete: true })
  if (chain.end !== undefined) {
    throw new LogError({
      reason: "out-of-order",
      line: 1,
      tick: chain.end.tick,
      message: `the run already ended (${chain.end.reason} at tick ${chain.end.tick}): there is nothing to resume`,
    })
  }
  const mine = options.signer?.fingerprint
  if (chain.signer !== undefined && chain.signer.fingerprint !== mine) {
    throw new LogError({
      reason: "untrusted-signer",
      line: 1,
      message: `the log is signed by ${chain.signer.fingerprint}${mine === undefined ? "" : `, not by this key (${mine})`}: only the key that began it can continue it`,
    })
  }
  const k = chain.header.stateHashEvery
  if (mine !== undefined && chain.signer === undefined && chain.lastTick >= k) {
    throw new LogError({
      reason: "unsigned",
      line: 1,
      message: "the log was written without a key: a signed continuation of it would not verify",
    })
  }
  // Signed by us but cut right after its first checkpoint's seal: that tick's signature is
  // missing, so the tick is run again (it writes the same bytes) and signed this time.
  if (mine !== undefined && chain.signer === undefined && chain.lastTick === k - 1) {
    text = text.slice(0, text.lastIndexOf(`\n{"kind":"tick","tick":${chain.lastTick},`) + 1)
  }
  const r = replay(model, text, { onTick: options.onTick })
  const at = lastSealedTick(text)
  const sealAt = text.lastIndexOf('\n{"kind":"seal","tick":')
  const sealLine = at < 0 ? undefined : text.slice(sealAt + 1, text.indexOf("\n", sealAt + 1))
  const hash = sealLine === undefined ? chain.header.hash : (parseRecord(sealLine, 0) as { hash: string }).hash
  let sim: Simulation<S, E, C>
  try {
    sim = Simulation.restore(
      model,
      r.config,
      chain.header,
      { tick: r.tick, rng: r.rng, state: r.state, hash },
      options.signer,
    )
  } catch (e) {
    throw new LogError({ reason: "schema-version", line: 1, message: (e as Error).message })
  }
  return { sim, lastTick: r.tick, kept: text }
}
