import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parse } from "yaml"
import { describe, expect, it } from "vitest"
import { loadScenario } from "../scenario.js"
import { renderScenarioYaml } from "./draft.js"

describe("renderScenarioYaml", () => {
  const base = loadScenario("baseline")
  // Edits as the UI holds them: one unchanged value, awkward floats, a nested path and an integer.
  const values = {
    "ai.mfu": 0.45,
    "macro.savingRate": base.values["macro.savingRate"],
    "macro.tfpGrowthPerYear": 0.1 + 0.2 - 0.29,
    "occupations.manualDexterous.thresholdLog10Flop": 35.25,
    "firms.count": 120,
    "chips.h100FlopPerSec": 1.2e15,
  }
  const yaml = renderScenarioYaml(base, { name: "edited-baseline", values })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-draft-"))
  const file = path.join(dir, "edited-baseline.yaml")
  fs.writeFileSync(file, yaml)

  it("given edits, writes a file extending the base with only the changed values, each with a TODO note", () => {
    const doc = parse(yaml)
    expect(doc.extends).toBe("baseline")
    expect(doc.name).toBe("edited-baseline")
    expect(doc.parameters.macro.savingRate).toBeUndefined()
    expect(Object.keys(doc.parameters).sort()).toEqual(["ai", "chips", "firms", "macro", "occupations"])
    expect(doc.parameters.ai.mfu).toEqual({
      value: 0.45,
      assumption: true,
      note: expect.stringMatching(/^TODO: say where 0\.45 fraction comes from .*; baseline has 0\.4 \(/),
    })
    // No clock: rendering twice gives the same text.
    expect(renderScenarioYaml(base, { name: "edited-baseline", values })).toBe(yaml)
  })

  it("round-trips: the file loads with the scenario loader and gives the values a --set run uses", () => {
    const loaded = loadScenario(file)
    const set = Object.entries(values).map(([p, v]): [string, string] => [p, String(v)])
    const viaSet = loadScenario("baseline", { set })
    expect(loaded.values).toEqual(viaSet.values)
    expect(loaded.values["macro.tfpGrowthPerYear"]).toBe(0.1 + 0.2 - 0.29)
    expect({ start: loaded.start, endYear: loaded.endYear }).toEqual({ start: base.start, endYear: base.endYear })
    expect(loaded.meta["ai.mfu"]).toMatchObject({ assumption: true, note: expect.stringMatching(/^TODO:/) })
    // A value the file sets is fixed there: baseline's distribution of it is dropped (the header comment says so).
    expect(loaded.distributions["macro.tfpGrowthPerYear"]).toBeUndefined()
    expect(base.distributions["macro.tfpGrowthPerYear"]).toBeDefined()
    expect(yaml).toMatch(/^# .*macro\.tfpGrowthPerYear.*: sampled by baseline, fixed here/m)
  })

  it("given no change, writes a file with no parameters: that loads as the base", () => {
    const same = renderScenarioYaml(base, { name: "copy", values: { "ai.mfu": base.values["ai.mfu"] } })
    expect(same).not.toMatch(/parameters:/)
    const f = path.join(dir, "copy.yaml")
    fs.writeFileSync(f, same)
    expect(loadScenario(f).values).toEqual(base.values)
  })
})
