import type { ParamPath } from "../params.js"
import type { EconomyConfig } from "../scenario/config.js"
import { NDRIVER, occupationTarget, writeDrivers } from "./automation.js"
import { distributedH100e } from "../mechanisms/distributed.js"
import { initialWealthShares } from "../mechanisms/households.js"
import { initialMaterials } from "../mechanisms/materials.js"
import { capitalSplit } from "../mechanisms/tasks.js"
import {
  dataCentreDemandGw,
  HOURS_PER_YEAR,
  labRevenueUsd,
  machineCosts,
  workerEqPerH100e,
  workerEqPerRobot,
} from "./costs.js"
import { type Derived, derive } from "./derive.js"
import { solveMarkets } from "./markets.js"
import { restPowerGw2024 } from "./power.js"
import { FOUNDRIES, K, NFD, NM, NMK, NMU, NP, NU, OCCUPATIONS, POWER, ROBOT_MAKERS, S, USER } from "./sets.js"
import { DECILES, type EconomyState, F, FL, NF, NHH, NML, NMKT, NFL, NX, RING, X } from "./state.js"

/**
 * Calibration at the start (docs/model.md, "Calibration"): the January state reproduces world GDP,
 * the labour share, the labour force and the installed chips, robots and power. The allocation at
 * the start does not depend on sector TFP (X = F), so it is solved first; then each sector's TFP
 * z_s is rescaled until its output equals its value share of GDP, beta_s x Y0.
 */

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
  const capital = v["macro.capitalOutputRatio"] * p.y0
  // In the one-sector special case machines are part of the capital stock (`mechanisms/tasks.ts`).
  const split =
    v["tasks.machinesFromCapital"] === 1 ? capitalSplit(p, capital, { capital: 0, ai: 0, robot: 0 }) : undefined
  // At least one worker-equivalent of each, as in the markets: an empty fleet still has a price.
  const aiSupply =
    split?.aiSupply ??
    Math.max(1, (installedH100e * (1 - v["ai.trainingShare"]) + distributedH100e(p, 0)) * workerEqPerH100e(p, 0))
  const robotSupply = split?.robotSupply ?? Math.max(1, v["robots.stock2024"] * workerEqPerRobot(p, 0))
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
    foundryFab: new Float64Array(NFD),
    foundryPack: new Float64Array(NFD),
    foundryFabPipe: new Float64Array(RING * NFD),
    foundryPackPipe: new Float64Array(RING * NFD),
    foundryCum: new Float64Array(NFD),
    foundryCash: new Float64Array(NFD),
    foundryLost: new Float64Array(NFD),
    foundryStatus: new Uint8Array(NFD),
    foundryWeak: new Float64Array(NFD),
    foundryLast: new Float64Array(NFD * NFL),
    power: new Float64Array(NP),
    powerPipe: new Float64Array(RING * NP),
    powerDemandGw: new Float64Array(NU),
    powerServedGw: new Float64Array(NU),
    makerCap: new Float64Array(NMK),
    makerPipe: new Float64Array(RING * NMK),
    makerCum: new Float64Array(NMK),
    makerGen: new Float64Array(NMK),
    makerCapability: new Float64Array(NMK),
    makerCostFactor: new Float64Array(NMK).fill(1),
    makerStatus: new Uint8Array(NMK),
    makerWeak: new Float64Array(NMK),
    makerLast: new Float64Array(NMK * NML),
    supplyMarket: new Float64Array(NMKT),
    matCapacity: new Float64Array(NM),
    matPipe: new Float64Array(RING * NM),
    matCum: new Float64Array(NM),
    matBudget: new Float64Array(NMU * NM),
    matDemand: new Float64Array(NMU * NM),
    matUsed: new Float64Array(NMU * NM),
    matUsedBudget: new Float64Array(NMU * NM),
    matProduced: new Float64Array(NM),
    matPlanetaryBound: new Float64Array(NM),
    matClearingUsdPerT: new Float64Array(NM),
    matPowerRef: new Float64Array(NP),
    offworldMat: new Float64Array(NM),
    spacePipe: new Float64Array(RING * (1 + NM)),
    shiftRef: new Float64Array(S),
    driverRef: new Float64Array(S * NDRIVER),
    sectorScale: new Float64Array(S).fill(1),
    gdpHist: new Float64Array(12),
    firmSector: new Uint8Array(N),
    firmZ: new Float32Array(N).fill(1),
    firmRate: new Float32Array(N).fill(1 / v["firms.adoptionLagMonths"]),
    firmScale: new Float32Array(N).fill(1),
    firmAuto: new Float32Array(N * K),
    newTaskShare: new Float64Array(K),
    sectorDemand: new Float64Array(S),
    demandRef: new Float64Array(S),
    sectorValueShare: Float64Array.from(p.beta),
    hhWealthShare: initialWealthShares(p),
    hhFlow: new Float64Array(DECILES * NHH),
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
  initialSuppliers(st, x[X.fabCapacity], g, lead)
  // One power system: the grid serves the rest of the economy, robots, factories and the AI data
  // centres (with their headroom), plus the reserve held for peaks and outages.
  const reserve = 1 + v["energy.reserveShare"]
  const restGw = restPowerGw2024(p)
  const robotGw = (v["robots.stock2024"] * v["robots.powerKw"]) / 1e6
  const factoryGw =
    (v["chips.production2024Units"] * v["chips.fabMwhPerUnit"] +
      v["robots.production2024"] * v["robots.factoryMwhPerRobot"]) /
    (HOURS_PER_YEAR * 1000)
  st.power[POWER.grid] = (restGw + robotGw + factoryGw + v["energy.aiCapacityGw2024"]) * reserve
  st.powerDemandGw[USER.dataCentres] = dataCentreDemandGw(st)
  st.powerDemandGw[USER.robots] = robotGw
  st.powerDemandGw[USER.factories] = factoryGw
  st.powerDemandGw[USER.rest] = restGw
  st.powerServedGw.set(st.powerDemandGw)
  const gridLead = Math.min(RING - 1, Math.round(v["energy.grid.leadTimeMonths"]))
  // Plants under construction: the rest of the economy's growth at the 2024 rate, over the grid's lead time.
  const restAddGw = (restGw * v["macro.realGrowth2024"] * v["energy.restElasticity"] * reserve) / 12
  for (let m = 1; m <= gridLead; m++) st.powerPipe[m * NP + POWER.grid] = restAddGw
  // Data-centre power already under construction: grid connections for the committed chip growth.
  const kwNow = p.gens[0].kw
  // Only the chips already committed (the fab lead time) have power on the way, at most the grid's build rate.
  const committedMonths = Math.min(gridLead, lead)
  for (let m = 1; m <= committedMonths; m++) {
    const gw = ((x[X.fabCapacity] * Math.exp(g * m)) / 12) * kwNow * 1e-6
    st.powerPipe[m * NP + POWER.grid] += Math.min(gw, v["energy.grid.maxAddGwPerYear"] / 12)
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
    capital: split?.traditional ?? capital,
    fixed: p.y0,
    maxEmployed,
    wageFloor: maxEmployed,
    aiSupply,
    robotSupply,
    fullEmployment: true,
  }
  const outputs = {
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
  st.flow[F.robotPricePerWorkerYear] = solved.robotRevenue / robotSupply
  st.flow[F.energyPriceUsdPerMwh] = v["energy.grid.costUsdPerMwh"]
  st.flow[F.poweredShare] = 1
  st.flow[F.investment] = v["macro.savingRate"] * solved.gdp
  st.flow[F.chipPricePerH100e] = p.gens[0].priceUsd / p.gens[0].h100e
  st.flow[F.fundingUsd] = v["ai.capex2024UsdB"] * 1e9
  st.flow[F.robotPriceUsd] = v["robots.unitCost2024Usd"] * (1 + v["robots.markup"])
  st.flow[F.employedTotal] = st.employed.reduce((a, b) => a + b, 0)
  st.gdpHist.fill(solved.gdp)
  // Materials: 2024 capacity and the first month's budgets; launches: the 2024 launch market.
  initialMaterials(st)
  x[X.launchCumT] = v["space.cumulativeMass2024T"]
  x[X.launchCapacityTpy] = v["space.launchMass2024T"]
  const c = machineCosts(st, 0)
  st.flow[F.aiPricePerWorkerYear] = labRevenueUsd(p, solved.aiRevenue, aiSupply, c.aiChip + c.aiPower) / aiSupply
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

/**
 * The suppliers in January: each foundry's share of the calibrated output (wafers at its yield,
 * packaging at its ratio) with the committed growth on order over the lead time, and each robot
 * maker's share of 2024 output and stock. Entrants wait for their entry year.
 */
const initialSuppliers = (st: EconomyState, capacity: number, g: number, lead: number): void => {
  const v = st.p.v
  const budget = v["ai.capex2024UsdB"] * 1e9
  // Shares are of the suppliers already in the market, normalised to sum to one.
  const inMarket = (year: number) => year <= st.p.startYear
  let fShares = 0
  for (const f of FOUNDRIES) if (inMarket(v[`foundries.${f}.entryYear`])) fShares += v[`foundries.${f}.share2024`]
  let mShares = 0
  for (const m of ROBOT_MAKERS)
    if (inMarket(v[`robotMakers.${m}.entryYear`])) mShares += v[`robotMakers.${m}.share2024`]
  for (let i = 0; i < NFD; i++) {
    const f = FOUNDRIES[i]
    if (!inMarket(v[`foundries.${f}.entryYear`])) continue
    const share = fShares > 0 ? v[`foundries.${f}.share2024`] / fShares : 0
    st.foundryStatus[i] = 1
    const good = share * capacity
    st.foundryFab[i] = good / v[`foundries.${f}.yield2024`]
    st.foundryPack[i] = good * v[`foundries.${f}.packagingRatio2024`]
    for (let m = 1; m <= lead; m++) {
      const add = Math.exp(g * m) - Math.exp(g * (m - 1))
      st.foundryFabPipe[(m % RING) * NFD + i] = st.foundryFab[i] * add
      st.foundryPackPipe[(m % RING) * NFD + i] = st.foundryPack[i] * add
    }
    // Standing contracts at the start follow the 2024 shares of output.
    st.foundryLast[i * NFL + FL.spend] = (share * budget) / 12
  }
  for (let i = 0; i < NMK; i++) {
    const m = ROBOT_MAKERS[i]
    st.makerCapability[i] = v[`robotMakers.${m}.capability2024`]
    if (!inMarket(v[`robotMakers.${m}.entryYear`])) continue
    const share = mShares > 0 ? v[`robotMakers.${m}.share2024`] / mShares : 0
    st.makerStatus[i] = 1
    st.makerCap[i] = share * v["robots.production2024"]
    st.makerCum[i] = share * v["robots.stock2024"]
  }
}

const sumCol = (p: Derived, k: number): number => {
  let s = 0
  for (let j = 0; j < S; j++) s += p.beta[j] * p.omega[j * K + k]
  return s
}

/** January capacity such that a year of committed growth makes the calibrated 2024 output. */
export const initialFabCapacity = (v: Readonly<Record<ParamPath, number>>): number => {
  const g = Math.log(1 + v["chips.committedGrowthPerYear"])
  // Monthly output C0/12 * e^(g m/12) for m = 0..11 sums to the 2024 figure.
  return g > 0
    ? (12 * v["chips.production2024Units"] * (Math.exp(g / 12) - 1)) / (Math.exp(g) - 1)
    : v["chips.production2024Units"]
}
