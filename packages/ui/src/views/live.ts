import type {
  MetricGroup,
  MetricInfo,
  MilestoneInfo,
  MilestoneThreshold,
  NotableEvent,
  RunSummary,
  StateAtTick,
} from "@takeoff/protocol"
import { css, html, LitElement, nothing, type PropertyValues } from "lit"
import { customElement, property, state } from "lit/decorators.js"
import type { ChartData, ChartMarker } from "../components/chart-options.js"
import type { Replay } from "../controllers/replay.js"
import type { ChartLine } from "../components/chart-options.js"
import {
  buildCharts,
  chartData,
  type DashboardChart,
  mainMetricKey,
  milestoneMarkers,
  thresholdLines,
} from "../dashboard.js"
import { emit } from "../emit.js"
import { dateToYear } from "../format.js"
import { focusRange } from "../horizon.js"
import { statusText } from "../run-labels.js"
import { isTerminal, type StreamStatus } from "../run-stream.js"
import { RunSeries } from "../series.js"
import { viewStyles } from "./styles.js"
import "../components/tk-chart.js"
import "../components/panels.js"
import "./replay-panels.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-live-view": TkLiveView
  }
}

/** A milestone's audit, as the server's audit endpoint returned it. */
export interface MilestoneAudit {
  readonly kind: MilestoneInfo["kind"]
  readonly data: unknown
}

const NO_LINES: ReadonlyArray<never> = []

/**
 * The dashboard: a live run as it streams (run controls, the AI-share chart with the AGI/ASI lines
 * and milestone markers, the event feed, side charts) or, given `replay`, a finished run cut at the
 * scrub position with the state there and milestone audits. Dumb: the run's data comes in by
 * property; what the user does goes out as events, the child components' included.
 *
 * @fires run-control - from the run controls: the RunControl to send
 * @fires seek - from the scrubber: the point index to show
 * @fires play - from the scrubber: true to play back, false to pause
 * @fires explain - from the milestone banner: the milestone kind to audit
 * @fires explain-close - the audit was closed
 * @fires event-select - from the feed: the NotableEvent selected, or null
 * @fires chart-zoom - from a chart, or Reset zoom: `[minYear, maxYear]`, or null for the whole run
 * @fires chart-click - from a chart: `{ x }`, the decimal year clicked
 * @fires replay-close - Close replay was pressed
 * @fires more-toggle - "More metrics" opened (true) or closed (false)
 */
