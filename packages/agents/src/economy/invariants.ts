import { type EconomyState, X } from "./state.js"

/**
 * Physical invariants of a state (docs/model.md, "Limits and invariants"), checked after every
 * tick by the tests of every scenario and of random parameter draws: every number is finite and
 * no stock, pipeline or allocation is negative. Power and materials balances are added by the
 * mechanisms that keep them (`energy.ts`).
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
  "fabPipe",
  "power",
  "powerPipe",
  "robotPipe",
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
  return null
}
