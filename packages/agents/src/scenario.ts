import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Rng } from "@takeoff/core"
import { Schema } from "effect"
import { parse as parseYaml } from "yaml"
import { OCCUPATIONS, PARAM_BY_PATH, PARAMS, SECTORS } from "./params.js"

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

export interface ScenarioInfo {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly file: string
}

export interface ScenarioParameter {
  readonly path: string
  readonly group: string
  readonly label: string
  readonly unit: string
  readonly value: number
  readonly source: string | null
  readonly assumption: boolean
  readonly min: number
  readonly max: number
  readonly description: string
}

const isObj = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The repo's `scenarios/` directory: `TAKEOFF_SCENARIOS` if set, else the first `scenarios/` found
 * walking up from this package's location.
 *
 * @example
 * const dir = findScenariosDir() // "/repo/scenarios"
 */
export const findScenariosDir = (): string => {
  const env = process.env.TAKEOFF_SCENARIOS
  if (env !== undefined && env.length > 0) return resolve(env)
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, "scenarios")
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate
    const up = dirname(dir)
    if (up === dir)
      throw new ScenarioError({
        file: dir,
        field: "scenarios",
        message: "no scenarios/ directory found above the agents package",
      })
    dir = up
  }
}

const readYaml = (file: string): Record<string, unknown> => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (e) {
    throw new ScenarioError({ file, field: "file", message: `cannot read: ${(e as Error).message}` })
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (e) {
    throw new ScenarioError({ file, field: "yaml", message: `not valid YAML: ${(e as Error).message.split("\n")[0]}` })
  }
  if (!isObj(doc)) throw new ScenarioError({ file, field: "(root)", message: "expected a YAML mapping" })
  return doc
}

/**
 * The scenarios in a directory (default `findScenariosDir()`), sorted by name.
 *
 * @example
 * listScenarios().map((s) => s.name) // ["aggregate-ces", "baseline", ...]
 */
export const listScenarios = (dir: string = findScenariosDir()): ScenarioInfo[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => {
      const file = join(dir, f)
      const doc = readYaml(file)
      return {
        name: typeof doc.name === "string" ? doc.name : f.replace(/\.ya?ml$/, ""),
        title: typeof doc.title === "string" ? doc.title : f,
        description: typeof doc.description === "string" ? doc.description : "",
        file,
      }
    })

const Finite = Schema.Finite
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/** The distributions a parameter may declare, as a Schema (decoded with the leaf). */
const DistributionSchema = Schema.Union([
  Schema.Struct({ type: Schema.Literal("normal"), mean: Finite, sd: NonNegative }),
  Schema.Struct({
    type: Schema.Literal("lognormal"),
    median: Schema.Finite.check(Schema.isGreaterThan(0)),
    sigma: NonNegative,
  }),
  Schema.Struct({ type: Schema.Literal("uniform"), min: Finite, max: Finite }),
  Schema.Struct({ type: Schema.Literal("triangular"), min: Finite, mode: Finite, max: Finite }),
])

/** One parameter in a scenario file: its value within the registry's bounds and its provenance. */
const leafSchema = (min: number, max: number) =>
  Schema.Struct({
    value: Schema.Finite.check(Schema.isBetween({ minimum: min, maximum: max })),
    source: Schema.optional(Schema.NonEmptyString),
    assumption: Schema.optional(Schema.Boolean),
    note: Schema.optional(Schema.String),
    distribution: Schema.optional(DistributionSchema),
  })

type Leaf = (typeof leafSchema extends (...a: never[]) => infer S ? S : never)["Type"]
const leafDecoders = new Map<string, (u: unknown) => Leaf>()
const decodeLeaf = (path: string, min: number, max: number) => {
  let d = leafDecoders.get(path)
  if (d === undefined) {
    d = Schema.decodeUnknownSync(leafSchema(min, max), { onExcessProperty: "error" }) as (u: unknown) => Leaf
    leafDecoders.set(path, d)
  }
  return d
}
const decodeDistribution = Schema.decodeUnknownSync(DistributionSchema)

/**
 * Turns a Schema failure ("Expected ...\n  at [\"a\"][\"b\"]") into a ScenarioError on the field
 * path under `prefix`, keeping Schema's statement of what was expected.
 */
const schemaError = (file: string, prefix: string, e: unknown, got: unknown, unit0?: string): ScenarioError => {
  const text = (e as Error).message ?? String(e)
  const [first, ...rest] = text.split("\n")
  const at =
    rest
      .join(" ")
      .match(/\["([^"]+)"\]/g)
      ?.map((s) => s.slice(2, -2)) ?? []
  const field = at.length === 0 || (at.length === 1 && at[0] === "value") ? prefix : `${prefix}.${at.join(".")}`
  let value: unknown = got
  for (const k of at) value = isObj(value) ? value[k] : undefined
  if (first.startsWith("Missing key"))
    return new ScenarioError({ file, field, message: "missing; expected a number here" })
  if (first.includes("excess property")) {
    return new ScenarioError({
      file,
      field,
      message: "unknown key; expected value, source, assumption, note or distribution",
    })
  }
  const unit = field === prefix && unit0 !== undefined ? ` (${unit0})` : ""
  const expected = first.replace(/^Expected /, "expected ")
  return new ScenarioError({ file, field, message: `${expected}${unit}, got ${JSON.stringify(value)}` })
}

