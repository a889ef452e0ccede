import { dispatchableGw } from "./costs.js"
import { type EconomyState, X } from "./state.js"

/**
 * Physical invariants of a state (docs/model.md, "Limits and invariants"), checked after every
 * tick by the tests of every scenario and of random parameter draws: every number is finite and
 * no stock, pipeline or allocation is negative, and power served is within demand and within
 * dispatchable capacity.
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
] as const satisfies ReadonlyArray<keyof EconomyState>

/** Scalar stocks that may not go below zero. */
const NON_NEGATIVE_SCALARS = ["capital", "population", "fixedFactor", "fabCapacity", "robots", "robotCapacity"] as const

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
  return null
}
