import { describe, expect, it } from "vitest"
import { computeMetrics } from "./metrics.js"
import { loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"
import { type EconomyState, F, K, X } from "./state.js"

/**
 * The one-sector special case (scenarios/aggregate-ramsey.yaml; docs/model.md, "The aggregate
 * special cases"): at full automation with machines from capital, no fixed factor and
 * Cobb-Douglas tasks, Y = A K with A = Z alpha^alpha (theta (1 - alpha))^(1 - alpha) prod_k omega_k^(omega_k (1 - alpha)),
 * and Ramsey owners make the economy grow at g = (A - delta - rho) / sigma.
 */
const productivityA = (st: EconomyState): number => {
  const p = st.p
  let lnOmega = 0
  for (let k = 0; k < K; k++) if (p.omega[k] > 0) lnOmega += p.omega[k] * Math.log(p.omega[k])
  const z = st.zSector[0] * st.x[X.tfp]
  const theta = p.v["tasks.workerEqPerMachineUsd"]
  return z * p.alpha ** p.alpha * (theta * (1 - p.alpha)) ** (1 - p.alpha) * Math.exp((1 - p.alpha) * lnOmega)
}

describe("the aggregate special case: full automation, AK technology, Ramsey household", () => {
  const cases: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [
    [],
    [
      ["households.crra", "1"],
      ["households.discountRatePerYear", "0.04"],
    ],
    [
      ["households.crra", "4"],
      ["tasks.workerEqPerMachineUsd", "1e-4"],
      ["macro.depreciationPerYear", "0.08"],
    ],
    [
      ["households.crra", "1.5"],
      ["households.discountRatePerYear", "0.01"],
      ["tasks.workerEqPerMachineUsd", "5e-6"],
    ],
  ]
  for (const set of cases) {
    it(`grows at (A - delta - rho) / sigma within 1 point (${set.map(([k, v]) => `${k}=${v}`).join(", ") || "defaults"})`, () => {
      const config = loadScenario("aggregate-ramsey", { set })
      const v = config.values
      const gdpByYear = new Map<number, number>()
      let capitalBefore = 0
      let outputPerCapital = 0
      let a = 0
      const { state } = simulate(config, {
        seed: 3,
        untilYear: 2100,
        onTick: (tick, _events, st) => {
          for (const m of Object.values(computeMetrics(st))) expect(Number.isFinite(m)).toBe(true)
          if (tick % 12 === 11) gdpByYear.set(2024 + (tick + 1) / 12 - 1, st.flow[F.gdp])
          // Output this month is made with the capital stock the month started with.
          outputPerCapital = st.flow[F.gdp] / capitalBefore
          capitalBefore = st.x[X.capital]
          a = productivityA(st)
        },
      })
      expect(state.sectorAuto[0]).toBe(1)
      expect(state.flow[F.wages]).toBe(0)
      // The closed form of A is the model's own output per unit of capital.
      expect(Math.abs(outputPerCapital / a - 1)).toBeLessThan(1e-6)
      const g = (a - v["macro.depreciationPerYear"] - v["households.discountRatePerYear"]) / v["households.crra"]
      const simulated = Math.log(gdpByYear.get(2099)! / gdpByYear.get(2059)!) / 40
      expect(g).toBeGreaterThan(0.01)
      expect(Math.abs(simulated - g)).toBeLessThan(0.01)
    })
  }

  it("a Solow saving rule instead grows at s A - delta, and more patience raises Ramsey growth", () => {
    const run = (set: ReadonlyArray<readonly [string, string]>) => {
      const config = loadScenario("aggregate-ramsey", { set })
      const ys = new Map<number, number>()
      let a = 0
      simulate(config, {
        seed: 3,
        untilYear: 2080,
        onTick: (tick, _e, st) => {
          if (tick % 12 === 11) ys.set(2024 + (tick + 1) / 12 - 1, st.flow[F.gdp])
          a = productivityA(st)
        },
      })
      return { g: Math.log(ys.get(2079)! / ys.get(2049)!) / 30, a, v: config.values }
    }
    const solow = run([["households.savingRule", "0"]])
    expect(
      Math.abs(solow.g - (solow.v["macro.savingRate"] * solow.a - solow.v["macro.depreciationPerYear"])),
    ).toBeLessThan(0.01)
    const impatient = run([["households.discountRatePerYear", "0.06"]])
    const patient = run([["households.discountRatePerYear", "0.01"]])
    expect(patient.g).toBeGreaterThan(impatient.g + 0.02)
  })
})

describe("the task-based special case: automation approaching 100%", () => {
  for (const sigma of ["1", "0.67"]) {
    it(`wages rise, then fall to zero as automation completes (task elasticity ${sigma})`, () => {
      const config = loadScenario("aggregate-ramsey", {
        set: [
          ["tasks.pathFullYear", "2064"],
          ["macro.taskElasticity", sigma],
        ],
      })
      const wages: number[] = []
      simulate(config, {
        seed: 3,
        untilYear: 2070,
        onTick: (tick, _e, st) => {
          const m = computeMetrics(st)
          for (const x of Object.values(m)) expect(Number.isFinite(x)).toBe(true)
          if (tick % 12 === 11) wages.push(m.meanWageUsd)
        },
      })
      const peak = Math.max(...wages)
      const peakYear = wages.indexOf(peak)
      // The productivity effect wins while there is work left; the displacement effect wins at the end.
      expect(peak).toBeGreaterThan(wages[0] * 1.1)
      expect(peakYear).toBeGreaterThan(5)
      expect(peakYear).toBeLessThan(36)
      expect(wages[39]).toBeLessThan(peak * 0.5)
      expect(wages.at(-1)).toBe(0)
    })
  }
})
