import { Column, defineEvent, expectLength } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { fleetH100e, productionMix } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { NFD } from "../economy/sets.js"
import { type EconomyState, F, FL, isOver, MKT, NFL, X } from "../economy/state.js"
import { freshF64 } from "../economy/fresh.js"

/**
 * Chip fabs (docs/model.md, "Chip fabs"): the chip market as the sum of the foundries
 * (`mechanisms/foundries.ts`, which clear it supplier by supplier and order capacity). Output mixes
 * the newest generation in over `chips.rampMonths`; each generation's unit cost follows a learning
 * curve, cost_g = price_g x (1 - margin) x (1 + cum_g / 1e6)^log2(1 - learning rate).
 *   sold  = sum over foundries of H100e sold to labs; price = their spend / sold   (mean price)
 *   units = (sold + robot makers' H100e) / H100e per unit of the mix, by generation
 * Generations are scenario data (`economy/generations.ts`): `chips.<generation>.{year, h100e,
 * watts, priceUsd}` per named generation, then `chips.later*` steps; they are the foundries' products.
 */

/** What held the labs' chips: their budgets, fab output, packaging, or power for the chips. */
export const CHIP_LIMITS = ["budget", "fabs", "packaging", "power"] as const
export type ChipLimit = (typeof CHIP_LIMITS)[number]

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
  param(
    "chips.fabLeadTimeMonths",
    "months",
    1,
    120,
    "Committed fab lead time",
    "Months over which the capacity committed before the start arrives (each foundry orders on its own lead time).",
  ),
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
    "Largest capacity order per year relative to current capacity (every foundry, fab and packaging).",
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

/** Generation `g`'s share of the month's output: the newest ramps in (`share`), the one before makes the rest. */
const mixShare = (newest: number, share: number, g: number): number =>
  g === newest ? share : g === newest - 1 ? 1 - share : 0

/**
 * The month's output mix per unit of capacity (the newest generation ramping in) and what a unit of
 * it holds: H100e, unit cost on each generation's learning curve, and power at the wall.
 */
export const chipMix = (st: EconomyState, tick: number) => {
  const { p } = st
  const v = p.v
  const { newest, share } = productionMix(p, tick)
  const b = Math.log2(1 - v["chips.learningRate"])
  const margin = 1 - v["chips.grossMargin2024"]
  // Only the newest generation and the one before are in the mix: summed in generation order
  // without building the mix (this runs three times a month).
  let h100ePerUnit = 0
  let costPerUnit = 0
  let kwPerUnit = 0
  for (let g = newest > 0 ? newest - 1 : newest; g <= newest; g++) {
    const m = mixShare(newest, share, g)
    if (m === 0) continue
    const gen = p.gens[g]
    const unitCost = gen.priceUsd * margin * (1 + st.chipCum[g] / 1e6) ** b
    h100ePerUnit += m * gen.h100e
    costPerUnit += m * unitCost
    kwPerUnit += m * gen.kw
  }
  return { newest, share, h100ePerUnit, costPerUnit, kwPerUnit }
}

/**
 * The chip market as a whole, the sum of the foundries' sales (`mechanisms/foundries.ts`): units
 * made by generation, the labs' H100e with its mean price and cost, each lab's purchase, the robot
 * makers' on-board computers (H100e) and what held the labs back. v2 added the robot makers' chips
 * and the limit (v1 logs: none to robots, budget-limited); v3 added packaging as a limit.
 */
export const ChipsSold = defineEvent(
  "ChipsSold",
  3,
  Schema.Struct({
    units: Column.f64,
    h100e: Schema.Number,
    priceUsdPerH100e: Schema.Number,
    costUsdPerH100e: Schema.Number,
    labH100e: Column.f64,
    robotH100e: Schema.Number,
    limitedBy: Schema.Literals(CHIP_LIMITS),
  }),
  { 1: (d) => ({ ...(d as object), robotH100e: 0, limitedBy: "budget" }), 2: (d) => d },
)

export const events = [ChipsSold] as const

/** The chip market: the foundries' sales summed, split among labs by budget, by generation by the output mix. */
export const systems: Systems<typeof events> = [
  {
    name: "chips",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p } = st
      const { newest, share, h100ePerUnit } = chipMix(st, tick)
      let sold = 0
      let robotH100e = 0
      let spend = 0
      let costs = 0
      let floorCost = 0
      let available = 0
      for (let i = 0; i < NFD; i++) {
        const o = i * NFL
        sold += st.foundryLast[o + FL.labH100e]
        robotH100e += st.foundryLast[o + FL.robotH100e]
        spend += st.foundryLast[o + FL.labH100e] * st.foundryLast[o + FL.price]
        costs += st.foundryLast[o + FL.labH100e] * st.foundryLast[o + FL.cost]
        floorCost += st.foundryLast[o + FL.available] * st.foundryLast[o + FL.cost]
        available += st.foundryLast[o + FL.available]
      }
      // With nothing sold, the price is the supply-weighted floor (what a first chip would cost).
      let inMarket = 0
      let meanCost = 0
      for (let i = 0; i < NFD; i++)
        if (st.foundryStatus[i] === 1) {
          inMarket++
          meanCost += st.foundryLast[i * NFL + FL.cost]
        }
      const cost =
        sold > 0 ? costs / sold : available > 0 ? floorCost / available : inMarket > 0 ? meanCost / inMarket : 0
      const price = sold > 0 ? spend / sold : cost * (1 + p.v["chips.minMarkup"])
      let budget = 0
      for (let l = 0; l < p.nLabs; l++) budget += st.labBudget[l] / 12
      const units = freshF64(p.gens.length)
      for (let g = 0; g < units.length; g++)
        units[g] = (mixShare(newest, share, g) * (sold + robotH100e)) / h100ePerUnit
      const labH100e = new Float64Array(p.nLabs)
      for (let l = 0; l < p.nLabs; l++) labH100e[l] = budget > 0 ? (sold * st.labBudget[l]) / 12 / budget : 0
      return [
        ChipsSold.make({
          units,
          h100e: sold,
          priceUsdPerH100e: price,
          costUsdPerH100e: cost,
          labH100e,
          robotH100e,
          limitedBy: CHIP_LIMITS[st.supplyMarket[MKT.chipLimit]] ?? "budget",
        }),
      ]
    },
  },
]

export const reducers: Reducers<typeof events> = {
  ChipsSold: (st, d) => {
    expectLength("labH100e", d.labH100e, st.p.nLabs, "lab")
    expectLength("units", d.units, st.chipStock.length, "chip generation")
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
}
