import { describe, expect, it } from "vitest"
import { firstOrderFromSample, saltelliDesign, sobolIndices } from "./sensitivity.js"

// The Ishigami function, the standard test of Sobol estimators, with known indices (a = 7, b = 0.1):
// S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244.
const ishigami = (u: ReadonlyArray<number>): number => {
  const [x1, x2, x3] = u.map((v) => Math.PI * (2 * v - 1))
  return Math.sin(x1) + 7 * Math.sin(x2) ** 2 + 0.1 * x3 ** 4 * Math.sin(x1)
}

describe("Sobol indices", () => {
  it("recover the Ishigami function's analytic indices from a Saltelli design", () => {
    const n = 20_000
    const idx = sobolIndices(saltelliDesign(3, n, 11).map(ishigami), 3, n)
    const first = [0.314, 0.442, 0]
    const total = [0.558, 0.442, 0.244]
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(idx[i].first - first[i]), `S1 x${i + 1}`).toBeLessThan(0.03)
      expect(Math.abs(idx[i].total - total[i]), `ST x${i + 1}`).toBeLessThan(0.03)
    }
  })
  it("estimate first-order indices from a plain sample within the binning bias", () => {
    const design = saltelliDesign(3, 4000, 5).slice(0, 4000)
    const y = design.map(ishigami)
    const s = [0, 1, 2].map((i) =>
      firstOrderFromSample(
        design.map((r) => r[i]),
        y,
      ),
    )
    expect(Math.abs(s[0] - 0.314)).toBeLessThan(0.04)
    expect(Math.abs(s[1] - 0.442)).toBeLessThan(0.04)
    expect(s[2]).toBeLessThan(0.03)
  })
  it("refuse outcomes that do not match the design", () => {
    expect(() => sobolIndices([1, 2, 3], 3, 2)).toThrow(/expected 10 outcomes, got 3/)
  })
})
