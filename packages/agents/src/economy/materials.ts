import { MATERIALS, MUSER, NFD, NM, NMK, NP, POWER_SOURCES } from "./sets.js"
import { addSlots, type EconomyState, F, RING, X } from "./state.js"

/**
 * The materials budgets the machines draw on (docs/model.md, "Materials"; the mechanism is
 * `mechanisms/materials.ts`): robots, fab and robot-factory capex and power plants are built only
 * within the month's budget, so what they use never exceeds what was produced.
 */

/** The per-material parameters `materials.<class>.<field>`, then t/MW by power source. */
const FIELDS = [
  "production2024Mt",
  "resourceGt",
  "priceUsdPerT",
  "leadTimeMonths",
  "robotKg",
  "factoryKgPerKusd",
] as const
type Field = (typeof FIELDS)[number]
const FIELD: Readonly<Record<Field, number>> = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<Field, number>
/** Each row: the fields, t/MW by power source, then the rest of the economy's 2024 use (`rest2024Tpy`). */
const REST = FIELDS.length + POWER_SOURCES.length
const W = REST + 1

/**
 * The parameters read every month and what follows from them alone, gathered once per config
 * (parameter paths are built from names).
 */
const tables = new WeakMap<object, Float64Array>()
const table = (st: EconomyState): Float64Array => {
  const v = st.p.v as Readonly<Record<string, number>>
  let t = tables.get(v)
  if (t === undefined) {
    t = new Float64Array(NM * W)
    for (let c = 0; c < NM; c++) {
      for (let f = 0; f < FIELDS.length; f++) t[c * W + f] = v[`materials.${MATERIALS[c]}.${FIELDS[f]}`]
      for (let j = 0; j < POWER_SOURCES.length; j++)
        t[c * W + FIELDS.length + j] = v[`materials.${MATERIALS[c]}.${POWER_SOURCES[j]}TPerMw`]
    }
    // The rest of the economy's 2024 use (t/yr): world output less what 2024's power build and robots took.
    for (let c = 0; c < NM; c++) {
      let power = 0
      for (let j = 0; j < NP; j++)
        power += v[`energy.${POWER_SOURCES[j]}.maxAddGwPerYear`] * 1000 * t[c * W + FIELDS.length + j]
      const robots = (v["robots.production2024"] * t[c * W + FIELD.robotKg]) / 1000
      t[c * W + REST] = Math.max(0, t[c * W + FIELD.production2024Mt] * 1e6 - power - robots)
    }
    tables.set(v, t)
  }
  return t
}

/** A per-material parameter `materials.<class>.<what>`. */
export const kg = (st: EconomyState, c: number, what: Field): number => table(st)[c * W + FIELD[what]]

/** Tonnes per MW of firm capacity of source j, material c. */
export const tPerMw = (st: EconomyState, j: number, c: number): number => table(st)[c * W + FIELDS.length + j]

/** Earth's planetary budget for material c (t/yr): what is left over the minimum mine life. */
export const earthBudgetTpy = (st: EconomyState, c: number): number =>
  Math.max(0, kg(st, c, "resourceGt") * 1e9 - st.matCum[c]) / st.p.v["materials.minMineLifeYears"]

/** The most robots this month's materials budget can build. */
export const robotsByMaterials = (st: EconomyState): number => {
  let n = Number.POSITIVE_INFINITY
  for (let c = 0; c < NM; c++) {
    const k = kg(st, c, "robotKg")
    if (k > 0) n = Math.min(n, (st.matBudget[MUSER.robots * NM + c] * 1000) / k)
  }
  return Math.max(0, n)
}

/**
 * The factory capex (USD a month) the fabs (wafers and packaging, every foundry) and the robot
 * makers would spend at their growth limits, on next month's capacities: what the factories'
 * materials demand is sized for, and how their budget is shared.
 */
export const factoryCapexWantedUsd = (st: EconomyState): { readonly chips: number; readonly robots: number } => {
  const v = st.p.v
  const next = (st.x[X.tick] + 1) % RING
  let fabs = 0
  for (let i = 0; i < NFD; i++)
    fabs +=
      (st.foundryFab[i] + st.foundryFabPipe[next * NFD + i]) * v["chips.fabCapexUsdPerUnitYear"] +
      (st.foundryPack[i] + st.foundryPackPipe[next * NFD + i]) * v["foundries.packagingCapexUsdPerUnitYear"]
  let robots = st.x[X.robotCapacity]
  for (let i = 0; i < NMK; i++) robots += st.makerPipe[next * NMK + i]
  return {
    chips: (v["chips.maxCapacityGrowthPerYear"] * fabs) / 12,
    robots: (v["robots.maxCapacityGrowthPerYear"] * robots * v["robots.factoryCapexUsdPerUnitYear"]) / 12,
  }
}

/**
 * Fab or robot-factory capex (USD) the factories' materials budget still allows this month: the
 * budget is shared between fabs and robot makers in proportion to what each would build at its
 * growth limit, so neither system's orders crowd out the other's by coming first in the tick.
 */
export const factoryCapexRoomUsd = (st: EconomyState, user: "chips" | "robots"): number => {
  let usd = Number.POSITIVE_INFINITY
  for (let c = 0; c < NM; c++) {
    const k = kg(st, c, "factoryKgPerKusd")
    if (k > 0) usd = Math.min(usd, (st.matBudget[MUSER.factories * NM + c] * 1e6) / k)
  }
  const wanted = factoryCapexWantedUsd(st)
  const total = wanted.chips + wanted.robots
  const share = total > 0 ? wanted[user] / total : 0.5
  const spent = user === "chips" ? st.flow[F.fabCapex] : st.flow[F.robotFactoryCapex]
  return Math.max(0, share * usd - spent / 12)
}

/** The power system's materials budget this month (t by material), drawn down by `takePowerMaterials`. */
export const powerMaterialsRoom = (st: EconomyState): Float64Array =>
  st.matBudget.slice(MUSER.power * NM, MUSER.power * NM + NM)

/** The GW of source j (at most `gw`) the room allows; subtracts their materials from `room`. */
export const takePowerMaterials = (st: EconomyState, room: Float64Array, j: number, gw: number): number => {
  let allowed = gw
  for (let c = 0; c < NM; c++) {
    const t = tPerMw(st, j, c) * 1000
    if (t > 0) allowed = Math.min(allowed, Math.max(0, room[c]) / t)
  }
  for (let c = 0; c < NM; c++) room[c] -= allowed * 1000 * tPerMw(st, j, c)
  return allowed
}

/** Power the factories' last capex drew on, per source: capacity plus pipeline (GW). */
export const powerRef = (st: EconomyState, out: Float64Array): Float64Array => {
  for (let j = 0; j < NP; j++) out[j] = addSlots(st.power[j], st.powerPipe, j, RING, NP)
  return out
}

/** The rest of the economy's 2024 use (t/yr): world output less what 2024's power build and robots took. */
export const rest2024Tpy = (st: EconomyState, c: number): number => table(st)[c * W + REST]
