import type { Derived } from "./derive.js"
import { GOODS_SECTORS, K, S } from "./sets.js"

/**
 * Production and market clearing (docs/model.md, "Production: tasks, sectors and the fixed factor"). Each sector makes
 * Y_s = [(1-phi) X_s^r + phi F_s^r]^(1/r) with X_s = z_s K_s^alpha T_s^(1-alpha), where the task
 * bundle T_s is a CES (elasticity sigma) over occupation slices done by people (1 - a) and by
 * machines (a). Demand over sectors is Cobb-Douglas with value shares beta_s. Factors move until
 * each earns the same in every sector; employment is capped by downward-rigid wages.
 */

/** The market allocation for a given set of inputs: writes alloc*, sector outputs and payments. */
export interface Solved {
  gdp: number
  wages: number
  capitalIncome: number
  rent: number
  aiRevenue: number
  robotRevenue: number
  aiShare: number
  goodsPrice: number
  goodsLabourShare: number
}

/**
 * The solver's working arrays, reused by every call (it runs once a month and in calibration, never
 * re-entered): allocating them each call was a measurable share of a sweep run's garbage.
 */
const scratch = {
  payK: new Float64Array(S),
  payF: new Float64Array(S),
  payT: new Float64Array(S),
  payL: new Float64Array(S * K),
  payM: new Float64Array(S * K),
  sL: new Float64Array(S * K),
  sM: new Float64Array(S * K),
  totL: new Float64Array(K),
  sX: new Float64Array(S),
  wH: new Float64Array(S * K),
  wM: new Float64Array(S * K),
  lnZ: new Float64Array(S),
}

/**
 * Clears the factor markets of one tick: allocates labour by occupation, AI and robot services,
 * traditional capital and the fixed factor across sectors so each earns the same in every sector
 * (Cobb-Douglas demand over sectors, CES production), with employment capped by downward-rigid wages.
 * Iterates from the previous allocation (warm start); pure apart from writing into `out`.
 *
 * @example
 * const solved = solveMarkets(st.p, inputs, buffers) // solved.gdp, solved.aiShare, buffers.wage
 */
