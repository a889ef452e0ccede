import { defineEvent, type EventOf } from "@takeoff/core"
import { Schema } from "effect"
import { powerCapacityGw, powerDemandGw, productionMix } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { NP, POWER_SOURCES } from "../economy/sets.js"
import { F, isOver, RING, X } from "../economy/state.js"

/**
 * Energy (docs/model.md, "Energy"). One power system for AI data centres, fed by grid, gas and
 * solar, each with a lead time, a cost and a build limit. Each month labs order
 *   gap = (demand + new chips' power per month x horizon) x (1 + reserve) - capacity - pipeline
 * filled source by source: when chips already wait for power the fastest first, otherwise the
 * sources that deliver within the horizon first, cheapest first. The price is the capacity-weighted
 * cost, x (demand / capacity)^exponent when demand exceeds capacity (`economy/costs.ts`).
 */

export const params = [
  param("energy.aiCapacityGw2024", "GW", 0, 1e5, "AI power 2024", "Power available to AI data centres at the start."),
  param(
    "energy.planningHorizonMonths",
    "months",
    1,
    120,
    "Power planning horizon",
    "How far ahead labs order power for chips they expect.",
  ),
  param("energy.reserveShare", "fraction", 0, 2, "Power reserve", "Capacity ordered above expected demand."),
  ...POWER_SOURCES.flatMap((p) => [
    param(`energy.${p}.leadTimeMonths`, "months", 1, 240, `${p} lead time`, "Months from order to power."),
    param(
      `energy.${p}.costUsdPerMwh`,
      "USD/MWh",
      1,
      10000,
      `${p} cost`,
      "All-in cost of electricity from this source.",
    ),
    param(
      `energy.${p}.maxAddGwPerYear`,
      "GW/yr",
      0,
      1e6,
      `${p} build limit`,
      "Most capacity of this source that can be ordered per year for AI.",
    ),
  ]),
  param(
    "energy.scarcityPriceExponent",
    "exponent",
    0,
    10,
    "Power scarcity pricing",
    "Electricity price rises as (demand/supply)^this when chips wait for power.",
  ),
]

/** Power capacity ordered for AI data centres from one source. */
export const PowerOrdered = defineEvent(
  "PowerOrdered",
  1,
  Schema.Struct({
    source: Schema.Literals(POWER_SOURCES),
    gw: Schema.Number,
    onlineTick: Schema.Int,
    costUsdPerMwh: Schema.Number,
    shortfallGw: Schema.Number,
  }),
)

export const events = [PowerOrdered] as const

/** Energy: orders power ahead of chips; fast sources first when chips already wait for power. */
export const systems: Systems<typeof events> = [
  {
    name: "energy",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p, flow } = st
      const v = p.v
      const demand = powerDemandGw(st)
      const cap = powerCapacityGw(st)
      let pipeline = 0
      for (let i = 0; i < RING * NP; i++) pipeline += st.powerPipe[i]
      const { newest } = productionMix(p, tick)
      // Plan for what the fabs can make (chips sold may be held back by power itself).
      const fabH100ePerMonth = (st.x[X.fabCapacity] / 12) * p.gens[newest].h100e
      const addGwPerMonth =
        (Math.max(flow[F.chipH100eMade], fabH100ePerMonth) * p.gens[newest].kw) / p.gens[newest].h100e / 1e6
      const horizon = v["energy.planningHorizonMonths"]
      const target = (demand + addGwPerMonth * horizon) * (1 + v["energy.reserveShare"])
      let gap = target - cap - pipeline
      if (gap <= 1e-6) return []
      const shortfallGw = Math.max(0, demand - cap)
      // Chips already waiting for power: the fastest source first (gas gensets bridging a slow grid).
      // Otherwise sources that deliver within the horizon come first, cheapest first; the rest after.
      const order = POWER_SOURCES.map((_, j) => j).sort((a, b) => {
        if (shortfallGw > 0) {
          const d = v[`energy.${POWER_SOURCES[a]}.leadTimeMonths`] - v[`energy.${POWER_SOURCES[b]}.leadTimeMonths`]
          if (d !== 0) return d
        }
        const la = v[`energy.${POWER_SOURCES[a]}.leadTimeMonths`] <= horizon ? 0 : 1
        const lb = v[`energy.${POWER_SOURCES[b]}.leadTimeMonths`] <= horizon ? 0 : 1
        if (la !== lb) return la - lb
        const ca = v[`energy.${POWER_SOURCES[a]}.costUsdPerMwh`]
        const cb = v[`energy.${POWER_SOURCES[b]}.costUsdPerMwh`]
        return ca !== cb ? ca - cb : a - b
      })
      const out: EventOf<typeof events>[] = []
      for (const j of order) {
        const src = POWER_SOURCES[j]
        const gw = Math.min(gap, v[`energy.${src}.maxAddGwPerYear`] / 12)
        if (gw <= 1e-9) continue
        gap -= gw
        out.push(
          PowerOrdered.make({
            source: src,
            gw,
            onlineTick: tick + Math.round(v[`energy.${src}.leadTimeMonths`]),
            costUsdPerMwh: v[`energy.${src}.costUsdPerMwh`],
            shortfallGw,
          }),
        )
        if (gap <= 1e-9) break
      }
      return out
    },
  },
]

export const reducers: Reducers<typeof events> = {
  PowerOrdered: (st, d) => {
    st.powerPipe[(d.onlineTick % RING) * NP + POWER_SOURCES.indexOf(d.source)] += d.gw
  },
}
