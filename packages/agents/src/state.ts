import { columnFromBase64, columnToBase64 } from "@takeoff/core"
import { GENERATIONS, OCCUPATION_KIND, OCCUPATIONS, POWER_SOURCES, SECTORS } from "./params.js"
import type { EconomyConfig } from "./scenario.js"

/** Months of look-ahead the pipelines (fabs, power, robot factories, retraining) can hold. */
export const RING = 256
export const S = SECTORS.length
export const K = OCCUPATIONS.length
export const NP = POWER_SOURCES.length
/** Hours in a year: machine services and power are priced per hour. */
export const HOURS_PER_YEAR = 8766
/** Tokens one H100e serves per hour at 2024 efficiency (frontier-size model; assumption, docs/model.md). */
export const TOKENS_PER_H100E_HOUR_2024 = 1e6
/** Industry and agriculture make the goods basket. */
export const GOODS_SECTORS = [2, 3] as const

/** Indices into the `flow` vector: the last tick's flows (annualised USD) and prices. */
export const F = {
  gdp: 0,
  wages: 1,
  capitalIncome: 2,
  rent: 3,
  aiRevenue: 4,
  robotRevenue: 5,
  electricity: 6,
  tax: 7,
  ubiPerHead: 8,
  consumption: 9,
  investment: 10,
  investmentK: 11,
  machineCapex: 12,
  aiShare: 13,
  labourShare: 14,
  aiPricePerWorkerYear: 15,
  robotPricePerWorkerYear: 16,
  aiCostPerWorkerYear: 17,
  robotCostPerWorkerYear: 18,
  goodsPrice: 19,
  goodsLabourShare: 20,
  inferenceH100e: 21,
  aiWorkerEquivalents: 22,
  robotWorkerEquivalents: 23,
  energyPriceUsdPerMwh: 24,
  powerDemandGw: 25,
  poweredShare: 26,
  chipsMadeUnits: 27,
  chipH100eMade: 28,
  chipPricePerH100e: 29,
  chipCostPerH100e: 30,
  fundingUsd: 31,
  robotsBuilt: 32,
  robotPriceUsd: 33,
  researchMultiplier: 34,
  dataRatio: 35,
  firmFailures: 36,
  distributedH100e: 37,
  labourIncomeHouseholds: 38,
  capitalIncomeHouseholds: 39,
  fabCapex: 40,
  robotFactoryCapex: 41,
  chipSpend: 42,
  robotSpend: 43,
  unemployed: 44,
  employedTotal: 45,
  vaFirms: 46,
  vaLabs: 47,
  vaRobots: 48,
  vaEnergy: 49,
} as const
export const NF = 50

/** Per-chip-generation figures derived from the config (named generations, then later steps). */
export interface Generation {
  readonly startTick: number
  readonly h100e: number
  readonly watts: number
  readonly priceUsd: number
  /** Power drawn at the wall per chip, kW (TDP x server overhead x PUE). */
  readonly kw: number
}

/** Config values resolved into the typed form the systems and reducers use. */
export interface Derived {
  readonly v: Readonly<Record<string, number>>
  readonly nFirms: number
  readonly nLabs: number
  readonly beta: Float64Array
  /** Task weights per sector (rows sum to 1). */
  readonly omega: Float64Array
  readonly physical: Uint8Array
  readonly gens: ReadonlyArray<Generation>
  readonly alpha: number
  readonly phi: number
  /** (eps - 1) / eps of the fixed-factor nest. */
  readonly rFixed: number
  /** (sigma - 1) / sigma of the task nest. */
  readonly rhoTask: number
  readonly sigmaTask: number
  readonly y0: number
  readonly firmsPerSector: Int32Array
  /** Fractional calendar year of tick 0. */
  readonly startYear: number
}

export const chipKw = (config: EconomyConfig, watts: number): number =>
  (watts * config.values["chips.serverOverhead"] * config.values["chips.pue"]) / 1000

/**
 * Power at the wall of a cluster, MW: chips x TDP x server overhead x PUE.
 *
 * @example
 * clusterPowerMw(config, "h100", 100_000) // ~137 MW
 */
