import { defineEvent, type EventOf } from "@takeoff/core"
import { Schema } from "effect"
import { machineCosts, workerEqPerRobot } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { K, OCC, SECTOR, USER } from "../economy/sets.js"
import { servedShare, sparePowerGw } from "../economy/power.js"
import { type EconomyState, F, isOver, RING, X } from "../economy/state.js"

/**
 * Robot factories (docs/model.md, "Robot factories"). Wright's law with a materials floor:
 *   unit cost = max(floor, cost2024 x (cumulative / stock2024)^log2(1 - learning rate)), price = cost x (1 + markup)
 *   value/cost = robot rent per worker-year x worker-eq per robot
 *                / (price x (r + 1/lifetime) + power cost per worker-year x worker-eq per robot)
 *   wanted     = capacity / 12 x min(1, (value/cost)^2)
 *   built      = min(wanted x factories' served power share, on-board chips / H100e per robot,
 *                    (spare power soon / kW per robot) + robots retiring)        (the binding one is recorded)
 *   order      = min(max growth x capacity / 12, capacity x min(1 + growth x lead / 12, value/cost) - capacity - pipeline)
 * Robots staffing robot factories cut the capex of new capacity by self-replication x the
 * automation of routine manual work in industry.
 */

export const params = [
  param("robots.stock2024", "robots", 0, 1e12, "Robots 2024", "Robots in use at the start."),
  param("robots.production2024", "robots/yr", 0, 1e12, "Robot output 2024", "Robot production capacity at the start."),
  param("robots.unitCost2024Usd", "USD", 100, 1e7, "Robot cost 2024", "Unit cost of a robot at the start."),
  param(
    "robots.floorCostUsd",
    "USD",
    10,
    1e7,
    "Robot cost floor",
    "Materials cost below which Wright's law cannot push the unit cost.",
  ),
  param(
    "robots.learningRate",
    "fraction",
    0,
    0.9,
    "Robot learning rate",
    "Unit cost fall per doubling of cumulative output (Wright's law).",
  ),
  param("robots.markup", "fraction", 0, 10, "Robot markup", "Price over unit cost."),
  param("robots.lifetimeYears", "years", 1, 50, "Robot lifetime", "Average service life of a robot."),
  param(
    "robots.workerEquivalents2024",
    "workers",
    0.01,
    100,
    "Robot worker-equivalents",
    "Human worker-equivalents of automatable physical work per robot (hours x speed).",
  ),
  param(
    "robots.productivityGrowthPerYear",
    "fraction/yr",
    0,
    2,
    "Robot redesign gains",
    "Growth of a robot's worker-equivalents per year (hands, speed, redesigns).",
  ),
  param("robots.powerKw", "kW", 0, 100, "Robot power", "Average power draw of a robot (its computer included)."),
  param(
    "robots.chipH100ePerRobot",
    "H100e",
    0,
    100,
    "Robot on-board compute",
    "AI compute each robot carries, bought from the same fabs as data-centre chips.",
  ),
  param(
    "robots.factoryMwhPerRobot",
    "MWh",
    0,
    1000,
    "Energy to build a robot",
    "Electricity to make one robot (materials and assembly): the factories' draw on the power system.",
  ),
  param(
    "robots.factoryLeadTimeMonths",
    "months",
    1,
    120,
    "Robot factory lead time",
    "Months from a capacity order to output.",
  ),
  param(
    "robots.factoryCapexUsdPerUnitYear",
    "USD per unit/yr",
    1,
    1e8,
    "Robot factory capex",
    "Capital cost of one robot per year of factory capacity.",
  ),
  param(
    "robots.maxCapacityGrowthPerYear",
    "fraction/yr",
    0,
    20,
    "Robot factory growth limit",
    "Largest capacity order per year relative to current capacity.",
  ),
  param(
    "robots.selfReplication",
    "fraction",
    0,
    1,
    "Self-replication",
    "Share of factory capex saved when robots staff robot factories (times industry automation).",
  ),
]

/** What held robot output: demand (value/cost), factory capacity or power, on-board chips, power to run them. */
const ROBOT_LIMITS = ["demand", "factories", "chips", "power"] as const

/**
 * Robots built and bought this month, and what held their number. v2 added the limit (v1 logs:
 * demand).
 */
export const RobotsBuilt = defineEvent(
  "RobotsBuilt",
  2,
  Schema.Struct({
    units: Schema.Number,
    unitCostUsd: Schema.Number,
    priceUsd: Schema.Number,
    valueToCost: Schema.Number,
    limitedBy: Schema.Literals(ROBOT_LIMITS),
  }),
  { 1: (d) => ({ ...(d as object), limitedBy: "demand" }) },
)

