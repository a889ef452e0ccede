import { checkHeader, replay } from "@takeoff/core"
import type { EconomyEvent } from "./events.js"
import { economyModel } from "./model.js"
import { type Explanation as AuditExplanation, formatNumber, formatValue, type NotableEvent } from "@takeoff/protocol"
import type { EconomyConfig } from "./scenario.js"
import { basketCostUsd, leastIncomeWithoutWork } from "./economy/household-readings.js"
import { type SupplierPart, SupplierSpend, supplierEvent } from "./explain-suppliers.js"
import { F } from "./state.js"
import { tickToDate } from "./time.js"

export type Why = "agi" | "asi" | "post-scarcity"

/** The power system serves the whole economy: orders of a few GW a month are routine. */
const NOTABLE_POWER_GW = 25

/**
 * The feed entry for an event, or undefined if it is routine (market clearing, firm steps, small orders).
 *
 * @example
 * notableEvent(event, 42, config)?.summary // "Lab 0 releases model 3: 10^27.4 effective FLOP (new frontier)"
 */
export const notableEvent = (event: EconomyEvent, tick: number, config: EconomyConfig): NotableEvent | undefined => {
  const date = tickToDate(config, tick)
  const base = { tick, date, type: event.type }
  switch (event.type) {
    case "ModelReleased": {
      const d = event.data
      const frontier = d.effectiveFlopLog10 > d.frontierBeforeLog10
      if (!frontier) return undefined
      return {
        ...base,
        agent: `lab-${d.lab}`,
        summary: `Lab ${d.lab} releases model ${d.generation}: 10^${d.effectiveFlopLog10.toFixed(1)} effective FLOP (new frontier${d.dataRatio < 1 ? ", data-limited" : ""})`,
        data: d,
      }
    }
    case "PowerOrdered":
      if (event.data.gw < NOTABLE_POWER_GW) return undefined
      return {
        ...base,
        agent: `power-${event.data.source}`,
        summary: `${event.data.source} power ordered: ${formatNumber(event.data.gw)} GW, online ${tickToDate(config, event.data.onlineTick)}${event.data.shortfallGw > 0 ? ` (${formatNumber(event.data.shortfallGw)} GW short now)` : ""}`,
        data: event.data,
      }
    case "SectorAutomationShifted": {
      const d = event.data
      const drivers = Object.entries(d.drivers).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      return {
        ...base,
        agent: `sector-${d.sector}`,
        summary: `${d.sector}: machines now do ${formatValue(d.aiShareOfSector, "fraction")} of its tasks (${d.delta > 0 ? "+" : ""}${(d.delta * 100).toFixed(2)} pp of world GDP, mostly ${driverLabel(drivers[0][0])})`,
        data: d,
      }
    }
    case "AgiReached":
    case "AsiReached":
      return {
        ...base,
        summary: `${event.type === "AgiReached" ? "AGI" : "ASI"}: AI does ${formatValue(event.data.aiShare, "fraction")} of world GDP (threshold ${formatValue(event.data.threshold, "fraction")})`,
        data: event.data,
      }
    case "PostScarcityReached":
      return {
        ...base,
        summary: postScarcitySentence(event.data),
        data: event.data,
      }
    case "CatastropheOccurred":
      return {
        ...base,
        summary: `Catastrophe at AI share ${formatValue(event.data.aiShare, "fraction")}; the run ends`,
        data: event.data,
      }
    default:
      return supplierEvent(event, base, config)
  }
}

/** The people behind a post-scarcity milestone: the poorest decile's income by source against the basket. */
const postScarcitySentence = (d: Extract<EconomyEvent, { type: "PostScarcityReached" }>["data"]): string => {
  const capital = d.nonLabourPerHeadUsd - d.transferPerHeadUsd
  return (
    `Post-scarcity (every decile can buy the basic basket without working, ${d.sustainedMonths} months running): ` +
    `the basket costs ${formatValue(d.basketCostUsd, "USD")} a year; the poorest decile (decile ${d.poorestDecile}) receives ` +
    `${formatValue(d.nonLabourPerHeadUsd, "USD")} a head without work (${formatValue(d.transferPerHeadUsd, "USD")} basic income, ${formatValue(capital, "USD")} capital income) ` +
    `and ${formatValue(d.labourPerHeadUsd, "USD")} in wages; the least covered decile gets ${formatValue(d.leastNonLabourPerHeadUsd, "USD")} without work`
  )
}

