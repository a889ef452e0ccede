import { randomBytes } from "node:crypto"
import { EventEmitter } from "node:events"
import * as fs from "node:fs"
import * as path from "node:path"
import type { Worker } from "node:worker_threads"
import type {
  CreateRunRequest,
  MilestoneInfo,
  NotableEvent,
  RunControl,
  RunStatus,
  RunSummary,
} from "@takeoff/agents/protocol"
import { isValidRunId, openLogFile, truncateToSealed } from "@takeoff/core"
import { loadAdapter, type ModelAdapter, ScenarioRejected, spawnWorker } from "./adapter.js"
import { ApiFailure, badRequest, conflict, notFound } from "./errors.js"
import type { Job, JobResult } from "./job-worker.js"
import type { ManagerToWorker, RunWorkerInit, TickReport, WorkerToManager } from "./worker-protocol.js"

type JobRequest = Job extends infer J ? (J extends Job ? Omit<J, "adapterUrl"> : never) : never

/** What is persisted per run in `runs/<id>.json`. */
interface RunMeta {
  id: string
  scenario: string
  seed: number
  status: RunStatus
  tick: number
  untilTick: number
  date: string | null
  createdAt: string
  overrides: Record<string, unknown>
  milestones: MilestoneInfo[]
  ticksPerSecond: number | null
  source: "run" | "upload"
  config: unknown
  error?: string
}

/** The metric series of a run, shared by every client that follows it (one copy, whatever the fan-out). */
export interface RunHistory {
  readonly ticks: number[]
  readonly dates: string[]
  /** One row of values per tick, in the adapter's metric order. */
  readonly rows: ReadonlyArray<number>[]
  /** Server wall-clock ms when each tick was sealed (NaN for ticks loaded from disk). */
  readonly at: number[]
}

/** A run as the manager holds it: metadata, metric history, notables and its worker if live. */
export class Run {
  readonly history: RunHistory = { ticks: [], dates: [], rows: [], at: [] }
  readonly notables: NotableEvent[] = []
  worker: Worker | undefined
  /** Controls sent to the worker and not yet acknowledged, oldest first. */
  readonly pendingAcks: Array<() => void> = []
  /** Bumped on every status change, so streams know to send a `status` message. */
  statusVersion = 0

  constructor(public meta: RunMeta) {}

  get id(): string {
    return this.meta.id
  }

  /** The last tick with metrics (-1 before the first). */
  get lastTick(): number {
    const t = this.history.ticks
    return t.length === 0 ? -1 : t[t.length - 1]
  }

  get terminal(): boolean {
    const s = this.meta.status
    return s === "finished" || s === "stopped" || s === "failed" || s === "interrupted"
  }

  summary(): RunSummary {
    const m = this.meta
    return {
      id: m.id,
      scenario: m.scenario,
      seed: m.seed,
      status: m.status,
      tick: m.tick,
      untilTick: m.untilTick,
      date: m.date,
      createdAt: m.createdAt,
      overrides: m.overrides,
      milestones: m.milestones,
      ticksPerSecond: m.ticksPerSecond,
      source: m.source,
      ...(m.error === undefined ? {} : { error: m.error }),
    }
  }

  /** Index of the first tick >= `tick` in the history (ticks are consecutive from the first). */
  indexOf(tick: number): number {
    const t = this.history.ticks
    if (t.length === 0) return 0
    return Math.min(Math.max(0, tick - t[0]), t.length)
  }
}

export interface RunManagerOptions {
  readonly dataDir: string
  /** URL of the model adapter module (see adapter.ts). */
  readonly adapterUrl: string
  readonly maxConcurrentRuns?: number
  /** Runs waiting for a slot, beyond which creating a run is refused (429). */
  readonly maxQueuedRuns?: number
}

const MAX_NOTABLES_PER_RUN = 10_000
const MAX_STEP_TICKS = 10_000
const MAX_CONCURRENT_JOBS = 2

const newRunId = () => `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`

const writeJsonAtomic = (file: string, value: unknown) => {
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(value, null, 1))
  fs.renameSync(tmp, file)
}

/** Reads a metrics sidecar: one JSON report per tick after the keys line; a torn last line is ignored. */
const readSidecar = (file: string, upToTick: number): TickReport[] => {
  if (!fs.existsSync(file)) return []
  const out: TickReport[] = []
  const lines = fs.readFileSync(file, "utf8").split("\n")
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].length === 0) continue
    let r: TickReport
    try {
      r = JSON.parse(lines[i]) as TickReport
    } catch {
      break
    }
    if (r.tick > upToTick) break
    out.push({ ...r, values: r.values.map((v) => (v === null ? Number.NaN : v)) })
  }
  return out
}

