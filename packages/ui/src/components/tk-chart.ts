import { css, html, LitElement, type PropertyValues, unsafeCSS } from "lit"
import { customElement, property, query } from "lit/decorators.js"
import uPlot from "uplot"
import uplotCss from "uplot/dist/uPlot.min.css?inline"
import { formatValue } from "@takeoff/protocol"
import { yearToDate } from "../format.js"
import { forgetThemeColors, themeColors } from "./chart-colors.js"
import { chartCsv, chartPng, downloadUrl } from "./chart-export.js"
import type { ChartData, ChartLine, ChartMarker, ChartSpec } from "./chart-options.js"
import { chartOptions, plotColumns, zoomDetail } from "./chart-options.js"
import { drawOverlays } from "./chart-overlays.js"
import {
  clearStale,
  isNearViewport,
  markStale,
  observeChart,
  type ScheduledChart,
  unobserveChart,
} from "./chart-scheduler.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-chart": TkChart
  }
}

/**
 * A dumb time-series chart over uPlot: data, reference lines, markers and the x range come in as
 * properties; zoom and clicks go out as `chart-zoom` / `chart-click` events. Charts given the same
 * `syncKey` share a crosshair. Exports its canvas as PNG and its series as CSV.
 *
 * @fires chart-zoom - detail `[minYear, maxYear]`, or null when zoomed back out (double-click)
 * @fires chart-click - detail `{ x }`, the decimal year under the pointer
 * @example
 * html`<tk-chart .spec=${spec} .data=${[x, y]} syncKey="run"></tk-chart>`
 */
