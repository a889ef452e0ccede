import type { EconomyConfig } from "../scenario/config.js"
import { type ParamSpec, param } from "./param.js"
import { tickAtYear } from "../time.js"

/**
 * Chip generations are scenario data: a scenario names each generation under `parameters.chips`
 * with the four fields below (`chips.h100.year`, `chips.h100.h100e`, ...), so adding a generation
 * is a YAML change. Generations run in order of introduction; the first is the installed base of
 * the start, and `chips.later*` steps extend the last named one. They are the foundries' products
 * (`mechanisms/foundries.ts`): every foundry makes the month's generation mix.
 */
export const GENERATION_FIELDS = [
  param("year", "year", 2015, 2100, "introduction", "Year production of this generation starts (fractional)."),
  param("h100e", "H100e", 0.1, 1e6, "performance", "Performance per chip in H100-equivalents (dense 8/16-bit)."),
  param("watts", "W", 10, 1e5, "TDP", "Chip thermal design power."),
  param("priceUsd", "USD", 100, 1e7, "launch price", "Price per chip at launch."),
] as const

export type GenerationField = (typeof GENERATION_FIELDS)[number]["path"]

const FIELD_NAMES: ReadonlyArray<string> = GENERATION_FIELDS.map((f) => f.path)

/** `chips.<generation>.<field>` → [generation, field]; undefined for any other path. */
export const generationPath = (path: string): readonly [string, string] | undefined => {
  const parts = path.split(".")
  return parts.length === 3 && parts[0] === "chips" ? [parts[1], parts[2]] : undefined
}

/** Whether `field` is one a generation declares. */
export const isGenerationField = (field: string): field is GenerationField => FIELD_NAMES.includes(field)

/** The registry row of one generation's field (its label names the generation). */
export const generationSpec = (generation: string, field: GenerationField): ParamSpec => {
  const f = GENERATION_FIELDS.find((g) => g.path === field)!
  return { ...f, path: `chips.${generation}.${field}`, group: "chips", label: `${generation} ${f.label}` }
}

/**
 * The generations a config's values declare, in order of introduction (ties by name).
 *
 * @example
 * generationNames(loadScenario("baseline").values) // ["h100", "b200", "rubin"]
 */
export const generationNames = (values: Readonly<Record<string, number>>): string[] => {
  const names = new Set<string>()
  for (const path of Object.keys(values)) {
    const g = generationPath(path)
    if (g !== undefined) names.add(g[0])
  }
  const year = (g: string) => values[`chips.${g}.year`]
  return [...names].sort((a, b) => year(a) - year(b) || (a < b ? -1 : a > b ? 1 : 0))
}

/** Per-chip-generation figures derived from the config (named generations, then later steps). */
export interface Generation {
  readonly startTick: number
  readonly h100e: number
  readonly watts: number
  readonly priceUsd: number
  /** Power drawn at the wall per chip, kW (TDP x server overhead x PUE). */
  readonly kw: number
}

export const chipKw = (config: EconomyConfig, watts: number): number =>
  (watts * config.values["chips.serverOverhead"] * config.values["chips.pue"]) / 1000

/**
 * Power at the wall of a cluster, MW: chips x TDP x server overhead x PUE.
 *
 * @example
 * clusterPowerMw(config, "h100", 100_000) // ~137 MW
 */
export const clusterPowerMw = (config: EconomyConfig, generation: string, chips: number): number =>
  (chips * chipKw(config, config.values[`chips.${generation}.watts`])) / 1000

/** The named generations, then later ones stepped from the last until the run's end. */
export const deriveGenerations = (config: EconomyConfig, startYear: number): Generation[] => {
  const v = config.values
  const gens: Generation[] = []
  const named = generationNames(v)
  for (const g of named) {
    const watts = v[`chips.${g}.watts`]
    gens.push({
      startTick: tickAtYear(startYear, v[`chips.${g}.year`]),
      h100e: v[`chips.${g}.h100e`],
      watts,
      priceUsd: v[`chips.${g}.priceUsd`],
      kw: chipKw(config, watts),
    })
  }
  const endTick = (config.endYear + 1 - startYear) * 12
  const last = gens[named.length - 1]
  for (let i = 1; i <= v["chips.laterGenerations"]; i++) {
    const startTick = last.startTick + Math.round(i * v["chips.laterIntervalYears"] * 12)
    if (startTick > endTick) break
    const watts = last.watts * v["chips.laterWattsStep"] ** i
    gens.push({
      startTick,
      h100e: last.h100e * v["chips.laterPerfStep"] ** i,
      watts,
      priceUsd: last.priceUsd * v["chips.laterPriceStep"] ** i,
      kw: chipKw(config, watts),
    })
  }
  return gens
}
