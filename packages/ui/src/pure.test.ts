import { describe, expect, it } from "vitest"
import type { MetricGroup, MetricInfo, MilestoneThreshold } from "@takeoff/protocol"
import { buildCharts, chartData, describeKey, mainMetricKey, thresholdLines } from "./dashboard.js"
import { FanFileError, parseFanFile } from "./fan.js"
import { dateToYear, yearToDate } from "./format.js"
import { validateParameter } from "./params.js"
import { RunSeries } from "./series.js"
import { formatUrlState, parseUrlState } from "./url-state.js"
import { runLabels, statusText } from "./run-labels.js"
import { feedRows, ROUTINE_AFTER } from "./feed-rows.js"

describe("dates", () => {
  it("round-trips every month of a century", () => {
    for (let y = 2024; y < 2124; y++)
      for (let m = 1; m <= 12; m++) {
        const d = `${y}-${String(m).padStart(2, "0")}`
        expect(yearToDate(dateToYear(d))).toBe(d)
      }
  })
})

describe("runLabels", () => {
  it("names runs by scenario, seed and overrides, adding the id only to tell twins apart", () => {
    const run = (id: string, scenario: string, seed: number, overrides: Record<string, unknown> = {}) => ({
      id,
      scenario,
      seed,
      overrides,
    })
    expect(
      runLabels([run("a", "baseline", 1), run("b", "fast-takeoff", 1), run("c", "baseline", 1, { "ai.mfu": 0.3 })]),
    ).toEqual(["baseline · seed 1", "fast-takeoff · seed 1", "baseline · seed 1 · ai.mfu=0.3"])
    expect(runLabels([run("a", "baseline", 7), run("b", "baseline", 7)])).toEqual([
      "baseline · seed 7 (a)",
      "baseline · seed 7 (b)",
    ])
  })
})

describe("feedRows", () => {
  const ev = (tick: number, type: string, agent?: string) => ({
    tick,
    date: `${2024 + Math.floor(tick / 12)}-${String((tick % 12) + 1).padStart(2, "0")}`,
    type,
    agent,
    summary: `${type} at ${tick}`,
  })
  // Three years of monthly power orders, with a model release and a milestone among them.
  const events = [
    ...Array.from({ length: 36 }, (_, t) => ev(t, "PowerOrdered", "energy")),
    ev(10, "ModelReleased", "lab-0"),
    ev(30, "AgiReached"),
  ].sort((a, b) => a.tick - b.tick)

  it("groups a routine type into one row with its count and first date; rare events stay single", () => {
    const rows = feedRows(events, { type: "", agent: "" }, true)
    expect(rows.map((r) => [r.event.type, r.count, r.since])).toEqual([
      ["PowerOrdered", 36, "2024-01"],
      ["AgiReached", 1, "2026-07"],
      ["ModelReleased", 1, "2024-11"],
    ])
    expect(rows[0].event.tick).toBe(35)
  })

  it("lists every event when grouping is off, newest first, up to the limit", () => {
    const rows = feedRows(events, { type: "", agent: "" }, false, 10)
    expect(rows).toHaveLength(10)
    expect(rows.every((r) => r.count === 1)).toBe(true)
    expect(rows[0].event.tick).toBe(35)
  })

  it("counts a type as routine only past a year of repeats", () => {
    const few = Array.from({ length: ROUTINE_AFTER }, (_, t) => ev(t, "FactoriesAdded"))
    expect(feedRows(few, { type: "", agent: "" }, true)).toHaveLength(ROUTINE_AFTER)
  })
})

describe("statusText", () => {
  it("says a run its end event cut short ended early, naming the event", () => {
    expect(statusText({ status: "completed", endedBy: "CatastropheOccurred" })).toBe(
      "ended early by CatastropheOccurred",
    )
    expect(statusText({ status: "completed" })).toBe("completed")
    expect(statusText({ status: "stopped" })).toBe("stopped")
  })
})

