import type { Derived } from "../economy/derive.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"

/**
 * Households' saving (docs/model.md, "Households: saving" and "The aggregate special cases").
 * Two saving rules:
 *   rule 0 (Solow):  I = s x Y
 *   rule 1 (Ramsey): workers consume wages and transfers; the owners of capital are a CRRA
 *     household (discount rate rho, relative risk aversion sigma = 1 / EIS) who consume the share
 *     of their wealth that is optimal when today's net return r persists:
 *       r = owners' income / K - delta,   C_owners = m K,   m = ((sigma - 1) r + rho) / sigma
 *       I = owners' income - m K  (clamped to [0, Y])
 *     so consumption grows at the Euler rate (r - rho) / sigma whenever r is constant.
 * Machine capex (chips, fabs, robots, robot factories) is paid from I first; the rest builds
 * traditional capital.
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
    "households.crra",
    "ratio",
    0.1,
    20,
    "Relative risk aversion",
    "Ramsey rule: curvature sigma of CRRA utility, the inverse of the elasticity of intertemporal substitution.",
  ),
]

export const events = [] as const
export const systems: Systems<typeof events> = []
export const reducers: Reducers<typeof events> = {}

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
