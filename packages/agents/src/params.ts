import { type ParamSpec, param } from "./economy/param.js"
import { MECHANISMS } from "./mechanisms/index.js"

export { GENERATION_FIELDS, generationNames } from "./economy/generations.js"
export { type ParamSpec, param }
export {
  OCC,
  OCCUPATION_KIND,
  OCCUPATIONS,
  POWER,
  POWER_SOURCES,
  SECTOR,
  SECTORS,
} from "./economy/sets.js"

/**
 * The parameter registry: every number a scenario sets, with its unit, bounds and meaning, gathered
 * from the mechanisms that read them (each mechanism file declares its rows). Scenario files give
 * each one a value and a `source:` (or `assumption: true`); the registry is what validation, `--set`
 * overrides, the UI's parameter editor and the tables in docs/model.md read. Chip generations add
 * their rows per scenario (`economy/generations.ts`).
 */
export const PARAMS: ReadonlyArray<ParamSpec> = MECHANISMS.flatMap((m): ReadonlyArray<ParamSpec> => m.params)

/** Every registry path; `Derived.v` is keyed by it, so a misspelt path does not compile. */
export type ParamPath = (typeof MECHANISMS)[number]["params"][number]["path"]

export const PARAM_BY_PATH: ReadonlyMap<string, ParamSpec> = new Map(PARAMS.map((p) => [p.path, p]))
