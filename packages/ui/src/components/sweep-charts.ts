import { formatNumber } from "@takeoff/protocol"
import type { SweepInfluence, SweepMemberRow } from "@takeoff/protocol"
import { html, svg, type TemplateResult } from "lit"
import { dateToYear } from "../format.js"

/** One milestone's dates over a sweep's members, binned by year, plus those never reached. */
export interface MilestoneHistogram {
  readonly label: string
  readonly years: ReadonlyArray<number>
  readonly counts: ReadonlyArray<number>
  /** Share of members that reached it by the end of each year. */
  readonly cumulative: ReadonlyArray<number>
  readonly notReached: number
  readonly total: number
}

/**
 * Bins each member's date of a milestone by calendar year, `firstYear..lastYear`.
 * @example histogramOf([{ index: 0, seed: 1, milestones: { AGI: "2027-03" } }], "AGI", 2026, 2028).counts // [0, 1, 0]
 */
export const histogramOf = (
  members: ReadonlyArray<SweepMemberRow>,
  label: string,
  firstYear: number,
  lastYear: number,
): MilestoneHistogram => {
  const years = Array.from({ length: Math.max(0, lastYear - firstYear + 1) }, (_, i) => firstYear + i)
  const counts = years.map(() => 0)
  let notReached = 0
  for (const m of members) {
    const d = m.milestones[label]
    if (!d) {
      notReached++
      continue
    }
    const i = Math.floor(dateToYear(d)) - firstYear
    if (i >= 0 && i < counts.length) counts[i]++
  }
  const total = members.length
  let sum = 0
  const cumulative = counts.map((c) => {
    sum += c
    return total ? sum / total : 0
  })
  return { label, years, counts, cumulative, notReached, total }
}

const W = 340
const H = 150
const PAD = { l: 28, r: 36, t: 10, b: 22 }

/**
 * A histogram of when members reached a milestone (bars: runs per year; the last, hatched bar: not
 * by the horizon) with the cumulative share reached as a line on the right axis.
 */
export const histogramSvg = (h: MilestoneHistogram, id: string): TemplateResult => {
  const n = h.years.length + 1
  const bw = (W - PAD.l - PAD.r) / n
  // Scaled to the years' bars, so a few early runs still show beside many never reaching it; the
  // "later" bar is capped at the top and labelled with its count.
  const max = Math.max(1, ...h.counts)
  const y = (c: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - Math.min(c, max) / max)
  const yShare = (s: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - s)
  const every = Math.max(1, Math.ceil(h.years.length / 6))
  const line = h.cumulative.map((s, i) => `${PAD.l + bw * (i + 1)},${yShare(s)}`).join(" ")
  const base = H - PAD.b
  return html`<svg id=${id} class="hist" viewBox="0 0 ${W} ${H}" role="img"
    aria-label=${`${h.label}: ${h.total - h.notReached} of ${h.total} runs reached it by ${h.years[h.years.length - 1] ?? ""}`}>
    <defs><pattern id="${id}-hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <line x1="0" y1="0" x2="0" y2="4" stroke="var(--tk-muted)" stroke-width="2"></line></pattern></defs>
    ${h.counts.map((c, i) =>
      c > 0
        ? svg`<rect class="bar" x=${PAD.l + bw * i + 1} y=${y(c)} width=${Math.max(1, bw - 2)} height=${base - y(c)} fill="var(--tk-accent)"><title>${h.years[i]}: ${c} runs</title></rect>`
        : svg``,
    )}
    ${
      h.notReached > 0
        ? svg`<rect class="bar later" x=${PAD.l + bw * h.years.length + 1} y=${y(h.notReached)} width=${Math.max(1, bw - 2)} height=${base - y(h.notReached)} fill="url(#${id}-hatch)"><title>not reached: ${h.notReached} runs</title></rect>
      <text class="later-count" x=${PAD.l + bw * (h.years.length + 0.5)} y=${(y(h.notReached) + H - PAD.b) / 2 + 4} text-anchor="middle" fill="var(--tk-fg)" paint-order="stroke" stroke="var(--tk-panel)" stroke-width="3">${h.notReached}</text>`
        : svg``
    }
    ${h.years.length ? svg`<polyline points=${`${PAD.l},${yShare(0)} ${line}`} fill="none" stroke="var(--tk-fg)" stroke-width="1.5"></polyline>` : svg``}
    <line x1=${PAD.l} y1=${base} x2=${W - PAD.r} y2=${base} stroke="var(--tk-border)"></line>
    ${h.years.map((yr, i) => (i % every === 0 ? svg`<text x=${PAD.l + bw * (i + 0.5)} y=${H - 6} text-anchor="middle">${yr}</text>` : svg``))}
    <text x=${PAD.l + bw * (h.years.length + 0.5)} y=${H - 6} text-anchor="middle">later</text>
    <text x=${PAD.l - 4} y=${PAD.t + 8} text-anchor="end">${max}</text>
    <text x=${PAD.l - 4} y=${base} text-anchor="end">0</text>
    <text x=${W - PAD.r + 4} y=${PAD.t + 8}>100%</text>
    <text x=${W - PAD.r + 4} y=${base}>0%</text>
  </svg>`
}

/**
 * A tornado chart: each parameter's Spearman rho with the milestone's date, largest first; a bar to
 * the left means a larger value brings the milestone earlier.
 */
export const tornado = (influences: ReadonlyArray<SweepInfluence>, label: string, max = 10): TemplateResult => {
  const rows = influences
    .filter((i) => i.rho[label] !== null && i.rho[label] !== undefined)
    .sort((a, b) => Math.abs(b.rho[label]!) - Math.abs(a.rho[label]!))
    .slice(0, max)
  if (rows.length === 0) return html`<p class="hint">No parameter varies the ${label} date yet.</p>`
  return html`<div class="tornado" role="list" aria-label=${`Parameter influence on the ${label} date`}>
    ${rows.map((i) => {
      const r = i.rho[label]!
      const w = `${Math.min(50, Math.abs(r) * 50)}%`
      return html`<div class="t-row" role="listitem" data-path=${i.path} title=${`${i.path}: rho ${formatNumber(r)}`}>
        <span class="t-label">${i.label}</span>
        <span class="t-track"><span class=${r < 0 ? "t-bar neg" : "t-bar pos"} style=${r < 0 ? `right:50%;width:${w}` : `left:50%;width:${w}`}></span></span>
        <span class="t-val">${formatNumber(r)}</span>
      </div>`
    })}
  </div>`
}
