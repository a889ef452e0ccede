import { randomBytes } from "node:crypto"
import { EventEmitter } from "node:events"
import type { CreateRunRequest, RunControl, RunSummary } from "@takeoff/protocol"
import { loadKit, type LogSigner, loadOrCreateSigner, type ModelKit, ScenarioRejected } from "@takeoff/core"
import { ApiFailure, badRequest, conflict, notFound } from "./errors.js"
import { importLog, type JobRequest, JobRunner } from "./jobs.js"
import { newRunId, RunRegistry } from "./registry.js"
import { Run } from "./run.js"
import { RunScheduler } from "./scheduler.js"

export type { RunHistory } from "./run.js"
export { Run }

export interface RunManagerOptions {
  readonly dataDir: string
  /** URL of the model kit module (core's ModelKit as its default export). */
  readonly kitUrl: string
  readonly maxConcurrentRuns?: number
  /** Runs waiting for a slot, beyond which creating a run is refused (429). */
  readonly maxQueuedRuns?: number
  /** The Ed25519 key (PEM) that signs run logs, created on first use; uploads signed by it are trusted. */
  readonly keyFile: string
}

/**
 * What the routes and streams talk to: creates runs from scenarios and hands them to the scheduler
 * (worker threads, queue, controls), keeps them in the registry (persisted in the data directory,
 * so a restart keeps them: finished ones replayable, interrupted ones marked with the tick they
 * reached), and runs log-reading jobs.
 *
 * Emits `tick` (run) after each sealed tick and `status` (run) after each status change.
 *
 * @example
 * const manager = await RunManager.open({ dataDir: ".takeoff-data", kitUrl })
 * const run = manager.create({ scenario: "baseline", seed: 1 })
 */
export class RunManager extends EventEmitter {
  private readonly registry: RunRegistry
  private readonly scheduler: RunScheduler
  private readonly jobs: JobRunner
  /** This server's signing key. */
  readonly signer: LogSigner

  private constructor(
    readonly options: RunManagerOptions,
    readonly kit: ModelKit,
  ) {
    super()
    this.signer = loadOrCreateSigner(options.keyFile)
    this.setMaxListeners(0)
    this.registry = RunRegistry.load(options.dataDir)
    this.scheduler = new RunScheduler(this.registry, this, {
      kitUrl: options.kitUrl,
      maxConcurrentRuns: Math.max(1, options.maxConcurrentRuns ?? 2),
      maxQueuedRuns: options.maxQueuedRuns ?? 100,
      keyFile: options.keyFile,
    })
    this.jobs = new JobRunner(options.kitUrl)
  }

  static async open(options: RunManagerOptions): Promise<RunManager> {
    return new RunManager(options, await loadKit(options.kitUrl))
  }

  get runs(): ReadonlyMap<string, Run> {
    return this.registry.runs
  }

  /** The path of a run's log; the id is checked first, so no request can name a path of its own. */
  logFile(id: string): string {
    const hostedBy = this.registry.runs.get(id)?.meta.hostedBy
    if (hostedBy !== undefined) throw notFound(`run "${id}" is hosted by ${hostedBy}: its log is read there`, "id")
    return this.registry.logFile(id)
  }

  list(): RunSummary[] {
    return this.registry.list()
  }

  get(id: string): Run {
    return this.registry.get(id)
  }

  create(req: CreateRunRequest): Run {
    if (this.scheduler.isClosed)
      throw new ApiFailure({ status: 503, code: "closing", message: "the server is shutting down" })
    const a = this.kit
    if (!a.scenarios.list().some((s) => s.name === req.scenario)) {
      throw notFound(`unknown scenario "${req.scenario}"`, "scenario")
    }
    let config: unknown
    let untilTick: number
    try {
      config = a.scenarios.load(req.scenario, req.overrides ?? {})
      untilTick = a.calendar.untilTick(config, req.untilYear)
    } catch (e) {
      if (e instanceof ScenarioRejected) throw badRequest(e.message, e.field)
      throw badRequest((e as Error).message, "overrides")
    }
    if (!Number.isInteger(untilTick) || untilTick < 0) {
      throw badRequest(`untilYear: the run would end before it starts (last tick ${untilTick})`, "untilYear")
    }
    this.scheduler.checkRoom()
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
      signer: { fingerprint: this.signer.fingerprint, trusted: true },
    })
    this.registry.add(run)
    this.scheduler.admit(run)
    return run
  }

  /** Applies a control; resolves once the run's worker has acted on it. */
  async control(id: string, c: RunControl): Promise<Run> {
    const run = this.get(id)
    if (run.meta.hostedBy !== undefined)
      throw conflict(`run ${id} is simulated by server ${run.meta.hostedBy}: control it there`)
    return this.scheduler.control(run, c)
  }

  /** Adds a run another server simulates, relayed here (see relay.ts); announced as a status change. */
  adoptRemote(run: Run): void {
    this.registry.addRemote(run)
    this.emit("status", run)
  }

  /** Runs a log-reading job in a worker (at most two at once); resolves with its value or throws ApiFailure. */
  job(job: JobRequest): Promise<unknown> {
    return this.jobs.run(job)
  }

  /** Imports an uploaded log: verifies it end to end, then keeps it as a finished (or interrupted) run. */
  importLog(text: string): Promise<Run> {
    return importLog(this.registry, this.jobs, text, this.signer.fingerprint)
  }

  /** Stops every live run with its log sealed; see `RunScheduler.close`. */
  close(graceMs = 2000): Promise<void> {
    return this.scheduler.close(graceMs)
  }
}
