import { describe, expect, it } from "vitest"
import { Rng } from "./rng.js"

describe("Rng.fillU32", () => {
  it("writes the draws nextU32 would return, in order, and leaves the same state", () => {
    for (const seed of [0, 7, 2 ** 40 + 3]) {
      const a = Rng.fromSeed(seed)
      const b = Rng.fromSeed(seed)
      const words = new Uint32Array(1000)
      a.fillU32(words)
      const drawn = Array.from({ length: 1000 }, () => b.nextU32())
      expect(Array.from(words)).toEqual(drawn)
      expect(a.state).toEqual(b.state)
      expect(a.nextU32()).toBe(b.nextU32())
    }
  })
})
