import { Column, defineEvent, type EventOf, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { fleetH100e } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { servedShare, sparePowerGw } from "../economy/power.js"
import { entryParams, exitParams, logitShares } from "../economy/suppliers.js"
import { FOUNDRIES, type Foundry, NFD, USER } from "../economy/sets.js"
import { type EconomyState, FL, isOver, MKT, NFL, RING, X } from "../economy/state.js"
import { tickAtYear } from "../time.js"
import { CHIP_LIMITS, type ChipLimit, chipMix } from "./chips.js"
import { robotsWanted } from "./robot-makers.js"

/**
 * Foundries (docs/model.md, "Foundries"). Each foundry f has wafer capacity W_f (accelerators a
 * year at full yield), packaging capacity P_f (CoWoS-class), a yield y_f and an outage share o_f:
 *   y_f        = 1 - (1 - y0_f) x (cum_f / ref_f)^log2(1 - yield learning)              (learning)
 *   available  = min(W_f x y_f, P_f) x (1 - o_f) / 12 x factories' served power share   (fab or packaging binds)
 *   cost_f     = generation cost per H100e x costIndex_f x y0_f / y_f;  floor_f = cost_f x (1 + min markup)
 * Labs' monthly budget B is split by contracts and by price: the share of f is
 *   w_f = c x (f's last spend share) + (1 - c) x A_f p_f^-theta / sum_j A_j p_j^-theta   (A: lab supply, p: last price)
 *   price_f = max(floor_f, w_f B / A_f),  bought_f = w_f B / price_f,  all scaled to the powerable H100e.
 * Robot makers' on-board chips come first, from every foundry in proportion to its supply.
 * Capacity orders are `mechanisms/foundry-capacity.ts`.
 * Entry at `entryYear` with `entryUnitsPerYear`; exit after `exitMonths` in a row under `exitShare`
 * of units; an outage takes `outageShareLost` of output from `outageYear` for `outageYears`.
 */

const perFoundry = (f: Foundry) => [
  param(
    `foundries.${f}.share2024`,
    "fraction",
    0,
    1,
    `${f} share 2024`,
    "Share of the AI accelerators made in 2024 that came off this foundry's lines.",
  ),
  param(
    `foundries.${f}.packagingRatio2024`,
    "x",
    0.1,
    10,
    `${f} packaging / fab`,
    "Advanced packaging capacity over good fab output at the start (1: packaging binds).",
  ),
  param(
    `foundries.${f}.yield2024`,
    "fraction",
    0.05,
    1,
    `${f} yield`,
    "Share of accelerator dies that work, at the start (or entry).",
  ),
  param(
    `foundries.${f}.costIndex`,
    "x",
    0.1,
    10,
    `${f} cost index`,
    "Unit cost per good accelerator relative to the generation's cost, at its starting yield.",
  ),
  param(
    `foundries.${f}.fabLeadTimeMonths`,
    "months",
    1,
    120,
    `${f} fab lead time`,
    "Months from this foundry's capacity order to output.",
  ),
  ...entryParams(`foundries.${f}`, f, {
    sells: "AI accelerators",
    unit: "units/yr",
    capacity: "Accelerators a year of fab and packaging capacity",
  }),
  param(
    `foundries.${f}.outageYear`,
    "year",
    2024,
    3000,
    `${f} outage year`,
    "Year an outage or export control hits it.",
  ),
  param(
    `foundries.${f}.outageShareLost`,
    "fraction",
    0,
    1,
    `${f} outage share`,
    "Share of its output lost during the outage (0: no outage).",
  ),
  param(`foundries.${f}.outageYears`, "years", 0, 50, `${f} outage length`, "Years the outage lasts."),
]

export const params = [
  ...FOUNDRIES.flatMap(perFoundry),
  param(
    "foundries.yieldLearningRate",
    "fraction",
    0,
    0.9,
    "Yield learning",
    "Fall of the defect share per doubling of a foundry's own cumulative output.",
  ),
  param(
    "foundries.contractShare",
    "fraction",
    0,
    1,
    "Contracted share",
    "Share of the labs' chip budget placed by standing contracts (last month's spend shares); the rest goes by price.",
  ),
  param(
    "foundries.priceElasticity",
    "x",
    0,
    50,
    "Buyers' price elasticity",
    "Exponent of the logit on price by which the uncontracted budget chooses foundries.",
  ),
  ...exitParams("foundries", "Foundry", "a foundry"),
]

const FOUNDRY_NAME = Schema.Literals(FOUNDRIES)

/**
 * The chip market cleared by foundry: good units made, H100e to labs and to robot makers, price and
 * unit cost per H100e, supply available, and whether packaging rather than wafers bound each one.
 */
export const FoundriesSold = defineEvent(
  "FoundriesSold",
  1,
  Schema.Struct({
    units: sized(Column.f64, NFD),
    labH100e: sized(Column.f64, NFD),
    robotH100e: sized(Column.f64, NFD),
    priceUsdPerH100e: sized(Column.f64, NFD),
    costUsdPerH100e: sized(Column.f64, NFD),
    availableUnits: sized(Column.f64, NFD),
    buyerShare: sized(Column.f64, NFD),
    packagingBound: sized(Column.f64, NFD),
    limitedBy: Schema.Literals(CHIP_LIMITS),
  }),
)

/** A foundry enters the market (with its capacity) or leaves it (its capacity retired). */
export const FoundryEntered = defineEvent(
  "FoundryEntered",
  1,
  Schema.Struct({ foundry: FOUNDRY_NAME, unitsPerYear: Schema.Number }),
)
export const FoundryExited = defineEvent(
  "FoundryExited",
  1,
  Schema.Struct({ foundry: FOUNDRY_NAME, unitShare: Schema.Number }),
)

/** An outage (or export control) starts or ends: the share of a foundry's output lost. */
export const FoundryOutage = defineEvent(
  "FoundryOutage",
  1,
  Schema.Struct({ foundry: FOUNDRY_NAME, shareLost: Schema.Number, untilTick: Schema.Int }),
)

export const events = [FoundriesSold, FoundryEntered, FoundryExited, FoundryOutage] as const

/** The output foundry i's learning curve is measured from: its 2024 output, or a year at entry. */
const reference = (p: EconomyState["p"], i: number): number =>
  Math.max(1, p.foundry.share2024[i] * p.v["chips.production2024Units"], p.foundry.entryUnitsPerYear[i])

/** A foundry's yield on its own cumulative output (Wright's law on the defect share). */
export const foundryYield = (st: EconomyState, i: number): number => {
  const p = st.p
  const y0 = p.foundry.yield2024[i]
  const b = Math.log2(1 - p.v["foundries.yieldLearningRate"])
  return 1 - (1 - y0) * Math.max(1, st.foundryCum[i] / reference(p, i)) ** b
}

/** Accelerators a year the foundries can deliver: good fab output or packaging, less outages. */
export const foundryDeliverable = (st: EconomyState): number => {
  let sum = 0
  for (let i = 0; i < NFD; i++)
    if (st.foundryStatus[i] === 1)
      sum += Math.min(st.foundryFab[i] * foundryYield(st, i), st.foundryPack[i]) * (1 - st.foundryLost[i])
  return sum
}

/** Foundries: each one's supply, prices and sales to labs and robot makers; capacity orders; entry, exit, outages. */
export const systems: Systems<typeof events> = [
  {
    name: "foundries",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p } = st
      const v = p.v
      const fp = p.foundry
      const out: EventOf<typeof events>[] = []
      for (let i = 0; i < NFD; i++) {
        const f = FOUNDRIES[i]
        if (st.foundryStatus[i] === 0 && tick >= tickAtYear(st.p.startYear, fp.entryYear[i]))
          out.push(FoundryEntered.make({ foundry: f, unitsPerYear: fp.entryUnitsPerYear[i] }))
        const lost = fp.outageShareLost[i]
        const from = tickAtYear(st.p.startYear, fp.outageYear[i])
        const until = from + Math.round(fp.outageYears[i] * 12)
        if (lost > 0 && until > from && tick === from)
          out.push(FoundryOutage.make({ foundry: f, shareLost: lost, untilTick: until }))
        if (lost > 0 && tick === until && until > from)
          out.push(FoundryOutage.make({ foundry: f, shareLost: 0, untilTick: until }))
      }
      const mix = chipMix(st, tick)
      const h = mix.h100ePerUnit
      const served = servedShare(st, USER.factories)
      const avail = new Float64Array(NFD)
      const cost = new Float64Array(NFD)
      const floor = new Float64Array(NFD)
      const packagingBound = new Float64Array(NFD)
      let supplyUnits = 0
      for (let i = 0; i < NFD; i++) {
        const y = foundryYield(st, i)
        cost[i] = (mix.costPerUnit / h) * fp.costIndex[i] * (fp.yield2024[i] / y)
        floor[i] = cost[i] * (1 + v["chips.minMarkup"])
        if (st.foundryStatus[i] !== 1) continue
        const good = st.foundryFab[i] * y
        packagingBound[i] = st.foundryPack[i] < good ? 1 : 0
        avail[i] = ((Math.min(good, st.foundryPack[i]) * (1 - st.foundryLost[i])) / 12) * served
        supplyUnits += avail[i]
      }
      // Robot makers buy the on-board computers first (a small part of a robot's price), pro rata.
      const robotTotal = Math.min(supplyUnits * h, robotsWanted(st, tick) * v["robots.chipH100ePerRobot"])
      const robotH100e = new Float64Array(NFD)
      const labAvail = new Float64Array(NFD)
      for (let i = 0; i < NFD; i++) {
        robotH100e[i] = supplyUnits > 0 ? (robotTotal * avail[i]) / supplyUnits : 0
        labAvail[i] = avail[i] * h - robotH100e[i]
      }
      let budget = 0
      for (let l = 0; l < p.nLabs; l++) budget += st.labBudget[l] / 12
      const share = buyerShares(st, labAvail, floor)
      const price = new Float64Array(NFD)
      const bought = new Float64Array(NFD)
      let wanted = 0
      let atScarcity = 0
      let packagingAtScarcity = 0
      for (let i = 0; i < NFD; i++) {
        price[i] = labAvail[i] > 0 ? Math.max(floor[i], (share[i] * budget) / labAvail[i]) : floor[i]
        bought[i] = labAvail[i] > 0 ? (share[i] * budget) / price[i] : 0
        wanted += bought[i]
        if (price[i] > floor[i]) {
          atScarcity += bought[i]
          packagingAtScarcity += bought[i] * packagingBound[i]
        }
      }
      // Labs buy only chips they can power within the deployment time (as in the aggregate market).
      const kwPerH100e = mix.kwPerUnit / h
      const retiringH100e = fleetH100e(st) / (v["chips.lifetimeYears"] * 12)
      const powerable = Math.max(0, (sparePowerGw(st, tick, USER.dataCentres) * 1e6) / kwPerH100e) + retiringH100e
      const scale = wanted > powerable ? powerable / wanted : 1
      const units = new Float64Array(NFD)
      const labH100e = new Float64Array(NFD)
      for (let i = 0; i < NFD; i++) {
        labH100e[i] = bought[i] * scale
        units[i] = (labH100e[i] + robotH100e[i]) / h
      }
      const limitedBy: ChipLimit =
        scale < 1
          ? "power"
          : atScarcity <= wanted / 2
            ? "budget"
            : packagingAtScarcity > atScarcity / 2
              ? "packaging"
              : "fabs"
      out.push(
        FoundriesSold.make({
          units,
          labH100e,
          robotH100e,
          priceUsdPerH100e: price,
          costUsdPerH100e: cost,
          availableUnits: avail,
          buyerShare: share,
          packagingBound,
          limitedBy,
        }),
      )
      for (let i = 0; i < NFD; i++) {
        const f = FOUNDRIES[i]
        if (st.foundryStatus[i] !== 1 || tick < tickAtYear(st.p.startYear, fp.entryYear[i]) + v["foundries.exitMonths"])
          continue
        if (st.foundryWeak[i] >= v["foundries.exitMonths"])
          out.push(FoundryExited.make({ foundry: f, unitShare: st.foundryLast[i * NFL + FL.unitShare] }))
      }
      return out
    },
  },
]

