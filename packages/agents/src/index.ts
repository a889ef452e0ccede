export * from "./events.js"
export * from "./explain.js"
export * from "./metrics.js"
export * from "./model.js"
export * from "./params.js"
export type * from "./protocol.js"
export * from "./scenario.js"
export * from "./simulate.js"
export {
  clusterPowerMw,
  type Derived,
  type EconomyState,
  initialEconomyState,
  solveMarkets,
} from "./state.js"
export * from "./time.js"
