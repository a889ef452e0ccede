import type { CreateSweepRequest, ScenarioDetail, SweepDesignName, SweepVary } from "@takeoff/protocol"
import { css, html, LitElement, nothing, type PropertyValues } from "lit"
import { customElement, property, state } from "lit/decorators.js"
import { emit } from "../emit.js"
import { controlStyles } from "../theme.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-sweep-form": TkSweepForm
  }
}

const DESIGNS: ReadonlyArray<[SweepDesignName, string]> = [
  ["lhs", "Latin hypercube"],
  ["random", "Random"],
  ["saltelli", "Saltelli (Sobol)"],
]

/**
 * The form that starts a sweep: scenario, runs, seed, horizon, design, which declared distributions
 * to sample and which parameters to vary over a range. A refusal from the server is shown beside
 * the field it names.
 *
 * @fires sweep-request - detail: the CreateSweepRequest to send
 */
@customElement("tk-sweep-form")
export class TkSweepForm extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      form { display: grid; gap: 10px; }
      .row { display: flex; gap: 10px; flex-wrap: wrap; align-items: end; }
      .row label { display: grid; gap: 3px; font-size: 0.85rem; flex: 1 1 7rem; min-width: 0; }
      .row label.wide { flex: 2 1 12rem; }
      input, select { width: 100%; box-sizing: border-box; }
      details { border-top: 1px solid var(--tk-border); padding-top: 6px; }
      summary { cursor: pointer; font-size: 0.88rem; font-weight: 600; }
      .params { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 2px 12px; margin-top: 6px; }
      .params label { display: flex; gap: 6px; align-items: baseline; font-size: 0.82rem; min-width: 0; overflow-wrap: anywhere; }
      .params input { width: auto; flex: none; }
      .dist { color: var(--tk-muted); font-size: 0.72rem; }
      .vary { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr) minmax(0, 1fr) auto; gap: 6px; margin-top: 6px; align-items: center; }
      .msg { color: var(--tk-bad); font-size: 0.82rem; font-weight: 600; }
      .actions { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    `,
  ]

  @property({ attribute: false }) scenarios: ReadonlyArray<ScenarioDetail> = []
  @property() scenario = ""
  /** Fixed overrides for every run (the sidebar's edits, for its scenario). */
  @property({ attribute: false }) overrides: Record<string, string> = {}
  @property({ attribute: false }) error: { message: string; field?: string } | null = null
  @property({ type: Boolean }) busy = false

  @state() private picked = ""
  @state() private runs = 50
  @state() private seed = 1
  @state() private untilYear = 2045
  @state() private design: SweepDesignName = "lhs"
  /** Declared distributions left out of the sampling (default: all sampled). */
  @state() private unsampled = new Set<string>()
  @state() private vary: SweepVary[] = []

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("scenario") && this.scenario && !this.picked) this.picked = this.scenario
  }

  private get detail(): ScenarioDetail | undefined {
    return this.scenarios.find((s) => s.name === (this.picked || this.scenario))
  }

  private request(): CreateSweepRequest {
    const detail = this.detail
    const sampled = (detail?.parameters ?? []).filter((p) => p.distribution).map((p) => p.path)
    const name = detail?.name ?? this.picked
    return {
      scenario: name,
      runs: this.runs,
      seed: this.seed,
      untilYear: this.untilYear,
      design: this.design,
      ...(this.unsampled.size ? { sample: sampled.filter((p) => !this.unsampled.has(p)) } : {}),
      ...(this.vary.length ? { vary: this.vary } : {}),
      ...(name === this.scenario && Object.keys(this.overrides).length ? { overrides: this.overrides } : {}),
    }
  }

  private msg(field: string) {
    const e = this.error
    return e && (e.field === field || e.field?.startsWith(`${field}.`))
      ? html`<span class="msg" role="alert">${e.message}</span>`
      : nothing
  }

  private num = (set: (v: number) => void) => (e: Event) => set(Number((e.target as HTMLInputElement).value))

  private submit = (e: Event) => {
    e.preventDefault()
    emit(this, "sweep-request", this.request())
  }

  override render() {
    const params = this.detail?.parameters ?? []
    const distributed = params.filter((p) => p.distribution)
    const numeric = params.filter((p) => typeof p.value === "number")
    const e = this.error
    return html`<form @submit=${this.submit} aria-label="Start a sweep">
      <div class="row">
        <label class="wide">Scenario
          <select id="sweep-scenario" .value=${this.picked || this.scenario} @change=${(ev: Event) => {
            this.picked = (ev.target as HTMLSelectElement).value
            this.unsampled = new Set()
            this.vary = []
          }}>${this.scenarios.map((s) => html`<option value=${s.name} ?selected=${s.name === (this.picked || this.scenario)}>${s.title || s.name}</option>`)}</select>
        </label>
        <label>Runs <input id="sweep-runs" type="number" min="1" max="1000" .value=${String(this.runs)} @change=${this.num((v) => (this.runs = v))} /></label>
        <label>Seed <input id="sweep-seed" type="number" min="0" .value=${String(this.seed)} @change=${this.num((v) => (this.seed = v))} /></label>
        <label>Until <input id="sweep-until" type="number" min="2024" max="2500" .value=${String(this.untilYear)} @change=${this.num((v) => (this.untilYear = v))} /></label>
        <label>Design
          <select id="sweep-design" @change=${(ev: Event) => (this.design = (ev.target as HTMLSelectElement).value as SweepDesignName)}>
            ${DESIGNS.map(([d, label]) => html`<option value=${d} ?selected=${d === this.design}>${label}</option>`)}
          </select>
        </label>
      </div>
      ${this.msg("runs")}${this.msg("seed")}${this.msg("untilYear")}${this.msg("design")}${this.msg("scenario")}
      <details>
        <summary>Sampled parameters (${distributed.length - this.unsampled.size} of ${distributed.length})</summary>
        <div class="params">${distributed.map(
          (p) =>
            html`<label><input type="checkbox" data-path=${p.path} .checked=${!this.unsampled.has(p.path)} @change=${(
              ev: Event,
            ) => {
              const next = new Set(this.unsampled)
              if ((ev.target as HTMLInputElement).checked) next.delete(p.path)
              else next.add(p.path)
              this.unsampled = next
            }} /><span>${p.label} <span class="dist">${p.distribution}</span></span></label>`,
        )}</div>
        ${this.msg("sample")}
      </details>
      <details ?open=${this.vary.length > 0}>
        <summary>Vary over a range (${this.vary.length})</summary>
        ${this.vary.map(
          (v, i) => html`<div class="vary">
            <select aria-label="Parameter" @change=${(ev: Event) => this.setVary(i, { path: (ev.target as HTMLSelectElement).value })}>
              ${numeric.map((p) => html`<option value=${p.path} ?selected=${p.path === v.path}>${p.label}</option>`)}</select>
            <input type="number" step="any" aria-label="From" .value=${String(v.lo)} @change=${(ev: Event) => this.setVary(i, { lo: Number((ev.target as HTMLInputElement).value) })} />
            <input type="number" step="any" aria-label="To" .value=${String(v.hi)} @change=${(ev: Event) => this.setVary(i, { hi: Number((ev.target as HTMLInputElement).value) })} />
            <button type="button" aria-label="Remove" @click=${() => (this.vary = this.vary.filter((_, j) => j !== i))}>×</button>
          </div>`,
        )}
        <button type="button" id="vary-add" ?disabled=${numeric.length === 0} @click=${() => {
          const p = numeric[0]
          const v = p.value as number
          this.vary = [...this.vary, { path: p.path, lo: v * 0.5, hi: v * 1.5 || 1 }]
        }}>Add a range</button>
        ${this.msg("vary")}
      </details>
      <div class="actions">
        <button class="primary" id="sweep-start" type="submit" ?disabled=${this.busy || !this.detail}>Start sweep</button>
        ${e && !["runs", "seed", "untilYear", "design", "scenario", "sample", "vary"].some((f) => e.field === f || e.field?.startsWith(`${f}.`)) ? html`<span class="msg" role="alert">${e.message}</span>` : nothing}
      </div>
    </form>`
  }

  private setVary(i: number, patch: Partial<SweepVary>) {
    this.vary = this.vary.map((v, j) => (j === i ? { ...v, ...patch } : v))
  }
}
