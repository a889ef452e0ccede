import type { Worker } from "node:worker_threads"
import type { SweepPlan, SweepRunResult, SweepTask } from "@takeoff/agents"
import type { NatsSweepOptions } from "./nats-sweep.js"
import type { SweepJobInit, SweepJobReply } from "./sweep-job.js"
import { spawnWorker } from "./spawn.js"

/** One sweep's members, handed to an executor. */
export interface SweepMembers {
  /** The sweep's id (NATS names the sweep's subjects after it). */
  readonly sweepId: string
  readonly plan: SweepPlan
  readonly tasks: ReadonlyArray<SweepTask>
}

export interface SweepMemberEvents {
  /** A member finished: its `task.index` (the sweep's member index, whichever subset of tasks ran). */
  readonly onResult: (index: number, result: SweepRunResult) => void
  /** A sentence on why nothing is progressing (e.g. no worker is taking jobs), or undefined when it is again. */
  readonly onNotice: (notice: string | undefined) => void
}

/**
 * Where a server's sweep members run: chosen once at start-up (threads, or NATS workers with
 * `--nats`), so the SweepManager only hands members over and hears results back.
 */
export interface SweepExecutor {
  /** Said in the server's start-up line. */
  readonly description: string
  /**
   * Runs every member unless `signal` aborts first; resolves once nothing of the sweep is left
   * running (threads terminated, NATS jobs purged), and rejects naming the member that failed.
   */
  run(members: SweepMembers, events: SweepMemberEvents, signal: AbortSignal): Promise<void>
  /**
   * Drops what is left of runs whose coordinator died with the server (their `sweepId`s), where
   * anything outlives it (NATS jobs do; worker threads die with the process).
   */
  abandon?(sweepIds: ReadonlyArray<string>): Promise<void>
}

/**
 * Members on this server's worker threads (`workers` at once), the next member to whichever thread
 * finishes first.
 *
 * @example
 * const executor = threadExecutor({ kitUrl, workers: 2 })
 */
export const threadExecutor = (options: { kitUrl: string; workers: number }): SweepExecutor => ({
  description: `${options.workers} worker threads`,
  run: ({ plan, tasks }, events, signal) =>
    new Promise<void>((resolve, reject) => {
      const init: SweepJobInit = { kitUrl: options.kitUrl, plan }
      const workers: Worker[] = []
      let next = 0
      let live = 0
      let ended = false
      const end = (error?: Error) => {
        if (ended) return
        ended = true
        signal.removeEventListener("abort", onAbort)
        void Promise.all(workers.map((w) => w.terminate())).then(() => (error ? reject(error) : resolve()))
      }
      const onAbort = () => end()
      signal.addEventListener("abort", onAbort, { once: true })
      const feed = (w: Worker) => {
        if (next < tasks.length && !signal.aborted) {
          const task = tasks[next++]
          w.postMessage({ index: task.index, task })
          return
        }
        if (--live === 0) end()
      }
      const count = Math.max(1, Math.min(options.workers, tasks.length))
      for (let i = 0; i < count; i++) {
        const w = spawnWorker("sweep-job", import.meta.url, { workerData: init })
        workers.push(w)
        live++
        w.on("message", (reply: SweepJobReply) => {
          if (ended) return
          if (!reply.ok) return end(new Error(`member ${reply.index}: ${reply.error}`))
          events.onResult(reply.index, reply.result)
          feed(w)
        })
        w.on("error", (e) => end(e))
        w.on("exit", (code) => {
          if (code !== 0) end(new Error(`a sweep worker exited with code ${code}`))
        })
        feed(w)
      }
      if (signal.aborted) end()
    }),
})

/**
 * Members as jobs on NATS JetStream for `takeoff worker` processes (the queue `takeoff sweep --nats`
 * uses, see nats-sweep.ts). NATS is loaded on the first sweep, not at start-up.
 *
 * @example
 * const executor = natsExecutor({ servers: "nats://127.0.0.1:4222" }, kit.model.version)
 */
export const natsExecutor = (options: NatsSweepOptions, modelVersion: string): SweepExecutor => ({
  description: `NATS workers at ${options.servers}`,
  run: async ({ sweepId, plan, tasks }, events, signal) => {
    const { runNatsSweep } = await import("./nats-sweep.js")
    await runNatsSweep(
      options,
      { sweepId, plan, tasks, modelVersion },
      { onResult: events.onResult, onIdle: events.onNotice },
      signal,
    )
  },
  abandon: async (sweepIds) => {
    const { purgeNatsSweeps } = await import("./nats-sweep.js")
    await purgeNatsSweeps(options, sweepIds)
  },
})
