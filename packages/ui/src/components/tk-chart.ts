import { css, html, LitElement, type PropertyValues, unsafeCSS } from "lit"
import { customElement, property, query } from "lit/decorators.js"
import uPlot from "uplot"
import uplotCss from "uplot/dist/uPlot.min.css?inline"
import { formatSi, formatValue, yearToDate } from "../format.js"

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

declare global {
  interface HTMLElementTagNameMap {
    "tk-chart": TkChart
  }
}

/** Powers of ten only, at most ~6 of them, so log axes stay legible over many decades. */
const logSplits = (min: number, max: number): number[] => {
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

const lastFinite = (col: ArrayLike<number | null | undefined> | undefined): number | null => {
  if (!col) return null
  for (let i = col.length - 1; i >= 0; i--) {
    const v = col[i]
    if (v !== null && v !== undefined && Number.isFinite(v)) return v
  }
  return null
}

/**
 * A colour for the canvas: custom properties are read from the element's computed style once and
 * cached (getComputedStyle in every draw forced a style recalculation per frame per chart); the cache
 * is cleared when the chart is rebuilt, which a colour-scheme change does.
 */
const colorCache = new WeakMap<Element, Map<string, string>>()
const resolveColor = (el: Element, color: string | undefined, fallback: string): string => {
  if (!color) return fallback
  if (!color.startsWith("--")) return color
  let cache = colorCache.get(el)
  if (!cache) colorCache.set(el, (cache = new Map()))
  let value = cache.get(color)
  if (value === undefined) cache.set(color, (value = getComputedStyle(el).getPropertyValue(color).trim()))
  return value || fallback
}

/**
 * One ResizeObserver for every chart, so a batch of charts sized in the same frame reads all their
 * widths first and only then builds or resizes (a read after each chart's DOM change forced a layout
 * per chart).
 */
const chartByPlot = new WeakMap<Element, TkChart>()
let resizeObserver: ResizeObserver | null = null
const observeSize = (el: Element, chart: TkChart): void => {
  resizeObserver ??= new ResizeObserver((entries) => {
    const sized = entries.map((e) => {
      const chart = chartByPlot.get(e.target)
      return [chart, (e.target as HTMLElement).clientWidth, chart?.nearViewport()] as const
    })
    for (const [chart, width, near] of sized) chart?.resized(width, near)
  })
  chartByPlot.set(el, chart)
  resizeObserver.observe(el)
}
const unobserveSize = (el: Element): void => {
  resizeObserver?.unobserve(el)
  chartByPlot.delete(el)
}

/**
 * Whether each chart is in (or near) the viewport. A chart out of view does not redraw on every
 * update: it catches up at once when it scrolls near the viewport, before export or print, and in the
 * background at most every OFFSCREEN_REFRESH_MS, one chart a frame, so it is never far behind.
 */
const NEAR_VIEWPORT_PX = 48
const NEAR_VIEWPORT = `${NEAR_VIEWPORT_PX}px 0px`
const OFFSCREEN_REFRESH_MS = 500
let visibilityObserver: IntersectionObserver | null = null
const observeVisibility = (el: TkChart): void => {
  visibilityObserver ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) (e.target as TkChart).setVisible(e.isIntersecting)
    },
    { rootMargin: NEAR_VIEWPORT },
  )
  visibilityObserver.observe(el)
}
const unobserveVisibility = (el: TkChart): void => visibilityObserver?.unobserve(el)

