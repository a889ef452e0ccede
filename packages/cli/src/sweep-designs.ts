import {
  DESIGNS,
  type EconomyConfig,
  economyModel,
  type GridAxis,
  gridDesign,
  gridLevels,
  gridSize,
  medianTick,
  type OatRow,
  oatDesign,
  oatEffects,
  sampledPaths,
  specOf,
  sweepTasks,
} from "@takeoff/agents"
import { deriveSeed, type ModelKit, ScenarioRejected } from "@takeoff/core"
import type { DesignName } from "@takeoff/protocol"
import { usage } from "./errors.js"
import { table } from "./format.js"
import { loadScenarioOrFail } from "./scenario.js"
import type { SweepRunResult, SweepTask, VaryRange } from "./sweep-run.js"

/**
 * `takeoff sweep --design`: which runs a design makes (their parameter values and seeds), and the
 * grid's and one-at-a-time design's own reports. The rows come from @takeoff/agents' pure design
 * functions; this file turns flags into them.
 */

/** The most runs a grid or one-at-a-time sweep may make: beyond it a typo'd level count is likelier than intent. */
export const MAX_DESIGN_RUNS = 10_000

const NUM = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/**
 * Parses `--vary path=lo:hi:n` (n evenly spaced levels, both ends included) or `--vary path=a,b,c`
 * (those values) for a grid, checking every level against the scenario's own validation.
 *
 * @example
 * parseGridVary(kit, "baseline", [], ["ai.mfu=0.3:0.5:3"]) // [{ path: "ai.mfu", values: [0.3, 0.4, 0.5] }]
 */
export const parseGridVary = (
  kit: ModelKit,
  scenario: string,
  sets: ReadonlyArray<readonly [string, string]>,
  vary: ReadonlyArray<string>,
): GridAxis[] => {
  const axes = vary.map((v): GridAxis => {
    const eq = v.indexOf("=")
    const path = v.slice(0, eq)
    const spec = v.slice(eq + 1)
    const expected = `expected path=lo:hi:n (n levels from lo to hi) or path=a,b,c, e.g. --vary ai.mfu=0.3:0.5:3`
    if (eq <= 0) throw usage(`--vary ${v}: ${expected}`)
    let values: number[]
    const range = spec.split(":")
    if (range.length === 3) {
      const [lo, hi, n] = range
      if (!NUM.test(lo) || !NUM.test(hi) || !/^\d+$/.test(n)) throw usage(`--vary ${v}: ${expected}`)
      if (!(Number(lo) < Number(hi))) throw usage(`--vary ${v}: expected lo < hi`)
      if (Number(n) < 2) throw usage(`--vary ${v}: expected at least 2 levels, got ${n}`)
      if (Number(n) > MAX_DESIGN_RUNS)
        throw usage(`--vary ${v}: ${n} levels is over the limit of ${MAX_DESIGN_RUNS} runs`)
      values = gridLevels(Number(lo), Number(hi), Number(n))
    } else {
      const parts = spec.split(",")
      if (parts.some((p) => !NUM.test(p.trim()))) throw usage(`--vary ${v}: ${expected}`)
      values = parts.map((p) => Number(p.trim()))
    }
    // An integer parameter takes whole levels; rounding may merge some.
    if (specOf(path)?.integer) values = [...new Set(values.map(Math.round))]
    for (const x of values) loadScenarioOrFail(kit, scenario, [...sets, [path, String(x)]], "--vary")
    return { path, values }
  })
  const seen = new Set<string>()
  for (const a of axes) {
    if (seen.has(a.path)) throw usage(`--vary ${a.path}: given twice; one --vary per parameter`)
    seen.add(a.path)
  }
  return axes
}

/** A sweep's runs as its design makes them, and what the grid and one-at-a-time reports need. */
export interface DesignPlan {
  readonly design: DesignName
  readonly tasks: SweepTask[]
  /** The ranges runs draw uniformly (lhs, random); the grid and OAT put theirs in each task's draws. */
  readonly vary: ReadonlyArray<VaryRange>
  /** Distributions the scenario declares (0 for a model without them). */
  readonly k: number
  /** Runs per design row (grid, oat: `--runs`, each with the same seeds; others: 1). */
  readonly reps: number
  /** Said before the runs start: how the run count comes about. */
  readonly announce: string
  readonly axes?: ReadonlyArray<GridAxis>
  readonly oat?: ReadonlyArray<OatRow>
}

