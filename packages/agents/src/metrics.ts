import type { MetricInfo } from "@takeoff/protocol"
import {
  basketCostUsd,
  HOUSEHOLD_METRICS,
  householdMetrics,
  leastIncomeWithoutWork,
} from "./economy/household-readings.js"
import { launchCostUsdPerKg } from "./mechanisms/space.js"
import { OCCUPATIONS } from "./params.js"
import { SUPPLIER_METRICS, supplierMetrics } from "./supplier-metrics.js"
import type { EconomyConfig } from "./scenario.js"
import {
  addSlots,
  basketShareOf,
  type EconomyState,
  F,
  HOURS_PER_YEAR,
  K,
  MATERIAL_USERS,
  NM,
  NMU,
  NU,
  POWER_USERS,
  powerCapacityGw,
  productionMix,
  TOKENS_PER_H100E_HOUR_2024,
  USER,
  workerEqPerH100e,
  workerEqPerRobot,
  X,
} from "./state.js"

export type { MetricInfo }

/** The physical constraints charted over time: 1 in a month the constraint binds, else 0. */
const BINDING = ["power", "materials", "planetaryPower", "planetaryMaterials"] as const
const BINDING_LABEL: Readonly<Record<(typeof BINDING)[number], string>> = {
  power: "power short for a user",
  materials: "materials short for a user",
  planetaryPower: "Earth's power budget",
  planetaryMaterials: "Earth's materials budget",
}

/**
 * Every metric the economy publishes each tick, in a stable order.
 *
 * @example
 * METRICS.find((m) => m.key === "aiShare") // { key: "aiShare", label: "AI share of GDP", unit: "fraction" }
 */
export const METRICS: ReadonlyArray<MetricInfo> = [
  { key: "gdpUsd", label: "World GDP", unit: "USD/yr (2023 prices)", log: true },
  { key: "gdpGrowth", label: "GDP growth", unit: "fraction/yr" },
  { key: "gdpPerHeadUsd", label: "GDP per head", unit: "USD/yr", log: true },
  { key: "aiShare", label: "AI share of GDP", unit: "fraction" },
  { key: "labourShare", label: "Labour share", unit: "fraction" },
  { key: "unemploymentRate", label: "Unemployment", unit: "fraction" },
  { key: "labourForce", label: "Labour force", unit: "people", log: true },
  { key: "employment", label: "Employment", unit: "people", log: true },
  ...OCCUPATIONS.flatMap((o): MetricInfo[] => [
    { key: `wage.${o}`, label: `Wage: ${o}`, unit: "USD/yr" },
    { key: `employment.${o}`, label: `Employment: ${o}`, unit: "people" },
  ]),
  { key: "meanWageUsd", label: "Mean wage", unit: "USD/yr" },
  { key: "installedFlops", label: "Installed AI compute", unit: "FLOP/s", log: true },
  { key: "installedH100e", label: "Installed AI chips", unit: "H100e", log: true },
  { key: "chipsMadePerYear", label: "Chips made", unit: "chips/yr", log: true },
  { key: "powerUsedGw", label: "AI power used", unit: "GW", log: true },
  { key: "poweredShare", label: "Chips powered", unit: "fraction" },
  ...POWER_USERS.map(
    (u): MetricInfo => ({ key: `electricityTwh.${u}`, label: `Electricity: ${u}`, unit: "TWh/yr", log: true }),
  ),
  { key: "electricityTwh", label: "Electricity used", unit: "TWh/yr", log: true },
  { key: "electricityTw", label: "Electricity used (average power)", unit: "TW", log: true },
  { key: "powerCapacityGw", label: "Power capacity", unit: "GW", log: true },
  { key: "robotPowerGw", label: "Robot power", unit: "GW", log: true },
  { key: "electricityPerHeadKwh", label: "Electricity per head", unit: "kWh/yr", log: true },
  ...MATERIAL_USERS.map(
    (u): MetricInfo => ({ key: `materialsGt.${u}`, label: `Materials: ${u}`, unit: "Gt/yr", log: true }),
  ),
  { key: "materialsGt", label: "Materials used", unit: "Gt/yr", log: true },
  { key: "extractionCapacityGt", label: "Extraction capacity (Earth and off-world)", unit: "Gt/yr", log: true },
  { key: "offworldMaterialsGt", label: "Off-world extraction capacity", unit: "Gt/yr", log: true },
  { key: "offworldPowerGw", label: "Off-world power", unit: "GW", log: true },
  { key: "launchCostUsdPerKg", label: "Launch cost", unit: "USD/kg", log: true },
  ...BINDING.map((b): MetricInfo => ({ key: `binds.${b}`, label: `Binds: ${BINDING_LABEL[b]}`, unit: "0/1" })),
  { key: "robotsInUse", label: "Robots in use", unit: "robots", log: true },
  { key: "robotsBuiltPerYear", label: "Robots built", unit: "robots/yr", log: true },
  { key: "chipPriceUsd", label: "Chip price (newest generation)", unit: "USD", log: true },
  { key: "chipPricePerH100eUsd", label: "Chip price per H100e", unit: "USD", log: true },
  { key: "inferencePricePerMTokUsd", label: "Inference price", unit: "USD per million tokens", log: true },
  { key: "robotHourPriceUsd", label: "Robot-hour price", unit: "USD/h", log: true },
  { key: "robotPriceUsd", label: "Robot price", unit: "USD", log: true },
  { key: "electricityPriceUsdPerMwh", label: "Electricity price", unit: "USD/MWh" },
  { key: "goodsPriceIndex", label: "Goods basket price", unit: "index (2024 = 1)", log: true },
  { key: "postScarcityIndex", label: "Post-scarcity index (basket without work)", unit: "0..1" },
  { key: "basketShareOfIncome", label: "Basic basket / income per head", unit: "fraction", log: true },
  { key: "frontierLog10Flop", label: "Frontier model", unit: "log10 effective FLOP" },
  { key: "aiRevenueUsd", label: "AI revenue", unit: "USD/yr", log: true },
  { key: "robotRevenueUsd", label: "Robot revenue", unit: "USD/yr", log: true },
  { key: "aiFundingUsd", label: "AI chip funding", unit: "USD/yr", log: true },
  { key: "ubiPerHeadUsd", label: "Basic income", unit: "USD/yr per head" },
  { key: "workerIncomeUsd", label: "Income of a labour-force member", unit: "USD/yr" },
  { key: "householdCapitalIncomeShare", label: "Capital income share of households", unit: "fraction" },
  { key: "consumptionUsd", label: "Consumption", unit: "USD/yr", log: true },
  { key: "investmentUsd", label: "Investment", unit: "USD/yr", log: true },
  { key: "researchMultiplier", label: "AI research speed-up", unit: "x" },
  { key: "firmFailuresPerYear", label: "Firm failures", unit: "firms/yr" },
  ...HOUSEHOLD_METRICS,
  { key: "h100eHourPriceUsd", label: "H100e-hour price (inference)", unit: "USD/h" },
  { key: "algorithmsLog10", label: "Algorithmic efficiency over 2024", unit: "log10 x" },
  ...SUPPLIER_METRICS,
]