/** Post-scarcity in words, and why it came before ASI when it did (transfers or capital income, not AI's share). */
const postScarcitySummary = (ms: NonNullable<Explanation["milestone"]>, asiDate: string | null): string => {
  const d = ms.data as Extract<EconomyEvent, { type: "PostScarcityReached" }>["data"]
  const byTransfers = d.transferPerHeadUsd >= d.basketCostUsd
  const beforeAsi =
    asiDate === null
      ? ` It came before ASI (AI does ${formatValue(d.aiShare, "fraction")} of GDP): ${byTransfers ? "the basic income alone buys the basket" : "the poorest decile's capital income and transfers buy the basket"}, which does not need AI to do 90% of the work.`
      : ""
  return `Post-scarcity reached ${ms.date}. ${postScarcitySentence(d)}.${beforeAsi}`
}

/** What each attribution driver (SectorAutomationShifted's `drivers` keys) is called for people. */
export const DRIVER_LABELS: Readonly<Record<string, string>> = {
  capability: "AI capability",
  chipCost: "chip cost",
  power: "power supply",
  robotCost: "robot cost",
  wages: "wages",
  adoption: "adoption",
}

const driverLabel = (driver: string): string => DRIVER_LABELS[driver] ?? driver

export interface DriverContribution {
  readonly driver: string
  /** The driver's name for people, e.g. "robot cost" for robotCost. */
  readonly label: string
  /** Share of world GDP (AI-share points) attributed to this driver up to the milestone. */
  readonly contribution: number
  readonly share: number
}

export interface BindingConstraint {
  readonly constraint: string
  readonly months: number
  readonly first: string
  readonly last: string
}

/** The physical constraints an event says bound this month (empty when it records none). */
export const bindingConstraints = (event: EconomyEvent): ReadonlyArray<string> => {
  switch (event.type) {
    case "ChipsSold":
      return event.data.limitedBy === "budget" ? [] : [`chip purchases held by ${event.data.limitedBy}`]
    case "RobotsBuilt":
      return event.data.limitedBy === "demand" ? [] : [`robot output held by ${event.data.limitedBy}`]
    case "PowerDispatched":
      return event.data.dark.map((u) => `power short for ${u}`)
    case "MaterialsDispatched":
      return [
        ...event.data.short.map((u) => `materials short for ${u}`),
        ...event.data.planetaryBound.map((m) => `planetary materials budget binds (${m})`),
      ]
    case "SpaceBuilt":
      return event.data.planetaryPowerBound ? ["planetary power budget binds"] : []
    default:
      return []
  }
}

/** The audit of an economy milestone: the wire form (`@takeoff/protocol`'s Explanation) and more. */
export interface Explanation extends AuditExplanation {
  readonly why: Why
  readonly scenario: string
  readonly seed: number
  readonly milestone: {
    readonly type: string
    readonly tick: number
    readonly date: string
    readonly data: unknown
  } | null
  /** What moved the AI share from the start to the milestone, by driver (from SectorAutomationShifted). */
  readonly drivers: ReadonlyArray<DriverContribution>
  readonly sectors: ReadonlyArray<{ readonly sector: string; readonly contribution: number }>
  /**
   * Where the frontier capability behind the milestone came from, in orders of magnitude of
   * effective training compute since the start: physical compute, algorithms, the data limit
   * (negative when it bit), and what unpowered chips cost the frontier run (informational).
   */
  readonly capabilitySources: {
    readonly frontierStartLog10: number
    readonly frontierLog10: number
    readonly fromComputeOom: number
    readonly fromAlgorithmsOom: number
    readonly fromDataOom: number
    readonly lostToPowerOom: number
    readonly model: { readonly lab: number; readonly generation: number; readonly date: string } | null
  }
  /**
   * Physical constraints that bound before the milestone (power, fabs, robot factories, on-board
   * chips), with the number of months each bound and the first and last of them.
   */
  readonly constraints: ReadonlyArray<BindingConstraint>
  /** What labs paid each foundry for chips and buyers paid each robot maker up to the milestone. */
  readonly suppliers: { readonly chips: ReadonlyArray<SupplierPart>; readonly robots: ReadonlyArray<SupplierPart> }
}

