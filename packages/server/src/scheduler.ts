import type { EventEmitter } from "node:events"
import type { RunControl, RunStatus } from "@takeoff/protocol"
import { spawnWorker } from "./spawn.js"
import { ApiFailure, badRequest, conflict } from "./errors.js"
import type { RunRegistry } from "./registry.js"
import type { Run } from "./run.js"
import type { ManagerToWorker, RunWorkerInit, WorkerToManager } from "./worker-protocol.js"

const MAX_STEP_TICKS = 10_000

export interface SchedulerOptions {
  /** URL of the model kit module the run workers load (core's ModelKit as its default export). */
  readonly kitUrl: string
  readonly maxConcurrentRuns: number
  /** Runs waiting for a slot, beyond which admitting a run is refused (429). */
  readonly maxQueuedRuns: number
  /** The key that signs every run's log. */
  readonly keyFile: string
}

/**
 * Runs each run in its own worker thread, at most `maxConcurrentRuns` at once and the rest queued
 * in order; relays controls to the workers and records what they report into the registry.
 * Emits `tick` (run) after each sealed tick and `status` (run) after each status change, on `events`.
 *
 * @example
 * const scheduler = new RunScheduler(registry, manager, { kitUrl, maxConcurrentRuns: 2, maxQueuedRuns: 100 })
 * scheduler.admit(run)
 */
export class RunScheduler {
  private readonly queue: Run[] = []
  private closed = false

  constructor(
    private readonly registry: RunRegistry,
    private readonly events: EventEmitter,
    private readonly options: SchedulerOptions,
  ) {}

  private get active(): number {
    let n = 0
    for (const r of this.registry.runs.values()) if (r.worker !== undefined) n++
    return n
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Throws 429 when a new run would have neither a slot nor a place in the queue. */
  checkRoom(): void {
    if (this.active >= this.options.maxConcurrentRuns && this.queue.length >= this.options.maxQueuedRuns) {
      throw new ApiFailure({
        status: 429,
        code: "too-many-runs",
        message: `${this.queue.length} runs are already waiting; try again later`,
      })
    }
  }

  /** Starts a registered, queued run now if a slot is free, else queues it. */
  admit(run: Run): void {
    if (this.active < this.options.maxConcurrentRuns) this.start(run)
    else this.queue.push(run)
  }

  private start(run: Run) {
    const init: RunWorkerInit = {
      kitUrl: this.options.kitUrl,
      runId: run.id,
      logsDir: this.registry.logsDir,
      metricsFile: this.registry.metricsFile(run.id),
      config: run.meta.config,
      seed: run.meta.seed,
      untilTick: run.meta.untilTick,
      ticksPerSecond: run.meta.ticksPerSecond,
      paused: false,
      meta: { scenario: run.meta.scenario, runId: run.id, overrides: run.meta.overrides },
      keyFile: this.options.keyFile,
      ...(run.resumeLog ? { resume: { knownTick: run.lastTick } } : {}),
    }
    const worker = spawnWorker("run-worker", import.meta.url, { workerData: init })
    run.worker = worker
    this.setStatus(run, "running")
    let ended = false
    worker.on("message", (m: WorkerToManager) => {
      switch (m.type) {
        case "tick":
          run.record(m, m.at)
          run.meta.tick = m.tick
          run.meta.date = m.date
          if (m.milestones.length > 0) this.registry.persist(run)
          this.events.emit("tick", run)
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
          if (m.reason === "completed" && m.message !== undefined) run.meta.endedBy = m.message
          this.setStatus(run, m.reason === "completed" ? "completed" : m.reason === "stopped" ? "stopped" : "failed")
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
    while (!this.closed && this.queue.length > 0 && this.active < this.options.maxConcurrentRuns) {
      const next = this.queue.shift()!
      if (next.meta.status === "queued") this.start(next)
    }
  }

  private setStatus(run: Run, status: RunStatus) {
    if (run.meta.status === status) return
    run.meta.status = status
    run.statusVersion++
    this.registry.persist(run)
    this.events.emit("status", run)
  }

  /**
   * Applies a control and resolves once the worker has acted on it, so the summary returned holds
   * the tick the run paused at, or reached after a step.
   */
  async control(run: Run, c: RunControl): Promise<Run> {
    const id = run.id
    if (run.meta.status === "interrupted" && c.action === "resume") {
      // The server went away mid-run: continue its log from the last sealed tick.
      this.checkRoom()
      run.resumeLog = true
      delete run.meta.error
      this.setStatus(run, "queued")
      this.admit(run)
      return run
    }
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
        this.registry.persist(run)
        this.events.emit("status", run)
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

  /**
   * Stops every live run with its log sealed ("stopped"), giving each worker a moment to finish its
   * tick; a worker that does not answer is terminated, and its run reads as interrupted on restart.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true
    const live = [...this.registry.runs.values()].filter((r) => r.worker !== undefined)
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
