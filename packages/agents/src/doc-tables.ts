import { formatNumber, formatValue } from "@takeoff/protocol"
import { MATERIAL_USERS, POWER_USERS } from "./economy/sets.js"
import { economyModel } from "./model.js"
import type { RunOutcome } from "./simulate.js"

/**
 * The generated tables of docs/model.md and the README (`npm run tables -w @takeoff/agents`,
 * scripts/gen-tables.ts): each lives between a pair of marker comments named after it, so prose
 * around it stays hand-written. This file renders the tables of single runs (outcomes by scenario,
 * the distribution, the plausibility table); doc-sweep.ts renders the ensemble's.
 */

/** The marker comments around the generated section `name`. */
export const markers = (name: string): { readonly begin: string; readonly end: string } => ({
  begin: `<!-- generated: ${name} (npm run tables -w @takeoff/agents); do not edit by hand -->`,
  end: `<!-- generated: ${name}: end -->`,
})

/** The generated sections of each file, by the file's path from the repository root. */
export const SECTIONS: Readonly<Record<string, ReadonlyArray<string>>> = {
  "docs/model.md": ["outcomes", "plausibility", "backtest", "sweep"],
  "README.md": ["readme-run", "readme-backtest"],
}

/** The text between the markers of section `name` (trimmed); throws naming the missing marker. */
export const sectionOf = (doc: string, name: string, file = "document"): string => {
  const { begin, end } = markers(name)
  const b = doc.indexOf(begin)
  const e = doc.indexOf(end)
  if (b < 0) throw new Error(`${file}: expected the marker ${begin}`)
  if (e < b) throw new Error(`${file}: expected the marker ${end} after ${begin}`)
  return doc.slice(b + begin.length, e).trim()
}

/**
 * `doc` with section `name` replaced by `body`.
 *
 * @example
 * withSection(doc, "plausibility", plausibilityTable(runs))
 */
export const withSection = (doc: string, name: string, body: string, file = "document"): string => {
  sectionOf(doc, name, file)
  const { begin, end } = markers(name)
  const b = doc.indexOf(begin) + begin.length
  return `${doc.slice(0, b)}\n\n${body.trim()}\n\n${doc.slice(doc.indexOf(end))}`
}

/** One scenario's run for the tables: its outcome with metrics in December of each table year. */
export interface ScenarioRun {
  readonly outcome: RunOutcome
  /** Metrics in December of each year the run reached (the outcome's 2030, 2040, 2050 and end). */
  readonly byYear: Readonly<Record<string, Readonly<Record<string, number>>>>
}

/** The table years: the outcome's checkpoints and its last year. */
export const tableYears = (run: ScenarioRun): string[] => Object.keys(run.byYear).sort()

/** A run's metrics by December of 2030, 2040, 2050 and its end year. */
export const scenarioRun = (outcome: RunOutcome): ScenarioRun => {
  const byYear: Record<string, Readonly<Record<string, number>>> = {}
  for (const y of ["2030", "2040", "2050"] as const) {
    const m = outcome.metrics[y]
    if (m) byYear[y] = m
  }
  const end = outcome.metrics.end
  if (end && outcome.lastDate.endsWith("-12")) byYear[outcome.lastDate.slice(0, 4)] = end
  return { outcome, byYear }
}

const row = (cells: ReadonlyArray<string>): string => `| ${cells.join(" | ")} |`
const head = (cells: ReadonlyArray<string>): string => `${row(cells)}\n${row(cells.map(() => "---"))}`

/** The outcome table's columns: a header and the value from a run (the last year's metrics). */
const OUTCOME_COLUMNS: ReadonlyArray<readonly [string, (r: ScenarioRun, last: Record<string, number>) => string]> = [
  ["AGI", (r) => r.outcome.milestones.agi ?? "-"],
  ["ASI", (r) => r.outcome.milestones.asi ?? "-"],
  ["post-scarcity", (r) => r.outcome.milestones.postScarcity ?? "-"],
  ["catastrophe", (r) => r.outcome.catastrophe ?? "none"],
  ["GDP {y} (USD/yr)", (_, m) => formatNumber(m.gdpUsd)],
  ["AI share {y}", (_, m) => formatValue(m.aiShare, "fraction")],
  ["mean wage {y} (USD/yr)", (_, m) => formatNumber(m.meanWageUsd)],
  ["unemployment {y}", (_, m) => formatValue(m.unemploymentRate, "fraction")],
]

