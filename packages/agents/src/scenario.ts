/**
 * Scenarios, split by role: the config and its types (`scenario/config.ts`), the Schemas a file is
 * decoded with (`scenario/schema.ts`), validation (`scenario/validate.ts`), files and `extends:`
 * (`scenario/files.ts`) and sampling (`scenario/sampling.ts`).
 */
export {
  type Distribution,
  type EconomyConfig,
  encodeEconomyConfig,
  type ParamMeta,
  paramsOf,
  ScenarioError,
  type ScenarioInfo,
  type ScenarioParameter,
  scenarioParameters,
  specOf,
} from "./scenario/config.js"
export { describeScenario, scenarioDistributions } from "./scenario/anatomy.js"
export {
  PROVENANCE_TODO,
  renderScenarioYaml,
  SCENARIO_NAME,
  type ScenarioDraft,
} from "./scenario/draft.js"
export { findScenariosDir, type LoadOptions, listScenarios, loadScenario, overrideScenario } from "./scenario/files.js"
export {
  DESIGNS,
  designValues,
  type GridAxis,
  gridDesign,
  gridLevels,
  gridSize,
  latinHypercube,
  medianTick,
  type OatEffect,
  type OatRow,
  oatDesign,
  oatRowsOf,
  oatEffects,
  oatEffectsDated,
  normalQuantile,
  quantile,
  sampledPaths,
  sampleScenario,
} from "./scenario/sampling.js"
export { decodeEconomyConfig, validateConfig, withValues } from "./scenario/validate.js"
