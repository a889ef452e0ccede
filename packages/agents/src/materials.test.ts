import { describe, expect, it } from "vitest"
import { MATERIAL, MUSER, NM } from "./economy/sets.js"
import { explain } from "./explain.js"
import { computeMetrics } from "./metrics.js"
import { allotMaterials } from "./mechanisms/materials.js"
import { loadScenario, ScenarioError, withValues } from "./scenario.js"
import { simulate } from "./simulate.js"
import { economyModel } from "./model.js"
import { MaterialsDispatched } from "./mechanisms/materials.js"
import { SpaceBuilt } from "./mechanisms/space.js"
import { PARAMS } from "./params.js"
import { initialEconomyState, X } from "./state.js"

/** Materials and space (docs/model.md, "Materials" and "Space"): rationing, budgets and what binds. */

const small = () => loadScenario("baseline", { set: [["firms.count", "100"]] })

describe("materials market", () => {
  it("given less output than demand, when it is allotted, then nothing is over-allotted, the rest keeps a share and a short machine takes the same share of every class", () => {
    const st = initialEconomyState(small())
    const demand = st.matDemand.slice()
    // Robots ask for a thousand times their demand: steel is short.
    for (let c = 0; c < NM; c++) demand[MUSER.robots * NM + c] *= 1e3
    let wanted = 0
    for (let u = 0; u < 4; u++) wanted += demand[u * NM + MATERIAL.steel]
    const produced = Float64Array.from({ length: NM }, (_, c) => st.matProduced[c])
    produced[MATERIAL.steel] = wanted / 2
    const budget = new Float64Array(demand.length)
    const clearing = new Float64Array(NM)
    allotMaterials(st, produced, demand, budget, clearing)
    for (let c = 0; c < NM; c++) {
      let sum = 0
      for (let u = 0; u < 4; u++) {
        expect(budget[u * NM + c]).toBeLessThanOrEqual(demand[u * NM + c] * (1 + 1e-12))
        sum += budget[u * NM + c]
      }
      expect(sum).toBeLessThanOrEqual(produced[c] * (1 + 1e-12))
    }
    expect(clearing[MATERIAL.steel]).toBeGreaterThan(0)
    // Machines need every class: a user short of steel takes the same share of every other class.
    const share = (u: number, c: number) => budget[u * NM + c] / demand[u * NM + c]
    expect(share(MUSER.robots, MATERIAL.copper)).toBeCloseTo(share(MUSER.robots, MATERIAL.steel), 9)
    expect(budget[MUSER.rest * NM + MATERIAL.steel]).toBeGreaterThan(0)
  })
})

describe("materials as a constraint", () => {
  const run = (config = small(), untilYear = 2050) => {
    const bound = new Set<string>()
    const short = new Set<string>()
    const m: Record<number, Record<string, number>> = {}
    const { state } = simulate(config, {
      seed: 7,
      untilYear,
      onTick: (tick, events, st) => {
        for (const e of events)
          if (e.type === "MaterialsDispatched") {
            for (const b of e.data.planetaryBound) bound.add(b)
            for (const u of e.data.short) short.add(u)
          }
        if (tick % 12 === 11) m[2024 + (tick - 11) / 12] = computeMetrics(st, config)
      },
    })
    return { state, bound, short, m }
  }

  it("the baseline reaches Earth's steel budget, holds back power and names who went short; off-world extraction follows", () => {
    const base = run(small(), 2060)
    expect(base.bound.has("steel")).toBe(true)
    expect(base.short.has("power")).toBe(true)
    // Earth's capacity never passes its planetary budget: 230 Gt of iron over a 20-year mine life.
    expect(base.state.matCapacity[MATERIAL.steel]).toBeLessThanOrEqual(230e9 / 20)
    expect(base.m[2060].offworldMaterialsGt).toBeGreaterThan(0)
    expect(base.m[2060].launchCostUsdPerKg).toBeLessThan(1700 / 4)
    expect(base.m[2030].materialsGt).toBeGreaterThan(5)
  })

  it("a smaller iron resource holds back the power build", () => {
    const base = run()
    const scarce = run(withValues(small(), { "materials.steel.resourceGt": 23 }))
    expect(scarce.m[2050].electricityTw).toBeLessThan(0.8 * base.m[2050].electricityTw)
  })

  it("without a binding planetary budget nothing is built off Earth", () => {
    const plenty = run(
      withValues(small(), {
        "materials.steel.resourceGt": 1e6,
        "materials.aluminium.resourceGt": 1e6,
        "materials.copper.resourceGt": 1e6,
      }),
      2045,
    )
    expect(plenty.bound.size).toBe(0)
    expect(plenty.state.x[X.offworldPowerGw]).toBe(0)
    expect(plenty.m[2045].offworldMaterialsGt).toBe(0)
  })
})