@customElement("tk-live-view")
export class TkLiveView extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .hero { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 12px; align-items: stretch; }
      .feed { background: var(--tk-panel); border: 1px solid var(--tk-border); border-radius: 8px; padding: 10px; min-width: 0;
        position: relative; min-height: 300px; }
      /* Absolutely placed so the feed takes the main chart's height instead of setting it. */
      .feed-inner { position: absolute; inset: 10px; display: flex; flex-direction: column; contain: strict; }
      .feed tk-event-feed { flex: 1; min-height: 0; }
      .feed h2 { font-size: 0.95rem; margin: 0 0 6px; }
      details.more > summary { cursor: pointer; font-weight: 600; padding: 6px 0; }
      details.more > .grid { margin-top: 8px; }
      @media (max-width: 900px) {
        .hero { grid-template-columns: minmax(0, 1fr); }
        .feed { height: 340px; }
      }
    `,
  ]

  /** The live run's series (ignored while replaying). */
  @property({ attribute: false }) series = new RunSeries()
  /** The series' `version`: it grows in place, so this is what tells the view it changed. */
  @property({ type: Number }) seriesVersion = 0
  @property({ attribute: false }) run: RunSummary | null = null
  @property({ attribute: false }) milestones: ReadonlyArray<MilestoneInfo> = []
  @property({ attribute: false }) events: ReadonlyArray<NotableEvent> = []
  @property() connection: StreamStatus = "idle"
  @property({ attribute: false }) streamError: string | null = null
  /** Ticks per second asked of the live run (null: as fast as it goes). */
  @property({ attribute: false }) speed: number | null = null
  @property({ attribute: false }) replay: Replay | null = null
  @property({ type: Number }) replayIndex = 0
  @property({ type: Boolean }) playing = false
  @property({ attribute: false }) replayState: StateAtTick | null = null
  @property({ attribute: false }) metricInfo: ReadonlyMap<string, MetricInfo> = new Map()
  /** The model's chart groups and the run's milestone thresholds, as the server describes them. */
  @property({ attribute: false }) groups: ReadonlyArray<MetricGroup> = []
  @property({ attribute: false }) thresholds: ReadonlyArray<MilestoneThreshold> = []
  @property({ attribute: false }) selectedEvent: NotableEvent | null = null
  /** The zoomed x range in decimal years, or null for the default horizon (AGI..ASI, or the whole run). */
  @property({ attribute: false }) xRange: readonly [number, number] | null = null
  @property({ attribute: false }) explain: MilestoneAudit | null = null
  @property({ type: Boolean }) moreOpen = false
  /** The user asked for the whole run instead of the AGI..ASI frame. */
  @state() private showAll = false

  private charts: DashboardChart[] = []
  private chartsKeySig = ""
  private dataCache: { sig: string; data: ChartData[] } = { sig: "", data: [] }
  private markerMemo: { milestones: MilestoneInfo[]; main: ChartMarker[]; side: ChartMarker[] } | null = null
  private lastFullRange: readonly [number, number] | null = null
  private lastFocus: readonly [number, number] | null = null
  private linesMemo: {
    thresholds: ReadonlyArray<MilestoneThreshold>
    key: string | undefined
    lines: ChartLine[]
  } | null = null

  /** Charts follow the run's metric keys; rebuilt only when the key set (or what we know of it) changes. */
  private chartsFor(series: RunSeries): DashboardChart[] {
    const sig = `${series.keys.join("|")}#${this.metricInfo.size}#${this.groups.length}`
    if (sig !== this.chartsKeySig) {
      this.chartsKeySig = sig
      this.charts = buildCharts(series.keys, this.metricInfo, this.groups)
    }
    return this.charts
  }

  /** The main chart's threshold lines, the same array while they stay the same (a new one redraws the chart). */
  private linesFor(key: string | undefined): ChartLine[] {
    const memo = this.linesMemo
    if (memo?.thresholds !== this.thresholds || memo.key !== key) {
      const unit = key === undefined ? undefined : this.metricInfo.get(key)?.unit
      this.linesMemo = { thresholds: this.thresholds, key, lines: thresholdLines(this.thresholds, key, unit) }
    }
    return this.linesMemo!.lines
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

  /**
   * The x axis spans the whole run from the start, so a live run fills the charts left to right and
   * a replay's axis holds still while scrubbing.
   */
  private fullRangeOf(series: RunSeries, run: RunSummary | null): readonly [number, number] | null {
    let fullRange: readonly [number, number] | null = null
    if (this.replay && series.length > 1) fullRange = [series.x()[0], series.x()[series.length - 1]]
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
    return fullRange
  }

  /**
   * The default horizon: a few years before the first AI milestone to a few after ASI (horizon.ts),
   * from every milestone of a replayed run (so scrubbing never moves the axis) or those a live run
   * has reached; the same array while its ends stay the same.
   */
  private focusOf(
    full: readonly [number, number] | null,
    milestones: ReadonlyArray<MilestoneInfo>,
  ): readonly [number, number] | null {
    let focus = focusRange(full, milestones)
    if (focus === full) return full
    if (focus && this.lastFocus?.[0] === focus[0] && this.lastFocus[1] === focus[1]) focus = this.lastFocus
    this.lastFocus = focus
    return focus
  }

  protected override updated(changed: PropertyValues<this>): void {
    // An audit just opened: bring its heading into view (the page may be scrolled down to a chart).
    if (changed.has("explain") && this.explain && !changed.get("explain"))
      this.renderRoot.querySelector("tk-milestone-audit")?.scrollIntoView({ block: "start" })
  }

  override render() {
    const replay = this.replay
    const series = replay?.series ?? this.series
    const end = replay ? this.replayIndex + 1 : series.length
    const charts = this.chartsFor(series)
    const data = this.dataFor(series, charts, end)
    const milestones: ReadonlyArray<MilestoneInfo> = replay
      ? replay.run.milestones.filter((m) => m.tick <= series.ticks()[this.replayIndex])
      : this.milestones
    const run = replay?.run ?? this.run
    const mainKey = mainMetricKey(series.keys, this.thresholds)
    const mainIdx = charts.findIndex((c) => c.keys[0] === mainKey)
    const mainLines = this.linesFor(mainKey)
    const full = this.fullRangeOf(series, run)
    const focus = this.focusOf(full, replay ? replay.run.milestones : this.milestones)
    const range = this.xRange ?? (this.showAll ? full : focus)
    const highlight = this.selectedEvent
      ? dateToYear(this.selectedEvent.date)
      : replay
        ? series.x()[this.replayIndex]
        : null
    const { main: mainMarkers, side: sideMarkers } = this.markersFor(milestones)
    const chartEl = (c: DashboardChart, i: number, main: boolean) =>
      html`<tk-chart id=${`chart-${c.spec.id}`} .spec=${c.spec} .data=${data[i]} .height=${main ? 290 : 170}
        .lines=${main ? mainLines : NO_LINES} .markers=${main ? mainMarkers : sideMarkers}
        .highlightX=${highlight} .xRange=${range} syncKey="dash"></tk-chart>`
    const events = replay ? this.events.filter((e) => e.tick <= series.ticks()[this.replayIndex]) : this.events
    return html`
      <div class="bar">
        ${
          replay
            ? html`<span><b>Replay</b> ${replay.run.scenario} · seed ${replay.run.seed} · ${statusText(replay.run)}</span>
              <button @click=${() => emit(this, "replay-close", null)}>Close replay</button>`
            : html`<tk-run-controls .run=${run} .connection=${this.connection} .speed=${this.speed}></tk-run-controls>`
        }
        ${run && !replay ? html`<span class="hint">${run.scenario} · seed ${run.seed} · run ${run.id}</span>` : nothing}
        ${this.streamError && !replay ? html`<span class="error" role="status">${this.streamError}</span>` : nothing}
        ${run?.error ? html`<span class="error" role="alert">Run failed: ${run.error}</span>` : nothing}
        ${this.xRange ? html`<button @click=${() => emit(this, "chart-zoom", null)}>Reset zoom</button>` : nothing}
        ${
          !this.xRange && focus !== full && full
            ? html`<button id="horizon" aria-pressed=${this.showAll ? "true" : "false"} @click=${() => (this.showAll = !this.showAll)}
              title=${this.showAll ? "Frame the charts from before AGI to after ASI" : "Show the charts from the run's start to its end"}
              >${this.showAll ? "Frame AGI–ASI" : `Show whole run (${Math.floor(full[0])}–${Math.floor(full[1] - 1e-9)})`}</button>`
            : nothing
        }
      </div>
      ${replay ? html`<tk-scrubber .dates=${series.dates} .index=${this.replayIndex} ?playing=${this.playing}></tk-scrubber>` : nothing}
      <tk-milestone-banner .milestones=${milestones} .thresholds=${this.thresholds} .metricInfo=${this.metricInfo} ?explainable=${!!run && isTerminal(run.status)}></tk-milestone-banner>
      ${this.explain ? html`<tk-milestone-audit .kind=${this.explain.kind} .audit=${this.explain.data}></tk-milestone-audit>` : nothing}
      ${!run && !replay ? html`<p class="hint">Pick a scenario, adjust parameters if you like, and press Run. Or open a finished run under “Runs &amp; replay”.</p>` : nothing}
      <div class="hero">
        ${mainIdx >= 0 ? chartEl(charts[mainIdx], mainIdx, true) : html`<div class="card hint">The AI-share chart appears when the run publishes its first tick.</div>`}
        <section class="feed" aria-label="Events">
          <div class="feed-inner">
          <h2>Events</h2>
          <tk-event-feed .events=${events} .selected=${this.selectedEvent}></tk-event-feed>
          </div>
        </section>
      </div>
      ${
        replay && this.replayState
          ? html`<tk-replay-state .state=${this.replayState} .metricInfo=${this.metricInfo}
            ?updating=${replay.series.ticks()[this.replayIndex] !== this.replayState.tick}></tk-replay-state>`
          : nothing
      }
      <div class="grid">${charts.map((c, i) => (i === mainIdx || c.more ? nothing : chartEl(c, i, false)))}</div>
      ${
        charts.some((c) => c.more)
          ? html`<details class="more" ?open=${this.moreOpen} @toggle=${(e: Event) => emit(this, "more-toggle", (e.target as HTMLDetailsElement).open)}>
            <summary>More metrics (${charts.filter((c) => c.more).length})</summary>
            ${this.moreOpen ? html`<div class="grid">${charts.map((c, i) => (c.more ? chartEl(c, i, false) : nothing))}</div>` : nothing}
          </details>`
          : nothing
      }`
  }
}
