import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { copyF64, freshF64, freshI8 } from "./economy/fresh.js"

describe("fresh event columns", () => {
  it("are zeroed, never overlap one another, and an Int8 column starts 8-byte aligned", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom("f64", "i8"), n: fc.integer({ min: 0, max: 3000 }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        (asks) => {
          const made = asks.map(({ kind, n }) => (kind === "f64" ? freshF64(n) : freshI8(n)))
          made.forEach((a, i) => {
            expect(a.length).toBe(asks[i].n)
            expect(a.every((x) => x === 0)).toBe(true)
            expect(a.byteOffset % 8).toBe(0)
            a.fill(i + 1)
          })
          // Each column still holds only what was written into it: no other column's writes reached it.
          made.forEach((a, i) => {
            expect(a.every((x) => x === i + 1)).toBe(true)
          })
        },
      ),
    )
  })

  it("copies a column's values, not its storage", () => {
    const src = Float64Array.from([1.5, -0, Number.NaN, 1e308])
    const copy = copyF64(src)
    expect([...copy]).toEqual([...src])
    expect(Object.is(copy[1], -0)).toBe(true)
    src[0] = 7
    expect(copy[0]).toBe(1.5)
  })
})
