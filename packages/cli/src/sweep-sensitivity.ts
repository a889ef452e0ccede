import type { Influence, SobolIndex } from "@takeoff/agents"
import { table } from "./format.js"

interface MilestoneRow {
  readonly label: string
  readonly reached: number
  readonly reachedBy: Readonly<Record<string, number>>
  readonly p5: string
  readonly p10: string
  readonly p50: string
  readonly p90: string
  readonly p95: string
}

const pct = (x: number | undefined) => (x === undefined ? "-" : `${(x * 100).toFixed(1)}%`)

/** The milestone table: percentiles of the date and the share of runs reaching it by each year. */
export const formatMilestones = (rows: ReadonlyArray<MilestoneRow>, byYears: ReadonlyArray<number>, until: number) =>
  table([
    [
      "milestone",
      ...byYears.map((y) => `by ${y}`),
      ...(byYears.includes(until) ? [] : [`by ${until}`]),
      "P5",
      "P10",
      "P50",
      "P90",
      "P95",
    ],
    ...rows.map((m) => [
      m.label,
      ...byYears.map((y) => pct(m.reachedBy[String(y)])),
      ...(byYears.includes(until) ? [] : [pct(m.reached)]),
      m.p5,
      m.p10,
      m.p50,
      m.p90,
      m.p95,
    ]),
  ])

const num = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(2) : "-")

/**
 * The most influential parameters: Spearman's rho and the first-order Sobol index (from the sample)
 * for AGI and ASI, and with a Saltelli sweep the Sobol first and total order from its design.
 */
export const formatSensitivity = (
  influences: ReadonlyArray<Influence>,
  labels: ReadonlyArray<string>,
  sobol?: Record<string, Record<string, SobolIndex>>,
): string => {
  const main = labels.filter((l) => l === "AGI" || l === "ASI")
  const shown = influences.filter((i) => main.some((l) => Number.isFinite(i.rho[l]))).slice(0, 8)
  if (shown.length === 0) return ""
  const head = ["parameter", ...main.flatMap((l) => [`rho ${l}`, `S1 ${l}`, ...(sobol ? [`ST ${l}`] : [])])]
  const rows = shown.map((i) => [
    i.path,
    ...main.flatMap((l) => [
      num(i.rho[l]),
      num(sobol ? sobol[i.path]?.[l]?.first : i.s1[l]),
      ...(sobol ? [num(sobol[i.path]?.[l]?.total)] : []),
    ]),
  ])
  const how = sobol
    ? "S1/ST: Sobol first/total order from the Saltelli design"
    : "S1: first-order Sobol index estimated from the sample by binning"
  return `\nMost influential parameters (rho: Spearman with the milestone date; ${how}; a run that never reaches a milestone counts as one year past the horizon):\n${table([head, ...rows])}`
}
