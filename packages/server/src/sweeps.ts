import { randomBytes } from "node:crypto"
import { type SweepDesigned, type SweepPlan, type SweepRunResult, sweepFirmsDefault } from "@takeoff/agents"
import type { CreateSweepRequest, SweepStatus, SweepSummary } from "@takeoff/protocol"
import { type ModelKit, ScenarioRejected } from "@takeoff/core"
import { ApiFailure, badRequest, conflict, notFound } from "./errors.js"
import type { SweepExecutor } from "./sweep-executor.js"
import { planSweep } from "./sweep-plan.js"
import { type SweepMeta, SweepStore } from "./sweep-store.js"

/** Members one server sweep may run (a Saltelli design runs runs x (k + 2)). */
export const MAX_SWEEP_MEMBERS = 2000
/** Sweeps waiting behind the running one, beyond which starting a sweep is refused (429). */
const MAX_QUEUED_SWEEPS = 10

/** A sweep as the server holds it: its record, its results in member order, and its members' run while live. */
export class Sweep {
  readonly results: Array<SweepRunResult | undefined>
  /** Stops the members' run (a new one per run, so a resumed sweep is not born stopped); `running` settles once nothing of it is left. */
  stopMembers = new AbortController()
  running: Promise<void> | undefined
  stopRequested = false
  startedMs = 0
  /** Seconds the members took in earlier sessions (a resumed sweep's time adds to them). */
  elapsedBeforeS = 0
  /** Bumped on every new result or status change: the statistics are recomputed only when it moved (and pushed with it). */
  version = 0

  constructor(
    public meta: SweepMeta,
    results?: Array<SweepRunResult | undefined>,
  ) {
    this.results = results ?? new Array(meta.tasks.length)
  }

  get id(): string {
    return this.meta.summary.id
  }
  get summary(): SweepSummary {
    return this.meta.summary
  }
  get live(): boolean {
    return this.summary.status === "queued" || this.summary.status === "running"
  }
  finished(): SweepRunResult[] {
    return this.results.filter((r): r is SweepRunResult => r !== undefined)
  }
  patch(p: Partial<SweepSummary>): void {
    this.meta.summary = { ...this.meta.summary, ...p }
    this.version++
  }
}

const SWEEP_ID = /^[a-z0-9]{6,16}-[0-9a-f]{8}$/

/**
 * Sweeps (ensembles) on the server: each one's members run on the executor chosen at start-up
 * (worker threads, or NATS workers with `--nats`; one sweep at a time, the rest queued in order),
 * through the same sweep engine as `takeoff sweep` (@takeoff/agents sweep/), so a member's result is
 * the one the CLI gets. Kept in the data directory by SweepStore: the record at each status change,
 * each member's result as it finishes. A sweep live when the server went away reads as interrupted
 * with the members it finished, and `resume` runs only the missing ones (a member is a pure function
 * of plan and task, so nothing differs from an uninterrupted sweep). `onChange` listeners hear every
 * change (the WebSocket progress pushes).
 *
 * @example
 * const sweeps = SweepManager.load({ dataDir, kit, executor: threadExecutor({ kitUrl, workers: 2 }) })
 * const sweep = sweeps.create({ scenario: "baseline", runs: 50, untilYear: 2030 })
 */
export class SweepManager {
  readonly sweeps = new Map<string, Sweep>()
  private readonly store: SweepStore
  private readonly queue: Sweep[] = []
  private current: Sweep | undefined
  private closed = false
  private readonly listeners = new Set<(sweep: Sweep) => void>()

  private constructor(private readonly options: { dataDir: string; kit: ModelKit; executor: SweepExecutor }) {
    this.store = new SweepStore(options.dataDir)
  }

  static load(options: { dataDir: string; kit: ModelKit; executor: SweepExecutor }): SweepManager {
    const m = new SweepManager(options)
    const orphaned: string[] = []
    for (const { meta, results } of m.store.loadAll()) {
      const sweep = new Sweep(meta, results)
      if (sweep.live && meta.runId !== undefined) orphaned.push(meta.runId)
      if (sweep.live) sweep.patch({ status: "interrupted", done: sweep.finished().length })
      else if (sweep.summary.done !== sweep.finished().length) sweep.patch({ done: sweep.finished().length })
      m.sweeps.set(sweep.id, sweep)
    }
    // What the sweeps live when the server went away left queued (NATS jobs) is dropped, not run for nobody.
    if (orphaned.length > 0 && options.executor.abandon)
      m.abandoned = options.executor.abandon(orphaned).catch((e: Error) => {
        console.warn(`takeoff server: could not drop the queued members of ${orphaned.join(", ")}: ${e.message}`)
      })
    return m
  }

  /** Settles once the members queued by sweeps interrupted before this start are dropped (tests wait on it). */
  abandoned: Promise<void> = Promise.resolve()

  get kit(): ModelKit {
    return this.options.kit
  }

