import {
  DESIGNS,
  type GridAxis,
  gridAxisLevels,
  gridLevels,
  gridPoints,
  type OatRow,
  oatEffectsDated,
  rowOutcomes,
  sweepTasks,
} from "@takeoff/agents"
import { type ModelKit, ScenarioRejected } from "@takeoff/core"
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
  // Each level is checked on top of the scenario loaded once (the kit's `override`: a few ms a
  // level, where loading the scenario again for each took ~150 ms).
  const base = kit.scenarios.override ? loadScenarioOrFail(kit, scenario, sets) : undefined
  const check = (path: string, x: number) => {
    if (base === undefined || !kit.scenarios.override)
      return void loadScenarioOrFail(kit, scenario, [...sets, [path, String(x)]], "--vary")
    try {
      kit.scenarios.override(base, { [path]: x })
    } catch (e) {
      if (e instanceof ScenarioRejected) throw usage(`--vary ${e.message}`)
      throw e
    }
  }
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
    values = gridAxisLevels(kit, path, values)
    for (const x of values) check(path, x)
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

/** The flag a refusal of the shared sweep engine is about (its field's first part). */
const FLAG_OF: Readonly<Record<string, string>> = { axes: "--vary", runs: "--runs" }

/**
 * The runs of `--design` over `base`: Latin hypercube (default), random, Saltelli, grid or
 * one-at-a-time, as the shared sweep engine (@takeoff/agents sweepTasks) plans them for the
 * server's sweeps too. This turns the flags into its request: a grid's `--vary` levels into axes,
 * one-at-a-time's `--vary` ranges into the ends to move to, `--runs` into each row's repetitions
 * (default 1; they share seeds, so differences come from the parameters alone).
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
  const rowDesign = design === "grid" || design === "oat"
  if (design === "grid" && opts.vary.length === 0)
    throw usage("--design grid: expected at least one --vary path=lo:hi:n")
  const axes = design === "grid" ? parseGridVary(kit, scenario, sets, opts.vary) : undefined
  const vary = design === "grid" ? [] : opts.ranges()
  const runs = opts.runs ?? (rowDesign ? 1 : 100)
  let designed: ReturnType<typeof sweepTasks>
  try {
    designed = sweepTasks(kit, base, {
      design,
      runs,
      seed: opts.seed,
      vary,
      axes,
      explicit: opts.design !== undefined,
      maxMembers: rowDesign ? MAX_DESIGN_RUNS : undefined,
    })
  } catch (e) {
    if (e instanceof ScenarioRejected) {
      const flag = FLAG_OF[e.field.split(".")[0]]
      throw usage(flag ? `${flag}: ${e.message}` : `--${e.field} ${e.message}`)
    }
    throw e
  }
  const { tasks, reps, distributions: k } = designed
  if (designed.axes) {
    const points = tasks.length / reps
    const shape = `grid of ${designed.axes.map((a) => `${a.values.length} ${a.path}`).join(" x ")} = ${points} points`
    return { design, tasks, vary: [], k, reps, axes: designed.axes, announce: repeated(shape, reps, tasks.length) }
  }
  if (designed.oat) {
    const rows = designed.oat.length
    const shape = `one at a time: 1 point row + 2 x ${(rows - 1) / 2} parameters (${k} distributions at P10/P90${vary.length ? `, ${vary.length} --vary at their ends` : ""}) = ${rows} rows`
    return { design, tasks, vary: [], k, reps, oat: designed.oat, announce: repeated(shape, reps, tasks.length) }
  }
  return { design, tasks, vary, k, reps: 1, announce: `${design} design: ${tasks.length} runs` }
}

const repeated = (shape: string, reps: number, runs: number) =>
  `${shape} x ${reps} run${reps === 1 ? "" : "s"} each = ${runs} runs`

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
) => oatEffectsDated(plan.oat!, rowOutcomes(results, plan.oat!.length, plan.reps), labels, censorTick, date)

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
) =>
  gridPoints(plan.axes!, results, plan.reps, labels).map((p) => ({
    values: p.values,
    milestones: Object.fromEntries(labels.map((l) => [l, date(p.milestones[l])])),
  }))

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
