import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream"
import { connect, type NatsConnection } from "@nats-io/transport-node"
import { kitNamed } from "./models.js"
import { loadScenarioOrFail } from "./scenario.js"
import { runSweepMember, type SweepPlan, type SweepRunResult, type SweepTask } from "./sweep-run.js"

/**
 * Ensembles past one machine, over NATS JetStream.
 *
 * - `TAKEOFF_JOBS` is a work-queue stream: the coordinator publishes one message per run
 *   (`takeoff.jobs.<sweepId>`, carrying the plan and the task); every `takeoff worker` pulls from one
 *   shared durable consumer, so each job goes to exactly one worker at a time. A job is acknowledged
 *   only after its result is stored: a worker that dies mid-run never acks, and the job is
 *   redelivered to another worker once the ack wait runs out.
 * - `TAKEOFF_RESULTS` keeps results (`takeoff.results.<sweepId>`) until the coordinator has read them.
 *   Results are a pure function of (plan, task), so a job that ran twice gives the same result and
 *   the coordinator keeps one per run index: the table equals a local sweep's.
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

export interface NatsQueueOptions {
  readonly servers: string
  /** How long a job may run unacknowledged before it is handed to another worker (default 120 s). */
  readonly ackWaitMs?: number
  /** Stream and subject prefix, so deployments (or tests) sharing one NATS stay apart (default TAKEOFF). */
  readonly prefix?: string
}

interface JobMessage {
  readonly sweepId: string
  readonly plan: SweepPlan
  readonly task: SweepTask
}

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
  try {
    await jsm.consumers.info(n.jobs, n.workers)
  } catch {
    await jsm.consumers.add(n.jobs, {
      durable_name: n.workers,
      ack_policy: AckPolicy.Explicit,
      ack_wait: (options.ackWaitMs ?? 120_000) * 1e6,
      max_deliver: 5,
    })
  }
  return { jsm, n }
}

/**
 * Runs a sweep's tasks on whatever `takeoff worker` processes pull from NATS, and returns the results
 * in task order (the same shape as the local worker pool).
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
  try {
    const { jsm, n } = await ensureStreams(nc, options)
    const js = jetstream(nc)
    // Unique per sweep, but derived from nothing random: process id and a counter are enough.
    const sweepId = `s${process.pid}x${nextSweep++}x${tasks.length}`
    for (const task of tasks) {
      const job: JobMessage = { sweepId, plan, task }
      await js.publish(`${n.jobSubject}.${sweepId}`, JSON.stringify(job), { msgID: `${sweepId}:${task.index}` })
    }
    const results = new Array<SweepRunResult | undefined>(tasks.length)
    let done = 0
    // An ephemeral consumer on this sweep's results (filter_subject: NATS 2.9 has no filter_subjects).
    const info = await jsm.consumers.add(n.results, {
      filter_subject: `${n.resultSubject}.${sweepId}`,
      deliver_policy: DeliverPolicy.All,
      ack_policy: AckPolicy.None,
      inactive_threshold: 60e9,
    })
    const consumer = await js.consumers.get(n.results, info.name)
    const messages = await consumer.consume()
    for await (const m of messages) {
      const r = m.json<SweepRunResult | { index: number; error: string }>()
      if ("error" in r) throw new Error(`run ${r.index} failed on a worker: ${r.error}`)
      if (results[r.index] === undefined) {
        results[r.index] = r
        done++
        onResult(r.index, r)
      }
      if (done === tasks.length || shouldStop()) break
    }
    await jsm.streams.purge(n.results, { filter: `${n.resultSubject}.${sweepId}` })
    if (done < tasks.length) await jsm.streams.purge(n.jobs, { filter: `${n.jobSubject}.${sweepId}` })
    return { results, done }
  } finally {
    await nc.drain()
  }
}
let nextSweep = 0

/**
 * A worker: pulls jobs one at a time, runs each, stores the result, then acknowledges the job.
 * Stops after the job in flight when `signal` aborts. Returns how many jobs it ran.
 *
 * @example
 * const ac = new AbortController()
 * await runNatsWorker({ servers: "nats://127.0.0.1:4222" }, ac.signal)
 */
export const runNatsWorker = async (
  options: NatsQueueOptions & { readonly maxJobs?: number; readonly onJob?: (job: SweepTask) => void },
  signal: AbortSignal,
): Promise<number> => {
  const nc = await connect({ servers: options.servers, name: "takeoff-worker" })
  let ran = 0
  try {
    const { n } = await ensureStreams(nc, options)
    const js = jetstream(nc)
    const consumer = await js.consumers.get(n.jobs, n.workers)
    const bases = new Map<string, unknown>()
    while (!signal.aborted && (options.maxJobs === undefined || ran < options.maxJobs)) {
      const m = await consumer.next({ expires: 1000 })
      if (m === null) continue
      const { sweepId, plan, task } = m.json<JobMessage>()
      options.onJob?.(task)
      let body: string
      try {
        const key = JSON.stringify([plan.model, plan.scenario, plan.sets])
        if (!bases.has(key)) bases.set(key, loadScenarioOrFail(kitNamed(plan.model), plan.scenario, plan.sets))
        body = JSON.stringify(runSweepMember(plan, task, bases.get(key)))
      } catch (e) {
        body = JSON.stringify({ index: task.index, error: (e as Error).message })
      }
      await js.publish(`${n.resultSubject}.${sweepId}`, body, { msgID: `${sweepId}:${task.index}` })
      m.ack()
      ran++
    }
    return ran
  } finally {
    await nc.drain()
  }
}
