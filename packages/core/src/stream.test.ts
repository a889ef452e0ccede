import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { linesOf } from "./log-reader.js"
import { replay } from "./replay.js"
import { resimulate } from "./resimulate.js"
import { verify } from "./verify.js"
import { LogFileWriter, readLogLines } from "./log-file.js"
import { type WalkersConfig, walkersModel } from "./testing/walkers.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-stream-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const runArb = fc.record({
  config: fc.record({
    agents: fc.integer({ min: 1, max: 120 }),
    teleportProbability: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  ticks: fc.integer({ min: 1, max: 30 }),
  k: fc.integer({ min: 1, max: 4 }),
  snapshotsPerK: fc.integer({ min: 0, max: 3 }),
})

/** A run whose header meta holds multi-byte UTF-8, so chunked reads split characters. */
const simulate = (run: { config: WalkersConfig; seed: number; ticks: number; k: number; snapshotsPerK: number }) => {
  const sim = Simulation.create(walkersModel, run.config, {
    seed: run.seed,
    stateHashEvery: run.k,
    snapshotEvery: run.k * run.snapshotsPerK,
    meta: { title: "Zürich → 東京 🚀" },
  })
  let text = `${sim.headerLine}\n`
  for (let i = 0; i < run.ticks; i++) text += sim.step().text
  return `${text}${sim.endLine("completed")}`
}

const linesArray = (text: string) => {
  const lines = text.split("\n")
  lines.pop()
  return lines
}

let files = 0
const writeFile = (text: string, gzip = false) => {
  const file = path.join(tmp, `log-${files++}.ndjson${gzip ? ".gz" : ""}`)
  const headerEnd = text.indexOf("\n")
  const w = LogFileWriter.create(file, text.slice(0, headerEnd), { gzip })
  w.write(text.slice(headerEnd + 1))
  w.close()
  return file
}

describe("streaming logs line by line", () => {
  it("given any log and chunk size, readLogLines yields exactly its lines (plain and gzip)", () => {
    fc.assert(
      fc.property(runArb, fc.integer({ min: 1, max: 4096 }), fc.boolean(), (run, chunkBytes, gzip) => {
        const text = simulate(run)
        const file = writeFile(text, gzip)
        const source = readLogLines(file, chunkBytes)
        expect([...source]).toEqual(linesArray(text))
        expect(source.torn).toBeUndefined()
        expect([...linesOf(text)]).toEqual(linesArray(text))
      }),
      { numRuns: 40 },
    )
  })

  it("given a gzip log read one byte at a time, the gzip magic is still recognised", () => {
    // Regression: the magic was sniffed from the first chunk, so 1-byte chunks yielded raw gzip.
    const text = simulate({
      config: { agents: 3, teleportProbability: 0.5 },
      seed: 1,
      ticks: 3,
      k: 1,
      snapshotsPerK: 1,
    })
    for (const chunkBytes of [1, 2, 3]) {
      const source = readLogLines(writeFile(text, true), chunkBytes)
      expect([...source]).toEqual(linesArray(text))
      expect(source.torn).toBeUndefined()
    }
  })

  it("given any log and seek target, replaying its lines equals replaying its text, with or without snapshots", () => {
    fc.assert(
      fc.property(runArb, fc.integer({ min: -1, max: 40 }), (run, target) => {
        const text = simulate(run)
        const untilTick = target < 0 ? undefined : target
        const fromText = replay(walkersModel, text, { untilTick })
        const folded = replay(walkersModel, text, { untilTick, useSnapshots: false })
        const fromFile = replay(walkersModel, readLogLines(writeFile(text), 97), { untilTick })
        for (const r of [folded, fromFile]) {
          expect(walkersModel.encodeState(r.state)).toEqual(walkersModel.encodeState(fromText.state))
          expect([r.tick, r.lastTick, r.rng, r.end]).toEqual([
            fromText.tick,
            fromText.lastTick,
            fromText.rng,
            fromText.end,
          ])
        }
        expect(fromText.tick).toBe(Math.min(untilTick ?? run.ticks, run.ticks - 1))
        expect(fromText.lastTick).toBe(run.ticks - 1)
      }),
      { numRuns: 60 },
    )
  })

  it("given a seek, onTick sees every tick after the snapshot it starts from, in order", () => {
    const text = simulate({
      config: { agents: 9, teleportProbability: 0.3 },
      seed: 5,
      ticks: 30,
      k: 2,
      snapshotsPerK: 3,
    })
    const seen: number[] = []
    replay(walkersModel, linesArray(text), { untilTick: 20, onTick: (t) => seen.push(t) })
    // snapshots follow ticks 5, 11, 17, 23, 29: the seek to 20 starts after 17
    expect(seen).toEqual([18, 19, 20])
  })

  it("given any log, verify and resimulate over its lines agree with the text", () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const text = simulate(run)
        const v = verify(walkersModel, readLogLines(writeFile(text), 64))
        expect(v).toEqual(verify(walkersModel, text))
        expect(v.ok && v.bytes).toBe(Buffer.byteLength(text))
        expect(resimulate(walkersModel, linesArray(text))).toEqual(resimulate(walkersModel, text))
      }),
      { numRuns: 30 },
    )
  })

  it("given a file cut mid-line, verify over its lines reports the torn line; replay ignores it", () => {
    const text = simulate({
      config: { agents: 20, teleportProbability: 0.5 },
      seed: 8,
      ticks: 6,
      k: 2,
      snapshotsPerK: 1,
    })
    const cut = text.slice(0, text.length - 30)
    const file = path.join(tmp, "torn.ndjson")
    fs.writeFileSync(file, cut)
    const v = verify(walkersModel, readLogLines(file, 50))
    expect(v.ok).toBe(false)
    if (!v.ok) {
      expect(v.error.reason).toBe("truncated")
      expect(v.error.line).toBe(linesArray(text).length)
      expect(v).toEqual(verify(walkersModel, cut))
    }
    expect(replay(walkersModel, readLogLines(file)).lastTick).toBe(5)
  })

  it("given a bad line in streamed lines, verify names the same line and reason as for the text", () => {
    const lines = linesArray(
      simulate({ config: { agents: 4, teleportProbability: 1 }, seed: 2, ticks: 5, k: 1, snapshotsPerK: 2 }),
    )
    lines[5] = lines[5].replace('"tick":', '"tock":')
    const v = verify(walkersModel, lines)
    expect(v.ok).toBe(false)
    // Line 6 is a snapshot: unrecognised by its prefix, it is not the snapshot due there.
    if (!v.ok) expect([v.error.reason, v.error.line]).toEqual(["out-of-order", 6])
    expect(verify(walkersModel, `${lines.join("\n")}\n`)).toEqual(v)
  })
})
