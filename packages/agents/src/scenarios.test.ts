import { describe, expect, it } from "vitest"
import { invariantViolation } from "./economy/invariants.js"
import { computeMetrics, METRICS } from "./metrics.js"
import { listScenarios, loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"

const PRICES = [
  "chipPriceUsd",
  "chipPricePerH100eUsd",
  "inferencePricePerMTokUsd",
  "robotHourPriceUsd",
  "robotPriceUsd",
  "electricityPriceUsdPerMwh",
  "goodsPriceIndex",
]
const REQUIRED = [
  "baseline",
  "seed-literal",
  "energy-bottleneck",
  "chip-shortage",
  "fast-takeoff",
  "slow-diffusion",
  "basic-income",
  "eighty-twenty",
  "aggregate-ces",
]

describe("every scenario", () => {
  const names = listScenarios().map((s) => s.name)
  it("includes the required set", () => {
    for (const n of REQUIRED) expect(names).toContain(n)
  })
  for (const name of names) {
    it(`${name}: runs 2024-2100 keeping every invariant, with finite metrics, positive prices and milestone dates or "not reached"`, () => {
      const config = loadScenario(name, { set: [["firms.count", "200"]] })
      const { outcome } = simulate(config, {
        seed: 1,
        untilYear: 2100,
        onTick: (tick, _e, state) => {
          const broken = invariantViolation(state)
          if (broken !== null) throw new Error(`${name} tick ${tick}: ${broken}`)
          const m = computeMetrics(state, config)
          for (const info of METRICS) {
            if (!Number.isFinite(m[info.key])) throw new Error(`${name} tick ${tick}: ${info.key} = ${m[info.key]}`)
          }
          for (const p of PRICES) if (!(m[p] > 0)) throw new Error(`${name} tick ${tick}: ${p} = ${m[p]}`)
        },
      })
      for (const d of [outcome.milestones.agi, outcome.milestones.asi, outcome.milestones.postScarcity]) {
        expect(d === null || /^\d{4}-\d{2}$/.test(d)).toBe(true)
      }
      if (outcome.catastrophe === null) expect(outcome.lastDate).toBe("2100-12")
    })
  }

  it("eighty-twenty ends about one run in five in catastrophe by 2060", () => {
    const config = loadScenario("eighty-twenty", { set: [["firms.count", "50"]] })
    const runs = 40
    let hit = 0
    for (let seed = 1; seed <= runs; seed++) {
      if (simulate(config, { seed, untilYear: 2060 }).outcome.catastrophe !== null) hit++
    }
    // Binomial(40, 0.2): 2..16 covers well over 99.9% of outcomes.
    expect(hit).toBeGreaterThanOrEqual(2)
    expect(hit).toBeLessThanOrEqual(16)
  })
})
