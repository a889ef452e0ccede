import type { Derived } from "./derive.js"

/**
 * The state layout: every per-agent quantity is a typed array, every scalar a slot of `x`, every
 * flow of the last tick a slot of `flow`. Mechanisms read and (in their reducers) write these; the
 * encoding (`encoding.ts`) hashes and snapshots them.
 */

/**
 * Months of look-ahead the pipelines (fabs, power, robot factories, retraining) can hold: larger
 * than the longest lead time the parameter bounds allow (tested in agents.test.ts).
 */
export const RING = 256

/**
 * `sum` plus `count` slots of a pipeline ring (`start`, `start + step`, ...), added in index order.
 * Empty slots are skipped: x + 0 is x for every x but -0, so the result has the same bits as adding
 * every slot, and most of a 256-month ring is empty (a sum that waited on one addition per slot was
 * a tenth of a sweep run).
 *
 * @example
 * const pipelineGw = addSlots(0, st.powerPipe, 0, RING * NP, 1)
 */
export const addSlots = (sum: number, ring: Float64Array, start: number, count: number, step: number): number => {
  const end = start + count * step
  // A local known to be a number stays an unboxed double in the loop (a parameter is boxed on every addition).
  let acc = +sum
  // -0 + 0 is +0: a sum that starts at -0 adds every slot (past its first addition it cannot be -0 again).
  if (Object.is(acc, -0)) {
    for (let i = start; i < end; i += step) acc += ring[i]
    return acc
  }
  for (let i = start; i < end; i += step) {
    const x = ring[i]
    if (x !== 0) acc += x
  }
  return acc
}

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
  /** H100e of on-board computers sold to robot makers this month. */
  robotChipH100e: 50,
  /** Price (USD/MWh) that cleared the last power dispatch; 0 when nothing was short. */
  powerClearingPrice: 51,
} as const
export const NF = 52

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
  /** Per foundry (`FOUNDRIES`): wafer capacity (accelerators a year at full yield), packaging capacity (a year). */
  readonly foundryFab: Float64Array
  readonly foundryPack: Float64Array
  /** Per foundry: fab and packaging capacity on order, `RING` slots of `NFD`. */
  readonly foundryFabPipe: Float64Array
  readonly foundryPackPipe: Float64Array
  /** Per foundry: cumulative good accelerators made (its learning curve), cash (USD), share of output lost to an outage. */
  readonly foundryCum: Float64Array
  readonly foundryCash: Float64Array
  readonly foundryLost: Float64Array
  /** Per foundry: 0 not yet entered, 1 in the market, 2 exited; months in a row below the exit share. */
  readonly foundryStatus: Uint8Array
  readonly foundryWeak: Float64Array
  /** Per foundry, the last clearing (`FL` slots each): units, H100e to labs and robots, price, cost, spend, shares. */
  readonly foundryLast: Float64Array
  readonly power: Float64Array
  readonly powerPipe: Float64Array
  /** Last dispatch: power each user asked for and was served (GW, by `POWER_USERS`). */
  readonly powerDemandGw: Float64Array
  readonly powerServedGw: Float64Array
  /** Per robot maker (`ROBOT_MAKERS`): factory capacity (robots/yr), capacity on order (`RING` x `NMK`). */
  readonly makerCap: Float64Array
  readonly makerPipe: Float64Array
  /** Per maker: cumulative robots made, design generation, capability index, cost factor of redesigns. */
  readonly makerCum: Float64Array
  readonly makerGen: Float64Array
  readonly makerCapability: Float64Array
  readonly makerCostFactor: Float64Array
  /** Per maker: 0 not yet entered, 1 in the market, 2 exited; months in a row below the exit share. */
  readonly makerStatus: Uint8Array
  readonly makerWeak: Float64Array
  /** Per maker, the last month's sales (`ML` slots each): units, price, unit cost, market share, buyers' share. */
  readonly makerLast: Float64Array
  /** The last supplier clearings as a whole (`MKT` slots): what held chips and robots, value over cost. */
  readonly supplyMarket: Float64Array
  /** Extraction and refining capacity on Earth (t/yr, by `MATERIALS`). */
  readonly matCapacity: Float64Array
  /** Extraction capacity on order, `NM` slots per month. */
  readonly matPipe: Float64Array
  /** Earth's cumulative extraction since 2024 (t, by material): depletes the accessible resource. */
  readonly matCum: Float64Array
  /** Materials each user may draw this month (t/month, user x material), allotted at the last dispatch. */
  readonly matBudget: Float64Array
  /** What each user asked for at the last dispatch (t/month, user x material). */
  readonly matDemand: Float64Array
  /** What each user drew last month (t/month, user x material), and the budget it drew against. */
  readonly matUsed: Float64Array
  readonly matUsedBudget: Float64Array
  /** What the last month's capacity produced (t/month, by material), Earth and off-world. */
  readonly matProduced: Float64Array
  /** Per material: 1 when Earth's planetary budget capped capacity at the last dispatch. */
  readonly matPlanetaryBound: Float64Array
  /** Per material: the value per tonne of the last user left short (0 when none was short). */
  readonly matClearingUsdPerT: Float64Array
  /** Power capacity and extraction capacity ordered per source, at the end of the last dispatch (GW). */
  readonly matPowerRef: Float64Array
  /** Off-world extraction capacity in use (t/yr, by material) and on order (`NM` slots per month). */
  readonly offworldMat: Float64Array
  readonly spacePipe: Float64Array
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
  /** Per occupation, the share of its tasks that are new and not yet automatable (`mechanisms/tasks.ts`). */
  readonly newTaskShare: Float64Array
  /** Each sector's share of last month's spending (consumption and investment; `mechanisms/demand.ts`). */
  readonly sectorDemand: Float64Array
  /** The spending shares of the first month, against which demand moves the value shares. */
  readonly demandRef: Float64Array
  /** The value shares the markets cleared against this month. */
  readonly sectorValueShare: Float64Array
  /** Each income decile's share of the owners' wealth (sums to 1; `mechanisms/households.ts`). */
  readonly hhWealthShare: Float64Array
  /** Each decile's flows of the last tick, `HH` slots per decile (annualised USD, the decile's total). */
  readonly hhFlow: Float64Array
}

