import { Simulation } from "./engine.js"
import type { Event } from "./events.js"
import { type EndRecord, parseRecord } from "./log.js"
import { checkHeader, headerLineOf, type LogSource, lineKind, lineTick, logLines } from "./log-reader.js"
import type { Model } from "./model.js"

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
 * with the log, byte for byte (all but the sig lines). Proves the log is what this build of the model
 * produces.
 * `source` is read line by line, like `verify`'s.
 *
 * @example
 * const r = resimulate(model, text)
 * if (!r.ok) console.error(`line ${r.divergence?.line} differs`)
 */
export const resimulate = <S, E extends Event, C>(model: Model<S, E, C>, source: LogSource): ResimulateResult => {
  const lines = logLines(source)
  const it = lines[Symbol.iterator]()
  const headerLine = headerLineOf(lines, it.next())
  const { header, config } = checkHeader(model, headerLine, { upcast: false })
  const sim = Simulation.create(model, config, {
    seed: header.seed,
    stateHashEvery: header.stateHashEvery,
    snapshotEvery: header.snapshotEvery,
    meta: header.meta,
  })
  const diverge = (line: number, recorded: string, recomputed: string): ResimulateResult => {
    const tick = lineTick(recorded || recomputed)
    return { ok: false, ticks: sim.tick, divergence: { line, tick, recorded, recomputed } }
  }
  if (sim.headerLine !== headerLine) return diverge(1, headerLine ?? "", sim.headerLine)
  // The lines the rerun wrote for its latest tick, compared one by one with the log's.
  let produced: string[] = []
  let k = 0
  let n = 1
  for (let r = it.next(); !r.done; r = it.next()) {
    const line = r.value
    n++
    // Signatures are verify's to check: a rerun has no key, and the rest of the log is the same whoever signed it.
    if (lineKind(line) === "sig") continue
    if (k >= produced.length) {
      if (lineKind(line) === "end") {
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
