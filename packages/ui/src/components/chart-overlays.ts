import type uPlot from "uplot"
import type { ChartLine, ChartMarker, ColorResolver } from "./chart-options.js"

/** What a chart draws over its series. */
export interface ChartOverlays {
  readonly lines: ReadonlyArray<ChartLine>
  readonly markers: ReadonlyArray<ChartMarker>
  /** An x to mark with a vertical cursor line, or null. */
  readonly highlightX: number | null
}

/**
 * Reference lines, milestone markers and the highlight cursor, drawn on the plot's canvas (inside
 * its plotting box) so PNG export keeps them.
 */
export const drawOverlays = (u: uPlot, fg: string, overlays: ChartOverlays, color: ColorResolver): void => {
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
  for (const line of overlays.lines) {
    const y = u.valToPos(line.value, "y", true)
    if (!Number.isFinite(y) || y < top || y > top + height) continue
    ctx.strokeStyle = color(line.color, fg)
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
  for (const m of overlays.markers) {
    const x = u.valToPos(m.x, "x", true)
    if (!Number.isFinite(x) || x < left || x > left + width) continue
    const markerColor = color(m.color, fg)
    ctx.strokeStyle = markerColor
    ctx.fillStyle = markerColor
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
  if (overlays.highlightX !== null) {
    const x = u.valToPos(overlays.highlightX, "x", true)
    if (Number.isFinite(x)) {
      ctx.strokeStyle = color("--tk-accent", fg)
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