/**
 * Owns every run: creates them from scenarios, runs each in its own worker thread (at most
 * `maxConcurrentRuns` at once, the rest queued), relays control, keeps each run's metric history
 * for streams and the metrics route, and persists runs in the data directory so a restart keeps
 * them (finished ones replayable, interrupted ones marked with the tick they reached).
 *
 * Emits `tick` (run) after each sealed tick and `status` (run) after each status change.
 *
 * @example
 * const manager = await RunManager.open({ dataDir: ".takeoff-data", adapterUrl })
 * const run = manager.create({ scenario: "baseline", seed: 1 })
 */
export class RunManager extends EventEmitter {
  readonly runs = new Map<string, Run>()
  private readonly queue: Run[] = []
  private readonly runsDir: string
  readonly logsDir: string
  private readonly metricsDir: string
  private readonly uploadsDir: string
  private readonly maxConcurrent: number
  private readonly maxQueued: number
  private jobsRunning = 0
  private readonly jobWaiters: Array<() => void> = []
  private closed = false

  private constructor(
    readonly options: RunManagerOptions,
    readonly adapter: ModelAdapter,
  ) {
    super()
    this.setMaxListeners(0)
    const dir = path.resolve(options.dataDir)
    this.runsDir = path.join(dir, "runs")
    this.logsDir = path.join(dir, "logs")
    this.metricsDir = path.join(dir, "metrics")
    this.uploadsDir = path.join(dir, "uploads")
    for (const d of [this.runsDir, this.logsDir, this.metricsDir, this.uploadsDir]) fs.mkdirSync(d, { recursive: true })
    this.maxConcurrent = Math.max(1, options.maxConcurrentRuns ?? 2)
    this.maxQueued = options.maxQueuedRuns ?? 100
  }

  static async open(options: RunManagerOptions): Promise<RunManager> {
    const manager = new RunManager(options, await loadAdapter(options.adapterUrl))
    manager.loadPersisted()
    return manager
  }

  /** Paths of a run's files; the id is checked first, so no request can name a path of its own. */
  logFile(id: string): string {
    if (!isValidRunId(id)) throw notFound(`no run "${id}"`, "id")
    return path.join(this.logsDir, `${id}.ndjson`)
  }
  private metricsFile(id: string) {
    return path.join(this.metricsDir, `${id}.ndjson`)
  }
  private persist(run: Run) {
    writeJsonAtomic(path.join(this.runsDir, `${run.id}.json`), run.meta)
  }

  private loadPersisted() {
    for (const f of fs.readdirSync(this.runsDir).sort()) {
      if (!f.endsWith(".json")) continue
      let meta: RunMeta
      try {
        meta = JSON.parse(fs.readFileSync(path.join(this.runsDir, f), "utf8")) as RunMeta
      } catch (e) {
        console.warn(`takeoff server: skipping unreadable run file ${f}: ${(e as Error).message}`)
        continue
      }
      if (!isValidRunId(meta.id) || `${meta.id}.json` !== f) continue
      const run = new Run(meta)
      let lastSealed = meta.tick
      if (!run.terminal || meta.status === "interrupted") {
        // It was live when the server went away: repair a torn tail and mark the tick it reached.
        lastSealed = -1
        if (fs.existsSync(this.logFile(meta.id))) {
          const opened = openLogFile(this.logFile(meta.id))
          lastSealed = truncateToSealed(opened.text).lastSealedTick
        }
      }
      // Milestones are rebuilt from the sidecar with the history, so they match the ticks kept.
      meta.milestones = []
      for (const r of readSidecar(this.metricsFile(meta.id), lastSealed)) this.record(run, r, Number.NaN)
      if (!run.terminal) {
        meta.status = "interrupted"
        meta.tick = run.lastTick
        meta.date = run.history.dates[run.history.dates.length - 1] ?? null
        this.persist(run)
      }
      this.runs.set(meta.id, run)
    }
  }

  list(): RunSummary[] {
    return [...this.runs.values()].map((r) => r.summary()).reverse()
  }

  get(id: string): Run {
    const run = isValidRunId(id) ? this.runs.get(id) : undefined
    if (run === undefined) throw notFound(`no run "${id}"`, "id")
    return run
  }

  private get active(): number {
    let n = 0
    for (const r of this.runs.values()) if (r.worker !== undefined) n++
    return n
  }

