import { Column, defineEvent, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { energyPrice, HOURS_PER_YEAR, powerCapacityGw } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { MATERIALS, NM, NMU, NP, NU } from "../economy/sets.js"
import { addSlots, type EconomyState, F, isOver, RING, X } from "../economy/state.js"

/**
 * Space (docs/model.md, "Space"). Launch cost on a learning curve over the mass launched:
 *   $/kg = max(floor, cost2024 x (cumulative mass / cumulative 2024)^log2(1 - learning rate))
 * Off-world power (space solar) and off-world extraction are capacity, built only when Earth's
 * planetary budget binds and they cost less than what the users left short would pay:
 *   space power $/MWh = ($/kg x kg per kW + hardware $/kW) x (r + 1/lifetime) / 8.766 MWh per kW-yr
 *     built when Earth's power (capacity + pipeline) is at its budget and that is <= the power price,
 *     for (demand x (1 + reserve) x (1 + headroom) - capacity - pipeline)
 *   off-world materials $/t = $/kg x seed kg per t/yr x (r + 1/lifetime) + operating $/t
 *     built when a material's planetary budget caps its capacity and that is <= its clearing value,
 *     for the shortfall (t/yr)
 * within the launch capacity (t/yr), which grows toward the mass wanted at most `maxLaunchGrowthPerYear`.
 * Both lift the planetary caps (`powerCapacityGw` counts off-world power; the materials budget adds
 * off-world capacity) and the fixed factor: F x (1 + mean of off-world power and materials over
 * Earth's budgets x the resources' share of the fixed factor).
 */

export const params = [
  param("space.launchCost2024UsdPerKg", "USD/kg", 1, 1e6, "Launch cost 2024", "Price per kg to low Earth orbit."),
  param("space.launchMass2024T", "t/yr", 0, 1e9, "Mass launched 2024", "Mass launched to orbit in 2024."),
  param(
    "space.cumulativeMass2024T",
    "t",
    1,
    1e12,
    "Mass launched by 2024",
    "Mass launched to orbit since 1957: the launch learning curve's start.",
  ),
  param("space.learningRate", "fraction", 0, 0.9, "Launch learning rate", "Cost fall per doubling of mass launched."),
  param("space.floorCostUsdPerKg", "USD/kg", 0.1, 1e5, "Launch cost floor", "Propellant and operations floor."),
  param(
    "space.maxLaunchGrowthPerYear",
    "fraction/yr",
    0,
    20,
    "Launch growth limit",
    "Fastest growth of launch capacity per year.",
  ),
  param("space.solarKgPerKw", "kg/kW", 0.1, 1e4, "Space solar mass", "Mass launched per kW of firm power delivered."),
  param("space.solarHardwareUsdPerKw", "USD/kW", 0, 1e6, "Space solar hardware", "Cost per kW besides launch."),
  param(
    "space.miningSeedKgPerTpy",
    "kg per t/yr",
    0,
    1e6,
    "Off-world mining seed",
    "Mass launched per t/yr of off-world extraction capacity (the rest built from off-world material).",
  ),
  param(
    "space.miningCostUsdPerT",
    "USD/t",
    0,
    1e7,
    "Off-world mining cost",
    "Operating cost per tonne of off-world material delivered.",
  ),
  param("space.leadTimeMonths", "months", 1, 240, "Space lead time", "Months from an order to off-world capacity."),
  param("space.lifetimeYears", "years", 1, 100, "Space capacity lifetime", "Service life of off-world capacity."),
  param(
    "space.resourceShareOfFixedFactor",
    "fraction",
    0,
    1,
    "Resources in the fixed factor",
    "Share of the fixed factor that is mineral and energy resources (the rest land): what off-world capacity multiplies.",
  ),
  param(
    "space.headroom",
    "fraction",
    0,
    5,
    "Space build headroom",
    "Off-world power is ordered for demand x (1 + reserve) x (1 + this): growth during the lead time.",
  ),
]

/** The month in space: launch cost, mass launched, off-world capacity ordered, whether Earth's budgets bound. */
export const SpaceBuilt = defineEvent(
  "SpaceBuilt",
  1,
  Schema.Struct({
    launchCostUsdPerKg: Schema.Number,
    massT: Schema.Number,
    launchCapacityTpy: Schema.Number,
    powerGw: Schema.Number,
    powerCostUsdPerMwh: Schema.Number,
    materialsTpy: sized(Column.f64, NM),
    planetaryPowerBound: Schema.Boolean,
  }),
)

export const events = [SpaceBuilt] as const

/** Launch cost per kg at the current cumulative mass. */
export const launchCostUsdPerKg = (st: EconomyState): number => {
  const v = st.p.v
  const b = Math.log2(1 - v["space.learningRate"])
  return Math.max(
    v["space.floorCostUsdPerKg"],
    v["space.launchCost2024UsdPerKg"] * (Math.max(1, st.x[X.launchCumT]) / v["space.cumulativeMass2024T"]) ** b,
  )
}

/** Earth's power budget (GW of firm capacity). */
const planetGw = (st: EconomyState): number => st.p.v["energy.planetaryCapacityTw"] * 1000

/** Space: the launch learning curve, then off-world power and extraction where Earth's budgets bind. */
export const systems: Systems<typeof events> = [
  {
    name: "space",
    decide: (st) => {
      if (isOver(st)) return []
      const { p, x } = st
      const v = p.v
      const cost = launchCostUsdPerKg(st)
      const annuity = v["macro.returnOnCapital"] + 1 / v["space.lifetimeYears"]
      const offPipeGw = addSlots(0, st.spacePipe, 0, RING, 1 + NM)
      const offPipeT = new Float64Array(NM)
      for (let c = 0; c < NM; c++) offPipeT[c] = addSlots(0, st.spacePipe, 1 + c, RING, 1 + NM)
      // Power: Earth's capacity and pipeline at its budget, and users short or about to be.
      let earthGw = 0
      for (let j = 0; j < NP; j++) earthGw += st.power[j]
      earthGw = addSlots(earthGw, st.powerPipe, 0, RING * NP, 1)
      const planetaryPowerBound = earthGw >= planetGw(st) * (1 - 1e-6)
      const powerCostUsdPerMwh =
        ((cost * v["space.solarKgPerKw"] + v["space.solarHardwareUsdPerKw"]) * annuity) / (HOURS_PER_YEAR / 1000)
      let demandGw = 0
      for (let u = 0; u < NU; u++) demandGw += st.powerDemandGw[u]
      const price = Math.max(energyPrice(st), st.flow[F.powerClearingPrice])
      let wantGw = 0
      if (planetaryPowerBound && powerCostUsdPerMwh <= price)
        wantGw = Math.max(
          0,
          demandGw * (1 + v["energy.reserveShare"]) * (1 + v["space.headroom"]) - powerCapacityGw(st) - offPipeGw,
        )
      // Materials: where the planetary budget caps capacity and off-world material costs less than the shortfall is worth.
      const wantT = new Float64Array(NM)
      const tonneCost = cost * (v["space.miningSeedKgPerTpy"] / 1000) * annuity + v["space.miningCostUsdPerT"]
      for (let c = 0; c < NM; c++) {
        if (st.matPlanetaryBound[c] === 0 || st.matClearingUsdPerT[c] < tonneCost) continue
        let shortTpy = 0
        for (let u = 0; u < NMU; u++) shortTpy += (st.matDemand[u * NM + c] - st.matBudget[u * NM + c]) * 12
        wantT[c] = Math.max(0, shortTpy - offPipeT[c])
      }
      // Mass wanted this month, within the launch capacity left after the satellite market.
      let massWanted = (wantGw * 1e6 * v["space.solarKgPerKw"]) / 1000
      for (let c = 0; c < NM; c++) massWanted += (wantT[c] * v["space.miningSeedKgPerTpy"]) / 1000
      const background = v["space.launchMass2024T"] / 12
      const free = Math.max(0, x[X.launchCapacityTpy] / 12 - background)
      const fill = massWanted > free ? free / massWanted : 1
      const materialsTpy = new Float64Array(NM)
      for (let c = 0; c < NM; c++) materialsTpy[c] = wantT[c] * fill
      const wantedTpy = (massWanted + background) * 12
      const launchCapacityTpy = Math.max(
        x[X.launchCapacityTpy],
        Math.min(wantedTpy, x[X.launchCapacityTpy] * (1 + v["space.maxLaunchGrowthPerYear"]) ** (1 / 12)),
      )
      return [
        SpaceBuilt.make({
          launchCostUsdPerKg: cost,
          massT: background + massWanted * fill,
          launchCapacityTpy,
          powerGw: wantGw * fill,
          powerCostUsdPerMwh,
          materialsTpy,
          planetaryPowerBound,
        }),
      ]
    },
  },
]

/** Each material's Earth resource parameter path, built once (a key built each month costs ~0.1 us a lookup). */
const RESOURCE_KEYS = MATERIALS.map((m) => `materials.${m}.resourceGt` as const)

export const reducers: Reducers<typeof events> = {
  SpaceBuilt: (st, d, tick) => {
    const { x } = st
    const v = st.p.v
    x[X.launchCumT] += d.massT
    x[X.launchCapacityTpy] = d.launchCapacityTpy
    const W = 1 + NM
    const lead = Math.min(RING - 1, Math.max(1, Math.round(v["space.leadTimeMonths"])))
    const at = ((tick + lead) % RING) * W
    st.spacePipe[at] += d.powerGw
    for (let c = 0; c < NM; c++) st.spacePipe[at + 1 + c] += d.materialsTpy[c]
    // Next month's slot arrives, priced at this month's cost of space power (capacity-weighted).
    const slot = ((tick + 1) % RING) * W
    const gw = st.spacePipe[slot]
    if (gw > 0) {
      const total = x[X.offworldPowerGw] + gw
      x[X.offworldPowerCostUsdPerMwh] =
        (x[X.offworldPowerGw] * x[X.offworldPowerCostUsdPerMwh] + gw * d.powerCostUsdPerMwh) / total
      x[X.offworldPowerGw] = total
    }
    for (let c = 0; c < NM; c++) st.offworldMat[c] += st.spacePipe[slot + 1 + c]
    st.spacePipe.fill(0, slot, slot + W)
    // Off-world resources add to the fixed factor in proportion to what they add beyond Earth's budgets.
    let mat = 0
    for (let c = 0; c < NM; c++) {
      // Against Earth's budget before any extraction: depletion does not inflate what space adds.
      const earth = (v[RESOURCE_KEYS[c]] * 1e9) / v["materials.minMineLifeYears"]
      mat += earth > 0 ? st.offworldMat[c] / earth / NM : 0
    }
    const power = planetGw(st) > 0 ? x[X.offworldPowerGw] / planetGw(st) : 0
    x[X.spaceFactor] = 1 + (v["space.resourceShareOfFixedFactor"] * (power + mat)) / 2
  },
}