/**
 * The share of the labs' budget each foundry gets: standing contracts at last month's spend shares,
 * the rest by a logit on last month's prices weighted by what each can supply now.
 */
export const buyerShares = (st: EconomyState, labAvail: Float64Array, floor: Float64Array) => {
  const v = st.p.v
  const c = v["foundries.contractShare"]
  const lastPrice = new Float64Array(NFD)
  let spend = 0
  for (let i = 0; i < NFD; i++) {
    const last = st.foundryLast[i * NFL + FL.price]
    lastPrice[i] = last > 0 ? last : floor[i]
    if (labAvail[i] > 0) spend += st.foundryLast[i * NFL + FL.spend]
  }
  const byPrice = logitShares(labAvail, lastPrice, -v["foundries.priceElasticity"])
  const share = new Float64Array(NFD)
  let total = 0
  for (let i = 0; i < NFD; i++) {
    if (labAvail[i] <= 0) continue
    const byContract = spend > 0 ? st.foundryLast[i * NFL + FL.spend] / spend : byPrice[i]
    share[i] = c * byContract + (1 - c) * byPrice[i]
    total += share[i]
  }
  for (let i = 0; i < NFD; i++) share[i] = total > 0 ? share[i] / total : 0
  return share
}

const foundryIndex = (f: Foundry): number => FOUNDRIES.indexOf(f)

