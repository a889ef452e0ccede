import { describe, expect, it } from "vitest"
import { loadScenario, specOf } from "../scenario.js"
import { latinHypercube, normalQuantile, quantile, sampledPaths } from "./sampling.js"

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
