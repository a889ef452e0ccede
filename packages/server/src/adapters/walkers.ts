import type { MilestoneInfo, NotableEvent } from "@takeoff/agents/protocol"
import { logLinesOf } from "@takeoff/core"
import { type WalkersConfig, type WalkersEvent, type WalkersState, walkersModel } from "@takeoff/core/testing"
import { defaultAgentOf, type ModelAdapter, type ParameterInfo, ScenarioRejected } from "../adapter.js"

/**
 * The engine's random walkers as a server model: small, fast and fully deterministic, so the
 * server's tests exercise runs, streams and logs without depending on the economy's calibration.
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
  if (s === undefined) throw new ScenarioRejected("scenario", `unknown scenario "${name}"`)
  return s
}

const monthDate = (tick: number) => {
  const m = 2024 * 12 + tick
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`
}

export const adapter: ModelAdapter = {
  model: walkersModel,
  listScenarios: () =>
    Object.entries(SCENARIOS).map(([name, s]) => ({ name, title: s.title, description: s.description })),
  scenarioParameters: (name) => parameters(scenario(name).config),
  loadScenario: (name, overrides) => {
    const config: Record<string, unknown> = { ...scenario(name).config }
    const known = new Set(parameters(scenario(name).config).map((p) => p.path))
    for (const [path, value] of Object.entries(overrides)) {
      if (!known.has(path)) throw new ScenarioRejected(`overrides.${path}`, `unknown parameter "${path}"`)
      const n = typeof value === "string" ? Number(value) : value
      if (typeof n !== "number" || !Number.isFinite(n)) {
        throw new ScenarioRejected(`overrides.${path}`, `expected a number, got ${JSON.stringify(value)}`)
      }
      config[path] = n
    }
    try {
      return walkersModel.decodeConfig(config)
    } catch (e) {
      throw new ScenarioRejected("overrides", (e as Error).message.replace(/\s+/g, " "))
    }
  },
  metrics: [
    { key: "meanPosition", label: "Mean position", unit: "steps" },
    { key: "spread", label: "Spread (max - min)", unit: "steps" },
    { key: "teleports", label: "Teleports", unit: "count" },
    ...Array.from({ length: BANDS }, (_, b) => ({
      key: `band${String(b).padStart(2, "0")}`,
      label: `Share within [${(b - BANDS / 2) * BAND_WIDTH}, ${(b - BANDS / 2 + 1) * BAND_WIDTH})`,
      unit: "share",
    })),
  ],
  computeMetrics: (state) => {
    const s = state as WalkersState
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
    for (let b = 0; b < BANDS; b++) out[`band${String(b).padStart(2, "0")}`] = counts[b] / s.pos.length
    return out
  },
  tickToDate: (_config, tick) => monthDate(tick),
  dateToTick: (_config, date) => {
    const m = /^(\d{4})(?:-(\d{2}))?$/.exec(date)
    if (m === null) throw new ScenarioRejected("date", `expected YYYY or YYYY-MM, got "${date}"`)
    return (Number(m[1]) - 2024) * 12 + (m[2] === undefined ? 0 : Number(m[2]) - 1)
  },
  untilTick: (_config, untilYear) => (untilYear === undefined ? 119 : (untilYear - 2024) * 12 + 11),
  milestones: (events, tick, _config, state) => {
    const s = state as WalkersState
    const teleported = (events as WalkersEvent[]).some((e) => e.type === "WalkerTeleported")
    if (!teleported || s.teleports !== TELEPORTS_FOR_MILESTONE) return []
    const m: MilestoneInfo = { kind: "agi", tick, date: monthDate(tick), value: s.teleports }
    return [m]
  },
  notable: (event, tick): NotableEvent | undefined => {
    const e = event as WalkersEvent
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
    if (why !== "agi") throw new ScenarioRejected("why", `walkers only explain "agi", got "${why}"`)
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