const MILESTONE_TYPE: Record<Why, string> = {
  agi: "AgiReached",
  asi: "AsiReached",
  "post-scarcity": "PostScarcityReached",
}
const MAX_EVENTS = 60

/**
 * The audit of a milestone from a log alone: replays it (no agent logic), finds the milestone event
 * and the metric crossing, and attributes the AI-share rise to drivers and sectors using the
 * `SectorAutomationShifted` events, listing the releases and build-outs that preceded it.
 *
 * @example
 * const ex = explain(logText, "agi")
 * ex.drivers[0] // { driver: "capability", contribution: 0.061, share: 0.62 }
 */
export const explain = (text: string, why: Why): Explanation => {
  const type = MILESTONE_TYPE[why]
  if (type === undefined) throw new RangeError(`why: expected agi, asi or post-scarcity, got "${why}"`)
  const { config } = checkHeader(economyModel, text.slice(0, Math.max(0, text.indexOf("\n"))))
  const thresholds: Record<Why, number> = {
    agi: config.values["milestones.agiAiShare"],
    asi: config.values["milestones.asiAiShare"],
    // Post-scarcity crosses when the least income without work reaches the basket's cost (ratio 1).
    "post-scarcity": 1,
  }
  let milestone: Explanation["milestone"] = null
  let before: { tick: number; date: string; value: number } | null = null
  let after: { tick: number; date: string; value: number } | null = null
  const drivers = new Map<string, number>()
  const sectors = new Map<string, number>()
  const events: Array<NotableEvent & { contribution?: number }> = []
  let asiDate: string | null = null
  const constraints = new Map<string, { months: number; first: string; last: string }>()
  const spend = new SupplierSpend()
  const metric = why === "post-scarcity" ? "leastIncomeWithoutWorkOverBasket" : "aiShare"
  let frontierModel: (Extract<EconomyEvent, { type: "ModelReleased" }>["data"] & { date: string }) | undefined
  const result = replay(economyModel, text, {
    onTick: (tick, evs, state) => {
      if (milestone !== null) return
      const value =
        why === "post-scarcity" ? leastIncomeWithoutWork(state) / basketCostUsd(state) : state.flow[F.aiShare]
      for (const e of evs) {
        if (e.type === "ModelReleased" && e.data.effectiveFlopLog10 > e.data.frontierBeforeLog10) {
          frontierModel = { ...e.data, date: tickToDate(config, tick) }
        }
        if (e.type === "SectorAutomationShifted") {
          for (const [d, c] of Object.entries(e.data.drivers)) drivers.set(d, (drivers.get(d) ?? 0) + c)
          sectors.set(e.data.sector, (sectors.get(e.data.sector) ?? 0) + e.data.delta)
        }
        spend.add(e)
        for (const c of bindingConstraints(e)) {
          const date = tickToDate(config, tick)
          const seen = constraints.get(c)
          if (seen === undefined) constraints.set(c, { months: 1, first: date, last: date })
          else constraints.set(c, { ...seen, months: seen.months + 1, last: date })
        }
        const n = notableEvent(e, tick, config)
        if (n !== undefined && e.type !== "AgiReached" && e.type !== "AsiReached" && e.type !== "PostScarcityReached") {
          events.push(e.type === "SectorAutomationShifted" ? { ...n, contribution: e.data.delta } : n)
        }
        if (e.type === type) milestone = { type, tick, date: tickToDate(config, tick), data: e.data }
        if (e.type === "AsiReached") asiDate = tickToDate(config, tick)
      }
      const point = { tick, date: tickToDate(config, tick), value }
      if (why === "post-scarcity") {
        // Post-scarcity follows a streak: the crossing is the streak's first month, not its last.
        if (value < 1) {
          before = point
          after = null
        } else if (after === null) after = point
      } else if (milestone !== null) after = point
      else before = point
    },
  })
  const total = [...drivers.values()].reduce((a, b) => a + Math.abs(b), 0)
  const driverList = [...drivers.entries()]
    .map(([driver, contribution]) => ({
      driver,
      label: driverLabel(driver),
      contribution,
      share: total > 0 ? Math.abs(contribution) / total : 0,
    }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.driver.localeCompare(b.driver))
  const sectorList = [...sectors.entries()]
    .map(([sector, contribution]) => ({ sector, contribution }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.sector.localeCompare(b.sector))
  // Keep the largest automation shifts and the latest other notable events.
  const shifts = events
    .filter((e) => e.contribution !== undefined)
    .sort((a, b) => Math.abs(b.contribution!) - Math.abs(a.contribution!))
  const others = events.filter((e) => e.contribution === undefined)
  const kept = [...shifts.slice(0, MAX_EVENTS / 2), ...others.slice(-MAX_EVENTS / 2)].sort(
    (a, b) => a.tick - b.tick || a.type.localeCompare(b.type),
  )
  const frontierStartLog10 = config.values["ai.frontierLog10Flop2024"]
  const fm = frontierModel as (Extract<EconomyEvent, { type: "ModelReleased" }>["data"] & { date: string }) | undefined
  const capabilitySources =
    fm === undefined
      ? {
          frontierStartLog10,
          frontierLog10: frontierStartLog10,
          fromComputeOom: 0,
          fromAlgorithmsOom: 0,
          fromDataOom: 0,
          lostToPowerOom: 0,
          model: null,
        }
      : {
          frontierStartLog10,
          frontierLog10: fm.effectiveFlopLog10,
          fromAlgorithmsOom: fm.algoLog10,
          fromDataOom: fm.effectiveFlopLog10 - fm.trainingFlopLog10 - fm.algoLog10,
          fromComputeOom: fm.trainingFlopLog10 - frontierStartLog10,
          lostToPowerOom: -Math.log10(Math.max(1e-12, fm.poweredShare)),
          model: { lab: fm.lab, generation: fm.generation, date: fm.date },
        }
  const constraintList = [...constraints.entries()]
    .map(([constraint, c]) => ({ constraint, ...c }))
    .sort((a, b) => b.months - a.months || a.constraint.localeCompare(b.constraint))
  const reached = milestone !== null
  const ms = milestone as Explanation["milestone"]
  const label = why === "agi" ? "AGI" : why === "asi" ? "ASI" : "Post-scarcity"
  const binding =
    constraintList.length > 0
      ? ` Binding: ${constraintList
          .slice(0, 3)
          .map((c) => `${c.constraint} ${c.months} months (${c.first}..${c.last})`)
          .join("; ")}.`
      : ""
  const summary = !reached
    ? `${label} not reached by ${tickToDate(config, result.tick)}.`
    : why === "post-scarcity"
      ? `${postScarcitySummary(ms!, asiDate)}${binding}`
      : `${label} reached ${ms!.date}. ${driverList
          .slice(0, 3)
          .map((d) => `${d.label} ${formatValue(d.share, "fraction")}`)
          .join(
            ", ",
          )} of the rise in the AI share; led by ${sectorList[0]?.sector ?? "no sector"}. The frontier model ` +
        `(10^${capabilitySources.frontierLog10.toFixed(1)} effective FLOP) gained ${capabilitySources.fromComputeOom.toFixed(1)} OOM ` +
        `from compute and ${capabilitySources.fromAlgorithmsOom.toFixed(1)} from algorithms since the start` +
        `${capabilitySources.fromDataOom < -0.05 ? `, lost ${(-capabilitySources.fromDataOom).toFixed(1)} to the data limit` : ""}` +
        `${capabilitySources.lostToPowerOom > 0.05 ? `; unpowered chips cost it ${capabilitySources.lostToPowerOom.toFixed(1)} OOM` : ""}.` +
        binding
  return {
    why,
    scenario: config.name,
    seed: result.header.seed,
    reached,
    milestone: ms,
    crossing: { metric, threshold: thresholds[why], before, after },
    drivers: driverList,
    sectors: sectorList,
    capabilitySources,
    constraints: constraintList,
    suppliers: spend.parts(),
    events: kept,
    summary,
  }
}
