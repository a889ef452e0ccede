/**
 * Formats a number for people: 3 significant digits with k/M/B/T suffixes for large magnitudes,
 * a percent for shares, plain for the rest. Exact values go to --json and export instead.
 *
 * @example
 * formatValue(1.234e14, "USD/yr") // "123T USD/yr"
 * formatValue(0.1234, "share")    // "12.3%"
 */
export const formatValue = (v: number, unit = ""): string => {
  if (!Number.isFinite(v)) return String(v)
  if (unit === "share" || unit === "%" || unit === "fraction") return `${Number((v * 100).toPrecision(3))}%`
  if (unit === "fraction/yr") return `${Number((v * 100).toPrecision(3))}%/yr`
  const a = Math.abs(v)
  const suffixes: Array<[number, string]> = [
    [1e15, "P"],
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ]
  let s: string
  const big = suffixes.find(([m]) => a >= m)
  if (a >= 1e18) s = v.toExponential(2)
  else if (big) s = `${Number((v / big[0]).toPrecision(3))}${big[1]}`
  else if (a === 0 || Number.isInteger(v)) s = String(v)
  else s = String(Number(v.toPrecision(3)))
  return unit ? `${s} ${unit}` : s
}

/** Left-aligned text table with two spaces between columns. */
export const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths: number[] = []
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i].length)
  }
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ")).join("\n")}\n`
}

const isShareUnit = (unit: string | undefined): boolean => (unit ?? "").startsWith("fraction")

/** A metric's row label with its unit, so table cells stay short: "World GDP (USD/yr, 2023 prices)". */
export const metricLabel = (m: { label: string; unit: string } | undefined, key: string): string => {
  if (m === undefined) return key
  return isShareUnit(m.unit) || m.unit === ""
    ? m.label
    : `${m.label} (${m.unit.replace(" (", ", ").replace(/\)$/, "")})`
}

/** A metric's value for a table whose row label carries the unit (shares still print as %). */
export const metricCell = (v: number | null | undefined, m: { unit: string } | undefined): string =>
  v === null || v === undefined ? "-" : formatValue(v, isShareUnit(m?.unit) ? m?.unit : undefined)
