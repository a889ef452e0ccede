import { walkersModel, type WalkersState } from "@takeoff/core/walkers"
import { formatEconomyExplanation } from "./audit-format.js"
import { economy } from "./economy.js"
import { usage } from "./errors.js"
import type { ModelKit } from "./kit.js"
import type { SummaryKeys } from "./summary.js"

/**
 * Core's example model (random walkers). Registered so `verify`, `replay`, `diff` and `export`
 * work on any log the engine's own examples and benchmarks write; it has no calendar.
 */
export const walkersKit: ModelKit = {
  model: walkersModel,
  metrics: [
    { key: "walkers", label: "Walkers", unit: "" },
    { key: "meanPosition", label: "Mean position", unit: "" },
    { key: "spread", label: "Spread (std dev)", unit: "" },
    { key: "teleports", label: "Teleports", unit: "" },
  ],
  milestoneEvents: {},
  headline: ["meanPosition", "spread", "teleports"],
  computeMetrics: (state) => {
    const s = state as WalkersState
    let sum = 0
    let sq = 0
    for (let i = 0; i < s.pos.length; i++) {
      sum += s.pos[i]
      sq += s.pos[i] * s.pos[i]
    }
    const n = s.pos.length
    const mean = sum / n
    return {
      walkers: n,
      meanPosition: mean,
      spread: Math.sqrt(Math.max(0, sq / n - mean * mean)),
      teleports: s.teleports,
    }
  },
  calendar: false,
  tickToDate: (_config, tick) => `tick ${tick}`,
  dateToTick: (_config, date) => {
    throw usage(`--at ${date}: the walkers model has no calendar; give a tick number`)
  },
}

/** The economy (`@takeoff/agents`): calendar dates, its metrics, milestones and the audit. */
export const economyKit: ModelKit = {
  model: economy.economyModel,
  metrics: economy.METRICS,
  milestoneEvents: {
    AgiReached: "AGI",
    AsiReached: "ASI",
    PostScarcityReached: "post-scarcity",
    CatastropheOccurred: "catastrophe",
  },
  headline: ["gdpUsd", "aiShare", "unemploymentRate", "meanWageUsd", "robotsInUse", "installedFlops"],
  endEvents: ["CatastropheOccurred"],
  computeMetrics: (state, config) => economy.computeMetrics(state, config),
  calendar: true,
  tickToDate: (config, tick) => economy.tickToDate(config, tick),
  dateToTick: (config, date) => {
    if (!/^\d{4}(-\d{2})?$/.test(date)) throw usage(`--at ${date}: expected a tick number, YYYY or YYYY-MM`)
    return economy.dateToTick(config, date)
  },
  explain: (text, why) => economy.explain(text, why),
  notable: (event, tick, config) => economy.notableEvent(event, tick, config)?.summary,
  formatExplanation: (x) => formatEconomyExplanation(x),
}

/** Which of the economy's metrics the run summary and sweep fan charts show. */
export const SUMMARY_KEYS: SummaryKeys = {
  gdp: "gdpUsd",
  aiShare: "aiShare",
  peakAndFinal: ["meanWageUsd", "robotsInUse", "installedFlops"],
}
