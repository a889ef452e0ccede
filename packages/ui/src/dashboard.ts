import type { MetricGroup, MetricInfo, MilestoneInfo, MilestoneThreshold } from "@takeoff/protocol"
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

/**
 * The metric a run's milestone thresholds are drawn on (the economy's AI share of GDP), which leads
 * the dashboard as its main chart; none if the model has no thresholds or the run lacks the metric.
 */
export const mainMetricKey = (
  keys: ReadonlyArray<string>,
  thresholds: ReadonlyArray<MilestoneThreshold>,
): string | undefined => thresholds.map((t) => t.metric).find((k) => keys.includes(k))

/** Shares plot as percent, so their thresholds read as percent ("AGI 10%"). */
const thresholdValueText = (value: number, unit: string | undefined): string =>
  unit === "fraction" || unit === "share" ? `${Number((value * 100).toPrecision(3))}%` : String(value)

/**
 * The reference lines of the milestone thresholds on the chart of metric `key`, as the server sent
 * them (from the run's scenario), e.g. AGI at 10% and ASI at 90% of the AI share of GDP.
 */
export const thresholdLines = (
  thresholds: ReadonlyArray<MilestoneThreshold>,
  key: string | undefined,
  unit?: string,
): ChartLine[] =>
  thresholds
    .filter((t) => t.metric === key)
    .map((t) => ({
      value: t.value,
      label: `${t.label} ${thresholdValueText(t.value, unit)}`,
      color: MILESTONE_COLOR[t.kind],
    }))

/** "fraction" (the economy's unit for shares) plots as percent. */
const chartUnit = (unit: string): string => (unit === "fraction" ? "share" : unit)

/** A series label inside a grouped chart: the label without the group's prefix ("Wage: x" -> "x"). */
const seriesLabel = (key: string, info: MetricInfo | undefined): string => {
  if (!info) return describeKey(key).label
  const colon = info.label.indexOf(": ")
  return colon > 0 ? info.label.slice(colon + 2) : info.label
}

/**
 * Groups the run's metric keys into the dashboard's charts as the model says (each metric's
 * `group`, the groups in the model's order: for the economy the AI-share chart first, then GDP,
 * compute, chips, power, robots, employment and wages by occupation, prices, labour share and the
 * post-scarcity index); every other key gets its own chart flagged `more` (shown on demand).
 */
export const buildCharts = (
  keys: ReadonlyArray<string>,
  info: ReadonlyMap<string, MetricInfo> = new Map(),
  groups: ReadonlyArray<MetricGroup> = [],
): DashboardChart[] => {
  const known = new Set(groups.map((g) => g.id))
  const byGroup = new Map<string, string[]>()
  const others: string[] = []
  for (const key of keys) {
    const g = info.get(key)?.group
    if (g === undefined || !known.has(g)) others.push(key)
    else byGroup.set(g, [...(byGroup.get(g) ?? []), key])
  }
  const charts: DashboardChart[] = []
  for (const g of groups) {
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
 * metrics the model marks as growing by orders of magnitude.
 */
export const fanChart = (m: FanSeries): { spec: ChartSpec; isShare: boolean } => {
  const d = describeKey(m.key)
  const isShare = m.unit === "share" || m.unit === "fraction"
  const spec: ChartSpec = {
    id: `fan-${m.key}`,
    title: m.label ?? d.label,
    unit: isShare ? "share" : (m.unit ?? d.unit),
    yMin: isShare ? 0 : undefined,
    yMax: isShare ? 1 : undefined,
    log: m.log === true,
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

/** The theme colour (a CSS custom property) a milestone is drawn in, on the charts and in the banner. */
export const MILESTONE_COLOR: Record<MilestoneInfo["kind"], string> = {
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