describe("RunSeries", () => {
  it("appends ticks and batches, ignoring repeated ticks after a resume", () => {
    const s = new RunSeries()
    expect(s.append(0, "2024-01", { gdp: 1 })).toBe(true)
    s.appendColumns([0, 1, 2], ["2024-01", "2024-02", "2024-03"], { gdp: [9, 2, 3], aiShare: [0.01, 0.02, null] })
    expect(s.length).toBe(3)
    expect([...s.column("gdp")]).toEqual([1, 2, 3])
    expect(Number.isNaN(s.column("aiShare")[0])).toBe(true)
    expect(s.column("aiShare")[1]).toBe(0.02)
    expect(s.append(2, "2024-03", { gdp: 99 })).toBe(false)
    expect(s.lastTick).toBe(2)
  })

  it("grows past its initial capacity and finds ticks by binary search", () => {
    const s = new RunSeries(["v"])
    for (let t = 0; t < 1000; t++) s.append(t * 2, yearToDate(2024 + t / 12), { v: t })
    expect(s.length).toBe(1000)
    expect(s.column("v")[999]).toBe(999)
    expect(s.indexAtTick(501)).toBe(250)
    expect(s.indexAtTick(-1)).toBe(-1)
  })
})

/** The economy's first groups, as its kit describes them. */
const GROUPS: ReadonlyArray<MetricGroup> = [
  { id: "ai-share", title: "AI share of GDP", unit: "share", yMin: 0, yMax: 1 },
  { id: "gdp", title: "World GDP", log: true },
  { id: "wages", title: "Wages by occupation" },
  { id: "prices", title: "Prices (index, start = 1)", log: true, transform: "index", unit: "×" },
]

describe("dashboard charts", () => {
  it("names keys with their units", () => {
    expect(describeKey("powerUsedGw")).toEqual({ label: "Power used", unit: "GW" })
    expect(describeKey("installedFlopS")).toEqual({ label: "Installed", unit: "FLOP/s" })
  })

  it("charts the groups the model names, in its order, and gives other keys charts of their own", () => {
    const info = new Map<string, MetricInfo>([
      ["gdpUsd", { key: "gdpUsd", label: "World GDP", unit: "USD/yr", log: true, group: "gdp" }],
      ["wage.cognitiveUsd", { key: "wage.cognitiveUsd", label: "Wage: cognitive", unit: "USD/yr", group: "wages" }],
      ["wage.physicalUsd", { key: "wage.physicalUsd", label: "Wage: physical", unit: "USD/yr", group: "wages" }],
      ["aiShare", { key: "aiShare", label: "AI share of GDP", unit: "fraction", group: "ai-share" }],
      ["inferencePriceUsd", { key: "inferencePriceUsd", label: "Inference price", unit: "USD", group: "prices" }],
    ])
    const charts = buildCharts(
      ["gdpUsd", "wage.cognitiveUsd", "wage.physicalUsd", "aiShare", "inferencePriceUsd", "mystery"],
      info,
      GROUPS,
    )
    expect(charts.map((c) => c.spec.id)).toEqual(["ai-share", "gdp", "wages", "prices", "mystery"])
    expect(charts[1].spec.log).toBe(true)
    expect(charts[2].keys).toEqual(["wage.cognitiveUsd", "wage.physicalUsd"])
    expect(charts[2].spec.series.map((s) => s.label)).toEqual(["cognitive", "physical"])
    expect(charts[4].more).toBe(true)
    // Without the model's description nothing is guessed from key names.
    expect(buildCharts(["aiShare", "gdpUsd"]).every((c) => c.more)).toBe(true)
  })

  it("draws the thresholds the server sent on their metric's chart, as percent for shares", () => {
    const thresholds: MilestoneThreshold[] = [
      { kind: "agi", label: "AGI", metric: "aiShare", value: 0.1 },
      { kind: "asi", label: "ASI", metric: "aiShare", value: 0.9 },
    ]
    expect(mainMetricKey(["gdpUsd", "aiShare"], thresholds)).toBe("aiShare")
    expect(mainMetricKey(["gdpUsd"], thresholds)).toBeUndefined()
    expect(thresholdLines(thresholds, "aiShare", "fraction")).toEqual([
      { value: 0.1, label: "AGI 10%", color: "--tk-agi" },
      { value: 0.9, label: "ASI 90%", color: "--tk-asi" },
    ])
    expect(thresholdLines(thresholds, "gdpUsd", "USD")).toEqual([])
  })

  it("indexes prices to their first finite value", () => {
    const s = new RunSeries()
    s.appendColumns([0, 1], ["2024-01", "2024-02"], { chipPriceUsd: [null, 4], inferencePriceUsd: [2, 1] })
    const info = new Map<string, MetricInfo>(
      s.keys.map((key) => [key, { key, label: key, unit: "USD", group: "prices" }] as const),
    )
    const prices = buildCharts(s.keys, info, GROUPS).find((c) => c.spec.id === "prices")!
    const data = chartData(s, prices)
    expect([...(data[1] as Float64Array)].map((v) => (Number.isNaN(v) ? null : v))).toEqual([null, 1])
    expect([...(data[2] as Float64Array)]).toEqual([1, 0.5])
  })
})

