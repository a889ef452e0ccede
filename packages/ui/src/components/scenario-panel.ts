import type { CreateRunRequest, ParameterInfo, ScenarioDetail, ScenarioYaml } from "@takeoff/protocol"
import { css, html, LitElement, type PropertyValues } from "lit"
import { customElement, property, state } from "lit/decorators.js"
import { api } from "../api.js"
import { validateParameter } from "../params.js"
import { downloadUrl } from "./chart-export.js"
import { controlStyles } from "../theme.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-scenario-panel": TkScenarioPanel
  }
}

const asText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v))

/**
 * Scenario picker and grouped parameter editor. Shows each parameter's unit, default and source,
 * refuses invalid values inline (and shows server-side field errors the same way), and emits
 * `run-request` with a CreateRunRequest when the user presses Run. "Save as scenario" has the
 * server render the edits as a YAML file extending the scenario (POST /api/scenarios/yaml) and
 * downloads it.
 *
 * @fires scenario-change - detail `{ scenario, seed, untilYear, edits, validEdits }` on every edit:
 *   `edits` as typed (to keep in the editor), `validEdits` those that pass validation (for the URL, so
 *   a link never carries a value the run would refuse)
 * @fires run-request - detail: the CreateRunRequest to send
 * @example html`<tk-scenario-panel .scenarios=${list} @run-request=${start}></tk-scenario-panel>`
 */
