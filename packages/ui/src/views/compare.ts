import type {
  MetricGroup,
  MetricInfo,
  MilestoneInfo,
  MilestoneThreshold,
  RunSummary,
  ScenarioDetail,
} from "@takeoff/protocol"
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
import { runLabels, statusText } from "../run-labels.js"
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

const MILESTONE_KINDS: ReadonlyArray<MilestoneInfo["kind"]> = ["agi", "asi", "post-scarcity", "catastrophe"]

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
  const names = runLabels(runs.map((r) => r.run))
  runs.forEach((r, ri) => {
    const data = chartData(r.series, c)
    c.keys.forEach((_key, ki) => {
      const col: Array<number | null> = new Array(x.length).fill(null)
      const src = data[ki + 1]
      for (let i = 0; i < r.series.dates.length; i++) col[pos.get(r.series.dates[i])!] = src[i] as number
      cols.push(col)
      const label = `${c.keys.length > 1 ? `${c.spec.series[ki].label}, ` : ""}${names[ri]}`
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
 * Two or more runs overlaid on the dashboard's headline charts: by default the scenarios ticked, at
 * one seed; or one scenario with several seeds; or runs picked from the list. Milestone dates sit in
 * a table beside the charts (the chart marks them unlabelled), so several runs' labels never overlap.
 *
 * @fires compare-scenario-pick - detail `{ name, on }`: a scenario was ticked or unticked
 * @fires compare-run-scenarios - "Run the ticked scenarios" was pressed
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
  @property({ attribute: false }) scenarios: ReadonlyArray<ScenarioDetail> = []
  @property({ attribute: false }) scenariosPicked: ReadonlyArray<string> = []
  @property({ type: Number }) seed = 1
  @property() scenario = ""
  @property() seedsText = ""
  @property({ attribute: false }) metricInfo: ReadonlyMap<string, MetricInfo> = new Map()
  /** The model's chart groups and the milestone thresholds, as the server describes them. */
  @property({ attribute: false }) groups: ReadonlyArray<MetricGroup> = []
  @property({ attribute: false }) thresholds: ReadonlyArray<MilestoneThreshold> = []

  private renderMilestones(names: string[]) {
    const runs = this.compare
    return html`<div class="table-wrap"><table id="compare-milestones" class="stack">
      <thead><tr><th>Line</th><th>Run</th><th>Status</th>${MILESTONE_KINDS.map((k) => html`<th>${milestoneLabel(k)}</th>`)}</tr></thead>
      <tbody>${runs.map((c, i) => {
        const at = (k: MilestoneInfo["kind"]) => c.run.milestones.find((m) => m.kind === k)?.date ?? "—"
        return html`<tr>
          <td data-label="line"><span style=${`color:${PALETTE[i % PALETTE.length]}`}>${DASH_NAMES[i % DASH_NAMES.length]} / colour ${i + 1}</span></td>
          <td data-label="run">${names[i]}</td><td data-label="status">${statusText(c.run)}</td>
          ${MILESTONE_KINDS.map((k) => html`<td data-label=${milestoneLabel(k)}>${at(k)}</td>`)}
        </tr>`
      })}</tbody></table></div>`
  }

  override render() {
    const runs = this.compare
    const base = runs[0]?.series
    const charts = base ? buildCharts(base.keys, this.metricInfo, this.groups).filter((c) => !c.more) : []
    const mainKey = base ? mainMetricKey(base.keys, this.thresholds) : undefined
    const selected = new Set(this.selected)
    const picked = new Set(this.scenariosPicked)
    const names = runLabels(runs.map((c) => c.run))
    return html`<section class="card">
        <h2>Compare scenarios</h2>
        <fieldset id="compare-scenarios" class="bar" style="border:0;padding:0;margin:0">
          <legend class="hint">Tick two or more; each runs at seed ${this.seed} (the seed in the parameters).</legend>
          ${this.scenarios.map(
            (sc) => html`<label><input type="checkbox" value=${sc.name} .checked=${picked.has(sc.name)}
              @change=${(e: Event) => emit(this, "compare-scenario-pick", { name: sc.name, on: (e.target as HTMLInputElement).checked })} /> ${sc.name}</label>`,
          )}
        </fieldset>
        <div class="bar"><button class="primary" id="compare-scenarios-run" ?disabled=${picked.size < 2}
          @click=${() => emit(this, "compare-run-scenarios", null)}>Run the ticked scenarios</button></div>
        <details><summary>Or one scenario with several seeds</summary>
          <div class="bar">
            <label>Seeds <input id="compare-seeds" type="text" .value=${this.seedsText} @input=${(e: Event) => emit(this, "compare-seeds-input", (e.target as HTMLInputElement).value)} /></label>
            <button id="compare-run" @click=${() => emit(this, "compare-run", null)}>Run ${this.scenario} with these seeds</button>
          </div>
        </details>
        <details><summary>Or pick runs to overlay (${selected.size} chosen)</summary>
          <button @click=${() => emit(this, "runs-refresh", null)}>Refresh list</button>
          ${this.runs.map(
            (
              r,
            ) => html`<label style="display:block;font-size:0.85rem;overflow-wrap:anywhere"><input type="checkbox" .checked=${selected.has(r.id)}
              @change=${(e: Event) => emit(this, "compare-toggle", { id: r.id, on: (e.target as HTMLInputElement).checked })} /> ${runLabels([r])[0]} · ${r.status} · ${r.id}</label>`,
          )}
        </details>
        ${runs.length ? this.renderMilestones(names) : nothing}
      </section>
      <div class="grid">${charts.map((c) => {
        const { spec, data } = compareChart(c, runs)
        const main = c.keys[0] === mainKey
        // Unlabelled: the dates are in the milestone table, so labels of several runs never collide.
        const markers = runs.flatMap((r) => milestoneMarkers(r.run.milestones, main).map((m) => ({ ...m, label: "" })))
        const lines = main ? thresholdLines(this.thresholds, mainKey, this.metricInfo.get(c.keys[0])?.unit) : []
        return html`<tk-chart id=${`cmp-${c.spec.id}`} .spec=${spec} .data=${data} .height=${main ? 260 : 170}
          .lines=${lines} .markers=${main ? markers : []} syncKey="compare"></tk-chart>`
      })}</div>`
  }
}
