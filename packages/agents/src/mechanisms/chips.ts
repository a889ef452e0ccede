import { Column, defineEvent, type EventOf } from "@takeoff/core"
import { Schema } from "effect"
import { fleetH100e, powerCapacityGw, powerDemandGw, productionMix } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { NP } from "../economy/sets.js"
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

/** Months from a chip purchase to racks drawing power: power due within this counts as available. */
const DEPLOY_MONTHS = 6

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
export const ChipsSold = defineEvent(
  "ChipsSold",
  1,
  Schema.Struct({
    units: Column.f64,
    h100e: Schema.Number,
    priceUsdPerH100e: Schema.Number,
    costUsdPerH100e: Schema.Number,
    labH100e: Column.f64,
  }),
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
      const monthly = x[X.fabCapacity] / 12
      const units = new Float64Array(nG)
      units[newest] = monthly * share
      if (newest > 0) units[newest - 1] += monthly * (1 - share)
      const b = Math.log2(1 - v["chips.learningRate"])
      let supplyH100e = 0
      let costUsd = 0
      for (let g = 0; g < nG; g++) {
        if (units[g] === 0) continue
        const unitCost = p.gens[g].priceUsd * (1 - v["chips.grossMargin2024"]) * (1 + st.chipCum[g] / 1e6) ** b
        supplyH100e += units[g] * p.gens[g].h100e
        costUsd += units[g] * unitCost
      }
      const costPerH100e = costUsd / supplyH100e
      let budget = 0
      for (let l = 0; l < p.nLabs; l++) budget += st.labBudget[l] / 12
      // Labs buy only chips they can power within the deployment time: free capacity, power arriving
      // soon, and the power of chips retiring this month. Past that, chips would sit dark.
      // Power per H100e of this month's output mix: at a launch the newest generation is a sliver of
      // output, and pricing power by it alone bought a burst of chips that then sat dark.
      let outputKw = 0
      for (let g = 0; g < nG; g++) outputKw += units[g] * p.gens[g].kw
      const kwPerH100e = supplyH100e > 0 ? outputKw / supplyH100e : p.gens[0].kw / p.gens[0].h100e
      let soonGw = 0
      for (let m = 1; m <= DEPLOY_MONTHS; m++)
        for (let j = 0; j < NP; j++) soonGw += st.powerPipe[((tick + m) % RING) * NP + j]
      const retiringH100e = fleetH100e(st) / (v["chips.lifetimeYears"] * 12)
      const powerableH100e =
        Math.max(0, ((powerCapacityGw(st) + soonGw - powerDemandGw(st)) * 1e6) / kwPerH100e) + retiringH100e
      const floor = costPerH100e * (1 + v["chips.minMarkup"])
      // Fab scarcity sets the chip price; when power is what binds, the unsold chips are not made.
      const price = Math.max(floor, budget / supplyH100e)
      const sold = Math.min(supplyH100e, powerableH100e, budget / price)
      const made = sold / supplyH100e
      for (let g = 0; g < nG; g++) units[g] *= made
      const labH100e = new Float64Array(p.nLabs)
      for (let l = 0; l < p.nLabs; l++) labH100e[l] = budget > 0 ? (sold * st.labBudget[l]) / 12 / budget : 0
      const out: EventOf<typeof events>[] = [
        ChipsSold.make({ units, h100e: sold, priceUsdPerH100e: price, costUsdPerH100e: costPerH100e, labH100e }),
      ]
      // Capacity the budget would buy at the floor price, versus capacity installed and on order.
      // (Fabs plan on money, not on today's power: power is ordered for the chips fabs will make.)
      const h100ePerUnit = supplyH100e / monthly
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
    for (let g = 0; g < st.chipStock.length; g++) {
      st.chipStock[g] += d.units[g]
      st.chipCum[g] += d.units[g]
      units += d.units[g]
    }
    x[X.chipsMadeTotal] += units
    flow[F.chipsMadeUnits] = units
    flow[F.chipH100eMade] = d.h100e
    flow[F.chipPricePerH100e] = d.priceUsdPerH100e
    flow[F.chipCostPerH100e] = d.costUsdPerH100e
    flow[F.chipSpend] = d.h100e * d.priceUsdPerH100e * 12
  },
  FabCapacityOrdered: (st, d) => {
    st.fabPipe[d.onlineTick % RING] += d.unitsPerYear
    st.flow[F.fabCapex] += d.capexUsd * 12
  },
}
