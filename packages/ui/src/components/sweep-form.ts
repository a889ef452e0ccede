import type { CreateSweepRequest, ParameterInfo, ScenarioDetail, SweepDesignName, SweepVary } from "@takeoff/protocol"
import { css, html, LitElement, nothing, type PropertyValues } from "lit"
import { customElement, property, state } from "lit/decorators.js"
import { emit } from "../emit.js"
import { controlStyles } from "../theme.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-sweep-form": TkSweepForm
  }
}

/** The designs in the order offered: sampling ones first, then the grid and one-at-a-time. */
const DESIGNS: ReadonlyArray<readonly [string, ReadonlyArray<readonly [SweepDesignName, string]>]> = [
  [
    "Sample the distributions",
    [
      ["lhs", "Latin hypercube"],
      ["random", "Random"],
      ["saltelli", "Saltelli (Sobol)"],
    ],
  ],
  [
    "Set the values",
    [
      ["grid", "Grid"],
      ["oat", "One at a time"],
    ],
  ],
]

/** A grid axis as the form edits it: `steps` levels from `lo` to `hi`, or the `values` typed (comma-separated). */
interface AxisDraft {
  readonly path: string
  readonly lo: number
  readonly hi: number
  readonly steps: number
  readonly values: string
}

/** The numbers typed in an axis's values field: [] when empty, undefined when one is not a number. */
const typedValues = (text: string): number[] | undefined => {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
  const xs = parts.map(Number)
  return xs.every(Number.isFinite) ? xs : undefined
}

/** An axis as POST /api/sweeps takes it: its typed values if any, else from, to and levels. */
const axisRequest = (a: AxisDraft) => {
  const values = typedValues(a.values) ?? []
  return values.length > 0 ? { path: a.path, values } : { path: a.path, lo: a.lo, hi: a.hi, steps: a.steps }
}

/** Levels an axis makes (0 while its values field holds something not a number). */
const levelsOf = (a: AxisDraft): number => {
  const values = typedValues(a.values)
  return values === undefined ? 0 : values.length || a.steps
}

/** The most grid levels one axis offers in the form (the API takes more as values). */
const MAX_STEPS = 50

/** A range around a parameter's value to start from: half to one and a half times it. */
const around = (p: ParameterInfo) => {
  const v = p.value as number
  return { lo: v * 0.5, hi: v * 1.5 || 1 }
}

