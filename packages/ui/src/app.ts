import type { CreateRunRequest, NotableEvent, RunControl, RunSummary, ScenarioDetail } from "@takeoff/protocol"
import { html, LitElement, nothing } from "lit"
import { customElement, state } from "lit/decorators.js"
import { ApiCallError, api } from "./api.js"
import { takeTokenFromUrl, UNAUTHORIZED_EVENT } from "./auth.js"
import { CompareController } from "./controllers/compare.js"
import { EnsembleController } from "./controllers/ensemble.js"
import { MetricInfoController } from "./controllers/metric-info.js"
import { ReplayController } from "./controllers/replay.js"
import { UrlStateController } from "./controllers/url-state.js"
import { isTerminal, RunStreamController } from "./run-stream.js"
import { RunSeries } from "./series.js"
import { appStyles } from "./app-styles.js"
import { controlStyles } from "./theme.js"
import type { UrlState } from "./url-state.js"
import { ensembleView } from "./views/ensemble-binding.js"
import type { MilestoneAudit } from "./views/live.js"
import "./components/scenario-panel.js"
import "./components/token-form.js"
import "./views/compare.js"
import "./views/live.js"
import "./views/runs.js"

declare global {
  interface HTMLElementTagNameMap {
    "takeoff-app": TakeoffApp
  }
}

// A token handed over in a link goes into this tab's storage before the URL is parsed.
takeTokenFromUrl()

/** What a view's event carries, typed at the one place that reads it. */
const detail = <T>(e: Event): T => (e as CustomEvent<T>).detail

/**
 * The Takeoff dashboard's shell: the header with the views, the scenario panel, and the error toast.
 * It owns the run's WebSocket, the URL, the replay and the comparison (each a ReactiveController)
 * and hands the views their data by property; the views report what the user did by events.
 */
@customElement("takeoff-app")
export class TakeoffApp extends LitElement {
  static override styles = [controlStyles, appStyles]

  readonly stream = new RunStreamController(this)
  readonly url = new UrlStateController(this, () => {
    // Back/forward: the editor shows the URL's values again, not what was typed before.
    this.typedEdits = null
    void this.applyUrl()
  })
  readonly metricInfo = new MetricInfoController(this)
  readonly replay = new ReplayController(this, {
    onSeek: (at) => this.url.push({ at }, true),
    onError: (e) => this.fail(e),
  })
  readonly ensemble = new EnsembleController(this, {
    onError: (e) => this.fail(e),
    onShow: (sweep) => this.url.push({ view: "ensemble", sweep }),
  })
  readonly compare = new CompareController(this, {
    url: this.url,
    metrics: this.metricInfo,
    onError: (e) => this.fail(e),
  })

  @state() private scenarios: ScenarioDetail[] = []
  @state() private runs: RunSummary[] = []
  @state() private error: string | null = null
  @state() private serverError: { message: string; field?: string } | null = null
  @state() private busy = false
  /** Why the server refused this tab (401): the token form is shown until one is given. */
  @state() private tokenNeeded: string | null = null
  /** Ticks per second asked of live runs (null: as fast as they go). */
  @state() private speed: number | null = null
  @state() private selectedEvent: NotableEvent | null = null
  @state() private xRange: readonly [number, number] | null = null
  @state() private explain: MilestoneAudit | null = null
  @state() private moreOpen = false
  /**
   * Parameter edits as typed, invalid ones included, while the URL holds only the valid ones (a link
   * must not carry a value the run would refuse); null: the editor shows the URL's.
   */
  @state() private typedEdits: Record<string, string> | null = null
  /** On a narrow screen, whether the parameters are shown (they collapse behind a button). */
  @state() private paramsOpen = false

  override connectedCallback(): void {
    super.connectedCallback()
    addEventListener("keydown", this.onKey)
    addEventListener(UNAUTHORIZED_EVENT, this.onUnauthorized)
    void this.boot()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    removeEventListener("keydown", this.onKey)
    removeEventListener(UNAUTHORIZED_EVENT, this.onUnauthorized)
  }

  private onUnauthorized = (e: Event) => {
    this.tokenNeeded = (e as CustomEvent<string>).detail
  }

