import { dataCentreDemandGw, dispatchableGw, HOURS_PER_YEAR } from "./costs.js"
import type { Derived } from "./derive.js"
import { K, NP, NU, OCC, SECTOR, USER } from "./sets.js"
import { type EconomyState, F, RING, X } from "./state.js"

/**
 * The one power system (docs/model.md, "Energy"). Every user draws on the same capacity:
 *   data centres  installed chips x kW at the wall
 *   robots        robots in use x kW per robot
 *   factories     chips made x MWh per chip + robots built x MWh per robot (fabs, robot factories)
 *   rest          the rest of the economy: 2024 electricity x (non-machine output / 2024 output)^elasticity
 * Capacity is firm capacity; `reserveShare` of it is held for peaks and outages, so what can be
 * dispatched is capacity / (1 + reserve). When demand exceeds it, a price clears the market
 * (`clearPower`): the users whose last MWh is worth least go (partly) dark.
 */

/** MWh per GW-year: GW x this = MWh/yr. */
const MWH_PER_GW_YEAR = HOURS_PER_YEAR * 1000

/** Months from a purchase to drawing power: capacity due within this counts as available to buyers. */
export const DEPLOY_MONTHS = 6

/** Average power of the 2024 data centres (the installed chips at the wall). */
const dataCentreGw2024 = (p: Derived): number =>
  ((p.v["chips.initialStockH100e"] / p.gens[0].h100e) * p.gens[0].kw) / 1e6

/** The rest of the economy's average power in 2024: world electricity less data centres and robots. */
export const restPowerGw2024 = (p: Derived): number =>
  Math.max(
    0,
    (p.v["energy.worldElectricityTwh2024"] * 1e6) / MWH_PER_GW_YEAR -
      dataCentreGw2024(p) -
      (p.v["robots.stock2024"] * p.v["robots.powerKw"]) / 1e6,
  )

/** Writes each user's power demand (GW) at the current state into `out`. */
export const userDemandGw = (st: EconomyState, out: Float64Array): Float64Array => {
  const { p, x, flow } = st
  const v = p.v
  out[USER.dataCentres] = dataCentreDemandGw(st)
  out[USER.robots] = (x[X.robots] * v["robots.powerKw"]) / 1e6
  out[USER.factories] =
    (flow[F.chipsMadeUnits] * 12 * v["chips.fabMwhPerUnit"] + flow[F.robotsBuilt] * v["robots.factoryMwhPerRobot"]) /
    MWH_PER_GW_YEAR
  // Demand follows the output the rest would make with full power: the last year's mean GDP at last
  // month's non-machine share, undoing what its own shortage cost it. (Last month's output alone
  // made a cobweb: a shortage cut output, which cut demand and hid the shortage.)
  const lost = servedShare(st, USER.rest) ** v["energy.restOutputElasticity"]
  let meanGdp = 0
  for (let m = 0; m < 12; m++) meanGdp += st.gdpHist[m] / 12
  const share = flow[F.gdp] > 0 ? Math.max(0, 1 - (flow[F.aiRevenue] + flow[F.robotRevenue]) / flow[F.gdp]) : 1
  const nonMachine = (meanGdp * share) / Math.max(lost, 1e-9)
  out[USER.rest] = restPowerGw2024(p) * (nonMachine / p.y0) ** v["energy.restElasticity"]
  return out
}

/**
 * What each user spends on what its power makes (USD/yr): data centres AI revenue, robots robot
 * revenue, factories the chips and robots they sell, the rest of the economy its non-machine output.
 * Sector spending is a share of GDP (Cobb-Douglas), so a machine user's bid for x GW is budget / x per
 * MWh: the more it is served, the less its last MWh is worth.
 */
export const userBudgetUsd = (st: EconomyState, out: Float64Array): Float64Array => {
  const f = st.flow
  out[USER.dataCentres] = Math.max(0, f[F.aiRevenue])
  out[USER.robots] = Math.max(0, f[F.robotRevenue])
  out[USER.factories] = Math.max(0, f[F.chipSpend] + f[F.robotSpend])
  out[USER.rest] = Math.max(0, f[F.gdp] - f[F.aiRevenue] - f[F.robotRevenue])
  return out
}

/**
 * Clears the power market: the price p (USD/MWh) at which what users take equals the dispatchable
 * supply, and what each is served; returns p (0 when nothing is short). A machine user takes
 * min(demand, budget / p) (its last MWh is worth budget / served); the rest of the economy, whose
 * output goes as s^e in its served share s, takes demand x (p / (e x budget / demand))^(1 / (e - 1)),
 * never less than its protected load (homes, hospitals, essential services: grids shed industrial
 * and data-centre load first) and never more than its demand.
 */