export const solveMarkets = (
  p: Derived,
  inp: {
    readonly auto: Float64Array
    readonly zSector: Float64Array
    readonly capital: number
    readonly fixed: number
    readonly maxEmployed: Float64Array
    readonly wageFloor: Float64Array
    readonly aiSupply: number
    readonly robotSupply: number
    /** Value shares of the sectors this month (default: the start shares `p.beta`). */
    readonly beta?: Float64Array
    /** If true, `wageFloor` is ignored and all of maxEmployed works (calibration). */
    readonly fullEmployment?: boolean
  },
  out: {
    allocL: Float64Array
    allocM: Float64Array
    allocK: Float64Array
    allocF: Float64Array
    sectorY: Float64Array
    sectorAiShare: Float64Array
    employed: Float64Array
    wage: Float64Array
  },
  iterations = 12,
): Solved => {
  const { omega, alpha, phi, rFixed, rhoTask, sigmaTask } = p
  const beta = inp.beta ?? p.beta
  const { allocL, allocM, allocK, allocF, sectorY, employed } = out
  const { payK, payF, payT, payL, payM, sL, sM, totL, sX, wH, wM, lnZ } = scratch
  // Sectors without demand and slices without weight are skipped below and read as 0.
  payK.fill(0)
  payF.fill(0)
  payT.fill(0)
  payL.fill(0)
  payM.fill(0)
  sL.fill(0)
  sM.fill(0)
  sX.fill(0)
  const inv = 1 / sigmaTask
  const invFixed = 1 / rFixed
  // What does not change across iterations, computed once: each slice's weight times its
  // automation term, and the log of sector TFP (the same values, so the same bits, as inline).
  for (let s = 0; s < S; s++) {
    lnZ[s] = Math.log(inp.zSector[s])
    for (let k = 0; k < K; k++) {
      const w = omega[s * K + k]
      const a = inp.auto[s * K + k]
      wH[s * K + k] = w * (1 - a) ** inv
      wM[s * K + k] = a > 0 ? w * a ** inv : 0
    }
  }
  let gdp = 0
  for (let it = 0; it < iterations; it++) {
    let lnE = 0
    for (let s = 0; s < S; s++) {
      if (beta[s] <= 0) continue
      // Task bundle (Acemoglu-Restrepo): slices done by people (1 - a) and by machines (a).
      let lnT = 0
      let D = 0
      for (let k = 0; k < K; k++) {
        const w = omega[s * K + k]
        if (w <= 0) continue
        const a = inp.auto[s * K + k]
        const L = Math.max(allocL[s * K + k], 1e-6)
        const M = Math.max(allocM[s * K + k], 1e-6)
        if (rhoTask === 0) {
          const h = w * (1 - a)
          const m = w * a
          sL[s * K + k] = h
          sM[s * K + k] = m
          if (h > 0) lnT += h * Math.log(L / (1 - a))
          if (m > 0) lnT += m * Math.log(M / a)
        } else {
          const h = wH[s * K + k] * L ** rhoTask
          const m = a > 0 ? wM[s * K + k] * M ** rhoTask : 0
          sL[s * K + k] = h
          sM[s * K + k] = m
          D += h + m
        }
      }
      if (rhoTask !== 0) {
        for (let k = 0; k < K; k++) {
          sL[s * K + k] /= D
          sM[s * K + k] /= D
        }
        lnT = Math.log(D) / rhoTask
      }
      const lnX = lnZ[s] + alpha * Math.log(Math.max(allocK[s], 1e-6)) + (1 - alpha) * lnT
      const X = Math.exp(lnX)
      const Fq = Math.max(allocF[s], 1e-6)
      // Fixed-factor nest: Y = [(1-phi) X^r + phi F^r]^(1/r); r < 0 makes F bind as X grows.
      const a1 = (1 - phi) * X ** rFixed
      const a2 = phi * Fq ** rFixed
      const Y = (a1 + a2) ** invFixed
      sX[s] = a1 / (a1 + a2)
      sectorY[s] = Y
      lnE += beta[s] * Math.log(Y / beta[s])
    }
    gdp = Math.exp(lnE)
    let sumK = 0
    let sumF = 0
    totL.fill(0)
    let sumMai = 0
    let sumMrob = 0
    for (let s = 0; s < S; s++) {
      if (beta[s] <= 0) continue
      const R = beta[s] * gdp
      payK[s] = R * sX[s] * alpha
      payT[s] = R * sX[s] * (1 - alpha)
      payF[s] = R * (1 - sX[s])
      sumK += payK[s]
      sumF += payF[s]
      for (let k = 0; k < K; k++) {
        payL[s * K + k] = payT[s] * sL[s * K + k]
        payM[s * K + k] = payT[s] * sM[s * K + k]
        totL[k] += payL[s * K + k]
        if (p.physical[k]) sumMrob += payM[s * K + k]
        else sumMai += payM[s * K + k]
      }
    }
    for (let k = 0; k < K; k++) {
      // No human slice left (full automation): nobody is employed in it. A zero wage floor hires everyone.
      const byWage = inp.fullEmployment || inp.wageFloor[k] <= 0 ? inp.maxEmployed[k] : totL[k] / inp.wageFloor[k]
      employed[k] = totL[k] > 0 ? Math.min(inp.maxEmployed[k], byWage) : 0
    }
    for (let s = 0; s < S; s++) {
      allocK[s] = sumK > 0 ? (inp.capital * payK[s]) / sumK : 0
      allocF[s] = sumF > 0 ? (inp.fixed * payF[s]) / sumF : 0
      for (let k = 0; k < K; k++) {
        const i = s * K + k
        allocL[i] = totL[k] > 0 ? (employed[k] * payL[i]) / totL[k] : 0
        const sum = p.physical[k] ? sumMrob : sumMai
        allocM[i] = sum > 0 ? ((p.physical[k] ? inp.robotSupply : inp.aiSupply) * payM[i]) / sum : 0
      }
    }
  }
  let wages = 0
  let capitalIncome = 0
  let rent = 0
  let aiRevenue = 0
  let robotRevenue = 0
  let aiShareNum = 0
  let goodsLnP = 0
  let goodsBeta = 0
  let goodsWages = 0
  let goodsRevenue = 0
  for (let s = 0; s < S; s++) {
    capitalIncome += payK[s]
    rent += payF[s]
    let machine = 0
    for (let k = 0; k < K; k++) {
      wages += payL[s * K + k]
      machine += payM[s * K + k]
      if (p.physical[k]) robotRevenue += payM[s * K + k]
      else aiRevenue += payM[s * K + k]
    }
    // AI share: each sector's value added is attributed to machine vs human tasks in proportion.
    out.sectorAiShare[s] = payT[s] > 0 ? machine / payT[s] : 0
    aiShareNum += beta[s] * gdp * out.sectorAiShare[s]
    if ((s === GOODS_SECTORS[0] || s === GOODS_SECTORS[1]) && beta[s] > 0) {
      goodsLnP += beta[s] * Math.log((beta[s] * gdp) / sectorY[s])
      goodsBeta += beta[s]
      for (let k = 0; k < K; k++) goodsWages += payL[s * K + k]
      goodsRevenue += beta[s] * gdp
    }
  }
  for (let k = 0; k < K; k++) out.wage[k] = employed[k] > 0 ? totL[k] / employed[k] : inp.wageFloor[k]
  return {
    gdp,
    wages,
    capitalIncome,
    rent,
    aiRevenue,
    robotRevenue,
    aiShare: gdp > 0 ? aiShareNum / gdp : 0,
    goodsPrice: goodsBeta > 0 ? Math.exp(goodsLnP / goodsBeta) : 1,
    goodsLabourShare: goodsRevenue > 0 ? goodsWages / goodsRevenue : 0,
  }
}
