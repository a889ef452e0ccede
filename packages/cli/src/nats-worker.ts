import { Worker } from "node:worker_threads"
import { jetstream } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { DEFAULT_ACK_WAIT_MS, ensureStreams, type JobMessage, type NatsQueueOptions } from "@takeoff/server/nats-sweep"
import { kitNamed } from "./models.js"
import type { SweepPlan, SweepRunResult, SweepTask } from "./sweep-run.js"

/**
 * `takeoff worker`: the side of the NATS job queue that runs jobs (the queue, its streams and the
 * coordinator are @takeoff/server/nats-sweep, shared by `takeoff sweep --nats` and `takeoff serve --nats`).
 */

/** The job thread stopped (crashed or exited) with a job in flight: the job is not at fault. */
class JobThreadDied extends Error {}

/**
 * The worker's job thread, with one job at a time in flight. A thread that dies is replaced on the
 * next job, and the job in flight fails with JobThreadDied rather than wait forever (a worker that
 * kept saying working() for a job no thread was running would hold it for good).
 */
class JobThread {
  private worker: Worker | undefined
  private pending: { resolve: (r: SweepRunResult) => void; reject: (e: Error) => void } | undefined

  private spawn(): Worker {
    const w = new Worker(new URL("./nats-job-thread.js", import.meta.url))
    const fail = (why: string) => {
      if (this.worker === w) this.worker = undefined
      const p = this.pending
      this.pending = undefined
      p?.reject(new JobThreadDied(why))
    }
    w.on("message", (m: { ok: true; result: SweepRunResult } | { ok: false; error: string }) => {
      const p = this.pending
      this.pending = undefined
      if (m.ok) p?.resolve(m.result)
      else p?.reject(new Error(m.error))
    })
    w.on("error", (e) => fail(`job thread failed: ${e.message}`))
    w.on("exit", (code) => fail(`job thread exited (code ${code})`))
    return w
  }

  run(plan: SweepPlan, task: SweepTask): Promise<SweepRunResult> {
    this.worker ??= this.spawn()
    const w = this.worker
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      w.postMessage({ plan, task })
    })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = undefined
    await w?.terminate()
  }
}

export interface NatsWorkerOptions extends NatsQueueOptions {
  readonly maxJobs?: number
  /** Called when a job is taken (before it runs). */
  readonly onJob?: (job: SweepTask) => void
  /** Called when a job's result is stored and the job acknowledged, with how long it ran. */
  readonly onDone?: (job: SweepTask, ms: number) => void
  /** Called when the job thread died under a job (the job is handed back to the queue). */
  readonly onThreadDied?: (job: SweepTask, why: string) => void
}

/**
 * A worker: pulls jobs one at a time, runs each on its job thread while telling NATS it is still
 * working on it, stores the result, then acknowledges the job (and waits for NATS to confirm).
 * Stops after the job in flight when `signal` aborts. Returns how many jobs it ran.
 *
 * @example
 * const ac = new AbortController()
 * await runNatsWorker({ servers: "nats://127.0.0.1:4222" }, ac.signal)
 */
export const runNatsWorker = async (options: NatsWorkerOptions, signal: AbortSignal): Promise<number> => {
  const nc = await connect({ servers: options.servers, name: "takeoff-worker" })
  const thread = new JobThread()
  let ran = 0
  try {
    const { jsm, n } = await ensureStreams(nc, options)
    const js = jetstream(nc)
    const consumer = await js.consumers.get(n.jobs, n.workers)
    const ackWaitMs = ((await jsm.consumers.info(n.jobs, n.workers)).config.ack_wait ?? DEFAULT_ACK_WAIT_MS * 1e6) / 1e6
    while (!signal.aborted && (options.maxJobs === undefined || ran < options.maxJobs)) {
      const m = await consumer.next({ expires: 1000 })
      if (m === null) continue
      let job: JobMessage
      try {
        job = m.json<JobMessage>()
      } catch {
        m.term("not a takeoff job")
        continue
      }
      const { sweepId, plan, task } = job
      options.onJob?.(task)
      const started = performance.now()
      const heartbeat = setInterval(() => m.working(), Math.max(100, ackWaitMs / 3))
      let body: string
      try {
        const ours = kitNamed(plan.model).model.version
        if (ours !== job.modelVersion)
          throw new Error(
            `this worker has ${plan.model} version ${ours}, the sweep needs ${job.modelVersion}: run the same build`,
          )
        body = JSON.stringify(await thread.run(plan, task))
      } catch (e) {
        if (e instanceof JobThreadDied) {
          // Not the run's fault as far as we know: back to the queue now (another worker, or a new
          // thread here, takes it; a run that kills every thread ends at MAX_DELIVER, see above).
          clearInterval(heartbeat)
          m.nak()
          options.onThreadDied?.(task, e.message)
          continue
        }
        body = JSON.stringify({ index: task.index, error: (e as Error).message })
      } finally {
        clearInterval(heartbeat)
      }
      await js.publish(`${n.resultSubject}.${sweepId}`, body, { msgID: `${sweepId}:${task.index}` })
      await m.ackAck().catch(() => false)
      ran++
      options.onDone?.(task, performance.now() - started)
    }
    return ran
  } finally {
    await thread.close()
    await nc.drain()
  }
}
