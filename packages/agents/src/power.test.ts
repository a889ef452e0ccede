import { describe, expect, it } from "vitest"
import { clearPower } from "./economy/power.js"
import { explain } from "./explain.js"
import { USER } from "./economy/sets.js"
import { loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"
import { X } from "./state.js"

/** The one power system (docs/model.md, "Energy"): the market clearing and what it holds back. */

const users = (dc: number, robots: number, factories: number, rest: number) =>
  Float64Array.from([dc, robots, factories, rest])

describe("power market", () => {
  it("given enough supply, when it clears, then every user is served in full at no scarcity price", () => {
    const served = new Float64Array(4)
    const price = clearPower(100, users(10, 5, 1, 50), users(1e12, 1e11, 1e10, 1e14), 0.3, 40, served)
    expect(price).toBe(0)
    expect(Array.from(served)).toEqual([10, 5, 1, 50])
  })

  it("given a shortfall, when it clears, then supply is used exactly, nobody gets more than it asked and the richer bidder gets more", () => {
    const served = new Float64Array(4)
    const demand = users(50, 50, 1, 100)
    const price = clearPower(150, demand, users(4e12, 1e12, 1e10, 1e14), 0.3, 60, served)
    expect(price).toBeGreaterThan(0)
    expect(served.reduce((a, b) => a + b, 0)).toBeCloseTo(150, 6)
    for (let u = 0; u < 4; u++) expect(served[u]).toBeLessThanOrEqual(demand[u] + 1e-9)
    expect(served[USER.dataCentres]).toBeGreaterThan(served[USER.robots])
    expect(served[USER.rest]).toBeGreaterThanOrEqual(60)
  })

  it("given less supply than the protected load, when it clears, then the machines go dark", () => {
    const served = new Float64Array(4)
    clearPower(30, users(50, 50, 1, 100), users(1e15, 1e15, 1e15, 1e14), 0.3, 60, served)
    expect(Array.from(served)).toEqual([0, 0, 0, 30])
  })
})

describe("power as a constraint", () => {
  it("the energy bottleneck holds back robots as well as chips, and names the users left dark", () => {
    const run = (name: string) => {
      const dark = new Set<string>()
      const { state } = simulate(loadScenario(name, { set: [["firms.count", "200"]] }), {
        seed: 7,
        // By 2040: later, materials hold both scenarios' power build (the baseline's steel binds from
        // the mid-2030s), and the gap narrows before the baseline meets Earth's budgets again.
        untilYear: 2040,
        onTick: (_tick, events) => {
          for (const e of events) if (e.type === "PowerDispatched") for (const u of e.data.dark) dark.add(u)
        },
      })
      let h100e = 0
      for (let g = 0; g < state.chipStock.length; g++) h100e += state.chipStock[g] * state.p.gens[g].h100e
      return { robots: state.x[X.robots], h100e, dark }
    }
    const base = run("baseline")
    const bottleneck = run("energy-bottleneck")
    expect(bottleneck.robots).toBeLessThan(0.9 * base.robots)
    expect(bottleneck.h100e).toBeLessThan(0.5 * base.h100e)
    expect(bottleneck.dark.has("dataCentres")).toBe(true)
  })
})

describe("audit", () => {
  it("names the binding constraints, with the months they bound, before a milestone", () => {
    const { text } = simulate(loadScenario("energy-bottleneck", { set: [["firms.count", "100"]] }), {
      seed: 7,
      untilYear: 2032,
      log: true,
    })
    const ex = explain(text, "agi")
    expect(ex.reached).toBe(true)
    const power = ex.constraints.find((c) => c.constraint.startsWith("power short for"))
    expect(power?.months).toBeGreaterThan(0)
    expect(power!.first <= power!.last).toBe(true)
    expect(ex.summary).toContain("Binding: ")
  })
})
