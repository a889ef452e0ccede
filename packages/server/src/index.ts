export type { MetricInfo, ModelAdapter, ParameterInfo, ScenarioInfo } from "./adapter.js"
export { ScenarioRejected } from "./adapter.js"
export { type RunningServer, type ServerOptions, startServer } from "./server.js"
