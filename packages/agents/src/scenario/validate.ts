import { GENERATION_FIELDS, generationNames } from "../economy/generations.js"
import { OCCUPATIONS, SECTORS } from "../economy/sets.js"
import { PARAMS } from "../params.js"
import {
  type Distribution,
  type EconomyConfig,
  isObj,
  type ParamMeta,
  ScenarioError,
  specOf,
  unknownParamMessage,
} from "./config.js"
import { checkGeneration, parseDistribution } from "./schema.js"

/**
 * Checks a resolved config: every parameter present, finite, in bounds, integer where needed, with
 * a provenance; shares that must sum to one do. Throws `ScenarioError` naming the field.
 *
 * @example
 * validateConfig({ ...config, endYear: 1990 }) // throws ScenarioError { field: "endYear", ... }
 */
export const validateConfig = (config: EconomyConfig, file = "<config>"): EconomyConfig => {
  if (typeof config.name !== "string" || config.name.length === 0)
    throw new ScenarioError({ file, field: "name", message: "expected a non-empty string" })
  if (typeof config.start !== "string" || !/^\d{4}-(0[1-9]|1[0-2])$/.test(config.start)) {
    throw new ScenarioError({
      file,
      field: "start",
      message: `expected "YYYY-MM", got ${JSON.stringify(config.start)}`,
    })
  }
  const startYear = Number(config.start.slice(0, 4))
  if (!Number.isInteger(config.endYear) || config.endYear < startYear || config.endYear > 3000) {
    throw new ScenarioError({
      file,
      field: "endYear",
      message: `expected an integer year from ${startYear} to 3000, got ${JSON.stringify(config.endYear)}`,
    })
  }
  if (!isObj(config.values))
    throw new ScenarioError({ file, field: "values", message: "expected a mapping of parameter values" })
  for (const spec of PARAMS) {
    const v = config.values[spec.path]
    if (v === undefined) {
      throw new ScenarioError({
        file,
        field: spec.path,
        message: `missing; expected a number in [${spec.min}, ${spec.max}] (${spec.unit}): ${spec.description}`,
      })
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v < spec.min || v > spec.max) {
      throw new ScenarioError({
        file,
        field: spec.path,
        message: `expected a number in [${spec.min}, ${spec.max}] (${spec.unit}), got ${JSON.stringify(v)}`,
      })
    }
    if (spec.integer && !Number.isInteger(v))
      throw new ScenarioError({ file, field: spec.path, message: `expected an integer, got ${v}` })
    const m = config.meta?.[spec.path]
    if (m === undefined || (m.source === undefined && m.assumption !== true)) {
      throw new ScenarioError({ file, field: spec.path, message: "expected a source: or assumption: true" })
    }
  }
  for (const k of Object.keys(config.values)) {
    if (specOf(k) === undefined) throw new ScenarioError({ file, field: k, message: unknownParamMessage(k) })
  }
  const generations = generationNames(config.values)
  if (generations.length === 0) {
    throw new ScenarioError({
      file,
      field: "chips",
      message: "expected at least one chip generation: chips.<name>.{year, h100e, watts, priceUsd}",
    })
  }
  for (const g of generations) {
    checkGeneration(file, config.values, g)
    for (const f of GENERATION_FIELDS) {
      const m = config.meta?.[`chips.${g}.${f.path}`]
      if (m === undefined || (m.source === undefined && m.assumption !== true))
        throw new ScenarioError({
          file,
          field: `chips.${g}.${f.path}`,
          message: "expected a source: or assumption: true",
        })
    }
  }
  for (const [k, d] of Object.entries(config.distributions ?? {})) {
    if (specOf(k) === undefined) throw new ScenarioError({ file, field: k, message: unknownParamMessage(k) })
    parseDistribution(file, k, d)
  }
  const sumTo1 = (paths: string[], field: string) => {
    const sum = paths.reduce((a, p) => a + config.values[p], 0)
    if (Math.abs(sum - 1) > 1e-6) {
      throw new ScenarioError({
        file,
        field,
        message: `expected ${paths.join(" + ")} to sum to 1, got ${sum.toFixed(6)}`,
      })
    }
  }
  sumTo1(
    OCCUPATIONS.map((o) => `occupations.${o}.employmentShare`),
    "occupations.*.employmentShare",
  )
  sumTo1(
    SECTORS.map((s) => `sectors.${s}.valueShare`),
    "sectors.*.valueShare",
  )
  for (const s of SECTORS) {
    const mix = OCCUPATIONS.reduce((a, o) => a + config.values[`sectors.${s}.taskMix.${o}`], 0)
    if (config.values[`sectors.${s}.valueShare`] > 0 && mix <= 0) {
      throw new ScenarioError({
        file,
        field: `sectors.${s}.taskMix`,
        message: "expected at least one positive task weight",
      })
    }
  }
  if (config.values["milestones.asiAiShare"] < config.values["milestones.agiAiShare"]) {
    throw new ScenarioError({
      file,
      field: "milestones.asiAiShare",
      message: "expected at least milestones.agiAiShare",
    })
  }
  return config
}

/**
 * Returns a copy of the config with one parameter replaced (validated), for tests and sweeps.
 *
 * @example
 * const cheap = withValues(config, { "chips.h100.priceUsd": 5000 })
 */
export const withValues = (config: EconomyConfig, values: Readonly<Record<string, number>>): EconomyConfig => {
  const meta = { ...config.meta }
  for (const k of Object.keys(values)) meta[k] = { ...(meta[k] ?? { assumption: true }), overridden: true }
  return validateConfig({ ...config, values: { ...config.values, ...values }, meta })
}

/**
 * Decodes a config from JSON (a log header), validating it like a scenario file.
 *
 * @example
 * const config = decodeEconomyConfig(JSON.parse(headerLine).config)
 */
export const decodeEconomyConfig = (json: unknown): EconomyConfig => {
  if (!isObj(json)) throw new ScenarioError({ file: "<config>", field: "(root)", message: "expected an object" })
  return validateConfig(
    {
      name: json.name as string,
      title: (json.title as string) ?? "",
      description: (json.description as string) ?? "",
      start: json.start as string,
      endYear: json.endYear as number,
      values: (json.values ?? {}) as Record<string, number>,
      meta: (json.meta ?? {}) as Record<string, ParamMeta>,
      distributions: (json.distributions ?? {}) as Record<string, Distribution>,
    },
    "<config>",
  )
}