  /** Keyboard: Escape folds the parameters away; `p` or space pauses/resumes the live run or the replay, `.` steps (when not typing). */
  private onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && this.paramsOpen) {
      this.paramsOpen = false
      ;(this.renderRoot.querySelector("#params-toggle") as HTMLElement | null)?.focus()
      return
    }
    const path = e.composedPath()[0] as HTMLElement | undefined
    if (path && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(path.tagName)) return
    if (e.key === "p" || e.key === " ") {
      e.preventDefault()
      if (this.replay.current) this.replay.setPlaying(!this.replay.playing)
      else if (this.stream.run) void this.control({ action: this.stream.run.status === "paused" ? "resume" : "pause" })
    } else if (e.key === "." && this.stream.run?.status === "paused") void this.control({ action: "step", ticks: 1 })
  }

  private async boot() {
    try {
      this.scenarios = await api.scenarios()
    } catch (e) {
      this.fail(e)
    }
    if (!this.url.state.scenario && this.scenarios.length) {
      const base = this.scenarios.find((s) => s.name === "baseline") ?? this.scenarios[0]
      this.url.assume({ scenario: base.name })
    }
    const current = this.url.state.scenario
    if (current && this.compare.scenariosPicked.length === 0) this.compare.scenariosPicked = [current]
    await this.applyUrl()
  }

  /** Loads what the URL names: the runs list, the runs compared, the run opened. */
  private async applyUrl() {
    const u = this.url.state
    if (u.view === "runs" || u.view === "compare") void this.refreshRuns()
    if (u.view === "runs") void this.ensemble.refresh()
    if (u.view === "compare" && u.compare.length) await this.compare.load(u.compare)
    if (u.view === "ensemble") void this.ensemble.refresh().then(() => this.ensemble.show(u.sweep))
    if (u.run && u.run !== this.stream.id && u.run !== this.replay.current?.run.id) await this.openRun(u.run, false)
  }

  private fail(e: unknown) {
    // A 401 is the token form's to explain; a toast repeating it would only hide the page.
    if (e instanceof ApiCallError && e.status === 401) return
    this.error = e instanceof Error ? e.message : String(e)
  }

  private async refreshRuns() {
    try {
      this.runs = (await api.listRuns()).slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    } catch (e) {
      this.fail(e)
    }
  }

  private async startRun(req: CreateRunRequest) {
    this.busy = true
    this.serverError = null
    try {
      const run = await api.createRun({ ...req, ticksPerSecond: this.speed })
      this.leaveReplay()
      this.selectedEvent = null
      this.xRange = null
      this.stream.connect(run.id)
      // Labels and units alongside the stream, so the charts are usually built once, with them.
      this.metricInfo.ensure(run.id)
      this.url.push({ view: "live", run: run.id, at: undefined })
    } catch (e) {
      if (e instanceof ApiCallError && e.status >= 400 && e.status < 500)
        // The server names override fields "overrides.<path>"; the editor knows them by path.
        this.serverError = { message: e.message, field: e.field?.replace(/^overrides\./, "") }
      else this.fail(e)
    } finally {
      this.busy = false
    }
  }

  private async control(c: RunControl) {
    const id = this.stream.id
    if (!id) return
    if (c.action === "speed") this.speed = c.ticksPerSecond
    try {
      const run = await api.control(id, c)
      this.stream.run = run
      this.requestUpdate()
    } catch (e) {
      this.fail(e)
    }
  }

  /** Opens a run: live if it is still going, else replay from its stored metrics. */
  async openRun(id: string, push = true) {
    try {
      const run = await api.run(id)
      this.selectedEvent = null
      this.xRange = null
      this.explain = null
      if (!isTerminal(run.status)) {
        this.leaveReplay()
        this.stream.connect(id)
        this.metricInfo.ensure(id)
        if (push) this.url.push({ view: "live", run: id, at: undefined })
        else this.url.push({ view: "live" }, true)
        return
      }
      this.stream.disconnect()
      const page = await api.metrics(id)
      this.metricInfo.learn(page)
      const series = new RunSeries()
      series.appendColumns(page.ticks, page.dates, page.columns)
      // The stream replays the run's milestones and notable events from the start, then ends.
      this.stream.connect(id)
      this.replay.open(run, series, this.url.state.at)
      // The sidebar and the link name the run shown (an uploaded log's scenario, seed and overrides).
      const named = {
        scenario: run.scenario,
        seed: run.seed,
        overrides: Object.fromEntries(Object.entries(run.overrides).map(([k, v]) => [k, String(v)])),
      }
      this.typedEdits = null
      if (push) this.url.push({ view: "live", run: id, ...named })
      else this.url.push({ view: "live", ...named }, true)
      void this.replay.fetchState()
    } catch (e) {
      this.fail(e)
    }
  }

  private leaveReplay() {
    if (this.replay.current) this.stream.disconnect()
    this.replay.close()
    this.explain = null
  }

  private async openExplain(kind: MilestoneAudit["kind"]) {
    const id = this.replay.current?.run.id ?? this.stream.id
    if (!id) return
    try {
      this.explain = { kind, data: await api.audit(id, kind as "agi") }
    } catch (e) {
      this.fail(e)
    }
  }

  private async uploadLog(file: File) {
    try {
      const run = await api.uploadLog(await file.text())
      await this.openRun(run.id)
    } catch (err) {
      this.fail(err)
    }
  }

  private async runCompareSeeds() {
    const overrides = this.shadowRoot?.querySelector("tk-scenario-panel")?.overrides() ?? {}
    const u = this.url.state
    const refusal = await this.compare.runSeeds(u.scenario ?? this.scenarios[0]?.name, overrides, u.untilYear)
    if (refusal) this.error = refusal
  }

  private async runCompareScenarios() {
    const u = this.url.state
    const refusal = await this.compare.runScenarios(u.seed ?? 1, u.untilYear)
    if (refusal) this.error = refusal
  }

  private selectEvent(ev: NotableEvent | null) {
    this.selectedEvent = ev
    const replay = this.replay.current
    if (ev && replay) {
      const i = replay.series.indexAtTick(ev.tick)
      if (i >= 0) this.replay.seek(i)
    }
  }

  override render() {
    const u = this.url.state
    const tab = (id: UrlState["view"], label: string) =>
      html`<button aria-current=${u.view === id ? "page" : "false"} @click=${() => {
        this.url.push({ view: id })
        void this.applyUrl()
      }}>${label}</button>`
    return html`<header class="top">
        <h1>Takeoff</h1>
        <nav aria-label="Views">${tab("live", "Dashboard")}${tab("runs", "Runs & replay")}${tab("compare", "Compare")}${tab("ensemble", "Ensemble")}</nav>
        <span class="spacer"></span>
        <button id="params-toggle" aria-controls="side" aria-expanded=${this.paramsOpen ? "true" : "false"}
          @click=${() => (this.paramsOpen = !this.paramsOpen)}>Parameters</button>
        <button id="share" @click=${() => void navigator.clipboard?.writeText(location.href).catch(() => undefined)} title="Copy a link to this view">Copy link</button>
      </header>
      ${this.tokenNeeded === null ? nothing : html`<tk-token-form .reason=${this.tokenNeeded}></tk-token-form>`}
      <div class="layout">
        <aside id="side" class=${this.paramsOpen ? "side open" : "side"} aria-label="Scenario and parameters">
          <tk-scenario-panel .scenarios=${this.scenarios} .selected=${u.scenario ?? ""} .seed=${u.seed ?? 1}
            .untilYear=${u.untilYear} .edits=${this.typedEdits ?? u.overrides} .serverError=${this.serverError} ?busy=${this.busy}
            @scenario-change=${(e: Event) => {
              const d = detail<{
                scenario: string
                seed: number
                untilYear?: number
                edits: Record<string, string>
                validEdits: Record<string, string>
              }>(e)
              this.typedEdits = d.edits
              this.url.push(
                { scenario: d.scenario, seed: d.seed, untilYear: d.untilYear, overrides: d.validEdits },
                true,
              )
            }}
            @run-request=${(e: Event) => void this.startRun(detail<CreateRunRequest>(e))}></tk-scenario-panel>
        </aside>
        <main class="main">
          ${u.view === "live" ? this.renderLive() : u.view === "runs" ? this.renderRuns() : u.view === "compare" ? this.renderCompare() : this.renderEnsemble()}
        </main>
      </div>
      ${this.error ? html`<div class="toast" role="alert">${this.error}<button @click=${() => (this.error = null)}>Dismiss</button></div>` : nothing}`
  }

  private renderLive() {
    const replay = this.replay.current
    const series = replay?.series ?? this.stream.series
    if (series.length > 0) this.metricInfo.ensure(replay?.run.id ?? this.stream.id)
    return html`<tk-live-view .series=${this.stream.series} .seriesVersion=${this.stream.series.version}
      .run=${this.stream.run} .milestones=${this.stream.milestones} .events=${this.stream.events}
      .connection=${this.stream.status} .streamError=${this.stream.lastError} .speed=${this.speed}
      .replay=${replay} .replayIndex=${this.replay.index} ?playing=${this.replay.playing} .replayState=${this.replay.state}
      .metricInfo=${this.metricInfo.info} .groups=${this.metricInfo.groups}
      .thresholds=${replay || this.stream.thresholds.length === 0 ? this.metricInfo.thresholds : this.stream.thresholds}
      .selectedEvent=${this.selectedEvent} .xRange=${this.xRange}
      .explain=${this.explain} ?moreOpen=${this.moreOpen}
      @run-control=${(e: Event) => void this.control(detail<RunControl>(e))}
      @seek=${(e: Event) => {
        this.replay.setPlaying(false)
        this.replay.seek(detail<number>(e))
      }}
      @play=${(e: Event) => this.replay.setPlaying(detail<boolean>(e))}
      @replay-close=${() => {
        this.leaveReplay()
        this.url.push({ run: undefined, at: undefined })
      }}
      @explain=${(e: Event) => void this.openExplain(detail<MilestoneAudit["kind"]>(e))}
      @explain-close=${() => (this.explain = null)}
      @event-select=${(e: Event) => this.selectEvent(detail<NotableEvent | null>(e))}
      @chart-zoom=${(e: Event) => (this.xRange = detail<readonly [number, number] | null>(e))}
      @chart-click=${(e: Event) => this.replay.seekToYear(detail<{ x: number }>(e).x)}
      @more-toggle=${(e: Event) => (this.moreOpen = detail<boolean>(e))}></tk-live-view>`
  }

  private renderRuns() {
    return html`<tk-runs-view .runs=${this.runs} .sweeps=${this.ensemble.sweeps} @run-open=${(e: Event) => void this.openRun(detail<string>(e))}
      @log-upload=${(e: Event) => void this.uploadLog(detail<File>(e))} @runs-refresh=${() => void this.refreshRuns()}></tk-runs-view>`
  }

  private renderCompare() {
    const u = this.url.state
    return html`<tk-compare-view .compare=${this.compare.runs} .runs=${this.runs} .selected=${u.compare}
      .scenario=${u.scenario ?? ""} .seedsText=${this.compare.seedsText} .metricInfo=${this.metricInfo.info}
      .groups=${this.metricInfo.groups} .thresholds=${this.metricInfo.thresholds}
      @compare-seeds-input=${(e: Event) => this.compare.setSeedsText(detail<string>(e))}
      @compare-run=${() => void this.runCompareSeeds()}
      .scenarios=${this.scenarios} .scenariosPicked=${this.compare.scenariosPicked} .seed=${u.seed ?? 1}
      @compare-scenario-pick=${(e: Event) => {
        const d = detail<{ name: string; on: boolean }>(e)
        this.compare.pickScenario(d.name, d.on)
      }}
      @compare-run-scenarios=${() => void this.runCompareScenarios()}
      @compare-toggle=${(e: Event) => {
        const d = detail<{ id: string; on: boolean }>(e)
        this.compare.toggle(d.id, d.on)
      }}
      @runs-refresh=${() => void this.refreshRuns()}></tk-compare-view>`
  }

  private renderEnsemble() {
    const u = this.url.state
    const page = { scenarios: this.scenarios, scenario: u.scenario ?? "", overrides: u.overrides }
    return ensembleView(this.ensemble, page, (id) => this.openRun(id))
  }
}
