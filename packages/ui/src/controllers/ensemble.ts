import type { CreateSweepRequest, SweepDetail, SweepFan, SweepSummary } from "@takeoff/protocol"
import type { ReactiveController, ReactiveControllerHost } from "lit"
import { ApiCallError, api } from "../api.js"
import { type FanFile, parseFanFile } from "../fan.js"

/** How often a live sweep's statistics are fetched again. */
const POLL_MS = 600

const live = (s: SweepSummary | undefined) => s?.status === "queued" || s?.status === "running"

/**
 * The Ensemble view's data: the server's sweeps, the one shown (polled while it runs, so its
 * histograms, tornado and table fill as members finish), the fan chart of the metric picked, and a
 * fan file loaded from a CLI sweep.
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
  private timer: ReturnType<typeof setTimeout> | undefined
  private fanFor = ""

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: { onError: (e: unknown) => void; onShow: (id: string | undefined) => void },
  ) {
    host.addController(this)
  }

  hostDisconnected(): void {
    clearTimeout(this.timer)
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
    clearTimeout(this.timer)
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
    await this.poll(id)
  }

  private async poll(id: string) {
    try {
      const d = await api.sweep(id)
      if (this.detail !== null && this.detail.summary.id !== id) return
      const moved = d.summary.done !== this.detail?.summary.done || d.summary.status !== this.detail?.summary.status
      this.detail = d
      if (!d.metrics.some((m) => m.key === this.metric) && d.metrics.length) this.metric = d.metrics[0].key
      if (moved || this.fanFor !== `${id}:${this.metric}`) await this.loadFan()
      this.host.requestUpdate()
      if (live(d.summary)) this.timer = setTimeout(() => void this.poll(id), POLL_MS)
      else if (moved) void this.refresh()
    } catch (e) {
      this.options.onError(e)
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
    this.fanFor = `${d.summary.id}:${this.metric}`
    this.fan = await api.sweepFan(d.summary.id, this.metric)
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
