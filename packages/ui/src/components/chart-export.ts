import { yearToDate } from "../format.js"
import type { ChartData, ChartSpec, ColorResolver } from "./chart-options.js"

/**
 * A chart's series as CSV: a date column, then one column per series; gaps are empty cells.
 * @example chartCsv({ ...spec, series: [{ label: "GDP", color: "--tk-s1" }] }, [[2024], [1e14]]) // "date,GDP\n2024-01,100000000000000\n"
 */
export const chartCsv = (spec: ChartSpec, data: ChartData): string => {
  const xs = data[0]
  if (!xs) return ""
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
  const rows = [["date", ...spec.series.map((s) => s.label)].map(esc).join(",")]
  for (let i = 0; i < xs.length; i++) {
    const cells = [yearToDate(xs[i] as number)]
    for (let s = 1; s < data.length; s++) {
      const v = data[s][i]
      cells.push(v === null || v === undefined || Number.isNaN(v) ? "" : String(v))
    }
    rows.push(cells.join(","))
  }
  return `${rows.join("\n")}\n`
}

/** A chart as a PNG data URL: title, the plot canvas (overlays included) and a legend, on the theme's panel colour. */
export const chartPng = (plotCanvas: HTMLCanvasElement, spec: ChartSpec, color: ColorResolver): string => {
  const dpr = devicePixelRatio || 1
  const pad = 12 * dpr
  const titleH = 22 * dpr
  const legendH = 18 * dpr
  const out = document.createElement("canvas")
  out.width = plotCanvas.width + pad * 2
  out.height = plotCanvas.height + titleH + legendH + pad * 2
  const ctx = out.getContext("2d")!
  const fg = color("--tk-fg", "#222")
  ctx.fillStyle = color("--tk-panel", "#fff")
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.fillStyle = fg
  ctx.font = `600 ${14 * dpr}px system-ui, sans-serif`
  ctx.fillText(`${spec.title}${spec.unit ? ` (${spec.unit === "share" ? "%" : spec.unit})` : ""}`, pad, pad + 14 * dpr)
  ctx.drawImage(plotCanvas, pad, pad + titleH)
  ctx.font = `${11 * dpr}px system-ui, sans-serif`
  let x = pad
  const y = pad + titleH + plotCanvas.height + 13 * dpr
  for (const s of spec.series) {
    ctx.fillStyle = color(s.color, fg)
    ctx.fillRect(x, y - 9 * dpr, 10 * dpr, 10 * dpr)
    ctx.fillStyle = fg
    ctx.fillText(s.label, x + 14 * dpr, y)
    x += ctx.measureText(s.label).width + 30 * dpr
  }
  return out.toDataURL("image/png")
}

/** Saves a URL (data: or blob:) as a file through a temporary link. */
export const downloadUrl = (href: string, fileName: string): void => {
  const a = document.createElement("a")
  a.href = href
  a.download = fileName
  a.click()
}
