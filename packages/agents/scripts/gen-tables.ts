/**
 * Regenerates the result tables of docs/model.md and the README between their marker comments
 * (`npm run tables -w @takeoff/agents [-- --sweep N] [--sweep-json FILE] [--workers K] [--skip-runs]`):
 *
 * - outcomes and plausibility: every scenario, seed 7, to 2060 (simulated here, by `simulate`);
 * - backtest: `takeoff backtest baseline --runs 100` (the CLI's scorecard, in full in the README);
 * - readme-run: the README's `takeoff run` / `verify` / `audit` example;
 * - sweep (with --sweep N): `takeoff sweep baseline --runs N --until 2100 --json`, run by the CLI's
 *   build so its statistics have one owner. Its JSON summary is saved to sweeps/baseline-sweep-N.json
 *   (and the per-run CSV beside it) before any table is written, so a failure later loses nothing:
 *   `--sweep-json sweeps/baseline-sweep-N.json` renders the section again without rerunning.
 *
 * The CLI must be built first (`npx turbo run build`). src/doc-tables.test.ts checks the markers.
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { backtestSummary, parseSweepSummary, sweepTables } from "../src/doc-sweep.js"
import { outcomeTables, plausibilityTable, type ScenarioRun, scenarioRun, withSection } from "../src/doc-tables.js"
import { listScenarios, loadScenario } from "../src/scenario.js"
import { simulate } from "../src/simulate.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const cli = join(root, "packages/cli/dist/main.js")
const SEED = 7
const UNTIL = 2060
const BACKTEST_RUNS = 100
const SWEEP_UNTIL = 2100

const fail = (message: string): never => {
  process.stderr.write(`gen-tables: ${message}\n`)
  process.exit(2)
}

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const v = args[i + 1]
  if (v === undefined || v.startsWith("--")) fail(`${name}: expected a value`)
  return v
}
const known = ["--sweep", "--sweep-json", "--workers", "--skip-runs"]
for (const a of args)
  if (a.startsWith("--") && !known.includes(a)) fail(`unknown flag ${a}; expected ${known.join(", ")}`)
const positive = (name: string): number | undefined => {
  const raw = flag(name)
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) fail(`${name}: expected a positive integer, got "${raw}"`)
  return n
}
const sweepRuns = positive("--sweep")
const workers = positive("--workers") ?? 2
const sweepJson = flag("--sweep-json")
if (sweepRuns !== undefined && sweepJson !== undefined) fail("--sweep and --sweep-json: give one")
if (!existsSync(cli)) fail(`${cli} not found: build the CLI first (npx turbo run build)`)

const files = { model: join(root, "docs/model.md"), readme: join(root, "README.md") }
const docs = { model: readFileSync(files.model, "utf8"), readme: readFileSync(files.readme, "utf8") }
const note = (s: string) => process.stderr.write(`${s}\n`)

/** Writes a file through a temporary name, so a crash never leaves half a file. */
const writeAtomic = (file: string, text: string) => {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}
const save = () => {
  for (const k of ["model", "readme"] as const) {
    if (readFileSync(files[k], "utf8") !== docs[k]) {
      writeAtomic(files[k], docs[k])
      note(`${files[k]}: tables regenerated`)
    }
  }
}

