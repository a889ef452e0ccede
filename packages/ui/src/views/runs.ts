import type { RunSummary, SweepSummary } from "@takeoff/protocol"
import { html, LitElement } from "lit"
import { customElement, property } from "lit/decorators.js"
import { api } from "../api.js"
import { milestoneLabel } from "../dashboard.js"
import { emit } from "../emit.js"
import { statusText } from "../run-labels.js"
import { isTerminal } from "../run-stream.js"
import { viewStyles } from "./styles.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-runs-view": TkRunsView
  }
}

/**
 * The server's runs, newest first, each to watch (still going) or replay (over), with its log to
 * download; and a log file to upload and replay.
 *
 * @fires run-open - detail: the id of the run to watch or replay
 * @fires log-upload - detail: the log File the user picked
 * @fires runs-refresh - Refresh was pressed
 */
@customElement("tk-runs-view")
export class TkRunsView extends LitElement {
  static override styles = viewStyles

  @property({ attribute: false }) runs: ReadonlyArray<RunSummary> = []
  /** The server's sweeps, listed beside the runs (each opens in the Ensemble view). */
  @property({ attribute: false }) sweeps: ReadonlyArray<SweepSummary> = []

  private onFile = (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0]
    if (file) emit(this, "log-upload", file)
  }

  override render() {
    return html`<section class="card">
        <div class="bar"><h2 style="flex:1">Runs</h2>
          <label class="file"><span>Upload a log</span><input id="upload" type="file" accept=".ndjson,.log,.gz,application/x-ndjson" @change=${this.onFile} /></label>
          <button @click=${() => emit(this, "runs-refresh", null)}>Refresh</button></div>
        ${
          this.runs.length === 0
            ? html`<p class="hint">No runs yet. Start one from the dashboard, or upload a log.</p>`
            : html`<div class="table-wrap"><table class="stack">
              <thead><tr><th>Run</th><th>Scenario</th><th>Seed</th><th>Status</th><th>Reached</th><th>Milestones</th><th></th></tr></thead>
              <tbody>${this.runs.map(
                (r) => html`<tr data-run=${r.id}>
                  <td data-label="run">${r.id}</td><td data-label="scenario">${r.scenario}</td><td class="num" data-label="seed">${r.seed}</td>
                  <td data-label="status">${statusText(r)}</td><td data-label="reached">${r.date ?? "—"}</td>
                  <td data-label="milestones">${r.milestones.map((m) => `${milestoneLabel(m.kind)} ${m.date}`).join(", ") || "—"}</td>
                  <td><button class="open" @click=${() => emit(this, "run-open", r.id)}>${isTerminal(r.status) ? "Replay" : "Watch"}</button>
                    <a href=${api.logUrl(r.id)} download>log</a></td>
                </tr>`,
              )}</tbody></table></div>`
        }
      </section>
      ${
        this.sweeps.length === 0
          ? ""
          : html`<section class="card"><h2>Sweeps</h2><div class="table-wrap"><table class="stack" id="runs-sweeps">
          <thead><tr><th>Sweep</th><th>Scenario</th><th class="num">Runs</th><th>Status</th><th>Started</th></tr></thead>
          <tbody>${this.sweeps.map(
            (
              s,
            ) => html`<tr><td data-label="sweep"><a href=${`#/ensemble/${s.id}`}>${s.id}</a></td><td data-label="scenario">${s.scenario}</td>
              <td class="num" data-label="runs">${s.done}/${s.total}</td><td data-label="status">${s.status}</td>
              <td data-label="started">${s.createdAt.slice(0, 16).replace("T", " ")}</td></tr>`,
          )}</tbody></table></div></section>`
      }`
  }
}
