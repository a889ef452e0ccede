/**
 * When charts draw: one ResizeObserver and one IntersectionObserver for every chart, and a background
 * queue for charts out of view. A chart out of view does not redraw on every update: it catches up at
 * once when it scrolls near the viewport, before print, and in the background at most every
 * OFFSCREEN_REFRESH_MS, one chart a frame, so it is never far behind.
 */

/** What the scheduler asks of a chart element. */
export interface ScheduledChart extends Element {
  /** When the canvas last took new data (performance.now()). */
  readonly drawnAt: number
  /** Draws the updates deferred while out of view. */
  catchUp(): void
  /** The plot element's width, read before any chart changed; `near` until visibility is first known. */
  resized(widthPx: number, near?: boolean): void
  /** Whether the chart is in or near the viewport by its box, until the IntersectionObserver has said. */
  nearViewport(): boolean | undefined
  setVisible(visible: boolean): void
}

export const NEAR_VIEWPORT_PX = 48
const OFFSCREEN_REFRESH_MS = 500

/** Whether a box is within NEAR_VIEWPORT_PX of the viewport. */
export const isNearViewport = (r: DOMRect): boolean =>
  r.bottom >= -NEAR_VIEWPORT_PX && r.top <= innerHeight + NEAR_VIEWPORT_PX && r.right >= 0 && r.left <= innerWidth

/**
 * Shared, so a batch of charts sized in the same frame reads all their widths first and only then
 * builds or resizes (a read after each chart's DOM change forced a layout per chart).
 */
const chartByPlot = new WeakMap<Element, ScheduledChart>()
let resizeObserver: ResizeObserver | null = null
let visibilityObserver: IntersectionObserver | null = null

/** Starts reporting the plot element's width and the chart's visibility to the chart. */
export const observeChart = (chart: ScheduledChart, plotEl: Element): void => {
  resizeObserver ??= new ResizeObserver((entries) => {
    const sized = entries.map((e) => {
      const chart = chartByPlot.get(e.target)
      return [chart, (e.target as HTMLElement).clientWidth, chart?.nearViewport()] as const
    })
    for (const [chart, width, near] of sized) chart?.resized(width, near)
  })
  chartByPlot.set(plotEl, chart)
  resizeObserver.observe(plotEl)
  visibilityObserver ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) (e.target as unknown as ScheduledChart).setVisible(e.isIntersecting)
    },
    { rootMargin: `${NEAR_VIEWPORT_PX}px 0px` },
  )
  visibilityObserver.observe(chart)
}

/** Stops observing a chart (it left the document). */
export const unobserveChart = (chart: ScheduledChart, plotEl: Element): void => {
  resizeObserver?.unobserve(plotEl)
  chartByPlot.delete(plotEl)
  visibilityObserver?.unobserve(chart)
}

/** Charts out of view with updates they have not drawn, oldest first. */
const staleCharts = new Set<ScheduledChart>()
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

/** Queues a chart with undrawn updates for its turn in the background. */
export const markStale = (chart: ScheduledChart): void => {
  staleCharts.add(chart)
  queueRefresh()
}

/** Takes a chart out of the background queue (it has drawn, or is going away). */
export const clearStale = (chart: ScheduledChart): void => {
  staleCharts.delete(chart)
}

addEventListener("beforeprint", () => {
  for (const chart of [...staleCharts]) chart.catchUp()
})
