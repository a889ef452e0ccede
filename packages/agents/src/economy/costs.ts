import type { Derived } from "./derive.js"
import { NP, USER } from "./sets.js"
import { type EconomyState, F, X } from "./state.js"

/**
 * What machines cost per worker-year of task work, and the supplies behind them (docs/model.md,
 * "Automation: capability, cost and adoption"). An AI worker-year costs the chip's rental
 * (price per H100e x (r + 1/lifetime)) plus its power, over the worker-equivalents one H100e
 * serves; a robot worker-year likewise from the robot price and power. Firms compare these with
 * wages; labs and robot makers compare them with prices.
 */

/** Hours in a year: machine services and power are priced per hour. */
export const HOURS_PER_YEAR = 8766
/** Tokens one H100e serves per hour at 2024 efficiency (frontier-size model; assumption, docs/model.md). */
export const TOKENS_PER_H100E_HOUR_2024 = 1e6

/** AI worker-equivalents per H100e of inference at a tick (efficiency improves over time). */
export const workerEqPerH100e = (p: Derived, tick: number): number =>
  p.v["ai.workerEquivalentsPerH100e2024"] * p.v["ai.inferenceEfficiencyPerYear"] ** (tick / 12)

/** Worker-equivalents per robot at a tick (redesigns: hands, speed). */
export const workerEqPerRobot = (p: Derived, tick: number): number =>
  p.v["robots.workerEquivalents2024"] * (1 + p.v["robots.productivityGrowthPerYear"]) ** (tick / 12)

/** The newest generation in production at a tick and its share of output (ramping up). */
export const productionMix = (p: Derived, tick: number): { newest: number; share: number } => {
  let newest = 0
  for (let g = 0; g < p.gens.length; g++) if (p.gens[g].startTick <= tick) newest = g
  const share =
    newest === 0 ? 1 : Math.min(1, Math.max(0, (tick - p.gens[newest].startTick + 1) / p.v["chips.rampMonths"]))
  return { newest, share }
}

/** Machine costs per worker-year of task work (what a firm compares with a wage), and the power price. */
export interface MachineCosts {
  readonly energyPriceUsdPerMwh: number
  readonly aiChip: number
  readonly aiPower: number
  readonly robotCapital: number
  readonly robotPower: number
}

/** Data-centre power demand (GW) of the installed chips. */
export const dataCentreDemandGw = (st: EconomyState): number => {
  let kw = 0
  for (let g = 0; g < st.chipStock.length; g++) kw += st.chipStock[g] * st.p.gens[g].kw
  return kw / 1e6
}

/** Firm capacity of the power system (GW, all sources on Earth and off-world power delivered). */
export const powerCapacityGw = (st: EconomyState): number => {
  let c = st.x[X.offworldPowerGw]
  for (let j = 0; j < NP; j++) c += st.power[j]
  return c
}

/** Capacity that can be dispatched: `reserveShare` is held back for peaks and outages. */
export const dispatchableGw = (st: EconomyState): number => powerCapacityGw(st) / (1 + st.p.v["energy.reserveShare"])

/**
 * Electricity price (docs/model.md, "Energy"): the capacity-weighted cost of the sources, or the
 * price that cleared the last dispatch when power was short and that is higher. One price for all.
 */
export const energyPrice = (st: EconomyState): number => {
  const v = st.p.v
  const cap = powerCapacityGw(st)
  let cost = st.x[X.offworldPowerGw] * st.x[X.offworldPowerCostUsdPerMwh]
  // energy.<source>.costUsdPerMwh, resolved in `derive.ts`.
  for (let j = 0; j < NP; j++) cost += st.power[j] * st.p.powerCostUsdPerMwh[j]
  const base = cap > 0 ? cost / cap : v["energy.grid.costUsdPerMwh"]
  return Math.max(base, st.flow[F.powerClearingPrice])
}

export const machineCosts = (st: EconomyState, tick: number): MachineCosts => {
  const { p } = st
  const v = p.v
  const price = energyPrice(st)
  const r = v["macro.returnOnCapital"]
  const weq = workerEqPerH100e(p, tick)
  const { newest } = productionMix(p, tick)
  const kwPerH100e = p.gens[newest].kw / p.gens[newest].h100e
  const weqR = workerEqPerRobot(p, tick)
  const robotPrice = st.x[X.robotCost] * (1 + v["robots.markup"])
  return {
    energyPriceUsdPerMwh: price,
    aiChip: (st.flow[F.chipPricePerH100e] * (r + 1 / v["chips.lifetimeYears"])) / weq,
    aiPower: (kwPerH100e * (HOURS_PER_YEAR / 1000) * price) / weq,
    robotCapital: (robotPrice * (r + 1 / v["robots.lifetimeYears"])) / weqR,
    robotPower: (v["robots.powerKw"] * (HOURS_PER_YEAR / 1000) * price) / weqR,
  }
}

/**
 * What labs earn for inference: what buyers pay. Competition among labs holds the price of an AI
 * worker-year near its cost plus a markup, so labs earn the value of the tasks AI does only while
 * that is lower; the rest of the value stays with the adopting firms.
 *
 * @example
 * labRevenueUsd(p, 1e12, 1e8, 2000) // min(1e12, 1e8 x 2000 x (1 + markup))
 */
export const labRevenueUsd = (p: Derived, taskValueUsd: number, aiSupply: number, aiCostPerWorkerYear: number) =>
  Math.min(taskValueUsd, aiSupply * aiCostPerWorkerYear * (1 + p.v["ai.inferenceMarkup"]))

/** Installed data-centre chips in H100e. */
export const fleetH100e = (st: EconomyState): number => {
  let h = 0
  for (let g = 0; g < st.chipStock.length; g++) h += st.chipStock[g] * st.p.gens[g].h100e
  return h
}

/** Share of the data centres' demand served at the last dispatch. */
export const poweredShare = (st: EconomyState): number => {
  const demand = st.powerDemandGw[USER.dataCentres]
  return demand > 0 ? Math.min(1, st.powerServedGw[USER.dataCentres] / demand) : 1
}
