import type { MilestoneInfo } from "@takeoff/protocol"
import type { ChartData, ChartLine, ChartMarker, ChartSpec } from "./components/chart-options.js"
import type { FanSeries } from "./fan.js"
import { dateToYear } from "./format.js"
import type { RunSeries } from "./series.js"

/** A chart on the dashboard: its spec and the metric key behind each series. */
export interface DashboardChart {
  readonly spec: ChartSpec
  readonly keys: ReadonlyArray<string>
  /** "index" divides each series by its first finite value (prices in different units on one axis). */
  readonly transform?: "index"
  /** Not one of the headline charts: shown under "More metrics". */
  readonly more?: boolean
}

export const PALETTE = ["--tk-s1", "--tk-s2", "--tk-s3", "--tk-s4", "--tk-s5", "--tk-s6", "--tk-s7", "--tk-s8"]

const UNIT_SUFFIXES: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<=Share)$/, "share"],
  [/FlopS$|FlopPerS$|Flops$/, "FLOP/s"],
  [/Usd(PerHour|PerH)$/, "USD/h"],
  [/UsdPer(\w+)$/, "USD"],
  [/Usd$/, "USD"],
  [/Gw$/, "GW"],
  [/Mw$/, "MW"],
  [/Twh$/, "TWh"],
  [/Count$|Units$/, ""],
]

/**
 * Readable label and unit from a metric key named with its unit, as the style guide asks.
 * @example describeKey("powerUsedGw") // { label: "Power used", unit: "GW" }
 */
export const describeKey = (key: string): { label: string; unit: string } => {
  const last = key.split(/[.:/]/).pop() ?? key
  let unit = ""
  let stem = last
  for (const [re, u] of UNIT_SUFFIXES) {
    if (re.test(last)) {
      unit = u
      stem = last.replace(re, "") || last
      break
    }
  }
  const prefix = key.includes(".") ? `${key.split(".").slice(0, -1).join(" ")} ` : ""
  const words = `${prefix}${stem}`
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_.]/g, " ")
    .toLowerCase()
    .trim()
  const label = words.replace(/\b(ai|gdp|flop|gpu|ubi|usd)\b/g, (w) => w.toUpperCase())
  return { label: label.charAt(0).toUpperCase() + label.slice(1), unit }
}

/** What the server says about a metric (`metrics` in the metrics response). */
export interface MetricInfo {
  readonly key: string
  readonly label: string
  readonly unit: string
  readonly log?: boolean
}

interface Group {
  readonly id: string
  readonly title: string
  readonly match: RegExp
  readonly exclude?: RegExp
  readonly log?: boolean
  readonly unit?: string
  readonly transform?: "index"
  readonly single?: boolean
  readonly yMin?: number
  readonly yMax?: number
}

/**
 * Which metric keys feed which dashboard chart, in dashboard order; first match wins. Keys no group
 * takes become single charts under "More metrics".
 */
const GROUPS: ReadonlyArray<Group> = [
  {
    id: "ai-share",
    title: "AI share of GDP",
    match: /^aiShare$|ai.?share/i,
    single: true,
    unit: "share",
    yMin: 0,
    yMax: 1,
  },
  { id: "gdp", title: "World GDP", match: /^gdp(Usd)?$/i, single: true, log: true },
  { id: "compute", title: "Installed AI compute", match: /^installed\w*flops?$/i, single: true, log: true },
  { id: "chips", title: "Chips produced", match: /^chips(Made|Produced)/i, single: true },
  { id: "power", title: "Power used by AI", match: /^powerUsed/i, single: true },
  { id: "robots", title: "Robots in use", match: /^robotsInUse$/i, single: true, log: true },
  { id: "employment", title: "Employment by occupation", match: /^employment\./i },
  { id: "wages", title: "Wages by occupation", match: /^wage\./i },
  {
    id: "prices",
    title: "Prices (index, start = 1)",
    match: /^(inferencePrice|chipPrice|robotHourPrice|goodsPrice)/i,
    exclude: /PerH100e/i,
    log: true,
    transform: "index",
    unit: "×",
  },
  { id: "labour-share", title: "Labour share", match: /labou?r.?share/i, single: true, unit: "share" },
  { id: "post-scarcity", title: "Post-scarcity index", match: /scarcity.?index/i, single: true },
]

/** The AGI and ASI thresholds (AI share of GDP) drawn as reference lines on every AI-share chart. */
export const AI_LINES: ReadonlyArray<ChartLine> = [
  { value: 0.1, label: "AGI 10%", color: "--tk-agi" },
  { value: 0.9, label: "ASI 90%", color: "--tk-asi" },
]

/** The main chart's metric key (AI share of GDP), if the run publishes one. */
export const aiShareKey = (keys: ReadonlyArray<string>): string | undefined => keys.find((k) => /ai.?share/i.test(k))

/** "fraction" (the economy's unit for shares) plots as percent. */
const chartUnit = (unit: string): string => (unit === "fraction" ? "share" : unit)

/** A series label inside a grouped chart: the label without the group's prefix ("Wage: x" -> "x"). */
const seriesLabel = (key: string, info: MetricInfo | undefined): string => {
  if (!info) return describeKey(key).label
  const colon = info.label.indexOf(": ")
  return colon > 0 ? info.label.slice(colon + 2) : info.label
}