  create(req: CreateRunRequest): Run {
    if (this.closed) throw new ApiFailure(503, "closing", "the server is shutting down")
    const a = this.adapter
    if (!a.listScenarios().some((s) => s.name === req.scenario)) {
      throw notFound(`unknown scenario "${req.scenario}"`, "scenario")
    }
    let config: unknown
    let untilTick: number
    try {
      config = a.loadScenario(req.scenario, req.overrides ?? {})
      untilTick = a.untilTick(config, req.untilYear)
    } catch (e) {
      if (e instanceof ScenarioRejected) throw badRequest(e.message, e.field)
      throw badRequest((e as Error).message, "overrides")
    }
    if (!Number.isInteger(untilTick) || untilTick < 0) {
      throw badRequest(`untilYear: the run would end before it starts (last tick ${untilTick})`, "untilYear")
    }
    const startNow = this.active < this.maxConcurrent
    if (!startNow && this.queue.length >= this.maxQueued) {
      throw new ApiFailure(429, "too-many-runs", `${this.queue.length} runs are already waiting; try again later`)
    }
    const run = new Run({
      id: newRunId(),
      scenario: req.scenario,
      seed: req.seed ?? randomBytes(4).readUInt32LE(0),
      status: "queued",
      tick: -1,
      untilTick,
      date: null,
      createdAt: new Date().toISOString(),
      overrides: { ...(req.overrides ?? {}) },
      milestones: [],
      ticksPerSecond: req.ticksPerSecond ?? null,
      source: "run",
      config: a.model.encodeConfig(config),
    })
    this.runs.set(run.id, run)
    this.persist(run)
    if (startNow) this.start(run)
    else this.queue.push(run)
    return run
  }

  private start(run: Run) {
    const init: RunWorkerInit = {
      adapterUrl: this.options.adapterUrl,
      runId: run.id,
      logsDir: this.logsDir,
      metricsFile: this.metricsFile(run.id),
      config: run.meta.config,
      seed: run.meta.seed,
      untilTick: run.meta.untilTick,
      ticksPerSecond: run.meta.ticksPerSecond,
      paused: false,
      meta: { scenario: run.meta.scenario, runId: run.id, overrides: run.meta.overrides },
    }
    const worker = spawnWorker("run-worker", import.meta.url, { workerData: init })
    run.worker = worker
    this.setStatus(run, "running")
    let ended = false
    worker.on("message", (m: WorkerToManager) => {
      switch (m.type) {
        case "tick":
          this.record(run, m, m.at)
          run.meta.tick = m.tick
          run.meta.date = m.date
          if (m.milestones.length > 0) this.persist(run)
          this.emit("tick", run)
          break
        case "status":
          if (!run.terminal) this.setStatus(run, m.status)
          break
        case "ack":
          run.pendingAcks.shift()?.()
          break
        case "end":
          ended = true
          run.meta.tick = m.tick
          if (m.reason === "error") run.meta.error = m.message
          this.setStatus(run, m.reason === "completed" ? "finished" : m.reason === "stopped" ? "stopped" : "failed")
          for (const done of run.pendingAcks.splice(0)) done()
          break
      }
    })
    worker.on("error", (e) => {
      ended = true
      run.meta.error = e.message
      this.setStatus(run, "failed")
    })
    worker.on("exit", () => {
      run.worker = undefined
      for (const done of run.pendingAcks.splice(0)) done()
      if (!ended && !this.closed) {
        run.meta.error = "the run's worker exited unexpectedly"
        this.setStatus(run, "failed")
      }
      this.startQueued()
    })
  }

  private startQueued() {
    while (!this.closed && this.queue.length > 0 && this.active < this.maxConcurrent) {
      const next = this.queue.shift()!
      if (next.meta.status === "queued") this.start(next)
    }
  }

  private record(run: Run, r: TickReport, at: number) {
    const h = run.history
    // Ticks arrive in order from one worker; a duplicate or gap would corrupt every stream.
    if (h.ticks.length > 0 && r.tick !== run.lastTick + 1) return
    h.ticks.push(r.tick)
    h.dates.push(r.date)
    h.rows.push(r.values)
    h.at.push(at)
    for (const m of r.milestones) run.meta.milestones.push(m)
    for (const n of r.notables) if (run.notables.length < MAX_NOTABLES_PER_RUN) run.notables.push(n)
    run.meta.tick = r.tick
    run.meta.date = r.date
  }

  private setStatus(run: Run, status: RunStatus) {
    if (run.meta.status === status) return
    run.meta.status = status
    run.statusVersion++
    this.persist(run)
    this.emit("status", run)
  }