/** Runs the CLI to completion and returns its stdout; stderr (progress) goes to ours. */
const cliOut = (cliArgs: string[], cwd = root): string => {
  const r = spawnSync(process.execPath, [cli, ...cliArgs], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  if (r.status !== 0) fail(`takeoff ${cliArgs.join(" ")} exited ${r.status}: ${r.stderr.trim().split("\n").pop()}`)
  return r.stdout
}

if (!args.includes("--skip-runs")) {
  const runs: ScenarioRun[] = []
  const scenarios = listScenarios()
  for (const [i, s] of scenarios.entries()) {
    const t0 = process.cpuUsage()
    const { outcome } = simulate(loadScenario(s.name), { seed: SEED, untilYear: UNTIL })
    runs.push(scenarioRun(outcome))
    const cpu = process.cpuUsage(t0)
    note(`run ${i + 1}/${scenarios.length} ${s.name}: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`)
  }
  docs.model = withSection(docs.model, "outcomes", outcomeTables(runs), "docs/model.md")
  docs.model = withSection(docs.model, "plausibility", plausibilityTable(runs), "docs/model.md")

  note(`backtest: takeoff backtest baseline --runs ${BACKTEST_RUNS}`)
  const card = cliOut(["backtest", "baseline", "--runs", String(BACKTEST_RUNS)])
  docs.model = withSection(docs.model, "backtest", backtestSummary(card, BACKTEST_RUNS, 1), "docs/model.md")
  const block = `\`\`\`\n$ takeoff backtest baseline --runs ${BACKTEST_RUNS}\n${card.trimEnd()}\n\`\`\``
  docs.readme = withSection(docs.readme, "readme-backtest", block, "README.md")

  note(`readme: takeoff run baseline --seed ${SEED} --until ${UNTIL}, verify, audit`)
  const dir = mkdtempSync(join(tmpdir(), "takeoff-tables-"))
  const log = "runs/b7.ndjson"
  const run = cliOut(["run", "baseline", "--seed", String(SEED), "--until", String(UNTIL), "--out", log], dir)
  const verify = cliOut(["verify", log], dir)
  const audit = cliOut(["audit", log, "--why", "agi"], dir).split("\n").slice(0, 3).join("\n")
  rmSync(dir, { recursive: true, force: true })
  const example = [
    "```",
    `$ takeoff run baseline --seed ${SEED} --until ${UNTIL} --out ${log}`,
    run.trimEnd(),
    "",
    `$ takeoff verify ${log}`,
    verify.trimEnd(),
    "",
    `$ takeoff audit ${log} --why agi | head -3`,
    audit.trimEnd(),
    "```",
  ].join("\n")
  docs.readme = withSection(docs.readme, "readme-run", example, "README.md")
  save()
}

/** `takeoff sweep` as a child: progress streams through; its JSON is saved as soon as it ends. */
const runSweep = (n: number): Promise<string> =>
  new Promise((resolve) => {
    mkdirSync(join(root, "sweeps"), { recursive: true })
    const base = join(root, "sweeps", `baseline-sweep-${n}`)
    const cliArgs = ["sweep", "baseline", "--runs", String(n), "--until", String(SWEEP_UNTIL)]
    cliArgs.push("--seed", "1", "--workers", String(workers), "--json", "--out", `${base}.csv`)
    note(`sweep: takeoff ${cliArgs.join(" ")}`)
    const child = spawn(process.execPath, [cli, ...cliArgs], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    const chunks: Buffer[] = []
    child.stdout.on("data", (c: Buffer) => chunks.push(c))
    // Ctrl-C reaches the child too (same process group): it finishes the runs in flight and
    // prints a partial summary, which is saved like a whole one.
    process.on("SIGINT", () => note("gen-tables: waiting for the sweep to print its partial summary"))
    child.on("close", (code) => {
      const out = Buffer.concat(chunks).toString("utf8").trim()
      if (out === "") fail(`takeoff sweep exited ${code} without a summary`)
      writeAtomic(`${base}.json`, `${out}\n`)
      note(`sweep: exit ${code}; summary saved to ${base}.json (render again with --sweep-json ${base}.json)`)
      // A stopped sweep's partial summary is kept but not written into the docs unasked.
      if (code !== 0)
        fail(`takeoff sweep exited ${code}: docs/model.md left as it was; --sweep-json renders the partial summary`)
      resolve(`${base}.json`)
    })
  })

const sweepFile = sweepRuns !== undefined ? await runSweep(sweepRuns) : sweepJson
if (sweepFile !== undefined) {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(sweepFile, "utf8"))
  } catch (e) {
    fail(`${sweepFile}: expected the JSON that \`takeoff sweep --json\` prints (${(e as Error).message})`)
  }
  let tables = ""
  try {
    const summary = parseSweepSummary(parsed)
    const distributions = Object.keys(loadScenario(summary.scenario).distributions).length
    tables = sweepTables(summary, distributions)
  } catch (e) {
    fail(`${sweepFile}: ${(e as Error).message}`)
  }
  docs.model = withSection(docs.model, "sweep", tables, "docs/model.md")
  save()
}
