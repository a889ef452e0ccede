import type { CreateRunRequest, MilestoneInfo, NotableEvent, RunControl, RunSummary } from "@takeoff/agents/protocol"
import { css, html, LitElement, nothing } from "lit"
import { customElement, state } from "lit/decorators.js"
import { ApiCallError, api, type Explanation, type ScenarioInfo, type StateAtTick } from "./api.js"
import type { ChartData, ChartLine, ChartMarker, ChartSpec } from "./components/chart-options.js"
import {
  aiShareKey,
  buildCharts,
  chartData,
  type DashboardChart,
  describeKey,
  type MetricInfo,
  milestoneLabel,
  milestoneMarkers,
  PALETTE,
} from "./dashboard.js"
import { type FanFile, parseFanFile } from "./fan.js"
import { dateToYear, formatValue } from "./format.js"
import { RunStreamController } from "./run-stream.js"
import { RunSeries } from "./series.js"
import { controlStyles } from "./theme.js"
import { formatUrlState, parseUrlState, type UrlState } from "./url-state.js"
import "./components/tk-chart.js"
import "./components/scenario-panel.js"
import "./components/panels.js"

declare global {
  interface HTMLElementTagNameMap {
    "takeoff-app": TakeoffApp
  }
}

const AI_LINES: ReadonlyArray<ChartLine> = [
  { value: 0.1, label: "AGI 10%", color: "--tk-agi" },
  { value: 0.9, label: "ASI 90%", color: "--tk-asi" },
]
const NO_LINES: ReadonlyArray<ChartLine> = []
const TERMINAL = new Set(["finished", "stopped", "failed", "interrupted"])
const RUN_DASH: ReadonlyArray<number[] | undefined> = [undefined, [6, 4], [2, 3], [10, 3, 2, 3]]

interface CompareRun {
  readonly run: RunSummary
  readonly series: RunSeries
}

/**
 * The Takeoff dashboard: live runs, replay with scrubbing and audits, run comparison and ensemble
 * fan charts. Holds the view state and the URL; components below it get data by property.
 */
