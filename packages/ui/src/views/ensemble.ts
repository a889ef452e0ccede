import { html, LitElement, nothing } from "lit"
import { customElement, property } from "lit/decorators.js"
import { fanChart, thresholdLines } from "../dashboard.js"
import { emit } from "../emit.js"
import type { FanFile } from "../fan.js"
import { viewStyles } from "./styles.js"
import "../components/tk-chart.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-ensemble-view": TkEnsembleView
  }
}

/**
 * Fan charts of a sweep: per-year P10/P50/P90 of each metric, from the `<out>.fan.json` file a sweep
 * writes.
 *
 * @fires fan-file - detail: the sweep results File the user picked
 */
@customElement("tk-ensemble-view")
export class TkEnsembleView extends LitElement {
  static override styles = viewStyles

  @property({ attribute: false }) fan: FanFile | null = null

  private onFile = (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0]
    if (file) emit(this, "fan-file", file)
  }

  override render() {
    const fan = this.fan
    return html`<section class="card">
        <h2>Ensemble fan charts</h2>
        <p class="hint">Load the <code>&lt;out&gt;.fan.json</code> a sweep writes (<code>takeoff sweep … --out results</code>): per-year P10/P50/P90 per metric.</p>
        <label class="file"><span>Sweep results</span><input id="fan-file" type="file" accept=".json,application/json" @change=${this.onFile} /></label>
        ${fan ? html`<p class="hint">${fan.scenario ?? ""} ${fan.runs ? `· ${fan.runs} runs` : ""} · ${fan.metrics.length} metrics</p>` : nothing}
      </section>
      <div class="grid">${(fan?.metrics ?? []).map((m) => {
        const { spec } = fanChart(m)
        const lines = thresholdLines(fan?.thresholds ?? [], m.key, m.unit)
        return html`<tk-chart id=${`fan-${m.key.replace(/[^a-zA-Z0-9_-]/g, "_")}`} .spec=${spec} .data=${[m.years, m.p10, m.p50, m.p90]} .lines=${lines} syncKey="fan"></tk-chart>`
      })}</div>`
  }
}
