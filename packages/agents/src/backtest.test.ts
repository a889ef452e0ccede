import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { ObservedCsvError, parseObservedCsv, scoreBacktest } from "./backtest.js"
import { BACKTEST_RULES, type MonthlySeries } from "./backtest-rules.js"
import { METRICS } from "./metrics.js"

const OBSERVED = fileURLToPath(new URL("../../../data/observed.csv", import.meta.url))
const rows = parseObservedCsv(readFileSync(OBSERVED, "utf8"))

/** A run whose every metric is `value` every month from 2024-01 for three years. */
const flat = (values: Record<string, number>): MonthlySeries => ({
  start: "2024-01",
  months: Array.from({ length: 36 }, () => values),
})

describe("data/observed.csv and the backtest rules", () => {
  it("has one rule per row and one row per rule", () => {
    expect(rows.map((r) => r.id).sort()).toEqual(BACKTEST_RULES.map((r) => r.id).sort())
  })
  it("names a metric the model publishes on every row", () => {
    const keys = new Set(METRICS.map((m) => m.key))
    for (const r of rows) expect(keys, r.id).toContain(r.metric)
  })
  it("converts every scored row's value to a finite number", () => {
    const card = scoreBacktest(rows, [])
    for (const r of card.rows) if (r.kind !== "context") expect(Number.isFinite(r.observed), r.id).toBe(true)
    // Unit conversions the rules document: the GPT-5 blend and the deflated nominal GDP.
    expect(card.rows.find((r) => r.id === "gpt5_api_price")?.observed).toBeCloseTo(3.4375, 6)
    expect(card.rows.find((r) => r.id === "world_gdp_nominal_2025_imf_oct2025")?.observed).toBeCloseTo(
      117.17e12 / 1.0609,
      -6,
    )
  })
})

describe("scoreBacktest", () => {
  const one = [
    {
      id: "nvidia_chip_spend_2025",
      metric: "aiFundingUsd",
      value: "100e9",
      unit: "",
      date: "2025",
      source_title: "t",
      url: "u",
      accessed: "",
      notes: "",
      line: 2,
    },
  ]
  it("puts the observation inside, above or below the runs' P10-P90 band", () => {
    const runs = [80e9, 90e9, 110e9, 120e9, 200e9].map((v) => flat({ aiFundingUsd: v }))
    const inside = scoreBacktest(one, runs).rows[0]
    expect(inside.verdict).toBe("inside")
    expect(inside.p50).toBe(110e9)
    expect(inside.ratio).toBeCloseTo(1.1, 12)
    expect(scoreBacktest(one, [flat({ aiFundingUsd: 300e9 })]).rows[0].verdict).toBe("model high")
    expect(scoreBacktest(one, [flat({ aiFundingUsd: 30e9 })]).rows[0].verdict).toBe("model low")
  })
  it("scores a floor as met when the band reaches it", () => {
    const floor = [{ ...one[0], id: "openai_revenue_2025", metric: "aiRevenueUsd", value: "13.1e9" }]
    expect(scoreBacktest(floor, [flat({ aiRevenueUsd: 50e9 })]).rows[0].verdict).toBe("inside")
    expect(scoreBacktest(floor, [flat({ aiRevenueUsd: 5e9 })]).rows[0].verdict).toBe("model low")
  })
  it("refuses a row without a rule, naming its line", () => {
    expect(() => scoreBacktest([{ ...one[0], id: "made_up", line: 7 }], [])).toThrow(/line 7: made_up/)
  })
})

describe("parseObservedCsv", () => {
  it("keeps quoted commas, quotes and newlines inside a field", () => {
    const text = `id,metric,value,unit,date,source_title,url,accessed,notes\na,gdpUsd,1,u,2025,"T, ""x""",h,d,"n1\nn2"\n`
    const [r] = parseObservedCsv(text)
    expect(r.source_title).toBe('T, "x"')
    expect(r.notes).toBe("n1\nn2")
  })
  it("names the line of a row with the wrong number of columns", () => {
    const text = "id,metric,value,unit,date,source_title,url,accessed,notes\na,b,c\n"
    expect(() => parseObservedCsv(text)).toThrow(ObservedCsvError)
    expect(() => parseObservedCsv(text)).toThrow(/line 2: expected 9 columns, got 3/)
  })
  it("refuses a file with another header", () => {
    expect(() => parseObservedCsv("a,b\n1,2\n")).toThrow(/line 1: expected the header/)
  })
})
