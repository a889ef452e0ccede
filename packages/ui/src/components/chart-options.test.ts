import type uPlot from "uplot"
import { describe, expect, it } from "vitest"
import { chartCsv } from "./chart-export.js"
import {
  type ChartOptionsInput,
  type ChartSpec,
  chartOptions,
  lastFinite,
  logSplits,
  plotColumns,
  zoomDetail,
} from "./chart-options.js"

const THEME: Record<string, string> = {
  "--tk-fg": "#111",
  "--tk-muted": "#555",
  "--tk-grid": "#ddd",
  "--tk-s1": "#0b62c4",
}

const input = (spec: ChartSpec, over: Partial<ChartOptionsInput> = {}): ChartOptionsInput => ({
  spec,
  widthPx: 600,
  heightPx: 180,
  syncKey: "dash",
  color: (c, fallback) => (c ? (THEME[c] ?? (c.startsWith("--") ? fallback : c)) : fallback),
  drawOverlays: () => {},
  onXScale: () => {},
  ...over,
})

const share: ChartSpec = {
  id: "ai-share",
  title: "AI share of GDP",
  unit: "share",
  yMin: 0,
  yMax: 1,
  series: [{ label: "AI share", color: "--tk-s1" }],
}
const gdp: ChartSpec = {
  id: "gdp",
  title: "World GDP",
  unit: "USD",
  log: true,
  series: [{ label: "GDP", color: "#123456" }],
}

/** Calls an axis' or a series' callback the way uPlot does; the chart's callbacks only read `data` and `cursor`. */
const fakePlot = (data: uPlot.AlignedData) => ({ data, cursor: { left: -10 } }) as unknown as uPlot

describe("chartOptions", () => {
  it("sizes the plot, shares the crosshair by syncKey and zooms by dragging x only", () => {
    const o = chartOptions(input(share))
    expect([o.width, o.height]).toEqual([600, 180])
    expect(o.cursor?.sync?.key).toBe("dash")
    expect(o.cursor?.drag).toMatchObject({ x: true, y: false, setScale: true })
    expect(o.scales?.x?.time).toBe(false)
  })

  it("styles one uPlot series per spec series, after the date series, with theme colours resolved", () => {
    const spec: ChartSpec = {
      ...share,
      series: [
        { label: "a", color: "--tk-s1", width: 2.2, dash: [6, 4] },
        { label: "b", color: "red" },
      ],
    }
    const o = chartOptions(input(spec))
    expect(o.series.map((s) => s.label)).toEqual(["date", "a", "b"])
    expect(o.series[1]).toMatchObject({ stroke: "#0b62c4", width: 2.2, dash: [6, 4], spanGaps: false })
    expect(o.series[2]).toMatchObject({ stroke: "red", width: 1.6 })
  })

  it("shows shares as percent in the legend and on the axis, on the range the spec fixes", () => {
    const o = chartOptions(input(share))
    const u = fakePlot([
      [2024, 2025],
      [0.1, 0.25],
    ])
    const legend = o.series[1].value as (u: uPlot, v: number | null, s: number, i: number | null) => string
    expect(legend(u, 0.123, 1, 0)).toBe("12.3%")
    // With the pointer away the legend shows the latest value.
    expect(legend(u, null, 1, null)).toBe("25%")
    const yAxis = o.axes![1]
    expect((yAxis.values as (u: uPlot, s: number[]) => string[])(u, [0, 0.5, 1])).toEqual(["0%", "50%", "100%"])
    const range = o.scales!.y.range as (u: uPlot, min: number, max: number) => [number, number]
    expect(range(u, 0.01, 0.3)).toEqual([0, 1])
    expect(o.scales!.y.distr).toBe(1)
  })

  it("starts a linear axis at zero and widens a flat one", () => {
    const o = chartOptions(input({ ...share, unit: "GW", yMin: undefined, yMax: undefined }))
    const range = o.scales!.y.range as (u: uPlot, min: number, max: number) => [number, number]
    expect(range(fakePlot([[]]), 3, 9)).toEqual([0, 9])
    expect(range(fakePlot([[]]), 5, 5)).toEqual([0, 6])
    expect(range(fakePlot([[]]), -2, 4)).toEqual([-2, 4])
  })

  it("puts a log chart on a log scale with power-of-ten splits, labelled with SI prefixes", () => {
    const o = chartOptions(input(gdp))
    expect(o.scales!.y.distr).toBe(3)
    expect(o.scales!.y.range).toBeUndefined()
    const yAxis = o.axes![1]
    const splits = (yAxis.splits as (u: uPlot, i: number, min: number, max: number) => number[])(
      fakePlot([[]]),
      1,
      2e13,
      3e15,
    )
    expect(splits).toEqual([1e14, 1e15])
    expect(
      (yAxis.values as (u: uPlot, s: Array<number | null>) => string[])(fakePlot([[]]), [
        1e14,
        null,
        2e-5,
        1e16,
        6.3e26,
      ]),
    ).toEqual(["100T", "", "2e-5", "1e16", "6.3e26"])
  })

  it("labels the x axis by year, or by month when the span is under three years", () => {
    const values = chartOptions(input(share)).axes![0].values as (u: uPlot, s: number[]) => string[]
    expect(values(fakePlot([[]]), [2024, 2030, 2040])).toEqual(["2024", "2030", "2040"])
    expect(values(fakePlot([[]]), [2030, 2030.25, 2030.5])).toEqual(["2030-01", "2030-04", "2030-07"])
  })

  it("fills fan bands in the upper series' colour", () => {
    const fan: ChartSpec = {
      ...share,
      series: [
        { label: "P10", color: "--tk-s1" },
        { label: "P50", color: "--tk-s1" },
        { label: "P90", color: "--tk-s1" },
      ],
      bands: [[3, 1]],
    }
    expect(chartOptions(input(fan)).bands).toEqual([{ series: [3, 1], fill: "#0b62c433" }])
  })

  it("hands draws to the overlay painter with the theme's text colour, and x scale changes to the chart", () => {
    const drawn: string[] = []
    const scaled: string[] = []
    const o = chartOptions(input(share, { drawOverlays: (_u, fg) => drawn.push(fg), onXScale: () => scaled.push("x") }))
    const u = fakePlot([[]])
    const hooks = o.hooks as Required<uPlot.Hooks.Arrays>
    for (const h of hooks.draw) h?.(u)
    for (const h of hooks.setScale) {
      h?.(u, "y")
      h?.(u, "x")
    }
    expect(drawn).toEqual(["#111"])
    expect(scaled).toEqual(["x"])
  })
})

