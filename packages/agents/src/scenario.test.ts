import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { derive } from "./economy/derive.js"
import { generationNames, PARAMS } from "./params.js"
import {
  findScenariosDir,
  listScenarios,
  loadScenario,
  overrideScenario,
  ScenarioError,
  sampleScenario,
  scenarioParameters,
} from "./scenario.js"

const expectScenarioError = (f: () => unknown, field: string, message: RegExp) => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError)
    expect((e as ScenarioError).field).toBe(field)
    expect((e as ScenarioError).message).toMatch(message)
    return
  }
  throw new Error("expected a ScenarioError")
}

const writeScenario = (text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), "takeoff-scn-"))
  const file = join(dir, "s.yaml")
  writeFileSync(file, text)
  // The bad scenario extends the real baseline by path.
  writeFileSync(join(dir, "baseline.yaml"), `extends: ${join(findScenariosDir(), "baseline.yaml")}\nname: baseline\n`)
  return file
}

describe("scenarios", () => {
  it("lets a user's file anywhere extend a built-in scenario by name, or a sibling file by path", () => {
    const dir = mkdtempSync(join(tmpdir(), "takeoff-user-"))
    const mine = join(dir, "mine.yaml")
    writeFileSync(
      mine,
      "name: mine\nextends: baseline\nparameters:\n  ai:\n    mfu: { value: 0.3, assumption: true }\n",
    )
    expect(loadScenario(mine).values["ai.mfu"]).toBe(0.3)
    const child = join(dir, "child.yaml")
    writeFileSync(child, "name: child\nextends: ./mine.yaml\n")
    expect(loadScenario(child).values["ai.mfu"]).toBe(0.3)
    writeFileSync(child, "name: child\nextends: no-such-scenario\n")
    expectScenarioError(() => loadScenario(child), "scenario", /unknown scenario "no-such-scenario"/)
  })

  it("finds the repo's scenarios directory and lists the baseline", () => {
    const dir = findScenariosDir()
    expect(dir.endsWith("scenarios")).toBe(true)
    const names = listScenarios(dir).map((s) => s.name)
    expect(names).toContain("baseline")
  })

  it("loads the baseline with every registry parameter sourced or marked an assumption", () => {
    const config = loadScenario("baseline")
    expect(config.start).toBe("2024-01")
    for (const p of PARAMS) {
      expect(config.values[p.path], p.path).toBeTypeOf("number")
      const meta = config.meta[p.path]
      expect(meta.source !== undefined || meta.assumption, p.path).toBe(true)
    }
    const params = scenarioParameters(config)
    // The registry, plus four rows (year, h100e, watts, priceUsd) per chip generation the scenario names.
    expect(params).toHaveLength(PARAMS.length + 4 * generationNames(config.values).length)
    expect(generationNames(config.values)).toEqual(["h100", "b200", "rubin"])
    expect(params.find((p) => p.path === "labour.forceB")).toMatchObject({
      value: 3.64,
      group: "labour",
      assumption: false,
    })
  })

  it("applies --set overrides and refuses unknown or malformed ones naming the field", () => {
    const config = loadScenario("baseline", { set: [["firms.count", "500"]] })
    expect(config.values["firms.count"]).toBe(500)
    expect(config.meta["firms.count"].overridden).toBe(true)
    expectScenarioError(
      () => loadScenario("baseline", { set: [["firms.cuont", "5"]] }),
      "firms.cuont",
      /unknown parameter "firms\.cuont"; did you mean firms\.count\?/,
    )
    // Nothing near by spelling: the paths of its group instead.
    expectScenarioError(
      () => loadScenario("baseline", { set: [["firms.zzzzzzzzzzzzzzzz", "5"]] }),
      "firms.zzzzzzzzzzzzzzzz",
      /expected one of the registry's paths \(e\.g\. firms\./,
    )
    expectScenarioError(
      () => loadScenario("baseline", { set: [["firms.count", "many"]] }),
      "firms.count",
      /expected a number in \[1, 10000000\]/,
    )
    expectScenarioError(
      () => loadScenario("baseline", { set: [["firms.count", "2.5"]] }),
      "firms.count",
      /expected an integer/,
    )
    expectScenarioError(
      () => loadScenario("baseline", { set: [["ai.mfu", "7"]] }),
      "ai.mfu",
      /expected a number in \[0.01, 1\]/,
    )
  })

  it("given a loaded scenario, when more overrides are applied to it, then it equals loading with all of them", () => {
    // Given: the baseline loaded once with a sweep's fixed --set (as a sweep worker holds it).
    const sets: Array<[string, string]> = [
      ["firms.count", "500"],
      ["endYear", "2070"],
    ]
    const draws: Array<[string, string]> = [
      ["macro.tfpGrowthPerYear", "0.0171"],
      ["firms.count", "800"],
    ]
    const base = loadScenario("baseline", { set: sets })
    // When: a run's draws are applied without reading the files again.
    const run = overrideScenario(base, draws)
    // Then: the same config as loading with every pair, the drawn parameter no longer sampled.
    expect(run).toEqual(loadScenario("baseline", { set: [...sets, ...draws] }))
    expect(JSON.stringify(run)).toBe(JSON.stringify(loadScenario("baseline", { set: [...sets, ...draws] })))
    expect(base.distributions["macro.tfpGrowthPerYear"]).toBeDefined()
    expect(run.distributions["macro.tfpGrowthPerYear"]).toBeUndefined()
    expect(base.values["firms.count"]).toBe(500)
    expectScenarioError(
      () => overrideScenario(base, [["firms.count", "-3"]]),
      "firms.count",
      /expected a number in \[1, 10000000\]/,
    )
  })

  it("refuses a file whose parameter has no source, a wrong type or an unknown key", () => {
    expectScenarioError(
      () => loadScenario(writeScenario("extends: baseline\nparameters:\n  ai:\n    mfu: { value: 0.3 }\n")),
      "ai.mfu",
      /source: .* or assumption: true/,
    )
    expectScenarioError(
      () =>
        loadScenario(
          writeScenario('extends: baseline\nparameters:\n  ai:\n    mfu: { value: "high", assumption: true }\n'),
        ),
      "ai.mfu",
      /expected number \(fraction\), got "high"/,
    )
    // A distribution given another's field is told the fields its type takes.
    expectScenarioError(
      () =>
        loadScenario(
          writeScenario(
            "extends: baseline\nparameters:\n  ai:\n    mfu: { value: 0.3, assumption: true, distribution: { type: lognormal, median: 0.3, sd: 0.1 } }\n",
          ),
        ),
      "ai.mfu.distribution.sd",
      /^unknown key; a lognormal distribution takes type, median and sigma$/,
    )
    expectScenarioError(
      () => loadScenario(writeScenario("extends: baseline\nfoo: 1\n")),
      "foo",
      /unknown top-level key/,
    )
    expectScenarioError(
      () =>
        loadScenario(
          writeScenario(
            "extends: baseline\nparameters:\n  sectors:\n    knowledge:\n      valueShare: { value: 0.5, assumption: true }\n",
          ),
        ),
      "sectors.*.valueShare",
      /sum to 1/,
    )
    expectScenarioError(
      () => loadScenario("no-such-scenario"),
      "scenario",
      /unknown scenario "no-such-scenario"; expected one of .*baseline/,
    )
  })

  it("takes chip generations from the scenario: a new one is a YAML change, a missing field is named", () => {
    const generation = (fields: string) =>
      `extends: baseline\nparameters:\n  chips:\n    x300:\n${fields
        .split(",")
        .map((f) => `      ${f.trim()}, assumption: true }\n`)
        .join("")}`
    const all = "year: { value: 2028.5, h100e: { value: 15, watts: { value: 2200, priceUsd: { value: 80000"
    const config = loadScenario(writeScenario(generation(all)))
    expect(generationNames(config.values)).toEqual(["h100", "b200", "rubin", "x300"])
    const gens = derive(config).gens
    expect(gens[3]).toMatchObject({ startTick: 54, h100e: 15, watts: 2200, priceUsd: 80000 })
    // Later generations now step from the newest named one.
    expect(gens[4].h100e).toBeCloseTo(15 * config.values["chips.laterPerfStep"], 9)
    expectScenarioError(
      () => loadScenario(writeScenario(generation("year: { value: 2028.5, h100e: { value: 15, watts: { value: 2200"))),
      "chips.x300.priceUsd",
      /missing/,
    )
    expectScenarioError(
      () => loadScenario(writeScenario(generation(all.replace("2200", "1e9")))),
      "chips.x300.watts",
      /expected a value between 10 and 100000 \(W\), got 1000000000/,
    )
    expectScenarioError(
      () => loadScenario(writeScenario(generation(`${all}, clockGhz: { value: 2`))),
      "chips.x300.clockGhz",
      /unknown parameter/,
    )
  })

  it("drops a parent's distribution where a scenario sets the value without its own", () => {
    // Given chip-shortage, which sets the fab lead time and keeps the baseline's other draws
    const parent = loadScenario("baseline")
    const child = loadScenario("chip-shortage")
    // Then its lead time is not sampled around the baseline's median, and the rest still is
    expect(parent.distributions["foundries.tsmc.fabLeadTimeMonths"]).toBeDefined()
    expect(child.distributions["foundries.tsmc.fabLeadTimeMonths"]).toBeUndefined()
    expect(child.distributions["ai.requirementShiftLog10"]).toEqual(parent.distributions["ai.requirementShiftLog10"])
    // And a scenario that gives its own distribution keeps it
    const own = loadScenario(
      writeScenario(
        "extends: baseline\nparameters:\n  ai:\n    mfu: { value: 0.3, assumption: true, distribution: { type: uniform, min: 0.2, max: 0.4 } }\n",
      ),
    )
    expect(own.distributions["ai.mfu"]).toEqual({ type: "uniform", min: 0.2, max: 0.4 })
  })

  it("samples declared distributions deterministically and within bounds", () => {
    const config = loadScenario("baseline")
    const a = sampleScenario(config, 11)
    const b = sampleScenario(config, 11)
    const c = sampleScenario(config, 12)
    expect(a.draws).toEqual(b.draws)
    expect(a.draws).not.toEqual(c.draws)
    expect(Object.keys(a.draws).sort()).toEqual(Object.keys(config.distributions).sort())
    for (const [path, v] of Object.entries(a.draws)) {
      const spec = PARAMS.find((p) => p.path === path)!
      expect(v).toBeGreaterThanOrEqual(spec.min)
      expect(v).toBeLessThanOrEqual(spec.max)
      expect(a.config.values[path]).toBe(v)
    }
  })
})
