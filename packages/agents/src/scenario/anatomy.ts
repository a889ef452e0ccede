import type { ScenarioAnatomy, ScenarioDistribution, ScenarioOverride } from "@takeoff/protocol"
import { type EconomyConfig, specOf } from "./config.js"
import { loadScenario, readYaml, resolveParent, resolveScenarioFile } from "./files.js"
import { valueAt } from "./sampling.js"
import { flattenParameters, type Layer } from "./schema.js"

/**
 * A scenario's anatomy for a reader: what its `extends:` chain gives it and what the file itself
 * changes, and every distribution with its P10..P90 and source.
 */

const describeParam = (config: EconomyConfig, path: string) => {
  const spec = specOf(path)
  const meta = config.meta[path]
  return {
    path,
    label: spec?.label ?? path,
    unit: spec?.unit ?? "",
    source: meta?.source ?? null,
    assumption: meta?.assumption ?? true,
    ...(meta?.note !== undefined ? { note: meta.note } : {}),
  }
}

/**
 * The distributions of a loaded config, in path order, with their quantiles.
 *
 * @example
 * scenarioDistributions(loadScenario("baseline")).find((d) => d.path === "ai.flopGapScale")?.kind // "lognormal"
 */
export const scenarioDistributions = (config: EconomyConfig): ScenarioDistribution[] =>
  Object.keys(config.distributions)
    .sort()
    .map((path) => {
      const { type, ...parameters } = config.distributions[path]
      return {
        ...describeParam(config, path),
        kind: type,
        parameters: parameters as Record<string, number>,
        p10: valueAt(config, path, 0.1),
        p50: valueAt(config, path, 0.5),
        p90: valueAt(config, path, 0.9),
        value: config.values[path],
      }
    })

/**
 * A scenario (name or file) taken apart: its `extends:`, the parameters its own file sets with the
 * extended scenario's value beside each, and its distributions. Throws ScenarioError as loadScenario.
 *
 * @example
 * describeScenario("fast-takeoff").overrides[0] // { path: "ai.algorithmicProgressPerYear", base: 2.8, value: 4, ... }
 */
export const describeScenario = (nameOrPath: string, dir?: string): ScenarioAnatomy => {
  const file = resolveScenarioFile(nameOrPath, dir)
  const config = loadScenario(file)
  const doc = readYaml(file)
  const parentName = typeof doc.extends === "string" ? doc.extends : null
  let overrides: ScenarioOverride[] = []
  if (parentName !== null) {
    const parent = loadScenario(resolveParent(parentName, file))
    const own: Layer = { values: {}, meta: {}, distributions: {} }
    if (doc.parameters !== undefined) flattenParameters(file, doc.parameters, "", own)
    overrides = Object.keys(own.values).map((path) => ({
      ...describeParam(config, path),
      base: parent.values[path],
      value: config.values[path],
      ...(parent.distributions[path] !== undefined && own.distributions[path] === undefined
        ? { dropsDistribution: true }
        : {}),
    }))
  }
  return {
    name: config.name,
    title: config.title,
    description: config.description,
    extends: parentName,
    start: config.start,
    endYear: config.endYear,
    overrides,
    distributions: scenarioDistributions(config),
  }
}
