import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { percentile, ranks, spearman } from "./stats.js"

describe("stats", () => {
  it("percentile uses nearest rank and keeps never-reached runs as Infinity", () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3)
    expect(percentile([5, 1, 3, 2, 4], 0.1)).toBe(1)
    expect(percentile([5, 1, 3, 2, 4], 0.9)).toBe(5)
    expect(percentile([1, 2, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY], 0.9)).toBe(Number.POSITIVE_INFINITY)
    expect(percentile([], 0.5)).toBeNaN()
  })

  it("ranks share ties' average rank", () => {
    expect([...ranks([10, 20, 20, 5])]).toEqual([2, 3.5, 3.5, 1])
  })

  it("spearman is 1 for monotone, -1 for reversed, NaN for constant", () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1)
    expect(spearman([1, 2, 3, 4], [8, 4, 2, 1])).toBeCloseTo(-1)
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN()
  })

  it("spearman is invariant under monotone transforms and bounded by 1", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), { minLength: 3 }),
        (pairs) => {
          const x = pairs.map((p) => p[0])
          const y = pairs.map((p) => p[1])
          const r = spearman(x, y)
          const r2 = spearman(
            x.map((v) => v * v * v + 7),
            y.map((v) => Math.exp(v / 10)),
          )
          if (Number.isNaN(r)) return Number.isNaN(r2)
          return Math.abs(r) <= 1 + 1e-12 && Math.abs(r - r2) < 1e-9
        },
      ),
    )
  })
})
