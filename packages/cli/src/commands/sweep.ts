import * as os from "node:os"
import {
  DESIGNS,
  type EconomyConfig,
  economyModel,
  fanChart,
  saltelliIndices,
  sampledPaths,
  SWEEP_FIRMS,
  sweepLongRuns,
  sweepStats,
} from "@takeoff/agents"
import type { ModelKit } from "@takeoff/core"
import { checkWritable, writeFileAtomic } from "../atomic.js"
import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"
import { Interrupt } from "../interrupt.js"
import { milestoneLabels, summaryKeysOf } from "../models.js"
import { runPool } from "../pool.js"
import { Progress } from "../progress.js"
import { formatGrid, formatOat, gridReport, oatReport, planDesign } from "../sweep-designs.js"
import { sweepCsvPath } from "../sweep-out.js"
import { loadScenarioOrFail, parseSets, scenarioName, untilTickOrFail } from "../scenario.js"
import { formatMilestones, formatSensitivity } from "../sweep-sensitivity.js"
import { seriesKeysOf, writeSweepSeries } from "../sweep-series.js"
import { drawSets, type SweepPlan, type SweepRunResult, type SweepTask, type VaryRange } from "../sweep-run.js"

/** The years the milestone table reports "reached by" (those within the sweep's horizon). */
const REACHED_BY_YEARS = [2060, 2100]

/** Parses `--vary path=lo..hi` and checks both ends against the scenario's own validation. */
export const parseVary = (
  kit: ModelKit,
  scenario: string,
  sets: ReadonlyArray<readonly [string, string]>,
  vary: string[] = [],
) =>
  vary.map((v): VaryRange => {
    const m = /^([^=]+)=(-?[\d.eE+-]+)\.\.(-?[\d.eE+-]+)$/.exec(v)
    const lo = Number(m?.[2])
    const hi = Number(m?.[3])
    if (!m || !Number.isFinite(lo) || !Number.isFinite(hi)) {
      throw usage(
        `--vary ${v}: expected path=lo..hi with numbers, e.g. --vary ai.algorithmicProgressPerYear=1.5..4 (levels lo:hi:n are for --design grid)`,
      )
    }
    if (!(lo < hi)) throw usage(`--vary ${v}: expected lo < hi`)
    for (const end of [m[2], m[3]]) loadScenarioOrFail(kit, scenario, [...sets, [m[1], end]], "--vary")
    return { path: m[1], lo, hi }
  })

/**
 * The sweep's fixed overrides: the user's `--set` pairs and, for the economy, the firm count per
 * run (`--firms`, else the scenario's count capped at SWEEP_FIRMS; an explicit --set firms.count wins).
 */
const sweepSets = (
  kit: ModelKit,
  scenario: string,
  userSets: ReadonlyArray<readonly [string, string]>,
  firmsFlag: number | undefined,
): { sets: Array<readonly [string, string]>; firms: number | undefined; scenarioFirms: number | undefined } => {
  const economy = kit.model.name === economyModel.name
  if (!economy) {
    if (firmsFlag !== undefined) throw usage(`--firms: model ${kit.model.name} has no firms`)
    return { sets: [...userSets], firms: undefined, scenarioFirms: undefined }
  }
  if (firmsFlag !== undefined && firmsFlag < 1) throw usage(`--firms: expected a positive integer, got ${firmsFlag}`)
  const scenarioFirms = (loadScenarioOrFail(kit, scenario, userSets) as EconomyConfig).values["firms.count"]
  const explicit = userSets.some(([p]) => p === "firms.count")
  const firms = firmsFlag ?? (explicit ? scenarioFirms : Math.min(scenarioFirms, SWEEP_FIRMS))
  const sets = firms === scenarioFirms ? [...userSets] : [...userSets, ["firms.count", String(firms)] as const]
  return { sets, firms, scenarioFirms }
}

/** CPU seconds (user + system) this process used since `start`, all its threads included. */
const cpuSeconds = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1e6
}

/** One worker per core, at most 4 (runs are CPU-bound and share the machine). */
const defaultWorkers = (): number => Math.max(1, Math.min(4, os.availableParallelism()))

/** `results.csv` -> `results.fan.json` (the fan-chart series beside the per-run table). */
export const fanPathFor = (out: string): string => `${out.replace(/\.csv$/, "")}.fan.json`

