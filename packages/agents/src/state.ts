/**
 * The economy's state and the shared economics, by what they are: layout (`economy/state.ts`),
 * derived config (`economy/derive.ts`), machine costs (`economy/costs.ts`), automation targets
 * (`economy/automation.ts`), market clearing (`economy/markets.ts`), calibration at the start
 * (`economy/calibrate.ts`) and the state's encoding (`economy/encoding.ts`).
 */
export {
  aggregateAutomation,
  DRIVER,
  automatable,
  NDRIVER,
  normCdf,
  occupationTarget,
  sectorTarget,
  writeDrivers,
} from "./economy/automation.js"
export { initialEconomyState, initialFabCapacity } from "./economy/calibrate.js"
export {
  energyPrice,
  fleetH100e,
  HOURS_PER_YEAR,
  type MachineCosts,
  machineCosts,
  dataCentreDemandGw,
  dispatchableGw,
  powerCapacityGw,
  poweredShare,
  productionMix,
  TOKENS_PER_H100E_HOUR_2024,
  workerEqPerH100e,
  workerEqPerRobot,
} from "./economy/costs.js"
export { type Derived, derive } from "./economy/derive.js"
export { decodeEconomyState, encodeEconomyState } from "./economy/encoding.js"
export { chipKw, clusterPowerMw, type Generation } from "./economy/generations.js"
export { type Solved, solveMarkets } from "./economy/markets.js"
export {
  GOODS_SECTORS,
  K,
  MATERIAL_USERS,
  MATERIALS,
  NM,
  NMU,
  NP,
  NU,
  POWER_USERS,
  S,
  USER,
} from "./economy/sets.js"
export { restPowerGw2024, servedShare } from "./economy/power.js"
export { addSlots, type EconomyState, F, isOver, NF, NX, RING, X } from "./economy/state.js"
export { distributedH100e } from "./mechanisms/distributed.js"
export { basketShareOf } from "./mechanisms/milestones.js"