describe("chart helpers", () => {
  it("keeps a handful of powers of ten on log axes", () => {
    expect(logSplits(1, 1e12)).toEqual([1, 1e3, 1e6, 1e9, 1e12])
    expect(logSplits(2, 5)).toEqual([2, Math.sqrt(10), 5])
    expect(logSplits(0, 10)).toEqual([0, 10])
  })

  it("finds the last finite value of a column", () => {
    expect(lastFinite([1, 2, Number.NaN, null])).toBe(2)
    expect(lastFinite([null])).toBeNull()
    expect(lastFinite(undefined)).toBeNull()
  })

  it("turns NaN, and values <= 0 on a log scale, into gaps, reusing the columns", () => {
    const reuse: (number | null)[][] = []
    const data = [
      [2024, 2025, 2026],
      [1, Number.NaN, -1],
      [0, 2, null],
    ]
    expect(plotColumns(data, false, reuse)).toEqual([
      [2024, 2025, 2026],
      [1, null, -1],
      [0, 2, null],
    ])
    const first = reuse[0]
    expect(plotColumns(data, true, reuse)).toEqual([
      [2024, 2025, 2026],
      [1, null, null],
      [null, 2, null],
    ])
    expect(reuse[0]).toBe(first)
  })

  it("reports a zoom as a range, or null when it spans all the data", () => {
    expect(zoomDetail(2030, 2040, [2024, 2035, 2050])).toEqual([2030, 2040])
    expect(zoomDetail(2024, 2050, [2024, 2035, 2050])).toBeNull()
    expect(zoomDetail(2030, 2040, [])).toBeNull()
  })

  it("exports a chart's series as CSV with dates and empty cells for gaps", () => {
    const spec: ChartSpec = {
      ...share,
      series: [
        { label: "AI share", color: "--tk-s1" },
        { label: 'a "b", c', color: "red" },
      ],
    }
    expect(
      chartCsv(spec, [
        [2024, 2024 + 1 / 12],
        [0.1, Number.NaN],
        [null, 2],
      ]),
    ).toBe('date,AI share,"a ""b"", c"\n2024-01,0.1,\n2024-02,,2\n')
  })
})