/** `takeoff sweep`: an ensemble of `kit`'s model over its scenario's uncertain parameters. */
export const sweepCommand = (kit: ModelKit): Command => ({
  spec: {
    name: "sweep",
    summary: "Monte Carlo ensemble over the scenario's declared distributions and --vary ranges",
    args: [{ name: "scenario", help: "scenario name or YAML file" }],
    flags: [
      {
        name: "runs",
        alias: "n",
        kind: "int",
        value: "N",
        help: "number of runs (default 100); with --design grid or oat, runs per design row (default 1)",
      },
      { name: "workers", alias: "w", kind: "int", value: "K", help: `worker threads (default ${defaultWorkers()})` },
      { name: "seed", kind: "seed", value: "S", help: "sweep seed; run i uses deriveSeed(S, i) (default 1)" },
      { name: "until", kind: "int", value: "YEAR", help: "last simulated year (default: the scenario's end)" },
      { name: "set", kind: "list", value: "path=value", help: "fixed override for every run (repeatable)" },
      {
        name: "firms",
        kind: "int",
        value: "N",
        help: `firms per run (default: the scenario's count, at most ${SWEEP_FIRMS}; see docs/model.md)`,
      },
      {
        name: "vary",
        kind: "list",
        value: "path=lo..hi",
        help: "draw a parameter uniformly per run (repeatable); --design grid takes path=lo:hi:n or path=a,b,c",
      },
      {
        name: "design",
        kind: "string",
        value: DESIGNS.map((d) => d.name).join("|"),
        help: "how the runs are chosen (default lhs; see below)",
      },
      {
        name: "out",
        alias: "o",
        kind: "string",
        value: "FILE",
        help: "per-run CSV, or a directory for <scenario>-sweep.csv (default sweeps/<scenario>-sweep.csv)",
      },
      {
        name: "metrics",
        kind: "list",
        value: "a,b|all",
        help: "metrics whose yearly series every run records (default: the headline ones)",
      },
      { name: "json", kind: "boolean", help: "print the summary as JSON" },
      { name: "nats", kind: "string", value: "URL", help: "run on `takeoff worker` processes via NATS JetStream" },
      { name: "quiet", alias: "q", kind: "boolean", help: "no progress output" },
    ],
    notes: [
      "Every declared distribution is sampled: by default a Latin hypercube over --runs (each parameter's",
      "range cut into N equal-probability strata, each used once); --design random draws each run from",
      "its seed; --design saltelli takes N base rows and runs N x (k + 2) for first- and total-order Sobol",
      "indices of the milestone dates. Sensitivity is reported as Spearman's rho and first-order Sobol.",
      "The designs (grid and oat draw nothing: they repeat each row --runs times with the same seeds, and",
      "oat lists each parameter's low and high milestone dates, a tornado):",
      ...DESIGNS.map((d) => `  ${d.name.padEnd(9)}${d.title}: ${d.description}; ${d.runs} runs`),
      "Writes the per-run CSV (seed, drawn parameters, milestone dates, final metrics) and, beside it,",
      "<out without .csv>.fan.json with P10/P50/P90 per year of the headline metrics, and every run's yearly",
      "series of --metrics in long format (<out>.series.csv and .series.parquet, with the run's draws).",
      `Each run has the scenario's firms, at most ${SWEEP_FIRMS} (milestone percentiles match 10x as many;`,
      'docs/model.md, "Sweeps: firms per run"); --firms N sets the count.',
      "Any run can be rerun alone: takeoff run <scenario> --seed <its seed> --set <the sweep's sets and its draws>.",
      "Results do not depend on --workers.",
    ].join("\n"),
    examples: [
      "takeoff sweep baseline --runs 1000 --workers 2 --until 2060",
      "takeoff sweep baseline --runs 200 --vary ai.algorithmicProgressPerYear=1.5..4 -o algo.csv",
      "takeoff sweep baseline --design saltelli --runs 32 --until 2100",
      "takeoff sweep baseline --design grid --vary ai.mfu=0.3:0.5:3 --vary macro.savingRate=0.2,0.3 --until 2060",
      "takeoff sweep baseline --design oat --until 2060",
    ],
  },
  async run({ args, flags }, io) {
    const scenario = args.scenario!
    const runsFlag = flags.runs as number | undefined
    if (runsFlag !== undefined && runsFlag < 1) throw usage(`--runs: expected a positive integer, got ${runsFlag}`)
    const workers = (flags.workers as number | undefined) ?? defaultWorkers()
    if (workers < 1) throw usage(`--workers: expected a positive integer, got ${workers}`)
    const seed = (flags.seed as number | undefined) ?? 1
    const cpuStart = process.cpuUsage()
    const userSets = parseSets(flags.set as string[] | undefined)
    const { sets, firms, scenarioFirms } = sweepSets(kit, scenario, userSets, flags.firms as number | undefined)
    // The user's pairs were checked by sweepSets; a refusal here is the firm count's.
    const base = loadScenarioOrFail(kit, scenario, sets, sets.length > userSets.length ? "--firms" : "--set")
    const lastTick = untilTickOrFail(kit, base, flags.until as number | undefined)
    const untilYear = Number(kit.calendar.tickToDate(base, lastTick).slice(0, 4))
    const designPlan = planDesign(kit, scenario, sets, base, {
      design: flags.design as string | undefined,
      runs: runsFlag,
      seed,
      vary: (flags.vary as string[] | undefined) ?? [],
      ranges: () => parseVary(kit, scenario, sets, flags.vary as string[] | undefined),
    })
    const { design, tasks, vary, k } = designPlan
    const runs = runsFlag ?? (design === "grid" || design === "oat" ? designPlan.reps : 100)
    const name = scenarioName(scenario)
    const out = sweepCsvPath(flags.out as string | undefined, name)
    checkWritable(out, "--out")
    const keys = summaryKeysOf(kit)
    const fanKeys = [keys.aiShare, keys.gdp, ...keys.peakAndFinal]
    const seriesKeys = seriesKeysOf(kit, flags.metrics as string[] | undefined, fanKeys)
    const plan: SweepPlan = {
      model: kit.model.name,
      scenario,
      sets,
      vary,
      lastTick,
      fanKeys: [...new Set([...fanKeys, ...seriesKeys])],
      finalKeys: [keys.gdp, keys.aiShare, ...keys.peakAndFinal],
    }
    const total = tasks.length
    if (!flags.quiet) io.err(`${designPlan.announce}\n`)
    const progress = flags.quiet ? undefined : new Progress({ isTTY: io.errIsTTY, write: io.err }, total, "runs")
    let done = 0
    // The NATS coordinator waits on messages, not a loop: Ctrl-C reaches it through the signal.
    const stopNats = new AbortController()
    const interrupt = Interrupt.install(() => {
      io.err("\nstopping after the runs in flight (Ctrl-C again to abort)\n")
      stopNats.abort()
    })
    const startedMs = Date.now()
    const nats = flags.nats as string | undefined
    let pool: Awaited<ReturnType<typeof runPool<SweepTask, SweepRunResult>>>
    try {
      pool = nats
        ? // NATS is loaded only for a sweep that uses it.
          await (await import("@takeoff/server/nats-sweep")).runNatsSweep(
            {
              servers: nats,
              ackWaitMs: process.env.TAKEOFF_ACK_WAIT_MS ? Number(process.env.TAKEOFF_ACK_WAIT_MS) : undefined,
              prefix: process.env.TAKEOFF_NATS_PREFIX,
            },
            { plan, tasks, modelVersion: kit.model.version },
            {
              onResult: () => progress?.update(++done, "NATS workers"),
              onIdle: (notice) => (notice && !flags.quiet ? io.err(`\n${notice}\n`) : undefined),
            },
            stopNats.signal,
          )
        : await runPool<SweepTask, SweepRunResult>({
            workerUrl: new URL("../sweep-worker.js", import.meta.url),
            init: plan,
            tasks,
            workers,
            onResult: () => progress?.update(++done, `${workers} workers`),
            shouldStop: () => interrupt.requested,
          })
    } finally {
      interrupt.dispose()
    }
    const elapsedS = (Date.now() - startedMs) / 1000
    progress?.done(pool.done, nats ? "NATS workers" : `${workers} workers`)
    const results = pool.results.filter((r): r is SweepRunResult => r !== undefined)
    const labels = [...milestoneLabels(kit).values()]
    const byYears = REACHED_BY_YEARS.filter((y) => y <= untilYear)
    const stats = sweepStats(
      results,
      labels,
      Object.fromEntries(byYears.map((y) => [String(y), kit.calendar.untilTick(base, y)])),
    )
    const sobol =
      design === "saltelli" && results.length === total
        ? saltelliIndices(results, labels, sampledPaths(base as EconomyConfig), runs)
        : undefined
    const startYear = Number(kit.calendar.tickToDate(base, 0).slice(0, 4))
    const years = Array.from({ length: untilYear - startYear + 1 }, (_, i) => startYear + i)
    // Parameter columns in path order, so CSVs of different sweeps line up.
    const paths = stats.influences.map((i) => i.path).sort()
    writeFileAtomic(out, toCsv(kit, results, paths, labels, plan.finalKeys, base))
    const fanFile = fanPathFor(out)
    const fan = fanChart(results, fanKeys, years)
    const info = new Map(kit.metrics.map((m) => [m.key, m]))
    writeFileAtomic(
      fanFile,
      `${JSON.stringify({
        scenario: name,
        seed,
        runs: results.length,
        years,
        // The scenario's milestone thresholds and each metric's log-axis hint, so a viewer need not guess them.
        thresholds: kit.thresholds(base),
        metrics: Object.fromEntries(
          fanKeys.map((k) => [
            k,
            {
              label: info.get(k)?.label ?? k,
              unit: info.get(k)?.unit ?? "",
              ...(info.get(k)?.log ? { log: true } : {}),
              ...fan[k],
            },
          ]),
        ),
      })}\n`,
    )
    // The series last: the largest output, written after everything a reader needs first.
    const series = writeSweepSeries(out, sweepLongRuns(kit, base, name, results, seriesKeys), seriesKeys)
    const date = (t: number | null) =>
      t !== null && Number.isFinite(t) ? kit.calendar.tickToDate(base, t) : `not by ${untilYear}`
    const oat = designPlan.oat ? oatReport(designPlan, results, labels, lastTick + 12, date) : undefined
    const grid = designPlan.axes ? gridReport(designPlan, results, labels, date) : undefined
    const summary = {
      scenario: name,
      seed,
      runs: results.length,
      requested: runs,
      // Worker threads of this process; null when the runs went to NATS workers (however many there were).
      workers: nats ? null : workers,
      untilYear,
      elapsedS,
      runsPerSecond: results.length / elapsedS,
      // This process's CPU time, its worker threads included (not NATS workers'): runs per
      // CPU-second hardly depend on how busy the machine is.
      ...(nats ? {} : { cpuS: cpuSeconds(cpuStart) }),
      ...(firms !== undefined ? { firmsPerRun: firms } : {}),
      sets: sets.map(([p, v]) => `${p}=${v}`),
      design,
      milestones: stats.milestones.map((m) => ({
        label: m.label,
        reached: m.reached,
        reachedBy: m.reachedBy,
        p5: date(m.p5),
        p10: date(m.p10),
        p50: date(m.p50),
        p90: date(m.p90),
        p95: date(m.p95),
      })),
      influences: stats.influences.slice(0, 8),
      ...(sobol ? { sobol } : {}),
      ...(oat ? { oat } : {}),
      ...(grid ? { grid: { axes: designPlan.axes, points: grid } } : {}),
      csv: out,
      fan: fanFile,
      series: { csv: series.csv, parquet: series.parquet, rows: series.rows },
    }
    if (flags.json) io.out(`${JSON.stringify(summary)}\n`)
    else {
      io.out(
        `${name}: ${results.length} runs (${designPlan.axes || designPlan.oat ? designPlan.announce : `${design} design over ${k} distributions${vary.length ? ` and ${vary.length} --vary ranges` : ""}`}) to ${untilYear}, sweep seed ${seed}, ${nats ? "on NATS workers" : `${workers} workers`}, ${elapsedS.toFixed(1)} s (${summary.runsPerSecond.toFixed(1)} runs/s)\n`,
      )
      if (firms !== undefined && firms !== scenarioFirms)
        io.out(`${firms} firms per run (the scenario has ${scenarioFirms}; --firms N to change)\n`)
      io.out("\n")
      io.out(formatMilestones(summary.milestones, byYears, untilYear))
      if (grid) io.out(formatGrid(grid, designPlan.axes!, labels))
      if (oat) io.out(formatOat(oat, labels))
      else io.out(formatSensitivity(stats.influences, labels, sobol))
      const r0 = results[0]
      if (r0) {
        const rerunSets = [...sets, ...drawSets(r0.draws)].map(([p, v]) => ` --set ${p}=${v}`).join("")
        io.out(
          `\nRerun any run alone, e.g. run 0: takeoff run ${scenario} --seed ${r0.seed} --until ${untilYear}${rerunSets}\n`,
        )
      }
      io.out(`Per-run results: ${out}; fan charts: ${fanFile}\n`)
      io.out(`Every run's yearly series (${series.rows} rows, long format): ${series.csv}, ${series.parquet}\n`)
    }
    return results.length < total ? EXIT.interrupted : EXIT.ok
  },
})

const toCsv = (
  kit: ModelKit,
  results: ReadonlyArray<SweepRunResult>,
  paths: ReadonlyArray<string>,
  labels: ReadonlyArray<string>,
  finalKeys: ReadonlyArray<string>,
  config: unknown,
): string => {
  const lines = [["run", "seed", ...paths, ...labels, ...finalKeys.map((k) => `final.${k}`)].join(",")]
  for (const r of results) {
    lines.push(
      [
        r.index,
        r.seed,
        ...paths.map((p) => r.draws[p] ?? ""),
        ...labels.map((l) => (r.milestones[l] === null ? "" : kit.calendar.tickToDate(config, r.milestones[l]!))),
        ...finalKeys.map((k) => r.final[k] ?? ""),
      ].join(","),
    )
  }
  return `${lines.join("\n")}\n`
}
