import { randomBytes } from "node:crypto"
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream"
import { connect, type NatsConnection } from "@nats-io/transport-node"
import type { SweepPlan, SweepRunResult, SweepTask } from "@takeoff/agents"

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
 *
 * Coordinators are `takeoff sweep --nats` and `takeoff serve --nats` (its API's sweeps, through
 * sweep-executor.ts); the worker is the CLI's `takeoff worker` (cli/src/nats-worker.ts). This module
 * is the protocol both sides share, loaded only by commands that use NATS.
 */
export const names = (prefix = "TAKEOFF") => {
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
export const MAX_DELIVER = 5
export const DEFAULT_ACK_WAIT_MS = 30_000
/** How long no worker may hold a job before a sweep says it is waiting for workers (default). */
const DEFAULT_IDLE_NOTICE_MS = 10_000

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

/** One job on `<prefix>.jobs.<sweepId>`: one sweep member. */
export interface JobMessage {
  readonly sweepId: string
  /** The coordinator's model version: a worker of another build refuses the job rather than mix results. */
  readonly modelVersion: string
  readonly plan: SweepPlan
  readonly task: SweepTask
}

/** What a worker publishes on `<prefix>.results.<sweepId>` for a job. */
export type JobResult = SweepRunResult | { readonly index: number; readonly error: string }

/** Creates the job and result streams and the workers' shared consumer if they are missing. */
export const ensureStreams = async (nc: NatsConnection, options: NatsQueueOptions) => {
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

/**
 * Purges the jobs and results of sweeps whose coordinator is gone (a server killed mid-sweep), so
 * workers do not run them for nobody until their 24 h age limit.
 *
 * @example
 * await purgeNatsSweeps({ servers: "nats://127.0.0.1:4222" }, ["mx2kzw98-78f84c8c-1a2b3c"])
 */
export const purgeNatsSweeps = async (options: NatsQueueOptions, sweepIds: ReadonlyArray<string>): Promise<void> => {
  if (sweepIds.length === 0) return
  const nc = await connect({ servers: options.servers, name: "takeoff-sweep-purge" })
  try {
    const { jsm, n } = await ensureStreams(nc, options)
    for (const id of sweepIds) {
      await jsm.streams.purge(n.jobs, { filter: `${n.jobSubject}.${id}` })
      await jsm.streams.purge(n.results, { filter: `${n.resultSubject}.${id}` })
    }
  } finally {
    await nc.close()
  }
}

/** A sweep id unique across coordinators on any number of machines (not simulation input). */
const newSweepId = () => `s${Date.now().toString(36)}${randomBytes(4).toString("hex")}`

export interface NatsSweepOptions extends NatsQueueOptions {
  /**
   * How long no worker may hold a job before `onIdle` says the sweep is waiting for workers
   * (default 10 s).
   */
  readonly idleNoticeMs?: number
}

export interface NatsSweepRequest {
  readonly plan: SweepPlan
  readonly tasks: ReadonlyArray<SweepTask>
  /** The coordinator's model version: a worker of another build refuses the jobs. */
  readonly modelVersion: string
  /** Names the sweep's subjects, so its owner can find them (default a fresh id; no dots or wildcards). */
  readonly sweepId?: string
}

export interface NatsSweepEvents {
  /** Called once per run index, however many times the run was delivered. */
  readonly onResult: (index: number, result: SweepRunResult) => void
  /**
   * Called with a sentence when no worker has held a job (or sent a result) for `idleNoticeMs`, and
   * with undefined once one does again: a sweep with no workers says so instead of hanging silently.
   */
  readonly onIdle?: (notice: string | undefined) => void
}

/**
 * Runs a sweep's tasks on whatever `takeoff worker` processes pull from NATS, and returns the results
 * in task order (the same shape as the local worker pool). When `signal` aborts, it returns what has
 * finished; either way the sweep's jobs still queued and its results are purged from NATS.
 *
 * @example
 * const { results } = await runNatsSweep(
 *   { servers: "nats://127.0.0.1:4222" },
 *   { plan, tasks, modelVersion: kit.model.version },
 *   { onResult: () => {} },
 * )
 */
export const runNatsSweep = async (
  options: NatsSweepOptions,
  request: NatsSweepRequest,
  events: NatsSweepEvents,
  signal?: AbortSignal,
): Promise<{ results: Array<SweepRunResult | undefined>; done: number }> => {
  const { plan, tasks, modelVersion } = request
  if (request.sweepId !== undefined && !/^[A-Za-z0-9_-]+$/.test(request.sweepId))
    throw new Error(`sweepId: expected letters, digits, _ or -, got "${request.sweepId}"`)
  const nc = await connect({ servers: options.servers, name: "takeoff-sweep" })
  const { jsm, n } = await ensureStreams(nc, options)
  const sweepId = request.sweepId ?? newSweepId()
  const results = new Array<SweepRunResult | undefined>(tasks.length)
  let done = 0
  let resultConsumer: string | undefined
  let idleTimer: ReturnType<typeof setInterval> | undefined
  try {
    const js = jetstream(nc)
    // Jobs dropped after MAX_DELIVER deliveries, by stream sequence -> run index.
    const indexOfSeq = new Map<number, number>()
    const dropped = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${n.jobs}.${n.workers}`)
    for (const task of tasks) {
      if (signal?.aborted) break
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
    const stop = () => messages.stop()
    signal?.addEventListener("abort", stop, { once: true })
    if (signal?.aborted) stop()
    let failure: Error | undefined
    void (async () => {
      for await (const m of dropped) {
        const index = indexOfSeq.get(m.json<{ stream_seq: number }>().stream_seq)
        if (index === undefined || results[index] !== undefined) continue
        failure = new Error(`run ${index} was handed out ${MAX_DELIVER} times and never finished: its workers died`)
        messages.stop()
      }
    })()
    // Waiting for workers: no job held by any worker (ack pending) and no result for a while.
    let lastBusyMs = Date.now()
    let idle = false
    const idleNoticeMs = options.idleNoticeMs ?? DEFAULT_IDLE_NOTICE_MS
    const env = options.prefix && options.prefix !== "TAKEOFF" ? `TAKEOFF_NATS_PREFIX=${options.prefix} ` : ""
    const waiting = `waiting for workers: no worker has held a job from NATS at ${options.servers} for ${Math.round(idleNoticeMs / 100) / 10} s (start one: ${env}takeoff worker --nats ${options.servers})`
    const setIdle = (now: boolean) => {
      if (now === idle) return
      idle = now
      events.onIdle?.(now ? waiting : undefined)
    }
    let polling = false
    if (events.onIdle) {
      idleTimer = setInterval(
        async () => {
          if (polling) return
          polling = true
          try {
            const c = await jsm.consumers.info(n.jobs, n.workers)
            if (c.num_ack_pending > 0) lastBusyMs = Date.now()
            setIdle(Date.now() - lastBusyMs >= idleNoticeMs)
          } catch {
            // The connection is closing (the sweep ended) or NATS is briefly away: the next poll tells.
          } finally {
            polling = false
          }
        },
        Math.max(50, Math.min(1000, idleNoticeMs / 4)),
      )
      idleTimer.unref()
    }
    for await (const m of messages) {
      const r = m.json<JobResult>()
      if ("error" in r) throw new Error(`run ${r.index} failed on a worker: ${r.error}`)
      lastBusyMs = Date.now()
      setIdle(false)
      if (results[r.index] === undefined) {
        results[r.index] = r
        done++
        events.onResult(r.index, r)
      }
      if (done === tasks.length) break
    }
    signal?.removeEventListener("abort", stop)
    dropped.unsubscribe()
    if (failure && done < tasks.length) throw failure
    return { results, done }
  } finally {
    if (idleTimer) clearInterval(idleTimer)
    // Nothing of this sweep outlives it: runs still queued or in flight, results, the results reader.
    await jsm.streams.purge(n.jobs, { filter: `${n.jobSubject}.${sweepId}` }).catch(() => {})
    await jsm.streams.purge(n.results, { filter: `${n.resultSubject}.${sweepId}` }).catch(() => {})
    if (resultConsumer) await jsm.consumers.delete(n.results, resultConsumer).catch(() => {})
    await nc.drain()
  }
}
