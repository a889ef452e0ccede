import { randomBytes } from "node:crypto"
import { Worker } from "node:worker_threads"
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream"
import { connect, type NatsConnection } from "@nats-io/transport-node"
import { kitNamed } from "./models.js"
import type { SweepPlan, SweepRunResult, SweepTask } from "./sweep-run.js"

/**
 * Ensembles past one machine, over NATS JetStream.
 *
 * - `<PREFIX>_JOBS` is a work-queue stream: the coordinator publishes one message per run
 *   (`<prefix>.jobs.<sweepId>`, carrying the plan and the task); every `takeoff worker` pulls from one
 *   shared durable consumer, so each job goes to one worker at a time. A job is acknowledged only
 *   after its result is stored: a worker that dies mid-run never acks, and the job is redelivered to
 *   another worker once the ack wait runs out. A worker that is alive says so every third of the ack
 *   wait (`working()`), so a run longer than the ack wait is not handed out twice.
 * - `<PREFIX>_RESULTS` keeps results (`<prefix>.results.<sweepId>`) until the coordinator has read
 *   them. Results are a pure function of (plan, task), so a job that ran twice gives the same result;
 *   the coordinator keeps the first per run index, so the table equals a local sweep's, and it
 *   purges the sweep's jobs and results when it ends (done, interrupted or failed).
 * - A job every worker dies on is dropped by JetStream after MAX_DELIVER deliveries; the coordinator
 *   hears the advisory and fails the sweep naming the run, rather than waiting forever.
 */
const names = (prefix = "TAKEOFF") => {
  const p = prefix.toLowerCase()
  return {
    jobs: `${prefix}_JOBS`,
    results: `${prefix}_RESULTS`,
    workers: `${p}-workers`,
    jobSubject: `${p}.jobs`,
    resultSubject: `${p}.results`,
  }
}

/** Deliveries of one job before JetStream gives up on it. */
const MAX_DELIVER = 5
const DEFAULT_ACK_WAIT_MS = 30_000

export interface NatsQueueOptions {
  readonly servers: string
  /**
   * How long a job may go without its worker's word before it is handed to another worker (default
   * 30 s; a live worker checks in every third of it, so only dead workers' jobs wait this long).
   */
  readonly ackWaitMs?: number
  /** Stream and subject prefix, so deployments (or tests) sharing one NATS stay apart (default TAKEOFF). */
  readonly prefix?: string
}

interface JobMessage {
  readonly sweepId: string
  /** The coordinator's model version: a worker of another build refuses the job rather than mix results. */
  readonly modelVersion: string
  readonly plan: SweepPlan
  readonly task: SweepTask
}

type JobResult = SweepRunResult | { readonly index: number; readonly error: string }

const ensureStreams = async (nc: NatsConnection, options: NatsQueueOptions) => {
  const n = names(options.prefix)
  const jsm = await jetstreamManager(nc)
  const ensure = async (name: string, subjects: string[], retention: RetentionPolicy) => {
    try {
      await jsm.streams.info(name)
    } catch {
      await jsm.streams.add({ name, subjects, retention, storage: StorageType.File, max_age: 24 * 3600 * 1e9 })
    }
  }
  await ensure(n.jobs, [`${n.jobSubject}.>`], RetentionPolicy.Workqueue)
  await ensure(n.results, [`${n.resultSubject}.>`], RetentionPolicy.Limits)
  const ackWait = (options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS) * 1e6
  try {
    const info = await jsm.consumers.info(n.jobs, n.workers)
    // Whoever names an ack wait explicitly sets it for every worker on this queue.
    if (options.ackWaitMs !== undefined && info.config.ack_wait !== ackWait)
      await jsm.consumers.update(n.jobs, n.workers, { ack_wait: ackWait })
  } catch {
    await jsm.consumers.add(n.jobs, {
      durable_name: n.workers,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWait,
      max_deliver: MAX_DELIVER,
    })
  }
  return { jsm, n }
}

/** A sweep id unique across coordinators on any number of machines (not simulation input). */
const newSweepId = () => `s${Date.now().toString(36)}${randomBytes(4).toString("hex")}`

/**
 * Runs a sweep's tasks on whatever `takeoff worker` processes pull from NATS, and returns the results
 * in task order (the same shape as the local worker pool). `onResult` is called once per run index,
 * however many times a run was delivered.
 *
 * @example
 * const { results } = await runNatsSweep({ servers: "nats://127.0.0.1:4222" }, plan, tasks, () => {})
 */
export const runNatsSweep = async (
  options: NatsQueueOptions,
  plan: SweepPlan,
  tasks: ReadonlyArray<SweepTask>,
  onResult: (index: number, result: SweepRunResult) => void,
  shouldStop: () => boolean = () => false,
): Promise<{ results: Array<SweepRunResult | undefined>; done: number }> => {
  const nc = await connect({ servers: options.servers, name: "takeoff-sweep" })
  const { jsm, n } = await ensureStreams(nc, options)
  const sweepId = newSweepId()
  const results = new Array<SweepRunResult | undefined>(tasks.length)
  let done = 0
  let resultConsumer: string | undefined
  try {
    const js = jetstream(nc)
    const modelVersion = kitNamed(plan.model).model.version
    // Jobs dropped after MAX_DELIVER deliveries, by stream sequence -> run index.
    const indexOfSeq = new Map<number, number>()
    const dropped = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${n.jobs}.${n.workers}`)
    for (const task of tasks) {
      const job: JobMessage = { sweepId, modelVersion, plan, task }
      const ack = await js.publish(`${n.jobSubject}.${sweepId}`, JSON.stringify(job), {
        msgID: `${sweepId}:${task.index}`,
      })
      indexOfSeq.set(ack.seq, task.index)
    }
    // An ephemeral consumer on this sweep's results (filter_subject: NATS 2.9 has no filter_subjects).
    const info = await jsm.consumers.add(n.results, {
      filter_subject: `${n.resultSubject}.${sweepId}`,
      deliver_policy: DeliverPolicy.All,
      ack_policy: AckPolicy.None,
      inactive_threshold: 60e9,
    })
    resultConsumer = info.name
    const messages = await (await js.consumers.get(n.results, info.name)).consume()
    let failure: Error | undefined
    void (async () => {
      for await (const m of dropped) {
        const index = indexOfSeq.get(m.json<{ stream_seq: number }>().stream_seq)
        if (index === undefined || results[index] !== undefined) continue
        failure = new Error(`run ${index} was handed out ${MAX_DELIVER} times and never finished: its workers died`)
        messages.stop()
      }
    })()
    for await (const m of messages) {
      const r = m.json<JobResult>()
      if ("error" in r) throw new Error(`run ${r.index} failed on a worker: ${r.error}`)
      if (results[r.index] === undefined) {
        results[r.index] = r
        done++
        onResult(r.index, r)
      }
      if (done === tasks.length || shouldStop()) break
    }
    dropped.unsubscribe()
    if (failure && done < tasks.length) throw failure
    return { results, done }
  } finally {
    // Nothing of this sweep outlives it: runs still queued or in flight, results, the results reader.
    await jsm.streams.purge(n.jobs, { filter: `${n.jobSubject}.${sweepId}` }).catch(() => {})
    await jsm.streams.purge(n.results, { filter: `${n.resultSubject}.${sweepId}` }).catch(() => {})
    if (resultConsumer) await jsm.consumers.delete(n.results, resultConsumer).catch(() => {})
    await nc.drain()
  }
}

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
  readonly onDone?: (
    job: SweepTask,
    ms: number,
  ) => void /** Called when the job thread died under a job (the job is handed back to the queue). */
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
