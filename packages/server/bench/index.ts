/**
 * Stream fan-out bench: 1000 WebSocket clients on loopback follow one economy run paced at 60
 * ticks/s. Prints delivery latency (tick sealed in the worker -> message parsed by the client),
 * messages lost or duplicated, and the server's memory. Bounded: ~12 s of run, loopback only.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { RunSummary } from "@takeoff/protocol"
import { spawnWorker } from "../src/spawn.js"
import type { ClientResults } from "./clients.js"

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000)
const TICKS_PER_SECOND = 60
const UNTIL_YEAR = Number(process.env.BENCH_UNTIL_YEAR ?? 2083) // 720 monthly ticks from 2024-01: 12 s at 60 ticks/s
const TARGET_P99_MS = 100
const TARGET_RSS_MB = 400
const CLIENT_THREADS = 2

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-bench-"))
const server: ChildProcess = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] : []),
    "--import",
    "tsx",
    new URL("./serve.ts", import.meta.url).pathname,
    dataDir,
  ],
  {
    stdio: ["pipe", "pipe", "inherit"],
  },
)
/**
 * Every wait in the bench is bounded: one that runs out names what it waited for and what the
 * server reported last, and the bench fails rather than hanging.
 */
class BenchTimeout extends Error {}
const within = <T>(what: string, ms: number, p: Promise<T>): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const out = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchTimeout(`${what}: no answer after ${(ms / 1000).toFixed(0)} s`)), ms)
  })
  return Promise.race([p, out]).finally(() => clearTimeout(timer))
}
const base = await within(
  "bench server start",
  60_000,
  new Promise<string>((resolve, reject) => {
    server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()))
    server.once("exit", (code) => reject(new Error(`bench server exited (${code})`)))
  }),
)
const post = async (route: string, body: unknown) => {
  const r = await fetch(`${base}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  })
  if (!r.ok) throw new Error(`${route}: ${r.status} ${await r.text()}`)
  return r.json() as Promise<{ id: string; untilTick: number }>
}
interface Health {
  rssBytes: number
  streams: number
  streamLatency: { count: number; p50Ms: number; p99Ms: number; maxMs: number }
}
const health = async (): Promise<Health> =>
  (await (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(10_000) })).json()) as Health
let runId: string | undefined
/** What the server says about the bench's run and streams, for a wait that ran out. */
const serverView = async (): Promise<string> => {
  try {
    const h = await health()
    const r =
      runId === undefined ? undefined : ((await (await fetch(`${base}/api/runs/${runId}`)).json()) as RunSummary)
    return `server: ${h.streams} streams open${r ? `; run ${r.id} ${r.status} at tick ${r.tick} of ${r.untilTick}` : ""}`
  } catch (e) {
    return `server does not answer either (${(e as Error).message})`
  }
}

try {
  const idle = await health()
  const run = await post("/api/runs", {
    scenario: "baseline",
    seed: 1,
    untilYear: UNTIL_YEAR,
    ticksPerSecond: TICKS_PER_SECOND,
  })
  runId = run.id
  // Answers once the run's worker has started and paused (seconds on a busy machine).
  await post(`/api/runs/${run.id}/control`, { action: "pause" })

  // The clients run in worker threads, so the bench's own parsing is spread over the cores.
  const wsUrl = `${base.replace(/^http/, "ws")}/api/runs/${run.id}/stream?from=0`
  const perThread = Math.ceil(CLIENTS / CLIENT_THREADS)
  const results = Array.from({ length: CLIENT_THREADS }, (_, t) => {
    const count = Math.min(perThread, CLIENTS - t * perThread)
    const worker = spawnWorker("clients", import.meta.url, { workerData: { wsUrl, count } })
    return new Promise<ClientResults>((resolve, reject) => {
      worker.once("message", (r: ClientResults) => resolve(r))
      worker.once("error", reject)
    })
  })
  const done = Promise.all(results)
  const connectStart = performance.now()
  const connectBy = Date.now() + 60_000
  while ((await health()).streams < CLIENTS) {
    if (Date.now() > connectBy) throw new BenchTimeout(`connecting ${CLIENTS} clients: not all open after 60 s`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const connectMs = performance.now() - connectStart
  const before = await health()
  await post(`/api/runs/${run.id}/control`, { action: "resume" })
  let peakRss = before.rssBytes
  const sampler = setInterval(() => {
    health().then(
      (h) => {
        peakRss = Math.max(peakRss, h.rssBytes)
      },
      () => {},
    )
  }, 500)
  const t0 = performance.now()
  // Paced at TICKS_PER_SECOND the run takes (untilTick + 1) / TICKS_PER_SECOND; allow 5x and a minute.
  const runBudgetMs = ((run.untilTick + 1) / TICKS_PER_SECOND) * 5000 + 60_000
  const all = await within(`the ${CLIENTS} clients following the run to its end`, runBudgetMs, done)
  clearInterval(sampler)
  const latenciesMs = all.flatMap((r) => [...r.latenciesMs])
  const lost = all.reduce((a, r) => a + r.lost, 0)
  const duplicated = all.reduce((a, r) => a + r.duplicated, 0)
  const coalesced = all.reduce((a, r) => a + r.coalesced, 0)
  const runSeconds = (performance.now() - t0) / 1000

  const handoff = (await health()).streamLatency
  latenciesMs.sort((a, b) => a - b)
  const q = (p: number) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(p * latenciesMs.length))]
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0)
  console.log(
    `server stream bench: ${CLIENTS} clients in ${CLIENT_THREADS} threads, ${run.untilTick + 1} ticks at ${TICKS_PER_SECOND}/s (economy baseline)`,
  )
  console.log(`  connect ${CLIENTS} clients        ${connectMs.toFixed(0)} ms`)
  console.log(
    `  run wall time                ${runSeconds.toFixed(1)} s   (ideal ${((run.untilTick + 1) / TICKS_PER_SECOND).toFixed(1)} s)`,
  )
  console.log(`  messages measured            ${latenciesMs.length} (${coalesced} coalesced catch-up batches)`)
  console.log(
    `  server handoff p50/p99/max   ${handoff.p50Ms.toFixed(1)}/${handoff.p99Ms.toFixed(1)}/${handoff.maxMs.toFixed(1)} ms   (seal -> written to the socket, ${handoff.count} frames)`,
  )
  console.log(`  delivery latency p50         ${q(0.5).toFixed(1)} ms   (seal -> parsed by a bench client)`)
  console.log(`  delivery latency p99         ${q(0.99).toFixed(1)} ms   (target < ${TARGET_P99_MS} ms)`)
  console.log(`  delivery latency max         ${latenciesMs[latenciesMs.length - 1].toFixed(1)} ms`)
  console.log(`  messages lost                ${lost}   (target 0)`)
  console.log(`  ticks duplicated             ${duplicated}   (target 0)`)
  console.log(
    `  server RSS idle/connected/peak ${mb(idle.rssBytes)}/${mb(before.rssBytes)}/${mb(peakRss)} MB   (target peak < ${TARGET_RSS_MB} MB)`,
  )
  if (lost > 0 || duplicated > 0) process.exitCode = 1
} catch (e) {
  if (!(e instanceof BenchTimeout || (e as Error).name === "TimeoutError")) throw e
  console.log(`server stream bench HUNG: ${(e as Error).message}`)
  console.log(`  ${await serverView()}`)
  process.exitCode = 1
} finally {
  server.kill("SIGTERM")
  fs.rmSync(dataDir, { recursive: true, force: true })
}
// A bench that hung may leave client threads waiting on sockets: end them with the bench.
if (process.exitCode === 1) process.exit()