export const reducers: Reducers<typeof events> = {
  FoundriesSold: (st, d) => {
    const v = st.p.v
    let units = 0
    for (let i = 0; i < NFD; i++) units += d.units[i]
    let spend = 0
    for (let i = 0; i < NFD; i++) spend += d.labH100e[i] * d.priceUsdPerH100e[i]
    for (let i = 0; i < NFD; i++) {
      const o = i * NFL
      const sold = d.labH100e[i] * d.priceUsdPerH100e[i]
      st.foundryCum[i] += d.units[i]
      st.foundryCash[i] += sold - d.labH100e[i] * d.costUsdPerH100e[i]
      st.foundryLast[o + FL.units] = d.units[i]
      st.foundryLast[o + FL.labH100e] = d.labH100e[i]
      st.foundryLast[o + FL.robotH100e] = d.robotH100e[i]
      st.foundryLast[o + FL.price] = d.priceUsdPerH100e[i]
      st.foundryLast[o + FL.cost] = d.costUsdPerH100e[i]
      st.foundryLast[o + FL.spend] = sold
      st.foundryLast[o + FL.unitShare] = units > 0 ? d.units[i] / units : 0
      st.foundryLast[o + FL.buyerShare] = d.buyerShare[i]
      st.foundryLast[o + FL.available] = d.availableUnits[i]
      if (st.foundryStatus[i] === 1)
        st.foundryWeak[i] =
          spend > 0 && st.foundryLast[o + FL.unitShare] < v["foundries.exitShare"] ? st.foundryWeak[i] + 1 : 0
    }
    st.supplyMarket[MKT.chipLimit] = CHIP_LIMITS.indexOf(d.limitedBy)
    st.x[X.fabCapacity] = foundryDeliverable(st)
  },
  FoundryEntered: (st, d) => {
    const i = foundryIndex(d.foundry)
    st.foundryStatus[i] = 1
    st.foundryFab[i] = Math.max(st.foundryFab[i], d.unitsPerYear / st.p.foundry.yield2024[i])
    st.foundryPack[i] = Math.max(st.foundryPack[i], d.unitsPerYear)
    st.x[X.fabCapacity] = foundryDeliverable(st)
  },
  FoundryExited: (st, d) => {
    const i = foundryIndex(d.foundry)
    st.foundryStatus[i] = 2
    st.foundryFab[i] = 0
    st.foundryPack[i] = 0
    for (let s = 0; s < RING; s++) {
      st.foundryFabPipe[s * NFD + i] = 0
      st.foundryPackPipe[s * NFD + i] = 0
    }
    st.x[X.fabCapacity] = foundryDeliverable(st)
  },
  FoundryOutage: (st, d) => {
    st.foundryLost[foundryIndex(d.foundry)] = d.shareLost
    st.x[X.fabCapacity] = foundryDeliverable(st)
  },
}
