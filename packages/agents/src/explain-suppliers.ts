import { formatNumber, formatValue, type NotableEvent } from "@takeoff/protocol"
import { FOUNDRIES, ROBOT_MAKERS, SUPPLIER_NAMES } from "./economy/sets.js"
import type { EconomyEvent } from "./events.js"
import type { EconomyConfig } from "./scenario.js"
import { tickToDate } from "./time.js"

/**
 * The suppliers in the feed and in audits (docs/model.md, "Foundries" and "Robot makers"): each
 * foundry's and robot maker's notable decisions named by supplier, and what the labs paid each
 * foundry for chips and buyers paid each maker for robots up to a milestone.
 */

/** Big enough to show in a feed: capex of at least this much is notable. */
const NOTABLE_CAPEX_USD = 5e9
const supplierName = (id: string): string => (SUPPLIER_NAMES as Readonly<Record<string, string>>)[id] ?? id

/** The feed entry of a supplier's event, or undefined when it is routine (sales, small orders). */
export const supplierEvent = (
  event: EconomyEvent,
  base: { readonly tick: number; readonly date: string; readonly type: string },
  config: EconomyConfig,
): NotableEvent | undefined => {
  switch (event.type) {
    case "FoundryCapacityOrdered":
      if (event.data.capexUsd < NOTABLE_CAPEX_USD) return undefined
      return {
        ...base,
        agent: `foundry-${event.data.foundry}`,
        summary: `${supplierName(event.data.foundry)} orders ${formatNumber(event.data.unitsPerYear)} chips/yr of ${event.data.kind === "fab" ? "fab" : "packaging"} capacity (${formatValue(event.data.capexUsd, "USD")}), online ${tickToDate(config, event.data.onlineTick)}`,
        data: event.data,
      }
    case "FoundryOutage":
      return {
        ...base,
        agent: `foundry-${event.data.foundry}`,
        summary:
          event.data.shareLost > 0
            ? `${supplierName(event.data.foundry)} loses ${formatValue(event.data.shareLost, "fraction")} of its output until ${tickToDate(config, event.data.untilTick)} (outage or export control)`
            : `${supplierName(event.data.foundry)} recovers its full output`,
        data: event.data,
      }
    case "FoundryEntered":
    case "RobotMakerEntered": {
      const who = event.type === "FoundryEntered" ? event.data.foundry : event.data.maker
      return {
        ...base,
        agent: event.type === "FoundryEntered" ? `foundry-${who}` : `robot-maker-${who}`,
        summary: `${supplierName(who)} enters the ${event.type === "FoundryEntered" ? "AI chip" : "robot"} market with ${formatNumber(event.data.unitsPerYear)} a year of capacity`,
        data: event.data,
      }
    }
    case "FoundryExited":
    case "RobotMakerExited": {
      const who = event.type === "FoundryExited" ? event.data.foundry : event.data.maker
      return {
        ...base,
        agent: event.type === "FoundryExited" ? `foundry-${who}` : `robot-maker-${who}`,
        summary: `${supplierName(who)} leaves the ${event.type === "FoundryExited" ? "AI chip" : "robot"} market (${formatValue(event.data.unitShare, "fraction")} of units)`,
        data: event.data,
      }
    }
    case "RobotMakerRedesigned":
      if (event.data.costFactor === 1 && event.data.generation % 2 === 1) return undefined
      return {
        ...base,
        agent: `robot-maker-${event.data.maker}`,
        summary: `Design ${event.data.generation} from ${supplierName(event.data.maker)}: capability ${formatNumber(event.data.capability)}x${event.data.costFactor < 1 ? `, unit cost x${formatNumber(event.data.costFactor)}` : ""}`,
        data: event.data,
      }
    case "RobotMakerExpanded":
      if (event.data.capexUsd < NOTABLE_CAPEX_USD) return undefined
      return {
        ...base,
        agent: `robot-maker-${event.data.maker}`,
        summary: `${supplierName(event.data.maker)} adds ${formatNumber(event.data.unitsPerYear)} robots/yr (${formatValue(event.data.capexUsd, "USD")}${event.data.selfReplicationSaving > 0.05 ? `, ${formatValue(event.data.selfReplicationSaving, "fraction")} cheaper with robot staff` : ""})`,
        data: event.data,
      }
    default:
      return undefined
  }
}

/** One supplier's part of what was paid for chips or robots up to a milestone. */
export interface SupplierPart {
  readonly supplier: string
  readonly name: string
  readonly paidUsd: number
  readonly share: number
  /** Mean price paid: USD per H100e for foundries, USD per robot for makers. */
  readonly meanPriceUsd: number
}

/** Sums what labs paid each foundry and buyers paid each robot maker, event by event (monthly flows). */
export class SupplierSpend {
  private readonly chipUsd = new Float64Array(FOUNDRIES.length)
  private readonly chipH100e = new Float64Array(FOUNDRIES.length)
  private readonly robotUsd = new Float64Array(ROBOT_MAKERS.length)
  private readonly robotUnits = new Float64Array(ROBOT_MAKERS.length)

  add(event: EconomyEvent): void {
    if (event.type === "FoundriesSold")
      for (let i = 0; i < FOUNDRIES.length; i++) {
        this.chipUsd[i] += event.data.labH100e[i] * event.data.priceUsdPerH100e[i]
        this.chipH100e[i] += event.data.labH100e[i]
      }
    if (event.type === "RobotMakersSold")
      for (let i = 0; i < ROBOT_MAKERS.length; i++) {
        this.robotUsd[i] += event.data.units[i] * event.data.priceUsd[i]
        this.robotUnits[i] += event.data.units[i]
      }
  }

  /** Chip and robot spending by supplier, largest first. */
  parts(): { readonly chips: ReadonlyArray<SupplierPart>; readonly robots: ReadonlyArray<SupplierPart> } {
    const list = (ids: ReadonlyArray<string>, usd: Float64Array, qty: Float64Array) => {
      const total = usd.reduce((a, b) => a + b, 0)
      return ids
        .map((supplier, i) => ({
          supplier,
          name: supplierName(supplier),
          paidUsd: usd[i],
          share: total > 0 ? usd[i] / total : 0,
          meanPriceUsd: qty[i] > 0 ? usd[i] / qty[i] : 0,
        }))
        .filter((p) => p.paidUsd > 0)
        .sort((a, b) => b.paidUsd - a.paidUsd || a.supplier.localeCompare(b.supplier))
    }
    return {
      chips: list(FOUNDRIES, this.chipUsd, this.chipH100e),
      robots: list(ROBOT_MAKERS, this.robotUsd, this.robotUnits),
    }
  }
}
