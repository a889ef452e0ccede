// Bench: a 1000-run sweep of the baseline to 2060 on 2 workers, through the built `takeoff` bin.
// If it has not finished after ~2 minutes, the bench presses Ctrl-C: the sweep stops handing out
// runs, reports the ones it finished and their rate, and the bench prints the projected time.
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const MAIN = path.resolve(import.meta.dirname, "../dist/main.js")
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-bench-"))
const TARGET_RUNS = 1000
const BUDGET_S = 120

const child = spawn(
  process.execPath,
  [
    MAIN,
    "sweep",
    "baseline",
    "--runs",
    String(TARGET_RUNS),
    "--workers",
    "2",
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
const projectedS = TARGET_RUNS / result.runsPerSecond
console.log(
  `sweep baseline to 2060, 2 workers: ${result.runs} runs in ${result.elapsedS.toFixed(1)} s = ${result.runsPerSecond.toFixed(2)} runs/s`,
)
if (result.runs < TARGET_RUNS) {
  console.log(
    `  (stopped after ${BUDGET_S} s with ${result.runs} of ${TARGET_RUNS} runs done; 1000 runs projected at ${projectedS.toFixed(0)} s)`,
  )
}
console.log(
  `  1000-run sweep: ${projectedS.toFixed(0)} s${result.runs < TARGET_RUNS ? " (projected)" : ""}   target: within ~${BUDGET_S} s (>= ${(TARGET_RUNS / BUDGET_S).toFixed(1)} runs/s)`,
)
fs.rmSync(dir, { recursive: true, force: true })
