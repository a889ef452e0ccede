import { Column, defineEvent, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import type { Derived } from "../economy/derive.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { sectorSpending } from "./demand.js"
import { S } from "../economy/sets.js"
import { DECILES, F, HH, isOver, NHH, X } from "../economy/state.js"
import { freshF64 } from "../economy/fresh.js"
import { basketCostUsd, leastIncomeWithoutWork } from "../economy/household-readings.js"

/**
 * Households by income decile and their saving (docs/model.md, "Households by income group",
 * "Households: saving" and "The aggregate special cases"). Decile d (1 = poorest) receives
 *   labour_d   = l_d x wages                 (l_d: its share of labour income)
 *   capital_d  = o_d x (Y - wages - transfers) (o_d: its share of the owners' wealth)
 *   transfer_d = transfers / 10              (the basic income is equal per head)
 * and saves S_d = I x o_d under the Ramsey rule (identical owners save in proportion to wealth), or
 * S_d = I x y_d rank_d^skew / sum(y rank^skew), capped at its income, under the Solow rule. Then
 *   o_d' = (o_d W + S_d / 12) / (W + I / 12),  W = K;   C_d = y_d - S_d
 * so sum_d y_d = Y and sum_d (C_d + S_d) = C + I every month. Two saving rules:
 *   rule 0 (Solow):  I = s x Y
 *   rule 1 (Ramsey): workers consume wages and transfers; the owners of capital are a CRRA
 *     household (discount rate rho, relative risk aversion sigma = 1 / EIS) who consume the share
 *     of their wealth that is optimal when today's net return r persists:
 *       r = owners' income / K - delta,   C_owners = m K,   m = ((sigma - 1) r + rho) / sigma
 *       I = owners' income - m K  (clamped to [0, Y])
 *     so consumption grows at the Euler rate (r - rho) / sigma whenever r is constant.
 * Machine capex (chips, fabs, robots, robot factories) is paid from I first; the rest builds
 * traditional capital. What the milestones, metrics and audit read off the deciles (basket cost,
 * poorest decile, distribution metrics) is in economy/household-readings.ts.
 */

export const params = [
  param(
    "households.savingRule",
    "0/1",
    0,
    1,
    "Saving rule",
    "0: a fixed share of GDP is saved (Solow); 1: capital owners save as an optimising Ramsey household, workers consume their income.",
    true,
  ),
  param(
    "households.discountRatePerYear",
    "1/yr",
    0,
    0.5,
    "Discount rate",
    "Ramsey rule: the owners' rate of time preference rho.",
  ),
  param(
    "households.bottom50WealthShare",
    "fraction",
    0,
    0.5,
    "Wealth of the bottom half",
    "Share of the owners' wealth (capital, AI, robots, land, energy) held by the poorest five deciles at the start.",
  ),
  param(
    "households.top10WealthShare",
    "fraction",
    0.1,
    1,
    "Wealth of the top decile",
    "Share of the owners' wealth held by the richest decile at the start.",
  ),
  param(
    "households.bottom50LabourShare",
    "fraction",
    0,
    0.5,
    "Labour income of the bottom half",
    "Share of wages earned by the poorest five deciles.",
  ),
  param(
    "households.top10LabourShare",
    "fraction",
    0.1,
    1,
    "Labour income of the top decile",
    "Share of wages earned by the richest decile.",
  ),
  param(
    "households.withinGroupRatio",
    "ratio",
    1,
    5,
    "Within-group gradient",
    "Inside the bottom five and the middle four deciles, each decile's wealth and wages are this multiple of the one below.",
  ),
  param(
    "households.savingSkew",
    "exponent",
    0,
    10,
    "Saving skew",
    "Solow rule: a decile's saving weight is its income x (its rank / 10)^skew, so richer deciles save more of their income.",
  ),
  param(
    "households.crra",
    "ratio",
    0.1,
    20,
    "Relative risk aversion",
    "Ramsey rule: curvature sigma of CRRA utility, the inverse of the elasticity of intertemporal substitution.",
  ),
]

/**
 * Each decile's flows of the month (annualised USD, the decile's total): labour income, capital
 * income, transfers, consumption and saving, and what they and investment spend on each sector.
 * Its reducer moves the wealth shares and the spending shares demand feeds back through.
 */
export const HouseholdsSettled = defineEvent(
  "HouseholdsSettled",
  1,
  Schema.Struct({
    labour: sized(Column.f64, DECILES),
    capital: sized(Column.f64, DECILES),
    transfer: sized(Column.f64, DECILES),
    consumption: sized(Column.f64, DECILES),
    saving: sized(Column.f64, DECILES),
    sectorSpending: sized(Column.f64, S),
  }),
)

export const events = [HouseholdsSettled] as const

/**
 * Decile shares of a total: the bottom five share `bottom50` and the middle four share
 * 1 - bottom50 - top10, each decile `ratio` times the one below; the top decile has `top10`.
 */
export const decileShares = (bottom50: number, top10: number, ratio: number): Float64Array => {
  const out = new Float64Array(DECILES)
  const fill = (from: number, to: number, total: number) => {
    let sum = 0
    for (let d = from; d < to; d++) sum += ratio ** (d - from)
    for (let d = from; d < to; d++) out[d] = (total * ratio ** (d - from)) / sum
  }
  fill(0, 5, bottom50)
  fill(5, 9, Math.max(0, 1 - bottom50 - top10))
  out[9] = top10
  return out
}

/** Each decile's share of wages (constant: who holds which jobs is not modelled). */
export const labourShares = (p: Derived): Float64Array =>
  decileShares(
    p.v["households.bottom50LabourShare"],
    p.v["households.top10LabourShare"],
    p.v["households.withinGroupRatio"],
  )

/** What the month's settlement reads that a run's parameters fix: the wage shares and each decile's saving-skew factor. */
const constantsOf = new WeakMap<Derived, { readonly ell: Float64Array; readonly skew: Float64Array }>()
const runConstants = (p: Derived) => {
  let c = constantsOf.get(p)
  if (c === undefined) {
    const skew = new Float64Array(DECILES)
    for (let d = 0; d < DECILES; d++) skew[d] = ((d + 1) / DECILES) ** p.v["households.savingSkew"]
    c = { ell: labourShares(p), skew }
    constantsOf.set(p, c)
  }
  return c
}

/** The settlement's incomes and saving weights, rewritten in full every month (never re-entered). */
const scratch = { income: new Float64Array(DECILES), weight: new Float64Array(DECILES) }

/** Each decile's share of the owners' wealth in January of the start year. */
export const initialWealthShares = (p: Derived): Float64Array =>
  decileShares(
    p.v["households.bottom50WealthShare"],
    p.v["households.top10WealthShare"],
    p.v["households.withinGroupRatio"],
  )

/**
 * Splits total saving across deciles in proportion to `weight`, no decile saving more than its
 * income (the excess goes to the others). If the total exceeds all income, it is split by income.
 */
const allocateSaving = (income: Float64Array, weight: Float64Array, total: number, out: Float64Array): void => {
  let incomeSum = 0
  for (let d = 0; d < DECILES; d++) incomeSum += income[d]
  out.fill(0)
  if (total >= incomeSum) {
    for (let d = 0; d < DECILES; d++) out[d] = incomeSum > 0 ? (total * income[d]) / incomeSum : total / DECILES
    return
  }
  let left = total
  const capped = new Uint8Array(DECILES)
  for (let pass = 0; pass < DECILES && left > 0; pass++) {
    let w = 0
    for (let d = 0; d < DECILES; d++) if (!capped[d]) w += weight[d]
    if (w <= 0) break
    let spilled = 0
    for (let d = 0; d < DECILES; d++) {
      if (capped[d]) continue
      const want = out[d] + (left * weight[d]) / w
      if (want >= income[d]) {
        spilled += want - income[d]
        out[d] = income[d]
        capped[d] = 1
      } else out[d] = want
    }
    left = spilled
  }
}

/** Households: each decile's income, saving and consumption from the month's markets. */
export const systems: Systems<typeof events> = [
  {
    name: "households",
    decide: (st) => {
      if (isOver(st)) return []
      const { p, flow } = st
      const wages = flow[F.wages]
      const transfers = flow[F.tax]
      const owners = flow[F.gdp] - wages - transfers
      const { ell, skew } = runConstants(p)
      const labour = freshF64(DECILES)
      const capital = freshF64(DECILES)
      const transfer = freshF64(DECILES)
      const { income, weight } = scratch
      const ramsey = p.v["households.savingRule"] === 1
      for (let d = 0; d < DECILES; d++) {
        labour[d] = ell[d] * wages
        capital[d] = st.hhWealthShare[d] * owners
        transfer[d] = transfers / DECILES
        income[d] = labour[d] + capital[d] + transfer[d]
        weight[d] = ramsey ? st.hhWealthShare[d] : income[d] * skew[d]
      }
      const saving = freshF64(DECILES)
      allocateSaving(income, weight, flow[F.investment], saving)
      const consumption = freshF64(DECILES)
      for (let d = 0; d < DECILES; d++) consumption[d] = income[d] - saving[d]
      const sectorSpendingUsd = new Float64Array(S)
      sectorSpending(
        p,
        consumption,
        flow[F.investment],
        basketCostUsd(st),
        st.x[X.population] / DECILES,
        sectorSpendingUsd,
      )
      return [
        HouseholdsSettled.make({ labour, capital, transfer, consumption, saving, sectorSpending: sectorSpendingUsd }),
      ]
    },
  },
]

export const reducers: Reducers<typeof events> = {
  HouseholdsSettled: (st, d) => {
    let total = 0
    for (let i = 0; i < DECILES; i++) {
      const o = i * NHH
      st.hhFlow[o + HH.labour] = d.labour[i]
      st.hhFlow[o + HH.capital] = d.capital[i]
      st.hhFlow[o + HH.transfer] = d.transfer[i]
      st.hhFlow[o + HH.consumption] = d.consumption[i]
      st.hhFlow[o + HH.saving] = d.saving[i]
      total += d.saving[i]
    }
    let spending = 0
    for (let s = 0; s < S; s++) spending += d.sectorSpending[s]
    if (spending > 0) for (let s = 0; s < S; s++) st.sectorDemand[s] = d.sectorSpending[s] / spending
    // The first month's spending pattern is the reference the value shares move from.
    if (st.demandRef.every((e) => e === 0)) st.demandRef.set(st.sectorDemand)
    st.x[X.basketStreak] = leastIncomeWithoutWork(st) >= basketCostUsd(st) ? st.x[X.basketStreak] + 1 : 0
    // New saving buys claims on the owners' wealth at its current value.
    const wealth = Math.max(0, st.x[X.capital])
    const denom = wealth + total / 12
    if (denom > 0)
      for (let i = 0; i < DECILES; i++) st.hhWealthShare[i] = (st.hhWealthShare[i] * wealth + d.saving[i] / 12) / denom
  },
}

/** The incomes one month's saving decision reads (annualised USD). */
export interface SavingInputs {
  readonly gdp: number
  /** Wages and transfers: what workers receive (and, under the Ramsey rule, consume). */
  readonly workerIncome: number
  /** Capital owners' income: GDP less wages and transfers. */
  readonly ownersIncome: number
  /** Owners' wealth: the capital stock. */
  readonly capital: number
}

/** The Ramsey owners' marginal propensity to consume out of wealth at a net return r (per year). */
export const ramseyPropensity = (p: Derived, netReturn: number): number => {
  const sigma = p.v["households.crra"]
  return Math.max(0, ((sigma - 1) * netReturn + p.v["households.discountRatePerYear"]) / sigma)
}

/**
 * Gross investment (annualised USD) under the scenario's saving rule.
 *
 * @example
 * investmentOf(st.p, { gdp, workerIncome: wages + tax, ownersIncome: gdp - wages - tax, capital })
 */
export const investmentOf = (p: Derived, inp: SavingInputs): number => {
  if (p.v["households.savingRule"] !== 1) return p.v["macro.savingRate"] * inp.gdp
  if (!(inp.capital > 0)) return 0
  const netReturn = inp.ownersIncome / inp.capital - p.v["macro.depreciationPerYear"]
  const invest = inp.ownersIncome - ramseyPropensity(p, netReturn) * inp.capital
  return Math.min(inp.gdp, Math.max(0, invest))
}
