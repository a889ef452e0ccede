// Bench: CLI start-up, through the built `takeoff` bin as a user runs it.
// 1. `takeoff --help`: min of N spawns, interleaved with a bare `node -e 0` for scale (target < 0.2 s).
// 2. `takeoff run baseline --until 2060`: how much of it is start-up (`run --help` loads the same
//    modules and stops) and how much simulation (target: the simulation dominates), in CPU time
//    (each child reports its own at exit), steadier than wall time on a shared machine.
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { busyOf, interleaveAsync, verdict } from "@takeoff/core/measure"

const MAIN = path.resolve(import.meta.dirname, "../dist/main.js")
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-bench-"))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9)
const RUN_ROUNDS = Number(process.env.BENCH_RUN_ROUNDS ?? 3)
const TARGET_HELP_S = 0.2
/** A bare `node -e 0` takes about 0.04 s on a quiet machine; above this the host is too busy. */
const QUIET_NODE_MS = 100
/** A spawn that takes longer than this has hung: the bench says which and stops. */
const SPAWN_TIMEOUT_MS = 300_000

/** Loaded first in a child: writes the child's CPU time (ms, all threads) to a file at exit. */
const cpuHook = path.join(dir, "cpu-hook.mjs")
const cpuFile = path.join(dir, "cpu.txt")
fs.writeFileSync(
  cpuHook,
  `import * as fs from "node:fs"\nprocess.on("exit", () => { const c = process.cpuUsage(); fs.writeFileSync(${JSON.stringify(cpuFile)}, String((c.user + c.system) / 1000)) })\n`,
)

/**
 * Milliseconds of one `node args...` from spawn to exit (wall), or with `cpu` the child's own CPU
 * time; throws if it fails or hangs.
 */
const timed = (args, { cpu = false } = {}) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, cpu ? ["--import", cpuHook, ...args] : args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, TAKEOFF_KEY: path.join(dir, "key.pem") },
    })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`node ${args.join(" ")}: no exit after ${SPAWN_TIMEOUT_MS / 1000} s (hung)`))
    }, SPAWN_TIMEOUT_MS)
    child.on("exit", (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(cpu ? Number(fs.readFileSync(cpuFile, "utf8")) : performance.now() - t0)
      else reject(new Error(`node ${args.join(" ")} exited ${code}: ${stderr.trim()}`))
    })
  })

const s = (ms) => (ms / 1000).toFixed(3)
try {
  console.log(`cli start-up bench (host load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`)
  const help = await interleaveAsync(ROUNDS, {
    help: () => timed([MAIN, "--help"]),
    node: () => timed(["-e", "0"]),
  })
  // Node itself starting slowly means the machine, not the CLI, sets the figure.
  const nodeBusy =
    help.node.min > QUIET_NODE_MS ? `bare node takes ${s(help.node.min)} s (quiet: < ${s(QUIET_NODE_MS)} s)` : undefined
  console.log(
    `  CLI start-up (takeoff --help)   ${s(help.help.min)} s min of ${ROUNDS} spawns (median ${s(help.help.median)} s)   (target < ${TARGET_HELP_S} s: ${verdict(help.help.min < TARGET_HELP_S * 1000, nodeBusy ?? busyOf(help.help))})`,
  )
  console.log(
    `  bare node (node -e 0)           ${s(help.node.min)} s min (median ${s(help.node.median)} s); takeoff --help adds ${s(help.help.min - help.node.min)} s   (reference, no target)`,
  )

  const out = path.join(dir, "run.ndjson")
  const run = await interleaveAsync(RUN_ROUNDS, {
    startup: () => timed([MAIN, "run", "--help"], { cpu: true }),
    run: () => timed([MAIN, "run", "baseline", "--seed", "7", "--until", "2060", "-q", "--out", out], { cpu: true }),
  })
  const startupShare = run.startup.min / run.run.min
  const simShare = 1 - startupShare
  const busy = busyOf(run.run) ?? busyOf(run.startup)
  console.log(
    `  run --until 2060, whole          ${s(run.run.min)} s CPU, min of ${RUN_ROUNDS} (median ${s(run.run.median)} s)   (reference, no target)`,
  )
  console.log(
    `  run --until 2060, start-up       ${s(run.startup.min)} s CPU (run --help: loading the run command and the model)   (reference, no target)`,
  )
  console.log(
    `  run --until 2060, simulation     ${(simShare * 100).toFixed(0)}% of its time, start-up ${(startupShare * 100).toFixed(0)}%   (target: simulation > 50%: ${verdict(simShare > 0.5, busy)})`,
  )
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
