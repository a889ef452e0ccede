import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { type SweepPlan, type SweepRunResult, type SweepTask, sweepFirmsDefault, sweepTasks } from "@takeoff/agents"
import type { CreateSweepRequest, SweepStatus, SweepSummary } from "@takeoff/protocol"
import { type ModelKit, ScenarioRejected } from "@takeoff/core"
import { ApiFailure, badRequest, conflict, notFound } from "./errors.js"
import type { SweepExecutor } from "./sweep-executor.js"

/** Members one server sweep may run (a Saltelli design runs runs x (k + 2)). */
export const MAX_SWEEP_MEMBERS = 2000
/** Sweeps waiting behind the running one, beyond which starting a sweep is refused (429). */
const MAX_QUEUED_SWEEPS = 10

/** What is persisted per sweep in `sweeps/<id>.json`: the request, the plan, and the members' results. */
export interface SweepMeta {
  summary: SweepSummary
  plan: SweepPlan
  tasks: SweepTask[]
}

/** A sweep as the server holds it: its record, its results in member order, and its members' run while live. */
export class Sweep {
  readonly results: Array<SweepRunResult | undefined>
  /** Stops the members' run; `running` settles once nothing of it is left. */
  readonly stopMembers = new AbortController()
  running: Promise<void> | undefined
  stopRequested = false
  startedMs = 0
  /** Bumped on every new result or status change: the statistics are recomputed only when it moved. */
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
 * through the same sweep engine as `takeoff sweep`
 * (@takeoff/agents sweep/), so a member's result is the one the CLI gets. Kept in `sweeps/<id>.json`
 * in the data directory: the record when it starts, the results when it ends (a sweep live when the
 * server went away reads as interrupted).
 *
 * @example
 * const sweeps = SweepManager.load({ dataDir, kit, executor: threadExecutor({ kitUrl, workers: 2 }) })
 * const sweep = sweeps.create({ scenario: "baseline", runs: 50, untilYear: 2030 })
 */
export class SweepManager {
  readonly sweeps = new Map<string, Sweep>()
  private readonly dir: string
  private readonly queue: Sweep[] = []
  private current: Sweep | undefined
  private closed = false

  private constructor(private readonly options: { dataDir: string; kit: ModelKit; executor: SweepExecutor }) {
    this.dir = path.join(path.resolve(options.dataDir), "sweeps")
    fs.mkdirSync(this.dir, { recursive: true })
  }

  static load(options: { dataDir: string; kit: ModelKit; executor: SweepExecutor }): SweepManager {
    const m = new SweepManager(options)
    for (const f of fs.readdirSync(m.dir).sort()) {
      if (!f.endsWith(".json")) continue
      try {
        const saved = JSON.parse(fs.readFileSync(path.join(m.dir, f), "utf8")) as SweepMeta & {
          results?: Array<SweepRunResult | null>
        }
        const sweep = new Sweep(
          { summary: saved.summary, plan: saved.plan, tasks: saved.tasks },
          (saved.results ?? []).map((r) => r ?? undefined),
        )
        if (sweep.live) sweep.patch({ status: "interrupted", done: sweep.finished().length })
        m.sweeps.set(sweep.id, sweep)
      } catch (e) {
        console.warn(`takeoff server: skipping unreadable sweep file ${f}: ${(e as Error).message}`)
      }
    }
    return m
  }

