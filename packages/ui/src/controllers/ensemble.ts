import type { CreateSweepRequest, SweepDetail, SweepFan, SweepServerMessage, SweepSummary } from "@takeoff/protocol"
import type { ReactiveController, ReactiveControllerHost } from "lit"
import { ApiCallError, api } from "../api.js"
import { type FanFile, parseFanFile } from "../fan.js"

/** How often a live sweep's statistics are fetched again when its WebSocket is down. */
const POLL_MS = 600

/** The fan chart is fetched again when the sweep, the metric or the members finished changed. */
const fanKey = (d: SweepDetail, metric: string) => `${d.summary.id}:${metric}:${d.summary.done}`

const live = (s: SweepSummary | undefined) => s?.status === "queued" || s?.status === "running"

/**
 * The Ensemble view's data: the server's sweeps, the one shown (followed while it runs, so its
 * histograms, tornado and table fill as members finish), the fan chart of the metric picked, and a
 * fan file loaded from a CLI sweep. A live sweep is followed over its WebSocket: each `progress`
 * message updates the counts at once, and the statistics are fetched again when its version moved
 * (one request at a time, the latest version wins). If the socket drops while the sweep runs, the
 * statistics are polled instead.
 *
 * @example
 * const ensemble = new EnsembleController(host, { onError, onOpen: (id) => app.show(id) })
 * await ensemble.start({ scenario: "baseline", runs: 50 })
 */
