import { describe, expect, it } from "vitest"
import { loadScenario, specOf } from "../scenario.js"
import {
  DESIGNS,
  gridDesign,
  gridLevels,
  gridSize,
  latinHypercube,
  normalQuantile,
  type OatRow,
  oatDesign,
  oatRowsOf,
  oatEffects,
  quantile,
  sampledPaths,
} from "./sampling.js"

describe("quantile", () => {
  it("inverts the standard normal CDF (known values to 1e-8)", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8)
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8)
    expect(normalQuantile(0.9)).toBeCloseTo(1.281551566, 8)
  })
  it("gives each family's median and tails", () => {
    expect(quantile({ type: "lognormal", median: 3, sigma: 0.8 }, 0.5)).toBeCloseTo(3, 12)
    expect(quantile({ type: "lognormal", median: 1, sigma: 1 }, 0.975)).toBeCloseTo(Math.exp(1.959963985), 6)
    expect(quantile({ type: "uniform", min: 2, max: 4 }, 0.25)).toBe(2.5)
    // Symmetric triangular: the median is the mode.
    expect(quantile({ type: "triangular", min: 0, mode: 1, max: 2 }, 0.5)).toBeCloseTo(1, 12)
  })
})

describe("latinHypercube", () => {
  const config = loadScenario("baseline")
  const n = 40
  const design = latinHypercube(config, n, 3)
  it("uses every probability stratum of every parameter exactly once", () => {
    for (const path of sampledPaths(config)) {
      const d = config.distributions[path]
      const spec = specOf(path)!
      // An integer parameter's draws are rounded, so they cannot keep to their strata.
      if (spec.integer) continue
      // Stratum edges clamped to the parameter's bounds, as the draws are.
      const edge = (k: number) => Math.min(spec.max, Math.max(spec.min, quantile(d, k / n)))
      // The stratum of each draw: how many inner stratum edges lie strictly below it.
      const strata = design
        .map((run) => {
          let k = 0
          while (k < n - 1 && edge(k + 1) < run[path]) k++
          return k
        })
        .sort((a, b) => a - b)
      expect(strata, path).toEqual(Array.from({ length: n }, (_, i) => i))
    }
  })
  it("is a function of the seed", () => {
    expect(latinHypercube(config, n, 3)).toEqual(design)
    expect(latinHypercube(config, n, 4)).not.toEqual(design)
  })
})

describe("grid design", () => {
  it("spaces n levels evenly from lo to hi, both ends included, without binary noise", () => {
    expect(gridLevels(0.3, 0.5, 3)).toEqual([0.3, 0.4, 0.5])
    expect(gridLevels(1, 2, 5)).toEqual([1, 1.25, 1.5, 1.75, 2])
    expect(gridLevels(0.1, 0.7, 7)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
  })
  it("given two axes of 3 and 2 levels, makes the 6 combinations, the first axis slowest", () => {
    const axes = [
      { path: "ai.mfu", values: [0.3, 0.4, 0.5] },
      { path: "macro.savingRate", values: [0.2, 0.3] },
    ]
    expect(gridSize(axes)).toBe(6)
    expect(gridDesign(axes)).toEqual([
      { "ai.mfu": 0.3, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.3, "macro.savingRate": 0.3 },
      { "ai.mfu": 0.4, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.4, "macro.savingRate": 0.3 },
      { "ai.mfu": 0.5, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.5, "macro.savingRate": 0.3 },
    ])
    expect(gridDesign([])).toEqual([])
  })
})

describe("one-at-a-time design", () => {
  const config = loadScenario("baseline")
  // macro.savingRate has a distribution too: the range replaces its P10/P90 ends.
  const paths = [...new Set([...sampledPaths(config), "macro.savingRate"])].sort()
  const rows = oatDesign(config, [{ path: "macro.savingRate", lo: 0.2, hi: 0.3 }])
  it("given k distributions and one range, has a point row then a low and a high row per parameter", () => {
    expect(rows.length).toBe(1 + 2 * paths.length)
    expect(rows[0]).toEqual({
      moved: null,
      end: null,
      values: Object.fromEntries(paths.map((p) => [p, config.values[p]])),
    })
    expect(rows.slice(1).map((r) => `${r.moved}:${r.end}`)).toEqual(paths.flatMap((p) => [`${p}:low`, `${p}:high`]))
    // A stored sweep keeps only the rows' values: the rows are recovered from them.
    expect(oatRowsOf(rows.map((r) => r.values))).toEqual(rows)
  })
  it("moves a distribution alone to its P10 and P90, and a --vary range to its ends", () => {
    const d = config.distributions["macro.tfpGrowthPerYear"] as { mean: number; sd: number }
    const low = rows.find((r) => r.moved === "macro.tfpGrowthPerYear" && r.end === "low")!
    const high = rows.find((r) => r.moved === "macro.tfpGrowthPerYear" && r.end === "high")!
    // Normal(mean, sd): P10/P90 = mean -/+ 1.2815515655 sd.
    expect(low.values["macro.tfpGrowthPerYear"]).toBeCloseTo(d.mean - 1.2815515655 * d.sd, 9)
    expect(high.values["macro.tfpGrowthPerYear"]).toBeCloseTo(d.mean + 1.2815515655 * d.sd, 9)
    for (const p of paths.filter((p) => p !== "macro.tfpGrowthPerYear")) expect(low.values[p]).toBe(config.values[p])
    const saving = rows.filter((r) => r.moved === "macro.savingRate").map((r) => r.values["macro.savingRate"])
    expect(saving).toEqual([0.2, 0.3])
  })
  it("turns outcomes into per-parameter low/high ticks, widest swing first, a miss censored", () => {
    const two: OatRow[] = [
      { moved: null, end: null, values: { a: 1, b: 1 } },
      { moved: "a", end: "low", values: { a: 0, b: 1 } },
      { moved: "a", end: "high", values: { a: 2, b: 1 } },
      { moved: "b", end: "low", values: { a: 1, b: 0 } },
      { moved: "b", end: "high", values: { a: 1, b: 2 } },
    ]
    const outcomes = [
      [{ AGI: 70 }],
      [{ AGI: 72 }],
      [{ AGI: 68 }],
      // Three repetitions: the median (60) is taken; b high never reaches AGI (censored at 120).
      [{ AGI: 50 }, { AGI: 60 }, { AGI: 90 }],
      [{ AGI: null }],
    ]
    const { point, effects } = oatEffects(two, outcomes, ["AGI"], 120)
    expect(point).toEqual({ AGI: 70 })
    expect(effects).toEqual([
      { path: "b", point: 1, low: 0, high: 2, milestones: { AGI: { low: 60, high: null, swing: 60 } } },
      { path: "a", point: 1, low: 0, high: 2, milestones: { AGI: { low: 72, high: 68, swing: 4 } } },
    ])
  })
  it("lists every design with what it does with distributions and --vary", () => {
    expect(DESIGNS.map((d) => d.name)).toEqual(["lhs", "random", "saltelli", "grid", "oat"])
    expect(DESIGNS.find((d) => d.name === "grid")).toMatchObject({ distributions: "fixed", vary: "levels" })
  })
})
