import { describe, expect, it } from "vitest"
import { interleave, ratioOf, sampleOf, verdict } from "./measure.js"

describe("bench measurement", () => {
  it("reports min, median and spread of a sample", () => {
    expect(sampleOf([30, 10, 20])).toEqual({ n: 3, min: 10, median: 20, max: 30, spread: 2 })
    expect(sampleOf([4, 1, 2, 3]).median).toBe(2.5)
  })

  it("runs variants interleaved, alternating their order each round", () => {
    const calls: string[] = []
    const timed = (name: string, ms: number) => () => {
      calls.push(name)
      return ms
    }
    const s = interleave(3, { a: timed("a", 1), b: timed("b", 2) })
    expect(calls).toEqual(["a", "b", "b", "a", "a", "b"])
    expect({ a: s.a.min, b: s.b.median }).toEqual({ a: 1, b: 2 })
  })

  it("flags a ratio below 1 that cannot be, and samples that spread, as not measured", () => {
    const quiet = sampleOf([10, 10.5, 11])
    const engine = sampleOf([12, 12.2, 12.4])
    expect(ratioOf(engine, quiet, { atLeastOne: true })).toMatchObject({ min: 1.2, busy: undefined })
    expect(ratioOf(quiet, engine, { atLeastOne: true }).busy).toBe("a ratio below 0.97")
    // Two equal costs read through noise (0.99x) are a measurement, not an error
    expect(ratioOf(sampleOf([9.9, 10.4, 10.9]), quiet, { atLeastOne: true })).toMatchObject({ busy: undefined })
    expect(ratioOf(engine, sampleOf([10, 20, 30])).busy).toMatch(/spread 2.00x/)
    expect(verdict(true, undefined)).toBe("ok")
    expect(verdict(false, undefined)).toBe("MISSED")
    expect(verdict(true, "a ratio below 1")).toBe("machine too busy to measure: a ratio below 1")
  })
})