export const clearPower = (
  supplyGw: number,
  demandGw: Float64Array,
  budgetUsd: Float64Array,
  restElasticity: number,
  protectedGw: number,
  served: Float64Array,
): number => {
  let total = 0
  for (let u = 0; u < NU; u++) total += demandGw[u]
  if (total <= supplyGw) {
    served.set(demandGw)
    return 0
  }
  const supply = Math.max(0, supplyGw)
  const floor = Math.min(demandGw[USER.rest], protectedGw)
  if (floor >= supply) {
    // Not even the protected load can be met: it gets everything, the machines go dark.
    served.fill(0)
    served[USER.rest] = supply
    return 0
  }
  const restD = demandGw[USER.rest]
  // The rest's marginal value per MWh at full service.
  const restV = restD > 0 ? (restElasticity * budgetUsd[USER.rest]) / (restD * MWH_PER_GW_YEAR) : 0
  const fill = (price: number): number => {
    let sum = 0
    for (let u = 0; u < NU; u++) {
      if (u === USER.rest) {
        const share =
          restV <= 0
            ? 0
            : restElasticity >= 1
              ? price <= restV
                ? 1
                : 0
              : (price / restV) ** (1 / (restElasticity - 1))
        served[u] = Math.max(floor, restD * Math.min(1, share))
      } else served[u] = Math.min(demandGw[u], budgetUsd[u] / (price * MWH_PER_GW_YEAR))
      sum += served[u]
    }
    return sum
  }
  // Bisection on log price over a range wide enough for any budget: taken power falls as it rises.
  let lo = -12
  let hi = 15
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2
    if (fill(10 ** mid) > supply) lo = mid
    else hi = mid
  }
  const price = 10 ** hi
  // The last sliver of supply the bisection leaves goes to users still short, by index.
  let left = supply - fill(price)
  for (let u = 0; u < NU && left > 0; u++) {
    const add = Math.min(left, demandGw[u] - served[u])
    served[u] += add
    left -= add
  }
  return price
}

/**
 * Power a new buyer (chips for data centres, robots) can count on within the deployment time: its
 * budget's share (AI against robot revenue, as the market would clear it) of the spare power, which
 * is dispatchable capacity plus what arrives soon, less the current demand of data centres and
 * robots and what factories and the rest of the economy were served at the last dispatch.
 */
export const sparePowerGw = (st: EconomyState, tick: number, user: number): number => {
  const v = st.p.v
  const taken =
    dataCentreDemandGw(st) +
    (st.x[X.robots] * v["robots.powerKw"]) / 1e6 +
    st.powerServedGw[USER.factories] +
    st.powerServedGw[USER.rest]
  const spare = dispatchableGw(st) + pipelineDueGw(st, tick, DEPLOY_MONTHS) / (1 + v["energy.reserveShare"]) - taken
  const ai = Math.max(0, st.flow[F.aiRevenue])
  const robots = Math.max(0, st.flow[F.robotRevenue])
  const share = ai + robots > 0 ? (user === USER.robots ? robots : ai) / (ai + robots) : 0.5
  return spare * share
}

/** Capacity due within `months` (the power pipeline's next slots). */
export const pipelineDueGw = (st: EconomyState, tick: number, months: number): number => {
  let gw = 0
  for (let m = 1; m <= months; m++) for (let j = 0; j < NP; j++) gw += st.powerPipe[((tick + m) % RING) * NP + j]
  return gw
}

/** Share of a user's demand served at the last dispatch (1 when it asked for nothing). */
export const servedShare = (st: EconomyState, user: number): number =>
  st.powerDemandGw[user] > 0 ? Math.min(1, st.powerServedGw[user] / st.powerDemandGw[user]) : 1

/**
 * How much faster than in 2024 the power system can be built: with investment (the saving pool
 * against 2024's, never below it) and with automated construction (robots doing industry's manual work build
 * plants: 1 + gain x that automation).
 */
export const buildRateScale = (st: EconomyState): number => {
  const v = st.p.v
  const investment2024 = v["macro.savingRate"] * st.p.y0
  const byInvestment = investment2024 > 0 ? st.flow[F.investment] / investment2024 : 1
  const a =
    (st.sectorAuto[SECTOR.industry * K + OCC.manualRoutine] +
      st.sectorAuto[SECTOR.industry * K + OCC.manualDexterous]) /
    2
  // The 2024 construction industry does not vanish when investment falls: at least 2024's rate.
  return Math.max(1, byInvestment) * (1 + v["energy.automatedBuildGain"] * a)
}
