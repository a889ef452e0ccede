import { Column, defineEvent, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { energyPrice, HOURS_PER_YEAR } from "../economy/costs.js"
import { buildRateScale } from "../economy/power.js"
import { MATERIAL_USERS, MATERIALS, MUSER, NM, NMK, NMU, NP, POWER_SOURCES } from "../economy/sets.js"
import { earthBudgetTpy, factoryCapexWantedUsd, kg, powerRef, rest2024Tpy, tPerMw } from "../economy/materials.js"
import { addSlots, type EconomyState, F, isOver, RING, X } from "../economy/state.js"
import { freshF64 } from "../economy/fresh.js"

/**
 * Materials (docs/model.md, "Materials"). Four classes c (steel, cement, aluminium, copper), four
 * users u (robots, power, factories, rest of the economy). At the end of each month:
 *   used[u,c]     robots built x kg per robot; power capacity ordered by source x t per MW;
 *                 fab and robot-factory capex x kg per $1000; the rest what it was allotted
 *   produced[c]   (Earth capacity + off-world capacity) / 12
 *   demand[u,c]   next month's: robot factories' full output x kg; every power source at its build
 *                 rate (none once Earth's power budget is reached); fabs and robot factories at their
 *                 largest capacity order; the rest 2024's use x (Y_rest / Y_2024)^elasticity
 *   budget[u,c]   the rest's protected share first, then users in order of value per dollar of
 *                 materials (what their output sells for / their demand at 2024 prices), class by
 *                 class; a machine user gets its demand x the least share it was served of any class
 *   cap[c]        (accessible resource - Earth's extraction since 2024) / minimum mine life + off-world
 *   order[c]      min(cap - capacity - pipeline, target - capacity - pipeline, max add share x 2024
 *                 capacity x build scale / (resource / remaining)^grade exponent / 12)
 *   target[c]     demand x 12 x (1 + GDP growth)^(lead / 12) / utilisation
 * The machines draw only within their budgets (the hooks below), so used <= budget <= produced.
 */

const classParams = MATERIALS.flatMap((c) => [
  param(`materials.${c}.production2024Mt`, "Mt/yr", 0, 1e6, `${c} output 2024`, "World output in 2024."),
  param(
    `materials.${c}.resourceGt`,
    "Gt",
    0,
    1e9,
    `${c} accessible resource`,
    "Resource on Earth that can be extracted at any price the model reaches (metal content).",
  ),
  param(`materials.${c}.priceUsdPerT`, "USD/t", 1, 1e6, `${c} price 2024`, "Price in 2024 (weights the bill)."),
  param(
    `materials.${c}.leadTimeMonths`,
    "months",
    1,
    240,
    `${c} capacity lead time`,
    "Months from ordering mines and refineries to output.",
  ),
  param(`materials.${c}.robotKg`, "kg", 0, 1e4, `${c} per robot`, "Mass of this material in one robot."),
  param(
    `materials.${c}.factoryKgPerKusd`,
    "kg per $1000",
    0,
    1e4,
    `${c} per factory dollar`,
    "Material per $1000 of fab and robot-factory capex (buildings and machines).",
  ),
  ...POWER_SOURCES.map((s) =>
    param(
      `materials.${c}.${s}TPerMw`,
      "t/MW",
      0,
      1e5,
      `${c} per MW of ${s}`,
      `Material per MW of firm (average) ${s} capacity built.`,
    ),
  ),
])

export const params = [
  param(
    "materials.utilisation2024",
    "fraction",
    0.1,
    1,
    "Extraction utilisation 2024",
    "Output over capacity in 2024; capacity is built to serve demand at this utilisation.",
  ),
  param(
    "materials.restElasticity",
    "elasticity",
    0,
    2,
    "Materials elasticity",
    "Growth of the rest of the economy's materials use per unit growth of its (non-AI, non-robot) output.",
  ),
  param(
    "materials.protectedRestShare",
    "fraction",
    0,
    1,
    "Protected materials",
    "Share of the rest of the economy's 2024 use (x population growth) served before any machine (housing, maintenance).",
  ),
  param(
    "materials.maxAddShare2024",
    "fraction/yr",
    0,
    10,
    "Extraction build rate",
    "Most capacity that can be ordered per year, as a share of 2024 capacity, at 2024 investment; scales with the build scale.",
  ),
  param(
    "materials.minMineLifeYears",
    "years",
    1,
    200,
    "Minimum mine life",
    "Years a resource lasts at the most it can be extracted per year: the planetary budget is the remaining resource over this.",
  ),
  param(
    "materials.gradeExponent",
    "elasticity",
    0,
    10,
    "Grade decline",
    "Cost of new capacity x (resource / remaining)^this: leaner ores cost more per tonne of capacity.",
  ),
  ...classParams,
]

/**
 * The month's materials: what each user drew (t, user x material), what capacity produced (t), next
 * month's demand and budgets, the value per tonne of the first user left short, the capacity ordered
 * (t/yr), the users short and the materials whose planetary budget capped capacity.
 */
export const MaterialsDispatched = defineEvent(
  "MaterialsDispatched",
  1,
  Schema.Struct({
    usedT: sized(Column.f64, NMU * NM),
    producedT: sized(Column.f64, NM),
    demandT: sized(Column.f64, NMU * NM),
    budgetT: sized(Column.f64, NMU * NM),
    clearingUsdPerT: sized(Column.f64, NM),
    orderedTpy: sized(Column.f64, NM),
    short: Schema.Array(Schema.Literals(MATERIAL_USERS)),
    planetaryBound: Schema.Array(Schema.Literals(MATERIALS)),
  }),
)

export const events = [MaterialsDispatched] as const

/** Years of output the materials of a plant or robot serve: the 25 years the plant intensities assume. */
const SERVICE_YEARS = 25

/** GW of each source the power system can order a month (its build rate); none once Earth's budget is reached. */
const powerBuildGw = (st: EconomyState): Float64Array => {
  const v = st.p.v
  const out = new Float64Array(NP)
  let earthGw = 0
  for (let k = 0; k < NP; k++) earthGw += st.power[k]
  earthGw = addSlots(earthGw, st.powerPipe, 0, RING * NP, 1)
  if (earthGw >= v["energy.planetaryCapacityTw"] * 1000 * (1 - 1e-9)) return out
  const scale = buildRateScale(st)
  for (let j = 0; j < NP; j++) out[j] = (st.p.powerSource.maxAddGwPerYear[j] * scale) / 12
  return out
}

/** Next month's demand (t/month, user x material) into `out`. */
const demandT = (st: EconomyState, out: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
  const { p, x, flow } = st
  const v = p.v
  const build = powerBuildGw(st)
  // Next month's capacities: what is installed and the pipeline slot that arrives at the month's start.
  const next = (x[X.tick] + 1) % RING
  let robotCapacity = x[X.robotCapacity]
  for (let i = 0; i < NMK; i++) robotCapacity += st.makerPipe[next * NMK + i]
  const wanted = factoryCapexWantedUsd(st)
  const factoryUsd = wanted.chips + wanted.robots
  let meanGdp = 0
  for (let m = 0; m < 12; m++) meanGdp += st.gdpHist[m] / 12
  const share = flow[F.gdp] > 0 ? Math.max(0, 1 - (flow[F.aiRevenue] + flow[F.robotRevenue]) / flow[F.gdp]) : 1
  const rest = meanGdp > 0 ? (meanGdp * share) / p.y0 : 1
  for (let c = 0; c < NM; c++) {
    let power = 0
    for (let j = 0; j < NP; j++) power += build[j] * 1000 * tPerMw(st, j, c)
    out[MUSER.robots * NM + c] = ((robotCapacity / 12) * kg(st, c, "robotKg")) / 1000
    out[MUSER.power * NM + c] = power
    out[MUSER.factories * NM + c] = (factoryUsd / 1e6) * kg(st, c, "factoryKgPerKusd")
    out[MUSER.rest * NM + c] = (rest2024Tpy(st, c) / 12) * rest ** v["materials.restElasticity"]
  }
  return out
}

/**
 * What a month of each user's demand is worth (USD): power, the electricity the plants sell over
 * their life at today's price (the clearing price when short); robots, what robot work earns over
 * their life; factories, a month of the chips and robots they sell; the rest, its marginal product
 * (elasticity x output), as in the power market.
 */
const userValueUsd = (st: EconomyState, u: number): number => {
  const { flow: f, x } = st
  const v = st.p.v
  if (u === MUSER.power) {
    let mw = 0
    const build = powerBuildGw(st)
    for (let j = 0; j < NP; j++) mw += build[j] * 1000
    return mw * HOURS_PER_YEAR * SERVICE_YEARS * Math.max(energyPrice(st), f[F.powerClearingPrice])
  }
  if (u === MUSER.robots) {
    const perRobot = x[X.robots] > 0 ? Math.max(0, f[F.robotRevenue]) / x[X.robots] : 0
    return (x[X.robotCapacity] / 12) * perRobot * v["robots.lifetimeYears"]
  }
  if (u === MUSER.factories) return Math.max(0, f[F.chipSpend] + f[F.robotSpend]) / 12
  return (v["materials.restElasticity"] * Math.max(0, f[F.gdp] - f[F.aiRevenue] - f[F.robotRevenue])) / 12
}

/** allotMaterials' tonnes served per user and class, reused (it never re-enters; each call starts from zeros). */
const servedScratch = new Float64Array(NMU * NM)

/**
 * Allots `produced` (t/month by material) to `demand` by willingness to pay; writes budgets and the
 * value per tonne of the first user left short in each class (0 when none was).
 */
export const allotMaterials = (
  st: EconomyState,
  produced: Float64Array,
  demand: Float64Array,
  budget: Float64Array,
  clearing: Float64Array,
): void => {
  const v = st.p.v
  const valuePerUsd = new Float64Array(NMU)
  for (let u = 0; u < NMU; u++) {
    let bill = 0
    for (let c = 0; c < NM; c++) bill += demand[u * NM + c] * kg(st, c, "priceUsdPerT")
    valuePerUsd[u] = bill > 0 ? userValueUsd(st, u) / bill : 0
  }
  const order = Array.from({ length: NMU }, (_, u) => u).sort((a, b) => valuePerUsd[b] - valuePerUsd[a] || a - b)
  const popGrowth = st.x[X.population] / (v["macro.populationB"] * 1e9)
  const served = servedScratch.fill(0)
  clearing.fill(0)
  for (let c = 0; c < NM; c++) {
    const restD = demand[MUSER.rest * NM + c]
    const floor = Math.min(restD, (v["materials.protectedRestShare"] * rest2024Tpy(st, c) * popGrowth) / 12)
    let left = Math.max(0, produced[c])
    const first = Math.min(floor, left)
    served[MUSER.rest * NM + c] = first
    left -= first
    for (const u of order) {
      const need = demand[u * NM + c] - served[u * NM + c]
      const take = Math.min(need, left)
      served[u * NM + c] += take
      left -= take
      if (take < need * (1 - 1e-12) && clearing[c] === 0) clearing[c] = valuePerUsd[u] * kg(st, c, "priceUsdPerT")
    }
  }
  for (let u = 0; u < NMU; u++) {
    // Machines need every class in fixed proportions: their budget is their demand at the least share served.
    let share = 1
    for (let c = 0; c < NM; c++) {
      const d = demand[u * NM + c]
      if (d > 0) share = Math.min(share, served[u * NM + c] / d)
    }
    for (let c = 0; c < NM; c++)
      budget[u * NM + c] = u === MUSER.rest ? served[u * NM + c] : Math.max(0, share) * demand[u * NM + c]
  }
}

/** Production this month (t/month by material): Earth capacity and off-world capacity. */
const producedT = (st: EconomyState, out: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
  for (let c = 0; c < NM; c++) out[c] = (st.matCapacity[c] + st.offworldMat[c]) / 12
  return out
}

/** Sets the 2024 capacity, the reference for power orders and the first month's budgets. */
export const initialMaterials = (st: EconomyState): void => {
  const v = st.p.v
  for (let c = 0; c < NM; c++)
    st.matCapacity[c] = (kg(st, c, "production2024Mt") * 1e6) / v["materials.utilisation2024"]
  powerRef(st, st.matPowerRef)
  demandT(st, st.matDemand as Float64Array<ArrayBuffer>)
  const produced = producedT(st, new Float64Array(NM))
  st.matProduced.set(produced)
  allotMaterials(st, produced, st.matDemand, st.matBudget, st.matClearingUsdPerT)
}

/** Materials: account for the month's draws, allot next month's budgets, order capacity. */
export const systems: Systems<typeof events> = [
  {
    name: "materials",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p, flow } = st
      const v = p.v
      const usedT = freshF64(NMU * NM)
      const ref = powerRef(st, new Float64Array(NP))
      for (let c = 0; c < NM; c++) {
        usedT[MUSER.robots * NM + c] = ((flow[F.robotsBuilt] / 12) * kg(st, c, "robotKg")) / 1000
        usedT[MUSER.factories * NM + c] =
          (((flow[F.fabCapex] + flow[F.robotFactoryCapex]) / 12) * kg(st, c, "factoryKgPerKusd")) / 1e6
        let power = 0
        // Capacity ordered this month: the growth of capacity plus pipeline (below rounding: none).
        for (let j = 0; j < NP; j++) {
          const gw = ref[j] - st.matPowerRef[j]
          if (gw > ref[j] * 1e-9) power += gw * 1000 * tPerMw(st, j, c)
        }
        usedT[MUSER.power * NM + c] = power
        usedT[MUSER.rest * NM + c] = st.matBudget[MUSER.rest * NM + c]
      }
      const demand = demandT(st, freshF64(NMU * NM))
      const produced = producedT(st, new Float64Array(NM))
      const budgetT = freshF64(NMU * NM)
      const clearingUsdPerT = new Float64Array(NM)
      allotMaterials(st, produced, demand, budgetT, clearingUsdPerT)
      const short: number[] = []
      for (let u = 0; u < NMU; u++) {
        let isShort = false
        for (let c = 0; c < NM; c++) if (budgetT[u * NM + c] < demand[u * NM + c] * (1 - 1e-9)) isShort = true
        if (isShort) short.push(u)
      }
      // Capacity: toward demand grown over the lead time, at most the build rate and the planetary budget.
      const yearAgo = st.gdpHist[tick % 12]
      const growth = tick >= 12 && yearAgo > 0 ? st.gdpHist[(tick + 11) % 12] / yearAgo - 1 : v["macro.realGrowth2024"]
      const scale = buildRateScale(st)
      const orderedTpy = new Float64Array(NM)
      const bound: number[] = []
      // A user's demand counts for capacity only as far as the scarcest class it needs can ever be
      // supplied (Earth's budget and off-world output): no kilns for plants the steel cannot build.
      const reach = new Float64Array(NM)
      for (let c = 0; c < NM; c++) {
        let d = 0
        for (let u = 0; u < NMU; u++) d += demand[u * NM + c]
        const ceiling = (Math.max(earthBudgetTpy(st, c), st.matCapacity[c]) + st.offworldMat[c]) / 12
        reach[c] = d > ceiling ? ceiling / d : 1
      }
      for (let c = 0; c < NM; c++) {
        const pipeline = addSlots(0, st.matPipe, c, RING, NM)
        let d = 0
        for (let u = 0; u < NMU; u++) {
          let share = 1
          for (let k = 0; k < NM; k++) if (demand[u * NM + k] > 0) share = Math.min(share, reach[k])
          d += demand[u * NM + c] * share
        }
        const lead = kg(st, c, "leadTimeMonths")
        const target = (d * 12 * (1 + Math.max(0, growth)) ** (lead / 12)) / v["materials.utilisation2024"]
        const resource = kg(st, c, "resourceGt") * 1e9
        const remaining = Math.max(0, resource - st.matCum[c])
        const cost = remaining > 0 ? (resource / remaining) ** v["materials.gradeExponent"] : Number.POSITIVE_INFINITY
        const rate =
          (v["materials.maxAddShare2024"] * kg(st, c, "production2024Mt") * 1e6 * scale) /
          v["materials.utilisation2024"] /
          cost /
          12
        const room = earthBudgetTpy(st, c) - st.matCapacity[c] - pipeline
        const gap = target - st.matCapacity[c] - pipeline
        // Bound: demand past what Earth's budget (or the capacity already built) and off-world supply.
        if (reach[c] < 1 || (gap > 0 && room < gap)) bound.push(c)
        orderedTpy[c] = Math.max(0, Math.min(gap, rate, room))
      }
      return [
        MaterialsDispatched.make({
          usedT,
          producedT: produced,
          demandT: demand,
          budgetT,
          clearingUsdPerT,
          orderedTpy,
          short: short.map((u) => MATERIAL_USERS[u]),
          planetaryBound: bound.map((c) => MATERIALS[c]),
        }),
      ]
    },
  },
]

