import { Column, defineEvent, type EventOf, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { dispatchableGw, powerCapacityGw, productionMix } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { buildRateScale, clearPower, restPowerGw2024, userBudgetUsd, userDemandGw } from "../economy/power.js"
import { NP, NU, POWER_SOURCES, POWER_USERS, USER } from "../economy/sets.js"
import { addSlots, F, isOver, RING, X } from "../economy/state.js"
import { powerMaterialsRoom, takePowerMaterials } from "../economy/materials.js"

/**
 * Energy (docs/model.md, "Energy"). One power system for every user (`economy/power.ts`): data
 * centres, robots, factories and the rest of the economy. Each month it dispatches
 *   dispatchable = capacity / (1 + reserve), served to users in order of value per MWh
 * (the users left short are named in `PowerDispatched`), then orders
 *   gap = min(planetary budget, (demand + expected growth per month x horizon) x (1 + reserve)) - capacity - pipeline
 * source by source, each at most its 2024 build rate x build scale / 12, where
 *   build scale = (investment / 2024 investment) x (1 + automated-build gain x industry's manual automation)
 * When demand already exceeds supply, the fastest source first (gas gensets bridging a slow grid);
 * otherwise sources that deliver within the horizon first, cheapest first. The price is the
 * capacity-weighted cost, or the clearing price when that is higher (`economy/costs.ts`).
 */

export const params = [
  param(
    "energy.worldElectricityTwh2024",
    "TWh/yr",
    0,
    1e7,
    "World electricity 2024",
    "Electricity used by the whole economy in 2024 (data centres and robots included).",
  ),
  param(
    "energy.restElasticity",
    "elasticity",
    0,
    2,
    "Electricity elasticity",
    "Growth of the rest of the economy's electricity per unit growth of its (non-AI, non-robot) output.",
  ),
  param(
    "energy.restOutputElasticity",
    "elasticity",
    0,
    1,
    "Output loss from short power",
    "Elasticity of the rest of the economy's output to the share of its power demand served (1: nothing runs unpowered).",
  ),
  param(
    "energy.protectedRestShare",
    "fraction",
    0,
    1,
    "Protected load",
    "Share of the rest of the economy's 2024 demand (x population growth) served before any machine (homes, hospitals, essential services).",
  ),
  param(
    "energy.aiCapacityGw2024",
    "GW",
    0,
    1e5,
    "AI power 2024",
    "Capacity connected to AI data centres at the start (part of the grid; the headroom above their load is spare).",
  ),
  param(
    "energy.planningHorizonMonths",
    "months",
    1,
    120,
    "Power planning horizon",
    "How far ahead the power system builds for the demand it expects.",
  ),
  param(
    "energy.reserveShare",
    "fraction",
    0,
    2,
    "Power reserve",
    "Capacity held above dispatchable load for peaks and outages.",
  ),
  param(
    "energy.planetaryCapacityTw",
    "TW",
    0,
    1e6,
    "Planetary power budget",
    "Most firm capacity Earth's surface can host (land for solar, sites, heat rejection); orders stop there.",
  ),
  param(
    "energy.automatedBuildGain",
    "x",
    0,
    100,
    "Automated construction gain",
    "Extra build rate when robots do all of industry's manual work (robots build power plants).",
  ),
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
      `${p} build rate 2024`,
      "Most average (firm) capacity of this source that can be ordered per year at 2024 investment; scales with the build scale.",
    ),
  ]),
]

/**
 * The month's dispatch: each user's demand and what it was served (GW, by `POWER_USERS`), the
 * dispatchable capacity, the clearing price (0 when nothing was short), the build scale, and the
 * users that went (partly) dark.
 */
export const PowerDispatched = defineEvent(
  "PowerDispatched",
  1,
  Schema.Struct({
    demandGw: sized(Column.f64, NU),
    servedGw: sized(Column.f64, NU),
    dispatchableGw: Schema.Number,
    clearingPriceUsdPerMwh: Schema.Number,
    buildRateScale: Schema.Number,
    dark: Schema.Array(Schema.Literals(POWER_USERS)),
  }),
)

/** Power capacity ordered from one source. */
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

export const events = [PowerDispatched, PowerOrdered] as const

