import type { MachineCosts } from "./costs.js"
import type { Derived } from "./derive.js"
import { K, S } from "./sets.js"
import { type EconomyState, X } from "./state.js"

/**
 * Which tasks it pays to automate (docs/model.md, "Automation: capability, cost and adoption"). An occupation's
 * automatable share is logistic in log10 effective compute, A_k = 1 / (1 + exp(-(c - c_k - shift) / (s_k x gap)));
 * of those tasks, the ones cheaper by machine are automated, with task costs dispersed
 * log-normally: target_k = A_k x Phi(ln(wage_k / machineCost_k) / dispersion).
 */

/** Normal CDF (Abramowitz-Stegun 7.1.26 via erf), enough for adoption shares. */
export const normCdf = (z: number): number => {
  const t = 1 / (1 + 0.3275911 * Math.abs(z / Math.SQRT2))
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(z * z) / 2)
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y)
}

/** Share of an occupation's tasks AI (or robots driven by AI) can technically do at a capability. */
export const automatable = (p: Derived, k: number, frontierLog10: number): number => {
  // The shift and the gap scale are common to every occupation: how much compute automation needs
  // is uncertain by orders of magnitude for all work at once (Davidson's requirements and FLOP gap).
  // threshold = occupations.<o>.thresholdLog10Flop + ai.requirementShiftLog10,
  // spread = occupations.<o>.spreadLog10 x ai.flopGapScale (resolved in `derive.ts`).
  return 1 / (1 + Math.exp(-(frontierLog10 - p.automatableThreshold[k]) / p.automatableSpread[k]))
}

/**
 * Slots of a driver vector (recorded per sector for attribution): the frontier, the four machine
 * cost parts (USD per worker-year), then one wage per occupation from `wage`.
 */
export const DRIVER = { frontierLog10: 0, aiChip: 1, aiPower: 2, robotCapital: 3, robotPower: 4, wage: 5 } as const
export const NDRIVER = DRIVER.wage + K

/**
 * The share of an occupation's tasks it pays to automate: technically feasible (capability) times
 * cheaper by machine (task costs dispersed log-normally around the machine/wage ratio).
 */
export const occupationTarget = (
  p: Derived,
  k: number,
  frontierLog10: number,
  aiCost: number,
  robotCost: number,
  wage: number,
): number => {
  const cost = p.physical[k] ? robotCost : aiCost
  return automatable(p, k, frontierLog10) * normCdf(Math.log(wage / cost) / p.v["firms.taskCostDispersion"])
}

/** Writes the driver vector of the current state into `out` at `offset`. */
export const writeDrivers = (st: EconomyState, c: MachineCosts, out: Float64Array, offset: number): void => {
  out[offset + DRIVER.frontierLog10] = st.x[X.frontierLog10]
  out[offset + DRIVER.aiChip] = c.aiChip
  out[offset + DRIVER.aiPower] = c.aiPower
  out[offset + DRIVER.robotCapital] = c.robotCapital
  out[offset + DRIVER.robotPower] = c.robotPower
  for (let k = 0; k < K; k++) out[offset + DRIVER.wage + k] = st.wage[k]
}

/** A sector's automation target (task-weighted) under a driver vector. */
export const sectorTarget = (p: Derived, s: number, d: ArrayLike<number>): number => {
  let t = 0
  for (let k = 0; k < K; k++) {
    const w = p.omega[s * K + k]
    if (w <= 0) continue
    const aiCost = d[DRIVER.aiChip] + d[DRIVER.aiPower]
    const robotCost = d[DRIVER.robotCapital] + d[DRIVER.robotPower]
    t += w * occupationTarget(p, k, d[DRIVER.frontierLog10], aiCost, robotCost, d[DRIVER.wage + k])
  }
  return t
}

/** Economy-wide automation of an occupation (sector value weighted). */
export const aggregateAutomation = (st: EconomyState, k: number): number => {
  let a = 0
  let w = 0
  for (let s = 0; s < S; s++) {
    const weight = st.p.beta[s] * st.p.omega[s * K + k]
    a += weight * st.sectorAuto[s * K + k]
    w += weight
  }
  return w > 0 ? a / w : 0
}
