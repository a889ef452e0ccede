import { defaultAgentOf, type ModelKit, ScenarioRejected } from "@takeoff/core"
import type { MetricGroup, MetricInfo, MilestoneInfo, MilestoneKind } from "@takeoff/protocol"
import {
  computeMetrics,
  DESIGNS,
  dateToTick,
  describeScenario,
  type EconomyConfig,
  renderScenarioYaml,
  SCENARIO_NAME,
  type EconomyEvent,
  type EconomyState,
  economyModel,
  explain,
  listScenarios,
  loadScenario,
  METRICS,
  notableEvent,
  OCCUPATIONS,
  overrideScenario,
  ScenarioError,
  sampleScenario,
  scenarioParameters,
  tickToDate,
  untilTickForYear,
  type Why,
} from "./index.js"
import { SUPPLIER_GROUPS } from "./supplier-metrics.js"
import { MATERIAL_USERS, POWER_USERS } from "./state.js"

/** The dashboard's charts of the economy, in the order it shows them. */
const GROUPS: ReadonlyArray<MetricGroup> = [
  { id: "ai-share", title: "AI share of GDP", unit: "share", yMin: 0, yMax: 1 },
  { id: "gdp", title: "World GDP", log: true },
  { id: "compute", title: "Installed AI compute", log: true },
  { id: "chips", title: "Chips produced" },
  { id: "power", title: "Power used by AI" },
  { id: "electricity", title: "Electricity by user (TWh/yr)", log: true },
  { id: "materials", title: "Materials use by user (Gt/yr)", log: true },
  { id: "binding", title: "Binding constraints (1 = binds)", unit: "0/1", yMin: 0, yMax: 1 },
  { id: "robots", title: "Robots in use", log: true },
  ...SUPPLIER_GROUPS,
  { id: "employment", title: "Employment by occupation" },
  { id: "wages", title: "Wages by occupation" },
  // The distribution: one line per decile, poorest first, on a log axis (they differ a hundredfold).
  { id: "income-deciles", title: "Income per head by decile", log: true },
  { id: "consumption-deciles", title: "Consumption per head by decile", log: true },
  { id: "prices", title: "Prices (index, start = 1)", log: true, transform: "index", unit: "×" },
  { id: "labour-share", title: "Labour share", unit: "share" },
  { id: "post-scarcity", title: "Post-scarcity index" },
]

/** Metric key -> the group it is drawn in; metrics not listed get a chart of their own. */
const GROUP_OF: Readonly<Record<string, string>> = {
  aiShare: "ai-share",
  gdpUsd: "gdp",
  installedFlops: "compute",
  chipsMadePerYear: "chips",
  powerUsedGw: "power",
  ...Object.fromEntries(POWER_USERS.map((u) => [`electricityTwh.${u}`, "electricity"])),
  electricityTwh: "electricity",
  ...Object.fromEntries(MATERIAL_USERS.map((u) => [`materialsGt.${u}`, "materials"])),
  materialsGt: "materials",
  "binds.power": "binding",
  "binds.materials": "binding",
  "binds.planetaryPower": "binding",
  "binds.planetaryMaterials": "binding",
  robotsInUse: "robots",
  ...Object.fromEntries(OCCUPATIONS.map((o) => [`employment.${o}`, "employment"])),
  ...Object.fromEntries(OCCUPATIONS.map((o) => [`wage.${o}`, "wages"])),
  ...Object.fromEntries(Array.from({ length: 10 }, (_, d) => [`income.d${d + 1}`, "income-deciles"])),
  ...Object.fromEntries(Array.from({ length: 10 }, (_, d) => [`consumption.d${d + 1}`, "consumption-deciles"])),
  chipPriceUsd: "prices",
  inferencePricePerMTokUsd: "prices",
  robotHourPriceUsd: "prices",
  goodsPriceIndex: "prices",
  labourShare: "labour-share",
  postScarcityIndex: "post-scarcity",
}

const WITH_GROUPS: ReadonlyArray<MetricInfo> = METRICS.map((m) =>
  GROUP_OF[m.key] === undefined ? m : { ...m, group: GROUP_OF[m.key] },
)

const MILESTONE_KIND: Readonly<Record<string, MilestoneKind>> = {
  AgiReached: "agi",
  AsiReached: "asi",
  PostScarcityReached: "post-scarcity",
  CatastropheOccurred: "catastrophe",
}

/**
 * Scenario errors name a parameter path and their file; a request names an overridden one as
 * `overrides.<path>`, the message leads with the path.
 */
const rejected = (e: unknown, overrides: Readonly<Record<string, unknown>>): never => {
  if (e instanceof ScenarioError) {
    const field = Object.hasOwn(overrides, e.field) ? `overrides.${e.field}` : e.field || "scenario"
    throw new ScenarioRejected({ field, message: e.field ? `${e.field}: ${e.message}` : e.message, file: e.file })
  }
  throw e
}

/** Overrides as `--set` pairs; a value that is neither a number nor a string is refused by name. */
const overridePairs = (overrides: Readonly<Record<string, unknown>>): Array<[string, string]> => {
  const set: Array<[string, string]> = []
  for (const [path, value] of Object.entries(overrides)) {
    if (typeof value !== "number" && typeof value !== "string") {
      throw new ScenarioRejected({
        field: `overrides.${path}`,
        message: `expected a number, got ${JSON.stringify(value)}`,
      })
    }
    set.push([path, String(value)])
  }
  return set
}

