import type {
  MetricInfo,
  MilestoneInfo,
  MilestoneThreshold,
  NotableEvent,
  RunControl,
  RunSummary,
} from "@takeoff/protocol"
import { type FeedRow, feedRows } from "../feed-rows.js"
import { statusText } from "../run-labels.js"
import { css, html, LitElement, type PropertyValues } from "lit"
import { customElement, property, state } from "lit/decorators.js"
import { repeat } from "lit/directives/repeat.js"
import { MILESTONE_COLOR, milestoneLabel } from "../dashboard.js"
import { emit } from "../emit.js"
import { controlStyles } from "../theme.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-run-controls": TkRunControls
    "tk-milestone-banner": TkMilestoneBanner
    "tk-event-feed": TkEventFeed
    "tk-scrubber": TkScrubber
  }
}

const SPEEDS: ReadonlyArray<{ label: string; tps: number | null }> = [
  { label: "1×", tps: 4 },
  { label: "5×", tps: 20 },
  { label: "25×", tps: 100 },
  { label: "max", tps: null },
]

/**
 * Pause, resume, step and speed for a live run; emits `run-control` with a RunControl.
 * @fires run-control - detail: the RunControl to send
 * @example html`<tk-run-controls .run=${summary} @run-control=${send}></tk-run-controls>`
 */
@customElement("tk-run-controls")
export class TkRunControls extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
      .status { font-size: 0.85rem; padding: 2px 8px; border-radius: 10px; border: 1px solid var(--tk-border); }
      .speed { display: inline-flex; gap: 2px; }
      .speed button { padding: 4px 7px; font-size: 0.8rem; }
    `,
  ]
  @property({ attribute: false }) run: RunSummary | null = null
  @property() connection = ""
  @property({ attribute: false }) speed: number | null = null

  private send(c: RunControl) {
    emit(this, "run-control", c)
  }

  override render() {
    const r = this.run
    const active = r && (r.status === "running" || r.status === "paused" || r.status === "queued")
    return html`
      <span class="status" id="run-status" aria-live="polite">${r ? `${statusText(r)} · ${r.date ?? "—"}` : "no run"}${r && (this.connection === "connecting" || this.connection === "reconnecting") ? ` · ${this.connection}` : ""}</span>
      ${
        r?.status === "paused"
          ? html`<button id="resume" @click=${() => this.send({ action: "resume" })} ?disabled=${!active}>Resume</button>`
          : html`<button id="pause" @click=${() => this.send({ action: "pause" })} ?disabled=${!active}>Pause</button>`
      }
      <button id="step" @click=${() => this.send({ action: "step", ticks: 1 })} ?disabled=${r?.status !== "paused"} title="Advance one tick (a month)">Step</button>
      <span class="speed" role="group" aria-label="Speed">
        ${SPEEDS.map(
          (s) => html`<button aria-pressed=${this.speed === s.tps ? "true" : "false"} ?disabled=${!active}
            @click=${() => {
              this.speed = s.tps
              this.send({ action: "speed", ticksPerSecond: s.tps })
            }}>${s.label}</button>`,
        )}
      </span>
      <button id="stop" @click=${() => this.send({ action: "stop" })} ?disabled=${!active}>Stop</button>`
  }
}

const BANNER_TEXT: Record<MilestoneInfo["kind"], string> = {
  agi: "AGI",
  asi: "ASI",
  "post-scarcity":
    "Post-scarcity: every decile, the poorest included, can buy the basic basket without working, a year running",
  catastrophe: "Catastrophe",
}

/** What a milestone means, from its threshold when the server sent one ("AGI: AI share of GDP at 10%"). */
const thresholdText = (
  kind: MilestoneInfo["kind"],
  thresholds: ReadonlyArray<MilestoneThreshold>,
  info: ReadonlyMap<string, MetricInfo>,
): string => {
  const t = thresholds.find((x) => x.kind === kind)
  if (t === undefined) return BANNER_TEXT[kind]
  return `${t.label}: ${info.get(t.metric)?.label ?? t.metric} at ${thresholdValue(t)}`
}

/** Thresholds below 1 are shares of their metric and read as percent. */
const thresholdValue = (t: MilestoneThreshold): string =>
  t.value < 1 ? `${Number((t.value * 100).toPrecision(3))}%` : String(t.value)

/**
 * The milestones reached so far; each can open its audit (`explain` event).
 * @fires explain - detail: the milestone kind to audit
 * @example html`<tk-milestone-banner .milestones=${ms}></tk-milestone-banner>`
 */
@customElement("tk-milestone-banner")
export class TkMilestoneBanner extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: flex; gap: 8px; flex-wrap: wrap; min-height: 1.8em; }
      .m { display: inline-flex; gap: 6px; align-items: center; padding: 4px 10px; border-radius: 16px; font-size: 0.85rem;
        border: 1px solid var(--c); background: color-mix(in srgb, var(--c) 14%, var(--tk-panel)); }
      .m b { color: var(--tk-fg); }
      .m button { font-size: 0.75rem; padding: 1px 6px; }
      .none { color: var(--tk-muted); font-size: 0.85rem; align-self: center; }
    `,
  ]
  @property({ attribute: false }) milestones: ReadonlyArray<MilestoneInfo> = []
  /** The run's milestone thresholds, as the server sent them. */
  @property({ attribute: false }) thresholds: ReadonlyArray<MilestoneThreshold> = []
  @property({ attribute: false }) metricInfo: ReadonlyMap<string, MetricInfo> = new Map()
  @property({ type: Boolean }) explainable = false

  override render() {
    if (this.milestones.length === 0) {
      const ahead = this.thresholds.map((t) => thresholdText(t.kind, this.thresholds, this.metricInfo)).join("; ")
      return html`<span class="none">No milestone yet${ahead ? `: ${ahead}` : ""}.</span>`
    }
    return html`${this.milestones.map(
      (m) => html`<span class="m" role="status" data-kind=${m.kind} style="--c: var(${MILESTONE_COLOR[m.kind]})">
        <b>${milestoneLabel(m.kind)}</b> ${m.date} <span class="muted">${thresholdText(m.kind, this.thresholds, this.metricInfo)}</span>
        ${this.explainable && m.kind !== "catastrophe" ? html`<button @click=${() => emit(this, "explain", m.kind)}>Explain</button>` : ""}
      </span>`,
    )}`
  }
}