  /**
   * Applies a control and resolves once the worker has acted on it, so the summary returned holds
   * the tick the run paused at, or reached after a step.
   */
  async control(id: string, c: RunControl): Promise<Run> {
    const run = this.get(id)
    if (run.terminal) throw conflict(`run "${id}" is ${run.meta.status}; it can no longer be controlled`)
    const acks: Array<Promise<void>> = []
    const send = (m: ManagerToWorker) => {
      const worker = run.worker
      if (worker === undefined) return
      acks.push(new Promise<void>((resolve) => run.pendingAcks.push(resolve)))
      worker.postMessage(m)
    }
    const status = run.meta.status
    switch (c.action) {
      case "pause":
        if (status === "queued") throw conflict(`run "${id}" is queued; it can be stopped or sped up, not paused`)
        send(c)
        this.setStatus(run, "paused")
        break
      case "resume":
        if (status === "queued") throw conflict(`run "${id}" is queued and will start when a slot frees`)
        send(c)
        this.setStatus(run, "running")
        break
      case "step": {
        const ticks = c.ticks ?? 1
        if (!Number.isInteger(ticks) || ticks < 1 || ticks > MAX_STEP_TICKS) {
          throw badRequest(`ticks: expected an integer from 1 to ${MAX_STEP_TICKS}`, "ticks")
        }
        if (status !== "paused") throw conflict(`run "${id}" is ${status}; pause it before stepping`)
        send({ action: "step", ticks })
        break
      }
      case "speed":
        run.meta.ticksPerSecond = c.ticksPerSecond
        send(c)
        this.persist(run)
        this.emit("status", run)
        break
      case "stop":
        if (status === "queued") {
          this.queue.splice(this.queue.indexOf(run), 1)
          this.setStatus(run, "stopped")
        } else send(c)
        break
    }
    await Promise.all(acks)
    return run
  }

  /** Runs a log-reading job in a worker (at most two at once); resolves with its value or throws ApiFailure. */
  async job(job: JobRequest): Promise<unknown> {
    while (this.jobsRunning >= MAX_CONCURRENT_JOBS) await new Promise<void>((resolve) => this.jobWaiters.push(resolve))
    this.jobsRunning++
    try {
      const worker = spawnWorker("job-worker", import.meta.url, {
        workerData: { ...job, adapterUrl: this.options.adapterUrl },
      })
      const result = await new Promise<JobResult>((resolve) => {
        worker.once("message", (r: JobResult) => resolve(r))
        worker.once("error", (e) => resolve({ ok: false, status: 500, message: e.message }))
        worker.once("exit", () => resolve({ ok: false, status: 500, message: "the job's worker exited" }))
      })
      await worker.terminate()
      if (!result.ok) {
        const status = result.status as ApiFailure["status"]
        const code =
          status === 422 ? "invalid-log" : status === 404 ? "not-found" : status === 400 ? "bad-request" : "internal"
        throw new ApiFailure(status, code, result.message, result.field)
      }
      return result.value
    } finally {
      this.jobsRunning--
      this.jobWaiters.shift()?.()
    }
  }

  /** Imports an uploaded log: verifies it end to end, then keeps it as a finished (or interrupted) run. */
  async importLog(text: string): Promise<Run> {
    const id = newRunId()
    const upload = path.join(this.uploadsDir, `${id}.ndjson`)
    fs.writeFileSync(upload, text)
    try {
      const info = (await this.job({ kind: "import", logFile: upload, metricsFile: this.metricsFile(id) })) as {
        seed: number
        meta: Record<string, unknown>
        lastTick: number
        end: "completed" | "stopped" | "error" | null
        endMessage?: string
        config: unknown
      }
      fs.renameSync(upload, this.logFile(id))
      const status: RunStatus =
        info.end === "completed"
          ? "finished"
          : info.end === "stopped"
            ? "stopped"
            : info.end === "error"
              ? "failed"
              : "interrupted"
      const scenario = typeof info.meta.scenario === "string" ? info.meta.scenario : "uploaded"
      const overrides =
        typeof info.meta.overrides === "object" && info.meta.overrides !== null ? info.meta.overrides : {}
      const run = new Run({
        id,
        scenario,
        seed: info.seed,
        status,
        tick: info.lastTick,
        untilTick: info.lastTick,
        date: null,
        createdAt: new Date().toISOString(),
        overrides: overrides as Record<string, unknown>,
        milestones: [],
        ticksPerSecond: null,
        source: "upload",
        config: info.config,
        ...(info.endMessage === undefined ? {} : { error: info.endMessage }),
      })
      for (const r of readSidecar(this.metricsFile(id), info.lastTick)) this.record(run, r, Number.NaN)
      this.runs.set(id, run)
      this.persist(run)
      return run
    } finally {
      fs.rmSync(upload, { force: true })
    }
  }

  /**
   * Stops every live run with its log sealed ("stopped"), giving each worker a moment to finish its
   * tick; a worker that does not answer is terminated, and its run reads as interrupted on restart.
   */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true
    const live = [...this.runs.values()].filter((r) => r.worker !== undefined)
    await Promise.all(
      live.map(async (r) => {
        const worker = r.worker!
        const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()))
        worker.postMessage({ action: "stop" } satisfies ManagerToWorker)
        let timer: ReturnType<typeof setTimeout> | undefined
        await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))])
        clearTimeout(timer)
        await worker.terminate()
      }),
    )
  }
}

export { ApiFailure }