  /** Calls `listener` after every change of a sweep (a member finished, its status moved); returns the unsubscribe. */
  onChange(listener: (sweep: Sweep) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Where the members run (worker threads, or NATS workers). */
  get executor(): SweepExecutor {
    return this.options.executor
  }

  list(): SweepSummary[] {
    return [...this.sweeps.values()].map((s) => s.summary).reverse()
  }

  get(id: string): Sweep {
    const sweep = SWEEP_ID.test(id) ? this.sweeps.get(id) : undefined
    if (sweep === undefined) throw notFound(`no sweep "${id}"`, "id")
    return sweep
  }

  /** Validates the request against the scenario, draws the design and queues the sweep. */
  create(req: CreateSweepRequest): Sweep {
    if (this.closed) throw new ApiFailure({ status: 503, code: "closing", message: "the server is shutting down" })
    const kit = this.options.kit
    if (!kit.scenarios.list().some((s) => s.name === req.scenario))
      throw notFound(`unknown scenario "${req.scenario}"`, "scenario")
    this.refuseIfFull()
    let overrides: Record<string, unknown> = { ...(req.overrides ?? {}) }
    const vary = req.vary ?? []
    const seed = req.seed ?? 1
    let base: unknown
    let lastTick: number
    let designed: SweepDesigned
    try {
      base = kit.scenarios.load(req.scenario, overrides)
      // As the CLI's sweeps: the scenario's firms, at most SWEEP_FIRMS per run (docs/model.md).
      const firms = sweepFirmsDefault(kit, base, overrides)
      if (firms !== undefined) {
        overrides = { ...overrides, "firms.count": firms }
        base = kit.scenarios.load(req.scenario, overrides)
      }
      lastTick = kit.calendar.untilTick(base, req.untilYear)
      designed = planSweep(kit, req, base, overrides, MAX_SWEEP_MEMBERS)
    } catch (e) {
      // The scenario's own refusals name their parameter already; the sweep's (design, sample, vary, axes, runs) do not.
      if (e instanceof ScenarioRejected)
        throw badRequest(
          /^(design|sample|vary|axes|runs)/.test(e.field) ? `${e.field}: ${e.message}` : e.message,
          e.field,
        )
      throw badRequest((e as Error).message, "overrides")
    }
    const { tasks, design } = designed
    if (!Number.isInteger(lastTick) || lastTick < 0)
      throw badRequest(`untilYear: the sweep would end before it starts (last tick ${lastTick})`, "untilYear")
    if (tasks.length > MAX_SWEEP_MEMBERS)
      throw badRequest(
        `runs: the ${design} design would run ${tasks.length} members; at most ${MAX_SWEEP_MEMBERS} on the server`,
        "runs",
      )
    const sets = Object.entries(overrides).map(([p, v]): [string, string] => [p, String(v)])
    const plan: SweepPlan = {
      model: kit.model.name,
      scenario: req.scenario,
      sets,
      vary,
      lastTick,
      // Every metric, yearly: the fan chart of any of them can be drawn.
      fanKeys: kit.metrics.map((m) => m.key),
      finalKeys: kit.headline,
    }
    const sweep = new Sweep({
      summary: {
        id: `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`,
        scenario: req.scenario,
        seed,
        design,
        runs: req.runs,
        total: tasks.length,
        done: 0,
        status: "queued",
        createdAt: new Date().toISOString(),
        untilYear: Number(kit.calendar.tickToDate(base, lastTick).slice(0, 4)),
        sample: req.sample ? [...req.sample] : null,
        vary: [...vary],
        ...(designed.axes ? { axes: designed.axes } : {}),
        overrides: { ...overrides },
        elapsedS: 0,
      },
      plan,
      tasks,
    })
    this.sweeps.set(sweep.id, sweep)
    this.persist(sweep)
    this.queue.push(sweep)
    this.startNext()
    return sweep
  }

  /**
   * Runs an interrupted, stopped or failed sweep's missing members (queued like a new sweep); those
   * that finished are kept, so its results end as an uninterrupted sweep's would.
   */
  resume(id: string): Sweep {
    if (this.closed) throw new ApiFailure({ status: 503, code: "closing", message: "the server is shutting down" })
    const sweep = this.get(id)
    if (sweep.live || sweep.summary.status === "completed")
      throw conflict(`sweep "${id}" is ${sweep.summary.status}: only an interrupted, stopped or failed sweep resumes`)
    this.refuseIfFull()
    const { error: _, ...summary } = sweep.summary
    sweep.meta.summary = summary
    sweep.stopRequested = false
    this.update(sweep, { status: "queued" })
    this.queue.push(sweep)
    this.startNext()
    return sweep
  }

  /**
   * DELETE: a live sweep stops (the members running finish nowhere; those done are kept, status
   * "stopped"); a finished one is removed with its files.
   */
  async remove(id: string): Promise<{ deleted: boolean; sweep: Sweep }> {
    const sweep = this.get(id)
    if (sweep.summary.status === "queued") {
      this.queue.splice(this.queue.indexOf(sweep), 1)
      this.update(sweep, { status: "stopped" })
      return { deleted: false, sweep }
    }
    if (sweep.summary.status === "running") {
      sweep.stopRequested = true
      await this.settle(sweep, "stopped")
      return { deleted: false, sweep }
    }
    this.sweeps.delete(id)
    this.store.remove(id)
    return { deleted: true, sweep }
  }

  /** Stops the running sweep (kept as stopped with its results) and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true
    for (const s of this.queue.splice(0)) {
      this.update(s, { status: "stopped" })
    }
    if (this.current) await this.settle(this.current, "stopped")
  }

  private refuseIfFull() {
    if (this.queue.length >= MAX_QUEUED_SWEEPS)
      throw new ApiFailure({
        status: 429,
        code: "too-many-sweeps",
        message: `${this.queue.length} sweeps are already waiting; try again later`,
      })
  }

  private persist(sweep: Sweep) {
    this.store.save(sweep.meta)
  }

  /** Changes a sweep's summary, writes its record when the status moved, and tells the listeners. */
  private update(sweep: Sweep, p: Partial<SweepSummary>) {
    const moved = p.status !== undefined && p.status !== sweep.summary.status
    sweep.patch(p)
    if (moved) this.persist(sweep)
    for (const listener of this.listeners) listener(sweep)
  }

  private startNext() {
    if (this.current || this.closed) return
    const sweep = this.queue.shift()
    if (sweep === undefined) return
    this.current = sweep
    this.run(sweep)
  }

  /**
   * Hands the members not finished yet to the executor; each result is appended to the member log
   * before it counts, and lands by its index.
   */
  private run(sweep: Sweep) {
    const todo = sweep.meta.tasks.filter((task) => sweep.results[task.index] === undefined)
    sweep.startedMs = Date.now()
    sweep.elapsedBeforeS = sweep.summary.elapsedS
    // A fresh id per run: NATS drops a job whose message id it saw in the last two minutes, so a
    // sweep resumed soon after it stopped must not reuse its first run's ids. Saved with the
    // "running" record (queued -> running always writes it), before any member is handed out, so
    // a restart after a crash can drop what this run left queued.
    const runId = `${sweep.id}-${randomBytes(3).toString("hex")}`
    sweep.meta.runId = runId
    this.update(sweep, { status: "running", done: sweep.finished().length })
    if (todo.length === 0) return void this.settle(sweep, "completed")
    const elapsedS = () => sweep.elapsedBeforeS + (Date.now() - sweep.startedMs) / 1000
    sweep.stopMembers = new AbortController()
    sweep.running = this.options.executor.run(
      { sweepId: runId, plan: sweep.meta.plan, tasks: todo },
      {
        onResult: (index, result) => {
          if (!sweep.live || sweep.results[index] !== undefined) return
          try {
            this.store.appendMember(sweep.id, result)
          } catch (e) {
            return void this.settle(sweep, "failed", `member ${index}: not saved: ${(e as Error).message}`)
          }
          sweep.results[index] = result
          this.update(sweep, { done: sweep.summary.done + 1, elapsedS: elapsedS() })
        },
        onNotice: (notice) => {
          if (sweep.live) this.update(sweep, { notice })
        },
      },
      sweep.stopMembers.signal,
    )
    void sweep.running.then(
      () => this.settle(sweep, sweep.stopRequested ? "stopped" : "completed"),
      (e: Error) => this.settle(sweep, "failed", e.message),
    )
  }

  /** Ends a sweep: its members' run stopped, its status and results written, the next one started. */
  private async settle(sweep: Sweep, status: SweepStatus, error?: string) {
    if (!sweep.live) return
    this.update(sweep, {
      status,
      done: sweep.finished().length,
      elapsedS: sweep.startedMs ? sweep.elapsedBeforeS + (Date.now() - sweep.startedMs) / 1000 : sweep.summary.elapsedS,
      notice: undefined,
      ...(error ? { error } : {}),
    })
    sweep.stopMembers.abort()
    // Its failure, if any, is already in `error`: what matters here is that nothing of it still runs.
    await sweep.running?.catch(() => {})
    if (this.current === sweep) this.current = undefined
    this.startNext()
  }
}

/** Thrown when a sweep member cannot be opened as a run (no such member, or not finished). */
export const memberOf = (sweep: Sweep, index: number): SweepRunResult => {
  if (!Number.isInteger(index) || index < 0 || index >= sweep.meta.tasks.length)
    throw notFound(`sweep "${sweep.id}" has no member ${index} (it has 0 to ${sweep.meta.tasks.length - 1})`, "index")
  const r = sweep.results[index]
  if (r === undefined) throw conflict(`member ${index} of sweep "${sweep.id}" has not finished`)
  return r
}