/** Each material's lead-time parameter path, built once (a key built each month costs ~0.1 us a lookup). */
const LEAD_TIME_KEYS = MATERIALS.map((m) => `materials.${m}.leadTimeMonths` as const)

export const reducers: Reducers<typeof events> = {
  MaterialsDispatched: (st, d, tick) => {
    const v = st.p.v
    st.matUsedBudget.set(st.matBudget)
    st.matUsed.set(d.usedT)
    st.matProduced.set(d.producedT)
    st.matDemand.set(d.demandT)
    st.matBudget.set(d.budgetT)
    st.matClearingUsdPerT.set(d.clearingUsdPerT)
    st.matPlanetaryBound.fill(0)
    for (const m of d.planetaryBound) st.matPlanetaryBound[MATERIALS.indexOf(m)] = 1
    for (let c = 0; c < NM; c++) {
      let used = 0
      for (let u = 0; u < NMU; u++) used += d.usedT[u * NM + c]
      // Earth's share of the month's output depletes its resource; off-world output does not.
      const total = st.matCapacity[c] + st.offworldMat[c]
      st.matCum[c] += total > 0 ? (used * st.matCapacity[c]) / total : used
      const lead = Math.min(RING - 1, Math.max(1, Math.round(v[LEAD_TIME_KEYS[c]])))
      st.matPipe[((tick + lead) % RING) * NM + c] += d.orderedTpy[c]
      // This month's slot arrives (orders are at least a month out, so it was filled before).
      const slot = ((tick + 1) % RING) * NM + c
      st.matCapacity[c] += st.matPipe[slot]
      st.matPipe[slot] = 0
    }
    powerRef(st, st.matPowerRef)
  },
}
