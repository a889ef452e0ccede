import type { MetricInfo } from "@takeoff/protocol"
import { DECILES, type EconomyState, F, HH, NHH, X } from "./state.js"

/**
 * What the households' state says, read by the milestones, the metrics and the audit
 * (docs/model.md, "Households" and "Metrics and milestones"): the basic basket's cost, the poorest
 * decile and the least income without work, and the distribution metrics. The households'
 * decisions and reducers are in mechanisms/households.ts.
 */

/** What the basic basket costs a person a year at this month's goods prices (USD/yr). */
export const basketCostUsd = (st: EconomyState): number =>
  st.p.v["milestones.basicBasketUsdPerYear"] * st.flow[F.goodsPrice]

/** The decile with the lowest income per head, and its income per head by source (USD/yr). */
export interface PoorestDecile {
  /** 1 = the poorest decile at the start. */
  readonly decile: number
  readonly incomePerHeadUsd: number
  readonly labourPerHeadUsd: number
  /** Capital income and transfers: what it receives without working. */
  readonly nonLabourPerHeadUsd: number
  readonly transferPerHeadUsd: number
}

/** The lowest income per head without wages (capital income and transfers) over the deciles (USD/yr). */
export const leastIncomeWithoutWork = (st: EconomyState): number => {
  let least = Number.POSITIVE_INFINITY
  for (let d = 0; d < DECILES; d++) {
    const o = d * NHH
    least = Math.min(least, st.hhFlow[o + HH.capital] + st.hhFlow[o + HH.transfer])
  }
  return (least * DECILES) / st.x[X.population]
}

export const poorestDecile = (st: EconomyState): PoorestDecile => {
  const heads = st.x[X.population] / DECILES
  let best = 0
  let lowest = Number.POSITIVE_INFINITY
  for (let d = 0; d < DECILES; d++) {
    const o = d * NHH
    const y = st.hhFlow[o + HH.labour] + st.hhFlow[o + HH.capital] + st.hhFlow[o + HH.transfer]
    if (y < lowest) {
      lowest = y
      best = d
    }
  }
  const o = best * NHH
  return {
    decile: best + 1,
    incomePerHeadUsd: lowest / heads,
    labourPerHeadUsd: st.hhFlow[o + HH.labour] / heads,
    nonLabourPerHeadUsd: (st.hhFlow[o + HH.capital] + st.hhFlow[o + HH.transfer]) / heads,
    transferPerHeadUsd: st.hhFlow[o + HH.transfer] / heads,
  }
}

/** Metric keys of the distribution, in the order `householdMetrics` writes them. */
export const HOUSEHOLD_METRICS: ReadonlyArray<MetricInfo> = [
  ...Array.from({ length: DECILES }, (_, d) => ({
    key: `income.d${d + 1}`,
    label: `Income per head: decile ${d + 1}`,
    unit: "USD/yr",
    log: true,
  })),
  ...Array.from({ length: DECILES }, (_, d) => ({
    key: `consumption.d${d + 1}`,
    label: `Consumption per head: decile ${d + 1}`,
    unit: "USD/yr",
    log: true,
  })),
  { key: "medianIncomeUsd", label: "Median income", unit: "USD/yr per head", log: true },
  { key: "giniIncome", label: "Gini of income (deciles)", unit: "0..1" },
  { key: "bottomDecileBasketCover", label: "Poorest decile's income / basic basket", unit: "x", log: true },
]

/**
 * Distribution metrics from the deciles' last flows: income and consumption per head, the median
 * (between deciles 5 and 6 once sorted), the Gini of the decile Lorenz curve and the poorest
 * decile's income over the basket's cost. All zero before the first month.
 */
export const householdMetrics = (st: EconomyState, basketUsd: number, m: Record<string, number>): void => {
  const heads = st.x[X.population] / DECILES
  const perHead = new Float64Array(DECILES)
  let total = 0
  for (let d = 0; d < DECILES; d++) {
    const o = d * NHH
    perHead[d] = (st.hhFlow[o + HH.labour] + st.hhFlow[o + HH.capital] + st.hhFlow[o + HH.transfer]) / heads
    total += perHead[d]
    m[`income.d${d + 1}`] = perHead[d]
    m[`consumption.d${d + 1}`] = st.hhFlow[o + HH.consumption] / heads
  }
  const sorted = Float64Array.from(perHead).sort()
  let cum = 0
  let area = 0
  for (let d = 0; d < DECILES; d++) {
    const next = cum + sorted[d]
    area += (cum + next) / 2
    cum = next
  }
  m.medianIncomeUsd = (sorted[4] + sorted[5]) / 2
  m.giniIncome = total > 0 ? 1 - (2 * area) / (DECILES * total) : 0
  m.bottomDecileBasketCover = basketUsd > 0 ? sorted[0] / basketUsd : 0
}
