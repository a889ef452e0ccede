import { defineEvent, type EventOf } from "@takeoff/core"
import { Schema } from "effect"
import { machineCosts, workerEqPerRobot } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { K, OCC, SECTOR } from "../economy/sets.js"
import { F, isOver, RING, X } from "../economy/state.js"

/**
 * Robot factories (docs/model.md, "Robot factories"). Wright's law with a materials floor:
 *   unit cost = max(floor, cost2024 x (cumulative / stock2024)^log2(1 - learning rate)), price = cost x (1 + markup)
 *   value/cost = robot rent per worker-year x worker-eq per robot
 *                / (price x (r + 1/lifetime) + power cost per worker-year x worker-eq per robot)
 *   built      = capacity / 12 x min(1, (value/cost)^2)
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
  param("robots.powerKw", "kW", 0, 100, "Robot power", "Average power draw of a robot."),
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

/** Robots built and bought this month. */
export const RobotsBuilt = defineEvent(
  "RobotsBuilt",
  1,
  Schema.Struct({
    units: Schema.Number,
    unitCostUsd: Schema.Number,
    priceUsd: Schema.Number,
    valueToCost: Schema.Number,
  }),
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

/** Robot factories: Wright's-law cost, purchases when a robot earns its keep, capacity orders. */
export const systems: Systems<typeof events> = [
  {
    name: "robots",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
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
        priceUsd * (v["macro.returnOnCapital"] + 1 / v["robots.lifetimeYears"]) +
        c.robotPower * workerEqPerRobot(p, tick)
      const valueToCost = value / annualCost
      const units = (x[X.robotCapacity] / 12) * Math.min(1, valueToCost * valueToCost)
      const out: EventOf<typeof events>[] = [RobotsBuilt.make({ units, unitCostUsd, priceUsd, valueToCost })]
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
