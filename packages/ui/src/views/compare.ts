import type { MetricGroup, MetricInfo, MilestoneThreshold, RunSummary } from "@takeoff/protocol"
import { html, LitElement, nothing } from "lit"
import { customElement, property } from "lit/decorators.js"
import type { ChartData, ChartSpec } from "../components/chart-options.js"
import type { CompareRun } from "../controllers/compare.js"
import {
  buildCharts,
  chartData,
  type DashboardChart,
  mainMetricKey,
  milestoneLabel,
  milestoneMarkers,
  PALETTE,
  thresholdLines,
} from "../dashboard.js"
import { emit } from "../emit.js"
import { dateToYear } from "../format.js"
import { viewStyles } from "./styles.js"
import "../components/tk-chart.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-compare-view": TkCompareView
  }
}

const RUN_DASH: ReadonlyArray<number[] | undefined> = [undefined, [6, 4], [2, 3], [10, 3, 2, 3]]
const DASH_NAMES = ["solid", "dashed", "dotted", "dash-dot"]

/**
 * Overlays one dashboard chart across runs on the union of their dates: colour per metric (or per
 * run if the chart has one metric), dash per run.
 */
export const compareChart = (
  c: DashboardChart,
  runs: ReadonlyArray<CompareRun>,
): { spec: ChartSpec; data: ChartData } => {
  const dates = new Set<string>()
  for (const r of runs) for (const d of r.series.dates) dates.add(d)
  const axis = [...dates].sort()
  const x = axis.map(dateToYear)
  const pos = new Map(axis.map((d, i) => [d, i]))
  const series: ChartSpec["series"][number][] = []
  const cols: Array<Array<number | null>> = []
  runs.forEach((r, ri) => {
    const data = chartData(r.series, c)
    c.keys.forEach((_key, ki) => {
      const col: Array<number | null> = new Array(x.length).fill(null)
      const src = data[ki + 1]
      for (let i = 0; i < r.series.dates.length; i++) col[pos.get(r.series.dates[i])!] = src[i] as number
      cols.push(col)
      const label = `${c.keys.length > 1 ? `${c.spec.series[ki].label} ` : ""}seed ${r.run.seed}${runs.some((o) => o !== r && o.run.seed === r.run.seed) ? ` ${r.run.id}` : ""}`
      series.push({
        label,
        color: PALETTE[(c.keys.length > 1 ? ki : ri) % PALETTE.length],
        dash: RUN_DASH[ri % RUN_DASH.length],
      })
    })
  })
  return { spec: { ...c.spec, id: `cmp-${c.spec.id}`, series }, data: [x, ...cols] }
}

/**
 * Two or more runs overlaid on the dashboard's headline charts: pick runs from the list, or start
 * the scenario once per seed.
 *
 * @fires compare-seeds-input - detail: the seeds field as typed
 * @fires compare-run - "Run … with these seeds" was pressed
 * @fires compare-toggle - detail `{ id, on }`: a run was added to (on) or taken out of the overlay
 * @fires runs-refresh - Refresh list was pressed
 */
@customElement("tk-compare-view")
export class TkCompareView extends LitElement {
  static override styles = viewStyles

  /** The runs overlaid, loaded. */
  @property({ attribute: false }) compare: ReadonlyArray<CompareRun> = []
  /** Every run on the server, to pick from. */
  @property({ attribute: false }) runs: ReadonlyArray<RunSummary> = []
  /** The ids chosen (the URL's). */
  @property({ attribute: false }) selected: ReadonlyArray<string> = []
  @property() scenario = ""
  @property() seedsText = ""
  @property({ attribute: false }) metricInfo: ReadonlyMap<string, MetricInfo> = new Map()
  /** The model's chart groups and the milestone thresholds, as the server describes them. */
  @property({ attribute: false }) groups: ReadonlyArray<MetricGroup> = []
  @property({ attribute: false }) thresholds: ReadonlyArray<MilestoneThreshold> = []

  override render() {
    const runs = this.compare
    const base = runs[0]?.series
    const charts = base ? buildCharts(base.keys, this.metricInfo, this.groups).filter((c) => !c.more) : []
    const mainKey = base ? mainMetricKey(base.keys, this.thresholds) : undefined
    const selected = new Set(this.selected)
    return html`<section class="card">
        <h2>Compare runs</h2>
        <div class="bar">
          <label>Seeds <input id="compare-seeds" type="text" .value=${this.seedsText} @input=${(e: Event) => emit(this, "compare-seeds-input", (e.target as HTMLInputElement).value)} /></label>
          <button class="primary" id="compare-run" @click=${() => emit(this, "compare-run", null)}>Run ${this.scenario} with these seeds</button>
          <button @click=${() => emit(this, "runs-refresh", null)}>Refresh list</button>
        </div>
        <details ?open=${runs.length === 0}><summary>Pick runs to overlay (${selected.size} chosen)</summary>
          ${this.runs.map(
            (
              r,
            ) => html`<label style="display:block;font-size:0.85rem"><input type="checkbox" .checked=${selected.has(r.id)}
              @change=${(e: Event) => emit(this, "compare-toggle", { id: r.id, on: (e.target as HTMLInputElement).checked })} /> ${r.id} · ${r.scenario} · seed ${r.seed} · ${r.status}</label>`,
          )}
        </details>
        ${runs.length ? html`<p class="hint" id="compare-legend">${runs.map((c, i) => html`<span style="margin-right:12px">${DASH_NAMES[i % 4]} / colour ${i + 1}: ${c.run.scenario} seed ${c.run.seed} (${c.run.status}${c.run.milestones.length ? `, ${c.run.milestones.map((m) => `${milestoneLabel(m.kind)} ${m.date}`).join(", ")}` : ""})</span>`)}</p>` : nothing}
      </section>
      <div class="grid">${charts.map((c) => {
        const { spec, data } = compareChart(c, runs)
        const main = c.keys[0] === mainKey
        const markers = runs.flatMap((r, i) =>
          milestoneMarkers(r.run.milestones, main).map((m) => ({
            ...m,
            label: `${m.label} (${i + 1})`,
          })),
        )
        const lines = main ? thresholdLines(this.thresholds, mainKey, this.metricInfo.get(c.keys[0])?.unit) : []
        return html`<tk-chart id=${`cmp-${c.spec.id}`} .spec=${spec} .data=${data} .height=${main ? 260 : 170}
          .lines=${lines} .markers=${main ? markers : []} syncKey="compare"></tk-chart>`
      })}</div>`
  }
}
