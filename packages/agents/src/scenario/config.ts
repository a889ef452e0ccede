import type { ParameterInfo, ScenarioInfo as ScenarioListing } from "@takeoff/protocol"
import * as Schema from "effect/Schema"
import {
  GENERATION_FIELDS,
  generationNames,
  generationPath,
  generationSpec,
  isGenerationField,
} from "../economy/generations.js"
import type { ParamSpec } from "../economy/param.js"
import { PARAM_BY_PATH, PARAMS } from "../params.js"

/**
 * The resolved scenario (config) and its types: what a run is made from, what a log header
 * records, and how each parameter is described to a user.
 */

/**
 * A scenario file or config that does not check out. `field` is the parameter path (or top-level
 * key) at fault; `message` says what was expected.
 */
export class ScenarioError extends Schema.TaggedError<ScenarioError>()("ScenarioError", {
  file: Schema.String,
  field: Schema.String,
  message: Schema.String,
}) {}

/** An uncertain parameter's distribution (drawn by `sampleScenario`, clamped to the parameter's bounds). */
export type Distribution =
  | { readonly type: "normal"; readonly mean: number; readonly sd: number }
  | { readonly type: "lognormal"; readonly median: number; readonly sigma: number }
  | { readonly type: "uniform"; readonly min: number; readonly max: number }
  | { readonly type: "triangular"; readonly min: number; readonly mode: number; readonly max: number }

export interface ParamMeta {
  readonly source?: string
  readonly assumption: boolean
  /** Why an assumed value is what it is (from the file's `note:`). */
  readonly note?: string
  /** Set by `--set`: the file's value was replaced. */
  readonly overridden?: boolean
}

/** A fully resolved scenario: every registry parameter has a value and a provenance. */
export interface EconomyConfig {
  readonly name: string
  readonly title: string
  readonly description: string
  /** First simulated month, "YYYY-MM". */
  readonly start: string
  /** Last simulated year (inclusive) of a full run. */
  readonly endYear: number
  readonly values: Readonly<Record<string, number>>
  readonly meta: Readonly<Record<string, ParamMeta>>
  readonly distributions: Readonly<Record<string, Distribution>>
}

/** A scenario file in the scenarios directory. */
export interface ScenarioInfo extends ScenarioListing {
  readonly file: string
}

/** A parameter of a loaded scenario: always a number within known bounds. */
export interface ScenarioParameter extends ParameterInfo {
  readonly value: number
  readonly min: number
  readonly max: number
}

export const isObj = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The registry row of a path: a registry parameter, or a field of a chip generation the scenario
 * names (`chips.<generation>.<field>`); undefined for anything else.
 *
 * @example
 * specOf("chips.b200.watts")?.unit // "W"
 */
export const specOf = (path: string): ParamSpec | undefined => {
  const spec = PARAM_BY_PATH.get(path)
  if (spec !== undefined) return spec
  const g = generationPath(path)
  if (g === undefined || PARAM_BY_PATH.has(`chips.${g[0]}`) || !isGenerationField(g[1])) return undefined
  return generationSpec(g[0], g[1])
}

/** A config's parameters in registry order, its chip generations' rows after the other chips rows. */
export const paramsOf = (config: EconomyConfig): ParamSpec[] => {
  const generations = generationNames(config.values).flatMap((g) =>
    GENERATION_FIELDS.map((f) => generationSpec(g, f.path)),
  )
  const lastChips = PARAMS.findLastIndex((p) => p.group === "chips")
  return [...PARAMS.slice(0, lastChips + 1), ...generations, ...PARAMS.slice(lastChips + 1)]
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean" on a misspelt path. */
const editDistance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]
}

/** Parameters the registry no longer has, with what replaced them (a scenario naming one gets this). */
const REMOVED_PARAMS: Readonly<Record<string, string>> = {
  "macro.spaceExpansionYear":
    'space expansion is now a mechanism (docs/model.md, "Space"): launch cost on a learning curve (space.launchCost2024UsdPerKg, space.learningRate) and off-world power and materials built when Earth\'s budgets (energy.planetaryCapacityTw, materials.<class>.resourceGt) bind',
  "milestones.basketShareOfIncome":
    'the post-scarcity index is now the share of the basic basket the least-covered decile buys without work (docs/model.md, "Milestones"), the quantity PostScarcityReached tests, so it needs no threshold of its own; the basket is milestones.basicBasketUsdPerYear',
  "macro.spaceExpansionGrowthPerYear":
    'off-world resources now grow with the capacity the space mechanism builds (docs/model.md, "Space"); see space.* parameters',
}

/**
 * An unknown path's message: the nearest registry paths by spelling ("did you mean"), else the
 * paths sharing its last segment or group.
 * @example unknownParamMessage("ai.mfux") // 'unknown parameter "ai.mfux"; did you mean ai.mfu?'
 */
export const unknownParamMessage = (path: string): string => {
  const removed = REMOVED_PARAMS[path]
  if (removed !== undefined) return `parameter "${path}" was removed: ${removed}`
  const lower = path.toLowerCase()
  const ranked = PARAMS.map((p) => ({ path: p.path, d: editDistance(lower, p.path.toLowerCase()) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(path.length / 5)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
  if (ranked.length > 0) return `unknown parameter "${path}"; did you mean ${ranked.map((c) => c.path).join(" or ")}?`
  const tail = path.split(".").pop() ?? path
  const near = PARAMS.filter((p) => p.path.endsWith(`.${tail}`) || p.path.startsWith(`${path.split(".")[0]}.`))
    .slice(0, 6)
    .map((p) => p.path)
  return `unknown parameter "${path}"; expected one of the registry's paths${near.length ? ` (e.g. ${near.join(", ")})` : ""}`
}

/** The config as a log header records it. */
export const encodeEconomyConfig = (c: EconomyConfig): unknown => ({
  name: c.name,
  title: c.title,
  description: c.description,
  start: c.start,
  endYear: c.endYear,
  values: c.values,
  meta: c.meta,
  distributions: c.distributions,
})

/**
 * The parameters as the UI's editor lists them, in registry order.
 *
 * @example
 * scenarioParameters(config).find((p) => p.path === "ai.algorithmicProgressPerYear")
 */
export const scenarioParameters = (config: EconomyConfig): ScenarioParameter[] =>
  paramsOf(config).map((p) => ({
    path: p.path,
    group: p.group,
    label: p.label,
    unit: p.unit,
    value: config.values[p.path],
    source: config.meta[p.path]?.source ?? null,
    assumption: config.meta[p.path]?.assumption ?? true,
    min: p.min,
    max: p.max,
    description: p.description,
    ...(config.distributions[p.path] ? { distribution: distributionText(config.distributions[p.path]) } : {}),
  }))

/** A declared distribution in a few words: `lognormal(median 1, sigma 0.6)`. */
const distributionText = (d: Distribution): string =>
  `${d.type}(${Object.entries(d)
    .filter(([k]) => k !== "type")
    .map(([k, v]) => `${k} ${v}`)
    .join(", ")})`