const load = (nameOrFile: string, overrides: Readonly<Record<string, unknown>> = {}): EconomyConfig => {
  const set = overridePairs(overrides)
  try {
    return loadScenario(nameOrFile, { set })
  } catch (e) {
    return rejected(e, overrides)
  }
}

const override = (config: EconomyConfig, overrides: Readonly<Record<string, unknown>>): EconomyConfig => {
  const set = overridePairs(overrides)
  try {
    return overrideScenario(config, set)
  } catch (e) {
    return rejected(e, overrides)
  }
}

/**
 * The economy as every runner sees it: scenarios from the repo's `scenarios/`, monthly ticks, its
 * metrics and chart groups, AGI/ASI at the scenario's AI-share thresholds, and a run that is over
 * at a catastrophe.
 *
 * @example
 * const config = economyKit.scenarios.load("baseline", { "labs.algorithmicProgressPerYear": 3 })
 */
export const economyKit: ModelKit<EconomyState, EconomyEvent, EconomyConfig> = {
  model: economyModel,
  scenarios: {
    list: () => listScenarios(),
    parameters: (config) => scenarioParameters(config),
    load,
    designs: DESIGNS,
    describe: (nameOrFile) => {
      try {
        return describeScenario(nameOrFile)
      } catch (e) {
        return rejected(e, {})
      }
    },
    draftYaml: (request) => {
      if (!SCENARIO_NAME.test(request.name))
        throw new ScenarioRejected({
          field: "name",
          message: `expected lower-case letters, digits and dashes (a file name), got ${JSON.stringify(request.name)}`,
        })
      const base = load(request.scenario)
      // Loading with the overrides checks each one (bounds, integers, shares), naming the field.
      const edited = load(request.scenario, request.overrides)
      const values = Object.fromEntries(Object.keys(request.overrides).map((p) => [p, edited.values[p]]))
      return renderScenarioYaml(base, { ...request, values })
    },
    override,
    sample: (config, seed) => sampleScenario(config, seed),
  },
  calendar: {
    tickToDate: (config, tick) => tickToDate(config, tick),
    dateToTick: (config, date) => {
      try {
        return dateToTick(config, date)
      } catch (e) {
        throw new ScenarioRejected({ field: "date", message: (e as Error).message })
      }
    },
    untilTick: (config, untilYear) => untilTickForYear(config, untilYear ?? config.endYear),
  },
  metrics: WITH_GROUPS,
  groups: GROUPS,
  headline: ["gdpUsd", "aiShare", "unemploymentRate", "meanWageUsd", "robotsInUse", "installedFlops"],
  computeMetrics: (state, config) => computeMetrics(state, config),
  milestones: [
    { kind: "agi", label: "AGI" },
    { kind: "asi", label: "ASI" },
    { kind: "post-scarcity", label: "post-scarcity" },
    { kind: "catastrophe", label: "catastrophe" },
  ],
  // Post-scarcity is a year-long streak of every decile's income without work covering the basket,
  // not one crossing of one line; the banner names the definition instead (ui panels.ts).
  thresholds: (config) => [
    { kind: "agi", label: "AGI", metric: "aiShare", value: config.values["milestones.agiAiShare"] },
    { kind: "asi", label: "ASI", metric: "aiShare", value: config.values["milestones.asiAiShare"] },
  ],
  milestonesAt: (events, tick, config) => {
    const out: MilestoneInfo[] = []
    for (const e of events) {
      const kind = MILESTONE_KIND[e.type]
      if (kind === undefined) continue
      const d = e.data as { aiShare?: number; leastNonLabourPerHeadUsd?: number; basketCostUsd?: number }
      // Post-scarcity's value: the least-covered decile's income without work over the basket's cost.
      const value =
        kind === "post-scarcity"
          ? (d.leastNonLabourPerHeadUsd ?? Number.NaN) / (d.basketCostUsd ?? Number.NaN)
          : (d.aiShare ?? Number.NaN)
      out.push({ kind, tick, date: tickToDate(config, tick), value })
    }
    return out
  },
  endEvents: ["CatastropheOccurred"],
  notable: (event, tick, config) => notableEvent(event, tick, config),
  agentOf: (event) => {
    const d = event.data as Record<string, unknown> | null
    if (typeof d === "object" && d !== null) {
      if (typeof d.lab === "number") return `lab-${d.lab}`
      if (typeof d.firm === "number") return `firm-${d.firm}`
      if (typeof d.source === "string") return `power-${d.source}`
      if (typeof d.foundry === "string") return `foundry-${d.foundry}`
      if (typeof d.maker === "string") return `robot-maker-${d.maker}`
      if (typeof d.sector === "string") return d.sector
    }
    return defaultAgentOf(event)
  },
  explain: (logText, why) => {
    if (why !== "agi" && why !== "asi" && why !== "post-scarcity") {
      throw new ScenarioRejected({ field: "why", message: `expected agi, asi or post-scarcity, got "${why}"` })
    }
    return explain(logText, why as Why)
  },
}

export default economyKit
