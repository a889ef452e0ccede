/**
 * Terminal tables. Numbers go through the shared formatter (`@takeoff/protocol`'s formatValue),
 * so the CLI prints a figure exactly as the UI shows it; exact values go to --json and export.
 */
import { formatNumber, formatValue } from "@takeoff/protocol"

/** Left-aligned text table with two spaces between columns. */
export const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths: number[] = []
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i].length)
  }
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ")).join("\n")}\n`
}

/** Units whose cells carry their own sign (%, %/yr), so the row label need not repeat them. */
const selfDescribing = (unit: string | undefined): boolean => (unit ?? "").startsWith("fraction")

/** A metric's row label with its unit, so table cells stay short: "World GDP (USD/yr, 2023 prices)". */
export const metricLabel = (m: { label: string; unit: string } | undefined, key: string): string => {
  if (m === undefined) return key
  return selfDescribing(m.unit) || m.unit === ""
    ? m.label
    : `${m.label} (${m.unit.replace(" (", ", ").replace(/\)$/, "")})`
}

/** A metric's value for a table whose row label carries the unit (shares still print as %). */
export const metricCell = (v: number | null | undefined, m: { unit: string } | undefined): string =>
  v === null || v === undefined
    ? "-"
    : selfDescribing(m?.unit)
      ? formatValue(v, m?.unit)
      : m?.unit === "year"
        ? formatValue(v, "year")
        : formatNumber(v)
