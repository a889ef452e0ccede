/**
 * The one number formatter of the CLI and the UI, so a figure reads the same in a terminal table,
 * a chart axis and a tooltip. Decisions, made once:
 * - short scale (k, M, B, T), because the readers are economists and "334B robots" is their
 *   idiom, where SI's "G" reads as giga-something; past 1e15 scientific notation ("5.94e15"),
 *   because "quadrillion" has no suffix anyone agrees on;
 * - 3 significant digits;
 * - shares ("fraction") as percentages, rates of shares ("fraction/yr") as %/yr;
 * - money ("USD...") with a leading $ and the rest of the unit kept ("$30.5T/yr (2023 prices)");
 * - calendar years ("year") as years, never "2.02k".
 * Exact values go to --json, CSV and Parquet, never through here.
 */

const SHORT_SCALE: ReadonlyArray<readonly [number, string]> = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "k"],
]

const EM_DASH = "–"

/** 3 significant digits without trailing zeros: 12.345 -> "12.3", 0.5 -> "0.5", 120 -> "120". */
const sig3 = (v: number): string => String(Number(v.toPrecision(3)))

/**
 * A bare number: short scale from a thousand to a quadrillion, scientific outside [1e-3, 1e15).
 * @example formatNumber(3.34e11) // "334B"
 * @example formatNumber(5.94e15) // "5.94e15"
 */
export const formatNumber = (value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return EM_DASH
  if (value === 0) return "0"
  // Round first, so 999,960 picks "M" ("1M") rather than printing "1000k".
  const rounded = Number(value.toPrecision(3))
  const abs = Math.abs(rounded)
  if (abs >= 1e15 || abs < 1e-3) return value.toExponential(2).replace("e+", "e")
  const scale = SHORT_SCALE.find(([m]) => abs >= m)
  return scale === undefined ? String(rounded) : `${sig3(rounded / scale[0])}${scale[1]}`
}

/** Whether a unit is a share of a whole, printed as a percentage. */
export const isShareUnit = (unit: string | undefined): boolean =>
  unit === "fraction" || unit === "share" || unit === "%share"

const percent = (v: number): string => {
  const pct = v * 100
  if (pct !== 0 && Math.abs(pct) < 0.01) return pct > 0 ? "<0.01%" : ">-0.01%"
  return `${sig3(pct)}%`
}

/**
 * A value with its unit, in the form a reader expects for that unit.
 * @example formatValue(0.1234, "fraction") // "12.3%"
 * @example formatValue(3.05e13, "USD/yr (2023 prices)") // "$30.5T/yr (2023 prices)"
 * @example formatValue(2031, "year") // "2031"
 * @example formatValue(3.34e11, "robots") // "334B robots"
 */
export const formatValue = (value: number | null | undefined, unit = ""): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return EM_DASH
  if (isShareUnit(unit)) return percent(value)
  if (unit === "fraction/yr") return `${percent(value)}/yr`
  if (unit === "%") return `${sig3(value)}%`
  if (unit === "year") return Number.isInteger(value) ? String(value) : value.toFixed(1)
  if (unit.startsWith("USD")) {
    const sign = value < 0 ? "-" : ""
    return `${sign}$${formatNumber(Math.abs(value))}${unit.slice(3)}`
  }
  if (unit === "x" || unit === "×") return `${formatNumber(value)}×`
  // A bounded index ("0..1") says its range, not a unit: the number alone reads better.
  return unit === "" || /^[\d.]+\.\.[\d.]+$/.test(unit) ? formatNumber(value) : `${formatNumber(value)} ${unit}`
}