const parseDistribution = (file: string, field: string, u: unknown): Distribution => {
  try {
    return decodeDistribution(u) as Distribution
  } catch (e) {
    throw schemaError(file, `${field}.distribution`, e, u)
  }
}

interface Layer {
  values: Record<string, number>
  meta: Record<string, ParamMeta>
  distributions: Record<string, Distribution>
}

/** Flattens the nested `parameters:` mapping into path -> {value, source|assumption, distribution}. */
const flattenParameters = (file: string, node: unknown, prefix: string, out: Layer): void => {
  if (!isObj(node)) {
    throw new ScenarioError({
      file,
      field: prefix || "parameters",
      message: "expected a mapping of parameter groups, or a leaf {value, source} / {value, assumption: true}",
    })
  }
  if ("value" in node) {
    const path = prefix
    const spec = PARAM_BY_PATH.get(path)
    if (spec === undefined) throw new ScenarioError({ file, field: path, message: unknownParamMessage(path) })
    let leaf: Leaf
    try {
      leaf = decodeLeaf(path, spec.min, spec.max)(node)
    } catch (e) {
      throw schemaError(file, path, e, node, spec.unit)
    }
    if (leaf.source === undefined && leaf.assumption !== true) {
      throw new ScenarioError({
        file,
        field: path,
        message: "expected a source: (where the number comes from) or assumption: true",
      })
    }
    out.values[path] = leaf.value
    const base =
      leaf.source === undefined ? { assumption: true } : { source: leaf.source, assumption: leaf.assumption === true }
    out.meta[path] = leaf.note === undefined ? base : { ...base, note: leaf.note }
    if (leaf.distribution !== undefined) out.distributions[path] = leaf.distribution as Distribution
    return
  }
  for (const [k, v] of Object.entries(node)) flattenParameters(file, v, prefix === "" ? k : `${prefix}.${k}`, out)
}

const unknownParamMessage = (path: string): string => {
  const tail = path.split(".").pop() ?? path
  const near = PARAMS.filter((p) => p.path.endsWith(`.${tail}`) || p.path.startsWith(`${path.split(".")[0]}.`))
    .slice(0, 6)
    .map((p) => p.path)
  return `unknown parameter "${path}"; expected one of the registry's paths${near.length ? ` (e.g. ${near.join(", ")})` : ""}`
}

const resolveScenarioFile = (nameOrPath: string, dir?: string): string => {
  if (nameOrPath.includes("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml")) {
    const file = resolve(nameOrPath)
    if (!existsSync(file)) throw new ScenarioError({ file, field: "scenario", message: "file not found" })
    return file
  }
  const d = dir ?? findScenariosDir()
  const file = join(d, `${nameOrPath}.yaml`)
  if (!existsSync(file)) {
    const names = existsSync(d) ? listScenarios(d).map((s) => s.name) : []
    throw new ScenarioError({
      file,
      field: "scenario",
      message: `unknown scenario "${nameOrPath}"; expected one of ${names.join(", ")}`,
    })
  }
  return file
}

/**
 * `extends:` names a scenario beside the file, or else one of the built-in scenarios, so a user's
 * own file anywhere can say `extends: baseline`; a path is taken relative to the file.
 */
const resolveParent = (nameOrPath: string, file: string): string => {
  const dir = dirname(file)
  if (nameOrPath.includes("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml")) {
    return resolveScenarioFile(resolve(dir, nameOrPath))
  }
  return existsSync(join(dir, `${nameOrPath}.yaml`)) ? join(dir, `${nameOrPath}.yaml`) : resolveScenarioFile(nameOrPath)
}

