import { describe, expect, it } from "vitest"
import { loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"
import { F, K, servedShare, USER, X } from "./state.js"

describe("the aggregate special case (aggregate-ces)", () => {
  it("is one representative firm whose output is the textbook CES task aggregate, with a Solow saving rule", () => {
    const config = loadScenario("aggregate-ces")
    const v = config.values
    let checked = 0
    let prevCapital = 0
    // Markets clear on the automation firms reached by the end of the previous tick.
    let prevAuto = new Float64Array(K)
    simulate(config, {
      seed: 1,
      untilYear: 2040,
      onTick: (tick, events, st) => {
        expect(st.p.nFirms).toBe(1)
        const p = st.p
        const sigma = v["macro.taskElasticity"]
        const rho = (sigma - 1) / sigma
        // Y = [(1-phi) X^r + phi F^r]^(1/r), X = Z K^alpha T^(1-alpha), T = CES over automated and human tasks.
        let D = 0
        for (let k = 0; k < K; k++) {
          const w = p.omega[k]
          const a = prevAuto[k]
          D += w * ((1 - a) ** (1 / sigma) * st.allocL[k] ** rho + a ** (1 / sigma) * st.allocM[k] ** rho)
        }
        const T = D ** (1 / rho)
        // The rest of the economy's power shortfall scales productivity (docs/model.md, "Energy").
        const powered = servedShare(st, USER.rest) ** v["energy.restOutputElasticity"]
        const Xo = st.zSector[0] * st.x[X.tfp] * powered * st.allocK[0] ** p.alpha * T ** (1 - p.alpha)
        const r = p.rFixed
        const Y = ((1 - p.phi) * Xo ** r + p.phi * st.allocF[0] ** r) ** (1 / r)
        // The sector's output is GDP (one sector), and the allocation is the whole economy's.
        expect(Math.abs(st.flow[F.gdp] / st.sectorY[0] - 1)).toBeLessThan(1e-12)
        const cleared = events.find((e) => e.type === "MarketsCleared")
        if (cleared && tick % 12 === 5) {
          const capitalThen = cleared.data.allocK[0]
          // The solver's fixed point (12 iterations a month): its allocation reproduces its output to 1e-6.
          expect(Math.abs(Y / st.sectorY[0] - 1)).toBeLessThan(1e-6)
          // Saving rule: investment in capital = s Y - machine capex, less depreciation.
          const expected = capitalThen + (st.flow[F.investmentK] - v["macro.depreciationPerYear"] * capitalThen) / 12
          expect(Math.abs(st.x[X.capital] / expected - 1)).toBeLessThan(1e-12)
          expect(st.flow[F.investmentK]).toBeCloseTo(
            Math.max(0, v["macro.savingRate"] * st.flow[F.gdp] - st.flow[F.machineCapex]),
            -3,
          )
          checked++
        }
        prevCapital = st.x[X.capital]
        prevAuto = Float64Array.from(st.sectorAuto.subarray(0, K))
      },
    })
    expect(prevCapital).toBeGreaterThan(0)
    expect(checked).toBe(17)
  })
})
