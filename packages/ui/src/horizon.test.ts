import { describe, expect, it } from "vitest"
import { focusRange } from "./horizon.js"

describe("focusRange (the default chart horizon)", () => {
  const full = [2024, 2101] as const
  it("given AGI and ASI, frames 4 years before AGI to 6 years after ASI", () => {
    const r = focusRange(full, [
      { kind: "agi", date: "2030-01" },
      { kind: "asi", date: "2046-11" },
      { kind: "post-scarcity", date: "2080-01" },
    ])
    expect(r![0]).toBe(2026)
    expect(r![1]).toBeCloseTo(2046 + 10 / 12 + 6, 12)
  })
  it("given AGI alone, runs to the end of the run; given ASI past the end, stops at the end", () => {
    expect(focusRange(full, [{ kind: "agi", date: "2035-01" }])).toEqual([2031, 2101])
    expect(
      focusRange(
        [2024, 2050],
        [
          { kind: "agi", date: "2030-01" },
          { kind: "asi", date: "2049-01" },
        ],
      ),
    ).toEqual([2026, 2050])
  })
  it("given no AI milestone, or one at the start, keeps the whole run (the same array)", () => {
    expect(focusRange(full, [])).toBe(full)
    expect(focusRange(full, [{ kind: "post-scarcity", date: "2040-01" }])).toBe(full)
    const short = [2024, 2030] as const
    expect(focusRange(short, [{ kind: "agi", date: "2025-01" }])).toBe(short)
    expect(focusRange(null, [{ kind: "agi", date: "2025-01" }])).toBeNull()
  })
})
