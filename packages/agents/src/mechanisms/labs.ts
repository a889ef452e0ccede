import { Column, defineEvent, type EventOf, expectLength } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { aggregateAutomation } from "../economy/automation.js"
import { fleetH100e, machineCosts, poweredShare } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { OCC } from "../economy/sets.js"
import { type EconomyState, F, isOver, X } from "../economy/state.js"
import { yearAtTick } from "../time.js"

/**
 * AI labs (docs/model.md, "AI labs"). Each month:
 *   funding      = plan x min(1, revenue / (required x plan))^bust + reinvest x AI revenue, where
 *                  plan = min(capex2024 x (1 + g)^t, cap x GDP) and the bust term applies after the
 *                  patience years; split across labs
 *                  by (share + 0.01) x 10^(sharpness x (best_l - frontier))
 *   algorithms   d log10 A = log10(progress) / 12 x (1 + speedup x a_expert) x (1 - log10 A / ceiling)
 *   training     share_l = base x (1 + behind_l) / sqrt(clamp(inference margin, 1/4, 4)), in [0.05, 0.9]
 *   a release    C = share x powered H100e x training share x FLOP/s x MFU x run length;
 *                effective log10 C + log10 A + penalty x log10 min(1, data / sqrt(20 C / 6))
 */

const SECONDS_PER_MONTH = 2_629_800

export const params = [
  param("ai.labs", "labs", 1, 64, "AI labs", "Number of competing frontier labs.", true),
  param(
    "ai.frontierLog10Flop2024",
    "log10 FLOP",
    20,
    35,
    "Frontier 2024",
    "Effective training compute of the best model in January 2024 (2024 algorithms).",
  ),
  param(
    "ai.algorithmicProgressPerYear",
    "x/yr",
    1,
    100,
    "Algorithmic progress",
    "Multiplier on effective compute per year from better algorithms (human research).",
  ),
  param(
    "ai.aiResearchSpeedup",
    "x",
    0,
    1000,
    "AI research speed-up",
    "Extra algorithmic progress per unit of automation of expert cognitive work (AI doing AI research).",
  ),
  param(
    "ai.algorithmicCeilingLog10",
    "log10 x",
    0.1,
    30,
    "Algorithmic ceiling",
    "Most effective-compute gain algorithms can give over 2024 ones; progress slows linearly toward it.",
  ),
  param(
    "ai.requirementShiftLog10",
    "log10 FLOP",
    -10,
    10,
    "Automation requirement shift",
    "Added to every occupation's automation threshold: the common uncertainty, in orders of magnitude, of how much effective compute automating work needs.",
  ),
  param(
    "ai.flopGapScale",
    "x",
    0.05,
    20,
    "FLOP-gap scale",
    "Multiplies every occupation's automation spread: 2 makes the compute gap between automating a few tasks and all of them twice as many orders of magnitude.",
  ),
  param(
    "ai.trainingShare",
    "fraction",
    0,
    1,
    "Training share",
    "Base share of labs' compute used for training; each lab raises it when behind the frontier and lowers it when inference earns more than compute costs.",
  ),
  param("ai.mfu", "fraction", 0.01, 1, "Utilisation (MFU)", "Model FLOP utilisation of training runs."),
  param("ai.trainingRunMonths", "months", 1, 36, "Training run", "Length of a frontier training run."),
  param(
    "ai.releaseIntervalMonths",
    "months",
    1,
    60,
    "Release interval",
    "Median months between a lab's model releases.",
  ),
  param("ai.textDataTokensT", "trillion tokens", 1, 1e6, "Text data stock", "Stock of usable public text."),
  param(
    "ai.privateDataMultiplier",
    "x",
    1,
    100,
    "Private data",
    "Usable data relative to public text (private data behind firewalls).",
  ),
  param(
    "ai.syntheticDataStartYear",
    "year",
    2024,
    2200,
    "Synthetic data start",
    "Year synthetic data starts to add to the data stock.",
  ),
  param(
    "ai.syntheticDataGrowthPerYear",
    "fraction/yr",
    0,
    10,
    "Synthetic data growth",
    "Growth of the synthetic data stock relative to the text stock.",
  ),
  param(
    "ai.dataPenaltyExponent",
    "exponent",
    0,
    4,
    "Data limit penalty",
    "Effective compute scales with (data / needed data)^this when data is short.",
  ),
  param(
    "ai.workerEquivalentsPerH100e2024",
    "workers/H100e",
    0.01,
    10000,
    "AI worker-equivalents",
    "Human worker-equivalents of automatable cognitive work one H100e of inference does (2024).",
  ),
  param(
    "ai.inferenceEfficiencyPerYear",
    "x/yr",
    1,
    100,
    "Inference efficiency",
    "Growth of worker-equivalents per H100e (cheaper inference at fixed capability).",
  ),
  param(
    "ai.capex2024UsdB",
    "USD billion/yr",
    1,
    1e6,
    "AI chip spending 2024",
    "Spending on AI accelerators at the start (investor and big-tech money).",
  ),
  param(
    "ai.fundingGrowthPerYear",
    "fraction/yr",
    -0.5,
    5,
    "Funding growth",
    "Growth of investor funding for AI compute, before revenue takes over.",
  ),
  param(
    "ai.maxFundingShareOfGdp",
    "fraction",
    0,
    0.5,
    "Funding cap",
    "Investor funding cannot exceed this share of GDP.",
  ),
  param(
    "ai.bustPatienceYears",
    "years",
    0,
    50,
    "Investor patience",
    "Years from the start before investors judge AI revenue against their funding.",
  ),
  param(
    "ai.bustRevenueToFunding",
    "fraction",
    0,
    10,
    "Revenue investors require",
    "AI revenue per dollar of investor funding below which investors cut back (after the patience years).",
  ),
  param(
    "ai.bustElasticity",
    "exponent",
    0,
    10,
    "Financing-bust elasticity",
    "Investor funding scales with (revenue / required revenue)^this when revenue disappoints; 0 = investors never stall.",
  ),
  param(
    "ai.inferenceMarkup",
    "fraction",
    0,
    100,
    "Inference markup",
    "Price of AI work over its compute cost (chip rental and power) that competition allows; labs earn the lower of this price and the value of the tasks AI does.",
  ),
  param(
    "ai.revenueReinvestShare",
    "fraction",
    0,
    1,
    "Revenue reinvested",
    "Share of inference revenue labs spend on chips.",
  ),
  param(
    "ai.competitionSharpness",
    "1/log10 FLOP",
    0,
    10,
    "Competition",
    "How strongly funding follows the best model (per order of magnitude behind the frontier).",
  ),
]

