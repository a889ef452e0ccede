import type { ChildProcess } from "node:child_process"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import type { SweepDetail, SweepFan, SweepSummary } from "@takeoff/protocol"
import { type RunningServer, startServer } from "@takeoff/server"
import { afterAll, expect, it } from "vitest"
import { takeoffAsync, tempDir } from "./helpers.js"
import { natsReachable, natsSuite, natsUrl, StreamPrefixes } from "../../server/test/nats-helpers.js"

const reachable = await natsReachable()
const prefixes = new StreamPrefixes()
const servers: RunningServer[] = []
afterAll(async () => {
  for (const s of servers) await s.close()
  if (reachable) await prefixes.cleanup()
})
const suite = natsSuite(reachable)

const api = async (base: string, method: string, route: string, body?: unknown) => {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as any }
}

/** Polls the sweep until `pred` holds (the server's own state, no fixed sleeps). */
const waitSweep = async (base: string, id: string, pred: (d: SweepDetail) => boolean, timeoutMs = 60_000) => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const d = (await api(base, "GET", `/api/sweeps/${id}`)).json as SweepDetail
    if (pred(d)) return d
    if (d.summary.status === "failed") throw new Error(`sweep ${id} failed: ${d.summary.error}`)
    if (Date.now() > until) throw new Error(`sweep ${id} never got there; last: ${JSON.stringify(d.summary)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Messages of one sweep still on the job stream (each run of it has its own subject, `<id>-<hex>`). */
const jobsQueued = async (prefix: string, sweepId: string): Promise<number> => {
  const nc = await connect({ servers: natsUrl })
  try {
    const jobs = `${prefix.toLowerCase()}.jobs.`
    const info = await (await jetstreamManager(nc)).streams.info(`${prefix}_JOBS`, { subjects_filter: `${jobs}*` })
    const mine = Object.entries(info.state.subjects ?? {}).filter(([subject]) =>
      subject.startsWith(`${jobs}${sweepId}-`),
    )
    return mine.reduce((sum, [, count]) => sum + count, 0)
  } finally {
    await nc.close()
  }
}

const stopWorker = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.on("exit", () => resolve())
    child.kill("SIGINT")
  })

const SWEEP = { scenario: "baseline", runs: 3, seed: 3, untilYear: 2025 }

suite(`server sweeps on NATS workers${reachable ? "" : ` (skipped: no NATS at ${natsUrl})`}`, () => {
  const prefix = prefixes.next("srv")
  const start = async (nats: boolean, dataDir = tempDir()) => {
    const s = await startServer({
      port: 0,
      dataDir,
      ...(nats ? { nats: { servers: natsUrl, prefix, idleNoticeMs: 300 } } : {}),
    })
    servers.push(s)
    return s
  }

  it("given a server with NATS, an API sweep waits for workers, then a `takeoff worker` runs it to a thread sweep's results", async () => {
    // Given a server on NATS and no worker yet (and, for reference, a server sweeping on its threads)
    const [viaNats, local] = await Promise.all([start(true), start(false)])
    expect(viaNats.sweeps.executor.description).toBe(`NATS workers at ${natsUrl}`)
    expect(local.sweeps.executor.description).toMatch(/worker threads$/)
    const created = await api(viaNats.url, "POST", "/api/sweeps", SWEEP)
    expect(created.status).toBe(201)
    const id = (created.json as SweepSummary).id
    const localId = (await api(local.url, "POST", "/api/sweeps", SWEEP)).json.id as string
    // Then the sweep says it waits for workers rather than hanging silently
    const waiting = await waitSweep(viaNats.url, id, (d) => d.summary.notice !== undefined)
    expect(waiting.summary).toMatchObject({ status: "running", done: 0 })
    expect(waiting.summary.notice).toMatch(
      /^waiting for workers: no worker has held a job .*TAKEOFF_NATS_PREFIX=\S+ takeoff worker --nats /,
    )
    // When a worker process starts
    const worker = takeoffAsync(["worker", "--nats", natsUrl, "-q"], {
      env: { ...process.env, TAKEOFF_NATS_PREFIX: prefix },
    })
    let detail: SweepDetail
    try {
      detail = await waitSweep(viaNats.url, id, (d) => d.summary.status === "completed")
    } finally {
      await stopWorker(worker)
    }
    // Then it completes, the notice gone, with every member
    expect(detail.summary.done).toBe(3)
    expect(detail.summary.notice).toBeUndefined()
    // And the same sweep on the threads gives the same members, statistics and fan
    const localDetail = await waitSweep(local.url, localId, (d) => d.summary.status === "completed")
    const { summary: _a, ...natsStats } = detail
    const { summary: _b, ...localStats } = localDetail
    expect(natsStats.members).toHaveLength(3)
    expect(natsStats).toEqual(localStats)
    const fan = async (s: RunningServer, sid: string) =>
      (await api(s.url, "GET", `/api/sweeps/${sid}/fan?metric=gdpUsd`)).json as SweepFan
    expect(await fan(viaNats, id)).toEqual(await fan(local, localId))
    expect(await jobsQueued(prefix, id)).toBe(0)
  }, 90_000)

  it("given a server gone mid-sweep, the next server on its data drops the jobs it left queued", async () => {
    // Given a server on NATS whose sweep has 10 jobs queued and no worker (its record says running)
    const dataDir = tempDir()
    const gone = await start(true, dataDir)
    const id = (await api(gone.url, "POST", "/api/sweeps", { ...SWEEP, runs: 10 })).json.id as string
    await waitSweep(gone.url, id, (d) => d.summary.notice !== undefined)
    expect(await jobsQueued(prefix, id)).toBe(10)
    // When another server starts on the same data directory (as after a crash of the first)
    const next = await start(true, dataDir)
    await next.sweeps.abandoned
    // Then the sweep reads as interrupted there, and none of its jobs is left for a worker to run
    expect((await api(next.url, "GET", `/api/sweeps/${id}`)).json.summary.status).toBe("interrupted")
    expect(await jobsQueued(prefix, id)).toBe(0)
  }, 30_000)

  it("given a NATS sweep with queued jobs, DELETE stops it and purges its jobs", async () => {
    // Given a server on NATS with no worker, and a sweep whose 20 jobs are queued
    const s = await start(true)
    const id = (await api(s.url, "POST", "/api/sweeps", { ...SWEEP, runs: 20 })).json.id as string
    await waitSweep(s.url, id, (d) => d.summary.notice !== undefined)
    expect(await jobsQueued(prefix, id)).toBe(20)
    // When it is cancelled
    const del = await api(s.url, "DELETE", `/api/sweeps/${id}`)
    // Then it is stopped with nothing done, and none of its jobs is left for a worker to take
    expect(del.status).toBe(200)
    expect(del.json.summary).toMatchObject({ status: "stopped", done: 0 })
    expect(await jobsQueued(prefix, id)).toBe(0)
    // And resumed at once (within NATS's two-minute duplicate window), a worker runs all 20
    expect((await api(s.url, "POST", `/api/sweeps/${id}/resume`, {})).status).toBe(200)
    const worker = takeoffAsync(["worker", "--nats", natsUrl, "-q"], {
      env: { ...process.env, TAKEOFF_NATS_PREFIX: prefix },
    })
    try {
      const detail = await waitSweep(s.url, id, (d) => d.summary.status === "completed", 60_000)
      expect(detail.summary.done).toBe(20)
    } finally {
      await stopWorker(worker)
    }
    expect(await jobsQueued(prefix, id)).toBe(0)
  }, 90_000)
})
