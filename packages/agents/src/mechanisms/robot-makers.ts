import { Column, defineEvent, type EventOf, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { machineCosts, workerEqPerRobot } from "../economy/costs.js"
import { factoryCapexRoomUsd, robotsByMaterials } from "../economy/materials.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { servedShare, sparePowerGw } from "../economy/power.js"
import { entryParams, exitParams, logitShares } from "../economy/suppliers.js"
import { K, NMK, OCC, ROBOT_MAKERS, type RobotMaker, SECTOR, USER } from "../economy/sets.js"
import { addSlots, type EconomyState, F, isOver, MKT, ML, NML, RING, X } from "../economy/state.js"
import { tickAtYear } from "../time.js"
import { ROBOT_LIMITS, type RobotLimit } from "./robots.js"

/**
 * Robot makers (docs/model.md, "Robot makers"). Each maker m has factory capacity C_m, its own
 * cumulative output N_m, a design generation with capability q_m and a redesign cost factor k_m:
 *   cost_m  = max(floor, cost2024 x costIndex_m x k_m x (N_m / ref_m)^log2(1 - learning rate)),  price_m = cost_m x (1 + markup)
 *   share_m = C_m (q_m / price_m)^theta / sum_j C_j (q_j / price_j)^theta                 (buyers' logit)
 *   v/c     = robot rent per worker-year x worker-eq per robot
 *             / (mean price x (r + 1/lifetime) + power cost per worker-year x worker-eq per robot)
 *   wanted  = sum_m C_m / 12 x min(1, (v/c)^2);  sold_m = min(C_m / 12, share_m x wanted), the rest to spare capacity
 *   built   = wanted x min(1, factories' power, on-board chips, power to run them, materials budget / kg per robot) / wanted
 *             (all makers alike)
 *   order_m = share_m x min(max growth x C / 12, C x min(1 + growth x lead / 12, v/c) - C - pipeline,
 *                           factories' materials budget / capex per unit)   (C = sum C_m)
 * A redesign every `redesignYears` multiplies q_m by `redesignStep`; at `breakthroughYear` it also
 * multiplies k_m by `breakthroughCostFactor`. Entrants come in at `entryYear`; a maker under
 * `exitShare` of units for `exitMonths` running leaves. Robots staffing robot factories cut capex by
 * self-replication x the automation of routine manual work in industry.
 */

const perMaker = (m: RobotMaker) => [
  param(`robotMakers.${m}.share2024`, "fraction", 0, 1, `${m} share 2024`, "Share of the robots made in 2024."),
  param(
    `robotMakers.${m}.costIndex`,
    "x",
    0.05,
    20,
    `${m} cost index`,
    "Unit cost relative to robots.unitCost2024Usd at its reference output (2024 output, or a year at entry).",
  ),
  param(
    `robotMakers.${m}.capability2024`,
    "x",
    0.01,
    100,
    `${m} capability`,
    "Capability index of its design at the start or entry (1: a 2024 industrial robot).",
  ),
  ...entryParams(`robotMakers.${m}`, m, { sells: "robots", unit: "robots/yr", capacity: "Factory capacity" }),
  param(
    `robotMakers.${m}.redesignYears`,
    "years",
    0.5,
    50,
    `${m} redesign interval`,
    "Years between its design generations.",
  ),
  param(
    `robotMakers.${m}.redesignStep`,
    "x",
    1,
    10,
    `${m} redesign step`,
    "Capability multiple of each new design (hands, degrees of freedom, speed).",
  ),
  param(
    `robotMakers.${m}.breakthroughYear`,
    "year",
    2024,
    3000,
    `${m} breakthrough`,
    "Year of a redesign that also cuts its cost.",
  ),
  param(
    `robotMakers.${m}.breakthroughCostFactor`,
    "x",
    0.01,
    1,
    `${m} breakthrough cost`,
    "Unit cost multiple of the breakthrough redesign (1: none).",
  ),
]

export const params = [
  ...ROBOT_MAKERS.flatMap(perMaker),
  param(
    "robotMakers.priceElasticity",
    "x",
    0,
    50,
    "Robot buyers' elasticity",
    "Exponent of the buyers' logit on capability per dollar.",
  ),
  ...exitParams("robotMakers", "Maker", "a maker"),
]

const MAKER_NAME = Schema.Literals(ROBOT_MAKERS)

/** Robots sold by maker this month, at each one's price and cost, and what held the market's output. */
export const RobotMakersSold = defineEvent(
  "RobotMakersSold",
  1,
  Schema.Struct({
    units: sized(Column.f64, NMK),
    priceUsd: sized(Column.f64, NMK),
    unitCostUsd: sized(Column.f64, NMK),
    buyerShare: sized(Column.f64, NMK),
    valueToCost: Schema.Number,
    wanted: Schema.Number,
    limitedBy: Schema.Literals(ROBOT_LIMITS),
  }),
)

/** A maker's factory capacity order (capex cut when robots staff factories). */
export const RobotMakerExpanded = defineEvent(
  "RobotMakerExpanded",
  1,
  Schema.Struct({
    maker: MAKER_NAME,
    unitsPerYear: Schema.Number,
    onlineTick: Schema.Int,
    capexUsd: Schema.Number,
    selfReplicationSaving: Schema.Number,
  }),
)

/** A maker's new design: its generation, capability and the cost multiple it brings. */
export const RobotMakerRedesigned = defineEvent(
  "RobotMakerRedesigned",
  1,
  Schema.Struct({ maker: MAKER_NAME, generation: Schema.Int, capability: Schema.Number, costFactor: Schema.Number }),
)

/** A maker enters (with its factory) or leaves (its capacity retired). */
export const RobotMakerEntered = defineEvent(
  "RobotMakerEntered",
  1,
  Schema.Struct({ maker: MAKER_NAME, unitsPerYear: Schema.Number }),
)
export const RobotMakerExited = defineEvent(
  "RobotMakerExited",
  1,
  Schema.Struct({ maker: MAKER_NAME, unitShare: Schema.Number }),
)

export const events = [
  RobotMakersSold,
  RobotMakerExpanded,
  RobotMakerRedesigned,
  RobotMakerEntered,
  RobotMakerExited,
] as const

const entryTick = (st: EconomyState, i: number) => Math.max(0, tickAtYear(st.p.startYear, st.p.maker.entryYear[i]))

/** The output maker i's learning curve is measured from: its share of the 2024 stock, or a year at entry. */
export const makerReference = (p: EconomyState["p"], i: number): number =>
  Math.max(1, p.maker.share2024[i] * p.v["robots.stock2024"], p.maker.entryUnitsPerYear[i])

/** A maker's unit cost: Wright's law on its own output, its redesigns' cost factor, the materials floor. */
export const makerUnitCost = (st: EconomyState, i: number): number => {
  const p = st.p
  const v = p.v
  const b = Math.log2(1 - v["robots.learningRate"])
  const curve = (Math.max(1, st.makerCum[i]) / makerReference(p, i)) ** b
  return Math.max(
    v["robots.floorCostUsd"],
    v["robots.unitCost2024Usd"] * p.maker.costIndex[i] * st.makerCostFactor[i] * curve,
  )
}

/** What makers offer this month: each one's cost, price, buyers' share and sales, and the robots wanted in all. */
export const makerOffers = (st: EconomyState, tick: number) => {
  const { p, flow } = st
  const v = p.v
  const cost = new Float64Array(NMK)
  const price = new Float64Array(NMK)
  const sold = new Float64Array(NMK)
  const weight = new Float64Array(NMK)
  const perDollar = new Float64Array(NMK)
  let capacity = 0
  for (let i = 0; i < NMK; i++) {
    cost[i] = makerUnitCost(st, i)
    price[i] = cost[i] * (1 + v["robots.markup"])
    perDollar[i] = st.makerCapability[i] / price[i]
    if (st.makerStatus[i] !== 1) continue
    weight[i] = st.makerCap[i]
    capacity += st.makerCap[i]
  }
  // With no factory capacity at all, buyers still see the makers' designs and prices (equal weights).
  if (capacity === 0) for (let i = 0; i < NMK; i++) weight[i] = st.makerStatus[i] === 1 ? 1 : 0
  const share = logitShares(weight, perDollar, v["robotMakers.priceElasticity"])
  let meanPrice = 0
  for (let i = 0; i < NMK; i++) meanPrice += share[i] * price[i]
  const c = machineCosts(st, tick)
  const weq = workerEqPerRobot(p, tick)
  const value = flow[F.robotPricePerWorkerYear] * weq
  const toCost = (pr: number) =>
    value / (pr * (v["macro.returnOnCapital"] + 1 / v["robots.lifetimeYears"]) + c.robotPower * weq)
  const valueToCost = meanPrice > 0 ? toCost(meanPrice) : 0
  const wanted = (capacity / 12) * Math.min(1, valueToCost * valueToCost)
  // Each maker sells its buyers' share up to its capacity; what it cannot make goes to makers with room.
  let placed = 0
  let spare = 0
  for (let i = 0; i < NMK; i++) {
    sold[i] = Math.min(st.makerCap[i] / 12, share[i] * wanted)
    placed += sold[i]
    spare += st.makerStatus[i] === 1 ? st.makerCap[i] / 12 - sold[i] : 0
  }
  const left = wanted - placed
  if (left > 0 && spare > 0)
    for (let i = 0; i < NMK; i++)
      if (st.makerStatus[i] === 1) sold[i] += (left * (st.makerCap[i] / 12 - sold[i])) / spare
  return { cost, price, share, sold, valueToCost, wanted, capacity }
}

/** Robots the makers want to build this month (the foundries reserve their on-board computers). */
export const robotsWanted = (st: EconomyState, tick: number): number => makerOffers(st, tick).wanted

/** Robot makers: entry, redesigns, sales bounded by factories, chips and power, capacity orders, exit. */
export const systems: Systems<typeof events> = [
  {
    name: "robot-makers",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { x, flow } = st
      const v = st.p.v
      const out: EventOf<typeof events>[] = []
      const mp = st.p.maker
      for (let i = 0; i < NMK; i++) {
        const m = ROBOT_MAKERS[i]
        const start = entryTick(st, i)
        if (st.makerStatus[i] === 0 && tick >= start)
          out.push(RobotMakerEntered.make({ maker: m, unitsPerYear: mp.entryUnitsPerYear[i] }))
        if (st.makerStatus[i] === 2 || tick < start) continue
        const every = Math.max(1, Math.round(mp.redesignYears[i] * 12))
        const breakthrough = tick === tickAtYear(st.p.startYear, mp.breakthroughYear[i])
        if ((tick > start && (tick - start) % every === 0) || breakthrough)
          out.push(
            RobotMakerRedesigned.make({
              maker: m,
              generation: st.makerGen[i] + 1,
              capability: st.makerCapability[i] * mp.redesignStep[i],
              costFactor: breakthrough ? mp.breakthroughCostFactor[i] : 1,
            }),
          )
      }
      const o = makerOffers(st, tick)
      const byFactories = o.wanted * servedShare(st, USER.factories)
      const chipPer = v["robots.chipH100ePerRobot"]
      const byChips = chipPer > 0 ? flow[F.robotChipH100e] / chipPer : Number.POSITIVE_INFINITY
      const kw = v["robots.powerKw"]
      // New robots run only if powered: spare power soon, plus the power of robots retiring this month.
      const retiring = x[X.robots] / (v["robots.lifetimeYears"] * 12)
      const byPower =
        kw > 0 ? Math.max(0, (sparePowerGw(st, tick, USER.robots) * 1e6) / kw) + retiring : Number.POSITIVE_INFINITY
      const built = Math.min(byFactories, byChips, byPower, robotsByMaterials(st))
      const limitedBy: RobotLimit =
        built >= o.wanted
          ? "demand"
          : built >= byFactories
            ? "factories"
            : built >= byChips
              ? "chips"
              : built >= byPower
                ? "power"
                : "materials"
      const scale = o.wanted > 0 ? built / o.wanted : 0
      const units = o.sold.map((s) => s * scale)
      out.push(
        RobotMakersSold.make({
          units,
          priceUsd: o.price,
          unitCostUsd: o.cost,
          buyerShare: o.share,
          valueToCost: o.valueToCost,
          wanted: o.wanted,
          limitedBy,
        }),
      )
      const lead = Math.round(v["robots.factoryLeadTimeMonths"])
      const growth = v["robots.maxCapacityGrowthPerYear"]
      // Robots staffing robot factories cut the capex of new capacity (self-replication).
      const saving = v["robots.selfReplication"] * st.sectorAuto[SECTOR.industry * K + OCC.manualRoutine]
      // The industry expands as one market (its growth limit is the supply chain's), and buyers'
      // orders decide who builds it: each maker orders its buyers' share of the expansion.
      const pipe = addSlots(0, st.makerPipe, 0, RING * NMK, 1)
      const desired = o.capacity * Math.min(1 + (growth * lead) / 12, o.valueToCost)
      const industry = Math.min(
        (growth * o.capacity) / 12,
        desired - o.capacity - pipe,
        factoryCapexRoomUsd(st, "robots") / (v["robots.factoryCapexUsdPerUnitYear"] * Math.max(1e-9, 1 - saving)),
      )
      for (let i = 0; i < NMK; i++) {
        const order = o.share[i] * industry
        if (st.makerStatus[i] !== 1 || order <= st.makerCap[i] * 0.001 || order <= 0) continue
        out.push(
          RobotMakerExpanded.make({
            maker: ROBOT_MAKERS[i],
            unitsPerYear: order,
            onlineTick: tick + lead,
            capexUsd: order * v["robots.factoryCapexUsdPerUnitYear"] * (1 - saving),
            selfReplicationSaving: saving,
          }),
        )
      }
      for (let i = 0; i < NMK; i++) {
        const m = ROBOT_MAKERS[i]
        if (st.makerStatus[i] === 1 && tick >= entryTick(st, i) + v["robotMakers.exitMonths"])
          if (st.makerWeak[i] >= v["robotMakers.exitMonths"])
            out.push(RobotMakerExited.make({ maker: m, unitShare: st.makerLast[i * NML + ML.unitShare] }))
      }
      return out
    },
  },
]

