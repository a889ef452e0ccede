import * as fs from "node:fs"
import * as path from "node:path"
import {
  computeMetrics,
  dateToTick,
  type EconomyConfig,
  economyKit,
  economyModel,
  findScenariosDir,
  lastMonthNeeded,
  latinHypercube,
  type MonthlySeries,
  parseObservedCsv,
  type ObservedCsvError,
  type ObservedRow,
  type Scorecard,
  scoreBacktest,
  tickToDate,
} from "@takeoff/agents"
import { catchTagged, deriveSeed, lastSealedTick, type ModelKit, replay, Simulation } from "@takeoff/core"
import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"
import { formatValue } from "@takeoff/protocol"
import { table } from "../format.js"
import { configOf, logErrorToCli, readLog, refuseTruncated } from "../logfile.js"
import { loadScenarioOrFail, parseSets, scenarioName } from "../scenario.js"

/** data/observed.csv beside the scenarios directory the economy found (the repo's data folder). */
const defaultDataFile = (): string => path.join(path.dirname(findScenariosDir()), "data", "observed.csv")

const readObserved = (file: string): ObservedRow[] => {
  let text: string
  try {
    text = fs.readFileSync(file, "utf8")
  } catch (e) {
    throw usage(`--data ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  try {
    return parseObservedCsv(text)
  } catch (e) {
    throw catchTagged<ObservedCsvError, unknown>(
      e,
      { ObservedCsvError: (e) => usage(`${file}: ${e.message}`) },
      (e) => e,
    )
  }
}

/** A log is a file whose first line is a takeoff log header; anything else is a scenario name or file. */
const isLog = (arg: string): boolean => {
  if (!fs.existsSync(arg) || fs.statSync(arg).isDirectory()) return false
  if (/\.ndjson(\.gz)?$/.test(arg)) return true
  const fd = fs.openSync(arg, "r")
  const head = Buffer.alloc(256)
  const n = fs.readSync(fd, head, 0, 256, 0)
  fs.closeSync(fd)
  return head.subarray(0, n).toString("utf8").includes('"kind":"header"')
}

/** The monthly metrics of a logged run, replayed up to `until` (or the log's end). */
const seriesOfLog = (file: string, kits: ReadonlyMap<string, ModelKit>, until: string): MonthlySeries => {
  const log = readLog(file, kits)
  refuseTruncated(log)
  if (log.kit.model.name !== economyModel.name) {
    throw usage(`${file}: the backtest scores the economy's metrics; this log is of model "${log.kit.model.name}"`)
  }
  const config = configOf(log)
  const last = Math.min(lastSealedTick(log.text), log.kit.calendar.dateToTick(config, until))
  const months: Array<Record<string, number>> = []
  try {
    replay(log.kit.model, log.text, {
      untilTick: last,
      onTick: (_tick, _events, state) => months.push(log.kit.computeMetrics(state, config)),
    })
  } catch (e) {
    throw logErrorToCli(file, e)
  }
  return { start: log.kit.calendar.tickToDate(config, 0), months }
}

/** One ensemble member simulated to `until`: seed deriveSeed(seed, i), parameters from the design. */
const seriesOfRun = (config: EconomyConfig, seed: number, until: string): MonthlySeries => {
  const last = dateToTick(config, until)
  const sim = Simulation.create(economyModel, config, { seed, log: false })
  const months: Array<Record<string, number>> = []
  while (sim.tick <= last) {
    sim.step()
    months.push(computeMetrics(sim.state, config))
  }
  return { start: tickToDate(config, 0), months }
}

const cell = (v: number, unit: string): string =>
  Number.isFinite(v) ? formatValue(v, unit.startsWith("fraction") ? "fraction" : "") : "-"

/** The scorecard as a table: observed, simulated P50 and P10-P90, ratio, verdict. */
export const formatScorecard = (card: Scorecard): string => {
  const rows = card.rows.filter((r) => r.verdict !== "context")
  const lines = [
    ["observation", "date", "unit", "observed", "sim P50", "sim P10-P90", "P50/obs", "verdict"],
    ...rows.map((r) => [
      r.id,
      r.date,
      r.unit,
      `${r.kind === "floor" ? ">= " : ""}${cell(r.observed, r.unit)}`,
      cell(r.p50, r.unit),
      `${cell(r.p10, r.unit)} - ${cell(r.p90, r.unit)}`,
      Number.isFinite(r.ratio) ? `${Number(r.ratio.toPrecision(2))}x` : "-",
      r.verdict,
    ]),
  ]
  const context = card.rows.filter((r) => r.verdict === "context").map((r) => r.id)
  return `${table(lines)}\n${card.inside} of ${card.scored} scored observations inside the simulated P10-P90 band (floors: P90 reaches the one-firm figure).\nNot scored (context): ${context.join(", ")}.\n`
}

export const backtestCommand = (kits: ReadonlyMap<string, ModelKit>): Command => ({
  spec: {
    name: "backtest",
    summary: "score a run or a scenario's ensemble against what was observed in 2025 and later",
    args: [{ name: "input", help: "an event log, or a scenario name or YAML file (simulated as an ensemble)" }],
    flags: [
      { name: "runs", alias: "n", kind: "int", value: "N", help: "ensemble size for a scenario (default 100)" },
      { name: "seed", kind: "int", value: "S", help: "ensemble seed: run i uses deriveSeed(S, i) (default 1)" },
      { name: "set", kind: "list", value: "path=value", help: "override a scenario parameter (repeatable)" },
      { name: "data", kind: "string", value: "FILE", help: "observations (default: the repo's data/observed.csv)" },
      { name: "json", kind: "boolean", help: "print the scorecard as JSON" },
    ],
    notes: [
      "A scenario's ensemble samples its declared distributions with a Latin hypercube (as sweep does)",
      "and simulates each run only as far as the last observation. How each observation converts to the",
      "model's units is in packages/agents/src/backtest-rules.ts and docs/model.md. A report, not a target:",
      "parameters are never tuned to it.",
    ].join("\n"),
    examples: ["takeoff backtest baseline --runs 200", "takeoff backtest run.ndjson --json"],
  },
  run({ args, flags }, io) {
    const input = args.input!
    const dataFile = (flags.data as string | undefined) ?? defaultDataFile()
    const observed = readObserved(dataFile)
    const until = lastMonthNeeded()
    let runs: MonthlySeries[]
    let label: string
    if (isLog(input)) {
      if (flags.runs !== undefined || flags.set !== undefined)
        throw usage("--runs and --set apply to a scenario, not a log")
      runs = [seriesOfLog(input, kits, until)]
      label = `${input} (one run)`
    } else {
      const n = (flags.runs as number | undefined) ?? 100
      if (n < 1) throw usage(`--runs: expected a positive integer, got ${n}`)
      const seed = (flags.seed as number | undefined) ?? 1
      const base = loadScenarioOrFail(economyKit, input, parseSets(flags.set as string[] | undefined)) as EconomyConfig
      const design = latinHypercube(base, n, seed)
      runs = design.map((draws, i) =>
        seriesOfRun({ ...base, values: { ...base.values, ...draws } }, deriveSeed(seed, i), until),
      )
      label = `${scenarioName(input)}, ${n} runs (Latin hypercube over ${Object.keys(base.distributions).length} distributions, seed ${seed})`
    }
    let card: Scorecard
    try {
      card = scoreBacktest(observed, runs)
    } catch (e) {
      throw catchTagged<ObservedCsvError, unknown>(
        e,
        { ObservedCsvError: (e) => usage(`${dataFile}: ${e.message}`) },
        (e) => e,
      )
    }
    if (flags.json) io.out(`${JSON.stringify({ input: label, ...card })}\n`)
    else
      io.out(
        `Backtest of ${label} against ${observed.length} observations dated 2025 and later\n\n${formatScorecard(card)}`,
      )
    return EXIT.ok
  },
})
