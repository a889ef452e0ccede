import { Column, defineEvent, type EventOf } from "@takeoff/core"
import { Schema } from "effect"
import { fleetH100e, productionMix } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { servedShare, sparePowerGw } from "../economy/power.js"
import { robotsWanted } from "./robots.js"
import { USER } from "../economy/sets.js"
import { F, isOver, RING, X } from "../economy/state.js"

/**
 * Chip fabs (docs/model.md, "Chip fabs"). Capacity C (units/yr) makes C/12 units a month, the
 * newest generation ramping in over `chips.rampMonths`. Each generation's unit cost follows a
 * learning curve, cost_g = price_g x (1 - margin) x (1 + cum_g / 1e6)^log2(1 - learning rate).
 *   price per H100e = max(cost x (1 + min markup), lab budgets / supply)       (scarcity pricing)
 *   sold            = min(supply, powerable H100e, budgets / price)              (dark chips unmade)
 *   capacity order  = min(max growth x C / 12, budgets at the floor price - C - pipeline)
 * Generations are scenario data (`economy/generations.ts`): `chips.<generation>.{year, h100e,
 * watts, priceUsd}` per named generation, then `chips.later*` steps.
 */

export const params = [
  param("chips.h100FlopPerSec", "FLOP/s", 1e13, 1e17, "H100 FLOP/s", "Dense BF16 peak of one H100 (one H100e)."),
  param("chips.production2024Units", "units", 10000, 1e10, "Chips made 2024", "AI accelerators made in 2024 (NVIDIA)."),
  param(
    "chips.committedGrowthPerYear",
    "fraction/yr",
    0,
    10,
    "Committed capacity growth",
    "Growth of chip output already committed before 2024 (arrives over the fab lead time).",
  ),
  param(
    "chips.initialStockH100e",
    "H100e",
    0,
    1e10,
    "Installed 2024",
    "Installed AI accelerators in January 2024, in H100-equivalents.",
  ),
  param("chips.lifetimeYears", "years", 1, 30, "Chip lifetime", "Average service life of an accelerator."),
  param(
    "chips.serverOverhead",
    "x",
    1,
    5,
    "Server overhead",
    "All-in server power (CPUs, memory, networking) over the chip's TDP.",
  ),
  param("chips.pue", "ratio", 1, 3, "PUE", "Data-centre power usage effectiveness."),
  param(
    "chips.grossMargin2024",
    "fraction",
    0,
    0.99,
    "Chip gross margin",
    "Chip makers' gross margin at launch prices; sets the unit cost below the price.",
  ),
  param(
    "chips.minMarkup",
    "fraction",
    0,
    10,
    "Minimum markup",
    "Lowest markup over unit cost at which chips are sold.",
  ),
  param(
    "chips.learningRate",
    "fraction",
    0,
    0.9,
    "Chip learning rate",
    "Unit cost fall per doubling of a generation's cumulative output.",
  ),
  param("chips.fabLeadTimeMonths", "months", 1, 120, "Fab lead time", "Months from a capacity order to output."),
  param(
    "chips.fabCapexUsdPerUnitYear",
    "USD per unit/yr",
    1,
    1e7,
    "Fab capex",
    "Capital cost of one unit per year of accelerator output capacity.",
  ),
  param(
    "chips.maxCapacityGrowthPerYear",
    "fraction/yr",
    0,
    20,
    "Fab growth limit",
    "Largest capacity order per year relative to current capacity.",
  ),
  param(
    "chips.fabMwhPerUnit",
    "MWh",
    0,
    1000,
    "Fab energy per chip",
    "Electricity to make one accelerator (wafer, memory, packaging): the factories' draw on the power system.",
  ),
  param("chips.rampMonths", "months", 1, 60, "Generation ramp", "Months for a new generation to take over production."),
  param(
    "chips.laterGenerations",
    "generations",
    0,
    60,
    "Later generations",
    "Generations after the last named one before chip performance stops improving (physical limits).",
    true,
  ),
  param(
    "chips.laterIntervalYears",
    "years",
    0.5,
    10,
    "Later generation interval",
    "Years between generations after the last named one.",
  ),
  param("chips.laterPerfStep", "x", 1, 100, "Later performance step", "Performance multiple per later generation."),
  param("chips.laterWattsStep", "x", 0.1, 10, "Later power step", "TDP multiple per later generation."),
  param("chips.laterPriceStep", "x", 0.1, 10, "Later price step", "Launch price multiple per later generation."),
]

