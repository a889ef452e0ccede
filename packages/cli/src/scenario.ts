import { economy, isScenarioError } from "./economy.js"
import { usage } from "./errors.js"

/** Splits `--set path=value` flags into pairs; the value is parsed and checked by the economy. */
export const parseSets = (sets: ReadonlyArray<string> | undefined, flag = "--set"): Array<[string, string]> =>
  (sets ?? []).map((s) => {
    const eq = s.indexOf("=")
    if (eq <= 0) throw usage(`${flag} ${s}: expected path=value, e.g. ${flag} ai.algorithmicProgressPerYear=3`)
    return [s.slice(0, eq), s.slice(eq + 1)]
  })

/**
 * Loads a scenario by name or file with overrides; a ScenarioError becomes one usage line naming
 * the file and field and what was expected.
 */
export const loadScenarioOrFail = (nameOrPath: string, set: ReadonlyArray<readonly [string, string]> = []): unknown => {
  try {
    return economy.loadScenario(nameOrPath, { set })
  } catch (e) {
    if (isScenarioError(e)) throw usage(`${e.file}${e.field ? `: ${e.field}` : ""}: ${e.message}`)
    throw e
  }
}

/** The scenario's name for file names and summaries: its base name without extension. */
export const scenarioName = (nameOrPath: string): string =>
  nameOrPath
    .replace(/\\/g, "/")
    .split("/")
    .pop()!
    .replace(/\.(ya?ml|json)$/, "")

/** Checks `--until YEAR` against the scenario's calendar (usage error if outside it). */
export const untilTickOrFail = (config: unknown, year: number | undefined): number | undefined => {
  if (year === undefined) return undefined
  let tick: number
  try {
    tick = economy.untilTickForYear(config, year)
  } catch (e) {
    throw usage(`--until ${year}: ${(e as Error).message}`)
  }
  if (!Number.isInteger(tick) || tick < 0) throw usage(`--until ${year}: before the scenario starts`)
  // Guards against typos like --until 20600: centuries of monthly ticks is never what was meant.
  if (tick > 12 * 300) throw usage(`--until ${year}: more than 300 years after the scenario starts`)
  return tick
}