/**
 * The form that starts a sweep: scenario, runs, seed, horizon and design. A sampling design picks
 * which declared distributions to sample and the parameters to draw over a range; a grid picks
 * parameters and the levels each takes (from, to, steps), every combination run; one at a time
 * moves each chosen distribution to its P10 and P90 and each range to its ends. A refusal from the
 * server is shown beside the field it names.
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
      .axis { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr) minmax(0, 1fr) minmax(3.5rem, 0.7fr) minmax(0, 1.4fr) auto; gap: 6px; margin-top: 6px; align-items: end; }
      .axis input[aria-invalid="true"] { border-color: var(--tk-bad); }
      .axis input:disabled { opacity: 0.45; }
      .axis label { display: grid; gap: 3px; font-size: 0.8rem; min-width: 0; }
      .axis button { align-self: end; }
      legend { font-size: 0.88rem; font-weight: 600; padding: 0; }
      fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
      /* A phone: the parameter on its own line, its levels below. */
      @media (max-width: 560px) { .axis { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) minmax(0, 1fr) auto; } .axis label.param { grid-column: 1 / -1; } .axis label.values { grid-column: 1 / 4; } .axis button { grid-row: 2; grid-column: 4; } }
      .count { font-size: 0.82rem; color: var(--tk-muted); }
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
  @state() private axes: AxisDraft[] = []

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
    const grid = this.design === "grid"
    return {
      scenario: name,
      runs: this.runs,
      seed: this.seed,
      untilYear: this.untilYear,
      design: this.design,
      // A grid runs its levels with every distribution at its point value: nothing is sampled or drawn.
      ...(grid ? { axes: this.axes.map(axisRequest) } : {}),
      ...(!grid && this.unsampled.size ? { sample: sampled.filter((p) => !this.unsampled.has(p)) } : {}),
      ...(!grid && this.vary.length ? { vary: this.vary } : {}),
      ...(name === this.scenario && Object.keys(this.overrides).length ? { overrides: this.overrides } : {}),
    }
  }

  /** Runs the design makes, as far as the form knows (the server says the exact count for a sampling design). */
  private members(distributed: number): number | undefined {
    if (this.design === "grid") return this.axes.reduce((n, a) => n * levelsOf(a), this.axes.length ? this.runs : 0)
    if (this.design === "oat") return (1 + 2 * (distributed - this.unsampled.size + this.vary.length)) * this.runs
    if (this.design === "saltelli") return this.runs * (distributed - this.unsampled.size + 2)
    return this.runs
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
    const rowDesign = this.design === "grid" || this.design === "oat"
    const members = this.members(distributed.length)
    return html`<form @submit=${this.submit} aria-label="Start a sweep">
      <div class="row">
        <label class="wide">Scenario
          <select id="sweep-scenario" .value=${this.picked || this.scenario} @change=${(ev: Event) => {
            this.picked = (ev.target as HTMLSelectElement).value
            this.unsampled = new Set()
            this.vary = []
            this.axes = []
          }}>${this.scenarios.map((s) => html`<option value=${s.name} ?selected=${s.name === (this.picked || this.scenario)}>${s.title || s.name}</option>`)}</select>
        </label>
        <label>${rowDesign ? "Runs per point" : "Runs"} <input id="sweep-runs" type="number" min="1" max="1000" .value=${String(this.runs)} @change=${this.num((v) => (this.runs = v))} /></label>
        <label>Seed <input id="sweep-seed" type="number" min="0" .value=${String(this.seed)} @change=${this.num((v) => (this.seed = v))} /></label>
        <label>Until <input id="sweep-until" type="number" min="2024" max="2500" .value=${String(this.untilYear)} @change=${this.num((v) => (this.untilYear = v))} /></label>
        <label>Design
          <select id="sweep-design" @change=${(ev: Event) => this.setDesign((ev.target as HTMLSelectElement).value as SweepDesignName, numeric)}>
            ${DESIGNS.map(
              ([group, designs]) =>
                html`<optgroup label=${group}>${designs.map(([d, label]) => html`<option value=${d} ?selected=${d === this.design}>${label}</option>`)}</optgroup>`,
            )}
          </select>
        </label>
      </div>
      ${this.msg("runs")}${this.msg("seed")}${this.msg("untilYear")}${this.msg("design")}${this.msg("scenario")}
      ${this.design === "grid" ? this.renderAxes(numeric) : this.renderSampling(distributed, numeric)}
      <div class="actions">
        <button class="primary" id="sweep-start" type="submit" ?disabled=${this.busy || !this.detail || members === 0}>Start sweep</button>
        ${members !== undefined ? html`<span class="count" id="sweep-count">${members} runs</span>` : nothing}
        ${e && !["runs", "seed", "untilYear", "design", "scenario", "sample", "vary", "axes"].some((f) => e.field === f || e.field?.startsWith(`${f}.`)) ? html`<span class="msg" role="alert">${e.message}</span>` : nothing}
      </div>
    </form>`
  }

  private renderSampling(distributed: ParameterInfo[], numeric: ParameterInfo[]) {
    const oat = this.design === "oat"
    return html`<details>
        <summary>${oat ? "Distributions moved to P10 and P90" : "Sampled parameters"} (${distributed.length - this.unsampled.size} of ${distributed.length})</summary>
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
        <summary>${oat ? "Move over a range, to its ends" : "Vary over a range"} (${this.vary.length})</summary>
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
          this.vary = [...this.vary, { path: p.path, ...around(p) }]
        }}>Add a range</button>
        ${this.msg("vary")}
      </details>`
  }

  /** The grid's parameters: each with from, to and the number of levels (both ends included). */
  private renderAxes(numeric: ParameterInfo[]) {
    const used = new Set(this.axes.map((a) => a.path))
    return html`<fieldset id="grid-axes">
      <legend>Grid: each parameter's levels, from and to included, or the values typed (every combination runs; distributions stay at their point values)</legend>
      ${this.axes.map((a, i) => {
        // Values typed replace the range: its fields are shown but off.
        const typed = (typedValues(a.values)?.length ?? 0) > 0
        return html`<div class="axis" data-axis=${i}>
          <label class="param">Parameter
            <select aria-label=${`Grid parameter ${i + 1}`} @change=${(ev: Event) => {
              const p = numeric.find((x) => x.path === (ev.target as HTMLSelectElement).value)
              if (p) this.setAxis(i, { path: p.path, ...around(p), values: "" })
            }}>
              ${numeric.map((p) => html`<option value=${p.path} ?selected=${p.path === a.path} ?disabled=${p.path !== a.path && used.has(p.path)}>${p.label}</option>`)}</select></label>
          <label>From <input type="number" step="any" ?disabled=${typed} aria-label=${`From (parameter ${i + 1})`} .value=${String(a.lo)} @change=${(ev: Event) => this.setAxis(i, { lo: Number((ev.target as HTMLInputElement).value) })} /></label>
          <label>To <input type="number" step="any" ?disabled=${typed} aria-label=${`To (parameter ${i + 1})`} .value=${String(a.hi)} @change=${(ev: Event) => this.setAxis(i, { hi: Number((ev.target as HTMLInputElement).value) })} /></label>
          <label>Levels <input type="number" min="2" max=${MAX_STEPS} ?disabled=${typed} aria-label=${`Levels (parameter ${i + 1})`} .value=${String(a.steps)} @change=${(ev: Event) => this.setAxis(i, { steps: Number((ev.target as HTMLInputElement).value) })} /></label>
          <label class="values">or values <input type="text" inputmode="decimal" placeholder="a, b, c" aria-label=${`Values (parameter ${i + 1})`} aria-invalid=${typedValues(a.values) === undefined ? "true" : "false"} .value=${a.values} @change=${(ev: Event) => this.setAxis(i, { values: (ev.target as HTMLInputElement).value })} /></label>
          <button type="button" aria-label=${`Remove parameter ${i + 1}`} @click=${() => (this.axes = this.axes.filter((_, j) => j !== i))}>×</button>
        </div>`
      })}
      <button type="button" id="axis-add" ?disabled=${numeric.every((p) => used.has(p.path))} @click=${() => {
        const p = numeric.find((x) => !used.has(x.path))
        if (p) this.axes = [...this.axes, { path: p.path, ...around(p), steps: 3, values: "" }]
      }}>Add a parameter</button>
      ${this.msg("axes")}
    </fieldset>`
  }

  private setDesign(design: SweepDesignName, numeric: ParameterInfo[]) {
    // A grid needs a parameter to start from; its runs are per point, so one each is the sensible start.
    if (design === "grid" && this.axes.length === 0 && numeric.length > 0)
      this.axes = [{ path: numeric[0].path, ...around(numeric[0]), steps: 3, values: "" }]
    const rows = (d: SweepDesignName) => d === "grid" || d === "oat"
    if (rows(design) && !rows(this.design) && this.runs > 10) this.runs = 1
    else if (!rows(design) && rows(this.design) && this.runs < 10) this.runs = 50
    this.design = design
  }

  private setAxis(i: number, patch: Partial<AxisDraft>) {
    this.axes = this.axes.map((a, j) => (j === i ? { ...a, ...patch } : a))
  }

  private setVary(i: number, patch: Partial<SweepVary>) {
    this.vary = this.vary.map((v, j) => (j === i ? { ...v, ...patch } : v))
  }
}