@customElement("takeoff-app")
export class TakeoffApp extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; min-height: 100vh; background: var(--tk-bg); color: var(--tk-fg); }
      header.top { display: flex; gap: 12px; align-items: center; padding: 8px 16px; border-bottom: 1px solid var(--tk-border);
        background: var(--tk-panel); flex-wrap: wrap; position: sticky; top: 0; z-index: 5; }
      h1 { font-size: 1.15rem; margin: 0; letter-spacing: 0.02em; }
      nav { display: flex; gap: 4px; flex-wrap: wrap; }
      nav button[aria-current="page"] { background: var(--tk-accent); color: var(--tk-on-accent); border-color: var(--tk-accent); }
      .spacer { flex: 1; }
      .layout { display: grid; grid-template-columns: 320px minmax(0, 1fr); gap: 14px; padding: 14px 16px; align-items: start; }
      .side { background: var(--tk-panel); border: 1px solid var(--tk-border); border-radius: 8px; padding: 12px; max-height: calc(100vh - 90px);
        overflow: auto; position: sticky; top: 64px; }
      .main { display: grid; gap: 12px; min-width: 0; }
      .bar { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
      .hero { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 12px; align-items: stretch; }
      .feed { background: var(--tk-panel); border: 1px solid var(--tk-border); border-radius: 8px; padding: 10px; min-width: 0;
        position: relative; min-height: 300px; }
      /* Absolutely placed so the feed takes the main chart's height instead of setting it. */
      .feed-inner { position: absolute; inset: 10px; display: flex; flex-direction: column; contain: strict; }
      .feed tk-event-feed { flex: 1; min-height: 0; }
      .feed h2, .card h2 { font-size: 0.95rem; margin: 0 0 6px; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
      .card { background: var(--tk-panel); border: 1px solid var(--tk-border); border-radius: 8px; padding: 12px; min-width: 0; }
      .toast { position: fixed; bottom: 16px; left: 50%; transform: translateX(-50%); background: var(--tk-bad); color: #fff; padding: 8px 14px;
        border-radius: 8px; z-index: 10; max-width: 90vw; }
      .toast button { margin-left: 10px; background: transparent; color: #fff; border-color: #fff8; }
      table { border-collapse: collapse; width: 100%; font-size: 0.82rem; }
      td, th { padding: 4px 6px; border-bottom: 1px solid var(--tk-border); text-align: left; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; }
      .table-wrap { overflow-x: auto; }
      .state { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 2px 12px; font-size: 0.8rem; }
      .state div { display: flex; justify-content: space-between; gap: 8px; border-bottom: 1px dotted var(--tk-border); padding: 2px 0; }
      .explain pre { font-size: 0.75rem; max-height: 360px; overflow: auto; white-space: pre-wrap; background: var(--tk-bg); padding: 8px; border-radius: 6px; }
      .explain ol { font-size: 0.85rem; padding-left: 1.2em; }
      .hint { font-size: 0.85rem; color: var(--tk-muted); }
      label.file { display: inline-flex; gap: 6px; align-items: center; }
      details.more > summary { cursor: pointer; font-weight: 600; padding: 6px 0; }
      details.more > .grid { margin-top: 8px; }
      .drivers td.bar-cell { width: 40%; }
      .drivers .bar-fill { height: 10px; background: var(--tk-s1); border-radius: 2px; }
      @media (max-width: 900px) {
        /* On a phone the wrapped header would keep a fifth of the screen; let it scroll away. */
        header.top { position: static; padding: 8px 10px; gap: 8px; }
        nav button, #share { padding: 4px 8px; font-size: 0.85rem; }
        .layout { grid-template-columns: minmax(0, 1fr); padding: 10px; }
        .side { position: static; max-height: none; }
        .hero { grid-template-columns: minmax(0, 1fr); }
        .grid { grid-template-columns: minmax(0, 1fr); }
        .feed { height: 340px; }
      }
    `,
  ]

  readonly stream = new RunStreamController(this)

  @state() private url: UrlState = parseUrlState(location.search)
  @state() private scenarios: ScenarioInfo[] = []
  @state() private runs: RunSummary[] = []
  @state() private error: string | null = null
  @state() private serverError: { message: string; field?: string } | null = null
  @state() private busy = false
  @state() private selectedEvent: NotableEvent | null = null
  @state() private xRange: readonly [number, number] | null = null
  @state() private speed: number | null = null
  /** Replay: the finished run's full series, the scrub position and the state there. */
  @state() private replay: { run: RunSummary; series: RunSeries } | null = null
  @state() private replayIndex = 0
  @state() private playing = false
  @state() private replayState: StateAtTick | null = null
  @state() private explain: { kind: string; data: unknown } | null = null
  @state() private compare: CompareRun[] = []
  @state() private compareSeeds = "1, 2"
  @state() private fan: FanFile | null = null
  @state() private moreOpen = false
  /** Labels, units and log hints of the model's metrics, from the server's metrics response. */
  @state() private metricInfo: ReadonlyMap<string, MetricInfo> = new Map()
  private metricInfoLoading = false

  private charts: DashboardChart[] = []
  private chartsKeySig = ""
  private dataCache: { sig: string; data: ChartData[] } = { sig: "", data: [] }
  private markerMemo: { milestones: MilestoneInfo[]; main: ChartMarker[]; side: ChartMarker[] } | null = null
  private lastFullRange: readonly [number, number] | null = null
  private playTimer = 0
  private stateReq = 0

  override connectedCallback(): void {
    super.connectedCallback()
    addEventListener("popstate", this.onPop)
    addEventListener("keydown", this.onKey)
    void this.boot()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    removeEventListener("popstate", this.onPop)
    removeEventListener("keydown", this.onKey)
    cancelAnimationFrame(this.playTimer)
  }

  private onPop = () => {
    this.url = parseUrlState(location.search)
    void this.applyUrl()
  }

  /** Keyboard: `p` or space pauses/resumes the live run or the replay, `.` steps (when not typing). */
  private onKey = (e: KeyboardEvent) => {
    const path = e.composedPath()[0] as HTMLElement | undefined
    if (path && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(path.tagName)) return
    if (e.key === "p" || e.key === " ") {
      e.preventDefault()
      if (this.replay) this.setPlaying(!this.playing)
      else if (this.stream.run) void this.control({ action: this.stream.run.status === "paused" ? "resume" : "pause" })
    } else if (e.key === "." && this.stream.run?.status === "paused") void this.control({ action: "step", ticks: 1 })
  }

  private async boot() {
    try {
      this.scenarios = await api.scenarios()
    } catch (e) {
      this.fail(e)
    }
    if (!this.url.scenario && this.scenarios.length) {
      const base = this.scenarios.find((s) => s.name === "baseline") ?? this.scenarios[0]
      this.url = { ...this.url, scenario: base.name }
    }
    await this.applyUrl()
  }

  private async applyUrl() {
    const u = this.url
    if (u.view === "runs" || u.view === "compare") void this.refreshRuns()
    if (u.view === "compare" && u.compare.length) await this.loadCompare(u.compare)
    if (u.run && u.run !== this.stream.id && u.run !== this.replay?.run.id) await this.openRun(u.run, false)
  }

  private pushUrl(patch: Partial<UrlState>, replace = false) {
    this.url = { ...this.url, ...patch }
    const next = `${location.pathname}${formatUrlState(this.url)}`
    if (replace) history.replaceState(null, "", next)
    else history.pushState(null, "", next)
  }

  private fail(e: unknown) {
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
      this.ensureMetricInfo(run.id)
      this.pushUrl({ view: "live", run: run.id, at: undefined })
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
      if (!TERMINAL.has(run.status)) {
        this.leaveReplay()
        this.stream.connect(id)
        this.ensureMetricInfo(id)
        if (push) this.pushUrl({ view: "live", run: id, at: undefined })
        else this.pushUrl({ view: "live" }, true)
        return
      }
      this.stream.disconnect()
      const page = await api.metrics(id)
      this.learnMetrics(page.metrics)
      const series = new RunSeries()
      series.appendColumns(page.ticks, page.dates, page.columns)
      // The stream replays the run's milestones and notable events from the start, then ends.
      this.stream.connect(id)
      this.replay = { run, series }
      const atIdx = this.url.at ? series.dates.findIndex((d) => d >= this.url.at!) : -1
      this.replayIndex = atIdx >= 0 ? atIdx : series.length - 1
      if (push) this.pushUrl({ view: "live", run: id })
      else this.pushUrl({ view: "live" }, true)
      void this.fetchState()
    } catch (e) {
      this.fail(e)
    }
  }

  private leaveReplay() {
    if (this.replay) this.stream.disconnect()
    this.setPlaying(false)
    this.replay = null
    this.replayState = null
    this.explain = null
  }

  private seek(index: number) {
    if (!this.replay) return
    this.replayIndex = index
    this.pushUrl({ at: this.replay.series.dates[index] }, true)
    void this.fetchState()
  }

  /** The state panel comes from the server's state endpoint (snapshot + fold), latest request wins. */
  private async fetchState() {
    if (!this.replay) return
    const req = ++this.stateReq
    const tick = this.replay.series.ticks()[this.replayIndex]
    try {
      const s = await api.state(this.replay.run.id, { tick })
      if (req === this.stateReq) this.replayState = s
    } catch (e) {
      if (req === this.stateReq) this.fail(e)
    }
  }

  private setPlaying(on: boolean) {
    this.playing = on
    cancelAnimationFrame(this.playTimer)
    if (!on || !this.replay) return
    if (this.replayIndex >= this.replay.series.length - 1) this.replayIndex = 0
    let last = performance.now()
    let carry = 0
    const step = (now: number) => {
      if (!this.replay || !this.playing) return
      // Two years of months per second of wall time.
      carry += ((now - last) / 1000) * 24
      last = now
      const adv = Math.floor(carry)
      carry -= adv
      if (adv > 0) {
        this.replayIndex = Math.min(this.replay.series.length - 1, this.replayIndex + adv)
        if (this.replayIndex >= this.replay.series.length - 1) {
          this.playing = false
          this.seek(this.replayIndex)
          return
        }
      }
      this.playTimer = requestAnimationFrame(step)
    }
    this.playTimer = requestAnimationFrame(step)
  }

  private async openExplain(kind: string) {
    const id = this.replay?.run.id ?? this.stream.id
    if (!id) return
    try {
      this.explain = { kind, data: await api.audit(id, kind as "agi") }
    } catch (e) {
      this.fail(e)
    }
  }

  private async uploadLog(e: Event) {
    const file = (e.target as HTMLInputElement).files?.[0]
    if (!file) return
    try {
      const run = await api.uploadLog(await file.text())
      await this.openRun(run.id)
    } catch (err) {
      this.fail(err)
    }
  }

  private async compareSeedsRun() {
    const seeds = this.compareSeeds
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number)
    if (seeds.length < 2 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
      this.error = "Seeds: give two or more whole numbers, e.g. 1, 2"
      return
    }
    const scenario = this.url.scenario ?? this.scenarios[0]?.name
    if (!scenario) return
    try {
      const overrides = this.shadowRoot?.querySelector("tk-scenario-panel")?.overrides() ?? {}
      const runs = await Promise.all(
        seeds.map((seed) =>
          api.createRun({ scenario, seed, overrides, untilYear: this.url.untilYear, ticksPerSecond: null }),
        ),
      )
      const ids = runs.map((r) => r.id)
      this.pushUrl({ view: "compare", compare: ids })
      await this.loadCompare(ids)
    } catch (e) {
      this.fail(e)
    }
  }

  /** Loads each run's metrics; runs still going are polled until they end, so the overlay fills in. */
  private async loadCompare(ids: string[]) {
    try {
      const loaded = await Promise.all(
        ids.map(async (id) => {
          const [run, page] = await Promise.all([api.run(id), api.metrics(id)])
          this.learnMetrics(page.metrics)
          const series = new RunSeries()
          series.appendColumns(page.ticks, page.dates, page.columns)
          return { run, series }
        }),
      )
      if (this.url.compare.join(",") !== ids.join(",")) return
      this.compare = loaded
      if (loaded.some((c) => !TERMINAL.has(c.run.status))) setTimeout(() => void this.loadCompare(ids), 700)
    } catch (e) {
      this.fail(e)
    }
  }

  private toggleCompare(id: string, on: boolean) {
    const set = new Set(this.url.compare)
    if (on) set.add(id)
    else set.delete(id)
    const ids = [...set]
    this.pushUrl({ compare: ids }, true)
    if (ids.length) void this.loadCompare(ids)
    else this.compare = []
  }

  private async loadFan(e: Event) {
    const file = (e.target as HTMLInputElement).files?.[0]
    if (!file) return
    try {
      this.fan = parseFanFile(await file.text())
    } catch (err) {
      this.fail(err)
    }
  }

  private learnMetrics(metrics: ReadonlyArray<MetricInfo> | undefined) {
    if (!metrics?.length) return
    const next = new Map(this.metricInfo)
    for (const m of metrics) next.set(m.key, m)
    this.metricInfo = next
  }

  /** Fetches metric labels and units once, from the first run seen (every run has the same model). */
  private ensureMetricInfo(runId: string | null | undefined) {
    if (!runId || this.metricInfo.size > 0 || this.metricInfoLoading) return
    this.metricInfoLoading = true
    api
      .metrics(runId, { fromTick: 0, toTick: 0 })
      .then((page) => this.learnMetrics(page.metrics))
      .catch(() => undefined)
      .finally(() => {
        this.metricInfoLoading = false
      })
  }

  /** Charts follow the run's metric keys; rebuilt only when the key set (or what we know of it) changes. */
  private chartsFor(series: RunSeries): DashboardChart[] {
    const sig = `${series.keys.join("|")}#${this.metricInfo.size}`
    if (sig !== this.chartsKeySig) {
      this.chartsKeySig = sig
      this.charts = buildCharts(series.keys, this.metricInfo)
    }
    return this.charts
  }

  /** Milestone markers, rebuilt only when the milestones shown change (a new array per frame redrew every chart). */
  private markersFor(milestones: ReadonlyArray<MilestoneInfo>): { main: ChartMarker[]; side: ChartMarker[] } {
    const memo = this.markerMemo
    if (!memo || memo.milestones.length !== milestones.length || memo.milestones.some((m, i) => m !== milestones[i])) {
      this.markerMemo = {
        milestones: [...milestones],
        main: milestoneMarkers(milestones, true),
        side: milestoneMarkers(milestones, false).map((m) => ({ ...m, label: "" })),
      }
    }
    return this.markerMemo!
  }

  private dataFor(series: RunSeries, charts: DashboardChart[], end: number): ChartData[] {
    const sig = `${series.version}:${series.length}:${end}:${this.chartsKeySig}`
    if (sig !== this.dataCache.sig) this.dataCache = { sig, data: charts.map((c) => chartData(series, c, end)) }
    return this.dataCache.data
  }

  override render() {
    const v = this.url.view
    const tab = (id: UrlState["view"], label: string) =>
      html`<button aria-current=${v === id ? "page" : "false"} @click=${() => {
        this.pushUrl({ view: id })
        void this.applyUrl()
      }}>${label}</button>`
    return html`<header class="top">
        <h1>Takeoff</h1>
        <nav aria-label="Views">${tab("live", "Dashboard")}${tab("runs", "Runs & replay")}${tab("compare", "Compare")}${tab("ensemble", "Ensemble")}</nav>
        <span class="spacer"></span>
        <button id="share" @click=${() => void navigator.clipboard?.writeText(location.href).catch(() => undefined)} title="Copy a link to this view">Copy link</button>
      </header>
      <div class="layout">
        <aside class="side" aria-label="Scenario and parameters">
          <tk-scenario-panel .scenarios=${this.scenarios} .selected=${this.url.scenario ?? ""} .seed=${this.url.seed ?? 1}
            .untilYear=${this.url.untilYear} .edits=${this.url.overrides} .serverError=${this.serverError} ?busy=${this.busy}
            @scenario-change=${(e: CustomEvent) => {
              const d = e.detail as {
                scenario: string
                seed: number
                untilYear?: number
                edits: Record<string, string>
              }
              this.pushUrl({ scenario: d.scenario, seed: d.seed, untilYear: d.untilYear, overrides: d.edits }, true)
            }}
            @run-request=${(e: CustomEvent) => void this.startRun(e.detail as CreateRunRequest)}></tk-scenario-panel>
        </aside>
        <main class="main">
          ${v === "live" ? this.renderDashboard() : v === "runs" ? this.renderRuns() : v === "compare" ? this.renderCompare() : this.renderEnsemble()}
        </main>
      </div>
      ${this.error ? html`<div class="toast" role="alert">${this.error}<button @click=${() => (this.error = null)}>Dismiss</button></div>` : nothing}`
  }

  private onZoom = (e: CustomEvent) => {
    this.xRange = e.detail as readonly [number, number] | null
  }

  private onChartClick = (e: CustomEvent) => {
    if (!this.replay) return
    const x = (e.detail as { x: number }).x
    const xs = this.replay.series.x()
    let i = 0
    while (i < xs.length - 1 && xs[i + 1] <= x) i++
    this.setPlaying(false)
    this.seek(i)
  }

  private renderDashboard() {
    const replay = this.replay
    const series = replay?.series ?? this.stream.series
    const end = replay ? this.replayIndex + 1 : series.length
    if (series.length > 0) this.ensureMetricInfo(replay?.run.id ?? this.stream.id)
    const charts = this.chartsFor(series)
    const data = this.dataFor(series, charts, end)
    const milestones: MilestoneInfo[] = replay
      ? replay.run.milestones.filter((m) => m.tick <= series.ticks()[this.replayIndex])
      : this.stream.milestones
    const run = replay?.run ?? this.stream.run
    const shareKey = aiShareKey(series.keys)
    const mainIdx = charts.findIndex((c) => c.keys[0] === shareKey)
    // The x axis spans the whole run from the start, so a live run fills the charts left to right
    // and a replay's axis holds still while scrubbing.
    let fullRange: readonly [number, number] | null = null
    if (replay && series.length > 1) fullRange = [series.x()[0], series.x()[series.length - 1]]
    else if (run && series.length > 0) {
      const x0 = series.x()[0]
      const dx = series.length > 1 ? (series.x()[1] - x0) / (series.ticks()[1] - series.ticks()[0]) : 1 / 12
      const end = x0 + dx * (run.untilTick - series.firstTick)
      if (end > x0) fullRange = [x0, Math.max(end, series.x()[series.length - 1])]
    }
    // Same values, same array: a chart redraws only for a real change (frames with events but no ticks).
    if (fullRange && this.lastFullRange?.[0] === fullRange[0] && this.lastFullRange[1] === fullRange[1])
      fullRange = this.lastFullRange
    this.lastFullRange = fullRange
    const range = this.xRange ?? fullRange
    const highlight = this.selectedEvent
      ? dateToYear(this.selectedEvent.date)
      : replay
        ? series.x()[this.replayIndex]
        : null
    const { main: mainMarkers, side: sideMarkers } = this.markersFor(milestones)
    const chartEl = (c: DashboardChart, i: number, main: boolean) =>
      html`<tk-chart id=${`chart-${c.spec.id}`} .spec=${c.spec} .data=${data[i]} .height=${main ? 290 : 170}
        .lines=${main ? AI_LINES : NO_LINES} .markers=${main ? mainMarkers : sideMarkers}
        .highlightX=${highlight} .xRange=${range} syncKey="dash" @chart-zoom=${this.onZoom} @chart-click=${this.onChartClick}></tk-chart>`
    const events = replay
      ? this.stream.events.filter((e) => e.tick <= series.ticks()[this.replayIndex])
      : this.stream.events
    return html`
      <div class="bar">
        ${
          replay
            ? html`<span><b>Replay</b> ${replay.run.scenario} · seed ${replay.run.seed} · ${replay.run.status}</span>
              <button @click=${() => {
                this.leaveReplay()
                this.pushUrl({ run: undefined, at: undefined })
              }}>Close replay</button>`
            : html`<tk-run-controls .run=${run} .connection=${this.stream.status} .speed=${this.speed} @run-control=${(e: CustomEvent) => void this.control(e.detail as RunControl)}></tk-run-controls>`
        }
        ${run && !replay ? html`<span class="hint">${run.scenario} · seed ${run.seed} · run ${run.id}</span>` : nothing}
        ${this.stream.lastError && !replay ? html`<span class="error" role="status">${this.stream.lastError}</span>` : nothing}
        ${run?.error ? html`<span class="error" role="alert">Run failed: ${run.error}</span>` : nothing}
        ${this.xRange ? html`<button @click=${() => (this.xRange = null)}>Reset zoom</button>` : nothing}
      </div>
      ${
        replay
          ? html`<tk-scrubber .dates=${series.dates} .index=${this.replayIndex} ?playing=${this.playing}
            @seek=${(e: CustomEvent) => {
              this.setPlaying(false)
              this.seek(e.detail as number)
            }} @play=${(e: CustomEvent) => this.setPlaying(e.detail as boolean)}></tk-scrubber>`
          : nothing
      }
      <tk-milestone-banner .milestones=${milestones} ?explainable=${!!run && TERMINAL.has(run.status)}
        @explain=${(e: CustomEvent) => void this.openExplain(e.detail as string)}></tk-milestone-banner>
      ${this.explain ? this.renderExplain() : nothing}
      ${!run && !replay ? html`<p class="hint">Pick a scenario, adjust parameters if you like, and press Run. Or open a finished run under “Runs &amp; replay”.</p>` : nothing}
      <div class="hero">
        ${mainIdx >= 0 ? chartEl(charts[mainIdx], mainIdx, true) : html`<div class="card hint">The AI-share chart appears when the run publishes its first tick.</div>`}
        <section class="feed" aria-label="Events">
          <div class="feed-inner">
          <h2>Events</h2>
          <tk-event-feed .events=${events} .selected=${this.selectedEvent}
            @event-select=${(e: CustomEvent) => {
              const ev = e.detail as NotableEvent | null
              this.selectedEvent = ev
              if (ev && this.replay) {
                const i = this.replay.series.indexAtTick(ev.tick)
                if (i >= 0) this.seek(i)
              }
            }}></tk-event-feed>
          </div>
        </section>
      </div>
      ${replay && this.replayState ? this.renderState(this.replayState) : nothing}
      <div class="grid">${charts.map((c, i) => (i === mainIdx || c.more ? nothing : chartEl(c, i, false)))}</div>
      ${
        charts.some((c) => c.more)
          ? html`<details class="more" ?open=${this.moreOpen} @toggle=${(e: Event) => (this.moreOpen = (e.target as HTMLDetailsElement).open)}>
            <summary>More metrics (${charts.filter((c) => c.more).length})</summary>
            ${this.moreOpen ? html`<div class="grid">${charts.map((c, i) => (c.more ? chartEl(c, i, false) : nothing))}</div>` : nothing}
          </details>`
          : nothing
      }`
  }

  private renderState(s: StateAtTick) {
    const entries = Object.entries(s.metrics ?? {})
    return html`<section class="card" aria-label="State at the replay position" id="replay-state">
      <h2>State at ${s.date} (tick ${s.tick})${this.replay && this.replay.series.ticks()[this.replayIndex] !== s.tick ? html` <span class="hint">updating…</span>` : nothing}</h2>
      <div class="state">${entries.map(([k, v]) => {
        const m = this.metricInfo.get(k)
        const d = describeKey(k)
        const unit = m?.unit ?? d.unit
        return html`<div><span>${m?.label ?? d.label}</span><b>${formatValue(v, unit === "fraction" ? "share" : unit)}</b></div>`
      })}</div>
    </section>`
  }

  private renderExplain() {
    const ex = this.explain!
    const d = ex.data as Partial<Explanation>
    const maxDriver = Math.max(1e-12, ...(d.drivers ?? []).map((x) => Math.abs(x.contribution)))
    return html`<section class="card explain" aria-label="Milestone audit" id="explain">
      <div class="bar"><h2 style="flex:1">Why ${milestoneLabel(ex.kind as MilestoneInfo["kind"])}?</h2>
        <button @click=${() => (this.explain = null)}>Close</button></div>
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
          ? html`<h3 style="font-size:0.9rem;margin:8px 0 4px">Drivers (AI-share points)</h3>
            <table class="drivers"><tbody>${d.drivers.map(
              (
                x,
              ) => html`<tr><td>${x.driver}</td><td class="num">${(x.contribution * 100).toFixed(2)}</td><td class="num">${(x.share * 100).toFixed(0)}%</td>
                <td class="bar-cell"><div class="bar-fill" style="width:${(Math.abs(x.contribution) / maxDriver) * 100}%"></div></td></tr>`,
            )}</tbody></table>`
          : nothing
      }
      ${
        d.events?.length
          ? html`<h3 style="font-size:0.9rem;margin:8px 0 4px">Notable events before it</h3>
            <ol>${d.events
              .slice(-30)
              .map(
                (e) =>
                  html`<li>${e.date} · ${e.summary}${e.contribution !== undefined ? html` <span class="muted">(${(e.contribution * 100).toFixed(2)} pts)</span>` : nothing}</li>`,
              )}</ol>`
          : nothing
      }
      <details><summary>Full audit</summary><pre>${JSON.stringify(ex.data, null, 2)}</pre></details>
    </section>`
  }

  private renderRuns() {
    return html`<section class="card">
        <div class="bar"><h2 style="flex:1">Runs</h2>
          <label class="file"><span>Upload a log</span><input id="upload" type="file" accept=".ndjson,.log,.gz,application/x-ndjson" @change=${this.uploadLog} /></label>
          <button @click=${() => void this.refreshRuns()}>Refresh</button></div>
        ${
          this.runs.length === 0
            ? html`<p class="hint">No runs yet. Start one from the dashboard, or upload a log.</p>`
            : html`<div class="table-wrap"><table>
              <thead><tr><th>Run</th><th>Scenario</th><th>Seed</th><th>Status</th><th>Reached</th><th>Milestones</th><th></th></tr></thead>
              <tbody>${this.runs.map(
                (r) => html`<tr data-run=${r.id}>
                  <td>${r.id}</td><td>${r.scenario}</td><td class="num">${r.seed}</td><td>${r.status}</td><td>${r.date ?? "—"}</td>
                  <td>${r.milestones.map((m) => `${milestoneLabel(m.kind)} ${m.date}`).join(", ") || "—"}</td>
                  <td><button class="open" @click=${() => void this.openRun(r.id)}>${TERMINAL.has(r.status) ? "Replay" : "Watch"}</button>
                    <a href=${api.logUrl(r.id)} download>log</a></td>
                </tr>`,
              )}</tbody></table></div>`
        }
      </section>`
  }

  private renderCompare() {
    const runs = this.compare
    const base = runs[0]?.series
    const charts = base ? buildCharts(base.keys, this.metricInfo).filter((c) => !c.more) : []
    const selected = new Set(this.url.compare)
    return html`<section class="card">
        <h2>Compare runs</h2>
        <div class="bar">
          <label>Seeds <input id="compare-seeds" type="text" .value=${this.compareSeeds} @input=${(e: Event) => (this.compareSeeds = (e.target as HTMLInputElement).value)} /></label>
          <button class="primary" id="compare-run" @click=${() => void this.compareSeedsRun()}>Run ${this.url.scenario ?? ""} with these seeds</button>
          <button @click=${() => void this.refreshRuns()}>Refresh list</button>
        </div>
        <details ?open=${runs.length === 0}><summary>Pick runs to overlay (${selected.size} chosen)</summary>
          ${this.runs.map(
            (
              r,
            ) => html`<label style="display:block;font-size:0.85rem"><input type="checkbox" .checked=${selected.has(r.id)}
              @change=${(e: Event) => this.toggleCompare(r.id, (e.target as HTMLInputElement).checked)} /> ${r.id} · ${r.scenario} · seed ${r.seed} · ${r.status}</label>`,
          )}
        </details>
        ${runs.length ? html`<p class="hint" id="compare-legend">${runs.map((c, i) => html`<span style="margin-right:12px">${["solid", "dashed", "dotted", "dash-dot"][i % 4]} / colour ${i + 1}: ${c.run.scenario} seed ${c.run.seed} (${c.run.status}${c.run.milestones.length ? `, ${c.run.milestones.map((m) => `${milestoneLabel(m.kind)} ${m.date}`).join(", ")}` : ""})</span>`)}</p>` : nothing}
      </section>
      <div class="grid">${charts.map((c) => {
        const { spec, data } = compareChart(c, runs)
        const markers = runs.flatMap((r, i) =>
          milestoneMarkers(r.run.milestones, c.spec.id === "ai-share").map((m) => ({
            ...m,
            label: `${m.label} (${i + 1})`,
          })),
        )
        return html`<tk-chart id=${`cmp-${c.spec.id}`} .spec=${spec} .data=${data} .height=${c.spec.id === "ai-share" ? 260 : 170}
          .lines=${c.spec.id === "ai-share" ? AI_LINES : []} .markers=${c.spec.id === "ai-share" ? markers : []} syncKey="compare"></tk-chart>`
      })}</div>`
  }

  private renderEnsemble() {
    const fan = this.fan
    return html`<section class="card">
        <h2>Ensemble fan charts</h2>
        <p class="hint">Load the <code>&lt;out&gt;.fan.json</code> a sweep writes (<code>takeoff sweep … --out results</code>): per-year P10/P50/P90 per metric.</p>
        <label class="file"><span>Sweep results</span><input id="fan-file" type="file" accept=".json,application/json" @change=${this.loadFan} /></label>
        ${fan ? html`<p class="hint">${fan.scenario ?? ""} ${fan.runs ? `· ${fan.runs} runs` : ""} · ${fan.metrics.length} metrics</p>` : nothing}
      </section>
      <div class="grid">${(fan?.metrics ?? []).map((m) => {
        const d = describeKey(m.key)
        const isShare = /ai.?share/i.test(m.key) || m.unit === "share" || m.unit === "fraction"
        const spec: ChartSpec = {
          id: `fan-${m.key}`,
          title: m.label ?? d.label,
          unit: isShare ? "share" : (m.unit ?? d.unit),
          yMin: isShare ? 0 : undefined,
          yMax: isShare ? 1 : undefined,
          log: /gdp|flop|compute|robot|price/i.test(m.key),
          series: [
            { label: "P10", color: PALETTE[0], width: 1 },
            { label: "P50", color: PALETTE[0], width: 2.2 },
            { label: "P90", color: PALETTE[0], width: 1 },
          ],
          bands: [[3, 1]],
        }
        return html`<tk-chart id=${`fan-${m.key.replace(/[^a-zA-Z0-9_-]/g, "_")}`} .spec=${spec} .data=${[m.years, m.p10, m.p50, m.p90]} .lines=${isShare ? AI_LINES : []} syncKey="fan"></tk-chart>`
      })}</div>`
  }
}

/** Overlays one dashboard chart across runs: colour per metric (or per run if one metric), dash per run. */
const compareChart = (c: DashboardChart, runs: ReadonlyArray<CompareRun>): { spec: ChartSpec; data: ChartData } => {
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