const designNames = DESIGNS.map((d) => d.name)

/**
 * The runs of `--design` over `base`: Latin hypercube (default), random, Saltelli, grid or
 * one-at-a-time. Designs are drawn here, once, from the sweep seed, so results never depend on the
 * workers. Grid and one-at-a-time rows are repeated `--runs` times (default 1) with seeds
 * deriveSeed(seed, repetition): every row sees the same seeds, so differences come from the
 * parameters alone.
 */
export const planDesign = (
  kit: ModelKit,
  scenario: string,
  sets: ReadonlyArray<readonly [string, string]>,
  base: unknown,
  opts: {
    readonly design: string | undefined
    readonly runs: number | undefined
    readonly seed: number
    readonly vary: ReadonlyArray<string>
    readonly ranges: () => ReadonlyArray<VaryRange>
  },
): DesignPlan => {
  const design = (opts.design ?? "lhs") as DesignName
  if (!designNames.includes(design)) throw usage(`--design ${design}: expected one of ${designNames.join(", ")}`)
  // The sampled designs need the economy's distributions; another model's runs draw from their seeds.
  const economy = kit.model.name === economyModel.name
  if (!economy && opts.design !== undefined && design !== "random" && design !== "grid")
    throw usage(`--design ${design}: model ${kit.model.name} supports only --design random or grid`)
  const k = economy ? sampledPaths(base as EconomyConfig).length : 0
  const seed = opts.seed
  if (design === "grid" || design === "oat") {
    const reps = opts.runs ?? 1
    let rows: Array<Readonly<Record<string, number>>>
    let shape: string
    let axes: GridAxis[] | undefined
    let oat: OatRow[] | undefined
    if (design === "grid") {
      if (opts.vary.length === 0) throw usage("--design grid: expected at least one --vary path=lo:hi:n")
      axes = parseGridVary(kit, scenario, sets, opts.vary)
      const points = gridSize(axes)
      if (points * reps > MAX_DESIGN_RUNS)
        throw usage(
          `--vary: the grid is ${axes.map((a) => a.values.length).join(" x ")} = ${points} points x --runs ${reps} = ${points * reps} runs, over the limit of ${MAX_DESIGN_RUNS}; use fewer levels`,
        )
      rows = gridDesign(axes)
      shape = `grid of ${axes.map((a) => `${a.values.length} ${a.path}`).join(" x ")} = ${points} points`
    } else {
      const ranges = opts.ranges()
      oat = oatDesign(base as EconomyConfig, ranges)
      if (oat.length === 1) throw usage("--design oat: the scenario declares no distributions and no --vary was given")
      if (oat.length * reps > MAX_DESIGN_RUNS)
        throw usage(
          `--runs ${reps}: ${oat.length} rows x ${reps} = ${oat.length * reps} runs, over the limit of ${MAX_DESIGN_RUNS}`,
        )
      rows = oat.map((r) => r.values)
      shape = `one at a time: 1 point row + 2 x ${(oat.length - 1) / 2} parameters (${k} distributions at P10/P90${ranges.length ? `, ${ranges.length} --vary at their ends` : ""}) = ${oat.length} rows`
    }
    const tasks = rows.flatMap((draws, r) =>
      Array.from({ length: reps }, (_, j) => ({ index: r * reps + j, seed: deriveSeed(seed, j), draws })),
    )
    return {
      design,
      tasks,
      vary: [],
      k,
      reps,
      axes,
      oat,
      announce: `${shape} x ${reps} run${reps === 1 ? "" : "s"} each = ${tasks.length} runs`,
    }
  }
  const runs = opts.runs ?? 100
  const vary = opts.ranges()
  // Latin hypercube, random and Saltelli: the shared sweep engine's plan, as the server's sweeps use.
  let designed: ReturnType<typeof sweepTasks>
  try {
    designed = sweepTasks(kit, base, { design, runs, seed, vary, explicit: opts.design !== undefined })
  } catch (e) {
    if (e instanceof ScenarioRejected) throw usage(`--${e.field} ${e.message}`)
    throw e
  }
  const { tasks } = designed
  return { design, tasks, vary, k, reps: 1, announce: `${design} design: ${tasks.length} runs` }
}

