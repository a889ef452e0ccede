import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parse as parseYaml } from "yaml"
import { type EconomyConfig, isObj, ScenarioError, type ScenarioInfo, specOf, unknownParamMessage } from "./config.js"
import { flattenParameters, type Layer } from "./schema.js"
import { validateConfig } from "./validate.js"

/**
 * Scenario files: where they are, how a name or path resolves, how `extends:` chains layer their
 * parameters, and `--set` overrides on top.
 */

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

/** A scenario file's YAML mapping; throws ScenarioError naming the file. */
export const readYaml = (file: string): Record<string, unknown> => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (e) {
    throw new ScenarioError({ file, field: "file", message: `cannot read: ${(e as Error).message}` })
  }
  const cached = parsed.get(text)
  if (cached !== undefined) return cached
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (e) {
    throw new ScenarioError({ file, field: "yaml", message: `not valid YAML: ${(e as Error).message.split("\n")[0]}` })
  }
  if (!isObj(doc)) throw new ScenarioError({ file, field: "(root)", message: "expected a YAML mapping" })
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string)
  parsed.set(text, deepFreeze(doc))
  return doc
}

/**
 * Parsed scenario files by their text: a server lists and loads the same files on every request
 * and a grid checks a scenario per level, and parsing the baseline's YAML costs ~100 ms. Keyed by
 * the text read each time, so an edited file is parsed again; frozen, so no reader can change
 * what the next one gets.
 */
const parsed = new Map<string, Record<string, unknown>>()
const PARSED_MAX = 64

const deepFreeze = <T>(x: T): T => {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x)
    for (const v of Object.values(x)) deepFreeze(v)
  }
  return x
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

/** The file of a scenario name (in `dir`, default the scenarios directory) or path; throws ScenarioError. */
export const resolveScenarioFile = (nameOrPath: string, dir?: string): string => {
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
export const resolveParent = (nameOrPath: string, file: string): string => {
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
      distributions: inheritedDistributions(base, own),
    },
  }
}

/**
 * The parent's distributions, less those whose value this file sets without giving a new one (a
 * scenario's value must not be sampled around the parent's median), plus this file's own.
 */
const inheritedDistributions = (base: Layer, own: Layer): Layer["distributions"] => {
  const kept = Object.entries(base.distributions).filter(([path]) => !(path in own.values))
  return { ...Object.fromEntries(kept), ...own.distributions }
}

const parseOverride = (file: string, path: string, raw: string): number => {
  const spec = specOf(path)
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
  const fileName = file
    .split("/")
    .pop()!
    .replace(/\.ya?ml$/, "")
  const config: EconomyConfig = {
    name: typeof doc.name === "string" ? doc.name : fileName,
    title: typeof doc.title === "string" ? doc.title : fileName,
    description: typeof doc.description === "string" ? doc.description : "",
    start: start ?? "2024-01",
    endYear: endYear ?? 2100,
    values: layer.values,
    meta: layer.meta,
    distributions: layer.distributions,
  }
  return overrideScenario(config, options.set ?? [], file)
}

/**
 * A loaded config with further `--set` overrides applied and validated: the config `loadScenario`
 * gives with these pairs after its own, without reading the files again (a sweep's workers load
 * the scenario once and apply each run's draws). An overridden parameter loses its distribution.
 *
 * @example
 * const run = overrideScenario(loadScenario("baseline"), [["ai.algorithmicProgressPerYear", "3"]])
 */
export const overrideScenario = (
  config: EconomyConfig,
  set: ReadonlyArray<readonly [string, string]>,
  file = "<config>",
): EconomyConfig => {
  const values = { ...config.values }
  const meta = { ...config.meta }
  const distributions = { ...config.distributions }
  let end = config.endYear
  for (const [path, raw] of set) {
    if (path === "endYear") {
      end = Number(raw)
      continue
    }
    values[path] = parseOverride(file, path, raw)
    meta[path] = { ...(meta[path] ?? { assumption: true }), overridden: true }
    delete distributions[path]
  }
  return validateConfig({ ...config, endYear: end, values, meta, distributions }, file)
}
