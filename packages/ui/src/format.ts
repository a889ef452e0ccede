/**
 * Calendar helpers of the charts' year axis. Numbers are formatted by `@takeoff/protocol`'s
 * formatNumber / formatValue, shared with the CLI.
 */

/**
 * "YYYY-MM" -> decimal year at the start of that month; the charts' x axis is in years.
 * @example dateToYear("2031-07") // 2031.5
 */
export const dateToYear = (date: string): number => {
  const [y, m] = date.split("-")
  return Number(y) + (Number(m ?? "1") - 1) / 12
}

/**
 * Decimal year -> "YYYY-MM" (the month the instant falls in).
 * @example yearToDate(2031.5) // "2031-07"
 */
export const yearToDate = (year: number): string => {
  const y = Math.floor(year + 1e-9)
  const m = Math.min(12, Math.floor((year - y) * 12 + 1e-6) + 1)
  return `${y}-${String(m).padStart(2, "0")}`
}