/** The distribution table's columns: a header and the metric shown at each table year. */
const DISTRIBUTION_COLUMNS: ReadonlyArray<readonly [string, (m: Record<string, number>) => string]> = [
  ["median income (USD/yr a head)", (m) => formatNumber(m.medianIncomeUsd)],
  ["poorest decile's income", (m) => formatNumber(m["income.d1"])],
  ["Gini (deciles)", (m) => m.giniIncome.toFixed(2)],
  ["unemployment", (m) => formatValue(m.unemploymentRate, "fraction")],
]

/**
 * The outcome tables of "Scenarios": milestones and last-year figures per scenario, then the
 * distribution in December of each table year.
 *
 * @example
 * outcomeTables([scenarioRun(simulate(loadScenario("baseline"), { seed: 7, untilYear: 2060 }).outcome)])
 */
export const outcomeTables = (runs: ReadonlyArray<ScenarioRun>): string => {
  const first = runs[0]
  if (!first) return ""
  const { seed, untilYear } = first.outcome
  const years = tableYears(first)
  const lastYear = String(untilYear)
  const outcomes = [
    head(["scenario", ...OUTCOME_COLUMNS.map(([h]) => h.replace("{y}", lastYear))]),
    ...runs.map((r) =>
      row([r.outcome.scenario, ...OUTCOME_COLUMNS.map(([, f]) => f(r, { ...(r.byYear[lastYear] ?? {}) }))]),
    ),
  ]
  const distribution = [
    head(["scenario", ...DISTRIBUTION_COLUMNS.map(([h]) => h)]),
    ...runs.map((r) =>
      row([
        r.outcome.scenario,
        ...DISTRIBUTION_COLUMNS.map(([, f]) =>
          years.map((y) => (r.byYear[y] ? f({ ...r.byYear[y] }) : "-")).join(" / "),
        ),
      ]),
    ),
  ]
  return [
    `Outcomes (seed ${seed}, 2024-${untilYear}, model ${economyModel.version}; \`takeoff run <scenario> --seed ${seed} --until ${untilYear}\`; "-" is not reached by ${untilYear}):`,
    "",
    ...outcomes,
    "",
    `Distributional outcomes, December of ${years.join(" / ")} (income per head a year, USD; the Gini is of the ten decile incomes per head):`,
    "",
    ...distribution,
  ].join("\n")
}

/**
 * A column of the plausibility table: its header and its value from a month's metrics. Most are a
 * metric key; adding one (e.g. materials in Gt/yr) is one line here.
 */
export interface PlausibilityColumn {
  readonly header: string
  readonly value: (m: Readonly<Record<string, number>>) => number | ReadonlyArray<number>
}

const key =
  (k: string) =>
  (m: Readonly<Record<string, number>>): number =>
    m[k]

/** The plausibility table's columns, in order. */
export const PLAUSIBILITY_COLUMNS: ReadonlyArray<PlausibilityColumn> = [
  { header: "robots per person", value: (m) => m.robotsInUse / (m.gdpUsd / m.gdpPerHeadUsd) },
  { header: "electricity TW", value: key("electricityTw") },
  { header: "electricity TWh/yr", value: key("electricityTwh") },
  {
    header: `of which ${POWER_USERS.join(" / ")} (TWh/yr)`,
    value: (m) => POWER_USERS.map((u) => m[`electricityTwh.${u}`]),
  },
  {
    header: "AI compute per watt (FLOP/s per W at the wall)",
    value: (m) => m.installedFlops / (m.powerUsedGw * 1e9),
  },
  { header: "materials Gt/yr", value: key("materialsGt") },
  {
    header: `of which ${MATERIAL_USERS.join(" / ")} (Gt/yr)`,
    value: (m) => MATERIAL_USERS.map((u) => m[`materialsGt.${u}`]),
  },
  { header: "off-world extraction Gt/yr", value: key("offworldMaterialsGt") },
]

/** The plausibility table: each scenario in December of each table year, one row per year. */
export const plausibilityTable = (
  runs: ReadonlyArray<ScenarioRun>,
  columns: ReadonlyArray<PlausibilityColumn> = PLAUSIBILITY_COLUMNS,
): string => {
  const cell = (v: number | ReadonlyArray<number>) =>
    typeof v === "number" ? formatNumber(v) : v.map((x) => formatNumber(x)).join(" / ")
  return [
    head(["scenario", "year", ...columns.map((c) => c.header)]),
    ...runs.flatMap((r) =>
      tableYears(r).map((y) => row([r.outcome.scenario, y, ...columns.map((c) => cell(c.value(r.byYear[y])))])),
    ),
  ].join("\n")
}
