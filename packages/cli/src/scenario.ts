import { type ModelKit, ScenarioRejected } from "@takeoff/core"
import { usage } from "./errors.js"

/** Splits `--set path=value` flags into pairs; the value is parsed and checked by the model's kit. */
export const parseSets = (sets: ReadonlyArray<string> | undefined, flag = "--set"): Array<[string, string]> =>
  (sets ?? []).map((s) => {
    const eq = s.indexOf("=")
    if (eq <= 0) throw usage(`${flag} ${s}: expected path=value, e.g. ${flag} ai.algorithmicProgressPerYear=3`)
    return [s.slice(0, eq), s.slice(eq + 1)]
  })

/**
 * Loads a scenario by name or file with overrides (later pairs win); a refusal becomes one usage
 * line naming the file and field and what was expected, or the `--set` flag when an override is at
 * fault (the kit names those fields `overrides.<path>`).
 */
export const loadScenarioOrFail = (
  kit: ModelKit,
  nameOrPath: string,
  set: ReadonlyArray<readonly [string, string]> = [],
  flag = "--set",
): unknown => {
  try {
    return kit.scenarios.load(nameOrPath, Object.fromEntries(set))
  } catch (e) {
    if (e instanceof ScenarioRejected) {
      if (e.field.startsWith("overrides.")) throw usage(`${flag} ${e.message}`)
      throw usage(e.file === undefined ? e.message : `${e.file}: ${e.message}`)
    }
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

/** The last tick to run: December of `--until YEAR` checked against the calendar, or the scenario's end. */
export const untilTickOrFail = (kit: ModelKit, config: unknown, year: number | undefined): number => {
  if (year === undefined) return kit.calendar.untilTick(config)
  let tick: number
  try {
    tick = kit.calendar.untilTick(config, year)
  } catch (e) {
    throw usage(`--until ${year}: ${(e as Error).message}`)
  }
  if (!Number.isInteger(tick) || tick < 0) throw usage(`--until ${year}: before the scenario starts`)
  // Guards against typos like --until 20600: centuries of monthly ticks is never what was meant.
  if (tick > 12 * 300) throw usage(`--until ${year}: more than 300 years after the scenario starts`)
  return tick
}
