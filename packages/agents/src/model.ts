import type { Model, Rng, System } from "@takeoff/core"
import {
  AgiReached,
  AsiReached,
  CatastropheOccurred,
  ChipsSold,
  ComputeSplit,
  type EconomyEvent,
  economyCatalogue,
  FabCapacityOrdered,
  FirmsFounded,
  FirmsStepped,
  LabsFunded,
  MarketsCleared,
  ModelReleased,
  MonthBegan,
  PostScarcityReached,
  PowerOrdered,
  RobotFactoryExpanded,
  RobotsBuilt,
  SectorAutomationShifted,
  WorkersRetrained,
} from "./events.js"
import { POWER_SOURCES, SECTORS } from "./params.js"
import { decodeEconomyConfig, type EconomyConfig } from "./scenario.js"
import {
  basketShareOf,
  decodeEconomyState,
  distributedH100e,
  type EconomyState,
  encodeEconomyState,
  F,
  HOURS_PER_YEAR,
  initialEconomyState,
  K,
  machineCosts,
  NDRIVER,
  NP,
  occupationTarget,
  powerCapacityGw,
  powerDemandGw,
  productionMix,
  RING,
  S,
  sectorTarget,
  solveMarkets,
  workerEqPerH100e,
  workerEqPerRobot,
  writeDrivers,
  X,
} from "./state.js"

type Sys = System<EconomyState, EconomyEvent>
const SECONDS_PER_MONTH = 2_629_800
/** A sector's AI-share contribution must move this much (share of world GDP) to log a shift. */
const SHIFT_STEP = 0.0025
const COGNITIVE_EXPERT = 1
// The firm loop is unrolled over exactly four occupations.
if (K !== 4) throw new Error(`the firm loop expects 4 occupations, found ${K}`)
/** Months from a chip purchase to racks drawing power: power due within this counts as available. */
const DEPLOY_MONTHS = 6
const INDUSTRY = 2
const MANUAL_ROUTINE = 2

const over = (st: EconomyState) => st.x[X.catastropheTick] >= 0

const fleetH100e = (st: EconomyState): number => {
  let h = 0
  for (let g = 0; g < st.chipStock.length; g++) h += st.chipStock[g] * st.p.gens[g].h100e
  return h
}

const poweredShare = (st: EconomyState): number => {
  const demand = powerDemandGw(st)
  return demand > 0 ? Math.min(1, powerCapacityGw(st) / demand) : 1
}

/** Tick 0: firms draw productivity (log-normal) and adoption speed (log-normal around 1/lag). */
const founding: Sys = {
  name: "founding",
  decide: (st, { tick, rng }) => {
    if (tick !== 0) return []
    const v = st.p.v
    const n = st.p.nFirms
    const z = new Float32Array(n)
    const rate = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      z[i] = Math.exp(v["firms.productivitySd"] * rng.normal())
      rate[i] = Math.min(1, (1 / v["firms.adoptionLagMonths"]) * Math.exp(v["firms.adoptionLagSd"] * rng.normal()))
    }
    return [FirmsFounded.make({ z, rate })]
  },
}

const month: Sys = {
  name: "month",
  decide: (st, { tick }) => (over(st) ? [] : [MonthBegan.make({ year: st.p.startYear + tick / 12 })]),
}

