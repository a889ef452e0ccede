/**
 * Engine benchmark (issue 2): the walkers model on the engine against the same model as a
 * hand-written typed-array loop (the limit), with logging off and with the file log and seals on;
 * then replay and verify speed. Prints each figure with its target.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { replay, Simulation, verify } from "../src/index.js"
import { Rng } from "../src/rng.js"
import { LogFileWriter, readLogLines } from "../src/log-file.js"
import { type WalkersConfig, walkersModel } from "../src/testing/walkers.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-bench-"))
const P = 0.1
const fmt = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : n.toFixed(1)
const mark = (ok: boolean) => (ok ? "ok" : "MISSED")

/** The model written by hand: the same draws and the same per-walker work, no engine, no log. */
const limit = (agents: number, ticks: number, seed: number): number => {
  const rng = Rng.fromSeed(seed)
  const pos = new Int32Array(agents)
  for (let i = 0; i < agents; i++) pos[i] = rng.int(201) - 100
  const t0 = performance.now()
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < agents; i++) pos[i] += rng.nextU32() & 1 ? 1 : -1
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

const best = <T extends { ms: number }>(n: number, f: () => T): T => {
  let b: T | undefined
  for (let i = 0; i < n; i++) {
    const r = f()
    if (b === undefined || r.ms < b.ms) b = r
  }
  return b!
}

console.log("core engine bench (walkers: each walker steps +-1 every tick; best of 3)")
for (const [agents, ticks] of [
  [100_000, 120],
  [1_000_000, 24],
] as const) {
  const steps = agents * ticks
  const lim = best(3, () => ({ ms: limit(agents, ticks, 7) }))
  const off = best(3, () => engine(agents, ticks, 7))
  const file = path.join(tmp, `walkers-${agents}.ndjson`)
  const on = best(3, () => engine(agents, ticks, 7, file))
  const text = fs.readFileSync(file, "utf8")
  const rep = best(3, () => {
    const t0 = performance.now()
    replay(walkersModel, text)
    return { ms: performance.now() - t0 }
  })
  const ver = best(1, () => {
    const t0 = performance.now()
    const v = verify(walkersModel, text)
    if (!v.ok) throw new Error(`bench log does not verify: ${v.error.message}`)
    return { ms: performance.now() - t0 }
  })
  const verStream = best(1, () => {
    const t0 = performance.now()
    const v = verify(walkersModel, readLogLines(file))
    if (!v.ok) throw new Error(`bench log does not verify from its lines: ${v.error.message}`)
    return { ms: performance.now() - t0 }
  })
  const mb = Buffer.byteLength(text) / 1e6
  console.log(`\n${fmt(agents)} walkers x ${ticks} ticks (${fmt(steps)} agent-steps; log ${mb.toFixed(1)} MB)`)
  console.log(`  limit (hand-written loop)     ${fmt(steps / (lim.ms / 1000))} agent-steps/s`)
  console.log(
    `  engine, logging off           ${fmt(steps / (off.ms / 1000))} agent-steps/s, ${fmt(off.events / (off.ms / 1000))} events/s`,
  )
  console.log(
    `  engine, file log + seals      ${fmt(steps / (on.ms / 1000))} agent-steps/s, ${fmt(on.events / (on.ms / 1000))} events/s`,
  )
  const r1 = off.ms / lim.ms
  const r2 = on.ms / lim.ms
  console.log(`  engine/limit, logging off     ${r1.toFixed(2)}x   (target <= 1.5: ${mark(r1 <= 1.5)})`)
  console.log(`  engine/limit, log + seals     ${r2.toFixed(2)}x   (target <= 3: ${mark(r2 <= 3)})`)
  const speedup = on.ms / rep.ms
  console.log(
    `  replay                        ${fmt(steps / (rep.ms / 1000))} agent-steps/s, ${fmt((on.events + 2) / (rep.ms / 1000))} events/s`,
  )
  console.log(`  replay vs simulating the run  ${speedup.toFixed(1)}x faster   (target >= 5x: ${mark(speedup >= 5)})`)
  console.log(
    `  replay vs simulating, no log  ${(off.ms / rep.ms).toFixed(1)}x faster   (for scale; the run that wrote the log logged)`,
  )
  console.log(`  verify (chain + refold)       ${(mb / (ver.ms / 1000)).toFixed(0)} MB/s from a string`)
  console.log(
    `  verify, streamed from file    ${(mb / (verStream.ms / 1000)).toFixed(0)} MB/s (readLogLines, 1 MiB reads)`,
  )
}
fs.rmSync(tmp, { recursive: true, force: true })