const loadLayers = (
  file: string,
  seen: ReadonlyArray<string>,
): { doc: Record<string, unknown>; layer: Layer; start?: string; endYear?: number } => {
  if (seen.includes(file))
    throw new ScenarioError({ file, field: "extends", message: `cycle: ${[...seen, file].join(" -> ")}` })
  const doc = readYaml(file)
  let base: Layer = { values: {}, meta: {}, distributions: {} }
  let start: string | undefined
  let endYear: number | undefined
  if (doc.extends !== undefined) {
    if (typeof doc.extends !== "string")
      throw new ScenarioError({ file, field: "extends", message: "expected a scenario name" })
    const parent = loadLayers(resolveParent(doc.extends, file), [...seen, file])
    base = parent.layer
    start = parent.start
    endYear = parent.endYear
  }
  const own: Layer = { values: {}, meta: {}, distributions: {} }
  if (doc.parameters !== undefined) flattenParameters(file, doc.parameters, "", own)
  for (const key of Object.keys(doc)) {
    if (!["name", "title", "description", "extends", "start", "endYear", "parameters"].includes(key)) {
      throw new ScenarioError({
        file,
        field: key,
        message: "unknown top-level key; expected name, title, description, extends, start, endYear or parameters",
      })
    }
  }
  if (doc.start !== undefined) start = String(doc.start)
  if (doc.endYear !== undefined) endYear = doc.endYear as number
  return {
    doc,
    start,
    endYear,
    layer: {
      values: { ...base.values, ...own.values },
      meta: { ...base.meta, ...own.meta },
      distributions: { ...base.distributions, ...own.distributions },
    },
  }
}

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
    if (!PARAM_BY_PATH.has(k)) throw new ScenarioError({ file, field: k, message: unknownParamMessage(k) })
  }
  for (const [k, d] of Object.entries(config.distributions ?? {})) {
    if (!PARAM_BY_PATH.has(k)) throw new ScenarioError({ file, field: k, message: unknownParamMessage(k) })
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

const parseOverride = (file: string, path: string, raw: string): number => {
  const spec = PARAM_BY_PATH.get(path)
  if (spec === undefined) throw new ScenarioError({ file, field: path, message: unknownParamMessage(path) })
  const v = raw.trim() === "" ? Number.NaN : Number(raw.replace(/_/g, ""))
  if (!Number.isFinite(v)) {
    throw new ScenarioError({
      file,
      field: path,
      message: `expected a number in [${spec.min}, ${spec.max}] (${spec.unit}), got "${raw}"`,
    })
  }
  return v
}

export interface LoadOptions {
  /** `--set path=value` overrides, applied after the file (and its `extends` chain). */
  readonly set?: ReadonlyArray<readonly [string, string]>
  /** Directory to resolve bare names in (default `findScenariosDir()`). */
  readonly dir?: string
}

/**
 * Loads a scenario by name (from `scenarios/`) or path, follows `extends:`, applies `--set`
 * overrides and validates. Throws `ScenarioError {file, field, message}`.
 *
 * @example
 * const config = loadScenario("baseline", { set: [["firms.count", "1000"]] })
 */
export const loadScenario = (nameOrPath: string, options: LoadOptions = {}): EconomyConfig => {
  const file = resolveScenarioFile(nameOrPath, options.dir)
  const { doc, layer, start, endYear } = loadLayers(file, [])
  const values = { ...layer.values }
  const meta = { ...layer.meta }
  const distributions = { ...layer.distributions }
  let end = endYear ?? 2100
  for (const [path, raw] of options.set ?? []) {
    if (path === "endYear") {
      end = Number(raw)
      continue
    }
    values[path] = parseOverride(file, path, raw)
    meta[path] = { ...(meta[path] ?? { assumption: true }), overridden: true }
    delete distributions[path]
  }
  const fileName = file
    .split("/")
    .pop()!
    .replace(/\.ya?ml$/, "")
  return validateConfig(
    {
      name: typeof doc.name === "string" ? doc.name : fileName,
      title: typeof doc.title === "string" ? doc.title : fileName,
      description: typeof doc.description === "string" ? doc.description : "",
      start: start ?? "2024-01",
      endYear: end,
      values,
      meta,
      distributions,
    },
    file,
  )
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
 * The parameters as the UI's editor lists them, in registry order.
 *
 * @example
 * scenarioParameters(config).find((p) => p.path === "ai.algorithmicProgressPerYear")
 */
export const scenarioParameters = (config: EconomyConfig): ScenarioParameter[] =>
  PARAMS.map((p) => ({
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
  }))

const draw = (rng: Rng, d: Distribution): number => {
  switch (d.type) {
    case "normal":
      return d.mean + d.sd * rng.normal()
    case "lognormal":
      return rng.logNormal(d.median, d.sigma)
    case "uniform":
      return d.min + (d.max - d.min) * rng.float()
    case "triangular": {
      const u = rng.float()
      const c = (d.mode - d.min) / (d.max - d.min || 1)
      return u < c
        ? d.min + Math.sqrt(u * (d.max - d.min) * (d.mode - d.min))
        : d.max - Math.sqrt((1 - u) * (d.max - d.min) * (d.max - d.mode))
    }
  }
}

/**
 * Draws every declared distribution (in path order, from `seed`), clamped to the parameter bounds.
 *
 * @example
 * const { config: run, draws } = sampleScenario(config, deriveSeed(7, i))
 */
export const sampleScenario = (
  config: EconomyConfig,
  seed: number,
): { config: EconomyConfig; draws: Record<string, number> } => {
  const rng = Rng.fromSeed(seed)
  const draws: Record<string, number> = {}
  for (const path of Object.keys(config.distributions).sort()) {
    const spec = PARAM_BY_PATH.get(path)!
    let v = Math.min(spec.max, Math.max(spec.min, draw(rng, config.distributions[path])))
    if (spec.integer) v = Math.round(v)
    draws[path] = v
  }
  return { config: { ...config, values: { ...config.values, ...draws } }, draws }
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
