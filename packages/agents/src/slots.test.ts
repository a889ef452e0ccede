import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { addSlots } from "./state.js"

/** Every slot added in index order: what `addSlots` must equal bit for bit. */
const plain = (sum: number, ring: Float64Array, start: number, count: number, step: number) => {
  for (let i = 0; i < count; i++) sum += ring[start + i * step]
  return sum
}

describe("addSlots", () => {
  it("has the bits of adding every slot in order, zeros of either sign and NaN included", () => {
    const slot = fc.oneof(fc.constant(0), fc.constant(-0), fc.double(), fc.double({ min: -1e3, max: 1e3 }))
    fc.assert(
      fc.property(
        fc.array(slot, { minLength: 1, maxLength: 64 }),
        fc.oneof(fc.constant(0), fc.constant(-0), fc.double()),
        fc.integer({ min: 1, max: 4 }),
        (values, sum, step) => {
          const ring = Float64Array.from(values)
          const count = Math.floor((ring.length - 1) / step) + 1
          expect(Object.is(addSlots(sum, ring, 0, count, step), plain(sum, ring, 0, count, step))).toBe(true)
        },
      ),
    )
  })
})
