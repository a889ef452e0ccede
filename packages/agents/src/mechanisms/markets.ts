import { Column, defineEvent, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import {
  fleetH100e,
  HOURS_PER_YEAR,
  labRevenueUsd,
  machineCosts,
  poweredShare,
  workerEqPerH100e,
  workerEqPerRobot,
} from "../economy/costs.js"
import { solveMarkets } from "../economy/markets.js"
import { distributedH100e } from "./distributed.js"
import { valueShares } from "./demand.js"
import { investmentOf } from "./households.js"
import { wageFloorOf } from "./labour.js"
import { automationTarget, capitalSplit } from "./tasks.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { servedShare } from "../economy/power.js"
import { K, OCCUPATIONS, S, SECTORS, USER } from "../economy/sets.js"
import { F, isOver, X } from "../economy/state.js"
import { copyF64 } from "../economy/fresh.js"

/**
 * Production and markets (docs/model.md, "Production: tasks, sectors and the fixed factor" and
 * "Labour markets and households"; edge chips are in "Distributed inference", `distributed.ts`).
 * Machine supplies in worker-equivalents:
 *   AI     = max(1, (powered fleet x serving share + edge H100e) x worker-eq per H100e)
 *   robots = max(1, robots x worker-eq per robot)
 * each occupation's automation target (`economy/automation.ts`), then the factor markets clear
 * (`economy/markets.ts`) against the wage floors the wage-setting institutions set (`labour.ts`).
 * Saving: investment in traditional capital = max(0, saving rate x GDP - machine capex);
 * K' = K + (I_K - delta K) / 12. The AI and capital income taxes are paid out as a basic income per head.
 */

export const params = [
  param(
    "macro.gdp2023UsdT",
    "USD trillion",
    1,
    1000,
    "World GDP 2023",
    "Nominal world GDP in 2023; sets the initial output level.",
  ),
  param(
    "macro.realGrowth2024",
    "fraction/yr",
    -0.1,
    0.2,
    "Real growth 2024",
    "World real GDP growth in 2024; places the January 2024 level between 2023 and 2024.",
  ),
  param(
    "macro.capitalOutputRatio",
    "ratio",
    0.5,
    10,
    "Capital/output",
    "Traditional capital stock over annual GDP at the start.",
  ),
  param(
    "macro.depreciationPerYear",
    "fraction/yr",
    0,
    0.5,
    "Depreciation",
    "Depreciation rate of traditional capital.",
  ),
  param(
    "macro.savingRate",
    "fraction",
    0,
    0.9,
    "Saving rate",
    "Share of GDP saved and invested (the saving rule); machine capex is paid from it first.",
  ),
  param(
    "macro.returnOnCapital",
    "fraction/yr",
    0,
    0.5,
    "Required return",
    "Annual return owners require on machines (chips, robots) when comparing costs.",
  ),
  param(
    "macro.labourShare2024",
    "fraction",
    0.1,
    0.9,
    "Labour share 2024",
    "Labour income over GDP at the start; sets the capital elasticity.",
  ),
  param(
    "macro.fixedFactorShare2024",
    "fraction",
    0,
    0.5,
    "Fixed factor share",
    "Share of GDP paid to the fixed factor (land, materials, energy resources) at the start.",
  ),
  param(
    "macro.fixedFactorElasticity",
    "elasticity",
    0.05,
    0.95,
    "Fixed factor elasticity",
    "Elasticity of substitution between the fixed factor and everything else (below 1: it binds).",
  ),
  param(
    "macro.taskElasticity",
    "elasticity",
    0.1,
    5,
    "Task elasticity",
    "Elasticity of substitution across task slices (1 = Cobb-Douglas).",
  ),
  ...SECTORS.flatMap((s) => [
    param(
      `sectors.${s}.valueShare`,
      "fraction",
      0,
      1,
      `${s} value share`,
      "Share of world GDP (expenditure share of the sector's output).",
    ),
    ...OCCUPATIONS.map((o) =>
      param(
        `sectors.${s}.taskMix.${o}`,
        "weight",
        0,
        1,
        `${s} ${o} task weight`,
        "Weight of this occupation's tasks in the sector's task bundle.",
      ),
    ),
  ]),
  param(
    "policy.aiIncomeTaxRate",
    "fraction",
    0,
    1,
    "AI income tax",
    "Tax on AI and robot income (inference and robot leases), paid out as a basic income.",
  ),
  param(
    "policy.capitalIncomeTaxRate",
    "fraction",
    0,
    1,
    "Capital income tax",
    "Tax on traditional capital income and fixed-factor rent, paid out with the AI tax as a basic income.",
  ),
]

const N = Schema.Number

/** The flows of a tick the markets settle (annualised USD, prices, supplies), by name. */
const MarketFlows = Schema.Struct({
  gdp: N,
  wages: N,
  capitalIncome: N,
  rent: N,
  aiRevenue: N,
  robotRevenue: N,
  electricity: N,
  tax: N,
  ubiPerHead: N,
  machineCapex: N,
  investmentK: N,
  investment: N,
  consumption: N,
  aiShare: N,
  labourShare: N,
  aiPricePerWorkerYear: N,
  robotPricePerWorkerYear: N,
  aiCostPerWorkerYear: N,
  robotCostPerWorkerYear: N,
  goodsPrice: N,
  goodsLabourShare: N,
  inferenceH100e: N,
  distributedH100e: N,
  aiWorkerEquivalents: N,
  robotWorkerEquivalents: N,
  energyPriceUsdPerMwh: N,
  powerDemandGw: N,
  poweredShare: N,
  unemployed: N,
  employedTotal: N,
  labourIncomeHouseholds: N,
  capitalIncomeHouseholds: N,
  vaFirms: N,
  vaLabs: N,
  vaRobots: N,
  vaEnergy: N,
})
// Each named flow is a slot of the state's flow vector: `F[key]` below does not compile for a name F lacks.
const MARKET_FLOWS = Object.keys(MarketFlows.fields) as ReadonlyArray<keyof typeof MarketFlows.fields>

/**
 * Factor and goods markets clear: the flows of the tick by name, wages and employment per
 * occupation, the allocation per sector x occupation, sector outputs and each occupation's
 * automation target. v2 names the flows (v1 carried them as a positional vector).
 */
export const MarketsCleared = defineEvent(
  "MarketsCleared",
  2,
  Schema.Struct({
    flows: MarketFlows,
    wage: sized(Column.f64, K),
    employed: sized(Column.f64, K),
    allocL: sized(Column.f64, S * K),
    allocM: sized(Column.f64, S * K),
    allocK: sized(Column.f64, S),
    allocF: sized(Column.f64, S),
    sectorY: sized(Column.f64, S),
    sectorAiShare: sized(Column.f64, S),
    target: sized(Column.f64, K),
  }),
)

export const events = [MarketsCleared] as const

/** Markets: machine supplies and costs, automation targets, then factor markets clear. */
export const systems: Systems<typeof events> = [
  {
    name: "markets",
    decide: (st, { tick }) => {
      if (isOver(st)) return []
      const { p, x } = st
      const v = p.v
      const powered = poweredShare(st)
      let servingShare = 0
      for (let l = 0; l < p.nLabs; l++) servingShare += st.labShare[l] * (1 - st.labTraining[l])
      const inferenceH100e = fleetH100e(st) * powered * servingShare
      const edge = distributedH100e(p, tick)
      // In the one-sector special case the machines are saved capital at a common return (`tasks.ts`).
      const split =
        v["tasks.machinesFromCapital"] === 1
          ? capitalSplit(p, x[X.capital], {
              capital: st.flow[F.capitalIncome],
              ai: st.flow[F.aiRevenue],
              robot: st.flow[F.robotRevenue],
            })
          : undefined
      const aiSupply = split?.aiSupply ?? Math.max(1, (inferenceH100e + edge) * workerEqPerH100e(p, tick))
      // Only powered robots work; the rest of the economy produces as far as its power was served.
      const robotSupply =
        split?.robotSupply ?? Math.max(1, x[X.robots] * servedShare(st, USER.robots) * workerEqPerRobot(p, tick))
      const c = machineCosts(st, tick)
      const aiCost = c.aiChip + c.aiPower
      const robotCost = c.robotCapital + c.robotPower
      const target = new Float64Array(K)
      for (let k = 0; k < K; k++)
        target[k] = automationTarget(p, k, tick, x[X.frontierLog10], aiCost, robotCost, st.wage[k], st.newTaskShare[k])
      const z = new Float64Array(S)
      // Short power costs the rest of the economy output with an elasticity (it saves, shifts and
      // substitutes before it stops).
      const restPowered = servedShare(st, USER.rest) ** v["energy.restOutputElasticity"]
      for (let s = 0; s < S; s++) z[s] = st.zSector[s] * x[X.tfp] * restPowered
      const maxEmployed = new Float64Array(K)
      const wageFloor = new Float64Array(K)
      for (let k = 0; k < K; k++) {
        maxEmployed[k] = st.labourForce[k] * (1 - v["labour.frictionalUnemployment"])
        wageFloor[k] = wageFloorOf(st, k, maxEmployed[k])
      }
      const res = {
        allocL: copyF64(st.allocL),
        allocM: copyF64(st.allocM),
        allocK: st.allocK.slice(),
        allocF: st.allocF.slice(),
        sectorY: new Float64Array(S),
        sectorAiShare: new Float64Array(S),
        employed: new Float64Array(K),
        wage: new Float64Array(K),
      }
      const solved = solveMarkets(
        p,
        {
          auto: st.sectorAuto,
          beta: valueShares(st, new Float64Array(S)),
          zSector: z,
          capital: split?.traditional ?? x[X.capital],
          fixed: x[X.fixedFactor] * x[X.spaceFactor],
          maxEmployed,
          wageFloor,
          aiSupply,
          robotSupply,
        },
        res,
      )
      const flow = st.flow
      // Saved-capital machines (the one-sector case) earn their full value at the common return.
      const aiRevenue = split ? solved.aiRevenue : labRevenueUsd(p, solved.aiRevenue, aiSupply, aiCost)
      const price = c.energyPriceUsdPerMwh
      const demandGw = st.powerDemandGw[USER.dataCentres]
      const dcElectricity = st.powerServedGw[USER.dataCentres] * 1000 * HOURS_PER_YEAR * price
      const robotElectricity = st.powerServedGw[USER.robots] * 1000 * HOURS_PER_YEAR * price
      const tax =
        v["policy.aiIncomeTaxRate"] * (solved.aiRevenue + solved.robotRevenue) +
        v["policy.capitalIncomeTaxRate"] * (solved.capitalIncome + solved.rent)
      const machineCapex = flow[F.chipSpend] + flow[F.fabCapex] + flow[F.robotSpend] + flow[F.robotFactoryCapex]
      const invested = investmentOf(p, {
        gdp: solved.gdp,
        workerIncome: solved.wages + tax,
        ownersIncome: solved.gdp - solved.wages - tax,
        capital: x[X.capital],
      })
      const investmentK = Math.max(0, invested - machineCapex)
      const investment = investmentK + machineCapex
      let employedTotal = 0
      let labourForce = 0
      for (let k = 0; k < K; k++) {
        employedTotal += res.employed[k]
        labourForce += st.labourForce[k]
      }
      const flows: (typeof MarketsCleared)["schema"]["Type"]["flows"] = {
        gdp: solved.gdp,
        wages: solved.wages,
        // Adopters keep the value of AI tasks above what labs charge: it is their capital's income.
        capitalIncome: solved.capitalIncome + solved.aiRevenue - aiRevenue,
        rent: solved.rent,
        aiRevenue,
        robotRevenue: solved.robotRevenue,
        electricity: dcElectricity + robotElectricity,
        tax,
        ubiPerHead: tax / x[X.population],
        machineCapex,
        investmentK,
        investment,
        consumption: solved.gdp - investment,
        aiShare: solved.aiShare,
        labourShare: solved.wages / solved.gdp,
        aiPricePerWorkerYear: aiRevenue / aiSupply,
        robotPricePerWorkerYear: solved.robotRevenue / robotSupply,
        aiCostPerWorkerYear: aiCost,
        robotCostPerWorkerYear: robotCost,
        goodsPrice: solved.goodsPrice,
        goodsLabourShare: solved.goodsLabourShare,
        inferenceH100e: inferenceH100e + edge,
        distributedH100e: edge,
        aiWorkerEquivalents: aiSupply,
        robotWorkerEquivalents: robotSupply,
        energyPriceUsdPerMwh: price,
        powerDemandGw: demandGw,
        poweredShare: powered,
        unemployed: labourForce - employedTotal,
        employedTotal,
        labourIncomeHouseholds: solved.wages,
        capitalIncomeHouseholds:
          solved.capitalIncome +
          solved.rent +
          solved.aiRevenue +
          solved.robotRevenue -
          tax -
          dcElectricity -
          robotElectricity,
        // The value of AI tasks beyond what labs charge is the adopting firms' value added.
        vaFirms: solved.gdp - aiRevenue - solved.robotRevenue,
        vaLabs: aiRevenue - dcElectricity,
        vaRobots: solved.robotRevenue - robotElectricity,
        vaEnergy: dcElectricity + robotElectricity,
      }
      return [
        MarketsCleared.make({
          flows,
          wage: res.wage,
          employed: res.employed,
          allocL: res.allocL,
          allocM: res.allocM,
          allocK: res.allocK,
          allocF: res.allocF,
          sectorY: res.sectorY,
          sectorAiShare: res.sectorAiShare,
          target,
        }),
      ]
    },
  },
]

export const reducers: Reducers<typeof events> = {
  MarketsCleared: (st, d, tick) => {
    for (const key of MARKET_FLOWS) st.flow[F[key]] = d.flows[key]
    st.wage.set(d.wage)
    st.employed.set(d.employed)
    st.allocL.set(d.allocL)
    st.allocM.set(d.allocM)
    st.allocK.set(d.allocK)
    st.allocF.set(d.allocF)
    st.sectorY.set(d.sectorY)
    st.sectorAiShare.set(d.sectorAiShare)
    st.target.set(d.target)
    // The shares this month's markets cleared against (demand moves them only after households settle).
    valueShares(st, st.sectorValueShare)
    st.x[X.capital] += (d.flows.investmentK - st.p.v["macro.depreciationPerYear"] * st.x[X.capital]) / 12
    st.gdpHist[tick % 12] = d.flows.gdp
  },
}
