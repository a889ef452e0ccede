import type uPlot from "uplot"
import { formatNumber, formatValue } from "@takeoff/protocol"
import { yearToDate } from "../format.js"

export interface ChartSeriesSpec {
  readonly label: string
  /** A CSS colour, or a custom property name like "--tk-s1" resolved against the theme. */
  readonly color: string
  readonly dash?: number[]
  readonly width?: number
}

export interface ChartSpec {
  readonly id: string
  readonly title: string
  /** Unit of the y values, used by the legend and axis ("share" shows percent). */
  readonly unit: string
  readonly log?: boolean
  readonly yMin?: number
  readonly yMax?: number
  readonly series: ReadonlyArray<ChartSeriesSpec>
  /** Filled bands between two series, by 1-based series index: [upper, lower] (fan charts). */
  readonly bands?: ReadonlyArray<readonly [number, number]>
}

/** A horizontal reference line (e.g. the 10% AGI threshold). */
export interface ChartLine {
  readonly value: number
  readonly label: string
  readonly color?: string
}

/** A vertical marker at an x (decimal year); with `y`, also a dot where a series crossed. */
export interface ChartMarker {
  readonly x: number
  readonly y?: number
  readonly label: string
  readonly color?: string
}

export type ChartData = ReadonlyArray<ArrayLike<number | null>>

/** Turns a colour of a spec ("--tk-s1" or any CSS colour) into one the canvas can draw, or the fallback. */
export type ColorResolver = (color: string | undefined, fallback: string) => string

/** What the options builder needs besides the spec: size, crosshair group, colours and the chart's own hooks. */
export interface ChartOptionsInput {
  readonly spec: ChartSpec
  readonly widthPx: number
  readonly heightPx: number
  /** Charts with the same key share a crosshair. */
  readonly syncKey: string
  readonly color: ColorResolver
  /** Draws reference lines, markers and the highlight after each uPlot draw (`fg` is the theme's text colour). */
  readonly drawOverlays: (u: uPlot, fg: string) => void
  /** The user dragged a new x range on this chart (not called for ranges the chart was given). */
  readonly onXScale: (u: uPlot) => void
}

/** Powers of ten only, at most ~6 of them, so log axes stay legible over many decades. */
export const logSplits = (min: number, max: number): number[] => {
  if (!(min > 0) || !(max > min)) return [min, max]
  const lo = Math.floor(Math.log10(min))
  const hi = Math.ceil(Math.log10(max))
  const step = Math.max(1, Math.ceil((hi - lo) / 5))
  const out: number[] = []
  for (let e = lo; e <= hi; e += step) {
    const v = 10 ** e
    if (v >= min * 0.999 && v <= max * 1.001) out.push(v)
  }
  return out.length >= 2 ? out : [min, Math.sqrt(min * max), max]
}

/** The last finite value of a column (what the legend shows with the pointer away), or null. */
export const lastFinite = (col: ArrayLike<number | null | undefined> | undefined): number | null => {
  if (!col) return null
  for (let i = col.length - 1; i >= 0; i--) {
    const v = col[i]
    if (v !== null && v !== undefined && Number.isFinite(v)) return v
  }
  return null
}

/**
 * The y columns as uPlot draws them: NaN becomes a gap, and so does a value <= 0 on a log scale
 * (uPlot's log scale cannot draw it). `reuse` holds the columns of the previous call and is refilled
 * in place, so a chart allocates nothing per update (uPlot reads them only while drawing).
 * @example plotColumns([[2024, 2025], [1, Number.NaN]], false, [])[1] // [1, null]
 */
export const plotColumns = (data: ChartData, log: boolean, reuse: (number | null)[][]): uPlot.AlignedData => {
  const out: (ArrayLike<number | null> | (number | null)[])[] = [data[0] ?? []]
  reuse.length = Math.max(0, data.length - 1)
  for (let s = 1; s < data.length; s++) {
    const src = data[s]
    const col = (reuse[s - 1] ??= [])
    col.length = src.length
    for (let i = 0; i < src.length; i++) {
      const v = src[i]
      col[i] = v === null || Number.isNaN(v) || (log && v <= 0) ? null : v
    }
    out.push(col)
  }
  return out as uPlot.AlignedData
}

/**
 * What a drag to [min, max] means for the `chart-zoom` event: the range, or null when it spans all
 * of the data (zoomed back out).
 * @example zoomDetail(2030, 2040, [2024, 2050]) // [2030, 2040]
 */
