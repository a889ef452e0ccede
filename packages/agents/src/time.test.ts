import { describe, expect, it } from "vitest"
import { dateToTick, startYearOf, tickAtYear, tickToDate, tickToYear, untilTickForYear, yearAtTick } from "./time.js"

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
  it("maps ticks to fractional years and back, from a mid-year start too", () => {
    expect(startYearOf({ start: "2024-07" })).toBe(2024.5)
    expect(yearAtTick(2024, 18)).toBe(2025.5)
    expect(tickToYear({ start: "2024-07" }, 6)).toBe(2025)
    expect(tickAtYear(2024, 2027.5)).toBe(42)
    expect(tickAtYear(2024.5, 2024)).toBe(-6)
    for (let t = -12; t < 1000; t += 37) expect(tickAtYear(startYearOf(c), tickToYear(c, t))).toBe(t)
  })
  it("refuses malformed dates", () => {
    expect(() => dateToTick(c, "2030-13")).toThrow(/expected "YYYY" or "YYYY-MM"/)
    expect(() => dateToTick(c, "soon")).toThrow(RangeError)
  })
})
