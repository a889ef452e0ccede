import { Column, defineEvent, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { K, OCCUPATIONS } from "../economy/sets.js"
import { type EconomyState, F, isOver, RING, X } from "../economy/state.js"

/**
 * Labour (docs/model.md, "Labour markets and households"). Occupations start with a share of the
 * labour force; an occupation's tasks become automatable along a logistic in log10 compute
 * (threshold, spread). Each month the unemployed beyond the frictional rate retrain:
 *   leaving_k = max(0, unemployed_k - frictional x force_k) x retrain rate / 12
 *   to_k      ∝ wage_k x (1 - target_k) x (0.05 if k itself has excess unemployment else 1)
 * and join their new occupations after `labour.retrainMonths`. Wage-setting institutions set each
 * occupation's wage floor for the markets: downward rigidity and a minimum wage,
 *   floor_k = max(w_k x (clearing_k / w_k)^(adjustment / 12), minimum share x GDP per head)
 * (the first term is w_k when clearing_k >= w_k); employment is what the floor allows.
 */

export const params = [
  param("labour.forceB", "billion", 0, 50, "Labour force", "Global labour force at the start."),
  param(
    "labour.frictionalUnemployment",
    "fraction",
    0,
    0.5,
    "Frictional unemployment",
    "Unemployment rate when labour demand is strong.",
  ),
  param(
    "labour.wageAdjustmentPerYear",
    "1/yr",
    0,
    12,
    "Wage adjustment",
    "Share of the log gap to the market-clearing wage an occupation's wage closes per year when jobs are short (0 = rigid; the rest shows as unemployment).",
  ),
  param(
    "labour.minimumWageShareOfGdpPerHead",
    "fraction",
    0,
    2,
    "Minimum wage",
    "A legal minimum wage as a share of GDP per head (0 = none): no occupation's wage floor falls below it, so automation that drives clearing wages lower shows as unemployment.",
  ),
  param(
    "labour.retrainMonths",
    "months",
    1,
    240,
    "Retraining time",
    "Months a displaced worker spends retraining before joining another occupation.",
  ),
  param(
    "labour.retrainRatePerYear",
    "fraction/yr",
    0,
    5,
    "Retraining rate",
    "Share of excess unemployed who start retraining each year.",
  ),
  ...OCCUPATIONS.flatMap((o) => [
    param(
      `occupations.${o}.employmentShare`,
      "fraction",
      0,
      1,
      `${o} employment share`,
      "Share of the labour force in this occupation at the start.",
    ),
    param(
      `occupations.${o}.thresholdLog10Flop`,
      "log10 FLOP",
      20,
      45,
      `${o} automation threshold`,
      "Effective training compute (2024 algorithms) at which half of its tasks are technically automatable.",
    ),
    param(
      `occupations.${o}.spreadLog10`,
      "log10 FLOP",
      0.1,
      10,
      `${o} automation spread`,
      "Logistic scale of the automatable share in log10 compute (the FLOP gap / 4.4).",
    ),
    param(
      `occupations.${o}.automatedShare2024`,
      "fraction",
      0,
      1,
      `${o} automated 2024`,
      "Share of its tasks done by machines (AI or robots) at the start.",
    ),
  ]),
]

/**
 * Occupation k's wage floor this month (USD/yr): its wage falls toward last month's
 * market-clearing wage only gradually (the gap is unemployment), and not below the minimum wage.
 */
export const wageFloorOf = (st: EconomyState, k: number, maxEmployed: number): number => {
  const v = st.p.v
  const wage = st.wage[k]
  const clearing = (wage * st.employed[k]) / Math.max(1, maxEmployed)
  const rigid = clearing < wage ? wage * (clearing / wage) ** (v["labour.wageAdjustmentPerYear"] / 12) : wage
  const minimum = (v["labour.minimumWageShareOfGdpPerHead"] * st.flow[F.gdp]) / st.x[X.population]
  return Math.max(rigid, minimum)
}

/** Displaced workers start retraining; they join `toShare` occupations after the retraining time. */
export const WorkersRetrained = defineEvent(
  "WorkersRetrained",
  1,
  Schema.Struct({ leaving: sized(Column.f64, K), toShare: sized(Column.f64, K), arriveTick: Schema.Int }),
)

export const events = [WorkersRetrained] as const

/** Labour: unemployed beyond the frictional rate retrain toward occupations that pay and are not automating. */
export const systems: Systems<typeof events> = [
  {
    name: "labour",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const v = st.p.v
      const leaving = new Float64Array(K)
      const toShare = new Float64Array(K)
      let total = 0
      let attract = 0
      for (let k = 0; k < K; k++) {
        const unemployed = st.labourForce[k] - st.employed[k]
        const excess = unemployed - v["labour.frictionalUnemployment"] * st.labourForce[k]
        if (excess > 0) leaving[k] = (excess * v["labour.retrainRatePerYear"]) / 12
        total += leaving[k]
        toShare[k] = st.wage[k] * (1 - st.target[k]) * (excess > 0 ? 0.05 : 1)
        attract += toShare[k]
      }
      if (total < 1 || attract <= 0) return []
      for (let k = 0; k < K; k++) toShare[k] /= attract
      return [WorkersRetrained.make({ leaving, toShare, arriveTick: tick + Math.round(v["labour.retrainMonths"]) })]
    },
  },
]

export const reducers: Reducers<typeof events> = {
  WorkersRetrained: (st, d) => {
    const slot = d.arriveTick % RING
    let total = 0
    for (let k = 0; k < K; k++) {
      st.labourForce[k] -= d.leaving[k]
      total += d.leaving[k]
    }
    for (let k = 0; k < K; k++) st.retrainPipe[slot * K + k] += total * d.toShare[k]
    st.x[X.retraining] += total
  },
}