export class EnsembleController implements ReactiveController {
  sweeps: SweepSummary[] = []
  detail: SweepDetail | null = null
  fan: SweepFan | null = null
  metric = "aiShare"
  /** A refusal of the form's request, naming its field. */
  formError: { message: string; field?: string } | null = null
  busy = false
  /** A `.fan.json` from `takeoff sweep`, loaded by hand. */
  fanFile: FanFile | null = null
  /** How the sweep shown is followed: pushed over its WebSocket, polled after the socket dropped, or not (it has ended). */
  following: "stream" | "poll" | "none" = "none"
  private timer: ReturnType<typeof setTimeout> | undefined
  private fanFor = ""
  private ws: WebSocket | null = null
  /** The statistics' version asked for by the stream, and the one the detail was fetched at. */
  private wantedVersion = -1
  private fetchedVersion = -1
  private syncing = false
  private loadedStatus: SweepSummary["status"] | undefined
  /** Moves each time the sweep shown changes or is followed anew: answers and timers of an older one are dropped. */
  private generation = 0

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: { onError: (e: unknown) => void; onShow: (id: string | undefined) => void },
  ) {
    host.addController(this)
  }

  hostDisconnected(): void {
    this.unfollow()
  }

  async refresh(): Promise<void> {
    try {
      this.sweeps = await api.listSweeps()
      this.host.requestUpdate()
    } catch (e) {
      this.options.onError(e)
    }
  }

  /** Starts a sweep from the form; a 4xx comes back as a form error naming the field. */
  async start(req: CreateSweepRequest): Promise<void> {
    this.busy = true
    this.formError = null
    this.host.requestUpdate()
    try {
      const s = await api.createSweep(req)
      this.options.onShow(s.id)
      await this.show(s.id)
      void this.refresh()
    } catch (e) {
      if (e instanceof ApiCallError && e.status >= 400 && e.status < 500)
        this.formError = { message: e.message, field: e.field }
      else this.options.onError(e)
    } finally {
      this.busy = false
      this.host.requestUpdate()
    }
  }

  /** Shows a sweep (or none) and follows it until it ends. */
  async show(id: string | undefined): Promise<void> {
    this.unfollow()
    if (id === undefined) {
      this.detail = null
      this.fan = null
      this.host.requestUpdate()
      return
    }
    if (this.detail?.summary.id !== id) {
      this.detail = null
      this.fan = null
    }
    if (await this.load(id)) this.follow(id)
  }

  /** Drops the socket as a network failure would, to exercise the polling fallback (used by tests). */
  simulateDrop(): void {
    this.ws?.close(4000, "simulated drop")
  }

  private unfollow() {
    this.generation++
    clearTimeout(this.timer)
    const ws = this.ws
    this.ws = null
    if (ws) {
      ws.onclose = null
      ws.onmessage = null
      ws.close()
    }
    this.following = "none"
    this.loadedStatus = undefined
    this.wantedVersion = -1
    this.fetchedVersion = -1
  }

  private follow(id: string) {
    const ws = new WebSocket(api.sweepStreamUrl(id))
    this.ws = ws
    this.following = "stream"
    ws.onmessage = (ev) => {
      let msg: SweepServerMessage
      try {
        msg = JSON.parse(ev.data as string) as SweepServerMessage
      } catch {
        return
      }
      const d = this.detail
      if (msg.type !== "progress" || d === null || d.summary.id !== id) return
      this.detail = { ...d, summary: msg.summary }
      this.host.requestUpdate()
      if (msg.version !== this.fetchedVersion) void this.sync(id, msg.version)
    }
    ws.onclose = () => {
      if (this.ws !== ws) return
      this.ws = null
      // The server closes the socket once the sweep has ended; before that, a drop: poll instead.
      this.following = "none"
      if (live(this.detail?.summary)) this.poll(id)
    }
  }

  private poll(id: string) {
    const generation = this.generation
    this.following = "poll"
    this.timer = setTimeout(async () => {
      const stillLive = await this.load(id)
      if (generation !== this.generation) return
      if (stillLive) this.poll(id)
      else this.following = "none"
    }, POLL_MS)
  }

  /** Fetches the statistics until they are at least at the latest version pushed, one request at a time. */
  private async sync(id: string, version: number) {
    this.wantedVersion = Math.max(this.wantedVersion, version)
    if (this.syncing) return
    this.syncing = true
    try {
      const generation = this.generation
      while (this.fetchedVersion < this.wantedVersion && generation === this.generation) {
        const target = this.wantedVersion
        if (!(await this.load(id))) return
        this.fetchedVersion = Math.max(this.fetchedVersion, target)
      }
    } finally {
      this.syncing = false
    }
  }

  /** Fetches the sweep's statistics (and its fan chart when members finished); returns whether the sweep is live. */
  private async load(id: string): Promise<boolean> {
    const generation = this.generation
    try {
      const d = await api.sweep(id)
      if (generation !== this.generation) return false
      // The list shows each sweep's status: fetched again when the one shown has ended.
      const ended = !live(d.summary) && this.loadedStatus !== d.summary.status
      this.loadedStatus = d.summary.status
      this.detail = d
      if (!d.metrics.some((m) => m.key === this.metric) && d.metrics.length) this.metric = d.metrics[0].key
      if (this.fanFor !== fanKey(d, this.metric)) await this.loadFan()
      this.host.requestUpdate()
      if (ended) void this.refresh()
      return live(d.summary)
    } catch (e) {
      this.options.onError(e)
      return false
    }
  }

  async pickMetric(key: string): Promise<void> {
    this.metric = key
    await this.loadFan()
    this.host.requestUpdate()
  }

  private async loadFan() {
    const d = this.detail
    if (!d || d.summary.done === 0) return
    const generation = this.generation
    const key = fanKey(d, this.metric)
    const fan = await api.sweepFan(d.summary.id, this.metric)
    if (generation !== this.generation) return
    this.fan = fan
    this.fanFor = key
  }

  async stop(): Promise<void> {
    const id = this.detail?.summary.id
    if (!id) return
    try {
      await api.stopSweep(id)
      await this.show(id)
    } catch (e) {
      this.options.onError(e)
    }
  }

  /** Runs the missing members of the sweep shown (interrupted, stopped or failed), and follows it. */
  async resume(): Promise<void> {
    const id = this.detail?.summary.id
    if (!id) return
    try {
      await api.resumeSweep(id)
      await this.show(id)
      void this.refresh()
    } catch (e) {
      this.options.onError(e)
    }
  }

  /** Reruns a member as an ordinary run; resolves with the run's id, to open. */
  async memberRun(index: number): Promise<string | undefined> {
    const id = this.detail?.summary.id
    if (!id) return undefined
    try {
      return (await api.runSweepMember(id, index)).id
    } catch (e) {
      this.options.onError(e)
      return undefined
    }
  }

  async loadFanFile(file: File): Promise<void> {
    try {
      this.fanFile = parseFanFile(await file.text())
      this.host.requestUpdate()
    } catch (e) {
      this.options.onError(e)
    }
  }
}
