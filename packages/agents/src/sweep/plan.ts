import { deriveSeed, type ModelKit, ScenarioRejected } from "@takeoff/core"
import { economyModel } from "../model.js"
import { type EconomyConfig, specOf } from "../scenario.js"
import {
  designValues,
  type GridAxis,
  gridDesign,
  gridSize,
  latinHypercube,
  type OatRow,
  oatDesign,
  sampledPaths,
  sampleScenario,
} from "../scenario/sampling.js"
import { saltelliDesign } from "../sensitivity.js"
import type { SweepTask, VaryRange } from "./run.js"

/**
 * A sweep's designs: three sample the scenario's declared distributions (Latin hypercube, Monte
 * Carlo, Saltelli); a grid runs every combination of given levels and one-at-a-time moves each
 * parameter alone to its ends (DESIGNS in scenario/sampling.ts describes them for users).
 */
export const SWEEP_DESIGNS = ["lhs", "random", "saltelli", "grid", "oat"] as const
export type SweepDesign = (typeof SWEEP_DESIGNS)[number]

export interface SweepDesignRequest {
  readonly design: SweepDesign
  /**
   * Runs asked for: a sampled design's members (a Saltelli design's base rows: it runs
   * runs x (parameters + 2)); a grid's or one-at-a-time design's repetitions of each row.
   */
  readonly runs: number
  /** The sweep seed: run i gets deriveSeed(seed, i), a grid or OAT row's repetition j deriveSeed(seed, j). */
  readonly seed: number
  /**
   * Uniform ranges drawn per run from its seed (lhs, random), or the ends each parameter is moved
   * to alone (oat); refused by Saltelli and grid designs.
   */
  readonly vary: ReadonlyArray<VaryRange>
  /** A grid's parameters and the levels each takes (grid only). */
  readonly axes?: ReadonlyArray<GridAxis>
  /** The declared distributions to sample, or to move one at a time (default all); the others keep the scenario's value. */
  readonly sample?: ReadonlyArray<string>
  /** Whether the design was asked for explicitly (else the default may fall back to random). */
  readonly explicit?: boolean
  /** The most members the caller runs: a larger grid or OAT design is refused, naming its count, before it is built. */
  readonly maxMembers?: number
}

export interface SweepDesigned {
  readonly tasks: SweepTask[]
  /** The design used: the one asked for, or random for a model without distributions when none was asked for. */
  readonly design: SweepDesign
  /** How many declared distributions the design samples. */
  readonly distributions: number
  /** Runs per design row: a grid's or OAT design's `runs`, else 1. Row r's runs are tasks r x reps .. r x reps + reps - 1. */
  readonly reps: number
  /** The grid's axes as run (an integer parameter's levels rounded, repeats merged). */
  readonly axes?: ReadonlyArray<GridAxis>
  /** The one-at-a-time design's rows (the point row first). */
  readonly oat?: ReadonlyArray<OatRow>
}

const refuse = (message: string) => new ScenarioRejected({ field: "design", message })

/**
 * A grid axis's levels as the model takes them: an integer parameter's rounded to whole numbers
 * (repeats merged), in the order given.
 *
 * @example
 * gridAxisLevels(economyKit, "firms.count", [10.4, 10.6, 11]) // [10, 11]
 */
export const gridAxisLevels = (kit: ModelKit, path: string, values: ReadonlyArray<number>): number[] =>
  kit.model.name === economyModel.name && specOf(path)?.integer ? [...new Set(values.map(Math.round))] : [...values]

/**
 * Design rows repeated `reps` times each: row r's repetition j is run r x reps + j, with seed
 * deriveSeed(seed, j), so every row sees the same seeds and differences come from the parameters alone.
 */
const repeatRows = (rows: ReadonlyArray<Readonly<Record<string, number>>>, reps: number, seed: number): SweepTask[] =>
  rows.flatMap((draws, r) =>
    Array.from({ length: reps }, (_, j) => ({ index: r * reps + j, seed: deriveSeed(seed, j), draws })),
  )

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** A full factorial grid over `req.axes`, each point repeated `req.runs` times. */
const gridTasks = (kit: ModelKit, req: SweepDesignRequest, k: number): SweepDesigned => {
  if (req.vary.length > 0)
    throw new ScenarioRejected({
      field: "vary",
      message: "grid: parameters take levels (axes), not ranges to draw from",
    })
  if (req.sample !== undefined)
    throw new ScenarioRejected({ field: "sample", message: "grid: distributions stay at their point values" })
  const given = req.axes ?? []
  if (given.length === 0)
    throw new ScenarioRejected({ field: "axes", message: "grid: expected at least one parameter and its levels" })
  const seen = new Set<string>()
  const axes = given.map((a, i): GridAxis => {
    if (seen.has(a.path))
      throw new ScenarioRejected({ field: `axes.${i}.path`, message: `${a.path} given twice; one axis per parameter` })
    seen.add(a.path)
    return { path: a.path, values: gridAxisLevels(kit, a.path, a.values) }
  })
  const points = gridSize(axes)
  const total = points * req.runs
  if (req.maxMembers !== undefined && total > req.maxMembers)
    throw new ScenarioRejected({
      field: "axes",
      message: `the grid is ${axes.map((a) => a.values.length).join(" x ")} = ${points} points x ${plural(req.runs, "run")} each = ${total} runs, over the limit of ${req.maxMembers}; use fewer levels`,
    })
  return {
    tasks: repeatRows(gridDesign(axes), req.runs, req.seed),
    design: "grid",
    distributions: k,
    reps: req.runs,
    axes,
  }
}