  get kit(): ModelKit {
    return this.options.kit
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
    if (this.queue.length >= MAX_QUEUED_SWEEPS)
      throw new ApiFailure({
        status: 429,
        code: "too-many-sweeps",
        message: `${this.queue.length} sweeps are already waiting; try again later`,
      })
    let overrides: Record<string, unknown> = { ...(req.overrides ?? {}) }
    const vary = req.vary ?? []
    const seed = req.seed ?? 1
    let design = req.design ?? "lhs"
    let base: unknown
    let lastTick: number
    let tasks: SweepTask[]
    try {
      base = kit.scenarios.load(req.scenario, overrides)
      // As the CLI's sweeps: the scenario's firms, at most SWEEP_FIRMS per run (docs/model.md).
      const firms = sweepFirmsDefault(kit, base, overrides)
      if (firms !== undefined) {
        overrides = { ...overrides, "firms.count": firms }
        base = kit.scenarios.load(req.scenario, overrides)
      }
      lastTick = kit.calendar.untilTick(base, req.untilYear)
      vary.forEach((v, i) => {
        if (!(v.lo < v.hi)) throw new ScenarioRejected({ field: `vary.${i}.hi`, message: "expected lo < hi" })
        for (const end of [v.lo, v.hi]) {
          try {
            kit.scenarios.load(req.scenario, { ...overrides, [v.path]: end })
          } catch (e) {
            if (e instanceof ScenarioRejected)
              throw new ScenarioRejected({ field: `vary.${i}`, message: `${v.path}=${end}: ${e.message}` })
            throw e
          }
        }
      })
      const explicit = req.design !== undefined
      ;({ tasks, design } = sweepTasks(kit, base, { design, runs: req.runs, seed, vary, sample: req.sample, explicit }))
    } catch (e) {
      // The scenario's own refusals name their parameter already; the sweep's (design, sample, vary) do not.
      if (e instanceof ScenarioRejected)
        throw badRequest(/^(design|sample|vary)/.test(e.field) ? `${e.field}: ${e.message}` : e.message, e.field)
      throw badRequest((e as Error).message, "overrides")
    }
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
   * DELETE: a live sweep stops (the members running finish nowhere; those done are kept, status
   * "stopped"); a finished one is removed with its file.
   */
  async remove(id: string): Promise<{ deleted: boolean; sweep: Sweep }> {
    const sweep = this.get(id)
    if (sweep.summary.status === "queued") {
      this.queue.splice(this.queue.indexOf(sweep), 1)
      sweep.patch({ status: "stopped" })
      this.persist(sweep)
      return { deleted: false, sweep }
    }
    if (sweep.summary.status === "running") {
      sweep.stopRequested = true
      await this.settle(sweep, "stopped")
      return { deleted: false, sweep }
    }
    this.sweeps.delete(id)
    fs.rmSync(this.file(id), { force: true })
    return { deleted: true, sweep }
  }

  /** Stops the running sweep (kept as stopped with its results) and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true
    for (const s of this.queue.splice(0)) {
      s.patch({ status: "stopped" })
      this.persist(s)
    }
    if (this.current) await this.settle(this.current, "stopped")
  }

  private file(id: string) {
    return path.join(this.dir, `${id}.json`)
  }

  private persist(sweep: Sweep, withResults = false) {
    const tmp = `${this.file(sweep.id)}.${process.pid}.tmp`
    const body = withResults ? { ...sweep.meta, results: sweep.results.map((r) => r ?? null) } : sweep.meta
    fs.writeFileSync(tmp, JSON.stringify(body))
    fs.renameSync(tmp, this.file(sweep.id))
  }

  private startNext() {
    if (this.current || this.closed) return
    const sweep = this.queue.shift()
    if (sweep === undefined) return
    this.current = sweep
    this.run(sweep)
  }

  /** Hands the members to the executor; results land by index. */
  private run(sweep: Sweep) {
    sweep.startedMs = Date.now()
    sweep.patch({ status: "running" })
    this.persist(sweep)
    const { plan, tasks } = sweep.meta
    sweep.running = this.options.executor.run(
      { sweepId: sweep.id, plan, tasks },
      {
        onResult: (index, result) => {
          if (!sweep.live) return
          sweep.results[index] = result
          sweep.patch({ done: sweep.summary.done + 1, elapsedS: (Date.now() - sweep.startedMs) / 1000 })
        },
        onNotice: (notice) => {
          if (sweep.live) sweep.patch({ notice })
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
    sweep.patch({
      status,
      done: sweep.finished().length,
      elapsedS: sweep.startedMs ? (Date.now() - sweep.startedMs) / 1000 : 0,
      notice: undefined,
      ...(error ? { error } : {}),
    })
    sweep.stopMembers.abort()
    // Its failure, if any, is already in `error`: what matters here is that nothing of it still runs.
    await sweep.running?.catch(() => {})
    this.persist(sweep, true)
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
