import { describe, expect, it } from "vitest"
import { dateToTick, tickToDate, untilTickForYear } from "./time.js"

describe("calendar", () => {
  const c = { start: "2024-01" }
  it("maps ticks to months and back", () => {
    expect(tickToDate(c, 0)).toBe("2024-01")
    expect(tickToDate(c, 11)).toBe("2024-12")
    expect(tickToDate(c, 12)).toBe("2025-01")
    expect(dateToTick(c, "2030")).toBe(72)
    expect(dateToTick(c, "2030-07")).toBe(78)
    for (let t = 0; t < 1000; t += 37) expect(dateToTick(c, tickToDate(c, t))).toBe(t)
    expect(untilTickForYear(c, 2024)).toBe(11)
    expect(tickToDate({ start: "2024-07" }, 6)).toBe("2025-01")
  })
  it("refuses malformed dates", () => {
    expect(() => dateToTick(c, "2030-13")).toThrow(/expected "YYYY" or "YYYY-MM"/)
    expect(() => dateToTick(c, "soon")).toThrow(RangeError)
  })
})
