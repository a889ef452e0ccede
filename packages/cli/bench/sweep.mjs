// Bench: a 1000-run sweep of the baseline to 2060 on 2 workers, through the built `takeoff` bin.
// If it has not finished after ~2 minutes, the bench presses Ctrl-C: the sweep stops handing out
// runs, reports the ones it finished and their rate, and the bench prints the projected time.
// Two rates: by wall clock, and by CPU time (runs per CPU-second of the whole sweep process, its
// worker threads included, x 2 cores), which hardly moves when other work shares the machine.
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const MAIN = path.resolve(import.meta.dirname, "../dist/main.js")
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-bench-"))
const TARGET_RUNS = 1000
const WORKERS = 2
const BUDGET_S = 120
/** Issue 15: 1000 baseline runs to 2060 in under 30 s on 2 cores. */
const TARGET_RUNS_PER_S = 33

const child = spawn(
  process.execPath,
  [
    MAIN,
    "sweep",
    "baseline",
    "--runs",
    String(TARGET_RUNS),
    "--workers",
    String(WORKERS),
    "--until",
    "2060",
    "--json",
    "-q",
    "--out",
    path.join(dir, "s.csv"),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
)
let stdout = ""
child.stdout.on("data", (d) => (stdout += d))
const timer = setTimeout(() => child.kill("SIGINT"), BUDGET_S * 1000)
const code = await new Promise((resolve) => child.on("exit", resolve))
clearTimeout(timer)
if (code !== 0 && code !== 130) throw new Error(`sweep failed with exit code ${code}`)
const result = JSON.parse(stdout)
const wallRate = result.runsPerSecond
// Runs per CPU-second (the sweep process, worker threads included) x the 2 cores it may use.
const cpuRate = (result.runs / result.cpuS) * WORKERS
const cores = os.availableParallelism()
const load = os.loadavg()[0]
const mark = (rate) => (rate >= TARGET_RUNS_PER_S ? "meets" : "below")
console.log(
  `sweep baseline to 2060, ${WORKERS} workers, ${result.firmsPerRun ?? "scenario's"} firms per run: ${result.runs} runs in ${result.elapsedS.toFixed(1)} s wall, ${result.cpuS.toFixed(1)} CPU-s`,
)
console.log(
  `  sweep runs/s to 2060 (wall clock):          ${wallRate.toFixed(1).padStart(6)}   target >= ${TARGET_RUNS_PER_S} (${mark(wallRate)})`,
)
console.log(
  `  sweep runs/s to 2060 (CPU time, x${WORKERS} cores): ${cpuRate.toFixed(1).padStart(6)}   target >= ${TARGET_RUNS_PER_S} (${mark(cpuRate)}); ${((1000 * result.cpuS) / result.runs).toFixed(1)} CPU-ms per run`,
)
if (load > cores)
  console.log(
    `  the machine is busy (load ${load.toFixed(1)} on ${cores} cores): the wall-clock rate understates it; read the CPU-time rate`,
  )
if (result.runs < TARGET_RUNS) {
  console.log(
    `  (stopped after ${BUDGET_S} s with ${result.runs} of ${TARGET_RUNS} runs done; 1000 runs projected at ${(TARGET_RUNS / wallRate).toFixed(0)} s wall, ${(TARGET_RUNS / cpuRate).toFixed(0)} s on 2 idle cores)`,
  )
}
fs.rmSync(dir, { recursive: true, force: true })