/** AI labs: funding (investors, then revenue), algorithmic progress, and model releases. */
const labs: Sys = {
  name: "labs",
  decide: (st, { tick, rng }) => {
    if (over(st)) return []
    const { p, x, flow } = st
    const v = p.v
    const L = p.nLabs
    const aExpert = aggregateAutomation(st, COGNITIVE_EXPERT)
    const researchMultiplier = 1 + v["ai.aiResearchSpeedup"] * aExpert
    const headroom = Math.max(0, 1 - x[X.algoLog10] / v["ai.algorithmicCeilingLog10"])
    const algoDeltaLog10 = (Math.log10(v["ai.algorithmicProgressPerYear"]) / 12) * researchMultiplier * headroom
    const investors = Math.min(
      v["ai.capex2024UsdB"] * 1e9 * (1 + v["ai.fundingGrowthPerYear"]) ** (tick / 12),
      v["ai.maxFundingShareOfGdp"] * flow[F.gdp],
    )
    const fundingUsd = investors + v["ai.revenueReinvestShare"] * flow[F.aiRevenue]
    // Money follows the best models: a lab an order of magnitude behind gets 10^-sharpness as much per unit of share.
    const weights = new Float64Array(L)
    let wsum = 0
    for (let l = 0; l < L; l++) {
      weights[l] = (st.labShare[l] + 0.01) * 10 ** (v["ai.competitionSharpness"] * (st.labBest[l] - x[X.frontierLog10]))
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
    const out: EconomyEvent[] = [
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
}

/**
 * Usable training tokens at a tick: public text x private data, plus synthetic data once it starts.
 *
 * @example
 * dataStockTokens(st, 0) // 3e14 in the baseline
 */
export const dataStockTokens = (st: EconomyState, tick: number): number => {
  const v = st.p.v
  const year = startYear(st) + tick / 12
  const synthYears = Math.max(0, year - v["ai.syntheticDataStartYear"])
  return (
    v["ai.textDataTokensT"] *
    1e12 *
    (v["ai.privateDataMultiplier"] + (1 + v["ai.syntheticDataGrowthPerYear"]) ** synthYears - 1)
  )
}

const startYear = (st: EconomyState): number => st.p.startYear

/** Economy-wide automation of an occupation (sector value weighted). */
const aggregateAutomation = (st: EconomyState, k: number): number => {
  let a = 0
  let w = 0
  for (let s = 0; s < S; s++) {
    const weight = st.p.beta[s] * st.p.omega[s * K + k]
    a += weight * st.sectorAuto[s * K + k]
    w += weight
  }
  return w > 0 ? a / w : 0
}

/** Chip fabs: output by generation, scarcity pricing over a learning-curve cost, capacity orders. */
const chips: Sys = {
  name: "chips",
  decide: (st, { tick }) => {
    if (over(st)) return []
    const { p, x } = st
    const v = p.v
    const nG = p.gens.length
    const { newest, share } = productionMix(p, tick)
    const monthly = x[X.fabCapacity] / 12
    const units = new Float64Array(nG)
    units[newest] = monthly * share
    if (newest > 0) units[newest - 1] += monthly * (1 - share)
    const b = Math.log2(1 - v["chips.learningRate"])
    let supplyH100e = 0
    let costUsd = 0
    for (let g = 0; g < nG; g++) {
      if (units[g] === 0) continue
      const unitCost = p.gens[g].priceUsd * (1 - v["chips.grossMargin2024"]) * (1 + st.chipCum[g] / 1e6) ** b
      supplyH100e += units[g] * p.gens[g].h100e
      costUsd += units[g] * unitCost
    }
    const costPerH100e = costUsd / supplyH100e
    let budget = 0
    for (let l = 0; l < p.nLabs; l++) budget += st.labBudget[l] / 12
    // Labs buy only chips they can power within the deployment time: free capacity, power arriving
    // soon, and the power of chips retiring this month. Past that, chips would sit dark.
    // Power per H100e of this month's output mix: at a launch the newest generation is a sliver of
    // output, and pricing power by it alone bought a burst of chips that then sat dark.
    let outputKw = 0
    for (let g = 0; g < nG; g++) outputKw += units[g] * p.gens[g].kw
    const kwPerH100e = supplyH100e > 0 ? outputKw / supplyH100e : p.gens[0].kw / p.gens[0].h100e
    let soonGw = 0
    for (let m = 1; m <= DEPLOY_MONTHS; m++)
      for (let j = 0; j < NP; j++) soonGw += st.powerPipe[((tick + m) % RING) * NP + j]
    const retiringH100e = fleetH100e(st) / (v["chips.lifetimeYears"] * 12)
    const powerableH100e =
      Math.max(0, ((powerCapacityGw(st) + soonGw - powerDemandGw(st)) * 1e6) / kwPerH100e) + retiringH100e
    const floor = costPerH100e * (1 + v["chips.minMarkup"])
    // Fab scarcity sets the chip price; when power is what binds, the unsold chips are not made.
    const price = Math.max(floor, budget / supplyH100e)
    const sold = Math.min(supplyH100e, powerableH100e, budget / price)
    const made = sold / supplyH100e
    for (let g = 0; g < nG; g++) units[g] *= made
    const labH100e = new Float64Array(p.nLabs)
    for (let l = 0; l < p.nLabs; l++) labH100e[l] = budget > 0 ? (sold * st.labBudget[l]) / 12 / budget : 0
    const out: EconomyEvent[] = [
      ChipsSold.make({ units, h100e: sold, priceUsdPerH100e: price, costUsdPerH100e: costPerH100e, labH100e }),
    ]
    // Capacity the budget would buy at the floor price, versus capacity installed and on order.
    // (Fabs plan on money, not on today's power: power is ordered for the chips fabs will make.)
    const h100ePerUnit = supplyH100e / monthly
    const desired = (12 * budget) / (floor * h100ePerUnit)
    let pipeline = 0
    for (let i = 0; i < RING; i++) pipeline += st.fabPipe[i]
    const order = Math.min(
      (v["chips.maxCapacityGrowthPerYear"] * x[X.fabCapacity]) / 12,
      desired - x[X.fabCapacity] - pipeline,
    )
    if (order > x[X.fabCapacity] * 0.001) {
      out.push(
        FabCapacityOrdered.make({
          unitsPerYear: order,
          onlineTick: tick + Math.round(v["chips.fabLeadTimeMonths"]),
          capexUsd: order * v["chips.fabCapexUsdPerUnitYear"],
          scarcity: price / floor,
        }),
      )
    }
    return out
  },
}

/** Energy: orders power ahead of chips; fast sources first when chips already wait for power. */
const energy: Sys = {
  name: "energy",
  decide: (st, { tick }) => {
    if (over(st)) return []
    const { p, flow } = st
    const v = p.v
    const demand = powerDemandGw(st)
    const cap = powerCapacityGw(st)
    let pipeline = 0
    for (let i = 0; i < RING * NP; i++) pipeline += st.powerPipe[i]
    const { newest } = productionMix(p, tick)
    // Plan for what the fabs can make (chips sold may be held back by power itself).
    const fabH100ePerMonth = (st.x[X.fabCapacity] / 12) * p.gens[newest].h100e
    const addGwPerMonth =
      (Math.max(flow[F.chipH100eMade], fabH100ePerMonth) * p.gens[newest].kw) / p.gens[newest].h100e / 1e6
    const horizon = v["energy.planningHorizonMonths"]
    const target = (demand + addGwPerMonth * horizon) * (1 + v["energy.reserveShare"])
    let gap = target - cap - pipeline
    if (gap <= 1e-6) return []
    const shortfallGw = Math.max(0, demand - cap)
    // Chips already waiting for power: the fastest source first (gas gensets bridging a slow grid).
    // Otherwise sources that deliver within the horizon come first, cheapest first; the rest after.
    const order = [0, 1, 2].sort((a, b) => {
      if (shortfallGw > 0) {
        const d = v[`energy.${POWER_SOURCES[a]}.leadTimeMonths`] - v[`energy.${POWER_SOURCES[b]}.leadTimeMonths`]
        if (d !== 0) return d
      }
      const la = v[`energy.${POWER_SOURCES[a]}.leadTimeMonths`] <= horizon ? 0 : 1
      const lb = v[`energy.${POWER_SOURCES[b]}.leadTimeMonths`] <= horizon ? 0 : 1
      if (la !== lb) return la - lb
      const ca = v[`energy.${POWER_SOURCES[a]}.costUsdPerMwh`]
      const cb = v[`energy.${POWER_SOURCES[b]}.costUsdPerMwh`]
      return ca !== cb ? ca - cb : a - b
    })
    const out: EconomyEvent[] = []
    for (const j of order) {
      const src = POWER_SOURCES[j]
      const gw = Math.min(gap, v[`energy.${src}.maxAddGwPerYear`] / 12)
      if (gw <= 1e-9) continue
      gap -= gw
      out.push(
        PowerOrdered.make({
          source: src,
          gw,
          onlineTick: tick + Math.round(v[`energy.${src}.leadTimeMonths`]),
          costUsdPerMwh: v[`energy.${src}.costUsdPerMwh`],
          shortfallGw,
        }),
      )
      if (gap <= 1e-9) break
    }
    return out
  },
}

/** Robot factories: Wright's-law cost, purchases when a robot earns its keep, capacity orders. */
const robots: Sys = {
  name: "robots",
  decide: (st, { tick }) => {
    if (over(st)) return []
    const { p, x, flow } = st
    const v = p.v
    const b = Math.log2(1 - v["robots.learningRate"])
    const unitCostUsd = Math.max(
      v["robots.floorCostUsd"],
      v["robots.unitCost2024Usd"] * (x[X.robotCum] / v["robots.stock2024"]) ** b,
    )
    const priceUsd = unitCostUsd * (1 + v["robots.markup"])
    const c = machineCosts(st, tick)
    const value = flow[F.robotPricePerWorkerYear] * workerEqPerRobot(p, tick)
    const annualCost =
      priceUsd * (v["macro.returnOnCapital"] + 1 / v["robots.lifetimeYears"]) + c.robotPower * workerEqPerRobot(p, tick)
    const valueToCost = value / annualCost
    const units = (x[X.robotCapacity] / 12) * Math.min(1, valueToCost * valueToCost)
    const out: EconomyEvent[] = [RobotsBuilt.make({ units, unitCostUsd, priceUsd, valueToCost })]
    let pipeline = 0
    for (let i = 0; i < RING; i++) pipeline += st.robotPipe[i]
    const lead = Math.round(v["robots.factoryLeadTimeMonths"])
    const maxGrowth = v["robots.maxCapacityGrowthPerYear"]
    const desired = x[X.robotCapacity] * Math.min(1 + (maxGrowth * lead) / 12, valueToCost)
    const order = Math.min((maxGrowth * x[X.robotCapacity]) / 12, desired - x[X.robotCapacity] - pipeline)
    if (order > x[X.robotCapacity] * 0.001) {
      // Robots staffing robot factories cut the capex of new capacity (self-replication).
      const selfReplicationSaving = v["robots.selfReplication"] * st.sectorAuto[INDUSTRY * K + MANUAL_ROUTINE]
      out.push(
        RobotFactoryExpanded.make({
          unitsPerYear: order,
          onlineTick: tick + lead,
          capexUsd: order * v["robots.factoryCapexUsdPerUnitYear"] * (1 - selfReplicationSaving),
          selfReplicationSaving,
        }),
      )
    }
    return out
  },
}

/** Markets: machine supplies and costs, automation targets, then factor markets clear. */
const markets: Sys = {
  name: "markets",
  decide: (st, { tick }) => {
    if (over(st)) return []
    const { p, x } = st
    const v = p.v
    const powered = poweredShare(st)
    let servingShare = 0
    for (let l = 0; l < p.nLabs; l++) servingShare += st.labShare[l] * (1 - st.labTraining[l])
    const inferenceH100e = fleetH100e(st) * powered * servingShare
    const edge = distributedH100e(p, tick)
    const aiSupply = Math.max(1, (inferenceH100e + edge) * workerEqPerH100e(p, tick))
    const robotSupply = Math.max(1, x[X.robots] * workerEqPerRobot(p, tick))
    const c = machineCosts(st, tick)
    const aiCost = c.aiChip + c.aiPower
    const robotCost = c.robotCapital + c.robotPower
    const target = new Float64Array(K)
    for (let k = 0; k < K; k++) target[k] = occupationTarget(p, k, x[X.frontierLog10], aiCost, robotCost, st.wage[k])
    const z = new Float64Array(S)
    for (let s = 0; s < S; s++) z[s] = st.zSector[s] * x[X.tfp]
    const maxEmployed = new Float64Array(K)
    const wageFloor = new Float64Array(K)
    const adjust = v["labour.wageAdjustmentPerYear"] / 12
    for (let k = 0; k < K; k++) {
      maxEmployed[k] = st.labourForce[k] * (1 - v["labour.frictionalUnemployment"])
      // Wages fall toward last month's market-clearing wage only gradually: the gap is unemployment.
      const clearing = (st.wage[k] * st.employed[k]) / Math.max(1, maxEmployed[k])
      wageFloor[k] = clearing < st.wage[k] ? st.wage[k] * (clearing / st.wage[k]) ** adjust : st.wage[k]
    }
    const res = {
      allocL: Float64Array.from(st.allocL),
      allocM: Float64Array.from(st.allocM),
      allocK: Float64Array.from(st.allocK),
      allocF: Float64Array.from(st.allocF),
      sectorY: new Float64Array(S),
      sectorAiShare: new Float64Array(S),
      employed: new Float64Array(K),
      wage: new Float64Array(K),
      payL: new Float64Array(S * K),
      payM: new Float64Array(S * K),
    }
    const solved = solveMarkets(
      p,
      {
        auto: st.sectorAuto,
        zSector: z,
        capital: x[X.capital],
        fixed: x[X.fixedFactor] * x[X.spaceFactor],
        maxEmployed,
        wageFloor,
        aiSupply,
        robotSupply,
      },
      res,
    )
    const flow = Float64Array.from(st.flow)
    const price = c.energyPriceUsdPerMwh
    const demandGw = powerDemandGw(st)
    const usedGw = Math.min(demandGw, powerCapacityGw(st))
    const dcElectricity = usedGw * 1000 * HOURS_PER_YEAR * price
    const robotElectricity = x[X.robots] * v["robots.powerKw"] * (HOURS_PER_YEAR / 1000) * price
    const tax = v["policy.aiIncomeTaxRate"] * (solved.aiRevenue + solved.robotRevenue)
    const machineCapex = flow[F.chipSpend] + flow[F.fabCapex] + flow[F.robotSpend] + flow[F.robotFactoryCapex]
    const investmentK = Math.max(0, v["macro.savingRate"] * solved.gdp - machineCapex)
    const investment = investmentK + machineCapex
    let employedTotal = 0
    let labourForce = 0
    for (let k = 0; k < K; k++) {
      employedTotal += res.employed[k]
      labourForce += st.labourForce[k]
    }
    flow[F.gdp] = solved.gdp
    flow[F.wages] = solved.wages
    flow[F.capitalIncome] = solved.capitalIncome
    flow[F.rent] = solved.rent
    flow[F.aiRevenue] = solved.aiRevenue
    flow[F.robotRevenue] = solved.robotRevenue
    flow[F.electricity] = dcElectricity + robotElectricity
    flow[F.tax] = tax
    flow[F.ubiPerHead] = tax / x[X.population]
    flow[F.machineCapex] = machineCapex
    flow[F.investmentK] = investmentK
    flow[F.investment] = investment
    flow[F.consumption] = solved.gdp - investment
    flow[F.aiShare] = solved.aiShare
    flow[F.labourShare] = solved.wages / solved.gdp
    flow[F.aiPricePerWorkerYear] = solved.aiRevenue / aiSupply
    flow[F.robotPricePerWorkerYear] = solved.robotRevenue / robotSupply
    flow[F.aiCostPerWorkerYear] = aiCost
    flow[F.robotCostPerWorkerYear] = robotCost
    flow[F.goodsPrice] = solved.goodsPrice
    flow[F.goodsLabourShare] = solved.goodsLabourShare
    flow[F.inferenceH100e] = inferenceH100e + edge
    flow[F.distributedH100e] = edge
    flow[F.aiWorkerEquivalents] = aiSupply
    flow[F.robotWorkerEquivalents] = robotSupply
    flow[F.energyPriceUsdPerMwh] = price
    flow[F.powerDemandGw] = demandGw
    flow[F.poweredShare] = powered
    flow[F.unemployed] = labourForce - employedTotal
    flow[F.employedTotal] = employedTotal
    flow[F.labourIncomeHouseholds] = solved.wages
    flow[F.capitalIncomeHouseholds] =
      solved.capitalIncome +
      solved.rent +
      solved.aiRevenue +
      solved.robotRevenue -
      tax -
      dcElectricity -
      robotElectricity
    flow[F.vaFirms] = solved.gdp - solved.aiRevenue - solved.robotRevenue
    flow[F.vaLabs] = solved.aiRevenue - dcElectricity
    flow[F.vaRobots] = solved.robotRevenue - robotElectricity
    flow[F.vaEnergy] = dcElectricity + robotElectricity
    return [
      MarketsCleared.make({
        flow,
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
}

/** Standard deviation of the i8 firm shocks (uniform on [-128, 127]). */
const SHOCK_SD = 73.9

/** Draws one shock per firm: a uniform random byte, centred. One 32-bit draw serves four firms. */
const drawShocks = (rng: Rng, n: number): Int8Array<ArrayBuffer> => {
  const shock = new Int8Array(n)
  const whole = n - (n % 4)
  for (let i = 0; i < whole; i += 4) {
    const u = rng.nextU32()
    shock[i] = (u & 255) - 128
    shock[i + 1] = ((u >>> 8) & 255) - 128
    shock[i + 2] = ((u >>> 16) & 255) - 128
    shock[i + 3] = (u >>> 24) - 128
  }
  for (let i = whole; i < n; i++) shock[i] = (rng.nextU32() & 255) - 128
  return shock
}

/** Firms: one vector event for all of them; the reducer applies adoption, reallocation and exits. */
const firms: Sys = {
  name: "firms",
  decide: (st, { tick, rng }) => {
    if (over(st)) return []
    const c = machineCosts(st, tick)
    const machineCost = new Float64Array(K)
    for (let k = 0; k < K; k++) machineCost[k] = st.p.physical[k] ? c.robotCapital + c.robotPower : c.aiChip + c.aiPower
    return [
      FirmsStepped.make({
        shock: drawShocks(rng, st.p.nFirms),
        target: Float64Array.from(st.target),
        labourCost: Float64Array.from(st.wage),
        machineCost,
      }),
    ]
  },
}

/** Labour: unemployed beyond the frictional rate retrain toward occupations that pay and are not automating. */
const labour: Sys = {
  name: "labour",
  decide: (st, { tick }) => {
    if (over(st)) return []
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
}

/** Watchers: automation shifts with their drivers, milestones and the catastrophe hazard. */
const watch: Sys = {
  name: "watch",
  decide: (st, { tick, rng }) => {
    if (over(st)) return []
    const { p, x, flow } = st
    const v = p.v
    const out: EconomyEvent[] = []
    const c = machineCosts(st, tick)
    const now = new Float64Array(NDRIVER)
    writeDrivers(st, c, now, 0)
    for (let s = 0; s < S; s++) {
      if (p.beta[s] <= 0) continue
      const after = p.beta[s] * st.sectorAiShare[s]
      const before = st.shiftRef[s]
      const delta = after - before
      if (Math.abs(delta) < SHIFT_STEP) continue
      out.push(
        SectorAutomationShifted.make({
          sector: SECTORS[s],
          aiShareOfSector: st.sectorAiShare[s],
          contributionBefore: before,
          contributionAfter: after,
          delta,
          drivers: attribute(st, s, now, delta),
        }),
      )
    }
    const aiShare = flow[F.aiShare]
    const milestone = { aiShare, gdpUsd: flow[F.gdp], frontierLog10: x[X.frontierLog10] }
    if (x[X.agiTick] < 0 && aiShare >= v["milestones.agiAiShare"])
      out.push(AgiReached.make({ ...milestone, threshold: v["milestones.agiAiShare"] }))
    if (x[X.asiTick] < 0 && aiShare >= v["milestones.asiAiShare"])
      out.push(AsiReached.make({ ...milestone, threshold: v["milestones.asiAiShare"] }))
    const basketShareOfIncome = basketShareOf(st)
    if (
      x[X.postScarcityTick] < 0 &&
      basketShareOfIncome <= v["milestones.basketShareOfIncome"] &&
      flow[F.goodsLabourShare] <= v["milestones.goodsLabourCostShare"]
    ) {
      out.push(
        PostScarcityReached.make({
          basketShareOfIncome,
          goodsLabourShare: flow[F.goodsLabourShare],
          aiShare,
          thresholdBasket: v["milestones.basketShareOfIncome"],
          thresholdLabour: v["milestones.goodsLabourCostShare"],
        }),
      )
    }
    const rate = v["hazard.annualRate"]
    if (rate > 0 && aiShare >= v["hazard.fromAiShare"]) {
      const hazardPerMonth = 1 - (1 - rate) ** (1 / 12)
      const draw = rng.float()
      if (draw < hazardPerMonth) out.push(CatastropheOccurred.make({ draw, hazardPerMonth, aiShare }))
    }
    return out
  },
}

/**
 * Attributes a sector's AI-share move to its drivers: each driver alone is moved from its value at
 * the sector's last shift to now and the change in the sector's automation target is recorded;
 * the move is split in proportion. With no target change, it is adoption catching up.
 */
const attribute = (st: EconomyState, s: number, now: Float64Array, delta: number) => {
  const p = st.p
  const ref = st.driverRef.subarray(s * NDRIVER, (s + 1) * NDRIVER)
  const base = sectorTarget(p, s, ref)
  const tmp = Float64Array.from(ref)
  const effect = (idx: ReadonlyArray<number>): number => {
    tmp.set(ref)
    for (const i of idx) tmp[i] = now[i]
    return sectorTarget(p, s, tmp) - base
  }
  const wageIdx = Array.from({ length: K }, (_, k) => 5 + k)
  const e = {
    capability: effect([0]),
    chipCost: effect([1]),
    power: effect([2, 4]),
    robotCost: effect([3]),
    wages: effect(wageIdx),
  }
  const total =
    Math.abs(e.capability) + Math.abs(e.chipCost) + Math.abs(e.power) + Math.abs(e.robotCost) + Math.abs(e.wages)
  if (total < 1e-9) return { capability: 0, chipCost: 0, power: 0, robotCost: 0, wages: 0, adoption: delta }
  const k = delta / total
  return {
    capability: Math.abs(e.capability) * k,
    chipCost: Math.abs(e.chipCost) * k,
    power: Math.abs(e.power) * k,
    robotCost: Math.abs(e.robotCost) * k,
    wages: Math.abs(e.wages) * k,
    adoption: 0,
  }
}

const applyFirmsStepped = (st: EconomyState, d: (typeof FirmsStepped)["schema"]["Type"]): void => {
  const { p, firmSector, firmZ, firmRate, firmScale, firmAuto, sectorAuto, sectorCost, sectorScale } = st
  const v = p.v
  const n = p.nFirms
  const { shock, target, labourCost, machineCost } = d
  const omega = p.omega
  const realloc = v["firms.reallocationPerYear"] / 12
  const shockScale = v["firms.shockSdPerYear"] / Math.sqrt(12) / SHOCK_SD
  const exitShare = v["firms.exitShare"]
  const zSd = v["firms.productivitySd"] / SHOCK_SD
  const ns = S
  // The four occupations are unrolled: this loop runs once per firm per month.
  const t0 = target[0]
  const t1 = target[1]
  const t2 = target[2]
  const t3 = target[3]
  const l0 = labourCost[0]
  const l1 = labourCost[1]
  const l2 = labourCost[2]
  const l3 = labourCost[3]
  const m0 = machineCost[0]
  const m1 = machineCost[1]
  const m2 = machineCost[2]
  const m3 = machineCost[3]
  const accA = new Float64Array(ns * 4)
  const accScale = new Float64Array(ns)
  const accCost = new Float64Array(ns)
  const count = new Float64Array(ns)
  let failures = 0
  for (let i = 0; i < n; i++) {
    const s = firmSector[i]
    const rate = firmRate[i]
    const b = i * 4
    const ob = s * 4
    let a0 = firmAuto[b]
    let a1 = firmAuto[b + 1]
    let a2 = firmAuto[b + 2]
    let a3 = firmAuto[b + 3]
    a0 += rate * (t0 - a0)
    a1 += rate * (t1 - a1)
    a2 += rate * (t2 - a2)
    a3 += rate * (t3 - a3)
    let cost =
      (omega[ob] * (l0 + a0 * (m0 - l0)) +
        omega[ob + 1] * (l1 + a1 * (m1 - l1)) +
        omega[ob + 2] * (l2 + a2 * (m2 - l2)) +
        omega[ob + 3] * (l3 + a3 * (m3 - l3))) /
      firmZ[i]
    const mean = sectorCost[s]
    // Log growth is small (a few % a month): exp(g) by its second-order expansion.
    const g = (mean > 0 ? realloc * (1 - cost / mean) : 0) + shockScale * shock[i]
    let scale = firmScale[i] * (1 + g + 0.5 * g * g)
    if (scale < exitShare * sectorScale[s]) {
      // Exit: an entrant takes the slot with a fresh productivity draw and the sector's current practice.
      failures++
      scale = sectorScale[s]
      firmZ[i] = Math.exp(zSd * shock[i])
      a0 = sectorAuto[ob]
      a1 = sectorAuto[ob + 1]
      a2 = sectorAuto[ob + 2]
      a3 = sectorAuto[ob + 3]
      cost =
        (omega[ob] * (l0 + a0 * (m0 - l0)) +
          omega[ob + 1] * (l1 + a1 * (m1 - l1)) +
          omega[ob + 2] * (l2 + a2 * (m2 - l2)) +
          omega[ob + 3] * (l3 + a3 * (m3 - l3))) /
        firmZ[i]
    }
    firmAuto[b] = a0
    firmAuto[b + 1] = a1
    firmAuto[b + 2] = a2
    firmAuto[b + 3] = a3
    // Stored as f32: accumulate the stored value so sector figures match the firms exactly.
    scale = Math.fround(scale)
    firmScale[i] = scale
    accA[ob] += scale * a0
    accA[ob + 1] += scale * a1
    accA[ob + 2] += scale * a2
    accA[ob + 3] += scale * a3
    accScale[s] += scale
    accCost[s] += scale * cost
    count[s]++
  }
  for (let s = 0; s < ns; s++) {
    if (count[s] === 0) continue
    for (let k = 0; k < 4; k++) sectorAuto[s * 4 + k] = accA[s * 4 + k] / accScale[s]
    sectorCost[s] = accCost[s] / accScale[s]
    sectorScale[s] = accScale[s] / count[s]
  }
  st.flow[F.firmFailures] = failures * 12
  st.x[X.firmFailuresTotal] += failures
}

/**
 * The only mutator: applies one event to the state in place.
 *
 * @example
 * for (const e of events) evolveEconomy(state, e, tick)
 */
export const evolveEconomy = (st: EconomyState, e: EconomyEvent, tick: number): EconomyState => {
  const { p, x, flow } = st
  const v = p.v
  switch (e.type) {
    case "FirmsFounded":
      st.firmZ.set(e.data.z)
      st.firmRate.set(e.data.rate)
      return st
    case "MonthBegan": {
      x[X.tick] = tick
      const slot = tick % RING
      if (tick > 0) {
        const pop = (1 + v["macro.populationGrowthPerYear"]) ** (1 / 12)
        x[X.population] *= pop
        for (let k = 0; k < K; k++) st.labourForce[k] *= pop
        x[X.tfp] *= (1 + v["macro.tfpGrowthPerYear"]) ** (1 / 12)
        x[X.fixedFactor] *= (1 + v["macro.fixedFactorGrowthPerYear"]) ** (1 / 12)
        if (e.data.year >= v["macro.spaceExpansionYear"])
          x[X.spaceFactor] *= (1 + v["macro.spaceExpansionGrowthPerYear"]) ** (1 / 12)
        const chipKeep = 1 - 1 / (v["chips.lifetimeYears"] * 12)
        for (let g = 0; g < st.chipStock.length; g++) st.chipStock[g] *= chipKeep
        x[X.robots] *= 1 - 1 / (v["robots.lifetimeYears"] * 12)
      }
      x[X.fabCapacity] += st.fabPipe[slot]
      st.fabPipe[slot] = 0
      x[X.robotCapacity] += st.robotPipe[slot]
      st.robotPipe[slot] = 0
      for (let j = 0; j < NP; j++) {
        st.power[j] += st.powerPipe[slot * NP + j]
        st.powerPipe[slot * NP + j] = 0
      }
      for (let k = 0; k < K; k++) {
        const arriving = st.retrainPipe[slot * K + k]
        st.labourForce[k] += arriving
        x[X.retraining] -= arriving
        st.retrainPipe[slot * K + k] = 0
      }
      flow[F.fabCapex] = 0
      flow[F.robotFactoryCapex] = 0
      return st
    }
    case "LabsFunded":
      st.labBudget.set(e.data.budgetUsd)
      x[X.algoLog10] += e.data.algoDeltaLog10
      flow[F.fundingUsd] = e.data.fundingUsd
      flow[F.researchMultiplier] = e.data.researchMultiplier
      return st
    case "ComputeSplit":
      st.labTraining.set(e.data.trainingShare)
      return st
    case "ModelReleased": {
      const l = e.data.lab
      st.labBest[l] = Math.max(st.labBest[l], e.data.effectiveFlopLog10)
      st.labNextRelease[l] = e.data.nextReleaseTick
      st.labReleases[l] = e.data.generation
      x[X.frontierLog10] = Math.max(x[X.frontierLog10], e.data.effectiveFlopLog10)
      flow[F.dataRatio] = e.data.dataRatio
      return st
    }
    case "ChipsSold": {
      const fleet = fleetH100e(st)
      const L = p.nLabs
      let total = 0
      for (let l = 0; l < L; l++) total += st.labShare[l] * fleet + e.data.labH100e[l]
      for (let l = 0; l < L; l++)
        st.labShare[l] = total > 0 ? (st.labShare[l] * fleet + e.data.labH100e[l]) / total : 1 / L
      let units = 0
      for (let g = 0; g < st.chipStock.length; g++) {
        st.chipStock[g] += e.data.units[g]
        st.chipCum[g] += e.data.units[g]
        units += e.data.units[g]
      }
      x[X.chipsMadeTotal] += units
      flow[F.chipsMadeUnits] = units
      flow[F.chipH100eMade] = e.data.h100e
      flow[F.chipPricePerH100e] = e.data.priceUsdPerH100e
      flow[F.chipCostPerH100e] = e.data.costUsdPerH100e
      flow[F.chipSpend] = e.data.h100e * e.data.priceUsdPerH100e * 12
      return st
    }
    case "FabCapacityOrdered":
      st.fabPipe[e.data.onlineTick % RING] += e.data.unitsPerYear
      flow[F.fabCapex] += e.data.capexUsd * 12
      return st
    case "PowerOrdered":
      st.powerPipe[(e.data.onlineTick % RING) * NP + POWER_SOURCES.indexOf(e.data.source)] += e.data.gw
      return st
    case "RobotsBuilt":
      x[X.robots] += e.data.units
      x[X.robotCum] += e.data.units
      x[X.robotCost] = e.data.unitCostUsd
      flow[F.robotsBuilt] = e.data.units * 12
      flow[F.robotPriceUsd] = e.data.priceUsd
      flow[F.robotSpend] = e.data.units * e.data.priceUsd * 12
      return st
    case "RobotFactoryExpanded":
      st.robotPipe[e.data.onlineTick % RING] += e.data.unitsPerYear
      flow[F.robotFactoryCapex] += e.data.capexUsd * 12
      return st
    case "MarketsCleared": {
      const d = e.data
      st.flow.set(d.flow)
      st.wage.set(d.wage)
      st.employed.set(d.employed)
      st.allocL.set(d.allocL)
      st.allocM.set(d.allocM)
      st.allocK.set(d.allocK)
      st.allocF.set(d.allocF)
      st.sectorY.set(d.sectorY)
      st.sectorAiShare.set(d.sectorAiShare)
      st.target.set(d.target)
      x[X.capital] += (d.flow[F.investmentK] - v["macro.depreciationPerYear"] * x[X.capital]) / 12
      st.gdpHist[tick % 12] = d.flow[F.gdp]
      return st
    }
    case "FirmsStepped":
      applyFirmsStepped(st, e.data)
      return st
    case "WorkersRetrained": {
      const slot = e.data.arriveTick % RING
      let total = 0
      for (let k = 0; k < K; k++) {
        st.labourForce[k] -= e.data.leaving[k]
        total += e.data.leaving[k]
      }
      for (let k = 0; k < K; k++) st.retrainPipe[slot * K + k] += total * e.data.toShare[k]
      x[X.retraining] += total
      return st
    }
    case "SectorAutomationShifted": {
      const s = SECTORS.indexOf(e.data.sector as (typeof SECTORS)[number])
      st.shiftRef[s] = e.data.contributionAfter
      writeDrivers(st, machineCosts(st, tick), st.driverRef, s * NDRIVER)
      return st
    }
    case "AgiReached":
      x[X.agiTick] = tick
      return st
    case "AsiReached":
      x[X.asiTick] = tick
      return st
    case "PostScarcityReached":
      x[X.postScarcityTick] = tick
      return st
    case "CatastropheOccurred":
      x[X.catastropheTick] = tick
      return st
  }
}

/**
 * The economy as the engine runs it: systems in tick order (founding, month, labs, chips, energy,
 * robots, markets, firms, labour, watch), `evolveEconomy` as the only mutator.
 *
 * @example
 * const sim = Simulation.create(economyModel, loadScenario("baseline"), { seed: 7 })
 * sim.step()
 */
export const economyModel: Model<EconomyState, EconomyEvent, EconomyConfig> = {
  name: "takeoff-economy",
  version: "0.1.0",
  catalogue: economyCatalogue,
  decodeConfig: decodeEconomyConfig,
  encodeConfig: (c) => ({
    name: c.name,
    title: c.title,
    description: c.description,
    start: c.start,
    endYear: c.endYear,
    values: c.values,
    meta: c.meta,
    distributions: c.distributions,
  }),
  initialState: initialEconomyState,
  systems: [founding, month, labs, chips, energy, robots, markets, firms, labour, watch],
  evolve: evolveEconomy,
  encodeState: encodeEconomyState,
  decodeState: decodeEconomyState,
}
