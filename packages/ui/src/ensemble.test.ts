import { describe, expect, it } from "vitest"
import { histogramOf } from "./components/sweep-charts.js"
import { formatUrlState, parseUrlState } from "./url-state.js"

describe("a sweep's link", () => {
  it("opens the Ensemble view on the sweep named by #/ensemble/<id>, and is written back the same way", () => {
    const u = parseUrlState("", "#/ensemble/mx1abc-0123abcd")
    expect(u).toMatchObject({ view: "ensemble", sweep: "mx1abc-0123abcd" })
    expect(formatUrlState(u)).toBe("?view=ensemble#/ensemble/mx1abc-0123abcd")
    expect(parseUrlState("?view=ensemble", "#/ensemble/mx1abc-0123abcd").sweep).toBe("mx1abc-0123abcd")
    // Any other hash is not a sweep.
    expect(parseUrlState("?view=runs", "#/ensemble/../x")).toMatchObject({ view: "runs" })
    expect(parseUrlState("?view=runs", "#/ensemble/../x").sweep).toBeUndefined()
  })
})

describe("histogramOf", () => {
  it("bins members' milestone dates by year, counts the never reached apart, and accumulates the share", () => {
    const row = (i: number, agi: string | null) => ({ index: i, seed: i, milestones: { AGI: agi } })
    const h = histogramOf([row(0, "2027-03"), row(1, "2027-12"), row(2, "2029-01"), row(3, null)], "AGI", 2026, 2029)
    expect(h.years).toEqual([2026, 2027, 2028, 2029])
    expect(h.counts).toEqual([0, 2, 0, 1])
    expect(h.notReached).toBe(1)
    expect(h.cumulative).toEqual([0, 0.5, 0.5, 0.75])
  })
})
