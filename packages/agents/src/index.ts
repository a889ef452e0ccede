export * from "./events.js"
export * from "./explain.js"
export * from "./metrics.js"
export * from "./model.js"
export * from "./params.js"
export * from "./scenario.js"
export * from "./simulate.js"
export * from "./sensitivity.js"
export * from "./stats.js"
export * from "./backtest.js"
export * from "./backtest-rules.js"
export * from "./sweep/index.js"
export {
  clusterPowerMw,
  type Derived,
  type EconomyState,
  initialEconomyState,
  solveMarkets,
} from "./state.js"
export * from "./time.js"
// Last: the kit is built from the exports above.
export * from "./kit.js"
