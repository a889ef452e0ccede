import type { MilestoneInfo } from "@takeoff/agents/protocol"
import {
  computeMetrics,
  dateToTick,
  type EconomyConfig,
  type EconomyEvent,
  type EconomyState,
  economyModel,
  explain,
  listScenarios,
  loadScenario,
  METRICS,
  notableEvent,
  ScenarioError,
  scenarioParameters,
  tickToDate,
  untilTickForYear,
  type Why,
} from "@takeoff/agents"
import { defaultAgentOf, type ModelAdapter, ScenarioRejected } from "../adapter.js"

const MILESTONE_KIND: Record<string, MilestoneInfo["kind"]> = {
  AgiReached: "agi",
  AsiReached: "asi",
  PostScarcityReached: "post-scarcity",
  CatastropheOccurred: "catastrophe",
}

/** Scenario errors name a parameter path; requests name it as `overrides.<path>` when it was overridden. */
const rejected = (e: unknown, overrides: Readonly<Record<string, unknown>> = {}): never => {
  if (e instanceof ScenarioError) {
    const field = Object.hasOwn(overrides, e.field) ? `overrides.${e.field}` : e.field
    throw new ScenarioRejected(field, `${e.field}: ${e.message}`)
  }
  throw e
}

const load = (name: string, overrides: Readonly<Record<string, unknown>> = {}): EconomyConfig => {
  if (!listScenarios().some((s) => s.name === name))
    throw new ScenarioRejected("scenario", `unknown scenario "${name}"`)
  const set: Array<[string, string]> = []
  for (const [path, value] of Object.entries(overrides)) {
    if (typeof value !== "number" && typeof value !== "string") {
      throw new ScenarioRejected(`overrides.${path}`, `expected a number, got ${JSON.stringify(value)}`)
    }
    set.push([path, String(value)])
  }
  try {
    return loadScenario(name, { set })
  } catch (e) {
    return rejected(e, overrides)
  }
}

/** The economy (`@takeoff/agents`) as the server runs it: the product's default model. */
export const adapter: ModelAdapter = {
  model: economyModel,
  listScenarios: () => listScenarios().map(({ name, title, description }) => ({ name, title, description })),
  scenarioParameters: (name) =>
    scenarioParameters(load(name)).map((p) => ({ ...p, source: p.source ?? "assumption (no source)" })),
  loadScenario: (name, overrides) => load(name, overrides),
  metrics: METRICS,
  computeMetrics: (state, config) => computeMetrics(state as EconomyState, config as EconomyConfig),
  tickToDate: (config, tick) => tickToDate(config as EconomyConfig, tick),
  dateToTick: (config, date) => dateToTick(config as EconomyConfig, date),
  untilTick: (config, untilYear) => {
    const c = config as EconomyConfig
    return untilTickForYear(c, untilYear ?? c.endYear)
  },
  milestones: (events, tick, config) => {
    const out: MilestoneInfo[] = []
    for (const e of events as EconomyEvent[]) {
      const kind = MILESTONE_KIND[e.type]
      if (kind === undefined) continue
      const d = e.data as { aiShare?: number; basketShareOfIncome?: number }
      const value = kind === "post-scarcity" ? (d.basketShareOfIncome ?? Number.NaN) : (d.aiShare ?? Number.NaN)
      out.push({ kind, tick, date: tickToDate(config as EconomyConfig, tick), value })
    }
    return out
  },
  notable: (event, tick, config) => notableEvent(event as EconomyEvent, tick, config as EconomyConfig),
  agentOf: (event) => {
    const d = event.data as Record<string, unknown> | null
    if (typeof d === "object" && d !== null) {
      if (typeof d.lab === "number") return `lab-${d.lab}`
      if (typeof d.firm === "number") return `firm-${d.firm}`
      if (typeof d.source === "string") return `power-${d.source}`
      if (typeof d.sector === "string") return d.sector
    }
    return defaultAgentOf(event)
  },
  explain: (logText, why) => {
    if (why !== "agi" && why !== "asi" && why !== "post-scarcity") {
      throw new ScenarioRejected("why", `expected agi, asi or post-scarcity, got "${why}"`)
    }
    return explain(logText, why as Why)
  },
}