/** Each parameter (the sampled distributions to their P10/P90, `req.vary` to its ends) moved alone, each row repeated `req.runs` times. */
const oatTasks = (config: EconomyConfig, req: SweepDesignRequest, k: number): SweepDesigned => {
  const rows = oatDesign(config, req.vary)
  if (rows.length === 1)
    throw refuse("oat: the scenario declares no distributions to move and no ranges (vary) were given")
  const total = rows.length * req.runs
  if (req.maxMembers !== undefined && total > req.maxMembers)
    throw new ScenarioRejected({
      field: "runs",
      message: `oat: ${rows.length} rows x ${req.runs} = ${total} runs, over the limit of ${req.maxMembers}`,
    })
  return {
    tasks: repeatRows(
      rows.map((r) => r.values),
      req.runs,
      req.seed,
    ),
    design: "oat",
    distributions: k,
    reps: req.runs,
    oat: rows,
  }
}

/**
 * The runs of a sweep: each one's index, seed and (for a Latin hypercube, Saltelli, grid or
 * one-at-a-time design) its parameter values, all made here, once, from the sweep seed, so results
 * never depend on the workers. The sampled designs and one-at-a-time need the economy's
 * distributions; another model's runs draw from their seeds (or take a grid's levels). Throws
 * ScenarioRejected naming the field (`design`, `sample`, `vary`, `axes`, `runs`) the request
 * cannot have.
 *
 * @example
 * const { tasks } = sweepTasks(economyKit, config, { design: "lhs", runs: 100, seed: 1, vary: [] })
 * const grid = sweepTasks(economyKit, config, {
 *   design: "grid", runs: 1, seed: 1, vary: [], axes: [{ path: "ai.mfu", values: [0.3, 0.5] }],
 * }) // 2 tasks, draws { "ai.mfu": 0.3 } and { "ai.mfu": 0.5 }
 */
export const sweepTasks = (kit: ModelKit, base: unknown, req: SweepDesignRequest): SweepDesigned => {
  const { design, runs, seed } = req
  if (!SWEEP_DESIGNS.includes(design)) throw refuse(`${design}: expected one of ${SWEEP_DESIGNS.join(", ")}`)
  const economy = kit.model.name === economyModel.name
  if (design !== "random" && design !== "grid" && !economy && req.explicit)
    throw refuse(`${design}: model ${kit.model.name} supports only random or grid`)
  if (design !== "grid" && req.axes !== undefined && req.axes.length > 0)
    throw new ScenarioRejected({ field: "axes", message: `${design}: only a grid design takes axes` })
  const config = economy && req.sample ? sampleOnly(base as EconomyConfig, req.sample) : (base as EconomyConfig)
  if (!economy && req.sample)
    throw new ScenarioRejected({ field: "sample", message: `model ${kit.model.name} declares no distributions` })
  const k = economy ? sampledPaths(config).length : 0
  if (design === "grid") return gridTasks(kit, req, k)
  if (design === "oat") return oatTasks(config, req, k)
  if (design === "saltelli" && k === 0) throw refuse("saltelli: the scenario declares no distributions")
  if (design === "saltelli" && req.vary.length > 0)
    throw refuse("saltelli: ranges to vary would break the design; declare a distribution instead")
  const designed = !economy
    ? undefined
    : design === "lhs"
      ? latinHypercube(config, runs, deriveSeed(seed, -1))
      : design === "saltelli"
        ? designValues(config, saltelliDesign(k, runs, deriveSeed(seed, -2)))
        : req.sample
          ? // Random draws of a subset: what each member would draw from its seed, of those paths only.
            Array.from({ length: runs }, (_, i) => sampleScenario(config, deriveSeed(deriveSeed(seed, i), 1)).draws)
          : undefined
  const total = designed?.length ?? runs
  const tasks: SweepTask[] = Array.from({ length: total }, (_, index) => ({
    index,
    seed: deriveSeed(seed, index),
    ...(designed ? { draws: designed[index] } : {}),
  }))
  return { tasks, distributions: k, design: economy ? design : "random", reps: 1 }
}

/** The config with only the named distributions declared; throws ScenarioRejected naming `sample` for an unknown one. */
const sampleOnly = (config: EconomyConfig, paths: ReadonlyArray<string>): EconomyConfig => {
  const declared = sampledPaths(config)
  paths.forEach((p, i) => {
    if (!declared.includes(p))
      throw new ScenarioRejected({
        field: `sample.${i}`,
        message: `"${p}" has no distribution in this scenario (sampled: ${declared.join(", ")})`,
      })
  })
  return { ...config, distributions: Object.fromEntries(paths.map((p) => [p, config.distributions[p]])) }
}

/**
 * Firms per sweep run unless the sweep sets `firms.count` itself: milestone percentiles at this
 * count match those at ten times as many (docs/model.md, "Sweeps: firms per run"), at a fraction
 * of the cost of a 10,000-firm run.
 */
export const SWEEP_FIRMS = 2000

/**
 * The firm count a sweep of the economy runs with when it does not say: the scenario's own count,
 * at most SWEEP_FIRMS. Undefined for another model, or when the overrides set `firms.count`.
 *
 * @example
 * sweepFirmsDefault(economyKit, baseline, {}) // 2000 (baseline has 10,000)
 */
export const sweepFirmsDefault = (
  kit: ModelKit,
  base: unknown,
  overrides: Readonly<Record<string, unknown>>,
): number | undefined => {
  if (kit.model.name !== economyModel.name || "firms.count" in overrides) return undefined
  const count = (base as EconomyConfig).values["firms.count"]
  return count > SWEEP_FIRMS ? SWEEP_FIRMS : undefined
}