/** Energy: dispatch to every user by willingness to pay, then build for the demand expected. */
export const systems: Systems<typeof events> = [
  {
    name: "energy",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p, flow } = st
      const v = p.v
      const demandGw = new Float64Array(NU)
      userDemandGw(st, demandGw)
      const servedGw = new Float64Array(NU)
      const supply = dispatchableGw(st)
      const budgetUsd = userBudgetUsd(st, new Float64Array(NU))
      const clearingPriceUsdPerMwh = clearPower(
        supply,
        demandGw,
        budgetUsd,
        v["energy.restOutputElasticity"],
        // Essential load: the protected share of 2024's rest-of-economy power, growing with population.
        v["energy.protectedRestShare"] * restPowerGw2024(p) * (st.x[X.population] / (v["macro.populationB"] * 1e9)),
        servedGw,
      )
      const dark: number[] = []
      for (let u = 0; u < NU; u++) if (servedGw[u] < demandGw[u] * (1 - 1e-9)) dark.push(u)
      const scale = buildRateScale(st)
      const out: EventOf<typeof events>[] = [
        PowerDispatched.make({
          demandGw,
          servedGw,
          dispatchableGw: supply,
          clearingPriceUsdPerMwh,
          buildRateScale: scale,
          dark: dark.map((u) => POWER_USERS[u]),
        }),
      ]
      let demand = 0
      for (let u = 0; u < NU; u++) demand += demandGw[u]
      const cap = powerCapacityGw(st)
      const pipeline = addSlots(0, st.powerPipe, 0, RING * NP, 1)
      // Expected growth per month: the chips the fabs can make, the robots the factories can make,
      // and the rest of the economy at last year's growth (2024's before a year of history).
      const { newest } = productionMix(p, tick)
      const fabH100ePerMonth = (st.x[X.fabCapacity] / 12) * p.gens[newest].h100e
      const chipGwPerMonth =
        (Math.max(flow[F.chipH100eMade], fabH100ePerMonth) * p.gens[newest].kw) / p.gens[newest].h100e / 1e6
      const robotGwPerMonth = ((st.x[X.robotCapacity] / 12) * v["robots.powerKw"]) / 1e6
      const yearAgo = st.gdpHist[tick % 12]
      const growth = tick >= 12 && yearAgo > 0 ? st.gdpHist[(tick + 11) % 12] / yearAgo - 1 : v["macro.realGrowth2024"]
      const restGwPerMonth = (demandGw[USER.rest] * Math.max(0, growth) * v["energy.restElasticity"]) / 12
      const horizon = v["energy.planningHorizonMonths"]
      const target =
        (demand + (chipGwPerMonth + robotGwPerMonth + restGwPerMonth) * horizon) * (1 + v["energy.reserveShare"])
      // Earth hosts at most the planetary budget: past it, only space adds capacity (`space.ts`).
      let gap = Math.min(target, v["energy.planetaryCapacityTw"] * 1000 + st.x[X.offworldPowerGw]) - cap - pipeline
      if (gap <= 1e-6) return out
      const shortfallGw = Math.max(0, demand - supply)
      const lead = p.powerSource.leadTimeMonths
      const costOf = p.powerCostUsdPerMwh
      const order = POWER_SOURCES.map((_, j) => j).sort((a, b) => {
        if (shortfallGw > 0) {
          const d = lead[a] - lead[b]
          if (d !== 0) return d
        }
        const la = lead[a] <= horizon ? 0 : 1
        const lb = lead[b] <= horizon ? 0 : 1
        if (la !== lb) return la - lb
        const ca = costOf[a]
        const cb = costOf[b]
        return ca !== cb ? ca - cb : a - b
      })
      // Plants are built from the month's materials budget (`materials.ts`).
      const room = powerMaterialsRoom(st)
      for (const j of order) {
        const src = POWER_SOURCES[j]
        const gw = takePowerMaterials(st, room, j, Math.min(gap, (p.powerSource.maxAddGwPerYear[j] * scale) / 12))
        if (gw <= 1e-9) continue
        gap -= gw
        out.push(
          PowerOrdered.make({
            source: src,
            gw,
            onlineTick: tick + Math.round(lead[j]),
            costUsdPerMwh: costOf[j],
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
  PowerDispatched: (st, d) => {
    st.powerDemandGw.set(d.demandGw)
    st.powerServedGw.set(d.servedGw)
    st.flow[F.powerClearingPrice] = d.clearingPriceUsdPerMwh
  },
  PowerOrdered: (st, d) => {
    st.powerPipe[(d.onlineTick % RING) * NP + POWER_SOURCES.indexOf(d.source)] += d.gw
  },
}