/**
 * The metrics of the state after a tick (a projection: reads state, changes nothing).
 *
 * @example
 * const m = computeMetrics(sim.state, config) // m.aiShare, m.gdpUsd, ...
 */
export const computeMetrics = (st: EconomyState, _config?: EconomyConfig): Record<string, number> => {
  const { p, x, flow } = st
  const tick = Math.max(0, x[X.tick])
  let h100e = 0
  for (let g = 0; g < st.chipStock.length; g++) h100e += st.chipStock[g] * p.gens[g].h100e
  let labourForce = 0
  let employed = 0
  let wageBill = 0
  const m: Record<string, number> = {}
  for (let k = 0; k < K; k++) {
    labourForce += st.labourForce[k]
    employed += st.employed[k]
    wageBill += st.wage[k] * st.employed[k]
  }
  const gdp = flow[F.gdp]
  const past = st.gdpHist[(tick + 1) % 12]
  const { newest } = productionMix(p, tick)
  const pricePerH100eHour = (flow[F.aiPricePerWorkerYear] * workerEqPerH100e(p, tick)) / HOURS_PER_YEAR
  const tokensPerHour = TOKENS_PER_H100E_HOUR_2024 * p.v["ai.inferenceEfficiencyPerYear"] ** (tick / 12)
  const basket = basketShareOf(st)
  m.gdpUsd = gdp
  m.gdpGrowth = past > 0 && tick >= 11 ? (gdp / past) ** (12 / 11) - 1 : p.v["macro.realGrowth2024"]
  m.gdpPerHeadUsd = gdp / x[X.population]
  m.aiShare = flow[F.aiShare]
  m.labourShare = flow[F.labourShare]
  m.unemploymentRate = labourForce > 0 ? 1 - employed / (labourForce + x[X.retraining]) : 0
  m.labourForce = labourForce + x[X.retraining]
  m.employment = employed
  for (let k = 0; k < K; k++) {
    m[`wage.${OCCUPATIONS[k]}`] = st.wage[k]
    m[`employment.${OCCUPATIONS[k]}`] = st.employed[k]
  }
  m.meanWageUsd = employed > 0 ? wageBill / employed : 0
  m.installedFlops = h100e * p.v["chips.h100FlopPerSec"]
  m.installedH100e = h100e
  m.chipsMadePerYear = flow[F.chipsMadeUnits] * 12
  m.powerUsedGw = st.powerServedGw[USER.dataCentres]
  m.poweredShare = flow[F.poweredShare]
  let servedGw = 0
  for (let u = 0; u < NU; u++) {
    m[`electricityTwh.${POWER_USERS[u]}`] = (st.powerServedGw[u] * HOURS_PER_YEAR) / 1000
    servedGw += st.powerServedGw[u]
  }
  m.electricityTwh = (servedGw * HOURS_PER_YEAR) / 1000
  m.electricityTw = servedGw / 1000
  m.powerCapacityGw = powerCapacityGw(st)
  m.robotPowerGw = st.powerServedGw[USER.robots]
  m.electricityPerHeadKwh = (servedGw * 1e6 * HOURS_PER_YEAR) / x[X.population]
  physicalMetrics(st, m)
  m.robotsInUse = x[X.robots]
  m.robotsBuiltPerYear = flow[F.robotsBuilt]
  m.chipPriceUsd = flow[F.chipPricePerH100e] * p.gens[newest].h100e
  m.chipPricePerH100eUsd = flow[F.chipPricePerH100e]
  m.inferencePricePerMTokUsd = pricePerH100eHour / (tokensPerHour / 1e6)
  m.robotHourPriceUsd = (flow[F.robotPricePerWorkerYear] * workerEqPerRobot(p, tick)) / HOURS_PER_YEAR
  m.robotPriceUsd = flow[F.robotPriceUsd]
  m.electricityPriceUsdPerMwh = flow[F.energyPriceUsdPerMwh]
  m.goodsPriceIndex = flow[F.goodsPrice]
  m.basketShareOfIncome = basket
  // The quantity PostScarcityReached tests each month: 1 when every decile buys the basket without work.
  const basketUsd = basketCostUsd(st)
  m.postScarcityIndex = basketUsd > 0 ? Math.min(1, Math.max(0, leastIncomeWithoutWork(st) / basketUsd)) : 0
  m.frontierLog10Flop = x[X.frontierLog10]
  m.aiRevenueUsd = flow[F.aiRevenue]
  m.robotRevenueUsd = flow[F.robotRevenue]
  m.aiFundingUsd = flow[F.fundingUsd]
  m.ubiPerHeadUsd = flow[F.ubiPerHead]
  // What a member of the labour force receives on average: wage x chance of a job, plus the basic income.
  m.workerIncomeUsd = (labourForce > 0 ? wageBill / (labourForce + x[X.retraining]) : 0) + flow[F.ubiPerHead]
  m.householdCapitalIncomeShare = gdp > 0 ? flow[F.capitalIncomeHouseholds] / gdp : 0
  m.consumptionUsd = flow[F.consumption]
  m.investmentUsd = flow[F.investment]
  m.researchMultiplier = flow[F.researchMultiplier]
  m.firmFailuresPerYear = flow[F.firmFailures]
  householdMetrics(st, basketUsd, m)
  // What an H100e-hour of inference sells for: the figure GPU rental indices quote.
  m.h100eHourPriceUsd = pricePerH100eHour
  // Effective FLOP = physical FLOP x 10^this, so physical frontier compute is frontierLog10Flop minus it.
  m.algorithmsLog10 = x[X.algoLog10]
  supplierMetrics(st, m)
  return m
}