describe("space replaces the start year", () => {
  it("a scenario setting macro.spaceExpansionYear gets an error naming it as removed and what replaces it", () => {
    let error: unknown
    try {
      loadScenario("baseline", { set: [["macro.spaceExpansionYear", "2040"]] })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ScenarioError)
    expect((error as ScenarioError).message).toMatch(/macro\.spaceExpansionYear" was removed/)
    expect((error as ScenarioError).message).toContain("space.launchCost2024UsdPerKg")
  })
})

describe("audit", () => {
  it("names the planetary materials budget among the binding constraints before ASI", () => {
    const { text } = simulate(small(), { seed: 7, untilYear: 2060, log: true })
    const ex = explain(text, "asi")
    const planetary = ex.constraints.find((c) => c.constraint.startsWith("planetary materials budget binds"))
    expect(planetary?.months).toBeGreaterThan(0)
    expect(ex.constraints.some((c) => c.constraint.startsWith("materials short for"))).toBe(true)
  })
})

describe("pipeline bookkeeping", () => {
  const longest = (path: string) => Math.round(PARAMS.find((p) => p.path === path)!.max)
  const month = (st: ReturnType<typeof initialEconomyState>, ordered: number, tick: number) => {
    const orderedTpy = new Float64Array(NM)
    orderedTpy[MATERIAL.copper] = ordered
    economyModel.evolve(
      st,
      MaterialsDispatched.make({
        usedT: new Float64Array(st.matUsed.length),
        producedT: st.matProduced.slice(),
        demandT: st.matDemand.slice(),
        budgetT: st.matBudget.slice(),
        clearingUsdPerT: new Float64Array(NM),
        orderedTpy,
        short: [],
        planetaryBound: [],
      }),
      tick,
    )
  }
  it("holds extraction capacity ordered at the longest lead time its bounds allow until it is due", () => {
    const lead = longest("materials.copper.leadTimeMonths")
    const st = initialEconomyState(withValues(small(), { "materials.copper.leadTimeMonths": lead }))
    const before = st.matCapacity[MATERIAL.copper]
    month(st, 1e6, 1)
    for (let t = 2; t < lead; t++) month(st, 0, t)
    expect(st.matCapacity[MATERIAL.copper], "still waiting the month before it is due").toBe(before)
    month(st, 0, lead)
    expect(st.matCapacity[MATERIAL.copper] - before, "delivered for the month it is due").toBeCloseTo(1e6, 3)
  })
  it("holds off-world capacity ordered at the longest lead time its bounds allow until it is due", () => {
    const lead = longest("space.leadTimeMonths")
    const st = initialEconomyState(withValues(small(), { "space.leadTimeMonths": lead }))
    const built = (gw: number, tick: number) =>
      economyModel.evolve(
        st,
        SpaceBuilt.make({
          launchCostUsdPerKg: 1000,
          massT: 0,
          launchCapacityTpy: st.x[X.launchCapacityTpy],
          powerGw: gw,
          powerCostUsdPerMwh: 100,
          materialsTpy: new Float64Array(NM),
          planetaryPowerBound: true,
        }),
        tick,
      )
    built(5, 1)
    for (let t = 2; t < lead; t++) built(0, t)
    expect(st.x[X.offworldPowerGw], "still waiting the month before it is due").toBe(0)
    built(0, lead)
    expect(st.x[X.offworldPowerGw], "delivered for the month it is due").toBe(5)
  })
})
