import { formatValue, type ScenarioDetail, type SweepDetail, type SweepFan, type SweepSummary } from "@takeoff/protocol"
import { css, html, LitElement, nothing } from "lit"
import { customElement, property, state } from "lit/decorators.js"
import { fanChart, thresholdLines } from "../dashboard.js"
import { api } from "../api.js"
import { emit } from "../emit.js"
import type { FanFile } from "../fan.js"
import { histogramOf, histogramSvg, tornado } from "../components/sweep-charts.js"
import { viewStyles } from "./styles.js"
import "../components/sweep-form.js"
import "../components/tk-chart.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-ensemble-view": TkEnsembleView
  }
}

/** Milestones drawn as histograms (catastrophe is in the table). */
const HISTOGRAMS = ["AGI", "ASI", "post-scarcity"]
/** Members listed in the table at most (the rest are in the API and the CLI's files). */
const MAX_ROWS = 200

/** How a sweep's runs come about, e.g. "grid of 2 x 3 points x 1 run = 6 runs" or "50 runs, lhs". */
const designTitle = (s: SweepSummary): string =>
  s.axes
    ? `grid of ${s.axes.map((a) => a.values.length).join(" x ")} points x ${s.runs} run${s.runs === 1 ? "" : "s"} = ${s.total} runs`
    : s.design === "oat"
      ? `one at a time, ${s.total / s.runs} rows x ${s.runs} run${s.runs === 1 ? "" : "s"} = ${s.total} runs`
      : `${s.total} runs, ${s.design}`

/** Shares as the shared formatter writes them (CLI and UI alike). */
const pct = (x: number) => formatValue(x, "share")

/**
 * Sweeps on the server: a form to start one; the one shown fills in as its members finish
 * (milestone histograms with cumulative curves, a tornado chart of the parameters' influence, a fan
 * chart of any metric, and a table of members, each of which can be opened as a run to replay);
 * the server's sweeps; and a `.fan.json` from a CLI sweep.
 *
 * @fires sweep-request - detail: a CreateSweepRequest (from the form)
 * @fires sweep-open - detail: the id of a sweep to show
 * @fires sweep-stop - the sweep shown is to stop
 * @fires sweep-resume - the sweep shown (interrupted, stopped or failed) is to run its missing members
 * @fires sweep-metric - detail: the metric key whose fan chart to show
 * @fires sweep-member - detail: the index of the member to open as a run
 * @fires fan-file - detail: the sweep results File the user picked
 */
@customElement("tk-ensemble-view")
export class TkEnsembleView extends LitElement {
  static override styles = [
    ...viewStyles,
    css`
      .hists { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
      .hists figure { margin: 0; min-width: 0; }
      figcaption { font-size: 0.85rem; font-weight: 600; }
      svg.hist { width: 100%; height: auto; display: block; font-size: 10px; fill: var(--tk-muted); }
      progress { width: 100%; }
      .tornado { display: grid; gap: 3px; }
      .t-row { display: grid; grid-template-columns: minmax(0, 16rem) minmax(0, 1fr) 3rem; gap: 8px; align-items: center; font-size: 0.8rem; }
      .t-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .t-track { position: relative; height: 14px; background: linear-gradient(var(--tk-border), var(--tk-border)) center / 1px 100% no-repeat; }
      .t-bar { position: absolute; top: 1px; bottom: 1px; border-radius: 2px; }
      .t-bar.neg { background: var(--tk-accent); }
      .t-bar.pos { background: var(--tk-warn, #c80); }
      .t-val { text-align: right; font-variant-numeric: tabular-nums; }
      /* On a phone the parameter's name takes its own line above its bar. */
      @media (max-width: 600px) {
        .t-row { grid-template-columns: minmax(0, 1fr) 2.6rem; gap: 0 6px; }
        .t-label { grid-column: 1 / -1; white-space: normal; }
      }
    `,
  ]