/** Charts out of view with updates they have not drawn, oldest first. */
const staleCharts = new Set<TkChart>()
let refreshQueued = false
const refreshStaleCharts = (now: number): void => {
  refreshQueued = false
  for (const chart of staleCharts) {
    if (now - chart.drawnAt < OFFSCREEN_REFRESH_MS) continue
    chart.catchUp()
    break
  }
  if (staleCharts.size > 0) queueRefresh()
}
const queueRefresh = (): void => {
  if (refreshQueued) return
  refreshQueued = true
  requestAnimationFrame(refreshStaleCharts)
}
const markStale = (chart: TkChart): void => {
  staleCharts.add(chart)
  queueRefresh()
}
const flushAllStale = (): void => {
  for (const chart of [...staleCharts]) chart.catchUp()
}
addEventListener("beforeprint", flushAllStale)

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
export class TkChart extends LitElement {
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
    if (this.plotEl) {
      unobserveSize(this.plotEl)
      unobserveVisibility(this)
    }
    staleCharts.delete(this)
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
    observeSize(this.plotEl, this)
    observeVisibility(this)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.colorScheme.addEventListener("change", this.onScheme)
    // Re-attached (the element was moved): observe again what disconnectedCallback let go.
    if (this.plotEl) {
      observeSize(this.plotEl, this)
      observeVisibility(this)
    }
  }

  /**
   * Before the IntersectionObserver first reports (it reports a frame later), whether the chart is
   * in or near the viewport by its box; read by the ResizeObserver while layout is clean.
   */
  nearViewport(): boolean | undefined {
    if (this.visibilityKnown) return undefined
    const r = this.getBoundingClientRect()
    return (
      r.bottom >= -NEAR_VIEWPORT_PX && r.top <= innerHeight + NEAR_VIEWPORT_PX && r.right >= 0 && r.left <= innerWidth
    )
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
    staleCharts.delete(this)
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

  /**
   * uPlot's log scale cannot draw values <= 0; they become gaps. NaN becomes a gap too. The columns
   * are refilled in place rather than allocated per update (uPlot reads them only while drawing).
   */
  private plotData(): uPlot.AlignedData {
    const log = this.spec?.log
    const out: (ArrayLike<number | null> | (number | null)[])[] = [this.data[0] ?? []]
    this.columns.length = Math.max(0, this.data.length - 1)
    for (let s = 1; s < this.data.length; s++) {
      const src = this.data[s]
      const col = (this.columns[s - 1] ??= [])
      col.length = src.length
      for (let i = 0; i < src.length; i++) {
        const v = src[i]
        col[i] = v === null || Number.isNaN(v) || (log && v <= 0) ? null : v
      }
      out.push(col)
    }
    return out as uPlot.AlignedData
  }

  private rebuild(): void {
    colorCache.delete(this)
    // The current plot's width, else the last observed one: reading clientWidth here forced a layout
    // per chart when a batch of them was rebuilt. Before the first observation, the observer builds.
    const width = this.plot?.width ?? this.width
    this.plot?.destroy()
    this.plot = null
    staleCharts.delete(this)
    this.stale = false
    this.needsBuild = false
    const spec = this.spec
    if (!spec || !this.plotEl) return
    if (width <= 0) return
    this.drawnAt = performance.now()
    const fg = resolveColor(this, "--tk-fg", "#222")
    const muted = resolveColor(this, "--tk-muted", "#777")
    const grid = resolveColor(this, "--tk-grid", "#8883")
    const isShare = spec.unit === "share"
    const fmt = (v: number | null) =>
      isShare && v !== null ? `${(v * 100).toPrecision(3)}%` : formatValue(v, spec.unit)
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
          stroke: resolveColor(this, s.color, fg),
          width: s.width ?? 1.6,
          dash: s.dash,
          spanGaps: false,
          points: { show: false },
          // With the pointer away (idx null) the legend shows the latest value rather than a dash.
          value: (u, v, sidx, idx) => fmt(idx === null ? lastFinite(u.data[sidx]) : v),
        }),
      ),
    ]
    const opts: uPlot.Options = {
      width,
      height: this.height,
      series,
      bands: spec.bands?.map(([upper, lower]) => ({
        series: [upper, lower] as [number, number],
        fill: `${resolveColor(this, spec.series[upper - 1]?.color, fg)}33`,
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
            return splits.map((v) => (span < 3 ? yearToDate(v) : String(Math.round(v))))
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
          values: (_u, splits) =>
            splits.map((v) =>
              v === null
                ? ""
                : isShare
                  ? `${Math.round(v * 100)}%`
                  : v > 0 && v < 1e-3
                    ? v.toExponential(0)
                    : formatSi(v),
            ),
        },
      ],
      cursor: {
        sync: { key: this.syncKey, setSeries: false },
        drag: { x: true, y: false, setScale: true },
        points: { size: 6 },
      },
      legend: { live: true },
      hooks: {
        draw: [(u) => this.drawOverlays(u, fg)],
        // The legend only refreshes on cursor moves; with the pointer away, show the new latest values.
        setData: [
          (u) => {
            if ((u.cursor.left ?? -1) < 0) u.setLegend({ idx: null as unknown as number })
          },
        ],
        setScale: [
          (u, key) => {
            if (key !== "x" || this.applyingRange) return
            const { min, max } = u.scales.x
            if (min === undefined || max === undefined) return
            const full = this.data[0]
            const n = full?.length ?? 0
            const isFull = n === 0 || (min <= (full[0] as number) && max >= (full[n - 1] as number))
            this.dispatchEvent(
              new CustomEvent("chart-zoom", {
                detail: isFull ? null : ([min, max] as const),
                bubbles: true,
                composed: true,
              }),
            )
          },
        ],
      },
    }
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

  /** Reference lines, milestone markers and the highlight cursor, drawn on the canvas so PNG export keeps them. */
  private drawOverlays(u: uPlot, fg: string): void {
    const ctx = u.ctx
    const { left, top, width, height } = u.bbox
    const dpr = devicePixelRatio || 1
    ctx.save()
    ctx.beginPath()
    ctx.rect(left, top, width, height)
    ctx.clip()
    ctx.font = `${11 * dpr}px system-ui, sans-serif`
    // uPlot leaves the alignment of its last axis label behind (right-aligned); labels here start at x.
    ctx.textAlign = "left"
    ctx.textBaseline = "alphabetic"
    ctx.lineWidth = dpr
    for (const line of this.lines) {
      const y = u.valToPos(line.value, "y", true)
      if (!Number.isFinite(y) || y < top || y > top + height) continue
      ctx.strokeStyle = resolveColor(this, line.color, fg)
      ctx.setLineDash([6 * dpr, 4 * dpr])
      ctx.beginPath()
      ctx.moveTo(left, y)
      ctx.lineTo(left + width, y)
      ctx.stroke()
      ctx.fillStyle = ctx.strokeStyle
      // Right end, just below the line: clear of the y axis and of milestone labels along the top.
      ctx.textAlign = "right"
      ctx.fillText(line.label, left + width - 4 * dpr, y + 13 * dpr)
      ctx.textAlign = "left"
    }
    let labelRow = 0
    for (const m of this.markers) {
      const x = u.valToPos(m.x, "x", true)
      if (!Number.isFinite(x) || x < left || x > left + width) continue
      const color = resolveColor(this, m.color, fg)
      ctx.strokeStyle = color
      ctx.fillStyle = color
      ctx.setLineDash([2 * dpr, 3 * dpr])
      ctx.beginPath()
      ctx.moveTo(x, top)
      ctx.lineTo(x, top + height)
      ctx.stroke()
      ctx.setLineDash([])
      if (m.y !== undefined) {
        const y = u.valToPos(m.y, "y", true)
        ctx.beginPath()
        ctx.arc(x, y, 5 * dpr, 0, Math.PI * 2)
        ctx.fill()
      }
      const textW = ctx.measureText(m.label).width
      const tx = Math.min(x + 4 * dpr, left + width - textW - 2 * dpr)
      ctx.fillText(m.label, tx, top + (14 + 14 * labelRow) * dpr)
      labelRow = (labelRow + 1) % 3
    }
    if (this.highlightX !== null) {
      const x = u.valToPos(this.highlightX, "x", true)
      if (Number.isFinite(x)) {
        ctx.strokeStyle = resolveColor(this, "--tk-accent", fg)
        ctx.lineWidth = 2 * dpr
        ctx.setLineDash([])
        ctx.beginPath()
        ctx.moveTo(x, top)
        ctx.lineTo(x, top + height)
        ctx.stroke()
      }
    }
    ctx.restore()
  }

  /** The chart as a PNG data URL: title, legend and the plot canvas on the theme background. */
  toPngDataUrl(): string {
    this.catchUp()
    const plot = this.plot
    const spec = this.spec
    if (!plot || !spec) return ""
    // Draw whatever is pending now rather than in uPlot's microtask, so the canvas is current.
    plot.batch(() => {})
    const src = plot.ctx.canvas
    const dpr = devicePixelRatio || 1
    const pad = 12 * dpr
    const titleH = 22 * dpr
    const legendH = 18 * dpr
    const out = document.createElement("canvas")
    out.width = src.width + pad * 2
    out.height = src.height + titleH + legendH + pad * 2
    const ctx = out.getContext("2d")!
    const fg = resolveColor(this, "--tk-fg", "#222")
    ctx.fillStyle = resolveColor(this, "--tk-panel", "#fff")
    ctx.fillRect(0, 0, out.width, out.height)
    ctx.fillStyle = fg
    ctx.font = `600 ${14 * dpr}px system-ui, sans-serif`
    ctx.fillText(
      `${spec.title}${spec.unit ? ` (${spec.unit === "share" ? "%" : spec.unit})` : ""}`,
      pad,
      pad + 14 * dpr,
    )
    ctx.drawImage(src, pad, pad + titleH)
    ctx.font = `${11 * dpr}px system-ui, sans-serif`
    let x = pad
    const y = pad + titleH + src.height + 13 * dpr
    for (const s of spec.series) {
      ctx.fillStyle = resolveColor(this, s.color, fg)
      ctx.fillRect(x, y - 9 * dpr, 10 * dpr, 10 * dpr)
      ctx.fillStyle = fg
      ctx.fillText(s.label, x + 14 * dpr, y)
      x += ctx.measureText(s.label).width + 30 * dpr
    }
    return out.toDataURL("image/png")
  }

  /** The chart's series as CSV: a date column, then one column per series. */
  toCsv(): string {
    const spec = this.spec
    const xs = this.data[0]
    if (!spec || !xs) return ""
    const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
    const rows = [["date", ...spec.series.map((s) => s.label)].map(esc).join(",")]
    for (let i = 0; i < xs.length; i++) {
      const cells = [yearToDate(xs[i] as number)]
      for (let s = 1; s < this.data.length; s++) {
        const v = this.data[s][i]
        cells.push(v === null || v === undefined || Number.isNaN(v) ? "" : String(v))
      }
      rows.push(cells.join(","))
    }
    return `${rows.join("\n")}\n`
  }

  private download(href: string, ext: string): void {
    const a = document.createElement("a")
    a.href = href
    a.download = `${this.spec?.id ?? "chart"}.${ext}`
    a.click()
  }

  private downloadPng = () => this.download(this.toPngDataUrl(), "png")

  private downloadCsv = () => {
    const url = URL.createObjectURL(new Blob([this.toCsv()], { type: "text/csv" }))
    this.download(url, "csv")
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}