/** Slots of `foundryLast` per foundry. */
export const FL = {
  units: 0,
  labH100e: 1,
  robotH100e: 2,
  price: 3,
  cost: 4,
  spend: 5,
  unitShare: 6,
  buyerShare: 7,
  available: 8,
  capacity: 9,
} as const
export const NFL = 10
/** Slots of `makerLast` per robot maker. */
export const ML = { units: 0, price: 1, cost: 2, unitShare: 3, buyerShare: 4 } as const
export const NML = 5
/** Slots of `supplyMarket`: the codes of what held chips and robots (index into their limit lists), robot value/cost. */
export const MKT = { chipLimit: 0, robotLimit: 1, robotValueToCost: 2, robotWanted: 3 } as const
export const NMKT = 4

/** Income groups: deciles of people. */
export const DECILES = 10
/** Slots of `hhFlow` per decile. */
export const HH = { labour: 0, capital: 1, transfer: 2, consumption: 3, saving: 4 } as const
export const NHH = 5

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
  /** Months in a row the poorest decile's income without wages has covered the basic basket. */
  basketStreak: 20,
  /** Mass launched to orbit since the start of spaceflight (t): drives the launch learning curve. */
  launchCumT: 21,
  /** Launch capacity (t/yr). */
  launchCapacityTpy: 22,
  /** Off-world power capacity delivered to the grid (GW, firm). */
  offworldPowerGw: 23,
  /** Capacity-weighted cost of the off-world power delivered (USD/MWh). */
  offworldPowerCostUsdPerMwh: 24,
} as const
export const NX = 25

/** After a catastrophe the world stops: no system decides any more. */
export const isOver = (st: EconomyState): boolean => st.x[X.catastropheTick] >= 0
