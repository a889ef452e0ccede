import { defineEvent, type EventOf } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { factoryCapexRoomUsd } from "../economy/materials.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { FOUNDRIES, type Foundry, NFD } from "../economy/sets.js"
import { addSlots, type EconomyState, F, FL, isOver, NFL, RING } from "../economy/state.js"
import { chipMix } from "./chips.js"
import { foundryYield } from "./foundries.js"

/**
 * Foundry capacity (docs/model.md, "Foundries"): each foundry in the market orders wafers and
 * packaging from its own demand signal and balance sheet, after this month's sales:
 *   D_f        = w_f x 12 B / (floor_f x H100e per unit)   (good output its buyers' share w_f of the labs' budget B buys at its floor)
 *   fab order  = min(max growth x W_f / 12, D_f / y_f - W_f - fab pipeline, (cash + debt limit) / capex,
 *                    factories' materials budget left / capex)   (its own lead time)
 *   pack order = min(max growth x P_f / 12, D_f - P_f - packaging pipeline, what the balance sheet has left,
 *                    what the materials budget has left)
 * Cash accumulates each month's gross margin on the labs' purchases (foundries.ts) and pays the capex.
 */

const FOUNDRY_NAME = Schema.Literals(FOUNDRIES)

export const params = [
  param(
    "foundries.packagingLeadTimeMonths",
    "months",
    1,
    120,
    "Packaging lead time",
    "Months from a packaging (CoWoS-class) capacity order to output.",
  ),
  param(
    "foundries.packagingCapexUsdPerUnitYear",
    "USD per unit/yr",
    0,
    1e7,
    "Packaging capex",
    "Capital cost of packaging one accelerator a year.",
  ),
  param(
    "foundries.debtToRevenue",
    "years",
    0,
    20,
    "Foundry borrowing",
    "Capex a foundry may spend beyond its cash, in years of its current revenue.",
  ),
]

/** A foundry's capacity order, fab or packaging, with the signal and the limit that sized it. */
export const FoundryCapacityOrdered = defineEvent(
  "FoundryCapacityOrdered",
  1,
  Schema.Struct({
    foundry: FOUNDRY_NAME,
    kind: Schema.Literals(["fab", "packaging"]),
    unitsPerYear: Schema.Number,
    onlineTick: Schema.Int,
    capexUsd: Schema.Number,
    demandUnitsPerYear: Schema.Number,
    limitedBy: Schema.Literals(["demand", "growth", "balance", "materials"]),
  }),
)

export const events = [FoundryCapacityOrdered] as const

/** Capacity orders of every foundry in the market, from this month's buyers' shares and floors. */
export const systems: Systems<typeof events> = [
  {
    name: "foundry-capacity",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p } = st
      const v = p.v
      const h = chipMix(st, tick).h100ePerUnit
      let budget = 0
      for (let l = 0; l < p.nLabs; l++) budget += st.labBudget[l] / 12
      const out: EventOf<typeof events>[] = []
      // The factories' materials budget is shared by every foundry's orders this month.
      const materials = { roomUsd: factoryCapexRoomUsd(st, "chips") }
      for (let i = 0; i < NFD; i++) {
        if (st.foundryStatus[i] !== 1) continue
        const floor = st.foundryLast[i * NFL + FL.cost] * (1 + v["chips.minMarkup"])
        const demand = floor > 0 ? (st.foundryLast[i * NFL + FL.buyerShare] * 12 * budget) / (floor * h) : 0
        orders(st, tick, i, demand, foundryYield(st, i), materials, out)
      }
      return out
    },
  },
]

/** A foundry's fab and packaging orders from its demand signal, growth limit and balance sheet. */
const orders = (
  st: EconomyState,
  tick: number,
  i: number,
  demand: number,
  y: number,
  materials: { roomUsd: number },
  out: EventOf<typeof events>[],
): void => {
  const v = st.p.v
  const f = FOUNDRIES[i]
  const growth = v["chips.maxCapacityGrowthPerYear"] / 12
  const fabPipe = addSlots(0, st.foundryFabPipe, i, RING, NFD)
  const packPipe = addSlots(0, st.foundryPackPipe, i, RING, NFD)
  const revenue = 12 * st.foundryLast[i * NFL + FL.spend]
  let room = Math.max(0, st.foundryCash[i] + v["foundries.debtToRevenue"] * revenue)
  const kinds = [
    [
      "fab",
      st.foundryFab[i],
      demand / y,
      fabPipe,
      v["chips.fabCapexUsdPerUnitYear"],
      st.p.foundry.fabLeadTimeMonths[i],
    ],
    [
      "packaging",
      st.foundryPack[i],
      demand,
      packPipe,
      v["foundries.packagingCapexUsdPerUnitYear"],
      v["foundries.packagingLeadTimeMonths"],
    ],
  ] as const
  for (const [kind, cap, desired, pipe, capex, lead] of kinds) {
    const byGrowth = growth * cap
    const byDemand = desired - cap - pipe
    const byBalance = capex > 0 ? room / capex : Number.POSITIVE_INFINITY
    const byMaterials = capex > 0 ? materials.roomUsd / capex : Number.POSITIVE_INFINITY
    const order = Math.min(byGrowth, byDemand, byBalance, byMaterials)
    if (order <= cap * 0.001) continue
    room -= order * capex
    materials.roomUsd -= order * capex
    out.push(
      FoundryCapacityOrdered.make({
        foundry: f,
        kind,
        unitsPerYear: order,
        onlineTick: tick + Math.round(lead),
        capexUsd: order * capex,
        demandUnitsPerYear: demand,
        limitedBy:
          order === byDemand ? "demand" : order === byGrowth ? "growth" : order === byBalance ? "balance" : "materials",
      }),
    )
  }
}

const foundryIndex = (f: Foundry): number => FOUNDRIES.indexOf(f)

export const reducers: Reducers<typeof events> = {
  FoundryCapacityOrdered: (st, d) => {
    const i = foundryIndex(d.foundry)
    const pipe = d.kind === "fab" ? st.foundryFabPipe : st.foundryPackPipe
    pipe[(d.onlineTick % RING) * NFD + i] += d.unitsPerYear
    st.foundryCash[i] -= d.capexUsd
    st.flow[F.fabCapex] += d.capexUsd * 12
  },
}