/** The chip market clears: production by generation, price, and each lab's purchase (H100e). */
/** What held the labs' purchases: their budgets, the fabs' output, or power for the chips. */
const CHIP_LIMITS = ["budget", "fabs", "power"] as const
type ChipLimit = (typeof CHIP_LIMITS)[number]

/**
 * The chip market clears: units made by generation, the labs' H100e with its price and cost, each
 * lab's purchase, the robot makers' on-board computers (H100e) and what held the labs back. v2
 * added the robot makers' chips and the limit (v1 logs: none to robots, budget-limited).
 */
export const ChipsSold = defineEvent(
  "ChipsSold",
  2,
  Schema.Struct({
    units: Column.f64,
    h100e: Schema.Number,
    priceUsdPerH100e: Schema.Number,
    costUsdPerH100e: Schema.Number,
    labH100e: Column.f64,
    robotH100e: Schema.Number,
    limitedBy: Schema.Literals(CHIP_LIMITS),
  }),
  { 1: (d) => ({ ...(d as object), robotH100e: 0, limitedBy: "budget" }) },
)

/** A fab capacity order: arrives after the lead time. */
export const FabCapacityOrdered = defineEvent(
  "FabCapacityOrdered",
  1,
  Schema.Struct({
    unitsPerYear: Schema.Number,
    onlineTick: Schema.Int,
    capexUsd: Schema.Number,
    scarcity: Schema.Number,
  }),
)

export const events = [ChipsSold, FabCapacityOrdered] as const

