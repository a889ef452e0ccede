import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { backtestSummary, backtestVerdicts, parseSweepSummary, sweepTables } from "./doc-sweep.js"
import {
  markers,
  outcomeTables,
  plausibilityTable,
  SECTIONS,
  scenarioRun,
  sectionOf,
  withSection,
} from "./doc-tables.js"
import { loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"

const read = (file: string) => readFileSync(new URL(`../../../${file}`, import.meta.url), "utf8")

describe("generated tables (npm run tables -w @takeoff/agents)", () => {
  it("every file has the marker pair of each of its generated sections, begin before end", () => {
    for (const [file, names] of Object.entries(SECTIONS)) {
      const doc = read(file)
      for (const name of names) expect(() => sectionOf(doc, name, file), `${file}: ${name}`).not.toThrow()
    }
  })

  it("refuses a document without a section's markers, naming the marker", () => {
    // Given a document with the begin marker of "sweep" only
    const doc = `intro\n${markers("sweep").begin}\nold\n`
    // Then replacing the section fails and says which marker is missing
    expect(() => withSection(doc, "sweep", "new", "docs/x.md")).toThrow(
      /docs\/x\.md: expected the marker <!-- generated: sweep: end -->/,
    )
    expect(() => withSection("", "outcomes", "new")).toThrow(/generated: outcomes \(npm run tables/)
    // And a whole pair is replaced, the prose around kept
    const { begin, end } = markers("sweep")
    expect(withSection(`a\n${begin}\nold\n${end}\nb`, "sweep", "new")).toBe(`a\n${begin}\n\nnew\n\n${end}\nb`)
  })

  it("has the baseline's seed-7 outcome, distribution and plausibility rows of this model (else run the script)", () => {
    // Given the baseline simulated as the script does it
    const run = scenarioRun(simulate(loadScenario("baseline"), { seed: 7, untilYear: 2060 }).outcome)
    const doc = read("docs/model.md")
    const outcomes = sectionOf(doc, "outcomes", "docs/model.md")
    const plausibility = sectionOf(doc, "plausibility", "docs/model.md")
    // Then every line it renders for the baseline is in the document as it stands
    const fresh = outcomeTables([run])
      .split("\n")
      .filter((l) => l.startsWith("| baseline |") || l.startsWith("Outcomes"))
    expect(fresh.length).toBe(3)
    for (const line of fresh) expect(outcomes, "run `npm run tables -w @takeoff/agents`").toContain(line)
    for (const line of plausibilityTable([run]).split("\n").slice(2))
      expect(plausibility, "run `npm run tables -w @takeoff/agents`").toContain(line)
  })
})

describe("sweep and backtest sections", () => {
  const summary = {
    scenario: "baseline",
    seed: 1,
    runs: 3,
    requested: 4,
    workers: 2,
    untilYear: 2100,
    elapsedS: 12,
    design: "lhs",
    milestones: [
      {
        label: "AGI",
        reached: 1,
        reachedBy: { "2060": 1, "2100": 1 },
        p5: "2027-02",
        p10: "2027-12",
        p50: "2031-01",
        p90: "2036-02",
        p95: "2037-12",
      },
      {
        label: "ASI",
        reached: 2 / 3,
        reachedBy: { "2060": 1 / 3, "2100": 2 / 3 },
        p5: "2040-05",
        p10: "2041-10",
        p50: "2048-12",
        p90: "not by 2100",
        p95: "not by 2100",
      },
      { label: "catastrophe", reached: 0, reachedBy: {}, p5: "not by 2100", p10: "x", p50: "x", p90: "x", p95: "x" },
    ],
    influences: [{ path: "ai.requirementShiftLog10", rho: { AGI: 0.731, ASI: 0.5 }, s1: { AGI: 0.54, ASI: 0.2 } }],
  }

  it("lays out a sweep's percentiles, shares reached and drivers, and says when runs are missing", () => {
    const text = sweepTables(parseSweepSummary(summary), 56)
    expect(text).toContain("3-run sweep** (3 of 4 requested runs finished) (Latin hypercube over 56 distributions")
    expect(text).toContain(
      "| AGI (AI does 10% of GDP) | 100% | 100% | 2027-02 | 2027-12 | 2031-01 | 2036-02 | 2037-12 |",
    )
    expect(text).toContain("| ASI (AI does 90% of GDP) | 33.3% | 66.7% | 2040-05 |")
    expect(text).not.toContain("catastrophe")
    expect(text).toContain("| `ai.requirementShiftLog10` | 0.73 | 0.54 | 0.50 | 0.20 |")
    expect(text).toContain("ASI (90% of GDP): P50 2048-12, P5 2040-05, 33.3% not by 2100")
  })

  it("refuses a summary with a missing or malformed field, naming it", () => {
    expect(() => parseSweepSummary({ ...summary, runs: "3" })).toThrow("field runs: expected a number")
    expect(() => parseSweepSummary({ ...summary, milestones: [{ label: "AGI" }] })).toThrow("milestones[0].p5")
    expect(() => parseSweepSummary(null)).toThrow("field (root)")
  })

  it("reads the backtest's verdicts from the CLI's scorecard", () => {
    const card = [
      "observation   date  unit  observed  sim P50  sim P10-P90  P50/obs  verdict",
      "world_growth  2025  f     3.2%      3.24%    2.6% - 4.4%  1x       inside",
      "nvidia_units  2025  c/yr  4.49M     7.72M    7.7M - 7.7M  1.7x     model high",
      "gpt5_price    2025  USD   3.44      0.617    0.2 - 1.38   0.18x    model low",
      "",
      "1 of 3 scored observations inside the simulated P10-P90 band (floors: P90 reaches the one-firm figure).",
    ].join("\n")
    expect(backtestVerdicts(card)).toEqual({ inside: 1, scored: 3, high: ["nvidia_units"], low: ["gpt5_price"] })
    expect(backtestSummary(card, 100, 1)).toContain(
      "1 of 3 scored observations inside the band. Model high: `nvidia_units`.",
    )
    expect(() => backtestVerdicts("no table")).toThrow("scored observations inside")
  })
})
