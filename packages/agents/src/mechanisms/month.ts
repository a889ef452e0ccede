import { defineEvent } from "@takeoff/core"
import * as Schema from "effect/Schema"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { K, NFD, NMK, NP } from "../economy/sets.js"
import { F, isOver, RING, X } from "../economy/state.js"
import { foundryDeliverable } from "./foundries.js"
import { yearAtTick } from "../time.js"
import { makerCapacity } from "./robot-makers.js"

/**
 * The month turns (docs/model.md, "Shape of a tick" and "Fixed factor and space"). Exogenous laws
 * of motion, monthly:
 *   population, labour force  x (1 + g_pop)^(1/12)
 *   TFP                       x (1 + g_tfp)^(1/12)
 *   fixed factor on Earth     x (1 + g_fixed)^(1/12) (off-world resources: `mechanisms/space.ts`)
 *   chips, robots             x (1 - 1 / (12 x lifetime))
 * and every pipeline (each foundry's fab and packaging, each robot maker's factories, power,
 * retraining) delivers its slot for the month.
 */

export const params = [
  param("macro.populationB", "billion", 0.1, 100, "Population", "World population at the start."),
  param(
    "macro.populationGrowthPerYear",
    "fraction/yr",
    -0.05,
    0.05,
    "Population growth",
    "Population (and labour force) growth.",
  ),
  param(
    "macro.tfpGrowthPerYear",
    "fraction/yr",
    -0.05,
    0.1,
    "TFP growth",
    "Exogenous total factor productivity growth of every sector (non-AI technical progress).",
  ),
  param(
    "macro.fixedFactorGrowthPerYear",
    "fraction/yr",
    0,
    0.2,
    "Fixed factor growth",
    "Growth of the fixed factor on Earth (resource discovery, recycling).",
  ),
]

/** The month turns: pipelines deliver, stocks depreciate, population and TFP grow (deterministic). */
export const MonthBegan = defineEvent("MonthBegan", 1, Schema.Struct({ year: Schema.Number }))

export const events = [MonthBegan] as const

export const systems: Systems<typeof events> = [
  {
    name: "month",
    decide: (st, { tick }) => (isOver(st) ? [] : [MonthBegan.make({ year: yearAtTick(st.p.startYear, tick) })]),
  },
]

export const reducers: Reducers<typeof events> = {
  MonthBegan: (st, _d, tick) => {
    const { x, flow } = st
    const v = st.p.v
    x[X.tick] = tick
    const slot = tick % RING
    if (tick > 0) {
      const pop = (1 + v["macro.populationGrowthPerYear"]) ** (1 / 12)
      x[X.population] *= pop
      for (let k = 0; k < K; k++) st.labourForce[k] *= pop
      x[X.tfp] *= (1 + v["macro.tfpGrowthPerYear"]) ** (1 / 12)
      x[X.fixedFactor] *= (1 + v["macro.fixedFactorGrowthPerYear"]) ** (1 / 12)
      const chipKeep = 1 - 1 / (v["chips.lifetimeYears"] * 12)
      for (let g = 0; g < st.chipStock.length; g++) st.chipStock[g] *= chipKeep
      x[X.robots] *= 1 - 1 / (v["robots.lifetimeYears"] * 12)
    }
    for (let i = 0; i < NFD; i++) {
      st.foundryFab[i] += st.foundryFabPipe[slot * NFD + i]
      st.foundryPack[i] += st.foundryPackPipe[slot * NFD + i]
      st.foundryFabPipe[slot * NFD + i] = 0
      st.foundryPackPipe[slot * NFD + i] = 0
    }
    x[X.fabCapacity] = foundryDeliverable(st)
    for (let i = 0; i < NMK; i++) {
      st.makerCap[i] += st.makerPipe[slot * NMK + i]
      st.makerPipe[slot * NMK + i] = 0
    }
    x[X.robotCapacity] = makerCapacity(st)
    for (let j = 0; j < NP; j++) {
      st.power[j] += st.powerPipe[slot * NP + j]
      st.powerPipe[slot * NP + j] = 0
    }
    for (let k = 0; k < K; k++) {
      const arriving = st.retrainPipe[slot * K + k]
      st.labourForce[k] += arriving
      x[X.retraining] -= arriving
      st.retrainPipe[slot * K + k] = 0
    }
    flow[F.fabCapex] = 0
    flow[F.robotFactoryCapex] = 0
  },
}