export const clusterPowerMw = (
  config: EconomyConfig,
  generation: (typeof GENERATIONS)[number],
  chips: number,
): number => (chips * chipKw(config, config.values[`chips.${generation}.watts`])) / 1000

export const derive = (config: EconomyConfig): Derived => {
  const v = config.values
  const startYear = Number(config.start.slice(0, 4)) + (Number(config.start.slice(5, 7)) - 1) / 12
  const beta = new Float64Array(SECTORS.map((s) => v[`sectors.${s}.valueShare`]))
  const omega = new Float64Array(S * K)
  for (let s = 0; s < S; s++) {
    let sum = 0
    for (let k = 0; k < K; k++) sum += v[`sectors.${SECTORS[s]}.taskMix.${OCCUPATIONS[k]}`]
    for (let k = 0; k < K; k++)
      omega[s * K + k] = sum > 0 ? v[`sectors.${SECTORS[s]}.taskMix.${OCCUPATIONS[k]}`] / sum : 0
  }
  const gens: Generation[] = []
  const tickOf = (year: number) => Math.round((year - startYear) * 12)
  for (const g of GENERATIONS) {
    const watts = v[`chips.${g}.watts`]
    gens.push({
      startTick: tickOf(v[`chips.${g}.year`]),
      h100e: v[`chips.${g}.h100e`],
      watts,
      priceUsd: v[`chips.${g}.priceUsd`],
      kw: chipKw(config, watts),
    })
  }
  const endTick = (config.endYear + 1 - startYear) * 12
  for (let i = 1; i <= v["chips.laterGenerations"]; i++) {
    const last = gens[GENERATIONS.length - 1]
    const startTick = last.startTick + Math.round(i * v["chips.laterIntervalYears"] * 12)
    if (startTick > endTick) break
    const watts = last.watts * v["chips.laterWattsStep"] ** i
    gens.push({
      startTick,
      h100e: last.h100e * v["chips.laterPerfStep"] ** i,
      watts,
      priceUsd: last.priceUsd * v["chips.laterPriceStep"] ** i,
      kw: chipKw(config, watts),
    })
  }
  const firmsPerSector = new Int32Array(S)
  for (let s = 0; s < S; s++) firmsPerSector[s] = beta[s] > 0 ? Math.max(1, Math.round(v["firms.count"] * beta[s])) : 0
  const phi = v["macro.fixedFactorShare2024"]
  const eps = v["macro.fixedFactorElasticity"]
  const sigma = v["macro.taskElasticity"]
  // Machines' share of task payments at the start is small; the capital elasticity is set so that
  // wages / GDP equals the calibrated labour share.
  let machine0 = 0
  for (let s = 0; s < S; s++)
    for (let k = 0; k < K; k++)
      machine0 += beta[s] * omega[s * K + k] * v[`occupations.${OCCUPATIONS[k]}.automatedShare2024`]
  const alpha = 1 - v["macro.labourShare2024"] / ((1 - phi) * (1 - machine0))
  return {
    v,
    nFirms: firmsPerSector.reduce((a, b) => a + b, 0),
    nLabs: v["ai.labs"],
    beta,
    omega,
    physical: new Uint8Array(OCCUPATION_KIND.map((k) => (k === "physical" ? 1 : 0))),
    gens,
    alpha,
    phi,
    rFixed: (eps - 1) / eps,
    rhoTask: Math.abs(sigma - 1) < 1e-9 ? 0 : (sigma - 1) / sigma,
    sigmaTask: sigma,
    // January 2024 level such that the 2024 average of monthly output is 2023 GDP grown by the 2024 rate.
    y0: v["macro.gdp2023UsdT"] * 1e12 * (1 + v["macro.realGrowth2024"]) ** (6.5 / 12),
    firmsPerSector,
    startYear,
  }
}

