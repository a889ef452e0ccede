import { describe, expect, it } from "vitest"
import { computeMetrics } from "./metrics.js"
import { OCCUPATIONS } from "./params.js"
import { loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"
import { K, S } from "./state.js"

describe("work that stays human", () => {
  it("human-preferred tasks are never automated; new tasks grow with automation; wages and the labour share hold up", () => {
    const at2050 = (name: string) => {
      const config = loadScenario(name, { set: [["firms.count", "300"]] })
      let m: Record<string, number> = {}
      let maxNew = 0
      simulate(config, {
        seed: 5,
        untilYear: 2050,
        onTick: (tick, _e, st) => {
          for (let k = 0; k < K; k++) {
            const cap = 1 - config.values[`occupations.${OCCUPATIONS[k]}.humanPreferredShare`]
            expect(st.target[k]).toBeLessThanOrEqual(cap + 1e-12)
            // Firms adopt toward the target from below, so no sector passes the cap either.
            for (let s = 0; s < S; s++) expect(st.sectorAuto[s * K + k]).toBeLessThanOrEqual(cap + 1e-6)
            maxNew = Math.max(maxNew, st.newTaskShare[k])
          }
          if (tick === 12 * 27 - 1) m = computeMetrics(st)
        },
      })
      return { m, maxNew }
    }
    const base = at2050("baseline")
    const human = at2050("human-work")
    expect(human.maxNew).toBeGreaterThan(base.maxNew * 3)
    expect(human.m.aiShare).toBeLessThan(0.8)
    expect(human.m.labourShare).toBeGreaterThan(base.m.labourShare * 2)
    expect(human.m.meanWageUsd).toBeGreaterThan(base.m.meanWageUsd * 1.5)
  })
})

describe("wage-setting institutions", () => {
  it("a minimum wage tied to GDP per head keeps the employed's wage up and prices the rest out", () => {
    const at2045 = (minimum: string) => {
      const config = loadScenario("baseline", {
        set: [
          ["firms.count", "300"],
          ["labour.minimumWageShareOfGdpPerHead", minimum],
        ],
      })
      let m: Record<string, number> = {}
      simulate(config, {
        seed: 5,
        untilYear: 2045,
        onTick: (tick, _e, st) => {
          if (tick === 12 * 22 - 1) m = computeMetrics(st)
        },
      })
      return m
    }
    const free = at2045("0")
    const floor = at2045("0.3")
    expect(floor.meanWageUsd).toBeGreaterThan(free.meanWageUsd * 2)
    expect(floor.unemploymentRate).toBeGreaterThan(free.unemploymentRate + 0.2)
  })
})