/** A robot factory capacity order (capex cut when robots staff factories). */
export const RobotFactoryExpanded = defineEvent(
  "RobotFactoryExpanded",
  1,
  Schema.Struct({
    unitsPerYear: Schema.Number,
    onlineTick: Schema.Int,
    capexUsd: Schema.Number,
    selfReplicationSaving: Schema.Number,
  }),
)

export const events = [RobotsBuilt, RobotFactoryExpanded] as const

/** Robot economics at a tick: Wright's-law cost, price, value over cost and the robots makers want to build. */
const robotEconomics = (st: EconomyState, tick: number) => {
  const { p, x, flow } = st
  const v = p.v
  const b = Math.log2(1 - v["robots.learningRate"])
  const unitCostUsd = Math.max(
    v["robots.floorCostUsd"],
    // One robot at least on each side: with no robots in 2024 the curve starts from the first one.
    v["robots.unitCost2024Usd"] * (Math.max(1, x[X.robotCum]) / Math.max(1, v["robots.stock2024"])) ** b,
  )
  const priceUsd = unitCostUsd * (1 + v["robots.markup"])
  const c = machineCosts(st, tick)
  const value = flow[F.robotPricePerWorkerYear] * workerEqPerRobot(p, tick)
  const annualCost =
    priceUsd * (v["macro.returnOnCapital"] + 1 / v["robots.lifetimeYears"]) + c.robotPower * workerEqPerRobot(p, tick)
  const valueToCost = value / annualCost
  return {
    unitCostUsd,
    priceUsd,
    valueToCost,
    wanted: (x[X.robotCapacity] / 12) * Math.min(1, valueToCost * valueToCost),
  }
}

/** Robots the makers want to build this month (the chip market reserves their on-board computers). */
export const robotsWanted = (st: EconomyState, tick: number): number => robotEconomics(st, tick).wanted

/**
 * Robot factories: Wright's-law cost, purchases when a robot earns its keep, bounded by factory
 * output (and its power), on-board chips and power to run the new robots; capacity orders.
 */
export const systems: Systems<typeof events> = [
  {
    name: "robots",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p, x, flow } = st
      const v = p.v
      const { unitCostUsd, priceUsd, valueToCost, wanted } = robotEconomics(st, tick)
      const byFactories = wanted * servedShare(st, USER.factories)
      const chipPer = v["robots.chipH100ePerRobot"]
      const byChips = chipPer > 0 ? flow[F.robotChipH100e] / chipPer : Number.POSITIVE_INFINITY
      const kw = v["robots.powerKw"]
      // New robots run only if powered: spare power soon, plus the power of robots retiring this month.
      const retiring = x[X.robots] / (v["robots.lifetimeYears"] * 12)
      const byPower =
        kw > 0 ? Math.max(0, (sparePowerGw(st, tick, USER.robots) * 1e6) / kw) + retiring : Number.POSITIVE_INFINITY
      const units = Math.min(byFactories, byChips, byPower)
      const limitedBy =
        units >= wanted ? "demand" : units >= byFactories ? "factories" : units >= byChips ? "chips" : "power"
      const out: EventOf<typeof events>[] = [RobotsBuilt.make({ units, unitCostUsd, priceUsd, valueToCost, limitedBy })]
      let pipeline = 0
      for (let i = 0; i < RING; i++) pipeline += st.robotPipe[i]
      const lead = Math.round(v["robots.factoryLeadTimeMonths"])
      const maxGrowth = v["robots.maxCapacityGrowthPerYear"]
      const desired = x[X.robotCapacity] * Math.min(1 + (maxGrowth * lead) / 12, valueToCost)
      const order = Math.min((maxGrowth * x[X.robotCapacity]) / 12, desired - x[X.robotCapacity] - pipeline)
      if (order > x[X.robotCapacity] * 0.001) {
        // Robots staffing robot factories cut the capex of new capacity (self-replication).
        const selfReplicationSaving =
          v["robots.selfReplication"] * st.sectorAuto[SECTOR.industry * K + OCC.manualRoutine]
        out.push(
          RobotFactoryExpanded.make({
            unitsPerYear: order,
            onlineTick: tick + lead,
            capexUsd: order * v["robots.factoryCapexUsdPerUnitYear"] * (1 - selfReplicationSaving),
            selfReplicationSaving,
          }),
        )
      }
      return out
    },
  },
]

export const reducers: Reducers<typeof events> = {
  RobotsBuilt: (st, d) => {
    const { x, flow } = st
    x[X.robots] += d.units
    x[X.robotCum] += d.units
    x[X.robotCost] = d.unitCostUsd
    flow[F.robotsBuilt] = d.units * 12
    flow[F.robotPriceUsd] = d.priceUsd
    flow[F.robotSpend] = d.units * d.priceUsd * 12
  },
  RobotFactoryExpanded: (st, d) => {
    st.robotPipe[d.onlineTick % RING] += d.unitsPerYear
    st.flow[F.robotFactoryCapex] += d.capexUsd * 12
  },
}