export const zoomDetail = (
  min: number,
  max: number,
  xs: ArrayLike<number | null> | undefined,
): readonly [number, number] | null => {
  const n = xs?.length ?? 0
  const isFull = n === 0 || (min <= (xs![0] as number) && max >= (xs![n - 1] as number))
  return isFull ? null : [min, max]
}

/**
 * The y axis' tick labels: percent for shares, the shared short-scale formatter otherwise, with
 * scientific notation shortened ("1e16", not "1.00e16") so it fits the axis.
 */
const yTickLabel = (v: number | null, isShare: boolean): string => {
  if (v === null) return ""
  if (isShare) return `${Math.round(v * 100)}%`
  const text = formatNumber(v)
  return text.includes("e") ? Number(v.toPrecision(3)).toExponential().replace("e+", "e") : text
}

/**
 * uPlot options for a chart spec: series styles and legend values, linear or log y scale (with
 * power-of-ten splits), month/quarter/year x ticks, the crosshair group and drag-to-zoom. Pure: the
 * DOM-dependent parts (colours, overlays, zoom events) come in through `input`.
 * @example
 * const opts = chartOptions({ spec, widthPx: 600, heightPx: 180, syncKey: "dash", color: (c, f) => c ?? f,
 *   drawOverlays: () => {}, onXScale: () => {} })
 */
export const chartOptions = (input: ChartOptionsInput): uPlot.Options => {
  const { spec, color } = input
  const fg = color("--tk-fg", "#222")
  const muted = color("--tk-muted", "#777")
  const grid = color("--tk-grid", "#8883")
  const isShare = spec.unit === "share"
  const fmt = (v: number | null) => formatValue(v, spec.unit)
  const series: uPlot.Series[] = [
    {
      label: "date",
      value: (u, v, _s, idx) => {
        const x = idx === null ? lastFinite(u.data[0]) : v
        return x === null ? "–" : yearToDate(x)
      },
    },
    ...spec.series.map(
      (s): uPlot.Series => ({
        label: s.label,
        stroke: color(s.color, fg),
        width: s.width ?? 1.6,
        dash: s.dash,
        spanGaps: false,
        points: { show: false },
        // With the pointer away (idx null) the legend shows the latest value rather than a dash.
        value: (u, v, sidx, idx) => fmt(idx === null ? lastFinite(u.data[sidx]) : v),
      }),
    ),
  ]
  return {
    width: input.widthPx,
    height: input.heightPx,
    series,
    bands: spec.bands?.map(([upper, lower]) => ({
      series: [upper, lower] as [number, number],
      fill: `${color(spec.series[upper - 1]?.color, fg)}33`,
    })),
    scales: {
      x: { time: false },
      y: {
        distr: spec.log ? 3 : 1,
        range: spec.log
          ? undefined
          : (_u, min, max) => [spec.yMin ?? Math.min(0, min), spec.yMax ?? (max > min ? max : min + 1)],
      },
    },
    axes: [
      {
        stroke: muted,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        // Ticks on whole months, quarters or whole years only, so labels never round (2027.5 -> "2028").
        incrs: [1 / 12, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100],
        values: (_u, splits) => {
          const span = (splits[splits.length - 1] ?? 0) - (splits[0] ?? 0)
          // Half-year splits of a short span would print each year twice: name their months instead.
          const whole = splits.every((v) => Math.abs(v - Math.round(v)) < 1e-6)
          return splits.map((v) => (span < 3 || !whole ? yearToDate(v) : String(Math.round(v))))
        },
      },
      {
        stroke: muted,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        size: 54,
        splits: spec.log ? (_u, _i, min, max) => logSplits(min, max) : undefined,
        // Keep every label of our own log splits (uPlot would hide those it thinks are minor).
        filter: spec.log ? (_u, splits) => splits : undefined,
        // uPlot nulls the minor splits of log axes to hide their labels.
        values: (_u, splits) => splits.map((v) => yTickLabel(v, isShare)),
      },
    ],
    cursor: {
      sync: { key: input.syncKey, setSeries: false },
      drag: { x: true, y: false, setScale: true },
      points: { size: 6 },
    },
    legend: { live: true },
    hooks: {
      draw: [(u) => input.drawOverlays(u, fg)],
      // The legend only refreshes on cursor moves; with the pointer away, show the new latest values.
      setData: [
        (u) => {
          if ((u.cursor.left ?? -1) < 0) u.setLegend({ idx: null as unknown as number })
        },
      ],
      setScale: [
        (u, key) => {
          if (key === "x") input.onXScale(u)
        },
      ],
    },
  }
}
