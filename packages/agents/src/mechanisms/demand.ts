import type { Derived } from "../economy/derive.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { GOODS_SECTORS, S, SECTOR } from "../economy/sets.js"
import type { EconomyState } from "../economy/state.js"

/**
 * Demand that feeds back (docs/model.md, "Demand: who buys what"). Each decile's consumption
 * C_d is non-homothetic (Stone-Geary): it first buys the basic basket of goods for its people,
 *   subsistence_d = min(C_d, basket x goods price x heads)
 * and spends the rest with a marginal goods share gamma (industry and agriculture in their start
 * proportions) and 1 - gamma on services and knowledge (in their start proportions). Investment
 * buys industry (structures, equipment: share iota) and knowledge (software, R&D: 1 - iota).
 * Sector s's spending share e_s(t) moves its value share:
 *   beta_s(t) = beta_s x (e_s(t) / e_s(0)) / sum_j beta_j x (e_j(t) / e_j(0))
 * which the next month's markets clear against, so the start is the calibrated economy and a
 * shift of income toward the poor (a basic income) shifts production toward basic goods.
 */

export const params = [
  param(
    "demand.feedback",
    "0/1",
    0,
    1,
    "Demand feedback",
    "1: what the deciles buy moves the sectors' value shares (non-homothetic demand); 0: fixed value shares.",
    true,
  ),
  param(
    "demand.marginalGoodsShare",
    "fraction",
    0,
    1,
    "Marginal goods share",
    "Share of consumption above the basic basket spent on goods (industry and agriculture); the rest buys services and knowledge.",
  ),

  param(
    "demand.investmentIndustryShare",
    "fraction",
    0,
    1,
    "Investment from industry",
    "Share of investment spending on industry (structures, equipment); the rest buys knowledge (software, R&D).",
  ),
]

export const events = [] as const
export const systems: Systems<typeof events> = []
export const reducers: Reducers<typeof events> = {}

const isGoods = (s: number): boolean => GOODS_SECTORS.includes(s)

/**
 * Spending by sector (annualised USD) of the deciles' consumption and of investment, written into
 * `out`. `consumption` holds each decile's total; `basketUsd` is the basket's cost per person.
 *
 * @example
 * sectorSpending(p, consumption, investment, basketUsd, heads, out) // out[SECTOR.industry] ...
 */
export const sectorSpending = (
  p: Derived,
  consumption: ArrayLike<number>,
  investment: number,
  basketUsd: number,
  headsPerDecile: number,
  out: Float64Array,
): void => {
  const gamma = p.v["demand.marginalGoodsShare"]
  let goodsBeta = 0
  let otherBeta = 0
  for (let s = 0; s < S; s++) {
    if (isGoods(s)) goodsBeta += p.beta[s]
    else otherBeta += p.beta[s]
  }
  let subsistence = 0
  let above = 0
  for (let d = 0; d < consumption.length; d++) {
    const c = Math.max(0, consumption[d])
    const basic = Math.min(c, basketUsd * headsPerDecile)
    subsistence += basic
    above += c - basic
  }
  const goods = subsistence + gamma * above
  const other = (1 - gamma) * above
  for (let s = 0; s < S; s++) {
    const within = isGoods(s)
      ? goodsBeta > 0
        ? (goods * p.beta[s]) / goodsBeta
        : 0
      : otherBeta > 0
        ? (other * p.beta[s]) / otherBeta
        : 0
    out[s] = within
  }
  const iota = p.v["demand.investmentIndustryShare"]
  const invest = Math.max(0, investment)
  // A sector with no value share (the one-sector case) passes its part to the other.
  const toIndustry = p.beta[SECTOR.industry] > 0 ? (p.beta[SECTOR.knowledge] > 0 ? iota : 1) : 0
  const toKnowledge = p.beta[SECTOR.knowledge] > 0 ? 1 - toIndustry : 0
  out[SECTOR.industry] += invest * toIndustry
  out[SECTOR.knowledge] += invest * toKnowledge
}

/**
 * The value shares the markets clear against: the start shares moved by demand since the start
 * (see the header), or the start shares when the feedback is off or before the first month.
 */
export const valueShares = (st: EconomyState, out: Float64Array): Float64Array => {
  const p = st.p
  if (p.v["demand.feedback"] !== 1) {
    out.set(p.beta)
    return out
  }
  let sum = 0
  for (let s = 0; s < S; s++) {
    const ref = st.demandRef[s]
    out[s] = p.beta[s] > 0 && ref > 0 ? (p.beta[s] * st.sectorDemand[s]) / ref : p.beta[s]
    sum += out[s]
  }
  for (let s = 0; s < S; s++) out[s] /= sum
  return out
}
