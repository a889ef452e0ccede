import { describe, expect, it } from "vitest"
import { economyModel } from "./model.js"
import { encodeEconomyConfig, loadScenario } from "./scenario.js"
import { ADDED_IN_0_3_0, upcastConfigFrom0_2_0 } from "./upcast.js"

describe("reading model 0.2.0 logs", () => {
  // A 0.2.0 header's config: today's baseline without the parameters 0.3.0 added.
  const current = encodeEconomyConfig(loadScenario("baseline")) as { values: Record<string, number> }
  const old = {
    ...current,
    values: Object.fromEntries(Object.entries(current.values).filter(([p]) => !(p in ADDED_IN_0_3_0))),
  }

  it("cannot decode a 0.2.0 config as it is", () => {
    expect(() => economyModel.decodeConfig(old)).toThrow(/ai\.|missing/)
  })
  it("decodes it after the upcaster adds the new parameters at their 0.2.0-equivalent values", () => {
    expect(economyModel.upcasters?.["0.2.0"]?.config).toBe(upcastConfigFrom0_2_0)
    const config = economyModel.decodeConfig(upcastConfigFrom0_2_0(old))
    for (const [p, v] of Object.entries(ADDED_IN_0_3_0)) expect(config.values[p], p).toBe(v)
    expect(config.values["ai.mfu"]).toBe(current.values["ai.mfu"])
  })
  it("leaves values a header already has", () => {
    const up = upcastConfigFrom0_2_0(current) as { values: Record<string, number> }
    expect(up.values).toEqual(current.values)
  })
})