/** The whole economy. Typed arrays for everything per agent; `p` is derived from the config (not encoded). */
export interface EconomyState {
  readonly p: Derived
  /** Scalars that evolve (see `SCALARS`). */
  readonly x: Float64Array
  readonly flow: Float64Array
  readonly labourForce: Float64Array
  readonly employed: Float64Array
  readonly wage: Float64Array
  readonly retrainPipe: Float64Array
  readonly allocL: Float64Array
  readonly allocM: Float64Array
  readonly allocK: Float64Array
  readonly allocF: Float64Array
  readonly zSector: Float64Array
  readonly sectorY: Float64Array
  readonly sectorAiShare: Float64Array
  readonly sectorAuto: Float64Array
  readonly sectorCost: Float64Array
  readonly target: Float64Array
  readonly labBest: Float64Array
  readonly labShare: Float64Array
  readonly labNextRelease: Float64Array
  readonly labBudget: Float64Array
  readonly labReleases: Float64Array
  /** Each lab's share of its compute used for training. */
  readonly labTraining: Float64Array
  readonly chipStock: Float64Array
  readonly chipCum: Float64Array
  readonly fabPipe: Float64Array
  readonly power: Float64Array
  readonly powerPipe: Float64Array
  readonly robotPipe: Float64Array
  /** Each sector's AI-share contribution at its last SectorAutomationShifted. */
  readonly shiftRef: Float64Array
  /** Per sector, the drivers at its last shift: frontier, AI chip and power cost, robot capital and power cost, wages. */
  readonly driverRef: Float64Array
  readonly sectorScale: Float64Array
  readonly gdpHist: Float64Array
  readonly firmSector: Uint8Array
  readonly firmZ: Float32Array
  readonly firmRate: Float32Array
  readonly firmScale: Float32Array
  readonly firmAuto: Float32Array
}

