import * as fs from "node:fs"
import * as path from "node:path"
import type { RunStatus } from "@takeoff/protocol"
import { spawnWorker } from "./spawn.js"
import { ApiFailure } from "./errors.js"
import type { Job, JobResult } from "./job-worker.js"
import { newRunId, type RunRegistry, readSidecar } from "./registry.js"
import { Run } from "./run.js"

/** A job as routes ask for it; the runner adds the kit URL. */
export type JobRequest = Job extends infer J ? (J extends Job ? Omit<J, "kitUrl"> : never) : never

const MAX_CONCURRENT_JOBS = 2

/**
 * Runs log-reading jobs (state at a tick, audit, import) in worker threads, at most two at once and
 * the rest waiting, so a big log never blocks HTTP.
 *
 * @example
 * const value = await jobs.run({ kind: "audit", logFile, why: "agi" })
 */
export class JobRunner {
  private running = 0
  private readonly waiters: Array<() => void> = []

  constructor(private readonly kitUrl: string) {}

  /** Resolves with the job's value or throws ApiFailure with the status it failed with. */
  async run(job: JobRequest): Promise<unknown> {
    while (this.running >= MAX_CONCURRENT_JOBS) await new Promise<void>((resolve) => this.waiters.push(resolve))
    this.running++
    try {
      const worker = spawnWorker("job-worker", import.meta.url, {
        workerData: { ...job, kitUrl: this.kitUrl },
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
        throw new ApiFailure({ status, code, message: result.message, field: result.field })
      }
      return result.value
    } finally {
      this.running--
      this.waiters.shift()?.()
    }
  }
}

/** What the import job reports of a log it verified and projected. */
interface ImportedLog {
  readonly seed: number
  readonly meta: Record<string, unknown>
  readonly lastTick: number
  readonly end: "completed" | "stopped" | "error" | null
  readonly endMessage?: string
  readonly config: unknown
  readonly signer: string | null
}

/**
 * Imports an uploaded log: verifies it end to end in a job, then keeps it in the registry as a
 * completed (or stopped, failed, interrupted) run with its metrics, marked with who signed it (this
 * server's key is trusted; any other valid signature is shown by fingerprint; unsigned is null).
 *
 * @example
 * const run = await importLog(registry, jobs, text)
 */
export const importLog = async (
  registry: RunRegistry,
  jobs: JobRunner,
  text: string,
  ownFingerprint: string,
): Promise<Run> => {
  const id = newRunId()
  const upload = path.join(registry.uploadsDir, `${id}.ndjson`)
  fs.writeFileSync(upload, text)
  try {
    const info = (await jobs.run({
      kind: "import",
      logFile: upload,
      metricsFile: registry.metricsFile(id),
    })) as ImportedLog
    fs.renameSync(upload, registry.logFile(id))
    const status: RunStatus =
      info.end === "completed"
        ? "completed"
        : info.end === "stopped"
          ? "stopped"
          : info.end === "error"
            ? "failed"
            : "interrupted"
    const scenario = typeof info.meta.scenario === "string" ? info.meta.scenario : "uploaded"
    const overrides = typeof info.meta.overrides === "object" && info.meta.overrides !== null ? info.meta.overrides : {}
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
      signer: info.signer === null ? null : { fingerprint: info.signer, trusted: info.signer === ownFingerprint },
      // A completed log's end message names the end event that ended it; any other's says why it stopped.
      ...(info.endMessage === undefined
        ? {}
        : info.end === "completed"
          ? { endedBy: info.endMessage }
          : { error: info.endMessage }),
    })
    for (const r of readSidecar(registry.metricsFile(id), info.lastTick)) run.record(r, Number.NaN)
    registry.add(run)
    return run
  } finally {
    fs.rmSync(upload, { force: true })
  }
}
