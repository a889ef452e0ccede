/** Display helpers shared by charts, feed and editor. Pure functions, no DOM. */

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

const SI = ["", "k", "M", "G", "T", "P", "E", "Z", "Y", "R", "Q"]

/**
 * Compact number with an SI prefix, 3 significant digits; tiny values in scientific notation.
 * @example formatSi(3.2e18) // "3.20E"
 */
export const formatSi = (value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–"
  const abs = Math.abs(value)
  if (abs === 0) return "0"
  if (abs < 1e-3) return value.toExponential(2)
  if (abs < 1000) return Number(value.toPrecision(3)).toString()
  const exp = Math.min(SI.length - 1, Math.floor(Math.log10(abs) / 3))
  if (exp >= SI.length - 1 && abs >= 1e33) return value.toExponential(2)
  return `${(value / 10 ** (exp * 3)).toPrecision(3)}${SI[exp]}`
}

/**
 * Value with its unit, choosing a readable form for the common units.
 * @example formatValue(0.123, "share") // "12.3%"
 */
export const formatValue = (value: number | null | undefined, unit = ""): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–"
  if (unit === "share" || unit === "fraction" || unit === "%share") {
    const pct = value * 100
    return Math.abs(pct) > 0 && Math.abs(pct) < 0.01 ? "<0.01%" : `${Number(pct.toPrecision(3))}%`
  }
  if (unit === "%") return `${value.toPrecision(3)}%`
  if (unit === "USD" || unit === "$") return `$${formatSi(value)}`
  const text = formatSi(value)
  return unit ? `${text} ${unit}` : text
}