/** Materials use (Gt/yr, by user), extraction capacity, space and the binding constraints of the state. */
const physicalMetrics = (st: EconomyState, m: Record<string, number>): void => {
  const { p, x } = st
  let total = 0
  for (let u = 0; u < NMU; u++) {
    let t = 0
    for (let c = 0; c < NM; c++) t += st.matUsed[u * NM + c]
    m[`materialsGt.${MATERIAL_USERS[u]}`] = (t * 12) / 1e9
    total += t
  }
  m.materialsGt = (total * 12) / 1e9
  let capacity = 0
  let offworld = 0
  let short = 0
  let bound = 0
  for (let c = 0; c < NM; c++) {
    capacity += st.matCapacity[c] + st.offworldMat[c]
    offworld += st.offworldMat[c]
    bound = Math.max(bound, st.matPlanetaryBound[c])
  }
  for (let i = 0; i < NMU * NM; i++) if (st.matBudget[i] < st.matDemand[i] * (1 - 1e-9)) short = 1
  m.extractionCapacityGt = capacity / 1e9
  m.offworldMaterialsGt = offworld / 1e9
  m.offworldPowerGw = x[X.offworldPowerGw]
  const v = p.v
  m.launchCostUsdPerKg = launchCostUsdPerKg(st)
  let dark = 0
  for (let u = 0; u < NU; u++) if (st.powerServedGw[u] < st.powerDemandGw[u] * (1 - 1e-9)) dark = 1
  let earthGw = 0
  for (let j = 0; j < st.power.length; j++) earthGw += st.power[j]
  earthGw = addSlots(earthGw, st.powerPipe, 0, st.powerPipe.length, 1)
  m["binds.power"] = dark
  m["binds.materials"] = short
  m["binds.planetaryPower"] = earthGw >= v["energy.planetaryCapacityTw"] * 1000 * (1 - 1e-6) ? 1 : 0
  m["binds.planetaryMaterials"] = bound
}
