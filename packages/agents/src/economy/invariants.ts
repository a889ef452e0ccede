import { dispatchableGw } from "./costs.js"
import { MATERIALS, NM, NMU } from "./sets.js"
import { type EconomyState, X } from "./state.js"

/**
 * Physical invariants of a state (docs/model.md, "Limits and invariants"), checked after every
 * tick by the tests of every scenario and of random parameter draws: every number is finite and
 * no stock, pipeline or allocation is negative, power served is within demand and within
 * dispatchable capacity, and materials used are within what was produced.
 */

/** Arrays of the state that hold stocks, pipelines or allocations: none may go below zero. */
const NON_NEGATIVE = [
  "labourForce",
  "employed",
  "retrainPipe",
  "allocL",
  "allocM",
  "allocK",
  "allocF",
  "sectorY",
  "chipStock",
  "chipCum",
  "foundryFab",
  "foundryPack",
  "foundryFabPipe",
  "foundryPackPipe",
  "foundryCum",
  "foundryLost",
  "makerCap",
  "makerPipe",
  "makerCum",
  "makerCapability",
  "makerCostFactor",
  "power",
  "powerPipe",
  "powerDemandGw",
  "powerServedGw",
  "matCapacity",
  "matPipe",
  "matCum",
  "matBudget",
  "matDemand",
  "matUsed",
  "matProduced",
  "offworldMat",
  "spacePipe",
] as const satisfies ReadonlyArray<keyof EconomyState>

/** Scalar stocks that may not go below zero. */
const NON_NEGATIVE_SCALARS = [
  "capital",
  "population",
  "fixedFactor",
  "fabCapacity",
  "robots",
  "robotCapacity",
  "launchCumT",
  "launchCapacityTpy",
  "offworldPowerGw",
] as const

/**
 * The first broken invariant of a state, or null when all hold.
 *
 * @example
 * const broken = invariantViolation(sim.state) // "chipStock[2] = -1e-3 is negative" or null
 */
export const invariantViolation = (st: EconomyState): string | null => {
  for (const [name, value] of Object.entries(st)) {
    if (name === "p" || !ArrayBuffer.isView(value)) continue
    const a = value as unknown as ArrayLike<number>
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return `${name}[${i}] = ${a[i]} is not finite`
  }
  for (const name of NON_NEGATIVE) {
    const a = st[name]
    for (let i = 0; i < a.length; i++) if (a[i] < 0) return `${name}[${i}] = ${a[i]} is negative`
  }
  for (const name of NON_NEGATIVE_SCALARS) if (st.x[X[name]] < 0) return `x.${name} = ${st.x[X[name]]} is negative`
  // Power: no user is served more than it asked for, and all together no more than can be dispatched.
  let servedGw = 0
  for (let u = 0; u < st.powerServedGw.length; u++) {
    if (st.powerServedGw[u] > st.powerDemandGw[u] * (1 + 1e-9) + 1e-9)
      return `powerServedGw[${u}] = ${st.powerServedGw[u]} exceeds its demand ${st.powerDemandGw[u]}`
    servedGw += st.powerServedGw[u]
  }
  const supplyGw = dispatchableGw(st)
  if (servedGw > supplyGw * (1 + 1e-9) + 1e-9 && st.x[X.tick] >= 0)
    return `power served ${servedGw} GW exceeds the dispatchable ${supplyGw} GW`
  return materialsViolation(st)
}

/**
 * Materials used <= materials produced: each user drew at most the budget it was allotted, each
 * budget is within its demand, and the budgets of a class sum to at most what its capacity produced.
 */
const materialsViolation = (st: EconomyState): string | null => {
  const tol = (a: number) => a * (1 + 1e-9) + 1e-6
  for (let i = 0; i < st.matUsed.length; i++) {
    if (st.matUsed[i] > tol(st.matUsedBudget[i]))
      return `matUsed[${i}] = ${st.matUsed[i]} t exceeds its budget ${st.matUsedBudget[i]} t`
    if (st.matBudget[i] > tol(st.matDemand[i]))
      return `matBudget[${i}] = ${st.matBudget[i]} t exceeds its demand ${st.matDemand[i]} t`
  }
  for (let c = 0; c < NM; c++) {
    let budget = 0
    for (let u = 0; u < NMU; u++) budget += st.matBudget[u * NM + c]
    if (budget > tol(st.matProduced[c]))
      return `materials allotted ${budget} t of ${MATERIALS[c]} exceed the ${st.matProduced[c]} t produced`
  }
  return null
}
