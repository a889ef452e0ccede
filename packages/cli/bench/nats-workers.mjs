// Bench: the same sweep over NATS JetStream with 1, 2 and 4 `takeoff worker` processes, printing
// runs/s for each: first a short sweep on fresh workers (cold), then RUNS runs on the same, warm ones. Bounded: RUNS runs to 2040 per configuration, a coordinator still going after
// BUDGET_S is interrupted (it reports the runs it finished). Skipped, with a line saying so, when
// no NATS answers at NATS_URL (default nats://127.0.0.1:4222). Streams get a prefix of their own
// and are deleted afterwards.
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"

const MAIN = path.resolve(import.meta.dirname, "../dist/main.js")
const URL_ = process.env.NATS_URL ?? "nats://127.0.0.1:4222"
const RUNS = 200
/** The cold sweep each configuration starts with: this many runs per worker, on fresh workers. */
const WARM_RUNS_PER_WORKER = 8
const UNTIL = "2040"
const BUDGET_S = 90
const WORKER_COUNTS = [1, 2, 4]

const reachable = await new Promise((resolve) => {
  const u = new URL(URL_)
  const s = net.connect({ host: u.hostname, port: Number(u.port || 4222) })
  s.setTimeout(1500)
  const settle = (ok) => {
    s.destroy()
    resolve(ok)
  }
  s.once("connect", () => settle(true))
  s.once("error", () => settle(false))
  s.once("timeout", () => settle(false))
})
if (!reachable) {
  console.log(`sweep over NATS workers: skipped (no NATS at ${URL_})`)
  process.exit(0)
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-nats-bench-"))
const prefixes = []
/** CPU seconds a process (all its threads) has used so far, from /proc; NaN where there is none. */
const cpuSeconds = (pid) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return Number.NaN
  }
}
const exited = (p) =>
  new Promise((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.on("exit", resolve)))

const measure = async (k) => {
  const prefix = `TKBENCH${process.pid}x${k}`
  prefixes.push(prefix)
  const env = { ...process.env, TAKEOFF_NATS_PREFIX: prefix }
  const workers = Array.from({ length: k }, () =>
    spawn(process.execPath, [MAIN, "worker", "--nats", URL_, "-q"], { env, stdio: ["ignore", "ignore", "pipe"] }),
  )
  try {
    // Workers start before the clock does: the figure is the queue's throughput, not start-up.
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve, reject) => {
            let err = ""
            w.stderr.on("data", (d) => {
              err += d
              if (err.includes("pulling jobs")) resolve()
            })
            w.on("exit", (code) => reject(new Error(`worker exited (${code}): ${err}`)))
          }),
      ),
    )
    const sweep = async (runs, seed, name) => {
      const args = ["sweep", "baseline", "--runs", String(runs), "--until", UNTIL, "--seed", String(seed)]
      const child = spawn(
        process.execPath,
        [MAIN, ...args, "--nats", URL_, "--json", "-q", "--out", path.join(dir, `${name}.csv`)],
        { env, stdio: ["ignore", "pipe", "inherit"] },
      )
      let stdout = ""
      child.stdout.on("data", (d) => (stdout += d))
      const timer = setTimeout(() => child.kill("SIGINT"), BUDGET_S * 1000)
      const code = await new Promise((resolve) => child.on("exit", resolve))
      clearTimeout(timer)
      if (code !== 0 && code !== 130) throw new Error(`sweep over ${k} workers failed with exit code ${code}`)
      return JSON.parse(stdout)
    }
    // A worker's first few runs are slow while V8 compiles the model (~1.5 CPU-s each worker); a
    // long-lived worker pays that once. Measured cold (fresh workers) and then warm (the same workers).
    const cpuAtStart = workers.map((w) => cpuSeconds(w.pid))
    const cold = await sweep(WARM_RUNS_PER_WORKER * k, 2, `cold${k}`)
    const cpuAtWarm = workers.map((w) => cpuSeconds(w.pid))
    const warm = await sweep(RUNS, 1, `w${k}`)
    const cpu = workers.map((w, i) => cpuSeconds(w.pid) - cpuAtWarm[i])
    const coldCpu = cpuAtWarm.map((c, i) => c - cpuAtStart[i])
    return { ...warm, cpu, cold: { ...cold, cpu: coldCpu } }
  } finally {
    for (const w of workers) w.kill("SIGINT")
    await Promise.all(workers.map(exited))
  }
}

try {
  const rates = []
  const bound = []
  for (const k of WORKER_COUNTS) {
    const r = await measure(k)
    rates.push(r.runsPerSecond)
    // What the same jobs would take with a core per worker: the busiest worker's CPU time. On a
    // shared machine wall time measures the neighbours too; this does not.
    const busiest = Math.max(...r.cpu)
    bound.push(r.runs / busiest)
    const cold = r.cold
    console.log(
      `sweep over NATS, ${k} fresh worker process${k === 1 ? "" : "es"}: ${cold.runs} runs to ${UNTIL} in ${cold.elapsedS.toFixed(1)} s = ${cold.runsPerSecond.toFixed(2)} runs/s wall, ` +
        `worker CPU ${(cold.cpu.reduce((a, b) => a + b, 0) / cold.runs).toFixed(3)} CPU-s/run (V8 compiling the model: reference, no target)`,
    )
    console.log(
      `sweep over NATS, ${k} warm worker process${k === 1 ? "" : "es"}: ${r.runs}/${RUNS} runs to ${UNTIL} in ${r.elapsedS.toFixed(1)} s = ${r.runsPerSecond.toFixed(2)} runs/s wall (x${(r.runsPerSecond / rates[0]).toFixed(2)} vs 1); ` +
        `worker CPU ${r.cpu.map((c) => c.toFixed(1)).join("+")} s, ${(r.cpu.reduce((a, b) => a + b, 0) / r.runs).toFixed(3)} CPU-s/run, ` +
        `a core per worker: ${bound.at(-1).toFixed(2)} runs/s (x${(bound.at(-1) / bound[0]).toFixed(2)}); ` +
        `busiest worker's share of the CPU ${((100 * busiest) / r.cpu.reduce((a, b) => a + b, 0)).toFixed(0)}% (even: ${(100 / k).toFixed(0)}%)`,
    )
  }
  console.log(
    `  (${os.availableParallelism()} cores and load average ${os.loadavg()[0].toFixed(1)} here: wall runs/s stop growing past the free cores; the per-core figure is what more machines add)`,
  )
} finally {
  const nc = await connect({ servers: URL_ })
  const jsm = await jetstreamManager(nc)
  for await (const si of jsm.streams.list()) {
    if (prefixes.some((p) => si.config.name.startsWith(`${p}_`))) await jsm.streams.delete(si.config.name)
  }
  await nc.drain()
  fs.rmSync(dir, { recursive: true, force: true })
}
