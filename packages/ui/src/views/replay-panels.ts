import type { Explanation, MetricInfo, MilestoneInfo, StateAtTick } from "@takeoff/protocol"
import { css, html, LitElement, nothing } from "lit"
import { customElement, property } from "lit/decorators.js"
import { describeKey, milestoneLabel } from "../dashboard.js"
import { emit } from "../emit.js"
import { formatValue } from "@takeoff/protocol"
import { viewStyles } from "./styles.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-replay-state": TkReplayState
    "tk-milestone-audit": TkMilestoneAudit
  }
}

const panelStyles = [
  viewStyles,
  css`
    :host { display: block; }
    h3 { font-size: 0.9rem; margin: 8px 0 4px; }
  `,
]

/**
 * The world's metrics at the replay position, as the server's state endpoint returned them.
 * @example html`<tk-replay-state .state=${s} .metricInfo=${info} ?updating=${moving}></tk-replay-state>`
 */
@customElement("tk-replay-state")
export class TkReplayState extends LitElement {
  static override styles = [
    panelStyles,
    css`
      .state { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 2px 12px; font-size: 0.8rem; }
      .state div { display: flex; justify-content: space-between; gap: 8px; border-bottom: 1px dotted var(--tk-border); padding: 2px 0; }
    `,
  ]

  @property({ attribute: false }) state: StateAtTick | null = null
  @property({ attribute: false }) metricInfo: ReadonlyMap<string, MetricInfo> = new Map()
  /** The position has moved on and the state for it is on its way. */
  @property({ type: Boolean }) updating = false

  override render() {
    const s = this.state
    if (!s) return nothing
    return html`<section class="card" aria-label="State at the replay position" id="replay-state">
      <h2>State at ${s.date} (tick ${s.tick})${this.updating ? html` <span class="hint">updating…</span>` : nothing}</h2>
      <div class="state">${Object.entries(s.metrics ?? {}).map(([k, v]) => {
        const m = this.metricInfo.get(k)
        const d = describeKey(k)
        const unit = m?.unit ?? d.unit
        return html`<div><span>${m?.label ?? d.label}</span><b>${formatValue(v, unit)}</b></div>`
      })}</div>
    </section>`
  }
}

/**
 * Why a milestone happened: the audit's summary, the threshold crossing, the drivers of the AI share
 * and the notable events before it, with the full audit underneath.
 *
 * @fires explain-close - Close was pressed
 * @example html`<tk-milestone-audit .kind=${"agi"} .audit=${await api.audit(id, "agi")}></tk-milestone-audit>`
 */
@customElement("tk-milestone-audit")
export class TkMilestoneAudit extends LitElement {
  static override styles = [
    panelStyles,
    css`
      /* Scrolled to when opened: its heading lands below the sticky top bar, not under it. */
      :host { scroll-margin-top: 72px; }
      pre { font-size: 0.75rem; max-height: 360px; overflow: auto; white-space: pre-wrap; background: var(--tk-bg); padding: 8px; border-radius: 6px; }
      ol { font-size: 0.85rem; padding-left: 1.2em; }
      .drivers td.bar-cell { width: 40%; }
      .drivers .bar-fill { height: 10px; background: var(--tk-s1); border-radius: 2px; }
    `,
  ]

  @property() kind: MilestoneInfo["kind"] = "agi"
  /** The audit endpoint's answer (an Explanation; read defensively, it is shown whole below). */
  @property({ attribute: false }) audit: unknown = null

  override render() {
    const d = (this.audit ?? {}) as Partial<Explanation>
    const maxDriver = Math.max(1e-12, ...(d.drivers ?? []).map((x) => Math.abs(x.contribution)))
    return html`<section class="card explain" aria-label="Milestone audit" id="explain">
      <div class="bar"><h2 style="flex:1">Why ${milestoneLabel(this.kind)}?</h2>
        <button @click=${() => emit(this, "explain-close", null)}>Close</button></div>
      ${d.summary ? html`<p>${d.summary}</p>` : nothing}
      ${
        d.crossing
          ? html`<p class="hint">${describeKey(d.crossing.metric).label} crossed ${d.crossing.threshold}:
            ${d.crossing.before ? `${d.crossing.before.date} ${d.crossing.before.value.toPrecision(3)}` : "—"} →
            ${d.crossing.after ? `${d.crossing.after.date} ${d.crossing.after.value.toPrecision(3)}` : "not reached"}</p>`
          : nothing
      }
      ${
        d.drivers?.length
          ? html`<h3>Drivers (AI-share points)</h3>
            <table class="drivers"><tbody>${d.drivers.map(
              (
                x,
              ) => html`<tr><td title=${x.driver}>${x.label ?? x.driver}</td><td class="num">${(x.contribution * 100).toFixed(2)}</td><td class="num">${(x.share * 100).toFixed(0)}%</td>
                <td class="bar-cell"><div class="bar-fill" style="width:${(Math.abs(x.contribution) / maxDriver) * 100}%"></div></td></tr>`,
            )}</tbody></table>`
          : nothing
      }
      ${
        d.events?.length
          ? html`<h3>Notable events before it</h3>
            <ol>${d.events
              .slice(-30)
              .map(
                (e) =>
                  html`<li>${e.date} · ${e.summary}${e.contribution !== undefined ? html` <span class="muted">(${(e.contribution * 100).toFixed(2)} pts)</span>` : nothing}</li>`,
              )}</ol>`
          : nothing
      }
      <details><summary>Full audit</summary><pre>${JSON.stringify(this.audit, null, 2)}</pre></details>
    </section>`
  }
}