/** Indices into `x`, the evolving scalars. */
export const X = {
  tick: 0,
  capital: 1,
  tfp: 2,
  fixedFactor: 3,
  population: 4,
  algoLog10: 5,
  frontierLog10: 6,
  fabCapacity: 7,
  robots: 8,
  robotCum: 9,
  robotCapacity: 10,
  robotCost: 11,
  agiTick: 12,
  asiTick: 13,
  postScarcityTick: 14,
  catastropheTick: 15,
  firmFailuresTotal: 16,
  spaceFactor: 17,
  chipsMadeTotal: 18,
  retraining: 19,
} as const
export const NX = 20

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
  const o = OCCUPATIONS[k]
  return (
    1 /
    (1 + Math.exp(-(frontierLog10 - p.v[`occupations.${o}.thresholdLog10Flop`]) / p.v[`occupations.${o}.spreadLog10`]))
  )
}

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
    payL: Float64Array
    payM: Float64Array
  },
  iterations = 12,
): Solved => {
  const { beta, omega, alpha, phi, rFixed, rhoTask, sigmaTask } = p
  const { allocL, allocM, allocK, allocF, sectorY, employed, payL, payM } = out
  const payK = new Float64Array(S)
  const payF = new Float64Array(S)
  const payT = new Float64Array(S)
  const sL = new Float64Array(S * K)
  const sM = new Float64Array(S * K)
  const totL = new Float64Array(K)
  const inv = 1 / sigmaTask
  let gdp = 0
  for (let it = 0; it < iterations; it++) {
    let lnE = 0
    const sX = new Float64Array(S)
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
          const h = w * (1 - a) ** inv * L ** rhoTask
          const m = a > 0 ? w * a ** inv * M ** rhoTask : 0
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
      const lnX = Math.log(inp.zSector[s]) + alpha * Math.log(Math.max(allocK[s], 1e-6)) + (1 - alpha) * lnT
      const X = Math.exp(lnX)
      const Fq = Math.max(allocF[s], 1e-6)
      // Fixed-factor nest: Y = [(1-phi) X^r + phi F^r]^(1/r); r < 0 makes F bind as X grows.
      const a1 = (1 - phi) * X ** rFixed
      const a2 = phi * Fq ** rFixed
      const Y = (a1 + a2) ** (1 / rFixed)
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
      const byWage = inp.fullEmployment ? inp.maxEmployed[k] : totL[k] / inp.wageFloor[k]
      employed[k] = Math.min(inp.maxEmployed[k], byWage)
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

/** AI worker-equivalents per H100e of inference at a tick (efficiency improves over time). */
export const workerEqPerH100e = (p: Derived, tick: number): number =>
  p.v["ai.workerEquivalentsPerH100e2024"] * p.v["ai.inferenceEfficiencyPerYear"] ** (tick / 12)

/** Worker-equivalents per robot at a tick (redesigns: hands, speed). */
export const workerEqPerRobot = (p: Derived, tick: number): number =>
  p.v["robots.workerEquivalents2024"] * (1 + p.v["robots.productivityGrowthPerYear"]) ** (tick / 12)

/** Edge AI chips (cars, robots) and their H100e at a tick. */
export const distributedH100e = (p: Derived, tick: number): number => {
  const chips = Math.min(
    p.v["distributed.maxChips"],
    p.v["distributed.chips2024"] * (1 + p.v["distributed.chipsGrowthPerYear"]) ** (tick / 12),
  )
  return (
    chips *
    p.v["distributed.h100ePerChip2024"] *
    (1 + p.v["distributed.perfGrowthPerYear"]) ** (tick / 12) *
    p.v["distributed.availableShare"]
  )
}

/** The newest generation in production at a tick and its share of output (ramping up). */
export const productionMix = (p: Derived, tick: number): { newest: number; share: number } => {
  let newest = 0
  for (let g = 0; g < p.gens.length; g++) if (p.gens[g].startTick <= tick) newest = g
  const share =
    newest === 0 ? 1 : Math.min(1, Math.max(0, (tick - p.gens[newest].startTick + 1) / p.v["chips.rampMonths"]))
  return { newest, share }
}

/** Drivers recorded per sector for attribution: frontier, 4 machine cost parts, K wages. */
export const NDRIVER = 5 + K

/** Machine costs per worker-year of task work (what a firm compares with a wage), and the power price. */
export interface MachineCosts {
  readonly energyPriceUsdPerMwh: number
  readonly aiChip: number
  readonly aiPower: number
  readonly robotCapital: number
  readonly robotPower: number
}

/** Data-centre power demand (GW) of the installed chips. */
export const powerDemandGw = (st: EconomyState): number => {
  let kw = 0
  for (let g = 0; g < st.chipStock.length; g++) kw += st.chipStock[g] * st.p.gens[g].kw
  return kw / 1e6
}

export const powerCapacityGw = (st: EconomyState): number => {
  let c = 0
  for (let j = 0; j < NP; j++) c += st.power[j]
  return c
}

/** Electricity price: the capacity-weighted cost of the sources, raised when chips wait for power. */
export const energyPrice = (st: EconomyState): number => {
  const v = st.p.v
  const cap = powerCapacityGw(st)
  let cost = 0
  for (let j = 0; j < NP; j++) cost += st.power[j] * v[`energy.${POWER_SOURCES[j]}.costUsdPerMwh`]
  const base = cap > 0 ? cost / cap : v["energy.grid.costUsdPerMwh"]
  const demand = powerDemandGw(st)
  return demand > cap && cap > 0 ? base * (demand / cap) ** v["energy.scarcityPriceExponent"] : base
}

export const machineCosts = (st: EconomyState, tick: number): MachineCosts => {
  const { p } = st
  const v = p.v
  const price = energyPrice(st)
  const r = v["macro.returnOnCapital"]
  const weq = workerEqPerH100e(p, tick)
  const { newest } = productionMix(p, tick)
  const kwPerH100e = p.gens[newest].kw / p.gens[newest].h100e
  const weqR = workerEqPerRobot(p, tick)
  const robotPrice = st.x[X.robotCost] * (1 + v["robots.markup"])
  return {
    energyPriceUsdPerMwh: price,
    aiChip: (st.flow[F.chipPricePerH100e] * (r + 1 / v["chips.lifetimeYears"])) / weq,
    aiPower: (kwPerH100e * (HOURS_PER_YEAR / 1000) * price) / weq,
    robotCapital: (robotPrice * (r + 1 / v["robots.lifetimeYears"])) / weqR,
    robotPower: (v["robots.powerKw"] * (HOURS_PER_YEAR / 1000) * price) / weqR,
  }
}

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
  out[offset] = st.x[X.frontierLog10]
  out[offset + 1] = c.aiChip
  out[offset + 2] = c.aiPower
  out[offset + 3] = c.robotCapital
  out[offset + 4] = c.robotPower
  for (let k = 0; k < K; k++) out[offset + 5 + k] = st.wage[k]
}

/** A sector's automation target (task-weighted) under a driver vector. */
export const sectorTarget = (p: Derived, s: number, d: ArrayLike<number>): number => {
  let t = 0
  for (let k = 0; k < K; k++) {
    const w = p.omega[s * K + k]
    if (w > 0) t += w * occupationTarget(p, k, d[0], d[1] + d[2], d[3] + d[4], d[5 + k])
  }
  return t
}

/** What the basic basket costs as a share of GDP per head (transfers are inside GDP). */
export const basketShareOf = (st: EconomyState): number => {
  const perHead = st.flow[F.gdp] / st.x[X.population]
  return (st.p.v["milestones.basicBasketUsdPerYear"] * st.flow[F.goodsPrice]) / perHead
}

const emptyFlow = () => new Float64Array(NF)

/**
 * The economy in January of the start year, calibrated: outputs match GDP, the labour share and
 * the installed base; sector TFP is solved so each sector's output equals its value share.
 *
 * @example
 * const st = initialEconomyState(loadScenario("baseline")) // st.flow[F.gdp] ~ 1.09e14
 */
export const initialEconomyState = (config: EconomyConfig): EconomyState => {
  const p = derive(config)
  const v = p.v
  const nG = p.gens.length
  const N = p.nFirms
  const L = p.nLabs
  const x = new Float64Array(NX)
  const labourForce = new Float64Array(
    OCCUPATIONS.map((o) => v["labour.forceB"] * 1e9 * v[`occupations.${o}.employmentShare`]),
  )
  const maxEmployed = labourForce.map((n) => n * (1 - v["labour.frictionalUnemployment"]))
  const auto = new Float64Array(S * K)
  for (let s = 0; s < S; s++)
    for (let k = 0; k < K; k++) auto[s * K + k] = v[`occupations.${OCCUPATIONS[k]}.automatedShare2024`]
  const chipStock = new Float64Array(nG)
  chipStock[0] = v["chips.initialStockH100e"] / p.gens[0].h100e
  const installedH100e = v["chips.initialStockH100e"]
  const aiSupply = (installedH100e * (1 - v["ai.trainingShare"]) + distributedH100e(p, 0)) * workerEqPerH100e(p, 0)
  const robotSupply = v["robots.stock2024"] * workerEqPerRobot(p, 0)
  const capital = v["macro.capitalOutputRatio"] * p.y0
  const st: EconomyState = {
    p,
    x,
    flow: emptyFlow(),
    labourForce,
    employed: new Float64Array(K),
    wage: new Float64Array(K),
    retrainPipe: new Float64Array(RING * K),
    allocL: new Float64Array(S * K),
    allocM: new Float64Array(S * K),
    allocK: new Float64Array(S),
    allocF: new Float64Array(S),
    zSector: new Float64Array(S).fill(1),
    sectorY: new Float64Array(S),
    sectorAiShare: new Float64Array(S),
    sectorAuto: auto,
    sectorCost: new Float64Array(S),
    target: new Float64Array(K),
    labBest: new Float64Array(L).fill(v["ai.frontierLog10Flop2024"]),
    labShare: new Float64Array(L).fill(1 / L),
    labNextRelease: new Float64Array(L),
    labBudget: new Float64Array(L).fill((v["ai.capex2024UsdB"] * 1e9) / L),
    labReleases: new Float64Array(L),
    labTraining: new Float64Array(L).fill(v["ai.trainingShare"]),
    chipStock,
    chipCum: new Float64Array(nG),
    fabPipe: new Float64Array(RING),
    power: new Float64Array(NP),
    powerPipe: new Float64Array(RING * NP),
    robotPipe: new Float64Array(RING),
    shiftRef: new Float64Array(S),
    driverRef: new Float64Array(S * NDRIVER),
    sectorScale: new Float64Array(S).fill(1),
    gdpHist: new Float64Array(12),
    firmSector: new Uint8Array(N),
    firmZ: new Float32Array(N).fill(1),
    firmRate: new Float32Array(N).fill(1 / v["firms.adoptionLagMonths"]),
    firmScale: new Float32Array(N).fill(1),
    firmAuto: new Float32Array(N * K),
  }
  // Frontier labs are unequal: shares fall off geometrically (the leader holds the most compute).
  let sum = 0
  for (let l = 0; l < L; l++) sum += 0.7 ** l
  for (let l = 0; l < L; l++) {
    st.labShare[l] = 0.7 ** l / sum
    st.labBest[l] = v["ai.frontierLog10Flop2024"] - 0.3 * l
    st.labNextRelease[l] = Math.round(((l + 1) * v["ai.releaseIntervalMonths"]) / (L + 1))
    st.labBudget[l] = v["ai.capex2024UsdB"] * 1e9 * st.labShare[l]
  }
  x[X.tick] = -1
  x[X.capital] = capital
  x[X.tfp] = 1
  x[X.fixedFactor] = p.y0
  x[X.population] = v["macro.populationB"] * 1e9
  x[X.algoLog10] = 0
  x[X.frontierLog10] = v["ai.frontierLog10Flop2024"]
  x[X.fabCapacity] = initialFabCapacity(v)
  x[X.robots] = v["robots.stock2024"]
  x[X.robotCum] = v["robots.stock2024"]
  x[X.robotCapacity] = v["robots.production2024"]
  x[X.robotCost] = v["robots.unitCost2024Usd"]
  x[X.agiTick] = -1
  x[X.asiTick] = -1
  x[X.postScarcityTick] = -1
  x[X.catastropheTick] = -1
  x[X.spaceFactor] = 1
  // Committed fab capacity (ordered before the start) arrives over the lead time.
  const g = Math.log(1 + v["chips.committedGrowthPerYear"]) / 12
  const lead = Math.round(v["chips.fabLeadTimeMonths"])
  for (let m = 1; m <= lead; m++) st.fabPipe[m % RING] = x[X.fabCapacity] * (Math.exp(g * m) - Math.exp(g * (m - 1)))
  st.power[0] = v["energy.aiCapacityGw2024"]
  // Data-centre power already under construction: grid connections for the committed chip growth.
  const kwNow = p.gens[0].kw
  // Only the chips already committed (the fab lead time) have power on the way, at most the grid's build rate.
  const committedMonths = Math.min(RING - 1, Math.round(v["energy.grid.leadTimeMonths"]), lead)
  for (let m = 1; m <= committedMonths; m++) {
    const gw = ((x[X.fabCapacity] * Math.exp(g * m)) / 12) * kwNow * 1e-6
    st.powerPipe[m * NP] = Math.min(gw, v["energy.grid.maxAddGwPerYear"] / 12)
  }
  // Firms: split across sectors by value share; they all start at the calibrated automation.
  let i = 0
  for (let s = 0; s < S; s++) {
    for (let n = 0; n < p.firmsPerSector[s]; n++, i++) {
      st.firmSector[i] = s
      for (let k = 0; k < K; k++) st.firmAuto[i * K + k] = auto[s * K + k]
    }
  }
  // Calibration: the allocation does not depend on sector TFP at the start (X = F), so solve it
  // first, then set each sector's TFP so its output equals its value share of GDP.
  for (let s = 0; s < S; s++) {
    st.allocK[s] = capital * p.beta[s]
    st.allocF[s] = p.y0 * p.beta[s]
    for (let k = 0; k < K; k++) {
      st.allocL[s * K + k] = (maxEmployed[k] * p.beta[s] * p.omega[s * K + k]) / Math.max(1e-12, sumCol(p, k))
      st.allocM[s * K + k] = 1
    }
  }
  const inputs = {
    auto,
    zSector: st.zSector,
    capital,
    fixed: p.y0,
    maxEmployed,
    wageFloor: maxEmployed,
    aiSupply,
    robotSupply,
    fullEmployment: true,
  }
  const outputs = {
    payL: new Float64Array(S * K),
    payM: new Float64Array(S * K),
    allocL: st.allocL,
    allocM: st.allocM,
    allocK: st.allocK,
    allocF: st.allocF,
    sectorY: st.sectorY,
    sectorAiShare: st.sectorAiShare,
    employed: st.employed,
    wage: st.wage,
  }
  // Six rounds of rescaling sector TFP, then the solve the starting state keeps.
  for (let round = 0; round < 6; round++) {
    solveMarkets(p, inputs, outputs, 20)
    for (let s = 0; s < S; s++) if (p.beta[s] > 0) st.zSector[s] *= (p.beta[s] * p.y0) / st.sectorY[s]
  }
  const solved = solveMarkets(p, inputs, outputs, 20)
  st.flow[F.gdp] = solved.gdp
  st.flow[F.wages] = solved.wages
  st.flow[F.aiShare] = solved.aiShare
  st.flow[F.labourShare] = solved.wages / solved.gdp
  st.flow[F.goodsPrice] = 1
  st.flow[F.aiPricePerWorkerYear] = solved.aiRevenue / aiSupply
  st.flow[F.robotPricePerWorkerYear] = solved.robotRevenue / robotSupply
  st.flow[F.energyPriceUsdPerMwh] = v["energy.grid.costUsdPerMwh"]
  st.flow[F.poweredShare] = 1
  st.flow[F.chipPricePerH100e] = p.gens[0].priceUsd / p.gens[0].h100e
  st.flow[F.fundingUsd] = v["ai.capex2024UsdB"] * 1e9
  st.flow[F.robotPriceUsd] = v["robots.unitCost2024Usd"] * (1 + v["robots.markup"])
  st.flow[F.employedTotal] = st.employed.reduce((a, b) => a + b, 0)
  st.gdpHist.fill(solved.gdp)
  const c = machineCosts(st, 0)
  for (let s = 0; s < S; s++) {
    st.shiftRef[s] = p.beta[s] * st.sectorAiShare[s]
    writeDrivers(st, c, st.driverRef, s * NDRIVER)
  }
  for (let k = 0; k < K; k++)
    st.target[k] = occupationTarget(
      p,
      k,
      x[X.frontierLog10],
      c.aiChip + c.aiPower,
      c.robotCapital + c.robotPower,
      st.wage[k],
    )
  return st
}

const sumCol = (p: Derived, k: number): number => {
  let s = 0
  for (let j = 0; j < S; j++) s += p.beta[j] * p.omega[j * K + k]
  return s
}

/** January capacity such that a year of committed growth makes the calibrated 2024 output. */
export const initialFabCapacity = (v: Readonly<Record<string, number>>): number => {
  const g = Math.log(1 + v["chips.committedGrowthPerYear"])
  // Monthly output C0/12 * e^(g m/12) for m = 0..11 sums to the 2024 figure.
  return g > 0
    ? (12 * v["chips.production2024Units"] * (Math.exp(g / 12) - 1)) / (Math.exp(g) - 1)
    : v["chips.production2024Units"]
}

const ARRAY_KEYS = [
  "x",
  "flow",
  "labourForce",
  "employed",
  "wage",
  "retrainPipe",
  "allocL",
  "allocM",
  "allocK",
  "allocF",
  "zSector",
  "sectorY",
  "sectorAiShare",
  "sectorAuto",
  "sectorCost",
  "target",
  "labBest",
  "labShare",
  "labNextRelease",
  "labBudget",
  "labReleases",
  "labTraining",
  "chipStock",
  "chipCum",
  "fabPipe",
  "power",
  "powerPipe",
  "robotPipe",
  "shiftRef",
  "driverRef",
  "sectorScale",
  "gdpHist",
  "firmSector",
  "firmZ",
  "firmRate",
  "firmScale",
  "firmAuto",
] as const

/** The deterministic JSON form (base64 typed arrays) hashed in seals and stored in snapshots. */
export const encodeEconomyState = (st: EconomyState): unknown => {
  const out: Record<string, string> = {}
  for (const k of ARRAY_KEYS) out[k] = columnToBase64(st[k])
  return out
}

export const decodeEconomyState = (json: unknown, config: EconomyConfig): EconomyState => {
  const st = initialEconomyState(config) as unknown as Record<string, unknown>
  const j = json as Record<string, string>
  for (const k of ARRAY_KEYS) {
    const cur = st[k] as Float64Array
    const ctor = cur.constructor as unknown as Parameters<typeof columnFromBase64>[0]
    const arr = columnFromBase64(ctor, j[k]) as unknown as Float64Array
    if (arr.length !== cur.length) throw new Error(`state.${k}: expected ${cur.length} values, got ${arr.length}`)
    cur.set(arr)
  }
  return st as unknown as EconomyState
}