  @property({ attribute: false }) scenarios: ReadonlyArray<ScenarioDetail> = []
  @property() scenario = ""
  @property({ attribute: false }) overrides: Record<string, string> = {}
  @property({ attribute: false }) sweeps: ReadonlyArray<SweepSummary> = []
  @property({ attribute: false }) detail: SweepDetail | null = null
  @property({ attribute: false }) fan: SweepFan | null = null
  @property() metric = ""
  @property({ attribute: false }) formError: { message: string; field?: string } | null = null
  @property({ type: Boolean }) busy = false
  @property({ attribute: false }) fanFile: FanFile | null = null
  @state() private tornadoFor = "AGI"

  override render() {
    return html`<section class="card">
        <h2>New sweep</h2>
        <tk-sweep-form .scenarios=${this.scenarios} .scenario=${this.scenario} .overrides=${this.overrides}
          .error=${this.formError} ?busy=${this.busy}></tk-sweep-form>
      </section>
      ${this.detail ? this.renderSweep(this.detail) : nothing}
      ${this.renderList()}
      ${this.renderFanFile()}`
  }

  private renderSweep(d: SweepDetail) {
    const s = d.summary
    const live = s.status === "queued" || s.status === "running"
    const resumable = s.status === "interrupted" || s.status === "stopped" || s.status === "failed"
    const startYear = this.fan?.years[0] ?? s.untilYear
    const info = d.metrics.find((m) => m.key === this.metric)
    const fan = this.fan
    const series = fan && info ? { key: info.key, label: info.label, unit: info.unit, log: info.log, ...fan } : null
    const labels = d.milestones.map((m) => m.label)
    return html`<section class="card" id="sweep" data-status=${s.status}>
        <div class="bar"><h2 style="flex:1">${s.scenario}: ${designTitle(s)}, to ${s.untilYear}</h2>
          ${live ? html`<button id="sweep-stop" @click=${() => emit(this, "sweep-stop", null)}>Stop</button>` : nothing}
          ${
            resumable
              ? html`<button id="sweep-resume" title="Run the ${s.total - s.done} runs not finished; those finished are kept"
                  @click=${() => emit(this, "sweep-resume", null)}>Resume</button>`
              : nothing
          }</div>
        <progress id="sweep-progress" max=${s.total} .value=${s.done}></progress>
        <p class="hint" id="sweep-status">${s.status} · ${s.done} of ${s.total} runs · ${s.elapsedS.toFixed(1)} s · seed ${s.seed}
          · <a href=${`#/ensemble/${s.id}`}>link</a>${s.error ? html` · <span class="error">${s.error}</span>` : nothing}${
            s.notice ? html` · <span id="sweep-notice">${s.notice}</span>` : nothing
          }</p>
        <p class="hint" id="sweep-downloads">Every finished run's yearly series, one row per run, year and metric with its parameters as columns:
          all ${d.metrics.length} metrics as <a id="series-csv" href=${api.seriesUrl(s.id, "csv")} download>CSV</a> ·
          <a id="series-parquet" href=${api.seriesUrl(s.id, "parquet")} download>Parquet</a>${
            info
              ? html`; ${info.label} alone as <a id="series-metric-csv" href=${api.seriesUrl(s.id, "csv", info.key)} download>CSV</a> ·
          <a id="series-metric-parquet" href=${api.seriesUrl(s.id, "parquet", info.key)} download>Parquet</a>`
              : nothing
          }</p>
        ${
          s.done === 0
            ? html`<p class="hint" id="sweep-no-results">No run has finished yet: the milestone table fills in as runs finish.</p>`
            : html`<div class="table-wrap"><table class="stack"><thead><tr><th>Milestone</th><th class="num">Reached</th><th>P10</th><th>P50</th><th>P90</th></tr></thead>
          <tbody>${d.milestones.map(
            (
              m,
            ) => html`<tr><td data-label="milestone">${m.label}</td><td class="num" data-label="reached">${pct(m.reached)}</td>
              <td data-label="P10">${m.p10 ?? `not by ${s.untilYear}`}</td><td data-label="P50">${m.p50 ?? `not by ${s.untilYear}`}</td>
              <td data-label="P90">${m.p90 ?? `not by ${s.untilYear}`}</td></tr>`,
          )}</tbody></table></div>`
        }
      </section>
      ${d.grid ? this.renderGrid(d, labels) : nothing}
      ${d.oat ? this.renderOat(d, labels) : nothing}
      <section class="card"><h2>When milestones are reached (runs per year; line: share reached)</h2>
        <div class="hists">${HISTOGRAMS.filter((l) => labels.includes(l)).map((l) => {
          const h = histogramOf(d.members, l, startYear, s.untilYear)
          return html`<figure><figcaption>${l} · ${pct(h.total ? (h.total - h.notReached) / h.total : 0)} by ${s.untilYear}</figcaption>
            ${histogramSvg(h, `hist-${l.replace(/[^A-Za-z0-9]/g, "")}`)}</figure>`
        })}</div>
      </section>
      <section class="card" id="tornado-card"><div class="bar"><h2 style="flex:1">Parameter influence (Spearman rho with the date)</h2>
          <select id="tornado-milestone" aria-label="Milestone" @change=${(e: Event) => (this.tornadoFor = (e.target as HTMLSelectElement).value)}>
            ${HISTOGRAMS.map((l) => html`<option ?selected=${l === this.tornadoFor}>${l}</option>`)}</select></div>
        <p class="hint">A bar to the left: a larger value brings the milestone earlier. Never reached counts as latest.</p>
        ${tornado(d.influences, this.tornadoFor)}
      </section>
      <section class="card"><div class="bar"><h2 style="flex:1">Fan chart: P10 / P50 / P90 per year</h2>
          <select id="fan-metric" aria-label="Metric" @change=${(e: Event) => emit(this, "sweep-metric", (e.target as HTMLSelectElement).value)}>
            ${d.metrics.map((m) => html`<option value=${m.key} ?selected=${m.key === this.metric}>${m.label}</option>`)}</select></div>
        ${
          series
            ? html`<tk-chart id="sweep-fan" .spec=${fanChart(series).spec} .data=${[series.years, series.p10, series.p50, series.p90]}
          .lines=${thresholdLines(d.thresholds, series.key, series.unit)}></tk-chart>`
            : html`<p class="hint">Waiting for the first run.</p>`
        }
      </section>
      <section class="card"><h2>Runs</h2>
        <p class="hint">Open reruns the member (its seed and parameter draws) as an ordinary run, to replay and audit.</p>
        <div class="table-wrap"><table class="stack" id="sweep-members"><thead><tr><th class="num">Run</th><th class="num">Seed</th>${labels.map((l) => html`<th>${l}</th>`)}<th></th></tr></thead>
          <tbody>${d.members.slice(0, MAX_ROWS).map(
            (
              m,
            ) => html`<tr data-member=${m.index}><td class="num" data-label="run">${m.index}</td><td class="num" data-label="seed">${m.seed}</td>
              ${labels.map((l) => html`<td data-label=${l}>${m.milestones[l] ?? "—"}</td>`)}
              <td><button class="open" @click=${() => emit(this, "sweep-member", m.index)}>Open</button></td></tr>`,
          )}</tbody></table></div>
        ${d.members.length > MAX_ROWS ? html`<p class="hint">First ${MAX_ROWS} of ${d.members.length} runs.</p>` : nothing}
      </section>`
  }

  /** A grid sweep's points: each combination of levels and its milestones' median dates. */
  private renderGrid(d: SweepDetail, labels: ReadonlyArray<string>) {
    const s = d.summary
    const paths = (s.axes ?? []).map((a) => a.path)
    const points = d.grid ?? []
    return html`<section class="card" id="grid-card"><h2>Milestones by parameter value</h2>
      <p class="hint">Each grid point's median date over its ${s.runs} run${s.runs === 1 ? "" : "s"} (the same seeds at every point, so differences come from the parameters).</p>
      <div class="table-wrap"><table class="stack" id="grid-points"><thead><tr>${paths.map((p) => html`<th class="num">${p}</th>`)}${labels.map((l) => html`<th>${l}</th>`)}</tr></thead>
        <tbody>${points.slice(0, MAX_ROWS).map(
          (
            pt,
          ) => html`<tr>${paths.map((p) => html`<td class="num" data-label=${p}>${String(Number(pt.values[p].toPrecision(6)))}</td>`)}
            ${labels.map((l) => html`<td data-label=${l}>${pt.runs === 0 ? "…" : (pt.milestones[l] ?? `not by ${s.untilYear}`)}</td>`)}</tr>`,
        )}</tbody></table></div>
      ${points.length > MAX_ROWS ? html`<p class="hint">First ${MAX_ROWS} of ${points.length} points (all of them in the series download).</p>` : nothing}
    </section>`
  }

  /** A one-at-a-time sweep's tornado as a table: each parameter's ends and the milestone dates there, widest swing first. */
  private renderOat(d: SweepDetail, labels: ReadonlyArray<string>) {
    const s = d.summary
    const oat = d.oat!
    const n = (x: number) => String(Number(x.toPrecision(4)))
    const shown = labels.filter((l) => l !== "catastrophe")
    const at = (x: string | null) => x ?? `not by ${s.untilYear}`
    return html`<section class="card" id="oat-card"><h2>One at a time: each parameter moved alone</h2>
      <p class="hint">Every other parameter at its point value (${shown.map((l) => `${l} ${at(oat.point[l])}`).join(", ")}); widest swing first.</p>
      <div class="table-wrap"><table class="stack" id="oat-effects"><thead><tr><th>Parameter</th><th class="num">Low</th><th class="num">High</th>${shown.map((l) => html`<th>${l} low → high</th>`)}</tr></thead>
        <tbody>${oat.effects.slice(0, MAX_ROWS).map(
          (
            e,
          ) => html`<tr data-path=${e.path}><td data-label="parameter">${e.path}</td><td class="num" data-label="low">${n(e.low)}</td><td class="num" data-label="high">${n(e.high)}</td>
            ${shown.map((l) => html`<td data-label=${l}>${at(e.milestones[l].low)} → ${at(e.milestones[l].high)}</td>`)}</tr>`,
        )}</tbody></table></div>
    </section>`
  }

  private renderList() {
    if (this.sweeps.length === 0) return nothing
    return html`<section class="card"><h2>Sweeps on this server</h2>
      <div class="table-wrap"><table class="stack" id="sweep-list"><thead><tr><th>Scenario</th><th class="num">Runs</th><th>Design</th><th>Until</th><th>Status</th><th>Started</th></tr></thead>
        <tbody>${this.sweeps.map(
          (
            s,
          ) => html`<tr data-sweep=${s.id}><td data-label="scenario"><a href=${`#/ensemble/${s.id}`}>${s.scenario}</a></td>
            <td class="num" data-label="runs">${s.done}/${s.total}</td><td data-label="design">${s.design}</td><td data-label="until">${s.untilYear}</td>
            <td data-label="status">${s.status}</td><td data-label="started">${s.createdAt.slice(0, 16).replace("T", " ")}</td></tr>`,
        )}</tbody></table></div></section>`
  }

  private onFile = (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0]
    if (file) emit(this, "fan-file", file)
  }

  private renderFanFile() {
    const fan = this.fanFile
    return html`<section class="card">
        <h2>Fan charts from a CLI sweep</h2>
        <p class="hint">Load the <code>&lt;out&gt;.fan.json</code> that <code>takeoff sweep</code> writes: per-year P10/P50/P90 per metric.</p>
        <label class="file"><span>Sweep results</span><input id="fan-file" type="file" accept=".json,application/json" @change=${this.onFile} /></label>
        ${fan ? html`<p class="hint">${fan.scenario ?? ""} ${fan.runs ? `· ${fan.runs} runs` : ""} · ${fan.metrics.length} metrics</p>` : nothing}
      </section>
      ${
        fan
          ? html`<div class="grid">${fan.metrics.map((m) => {
              const { spec } = fanChart(m)
              const lines = thresholdLines(fan.thresholds, m.key, m.unit)
              return html`<tk-chart id=${`fan-${m.key.replace(/[^a-zA-Z0-9_-]/g, "_")}`} .spec=${spec} .data=${[m.years, m.p10, m.p50, m.p90]} .lines=${lines} syncKey="fan"></tk-chart>`
            })}</div>`
          : nothing
      }`
  }
}