/** Chip fabs: output by generation, scarcity pricing over a learning-curve cost, capacity orders. */
export const systems: Systems<typeof events> = [
  {
    name: "chips",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p, x } = st
      const v = p.v
      const nG = p.gens.length
      const { newest, share } = productionMix(p, tick)
      // The month's output mix per unit of capacity (newest generation ramping in), then what the
      // power of last month's dispatch lets the fabs make.
      const mix = new Float64Array(nG)
      mix[newest] = share
      if (newest > 0) mix[newest - 1] += 1 - share
      const b = Math.log2(1 - v["chips.learningRate"])
      let h100ePerUnit = 0
      let costPerUnit = 0
      let kwPerUnit = 0
      for (let g = 0; g < nG; g++) {
        if (mix[g] === 0) continue
        const unitCost = p.gens[g].priceUsd * (1 - v["chips.grossMargin2024"]) * (1 + st.chipCum[g] / 1e6) ** b
        h100ePerUnit += mix[g] * p.gens[g].h100e
        costPerUnit += mix[g] * unitCost
        kwPerUnit += mix[g] * p.gens[g].kw
      }
      const costPerH100e = costPerUnit / h100ePerUnit
      // Power per H100e of this month's output mix: at a launch the newest generation is a sliver of
      // output, and pricing power by it alone bought a burst of chips that then sat dark.
      const kwPerH100e = kwPerUnit / h100ePerUnit
      const fabUnits = (x[X.fabCapacity] / 12) * servedShare(st, USER.factories)
      const supplyH100e = fabUnits * h100ePerUnit
      // Robot makers buy the on-board computers of the robots they mean to build first: a robot's
      // computer is a small part of its price, so they outbid labs for the same wafers.
      const robotH100e = Math.min(supplyH100e, robotsWanted(st, tick) * v["robots.chipH100ePerRobot"])
      const labSupplyH100e = supplyH100e - robotH100e
      let budget = 0
      for (let l = 0; l < p.nLabs; l++) budget += st.labBudget[l] / 12
      // Labs buy only chips they can power within the deployment time: spare capacity, power arriving
      // soon, and the power of chips retiring this month. Past that, chips would sit dark.
      const retiringH100e = fleetH100e(st) / (v["chips.lifetimeYears"] * 12)
      const powerableH100e = Math.max(0, (sparePowerGw(st, tick, USER.dataCentres) * 1e6) / kwPerH100e) + retiringH100e
      const floor = costPerH100e * (1 + v["chips.minMarkup"])
      // Fab scarcity sets the chip price; when power is what binds, the unsold chips are not made.
      const price = labSupplyH100e > 0 ? Math.max(floor, budget / labSupplyH100e) : floor
      const sold = Math.min(labSupplyH100e, powerableH100e, budget / price)
      const limitedBy: ChipLimit = sold >= budget / price ? "budget" : sold >= labSupplyH100e ? "fabs" : "power"
      const units = new Float64Array(nG)
      for (let g = 0; g < nG; g++) units[g] = (mix[g] * (sold + robotH100e)) / h100ePerUnit
      const labH100e = new Float64Array(p.nLabs)
      for (let l = 0; l < p.nLabs; l++) labH100e[l] = budget > 0 ? (sold * st.labBudget[l]) / 12 / budget : 0
      const out: EventOf<typeof events>[] = [
        ChipsSold.make({
          units,
          h100e: sold,
          priceUsdPerH100e: price,
          costUsdPerH100e: costPerH100e,
          labH100e,
          robotH100e,
          limitedBy,
        }),
      ]
      // Capacity the budget would buy at the floor price, versus capacity installed and on order.
      // (Fabs plan on money, not on today's power: power is ordered for the chips fabs will make.)
      const desired = (12 * budget) / (floor * h100ePerUnit)
      let pipeline = 0
      for (let i = 0; i < RING; i++) pipeline += st.fabPipe[i]
      const order = Math.min(
        (v["chips.maxCapacityGrowthPerYear"] * x[X.fabCapacity]) / 12,
        desired - x[X.fabCapacity] - pipeline,
      )
      if (order > x[X.fabCapacity] * 0.001) {
        out.push(
          FabCapacityOrdered.make({
            unitsPerYear: order,
            onlineTick: tick + Math.round(v["chips.fabLeadTimeMonths"]),
            capexUsd: order * v["chips.fabCapexUsdPerUnitYear"],
            scarcity: price / floor,
          }),
        )
      }
      return out
    },
  },
]

export const reducers: Reducers<typeof events> = {
  ChipsSold: (st, d) => {
    const { x, flow } = st
    const fleet = fleetH100e(st)
    const L = st.p.nLabs
    let total = 0
    for (let l = 0; l < L; l++) total += st.labShare[l] * fleet + d.labH100e[l]
    for (let l = 0; l < L; l++) st.labShare[l] = total > 0 ? (st.labShare[l] * fleet + d.labH100e[l]) / total : 1 / L
    let units = 0
    // Units made serve labs and robot makers; only the labs' go into data centres.
    const made = d.h100e + d.robotH100e
    const toDataCentres = made > 0 ? d.h100e / made : 0
    for (let g = 0; g < st.chipStock.length; g++) {
      st.chipStock[g] += d.units[g] * toDataCentres
      st.chipCum[g] += d.units[g]
      units += d.units[g]
    }
    x[X.chipsMadeTotal] += units
    flow[F.chipsMadeUnits] = units
    flow[F.chipH100eMade] = d.h100e
    flow[F.chipPricePerH100e] = d.priceUsdPerH100e
    flow[F.chipCostPerH100e] = d.costUsdPerH100e
    flow[F.chipSpend] = d.h100e * d.priceUsdPerH100e * 12
    flow[F.robotChipH100e] = d.robotH100e
  },
  FabCapacityOrdered: (st, d) => {
    st.fabPipe[d.onlineTick % RING] += d.unitsPerYear
    st.flow[F.fabCapex] += d.capexUsd * 12
  },
}
