import { defineEvent } from "@takeoff/core"
import * as Schema from "effect/Schema"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { NMK } from "../economy/sets.js"
import { F, isOver, ML, MKT, NML, X } from "../economy/state.js"

/**
 * Robot factories (docs/model.md, "Robot factories"): the robot market as the sum of the robot
 * makers (`mechanisms/robot-makers.ts`, which price, sell and expand maker by maker):
 *   built = sum_m sold_m;  unit cost, price = their sales-weighted means;  fleet += built
 * The parameters here are common to every maker: the 2024 stock, output and cost, Wright's
 * learning rate and the materials floor, markup, lifetime, worker-equivalents, power and chips on
 * board, factory lead time, capex, growth limit and self-replication.
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
export const ROBOT_LIMITS = ["demand", "factories", "chips", "power", "materials"] as const
export type RobotLimit = (typeof ROBOT_LIMITS)[number]

/**
 * Robots built and bought this month, in all (the sum over the makers, `RobotMakersSold`): units,
 * mean unit cost and price, value over cost and what held their number. v2 added the limit (v1
 * logs: demand).
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

export const events = [RobotsBuilt] as const

/** Robot factories as a whole: the makers' sales summed, at their sales-weighted cost and price. */
export const systems: Systems<typeof events> = [
  {
    name: "robots",
    decide: (st) => {
      if (isOver(st)) return []
      let units = 0
      let costs = 0
      let revenue = 0
      let share = 0
      let meanCost = 0
      let meanPrice = 0
      for (let i = 0; i < NMK; i++) {
        const o = i * NML
        units += st.makerLast[o + ML.units]
        costs += st.makerLast[o + ML.units] * st.makerLast[o + ML.cost]
        revenue += st.makerLast[o + ML.units] * st.makerLast[o + ML.price]
        // With nothing sold, the buyers' shares weight what a robot would cost.
        share += st.makerLast[o + ML.buyerShare]
        meanCost += st.makerLast[o + ML.buyerShare] * st.makerLast[o + ML.cost]
        meanPrice += st.makerLast[o + ML.buyerShare] * st.makerLast[o + ML.price]
      }
      return [
        RobotsBuilt.make({
          units,
          unitCostUsd: units > 0 ? costs / units : meanCost / Math.max(share, 1e-12),
          priceUsd: units > 0 ? revenue / units : meanPrice / Math.max(share, 1e-12),
          valueToCost: st.supplyMarket[MKT.robotValueToCost],
          limitedBy: ROBOT_LIMITS[st.supplyMarket[MKT.robotLimit]] ?? "demand",
        }),
      ]
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
}
