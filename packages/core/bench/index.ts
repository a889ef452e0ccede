/**
 * Engine benchmark (issue 2): the walkers model on the engine against the same model as a
 * hand-written typed-array loop (the limit), with logging off and with the file log and seals on;
 * then replay and verify speed. Engine and limit runs are interleaved and each figure is the min
 * of N (median beside it); a ratio below 1 (less noise) or widely spread samples print "machine too busy to
 * measure" instead of a verdict. Prints each figure with its target.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { replay, Simulation, verify } from "../src/index.js"
import { Rng } from "../src/rng.js"
import { LogFileWriter, readLogLines } from "../src/log-file.js"
import { interleave, type Ratio, ratioOf, type Sample, sampleOf, verdict } from "../src/testing/measure.js"
import { type WalkersConfig, walkersModel } from "../src/testing/walkers.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-bench-"))
const P = 0.1
const fmt = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : n.toFixed(1)

/**
 * The model written by hand: the same draws and the same per-walker work, no engine, no log. Draws
 * and moves are two loops over one reused buffer, as the engine's decide and evolve are: fused into
 * one loop it measured 7% slower than the engine here, and a limit slower than what it bounds is
 * not the limit.
 */
const limit = (agents: number, ticks: number, seed: number): number => {
  const rng = Rng.fromSeed(seed)
  const pos = new Int32Array(agents)
  const steps = new Int8Array(agents)
  for (let i = 0; i < agents; i++) pos[i] = rng.int(201) - 100
  const t0 = performance.now()
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < agents; i++) steps[i] = rng.nextU32() & 1 ? 1 : -1
    for (let i = 0; i < agents; i++) pos[i] += steps[i]
    if (rng.float() < P) pos[rng.int(agents)] = rng.int(2001) - 1000
  }
  return performance.now() - t0
}

const engine = (agents: number, ticks: number, seed: number, file?: string) => {
  const config: WalkersConfig = { agents, teleportProbability: P }
  const sim = Simulation.create(walkersModel, config, {
    seed,
    log: file !== undefined,
    stateHashEvery: 12,
    snapshotEvery: 120,
  })
  const w = file ? LogFileWriter.create(file, sim.headerLine, { overwrite: true }) : undefined
  w?.write(sim.step().text) // tick 0 spawns the walkers: setup, as in the limit
  let events = 0
  const t0 = performance.now()
  for (let t = 0; t < ticks; t++) {
    const r = sim.step()
    events += r.events.length
    w?.write(r.text)
  }
  w?.close(sim.endLine("completed"))
  return { ms: performance.now() - t0, events }
}

const ROUNDS_100K = Number(process.env.BENCH_ROUNDS ?? 5)
const ROUNDS_1M = Number(process.env.BENCH_ROUNDS ?? 3)
const ms = (f: () => void) => {
  const t0 = performance.now()
  f()
  return performance.now() - t0
}
/** A ratio line: min of N (median beside it) against its target, or why it is not a measurement. */
const ratioLine = (label: string, r: Ratio, target: number) =>
  `  ${label.padEnd(30)}${r.min.toFixed(2)}x (median ${r.median.toFixed(2)}x)   (target <= ${target}: ${verdict(r.min <= target, r.busy)})`
const REF = "(reference, no target)"

console.log(
  `core engine bench (walkers: each walker steps +-1 every tick; limit and engine runs interleaved, min and median of N; host load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
)
for (const [agents, ticks, rounds] of [
  [100_000, 120, ROUNDS_100K],
  [1_000_000, 24, ROUNDS_1M],
] as const) {
  const steps = agents * ticks
  const file = path.join(tmp, `walkers-${agents}.ndjson`)
  let events = 0
  const runs = interleave(rounds, {
    limit: () => limit(agents, ticks, 7),
    off: () => engine(agents, ticks, 7).ms,
    on: () => {
      const r = engine(agents, ticks, 7, file)
      events = r.events
      return r.ms
    },
  })
  const text = fs.readFileSync(file, "utf8")
  const reads = interleave(rounds, { replay: () => ms(() => replay(walkersModel, text)) })
  const check = (v: ReturnType<typeof verify>, how: string) => {
    if (!v.ok) throw new Error(`bench log does not verify ${how}: ${v.error.message}`)
  }
  const ver = sampleOf([ms(() => check(verify(walkersModel, text), "from its text"))])
  const verStream = sampleOf([ms(() => check(verify(walkersModel, readLogLines(file)), "from its lines"))])
  const { limit: lim, off, on } = runs
  const rep = reads.replay
  const rate = (s: Sample) => `${fmt(steps / (s.min / 1000))} agent-steps/s (median ${fmt(steps / (s.median / 1000))})`
  const mb = Buffer.byteLength(text) / 1e6
  console.log(
    `\n${fmt(agents)} walkers x ${ticks} ticks (${fmt(steps)} agent-steps; log ${mb.toFixed(1)} MB; ${rounds} interleaved rounds)`,
  )
  console.log(`  limit (hand-written loop)     ${rate(lim)}   ${REF}`)
  console.log(`  engine, logging off           ${rate(off)}, ${fmt(events / (off.min / 1000))} events/s   ${REF}`)
  console.log(`  engine, file log + seals      ${rate(on)}, ${fmt(events / (on.min / 1000))} events/s   ${REF}`)
  console.log(ratioLine("engine/limit, logging off", ratioOf(off, lim, { atLeastOne: true }), 1.5))
  console.log(ratioLine("engine/limit, log + seals", ratioOf(on, lim, { atLeastOne: true }), 3))
  console.log(`  replay                        ${rate(rep)}, ${fmt((events + 2) / (rep.min / 1000))} events/s   ${REF}`)
  const speedup = ratioOf(on, rep)
  console.log(
    `  replay vs simulating the run  ${speedup.min.toFixed(1)}x faster (median ${speedup.median.toFixed(1)}x)   (target >= 5x: ${verdict(speedup.min >= 5, speedup.busy)})`,
  )
  console.log(
    `  replay vs simulating, no log  ${(off.min / rep.min).toFixed(1)}x faster   (for scale; the run that wrote the log logged)`,
  )
  console.log(
    `  verify (chain + refold)       ${(mb / (ver.min / 1000)).toFixed(0)} MB/s from a string, 1 run   ${REF}`,
  )
  console.log(
    `  verify, streamed from file    ${(mb / (verStream.min / 1000)).toFixed(0)} MB/s (readLogLines, 1 MiB reads), 1 run   ${REF}`,
  )
}
fs.rmSync(tmp, { recursive: true, force: true })
