import { generateKeyPairSync } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { truncateToSealed } from "./log-reader.js"
import { resumeFrom } from "./resume.js"
import { signerFromKey } from "./signing.js"
import { walkersModel } from "./testing/walkers.js"

const signer = signerFromKey(generateKeyPairSync("ed25519").privateKey)
const config = { agents: 30, teleportProbability: 0.4 }
const full = (ticks: number, k: number) => {
  const sim = Simulation.create(walkersModel, config, { seed: 9, stateHashEvery: k, snapshotEvery: 2 * k, signer })
  let text = `${sim.headerLine}\n`
  for (let i = 0; i < ticks; i++) text += sim.step().text
  return text + sim.endLine("completed")
}

describe("resuming an interrupted run", () => {
  it("given a log cut anywhere, resuming from its last whole tick writes the uninterrupted run's bytes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (ticks, k, at) => {
        const whole = full(ticks, k)
        const { kept } = truncateToSealed(whole.slice(0, at % whole.indexOf('{"kind":"end"')))
        fc.pre(kept.length > 0)
        const resumed = resumeFrom(walkersModel, kept, { signer })
        const sim = resumed.sim
        let text = resumed.kept
        while (sim.tick < ticks) text += sim.step().text
        expect(text + sim.endLine("completed")).toBe(whole)
      }),
      { numRuns: 100 },
    )
  })

  it("refuses a run that already ended, and another key's log", () => {
    const whole = full(5, 2)
    expect(() => resumeFrom(walkersModel, whole, { signer })).toThrow(/already ended/)
    const cut = whole.slice(0, whole.indexOf('{"kind":"end"'))
    const other = signerFromKey(generateKeyPairSync("ed25519").privateKey)
    expect(() => resumeFrom(walkersModel, cut, { signer: other })).toThrow(/only the key that began it/)
  })
})
