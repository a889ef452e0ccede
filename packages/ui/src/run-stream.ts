import type { MilestoneInfo, MilestoneThreshold, NotableEvent, RunSummary, ServerMessage } from "@takeoff/protocol"
import type { ReactiveController, ReactiveControllerHost } from "lit"
import { api } from "./api.js"
import { RunSeries } from "./series.js"

export type StreamStatus = "idle" | "connecting" | "live" | "reconnecting" | "done" | "closed"

const TERMINAL: ReadonlySet<string> = new Set(["completed", "stopped", "failed", "interrupted"])

/** Whether a run with this status is over (its log is complete and can be replayed and audited). */
export const isTerminal = (status: RunSummary["status"]): boolean => TERMINAL.has(status)
/** The feed keeps the latest events only; older ones stay reachable through the events API. */
const MAX_FEED = 2000

/** Timing of the per-frame flush, read by the bench (`window.__takeoffPerf`). */
export interface FramePerf {
  frames: number
  messages: number
  flushMs: number[]
}

declare global {
  interface Window {
    __takeoffPerf?: FramePerf
  }
}

/**
 * Owns one run's WebSocket: applies `hello`/`catchup`/`tick` messages to a columnar RunSeries as
 * they arrive (cheap), but asks the host to re-render at most once per animation frame, so charts
 * redraw once per frame however many ticks arrived. When the socket drops before the run ends it
 * reconnects with backoff and resumes from the tick after the last one it holds; `lagged` resumes
 * from the server's suggested tick.
 *
 * @example
 * class View extends LitElement {
 *   stream = new RunStreamController(this)
 *   open(id: string) { this.stream.connect(id) }
 * }
 */
export class RunStreamController implements ReactiveController {
  series = new RunSeries()
  run: RunSummary | null = null
  milestones: MilestoneInfo[] = []
  /** The run's milestone thresholds, from `hello`. */
  thresholds: ReadonlyArray<MilestoneThreshold> = []
  events: NotableEvent[] = []
  status: StreamStatus = "idle"
  lastError: string | null = null
  reconnects = 0

  private ws: WebSocket | null = null
  private runId: string | null = null
  private rafId = 0
  private pending = 0
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private retryDelayMs = 250
  private wanted = false
  private eventsChanged = false

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this)
  }

  hostConnected(): void {
    if (this.runId && this.wanted && !this.ws) this.open(this.series.lastTick + 1)
  }

  hostDisconnected(): void {
    this.closeSocket()
    if (this.rafId) cancelAnimationFrame(this.rafId)
    this.rafId = 0
  }

  get id(): string | null {
    return this.runId
  }

  /** Starts streaming a run from its first tick, dropping whatever was held. */
  connect(runId: string): void {
    this.disconnect()
    this.runId = runId
    this.series = new RunSeries()
    this.milestones = []
    this.thresholds = []
    this.events = []
    this.run = null
    this.lastError = null
    this.reconnects = 0
    this.wanted = true
    this.open(0)
  }

  /** Stops streaming (keeps the data held). */
  disconnect(): void {
    this.wanted = false
    this.closeSocket()
    if (this.status !== "done") this.status = "closed"
  }

  /** Drops the socket as a network failure would, to exercise reconnect (used by tests). */
  simulateDrop(): void {
    this.ws?.close(4000, "simulated drop")
  }

  private closeSocket(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    const ws = this.ws
    this.ws = null
    if (ws) {
      ws.onclose = null
      ws.onmessage = null
      ws.onerror = null
      ws.close()
    }
  }

  private open(from: number): void {
    if (!this.runId) return
    const url = api.runStreamUrl(this.runId, from)
    this.status = this.reconnects > 0 ? "reconnecting" : "connecting"
    const ws = new WebSocket(url)
    this.ws = ws
    ws.onmessage = (ev) => this.onMessage(ev.data as string)
    ws.onerror = () => {
      this.lastError = "connection error"
    }
    ws.onclose = () => {
      if (this.ws !== ws) return
      this.ws = null
      if (!this.wanted || this.status === "done") return
      this.scheduleReconnect(this.series.lastTick + 1)
    }
    this.schedule()
  }

  private scheduleReconnect(from: number): void {
    this.status = "reconnecting"
    this.reconnects++
    const delay = this.retryDelayMs
    this.retryDelayMs = Math.min(5000, this.retryDelayMs * 2)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.wanted) this.open(from)
    }, delay)
    this.schedule()
  }

  private onMessage(raw: string): void {
    let msg: ServerMessage
    try {
      msg = JSON.parse(raw) as ServerMessage
    } catch {
      this.lastError = "unreadable message from server"
      return
    }
    this.pending++
    switch (msg.type) {
      case "hello":
        this.run = msg.run
        this.thresholds = msg.thresholds
        this.status = "live"
        this.retryDelayMs = 250
        for (const m of msg.run.milestones) this.addMilestone(m)
        break
      case "catchup":
        this.series.appendColumns(msg.ticks, msg.dates, msg.columns as Record<string, number[]>)
        break
      case "tick":
        this.series.append(msg.tick, msg.date, msg.metrics)
        if (this.run && msg.tick > this.run.tick) this.run = { ...this.run, tick: msg.tick, date: msg.date }
        break
      case "milestone":
        this.addMilestone(msg.milestone)
        break
      case "notables":
        for (const e of msg.events) this.events.push(e)
        if (this.events.length > MAX_FEED) this.events.splice(0, this.events.length - MAX_FEED)
        this.eventsChanged = true
        break
      case "status":
        this.run = msg.run
        for (const m of msg.run.milestones) this.addMilestone(m)
        break
      case "lagged":
        this.closeSocket()
        this.scheduleReconnect(Math.min(msg.resumeFrom, this.series.lastTick + 1))
        break
      case "error":
        this.lastError = msg.message
        break
    }
    // The server sends `status` once catch-up is complete: after the last batch's milestones and
    // notables, which arrive after the batch itself. Finishing on the last tick alone dropped them.
    if (msg.type === "status" && isTerminal(msg.run.status) && this.series.lastTick >= msg.run.tick) this.finish()
    this.schedule()
  }

  private finish(): void {
    this.status = "done"
    this.wanted = false
    this.closeSocket()
  }

  private addMilestone(m: MilestoneInfo): void {
    if (this.milestones.some((x) => x.kind === m.kind)) return
    this.milestones = [...this.milestones, m].sort((a, b) => a.tick - b.tick)
  }

  /** Coalesces everything that arrived since the last frame into one host update. */
  private schedule(): void {
    if (this.rafId) return
    const perf = window.__takeoffPerf
    let t0 = 0
    this.rafId = requestAnimationFrame(() => {
      this.rafId = 0
      if (perf) t0 = performance.now()
      // A new array per frame (not per event) so the feed sees a changed property.
      if (this.eventsChanged) this.events = this.events.slice()
      this.eventsChanged = false
      if (perf) perf.messages += this.pending
      this.pending = 0
      this.host.requestUpdate()
    })
    // Registered in the same turn, this callback runs in the same frame right after the one above,
    // once its microtasks (Lit renders, every chart's setData and uPlot draw) have drained: the
    // difference is the script time of one update, without waiting on other tasks.
    if (perf)
      requestAnimationFrame(() => {
        perf.frames++
        perf.flushMs.push(performance.now() - t0)
      })
  }
}