/** Labs' funding for the month and algorithmic progress (research multiplier from AI automation). */
export const LabsFunded = defineEvent(
  "LabsFunded",
  1,
  Schema.Struct({
    budgetUsd: Column.f64,
    fundingUsd: Schema.Number,
    algoDeltaLog10: Schema.Number,
    researchMultiplier: Schema.Number,
  }),
)

/**
 * Each lab's split of its compute: the share that trains (the rest serves inference). Labs behind
 * the frontier train more; when inference earns more than compute costs, they serve more.
 */
export const ComputeSplit = defineEvent(
  "ComputeSplit",
  1,
  Schema.Struct({ trainingShare: Column.f64, inferenceMargin: Schema.Number }),
)

/** A lab trains and releases a model generation. v2 records the powered share of chips it trained on. */
export const ModelReleased = defineEvent(
  "ModelReleased",
  2,
  Schema.Struct({
    lab: Schema.Int,
    generation: Schema.Int,
    trainingFlopLog10: Schema.Number,
    effectiveFlopLog10: Schema.Number,
    algoLog10: Schema.Number,
    dataRatio: Schema.Number,
    frontierBeforeLog10: Schema.Number,
    nextReleaseTick: Schema.Int,
    poweredShare: Schema.Number,
  }),
  { 1: (d) => ({ ...(d as object), poweredShare: 1 }) },
)

export const events = [LabsFunded, ComputeSplit, ModelReleased] as const

/**
 * Usable training tokens at a tick: public text x private data, plus synthetic data once it starts.
 *
 * @example
 * dataStockTokens(st, 0) // 3e14 in the baseline
 */
export const dataStockTokens = (st: EconomyState, tick: number): number => {
  const v = st.p.v
  const year = yearAtTick(st.p.startYear, tick)
  const synthYears = Math.max(0, year - v["ai.syntheticDataStartYear"])
  return (
    v["ai.textDataTokensT"] *
    1e12 *
    (v["ai.privateDataMultiplier"] + (1 + v["ai.syntheticDataGrowthPerYear"]) ** synthYears - 1)
  )
}