@customElement("tk-chart")
export class TkChart extends LitElement implements ScheduledChart {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host { display: block; min-width: 0; background: var(--tk-panel); border: 1px solid var(--tk-border);
        border-radius: 8px; padding: 8px 10px 6px; color: var(--tk-fg);
        /* A legend or canvas change per frame must not re-lay-out or repaint the rest of the page. */
        contain: content; }
      header { display: flex; align-items: baseline; gap: 8px; }
      h3 { font-size: 0.9rem; margin: 0; flex: 1; font-weight: 600; }
      .unit { color: var(--tk-muted); font-weight: 400; font-size: 0.8rem; }
      button { font: inherit; font-size: 0.72rem; padding: 2px 6px; border-radius: 4px; cursor: pointer;
        background: transparent; color: var(--tk-muted); border: 1px solid var(--tk-border); }
      button:hover, button:focus-visible { color: var(--tk-fg); border-color: var(--tk-accent); }
      .plot { width: 100%; min-height: 40px; border-radius: 4px; }
      .plot:focus-visible { outline: 2px solid var(--tk-accent); outline-offset: 2px; }
      .empty { color: var(--tk-muted); font-size: 0.8rem; padding: 8px 0; }
      .u-legend { font-size: 0.72rem; color: var(--tk-fg); text-align: left; }
      .u-legend .u-marker { width: 0.8em; height: 0.8em; }
      .u-legend th { font-weight: 500; }
      .u-legend tr { margin-right: 10px; }
      .u-select { background: color-mix(in srgb, var(--tk-accent) 18%, transparent); }
    `,
  ]

  @property({ attribute: false }) spec: ChartSpec | null = null
  @property({ attribute: false }) data: ChartData = []
  @property({ attribute: false }) lines: ReadonlyArray<ChartLine> = []
  @property({ attribute: false }) markers: ReadonlyArray<ChartMarker> = []
  /** An x to mark with a vertical cursor line (selected event, replay position). */
  @property({ attribute: false }) highlightX: number | null = null
  /** Shared x range [min, max] in decimal years; null fits the data. */
  @property({ attribute: false }) xRange: readonly [number, number] | null = null
  @property() syncKey = "takeoff"
  @property({ type: Number }) height = 180

  @query(".plot") private plotEl!: HTMLDivElement
  private plot: uPlot | null = null
  /** The plot element's width at the last resize observation (0 until the first). */
  private width = 0
  /** Whether the chart is in or near the viewport (assumed until the first observation says not). */
  private visible = true
  private visibilityKnown = false
  /** Updates arrived while out of view that the canvas does not show yet. */
  private stale = false
  /** A spec, height or sync change arrived while out of view: the plot is rebuilt on catching up. */
  private needsBuild = false
  /** When the canvas last took new data (performance.now()). */
  drawnAt = 0
  /** The null-for-gap columns handed to uPlot, reused from update to update. */
  private columns: (number | null)[][] = []
  private colorScheme = matchMedia("(prefers-color-scheme: dark)")
  private onScheme = () => this.build()
  /** Set while this chart applies an x range it was given, so it does not echo it back. */
  private applyingRange = false

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.colorScheme.removeEventListener("change", this.onScheme)
    if (this.plotEl) unobserveChart(this, this.plotEl)
    clearStale(this)
    this.stale = false
    this.needsBuild = false
    this.plot?.destroy()
    this.plot = null
  }

  override render() {
    const spec = this.spec
    const unit = spec?.unit === "share" ? "%" : spec?.unit
    return html`<header>
        <h3>${spec?.title ?? ""} ${unit ? html`<span class="unit">(${unit}${spec?.log ? ", log" : ""})</span>` : ""}</h3>
        <button type="button" @click=${this.downloadPng} aria-label="Export ${spec?.title} as PNG">PNG</button>
        <button type="button" @click=${this.downloadCsv} aria-label="Export ${spec?.title} as CSV">CSV</button>
      </header>
      <div class="plot" role="img" tabindex="0" aria-label=${this.ariaSummary()} @keydown=${this.onKey}></div>
      ${this.pointCount() === 0 ? html`<div class="empty">No data yet</div>` : ""}`
  }

  /** Arrow keys move the crosshair point by point (Shift: 12 points), Home/End jump; Escape hides it. */
  private onKey = (e: KeyboardEvent) => {
    this.catchUp()
    const plot = this.plot
    const n = this.pointCount()
    if (!plot || n === 0) return
    const cur = plot.cursor.idx ?? n - 1
    const stepBy = e.shiftKey ? 12 : 1
    let idx: number
    if (e.key === "ArrowLeft") idx = Math.max(0, cur - stepBy)
    else if (e.key === "ArrowRight") idx = Math.min(n - 1, cur + stepBy)
    else if (e.key === "Home") idx = 0
    else if (e.key === "End") idx = n - 1
    else if (e.key === "Escape") {
      plot.setCursor({ left: -10, top: -10 })
      return
    } else return
    e.preventDefault()
    const x = plot.data[0][idx]
    plot.setCursor({ left: plot.valToPos(x, "x"), top: plot.bbox.height / devicePixelRatio / 2 })
  }

  private pointCount(): number {
    return this.data[0]?.length ?? 0
  }

  private ariaSummary(): string {
    const n = this.pointCount()
    if (!this.spec || n === 0) return `${this.spec?.title ?? "Chart"}: no data`
    const parts = this.spec.series.map(
      (s, i) => `${s.label} ${formatValue(this.data[i + 1]?.[n - 1], this.spec!.unit)}`,
    )
    return `${this.spec.title} at ${yearToDate(this.data[0][n - 1] as number)}: ${parts.join(", ")}`
  }

  protected override firstUpdated(): void {
    observeChart(this, this.plotEl)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.colorScheme.addEventListener("change", this.onScheme)
    // Re-attached (the element was moved): observe again what disconnectedCallback let go.
    if (this.plotEl) observeChart(this, this.plotEl)
  }

  /**
   * Before the IntersectionObserver first reports (it reports a frame later), whether the chart is
   * in or near the viewport by its box; read by the ResizeObserver while layout is clean.
   */
  nearViewport(): boolean | undefined {
    if (this.visibilityKnown) return undefined
    return isNearViewport(this.getBoundingClientRect())
  }

  /** From the shared ResizeObserver, with the plot element's clientWidth read before any chart changed. */
  resized(width: number, near?: boolean): void {
    this.width = width
    if (near !== undefined) this.visible = near
    if (this.plot && width > 0 && Math.abs(this.plot.width - width) > 1)
      this.plot.setSize({ width, height: this.height })
    else if (!this.plot && width > 0) this.build()
  }

  /** From the shared IntersectionObserver: coming into view draws what was deferred. */
  setVisible(visible: boolean): void {
    this.visible = visible
    this.visibilityKnown = true
    if (visible) this.catchUp()
  }

  /** Builds the plot now if the chart is in view, else when it comes into view or its turn in the background. */
  private build(): void {
    if (this.visible) this.rebuild()
    else {
      this.needsBuild = true
      markStale(this)
    }
  }

  /** Draws the updates deferred while out of view (data, x range and overlays together). */
  catchUp(): void {
    clearStale(this)
    if (this.needsBuild) {
      this.rebuild()
      return
    }
    if (!this.stale) return
    this.stale = false
    if (!this.plot) return
    this.drawnAt = performance.now()
    this.plot.setData(this.plotData(), this.xRange === null)
    if (this.xRange) this.applyRange()
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("spec") || changed.has("height") || changed.has("syncKey")) {
      this.build()
      return
    }
    if (!this.plot) return
    if (!this.visible) {
      if (
        changed.has("data") ||
        changed.has("xRange") ||
        changed.has("lines") ||
        changed.has("markers") ||
        changed.has("highlightX")
      ) {
        this.stale = true
        markStale(this)
      }
      return
    }
    // setData and setScale redraw (overlays included), so a separate redraw is only for overlay-only changes.
    if (changed.has("data")) {
      this.drawnAt = performance.now()
      this.plot.setData(this.plotData(), this.xRange === null)
      if (this.xRange) this.applyRange()
    } else if (changed.has("xRange")) this.applyRange()
    else if (changed.has("lines") || changed.has("markers") || changed.has("highlightX")) this.plot.redraw(false)
  }

  private applyRange(): void {
    if (!this.plot) return
    this.applyingRange = true
    if (this.xRange) this.plot.setScale("x", { min: this.xRange[0], max: this.xRange[1] })
    else this.plot.setData(this.plotData(), true)
    this.applyingRange = false
  }

  /** The columns as uPlot draws them (gaps for NaN, and for values <= 0 on a log scale), refilled in place. */
  private plotData(): uPlot.AlignedData {
    return plotColumns(this.data, this.spec?.log === true, this.columns)
  }

  private rebuild(): void {
    forgetThemeColors(this)
    // The current plot's width, else the last observed one: reading clientWidth here forced a layout
    // per chart when a batch of them was rebuilt. Before the first observation, the observer builds.
    const width = this.plot?.width ?? this.width
    this.plot?.destroy()
    this.plot = null
    clearStale(this)
    this.stale = false
    this.needsBuild = false
    const spec = this.spec
    if (!spec || !this.plotEl) return
    if (width <= 0) return
    this.drawnAt = performance.now()
    const color = themeColors(this)
    const opts = chartOptions({
      spec,
      widthPx: width,
      heightPx: this.height,
      syncKey: this.syncKey,
      color,
      drawOverlays: (u, fg) => drawOverlays(u, fg, this, color),
      onXScale: (u) => {
        const { min, max } = u.scales.x
        if (this.applyingRange || min === undefined || max === undefined) return
        // The range this chart was given, re-applied by uPlot (a resize): not the user's zoom.
        const given = this.xRange
        if (given && Math.abs(min - given[0]) < 1e-9 && Math.abs(max - given[1]) < 1e-9) return
        this.dispatchEvent(
          new CustomEvent("chart-zoom", { detail: zoomDetail(min, max, this.data[0]), bubbles: true, composed: true }),
        )
      },
    })
    this.plot = new uPlot(opts, this.plotData(), this.plotEl)
    this.plot.over.addEventListener("click", () => {
      const idx = this.plot?.cursor.idx
      if (idx === null || idx === undefined || !this.plot) return
      const x = this.plot.data[0][idx]
      this.dispatchEvent(new CustomEvent("chart-click", { detail: { x }, bubbles: true, composed: true }))
    })
    this.plot.over.addEventListener("dblclick", () =>
      this.dispatchEvent(new CustomEvent("chart-zoom", { detail: null, bubbles: true, composed: true })),
    )
    if (this.xRange) this.applyRange()
  }

  /** The chart as a PNG data URL: title, legend and the plot canvas on the theme background. */
  toPngDataUrl(): string {
    this.catchUp()
    const plot = this.plot
    const spec = this.spec
    if (!plot || !spec) return ""
    // Draw whatever is pending now rather than in uPlot's microtask, so the canvas is current.
    plot.batch(() => {})
    return chartPng(plot.ctx.canvas, spec, themeColors(this))
  }

  /** The chart's series as CSV: a date column, then one column per series. */
  toCsv(): string {
    return this.spec ? chartCsv(this.spec, this.data) : ""
  }

  private download(href: string, ext: string): void {
    downloadUrl(href, `${this.spec?.id ?? "chart"}.${ext}`)
  }

  private downloadPng = () => this.download(this.toPngDataUrl(), "png")

  private downloadCsv = () => {
    const url = URL.createObjectURL(new Blob([this.toCsv()], { type: "text/csv" }))
    this.download(url, "csv")
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}
