import { describe, expect, it } from "vitest"
import { loadScenario } from "../scenario.js"
import { describeScenario, scenarioDistributions } from "./anatomy.js"

describe("describeScenario", () => {
  it("given an extends: chain, lists what the file itself sets with the extended scenario's value", () => {
    const a = describeScenario("aggregate-ramsey")
    const parent = loadScenario("aggregate-ces")
    expect(a.extends).toBe("aggregate-ces")
    const own = a.overrides.find((o) => o.path === "macro.taskElasticity")!
    expect(own).toMatchObject({ base: parent.values["macro.taskElasticity"], value: 1, assumption: true })
    // A value set by the grandparent but not this file is not this file's override.
    expect(a.overrides.some((o) => o.path === "firms.count")).toBe(false)
  })
  it("gives each distribution its quantiles, clamped as draws are, and its source", () => {
    const config = loadScenario("baseline")
    const d = scenarioDistributions(config)
    expect(d.map((x) => x.path)).toEqual(Object.keys(config.distributions).sort())
    const tfp = d.find((x) => x.path === "macro.tfpGrowthPerYear")!
    expect(tfp).toMatchObject({ kind: "normal", parameters: { mean: 0.0135, sd: 0.004 }, value: 0.0135 })
    expect(tfp.p50).toBeCloseTo(0.0135, 12)
    expect(tfp.p90 - tfp.p50).toBeCloseTo(0.004 * 1.2815515655, 9)
    expect(describeScenario("baseline").overrides).toEqual([])
  })
})