/** Milestone ticks of each design row's repetitions (results in any order), for oatEffects. */
const outcomesByRow = (results: ReadonlyArray<SweepRunResult>, rows: number, reps: number) => {
  const out: Array<Array<Record<string, number | null>>> = Array.from({ length: rows }, () => [])
  for (const r of results) out[Math.floor(r.index / reps)]?.push(r.milestones)
  return out
}

/**
 * The one-at-a-time report: each parameter's low and high value and the milestone dates at either
 * end, widest swing first (a tornado as a table), dates as `date(tick)` prints them.
 */
export const oatReport = (
  plan: DesignPlan,
  results: ReadonlyArray<SweepRunResult>,
  labels: ReadonlyArray<string>,
  censorTick: number,
  date: (tick: number | null) => string,
) => {
  const { point, effects } = oatEffects(
    plan.oat!,
    outcomesByRow(results, plan.oat!.length, plan.reps),
    labels,
    censorTick,
  )
  return {
    point: Object.fromEntries(labels.map((l) => [l, date(point[l])])),
    effects: effects.map((e) => ({
      path: e.path,
      point: e.point,
      low: e.low,
      high: e.high,
      milestones: Object.fromEntries(
        labels.map((l) => {
          const m = e.milestones[l]
          return [l, { low: date(m.low), high: date(m.high), swingMonths: m.swing }]
        }),
      ),
    })),
  }
}

/** The one-at-a-time report as a table: "AGI low/high" columns per milestone, widest swing first. */
export const formatOat = (report: ReturnType<typeof oatReport>, labels: ReadonlyArray<string>): string => {
  const shown = labels.filter((l) => report.effects.some((e) => e.milestones[l].low !== e.milestones[l].high))
  const cols = shown.length ? shown : labels.slice(0, 2)
  const n = (x: number) => String(Number(x.toPrecision(4)))
  return `\nOne at a time (each parameter moved alone from the point row; widest swing first):\n${table([
    ["parameter", "low", "high", ...cols.flatMap((l) => [`${l} low`, `${l} high`])],
    ["(point values)", "", "", ...cols.flatMap((l) => [report.point[l], ""])],
    ...report.effects.map((e) => [
      e.path,
      n(e.low),
      n(e.high),
      ...cols.flatMap((l) => [e.milestones[l].low, e.milestones[l].high]),
    ]),
  ])}`
}

/** The grid's points with each milestone's date (the median of the repetitions), in design order. */
export const gridReport = (
  plan: DesignPlan,
  results: ReadonlyArray<SweepRunResult>,
  labels: ReadonlyArray<string>,
  date: (tick: number | null) => string,
) => {
  const rows = gridDesign(plan.axes!)
  const outcomes = outcomesByRow(results, rows.length, plan.reps)
  return rows.map((values, i) => ({
    values,
    milestones: Object.fromEntries(labels.map((l) => [l, date(medianTick(outcomes[i].map((o) => o[l] ?? null)))])),
  }))
}

/** The grid report as a table (the first `max` points; the CSV has them all). */
export const formatGrid = (
  report: ReturnType<typeof gridReport>,
  axes: ReadonlyArray<GridAxis>,
  labels: ReadonlyArray<string>,
  max = 40,
): string => {
  const more = report.length > max ? `(${report.length - max} more points in the CSV)\n` : ""
  return `\nGrid points (milestone dates${report.length ? "" : ": none ran"}):\n${table([
    [...axes.map((a) => a.path), ...labels],
    ...report
      .slice(0, max)
      .map((p) => [...axes.map((a) => String(p.values[a.path])), ...labels.map((l) => p.milestones[l])]),
  ])}${more}`
}