describe("parameter validation", () => {
  const p = { value: 1.5, min: 0, max: 10, unit: "x/yr" }
  it("accepts numbers in range and refuses the rest with a reason", () => {
    expect(validateParameter(p, "2")).toEqual({ value: 2 })
    expect(validateParameter(p, "-1")).toEqual({ error: "must be at least 0 x/yr" })
    expect(validateParameter(p, "11")).toEqual({ error: "must be at most 10 x/yr" })
    expect(validateParameter(p, "abc")).toEqual({ error: '"abc" is not a number' })
    expect(validateParameter(p, "")).toEqual({ error: "a number is required" })
    expect(validateParameter({ value: true, unit: "" }, "yes")).toEqual({ error: "must be true or false" })
  })
})

describe("URL state", () => {
  it("round-trips scenario, seed, overrides and run", () => {
    const s = parseUrlState("?scenario=baseline&seed=7&o.labs.growth=2&run=r1&at=2031-04")
    expect(s).toMatchObject({
      view: "live",
      scenario: "baseline",
      seed: 7,
      overrides: { "labs.growth": "2" },
      run: "r1",
      at: "2031-04",
    })
    expect(parseUrlState(formatUrlState(s))).toEqual(s)
    expect(parseUrlState("?view=bogus&seed=x")).toMatchObject({ view: "live", seed: undefined })
  })
})

describe("fan file", () => {
  it("reads metrics keyed by name or as an array", () => {
    const a = parseFanFile('{"runs":10,"years":[2030,2031],"metrics":{"gdp":{"p10":[1,2],"p50":[2,3],"p90":[3,4]}}}')
    expect(a.metrics[0]).toEqual({ key: "gdp", years: [2030, 2031], p10: [1, 2], p50: [2, 3], p90: [3, 4] })
    expect(
      parseFanFile('{"years":[1],"metrics":{"g":{"label":"GDP","unit":"USD","p10":[1],"p50":[1],"p90":[1]}}}')
        .metrics[0],
    ).toMatchObject({ label: "GDP", unit: "USD" })
    const b = parseFanFile('{"metrics":[{"key":"x","years":[1],"p10":[1],"p50":[1],"p90":[1]}]}')
    expect(b.metrics[0].key).toBe("x")
  })

  it("names what is wrong", () => {
    expect(() => parseFanFile("{")).toThrow(FanFileError)
    expect(() => parseFanFile('{"years":[1,2],"metrics":{"gdp":{"p10":[1],"p50":[1,2],"p90":[1,2]}}}')).toThrow(
      "metrics.gdp.p10: 1 values for 2 years",
    )
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`
    expect(() => parseFanFile(`{"years":[1],"metrics":{"g":{"p10":[${deep}],"p50":[1],"p90":[1]}}}`)).toThrow(
      "metrics.g.p10[0]: expected a number, got an array",
    )
  })
})
