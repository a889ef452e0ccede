import type { EconomyConfig } from "./scenario.js"

/** One tick is one month. */
export const TICKS_PER_YEAR = 12

const startOf = (config: Pick<EconomyConfig, "start">): { year: number; month: number } => ({
  year: Number(config.start.slice(0, 4)),
  month: Number(config.start.slice(5, 7)),
})

/**
 * The calendar month a tick simulates.
 *
 * @example
 * tickToDate(config, 0) // "2024-01" for a scenario starting 2024-01
 */
export const tickToDate = (config: Pick<EconomyConfig, "start">, tick: number): string => {
  const { year, month } = startOf(config)
  const m = month - 1 + tick
  const y = year + Math.floor(m / 12)
  const mm = (((m % 12) + 12) % 12) + 1
  return `${y}-${mm < 10 ? "0" : ""}${mm}`
}

/**
 * The tick of a month ("YYYY-MM") or of January of a year ("YYYY"). Throws RangeError on other input.
 *
 * @example
 * dateToTick(config, "2030") // 72 for a scenario starting 2024-01
 */
export const dateToTick = (config: Pick<EconomyConfig, "start">, date: string): number => {
  const m = /^(\d{4})(?:-(0[1-9]|1[0-2]))?$/.exec(date.trim())
  if (m === null) throw new RangeError(`date: expected "YYYY" or "YYYY-MM", got "${date}"`)
  const { year, month } = startOf(config)
  return (Number(m[1]) - year) * 12 + (m[2] === undefined ? 1 : Number(m[2])) - month
}

/**
 * The last tick of a year (December), inclusive: run `untilTickForYear(config, 2060) + 1` ticks.
 *
 * @example
 * untilTickForYear(config, 2024) // 11
 */
export const untilTickForYear = (config: Pick<EconomyConfig, "start">, year: number): number =>
  dateToTick(config, `${year}-12`)

/**
 * Fractional calendar year of tick 0 (2024.5 for a scenario starting 2024-07): `Derived.startYear`.
 *
 * @example
 * startYearOf({ start: "2024-07" }) // 2024.5
 */
export const startYearOf = (config: Pick<EconomyConfig, "start">): number => {
  const { year, month } = startOf(config)
  return year + (month - 1) / TICKS_PER_YEAR
}

/**
 * Fractional calendar year of a tick, from the start year (`Derived.startYear`).
 *
 * @example
 * yearAtTick(2024, 18) // 2025.5
 */
export const yearAtTick = (startYear: number, tick: number): number => startYear + tick / TICKS_PER_YEAR

/**
 * The tick a fractional calendar year falls on, to the nearest month (negative: before the start).
 *
 * @example
 * tickAtYear(2024, 2027.5) // 42
 */
export const tickAtYear = (startYear: number, year: number): number => Math.round((year - startYear) * TICKS_PER_YEAR)

/** Fractional calendar year of a tick (2024.0 for January 2024). */
export const tickToYear = (config: Pick<EconomyConfig, "start">, tick: number): number =>
  yearAtTick(startYearOf(config), tick)