/** Factory capacity of the makers in the market (robots a year). */
export const makerCapacity = (st: EconomyState): number => {
  let sum = 0
  for (let i = 0; i < NMK; i++) if (st.makerStatus[i] === 1) sum += st.makerCap[i]
  return sum
}

const makerIndex = (m: RobotMaker): number => ROBOT_MAKERS.indexOf(m)

export const reducers: Reducers<typeof events> = {
  RobotMakersSold: (st, d) => {
    const v = st.p.v
    let units = 0
    for (let i = 0; i < NMK; i++) units += d.units[i]
    for (let i = 0; i < NMK; i++) {
      const o = i * NML
      st.makerCum[i] += d.units[i]
      st.makerLast[o + ML.units] = d.units[i]
      st.makerLast[o + ML.price] = d.priceUsd[i]
      st.makerLast[o + ML.cost] = d.unitCostUsd[i]
      st.makerLast[o + ML.unitShare] = units > 0 ? d.units[i] / units : 0
      st.makerLast[o + ML.buyerShare] = d.buyerShare[i]
      if (st.makerStatus[i] === 1)
        st.makerWeak[i] = units > 0 && d.units[i] / units < v["robotMakers.exitShare"] ? st.makerWeak[i] + 1 : 0
    }
    st.supplyMarket[MKT.robotLimit] = ROBOT_LIMITS.indexOf(d.limitedBy)
    st.supplyMarket[MKT.robotValueToCost] = d.valueToCost
    st.supplyMarket[MKT.robotWanted] = d.wanted
  },
  RobotMakerExpanded: (st, d) => {
    st.makerPipe[(d.onlineTick % RING) * NMK + makerIndex(d.maker)] += d.unitsPerYear
    st.flow[F.robotFactoryCapex] += d.capexUsd * 12
  },
  RobotMakerRedesigned: (st, d) => {
    const i = makerIndex(d.maker)
    st.makerGen[i] = d.generation
    st.makerCapability[i] = d.capability
    st.makerCostFactor[i] *= d.costFactor
  },
  RobotMakerEntered: (st, d) => {
    const i = makerIndex(d.maker)
    st.makerStatus[i] = 1
    st.makerCap[i] = Math.max(st.makerCap[i], d.unitsPerYear)
    st.x[X.robotCapacity] = makerCapacity(st)
  },
  RobotMakerExited: (st, d) => {
    const i = makerIndex(d.maker)
    st.makerStatus[i] = 2
    st.makerCap[i] = 0
    for (let s = 0; s < RING; s++) st.makerPipe[s * NMK + i] = 0
    st.x[X.robotCapacity] = makerCapacity(st)
  },
}