/**
 * Groups the run's metric keys into the dashboard's charts: the AI-share chart first, then GDP,
 * compute, chips, power, robots, employment and wages by occupation, prices, labour share and the
 * post-scarcity index; every other key gets its own chart flagged `more` (shown on demand).
 */
export const buildCharts = (
  keys: ReadonlyArray<string>,
  info: ReadonlyMap<string, MetricInfo> = new Map(),
): DashboardChart[] => {
  const byGroup = new Map<string, string[]>()
  const others: string[] = []
  for (const key of keys) {
    const g = GROUPS.find((g) => g.match.test(key) && !g.exclude?.test(key))
    if (!g || (g.single && byGroup.has(g.id))) others.push(key)
    else byGroup.set(g.id, [...(byGroup.get(g.id) ?? []), key])
  }
  const charts: DashboardChart[] = []
  for (const g of GROUPS) {
    const ks = byGroup.get(g.id)
    if (!ks) continue
    const units = new Set(ks.map((k) => chartUnit(info.get(k)?.unit ?? describeKey(k).unit)))
    const unit = g.unit ?? (units.size === 1 ? [...units][0] : "")
    const log = g.log ?? ks.every((k) => info.get(k)?.log === true)
    charts.push({
      keys: ks,
      transform: g.transform,
      spec: {
        id: g.id,
        title: g.title,
        unit,
        log,
        yMin: g.yMin,
        yMax: g.yMax,
        series: ks.map((k, i) => ({
          label: ks.length === 1 ? (info.get(k)?.label ?? g.title) : seriesLabel(k, info.get(k)),
          color: PALETTE[i % 8],
        })),
      },
    })
  }
  for (const key of others) {
    const d = describeKey(key)
    const m = info.get(key)
    const unit = chartUnit(m?.unit ?? d.unit)
    charts.push({
      keys: [key],
      more: true,
      spec: {
        id: key.replace(/[^a-zA-Z0-9_-]/g, "_"),
        title: m?.label ?? d.label,
        unit,
        log: m?.log,
        yMin: unit === "share" ? 0 : undefined,
        series: [{ label: m?.label ?? d.label, color: PALETTE[0] }],
      },
    })
  }
  return charts
}

/**
 * A sweep's P10/P50/P90 fan chart for one metric: shares on a 0-100% axis, and a log axis for the
 * metrics that grow by orders of magnitude, told apart by key as the dashboard's groups are.
 */
export const fanChart = (m: FanSeries): { spec: ChartSpec; isShare: boolean } => {
  const d = describeKey(m.key)
  const isShare = /ai.?share/i.test(m.key) || m.unit === "share" || m.unit === "fraction"
  const spec: ChartSpec = {
    id: `fan-${m.key}`,
    title: m.label ?? d.label,
    unit: isShare ? "share" : (m.unit ?? d.unit),
    yMin: isShare ? 0 : undefined,
    yMax: isShare ? 1 : undefined,
    log: /gdp|flop|compute|robot|price/i.test(m.key),
    series: [
      { label: "P10", color: PALETTE[0], width: 1 },
      { label: "P50", color: PALETTE[0], width: 2.2 },
      { label: "P90", color: PALETTE[0], width: 1 },
    ],
    bands: [[3, 1]],
  }
  return { spec, isShare }
}

/** A chart's data from a run's columns, up to (and including) point index `end - 1`. */
export const chartData = (series: RunSeries, chart: DashboardChart, end = series.length): ChartData => {
  const x = series.x().subarray(0, end)
  const cols = chart.keys.map((k) => {
    const col = series.column(k).subarray(0, end)
    if (chart.transform !== "index") return col
    let base = Number.NaN
    for (let i = 0; i < col.length && Number.isNaN(base); i++)
      if (Number.isFinite(col[i]) && col[i] !== 0) base = col[i]
    const out = new Float64Array(col.length)
    for (let i = 0; i < col.length; i++) out[i] = col[i] / base
    return out
  })
  return [x, ...cols]
}

const MILESTONE_LABEL: Record<MilestoneInfo["kind"], string> = {
  agi: "AGI",
  asi: "ASI",
  "post-scarcity": "Post-scarcity",
  catastrophe: "Catastrophe",
}

const MILESTONE_COLOR: Record<MilestoneInfo["kind"], string> = {
  agi: "--tk-agi",
  asi: "--tk-asi",
  "post-scarcity": "--tk-ps",
  catastrophe: "--tk-bad",
}

/** Vertical markers for milestones; on the AI-share chart (`withValue`) also a dot at the crossing. */
export const milestoneMarkers = (milestones: ReadonlyArray<MilestoneInfo>, withValue: boolean): ChartMarker[] =>
  milestones.map((m) => ({
    x: dateToYear(m.date),
    y: withValue && (m.kind === "agi" || m.kind === "asi") ? m.value : undefined,
    label: `${MILESTONE_LABEL[m.kind]} ${m.date}`,
    color: MILESTONE_COLOR[m.kind],
  }))

export const milestoneLabel = (kind: MilestoneInfo["kind"]): string => MILESTONE_LABEL[kind]