/** AI labs: funding (investors, then revenue), algorithmic progress, and model releases. */
export const systems: Systems<typeof events> = [
  {
    name: "labs",
    decide: (st, { tick, rng }) => {
      if (isOver(st)) return []
      const { p, x, flow } = st
      const v = p.v
      const L = p.nLabs
      const aExpert = aggregateAutomation(st, OCC.cognitiveExpert)
      const researchMultiplier = 1 + v["ai.aiResearchSpeedup"] * aExpert
      const headroom = Math.max(0, 1 - x[X.algoLog10] / v["ai.algorithmicCeilingLog10"])
      const algoDeltaLog10 = (Math.log10(v["ai.algorithmicProgressPerYear"]) / 12) * researchMultiplier * headroom
      const planned = Math.min(
        v["ai.capex2024UsdB"] * 1e9 * (1 + v["ai.fundingGrowthPerYear"]) ** (tick / 12),
        v["ai.maxFundingShareOfGdp"] * flow[F.gdp],
      )
      // A financing bust: once investors judge returns, funding follows revenue down when revenue
      // falls short of what they require per dollar put in (it never rises above the plan).
      const required = v["ai.bustRevenueToFunding"] * planned
      const judged = tick >= v["ai.bustPatienceYears"] * 12 && required > 0
      const confidence = judged ? Math.min(1, flow[F.aiRevenue] / required) ** v["ai.bustElasticity"] : 1
      const investors = planned * confidence
      const fundingUsd = investors + v["ai.revenueReinvestShare"] * flow[F.aiRevenue]
      // Money follows the best models: a lab an order of magnitude behind gets 10^-sharpness as much per unit of share.
      const weights = new Float64Array(L)
      let wsum = 0
      for (let l = 0; l < L; l++) {
        weights[l] =
          (st.labShare[l] + 0.01) * 10 ** (v["ai.competitionSharpness"] * (st.labBest[l] - x[X.frontierLog10]))
        wsum += weights[l]
      }
      const budgetUsd = new Float64Array(L)
      for (let l = 0; l < L; l++) budgetUsd[l] = (fundingUsd * weights[l]) / wsum
      // Compute split: the margin of inference over the full cost of an H100e-year sets how much
      // labs serve; a lab behind the frontier trains more to catch up.
      const c = machineCosts(st, tick)
      const inferenceMargin = Math.max(1e-6, flow[F.aiPricePerWorkerYear]) / Math.max(1e-12, c.aiChip + c.aiPower)
      const trainingShare = new Float64Array(L)
      for (let l = 0; l < L; l++) {
        const behind = x[X.frontierLog10] - st.labBest[l]
        const share = (v["ai.trainingShare"] * (1 + behind)) / Math.sqrt(Math.max(0.25, Math.min(4, inferenceMargin)))
        trainingShare[l] = Math.min(0.9, Math.max(0.05, share))
      }
      const out: EventOf<typeof events>[] = [
        LabsFunded.make({ budgetUsd, fundingUsd, algoDeltaLog10, researchMultiplier }),
        ComputeSplit.make({ trainingShare, inferenceMargin }),
      ]
      const algo = x[X.algoLog10] + algoDeltaLog10
      const powered = fleetH100e(st) * poweredShare(st)
      let frontier = x[X.frontierLog10]
      for (let l = 0; l < L; l++) {
        if (st.labNextRelease[l] > tick) continue
        const trainingFlop =
          st.labShare[l] *
          powered *
          trainingShare[l] *
          v["chips.h100FlopPerSec"] *
          v["ai.mfu"] *
          v["ai.trainingRunMonths"] *
          SECONDS_PER_MONTH
        const trainingFlopLog10 = Math.log10(Math.max(trainingFlop, 1))
        // Chinchilla-optimal tokens D = sqrt(20 C / 6); past the data stock, effective compute is penalised.
        const neededTokens = Math.sqrt((20 * Math.max(trainingFlop, 1)) / 6)
        const dataRatio = dataStockTokens(st, tick) / neededTokens
        const effectiveFlopLog10 =
          trainingFlopLog10 + algo + v["ai.dataPenaltyExponent"] * Math.log10(Math.min(1, dataRatio))
        const jitter = Math.exp(0.25 * rng.normal())
        out.push(
          ModelReleased.make({
            lab: l,
            generation: st.labReleases[l] + 1,
            trainingFlopLog10,
            effectiveFlopLog10,
            algoLog10: algo,
            dataRatio,
            frontierBeforeLog10: frontier,
            nextReleaseTick: tick + Math.max(1, Math.round(v["ai.releaseIntervalMonths"] * jitter)),
            poweredShare: poweredShare(st),
          }),
        )
        frontier = Math.max(frontier, effectiveFlopLog10)
      }
      return out
    },
  },
]

export const reducers: Reducers<typeof events> = {
  LabsFunded: (st, d) => {
    expectLength("budgetUsd", d.budgetUsd, st.p.nLabs, "lab")
    st.labBudget.set(d.budgetUsd)
    st.x[X.algoLog10] += d.algoDeltaLog10
    st.flow[F.fundingUsd] = d.fundingUsd
    st.flow[F.researchMultiplier] = d.researchMultiplier
  },
  ComputeSplit: (st, d) => {
    expectLength("trainingShare", d.trainingShare, st.p.nLabs, "lab")
    st.labTraining.set(d.trainingShare)
  },
  ModelReleased: (st, d) => {
    const l = d.lab
    st.labBest[l] = Math.max(st.labBest[l], d.effectiveFlopLog10)
    st.labNextRelease[l] = d.nextReleaseTick
    st.labReleases[l] = d.generation
    st.x[X.frontierLog10] = Math.max(st.x[X.frontierLog10], d.effectiveFlopLog10)
    st.flow[F.dataRatio] = d.dataRatio
  },
}