@customElement("tk-scenario-panel")
export class TkScenarioPanel extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      label.row { display: grid; gap: 4px; margin-bottom: 10px; }
      .desc { font-size: 0.85rem; color: var(--tk-muted); margin: 4px 0 10px; line-height: 1.35; }
      .inline { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; }
      .inline label { display: grid; gap: 4px; flex: 1; min-width: 90px; }
      details { border-top: 1px solid var(--tk-border); padding: 6px 0; }
      summary { cursor: pointer; font-weight: 600; font-size: 0.9rem; padding: 2px 0; }
      .param { display: grid; grid-template-columns: 1fr 7.5em; gap: 2px 8px; padding: 6px 0; font-size: 0.85rem; }
      .param .name { align-self: center; }
      .param input { width: 100%; box-sizing: border-box; }
      .param .meta { grid-column: 1 / -1; font-size: 0.74rem; color: var(--tk-muted); line-height: 1.3; }
      .param .msg { grid-column: 1 / -1; font-size: 0.78rem; color: var(--tk-bad); font-weight: 600; }
      .param.changed .name { font-weight: 600; }
      input[aria-invalid="true"] { border-color: var(--tk-bad); outline-color: var(--tk-bad); background: color-mix(in srgb, var(--tk-bad) 10%, var(--tk-bg)); }
      .badge { font-size: 0.68rem; border: 1px solid var(--tk-warn); color: var(--tk-warn); border-radius: 3px; padding: 0 3px; margin-left: 4px; }
      .actions { display: flex; gap: 8px; margin-top: 10px; align-items: center; flex-wrap: wrap; }
      .summary-error { font-size: 0.82rem; }
      button.reset { font-size: 0.72rem; padding: 1px 6px; }
      .save { border: 1px solid var(--tk-border); border-radius: 6px; padding: 8px; margin-top: 8px; font-size: 0.82rem; }
      .save label { display: grid; gap: 4px; }
      /* YAML lines unwrapped (a wrapped line would read as a new key); the box scrolls, not the page. */
      .save pre { max-height: 180px; max-width: 100%; overflow: auto; font-size: 0.72rem; background: var(--tk-bg);
        padding: 6px; white-space: pre; }
    `,
  ]

  @property({ attribute: false }) scenarios: ReadonlyArray<ScenarioDetail> = []
  @property() selected = ""
  @property({ type: Number }) seed = 1
  @property({ attribute: false }) untilYear: number | undefined = undefined
  /** Edited values as typed, by parameter path (from the URL or the user). */
  @property({ attribute: false }) edits: Record<string, string> = {}
  /** A server-side refusal naming a field, shown beside it. */
  @property({ attribute: false }) serverError: { message: string; field?: string } | null = null
  @property({ type: Boolean }) busy = false

  @state() private errors: Record<string, string> = {}
  /** The "Save as scenario" form: open, its file name, and the server's answer or refusal. */
  @state() private saveOpen = false
  @state() private saveName = ""
  @state() private saved: ScenarioYaml | null = null
  @state() private saveError: string | null = null

  private get scenario(): ScenarioDetail | undefined {
    return this.scenarios.find((s) => s.name === this.selected)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("edits") || changed.has("scenarios") || changed.has("selected")) this.revalidate()
  }

  /** Each edited parameter with its text as typed and what validating that text gives. */
  private checkedEdits() {
    return (this.scenario?.parameters ?? []).flatMap((p) => {
      const text = this.edits[p.path]
      return text === undefined ? [] : [{ p, text, r: validateParameter(p, text) }]
    })
  }

  private revalidate(): void {
    const errors: Record<string, string> = {}
    for (const { p, r } of this.checkedEdits()) if ("error" in r) errors[p.path] = r.error
    this.errors = errors
  }

  /** Overrides to send: edited values that differ from the default and are valid. */
  overrides(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const { p, r } of this.checkedEdits())
      if ("value" in r && JSON.stringify(r.value) !== JSON.stringify(p.value)) out[p.path] = r.value
    return out
  }

  /** The edits as typed that pass validation. */
  private validEdits(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const { p, text, r } of this.checkedEdits()) if ("value" in r) out[p.path] = text
    return out
  }

  private emitChange(): void {
    this.dispatchEvent(
      new CustomEvent("scenario-change", {
        detail: {
          scenario: this.selected,
          seed: this.seed,
          untilYear: this.untilYear,
          edits: this.edits,
          validEdits: this.validEdits(),
        },
        bubbles: true,
        composed: true,
      }),
    )
  }

  private onPick(e: Event) {
    this.selected = (e.target as HTMLSelectElement).value
    this.edits = {}
    this.saveOpen = false
    this.saved = null
    this.saveError = null
    this.emitChange()
  }

  private onEdit(p: ParameterInfo, e: Event) {
    const input = e.target as HTMLInputElement
    const text = input.type === "checkbox" ? String(input.checked) : input.value
    const edits = { ...this.edits }
    if (text === asText(p.value)) delete edits[p.path]
    else edits[p.path] = text
    this.edits = edits
    if (this.serverError?.field === p.path) this.serverError = null
    this.emitChange()
  }

  private reset(p: ParameterInfo) {
    const edits = { ...this.edits }
    delete edits[p.path]
    this.edits = edits
    this.emitChange()
  }

  private submit(e: Event) {
    e.preventDefault()
    if (Object.keys(this.errors).length > 0 || !this.selected) return
    const req: CreateRunRequest = {
      scenario: this.selected,
      seed: this.seed,
      overrides: this.overrides(),
      ...(this.untilYear ? { untilYear: this.untilYear } : {}),
    }
    this.dispatchEvent(new CustomEvent("run-request", { detail: req, bubbles: true, composed: true }))
  }

  private async saveScenario() {
    this.saveError = null
    this.saved = null
    const overrides = this.overrides()
    // The UI may name the day (the engine never reads a clock); each value's source is still the author's to give.
    const day = new Date().toISOString().slice(0, 10)
    try {
      const saved = await api.scenarioYaml({
        scenario: this.selected,
        name: this.saveName || `${this.selected}-edited`,
        description: `${this.selected} with ${Object.keys(overrides).length} parameter(s) edited in the UI on ${day}: ${Object.keys(overrides).join(", ")}.`,
        overrides,
      })
      this.saved = saved
      const url = URL.createObjectURL(new Blob([saved.yaml], { type: "application/yaml" }))
      downloadUrl(url, saved.file)
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (e) {
      this.saveError = (e as Error).message
    }
  }

  private renderSave(nEdits: number) {
    if (!this.saveOpen) return ""
    return html`<div class="save" id="save-form">
      <label><span>File name (a new scenario extending ${this.selected})</span>
        <input id="save-name" type="text" pattern="[a-z0-9][a-z0-9-]*" .value=${this.saveName || `${this.selected}-edited`}
          @input=${(e: Event) => {
            this.saveName = (e.target as HTMLInputElement).value.trim()
          }} /></label>
      <div class="actions">
        <button type="button" id="save-download" ?disabled=${nEdits === 0} @click=${() => this.saveScenario()}>Download YAML</button>
        <span class="muted">only the ${nEdits} changed value${nEdits === 1 ? "" : "s"}, each with a TODO source to fill</span>
      </div>
      ${this.saveError ? html`<p class="error" role="alert" id="save-error">${this.saveError}</p>` : ""}
      ${
        this.saved
          ? html`<p role="status">Saved <b>${this.saved.file}</b>. Replace each TODO note with a source, then
              <code>takeoff run ${this.saved.file}</code> (or put it in scenarios/).</p>
            <pre id="save-yaml">${this.saved.yaml}</pre>`
          : ""
      }
    </div>`
  }

  override render() {
    const sc = this.scenario
    const groups = new Map<string, ParameterInfo[]>()
    for (const p of sc?.parameters ?? []) groups.set(p.group, [...(groups.get(p.group) ?? []), p])
    const nErrors = Object.keys(this.errors).length
    const nEdits = Object.keys(this.overrides()).length
    return html`<form @submit=${this.submit} novalidate>
      <label class="row"><span>Scenario</span>
        <select id="scenario" @change=${this.onPick} .value=${this.selected} aria-describedby="scenario-desc">
          ${this.scenarios.length === 0 ? html`<option value="">Loading…</option>` : ""}
          ${this.scenarios.map((s) => html`<option value=${s.name} ?selected=${s.name === this.selected}>${s.title || s.name}</option>`)}
        </select>
      </label>
      <p class="desc" id="scenario-desc">${sc?.description ?? ""}</p>
      <div class="inline">
        <label><span>Seed</span><input id="seed" type="number" min="0" step="1" .value=${String(this.seed)}
          @change=${(e: Event) => {
            this.seed = Math.max(0, Math.floor(Number((e.target as HTMLInputElement).value) || 0))
            this.emitChange()
          }} /></label>
        <label><span>Until year</span><input id="until" type="number" min="2025" max="2200" step="1" placeholder="default"
          .value=${this.untilYear ? String(this.untilYear) : ""}
          @change=${(e: Event) => {
            const v = Number((e.target as HTMLInputElement).value)
            this.untilYear = Number.isFinite(v) && v > 2024 ? Math.floor(v) : undefined
            this.emitChange()
          }} /></label>
      </div>
      <div class="actions">
        <button class="primary" id="run" type="submit" ?disabled=${nErrors > 0 || !this.selected || this.busy}>Run</button>
        <button type="button" id="save-scenario" aria-expanded=${this.saveOpen ? "true" : "false"}
          ?disabled=${nErrors > 0 || !this.selected || nEdits === 0}
          title=${nEdits === 0 ? "Change a parameter first" : "Download the edits as a YAML scenario"}
          @click=${() => {
            this.saveOpen = !this.saveOpen
          }}>Save as scenario…</button>
        <span class="muted" style="font-size:0.8rem">${nEdits ? `${nEdits} parameter${nEdits > 1 ? "s" : ""} changed` : "defaults"}</span>
      </div>
      ${this.renderSave(nEdits)}
      ${nErrors > 0 ? html`<p class="error summary-error" role="alert">Fix ${nErrors} invalid parameter${nErrors > 1 ? "s" : ""} to run.</p>` : ""}
      ${this.serverError && !this.serverError.field ? html`<p class="error summary-error" role="alert">${this.serverError.message}</p>` : ""}
      <h3 style="font-size:0.95rem;margin:14px 0 4px">Parameters</h3>
      ${[...groups].map(
        ([
          group,
          params,
        ]) => html`<details ?open=${params.some((p) => this.edits[p.path] !== undefined || this.serverError?.field === p.path)}>
          <summary>${group} <span class="muted">(${params.length})</span></summary>
          ${params.map((p) => this.renderParam(p))}
        </details>`,
      )}
    </form>`
  }

  private renderParam(p: ParameterInfo) {
    const id = `p-${p.path.replace(/[^a-zA-Z0-9_-]/g, "_")}`
    const edited = this.edits[p.path]
    const serverMsg =
      this.serverError?.field === p.path ? this.serverError.message.replace(`${p.path}: `, "") : undefined
    const err = this.errors[p.path] ?? serverMsg
    const value = edited ?? asText(p.value)
    const input =
      typeof p.value === "boolean"
        ? html`<input id=${id} type="checkbox" .checked=${value === "true"} @change=${(e: Event) => this.onEdit(p, e)} />`
        : html`<input id=${id} type="text" inputmode=${typeof p.value === "number" ? "decimal" : "text"} .value=${value}
            aria-invalid=${err ? "true" : "false"} aria-describedby="${id}-meta ${id}-msg" data-path=${p.path}
            @input=${(e: Event) => this.onEdit(p, e)} />`
    const range = p.min !== undefined || p.max !== undefined ? ` · range ${p.min ?? "−∞"} to ${p.max ?? "∞"}` : ""
    return html`<div class="param ${edited !== undefined ? "changed" : ""}">
      <label class="name" for=${id} title=${p.description ?? ""}>${p.label}${p.unit ? html` <span class="muted">(${p.unit})</span>` : ""}</label>
      ${input}
      <div class="meta" id="${id}-meta">default ${asText(p.value)}${p.unit ? ` ${p.unit}` : ""}${range} · source: ${p.source || "none given"}
        ${p.assumption ? html`<span class="badge">assumption</span>` : ""}
        ${edited !== undefined ? html` <button type="button" class="reset" @click=${() => this.reset(p)}>reset</button>` : ""}
      </div>
      ${err ? html`<div class="msg" id="${id}-msg" role="alert">${p.label}: ${err}</div>` : html`<div id="${id}-msg" hidden></div>`}
    </div>`
  }
}