/** " ×37 since 2024-02" for a row standing for a routine type's events; nothing for a single event. */
const repeatsText = (row: FeedRow | undefined) =>
  row && row.count > 1 ? html` <span class="muted repeats">×${row.count} since ${row.since}</span>` : ""

/**
 * Notable events with filters by type and agent; routine repeats grouped into one row per type; clicking one emits `event-select` with it.
 * @fires event-select - detail: the clicked NotableEvent, or null to clear
 * @example html`<tk-event-feed .events=${events} @event-select=${show}></tk-event-feed>`
 */
@customElement("tk-event-feed")
export class TkEventFeed extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; }
      .filters { display: flex; gap: 6px; margin-bottom: 6px; flex-wrap: wrap; }
      .filters select, .filters input { flex: 1; min-width: 6em; font-size: 0.82rem; }
      ol { list-style: none; margin: 0; padding: 0; overflow: auto; flex: 1; min-height: 0; }
      /* Items scrolled out of view skip layout and paint: a re-render replaces up to 100 of them, and
         laying them all out cost more than every chart's redraw in that frame. */
      li { content-visibility: auto; contain-intrinsic-size: auto 2.6em; }
      li button { display: grid; grid-template-columns: 4.6em 1fr; gap: 6px; width: 100%; text-align: left; border: 0;
        border-bottom: 1px solid var(--tk-border); border-radius: 0; padding: 5px 4px; font-size: 0.8rem; background: transparent; }
      li button[aria-pressed="true"] { background: color-mix(in srgb, var(--tk-accent) 16%, transparent); }
      .date { color: var(--tk-muted); font-variant-numeric: tabular-nums; }
      .type { font-weight: 600; }
      pre { font-size: 0.72rem; max-height: 220px; overflow: auto; background: var(--tk-bg); padding: 6px; border-radius: 6px;
        border: 1px solid var(--tk-border); white-space: pre-wrap; word-break: break-word; }
      .count { font-size: 0.75rem; }
    `,
  ]
  @property({ attribute: false }) events: ReadonlyArray<NotableEvent> = []
  @property({ attribute: false }) selected: NotableEvent | null = null
  @state() private type = ""
  @state() private agent = ""
  /** Routine repeats (a type seen every month) as one row each, so rare events stand out. */
  @state() private group = true
  private lastRenderMs = 0
  private deferred: ReturnType<typeof setTimeout> | null = null
  /** Row keys of the events listed by the last render (see render). */
  private rowKeys = new Map<NotableEvent, number>()
  private nextRowKey = 0

  /**
   * New events alone re-render the list at most 4 times a second: a run can log hundreds of notable
   * events a second, and re-rendering the list every frame cost more than all the charts.
   */
  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    const onlyEvents = changed.size === 1 && changed.has("events")
    const now = performance.now()
    if (!onlyEvents || now - this.lastRenderMs >= 250) {
      this.lastRenderMs = now
      return true
    }
    this.deferred ??= setTimeout(() => {
      this.deferred = null
      this.requestUpdate()
    }, 250)
    return false
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    if (this.deferred) clearTimeout(this.deferred)
    this.deferred = null
  }

  override render() {
    const types = [...new Set(this.events.map((e) => e.type))].sort()
    const agents = [...new Set(this.events.map((e) => e.agent).filter((a): a is string => !!a))].sort()
    // The newest 100 rows that match: enough to read, few enough to re-render every frame.
    const rows = feedRows(this.events, { type: this.type, agent: this.agent }, this.group)
    const shown = rows.map((r) => r.event)
    const rowOf = new Map(rows.map((r) => [r.event, r]))
    // A row still listed keeps its key, so its DOM stays (and holds the scroll anchor) as newer rows
    // arrive above it. A new event takes the key of a row that dropped off, in order, so that row's DOM
    // is refilled instead of removed and another cloned: a fast run replaces all 100 rows per render.
    const shownSet = new Set(shown)
    const free: number[] = []
    for (const [e, k] of this.rowKeys) if (!shownSet.has(e)) free.push(k)
    const keys = new Map<NotableEvent, number>()
    let f = 0
    for (const e of shown) keys.set(e, this.rowKeys.get(e) ?? (f < free.length ? free[f++] : this.nextRowKey++))
    this.rowKeys = keys
    return html`<div class="filters">
        <select id="feed-type" aria-label="Filter events by type" @change=${(e: Event) => (this.type = (e.target as HTMLSelectElement).value)}>
          <option value="">All types</option>${types.map((t) => html`<option ?selected=${t === this.type}>${t}</option>`)}
        </select>
        <select id="feed-agent" aria-label="Filter events by agent" @change=${(e: Event) => (this.agent = (e.target as HTMLSelectElement).value)}>
          <option value="">All agents</option>${agents.map((a) => html`<option ?selected=${a === this.agent}>${a}</option>`)}
        </select>
        <label class="count"><input id="feed-group" type="checkbox" .checked=${this.group}
          @change=${(e: Event) => (this.group = (e.target as HTMLInputElement).checked)} /> group repeats</label>
      </div>
      <span class="count muted">${shown.length < 100 ? `${shown.length} rows for ` : "newest 100 rows of "}${this.events.length} events</span>
      ${
        this.selected
          ? html`<pre aria-label="Selected event data">${this.selected.date} ${this.selected.type}${this.selected.agent ? ` · ${this.selected.agent}` : ""}
${this.selected.summary}
${JSON.stringify(this.selected.data ?? {}, null, 2)}</pre>`
          : ""
      }
      <ol aria-label="Event feed">
        ${repeat(
          shown,
          (e) => keys.get(e),
          (
            e,
          ) => html`<li><button aria-pressed=${this.selected === e ? "true" : "false"} @click=${() => emit(this, "event-select", this.selected === e ? null : e)}>
            <span class="date">${e.date}</span><span><span class="type">${e.type}</span>${e.agent ? html` <span class="muted">${e.agent}</span>` : ""}${repeatsText(rowOf.get(e))}<br />${e.summary}</span>
          </button></li>`,
        )}
      </ol>`
  }
}

/**
 * Timeline scrubber for replay: a range over point indices with play/pause; emits `seek` with the index.
 * Arrow keys step a month, PageUp/PageDown a year (native range input behaviour plus step=12 keys).
 * @fires seek - detail: the point index to show
 * @fires play - detail: true to play back, false to pause
 * @example html`<tk-scrubber .dates=${dates} .index=${i} @seek=${go}></tk-scrubber>`
 */
@customElement("tk-scrubber")
export class TkScrubber extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
      input[type="range"] { flex: 1; min-width: 160px; accent-color: var(--tk-accent); }
      .date { font-variant-numeric: tabular-nums; min-width: 5.5em; font-weight: 600; }
      input[type="month"] { background: var(--tk-bg); border: 1px solid var(--tk-border); border-radius: 6px; padding: 3px 6px; color: var(--tk-fg); }
    `,
  ]
  @property({ attribute: false }) dates: ReadonlyArray<string> = []
  @property({ type: Number }) index = 0
  @property({ type: Boolean }) playing = false

  private seek(i: number) {
    const max = Math.max(0, this.dates.length - 1)
    emit(this, "seek", Math.max(0, Math.min(max, i)))
  }

  override render() {
    const max = Math.max(0, this.dates.length - 1)
    return html`<button id="play" @click=${() => emit(this, "play", !this.playing)} aria-pressed=${this.playing ? "true" : "false"}>${this.playing ? "Pause" : "Play"}</button>
      <input id="scrub" type="range" min="0" max=${max} step="1" .value=${String(this.index)} aria-label="Replay position"
        aria-valuetext=${this.dates[this.index] ?? ""}
        @input=${(e: Event) => this.seek(Number((e.target as HTMLInputElement).value))}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === "PageUp" || e.key === "PageDown") {
            e.preventDefault()
            this.seek(this.index + (e.key === "PageUp" ? 12 : -12))
          }
        }} />
      <span class="date" id="scrub-date">${this.dates[this.index] ?? "—"}</span>
      <label class="muted" style="font-size:0.8rem">Go to <input id="goto" type="month" .value=${this.dates[this.index] ?? ""}
        min=${this.dates[0] ?? ""} max=${this.dates[max] ?? ""}
        @change=${(e: Event) => {
          const v = (e.target as HTMLInputElement).value
          let i = this.dates.findIndex((d) => d >= v)
          if (i < 0) i = max
          this.seek(i)
        }} /></label>`
  }
}
