import type { MilestoneInfo, ParameterInfo } from "@takeoff/protocol"
import { defaultAgentOf, type ModelKit, ScenarioRejected } from "../kit.js"
import { logLinesOf } from "../log-reader.js"
import { type WalkersConfig, type WalkersEvent, type WalkersState, walkersModel } from "./walkers.js"

/**
 * The random walkers as a model kit: small, fast and fully deterministic, so the server's and the
 * CLI's tests exercise runs, streams and logs without depending on the economy's calibration.
 * Ticks are months from 2024-01; the "agi" milestone is the fifth teleport.
 */
const SCENARIOS: Record<string, { title: string; description: string; config: WalkersConfig }> = {
  walkers: {
    title: "Random walkers",
    description: "100 walkers stepping left or right; now and then one teleports.",
    config: { agents: 100, teleportProbability: 0.3 },
  },
}
const TELEPORTS_FOR_MILESTONE = 5
/**
 * Bands of the position histogram, published as metrics: they give tick messages the size of the
 * economy's (a few dozen metrics), so stream tests and the bench move realistic bytes.
 */
const BANDS = 40
const BAND_WIDTH = 10
const START_YEAR = 2024

const parameters = (c: WalkersConfig): ParameterInfo[] => [
  {
    path: "agents",
    group: "world",
    label: "Walkers",
    unit: "count",
    value: c.agents,
    source: "test fixture",
    assumption: true,
    min: 1,
    max: 100_000,
    description: "How many walkers there are.",
  },
  {
    path: "teleportProbability",
    group: "world",
    label: "Teleport probability",
    unit: "per tick",
    value: c.teleportProbability,
    source: "test fixture",
    assumption: true,
    min: 0,
    max: 1,
    description: "Chance per tick that one walker teleports.",
  },
]

const scenario = (name: string) => {
  const s = Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined
  if (s === undefined) throw new ScenarioRejected({ field: "scenario", message: `unknown scenario "${name}"` })
  return s
}

const monthDate = (tick: number) => {
  const m = START_YEAR * 12 + tick
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`
}

const load = (name: string, overrides: Readonly<Record<string, unknown>> = {}): WalkersConfig => {
  const config: Record<string, unknown> = { ...scenario(name).config }
  const known = new Set(parameters(scenario(name).config).map((p) => p.path))
  for (const [path, value] of Object.entries(overrides)) {
    const field = `overrides.${path}`
    if (!known.has(path)) throw new ScenarioRejected({ field, message: `unknown parameter "${path}"` })
    const n = typeof value === "string" ? Number(value) : value
    if (typeof n !== "number" || !Number.isFinite(n)) {
      throw new ScenarioRejected({ field, message: `expected a number, got ${JSON.stringify(value)}` })
    }
    config[path] = n
  }
  try {
    return walkersModel.decodeConfig(config)
  } catch (e) {
    throw new ScenarioRejected({ field: "overrides", message: (e as Error).message.replace(/\s+/g, " ") })
  }
}

const band = (b: number) => `band${String(b).padStart(2, "0")}`

export const walkersKit: ModelKit<WalkersState, WalkersEvent, WalkersConfig> = {
  model: walkersModel,
  scenarios: {
    list: () => Object.entries(SCENARIOS).map(([name, s]) => ({ name, title: s.title, description: s.description })),
    parameters,
    load,
  },
  calendar: {
    tickToDate: (_config, tick) => monthDate(tick),
    dateToTick: (_config, date) => {
      const m = /^(\d{4})(?:-(\d{2}))?$/.exec(date)
      if (m === null) throw new ScenarioRejected({ field: "date", message: `expected YYYY or YYYY-MM, got "${date}"` })
      return (Number(m[1]) - START_YEAR) * 12 + (m[2] === undefined ? 0 : Number(m[2]) - 1)
    },
    untilTick: (_config, untilYear) => (untilYear === undefined ? 119 : (untilYear - START_YEAR) * 12 + 11),
  },
  metrics: [
    { key: "meanPosition", label: "Mean position", unit: "steps" },
    { key: "spread", label: "Spread (max - min)", unit: "steps" },
    { key: "teleports", label: "Teleports", unit: "count" },
    ...Array.from({ length: BANDS }, (_, b) => ({
      key: band(b),
      label: `Share within [${(b - BANDS / 2) * BAND_WIDTH}, ${(b - BANDS / 2 + 1) * BAND_WIDTH})`,
      unit: "share",
      group: "bands",
    })),
  ],
  groups: [{ id: "bands", title: "Position histogram", unit: "share", yMin: 0 }],
  headline: ["meanPosition", "spread", "teleports"],
  computeMetrics: (s) => {
    let sum = 0
    let min = Number.POSITIVE_INFINITY
    let max = Number.NEGATIVE_INFINITY
    for (let i = 0; i < s.pos.length; i++) {
      const p = s.pos[i]
      sum += p
      if (p < min) min = p
      if (p > max) max = p
    }
    const out: Record<string, number> = { meanPosition: sum / s.pos.length, spread: max - min, teleports: s.teleports }
    const counts = new Float64Array(BANDS)
    for (let i = 0; i < s.pos.length; i++) {
      const b = Math.floor(s.pos[i] / BAND_WIDTH) + BANDS / 2
      if (b >= 0 && b < BANDS) counts[b]++
    }
    for (let b = 0; b < BANDS; b++) out[band(b)] = counts[b] / s.pos.length
    return out
  },
  milestones: [{ kind: "agi", label: "AGI" }],
  thresholds: () => [{ kind: "agi", label: "AGI", metric: "teleports", value: TELEPORTS_FOR_MILESTONE }],
  milestonesAt: (events, tick, _config, s) => {
    const teleported = events.some((e) => e.type === "WalkerTeleported")
    if (!teleported || s.teleports !== TELEPORTS_FOR_MILESTONE) return []
    const m: MilestoneInfo = { kind: "agi", tick, date: monthDate(tick), value: s.teleports }
    return [m]
  },
  endEvents: [],
  notable: (e, tick) => {
    if (e.type !== "WalkerTeleported") return undefined
    return {
      tick,
      date: monthDate(tick),
      type: e.type,
      agent: String(e.data.agent),
      summary: `walker ${e.data.agent} teleported to ${e.data.to}`,
    }
  },
  agentOf: defaultAgentOf,
  explain: (logText, why) => {
    if (why !== "agi") throw new ScenarioRejected({ field: "why", message: `walkers only explain "agi", got "${why}"` })
    const ticks: number[] = []
    for (const line of logLinesOf(logText)) {
      if (line.kind === "tick" && line.text.includes('"WalkerTeleported"')) ticks.push(line.tick!)
    }
    const at = ticks[TELEPORTS_FOR_MILESTONE - 1]
    return {
      why,
      reached: at === undefined ? null : { tick: at, date: monthDate(at) },
      contributing: ticks.slice(0, TELEPORTS_FOR_MILESTONE).map((t) => ({ tick: t, type: "WalkerTeleported" })),
    }
  },
}

export default walkersKit
