import { createHash } from "node:crypto"
import * as fs from "node:fs"
import { describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { LOG_FORMAT_VERSION, parseHeader, worldHash } from "./log.js"
import type { RngState } from "./rng.js"
import { sealedStateHash, worldBytesHash } from "./state-hash.js"
import { walkersModel } from "./testing/walkers.js"
import { verify } from "./verify.js"

const RNG: RngState = [1, 2, 3, 0xffffffff]

/**
 * A walkers log of format 2 (state hashes over the world's JSON), written by the engine of commit
 * c7adbbf before seals hashed the state's bytes: 200 walkers, seed 7, 48 ticks, a state hash every
 * 12 ticks, a snapshot every 24, signed by a throwaway key.
 */
const FORMAT_2_LOG = fs.readFileSync(new URL("./fixtures/walkers-format2.ndjson", import.meta.url), "utf8")

const walkersLog = (ticks: number, model = walkersModel): string => {
  const sim = Simulation.create(
    model,
    { agents: 50, teleportProbability: 0.3 },
    { seed: 3, stateHashEvery: 4, snapshotEvery: 8 },
  )
  let text = `${sim.headerLine}\n`
  for (let i = 0; i < ticks; i++) text += sim.step().text
  return text + sim.endLine("completed")
}

describe("state hash over bytes (log format 3)", () => {
  it("is sha256 of the documented layout: prefix, tick, RNG words, then each column by sorted name", () => {
    // Given a world of one Int32 column and one number
    const pos = new Int32Array([1, -2, 300])
    // When hashed
    const got = worldBytesHash(11, RNG, { teleports: 3, pos })
    // Then it equals the bytes laid out by hand
    const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer)
    const f64 = (n: number) => Buffer.from(new Float64Array([n]).buffer)
    const expected = createHash("sha256")
      .update(
        Buffer.concat([
          Buffer.from("takeoff-state/3\n"),
          f64(11),
          ...RNG.map(u32),
          u32(3),
          Buffer.from("pos"),
          Buffer.of(3),
          u32(3),
          Buffer.from(pos.buffer),
          u32(9),
          Buffer.from("teleports"),
          Buffer.of(20),
          f64(3),
        ]),
      )
      .digest("hex")
    expect(got).toBe(expected)
  })

  it("given the same state built with its keys in another order, the hash is the same", () => {
    const a = new Float64Array([0.5, 1e300, -0])
    const b = new Uint8Array([7, 8])
    expect(worldBytesHash(5, RNG, { a, b, n: 2, s: "x" })).toBe(worldBytesHash(5, RNG, { s: "x", n: 2, b, a }))
  })

  it("given one byte of one column changed, or the same bytes as another element type, the hash changes", () => {
    const pos = new Int32Array(1000).map((_, i) => i * 7)
    const before = worldBytesHash(23, RNG, { pos, teleports: 1 })
    const bytes = new Uint8Array(pos.buffer)
    bytes[2001] ^= 0x01
    expect(worldBytesHash(23, RNG, { pos, teleports: 1 })).not.toBe(before)
    bytes[2001] ^= 0x01
    expect(worldBytesHash(23, RNG, { pos, teleports: 1 })).toBe(before)
    expect(worldBytesHash(23, RNG, { pos: new Uint32Array(pos.buffer), teleports: 1 })).not.toBe(before)
    expect(worldBytesHash(24, RNG, { pos, teleports: 1 })).not.toBe(before)
  })

  it("names a column it cannot hash instead of hashing something ambiguous", () => {
    expect(() => worldBytesHash(0, RNG, { v: new DataView(new ArrayBuffer(4)) })).toThrow(/state column v/)
    expect(() => worldBytesHash(0, RNG, { v: {} as unknown as number })).toThrow(/state column v: expected/)
  })

  it("given a new log, its seals hold the byte hash of the live state and it verifies", () => {
    const sim = Simulation.create(
      walkersModel,
      { agents: 50, teleportProbability: 0.3 },
      { seed: 3, stateHashEvery: 4 },
    )
    let text = `${sim.headerLine}\n`
    for (let i = 0; i < 4; i++) text += sim.step().text
    const seal = JSON.parse(text.split("\n").filter((l) => l.includes('"state"'))[0])
    expect(parseHeader(sim.headerLine).formatVersion).toBe(LOG_FORMAT_VERSION)
    expect(LOG_FORMAT_VERSION).toBe(3)
    expect(seal.state).toBe(worldBytesHash(3, sim.worldJson().rng, walkersModel.stateColumns(sim.state)))
    const v = verify(walkersModel, text + sim.endLine("completed"))
    expect(v.ok && v.stateChecks).toBe(1)
  })

  it("given a model that refolds one column value differently, verify names the tick line of the first seal after it", () => {
    // Given a format-3 log, and a model that adds 1 to walker 0 when it replays tick 5
    const text = walkersLog(16)
    const drifted = {
      ...walkersModel,
      evolve: (
        s: Parameters<typeof walkersModel.evolve>[0],
        e: Parameters<typeof walkersModel.evolve>[1],
        t: number,
      ) => {
        const out = walkersModel.evolve(s, e, t)
        if (t === 5 && e.type === "WalkersStepped") out.pos[0] += 1
        return out
      },
    }
    // When verified with it
    const v = verify(drifted, text)
    // Then the seal of tick 7 (state hashes every 4 ticks) no longer matches
    expect(v.ok).toBe(false)
    if (!v.ok) expect({ reason: v.error.reason, tick: v.error.tick }).toEqual({ reason: "state-mismatch", tick: 7 })
  })

  it("given a snapshot whose state was re-encoded differently, the model pass names its seal", () => {
    // Given a format-3 log whose tick-7 snapshot claims walker 0 at another position
    const lines = walkersLog(16).split("\n")
    const i = lines.findIndex((l) => l.startsWith('{"kind":"snapshot","tick":7,'))
    const snap = JSON.parse(lines[i])
    const pos = Buffer.from(snap.world.state.pos, "base64")
    pos[0] ^= 0x04
    snap.world.state.pos = pos.toString("base64")
    lines[i] = JSON.stringify(snap)
    // When verified
    const v = verify(walkersModel, lines.join("\n"))
    // Then it fails at the seal line before it, as the JSON-hash path did
    expect(v.ok).toBe(false)
    if (!v.ok) expect({ reason: v.error.reason, line: v.error.line }).toEqual({ reason: "hash-mismatch", line: i })
  })

  it("given a log of format 2 written before the change, it still verifies with its JSON state hashes", () => {
    const header = parseHeader(FORMAT_2_LOG.slice(0, FORMAT_2_LOG.indexOf("\n")))
    expect(header.formatVersion).toBe(2)
    const v = verify(walkersModel, FORMAT_2_LOG)
    expect(v.ok, v.ok ? "" : v.error.message).toBe(true)
    if (v.ok) expect({ stateChecks: v.stateChecks, snapshots: v.snapshots }).toEqual({ stateChecks: 4, snapshots: 2 })
    // Its seals are the JSON hash, which the bytes hash is not
    const sealed = JSON.parse(FORMAT_2_LOG.split("\n").find((l) => l.includes('"state"'))!).state
    const r = Simulation.create(walkersModel, header.config as never, { seed: 7, stateHashEvery: 12 })
    for (let t = 0; t < 12; t++) r.step()
    expect(sealedStateHash(2, walkersModel, 11, r.worldJson().rng, r.state)).toBe(sealed)
    expect(worldHash(r.worldJson())).toBe(sealed)
    expect(sealedStateHash(3, walkersModel, 11, r.worldJson().rng, r.state)).not.toBe(sealed)
  })

  it("given a byte of a format-2 snapshot changed, the chain pass still catches it", () => {
    const lines = FORMAT_2_LOG.split("\n")
    const i = lines.findIndex((l) => l.startsWith('{"kind":"snapshot"'))
    lines[i] = lines[i].replace(/"teleports":(\d+)/, (_, n) => `"teleports":${Number(n) + 1}`)
    const v = verify(walkersModel, lines.join("\n"))
    expect(v.ok).toBe(false)
    if (!v.ok) expect(v.error.reason).toBe("hash-mismatch")
  })
})
