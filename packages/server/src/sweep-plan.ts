import { type GridAxis, gridLevels, type SweepDesigned, sweepTasks } from "@takeoff/agents"
import { type ModelKit, ScenarioRejected } from "@takeoff/core"
import type { CreateSweepRequest, SweepGridAxisRequest } from "@takeoff/protocol"

/**
 * A grid axis of POST /api/sweeps as levels: its `values`, or `steps` evenly spaced from `lo` to
 * `hi`. Throws ScenarioRejected naming `axes.<i>` when it has neither or both, or lo >= hi.
 *
 * @example
 * gridAxisOf({ path: "ai.mfu", lo: 0.3, hi: 0.5, steps: 3 }, 0) // { path: "ai.mfu", values: [0.3, 0.4, 0.5] }
 */
export const gridAxisOf = (a: SweepGridAxisRequest, i: number): GridAxis => {
  const range = [a.lo, a.hi, a.steps].filter((x) => x !== undefined).length
  const field = `axes.${i}`
  if (a.values !== undefined && range > 0)
    throw new ScenarioRejected({ field, message: `${a.path}: give values, or lo, hi and steps, not both` })
  if (a.values !== undefined) return { path: a.path, values: a.values }
  if (range < 3 || a.lo === undefined || a.hi === undefined || a.steps === undefined)
    throw new ScenarioRejected({ field, message: `${a.path}: expected values, or lo, hi and steps` })
  if (!(a.lo < a.hi)) throw new ScenarioRejected({ field: `${field}.hi`, message: `${a.path}: expected lo < hi` })
  return { path: a.path, values: gridLevels(a.lo, a.hi, a.steps) }
}

/**
 * Checks that the scenario takes `path` = `value` on top of `base` (the scenario with the sweep's
 * overrides), blaming `field`; through the kit's `override` where it has one (a few ms, where
 * loading the scenario again takes tens), as a grid checks every level.
 */
const checkValue = (
  kit: ModelKit,
  req: CreateSweepRequest,
  base: unknown,
  overrides: Readonly<Record<string, unknown>>,
  field: string,
  path: string,
  value: number,
) => {
  try {
    if (kit.scenarios.override) kit.scenarios.override(base, { [path]: value })
    else kit.scenarios.load(req.scenario, { ...overrides, [path]: value })
  } catch (e) {
    if (e instanceof ScenarioRejected) throw new ScenarioRejected({ field, message: `${path}=${value}: ${e.message}` })
    throw e
  }
}

/**
 * The members of a server sweep, planned by the shared sweep engine (@takeoff/agents sweepTasks,
 * as `takeoff sweep` plans them): the ranges to vary and a grid's levels are checked against the
 * scenario first, each refusal naming its field (`vary.<i>`, `axes.<i>`), and a grid or
 * one-at-a-time design over `maxMembers` is refused before it is built.
 *
 * @example
 * planSweep(kit, req, base, overrides, MAX_SWEEP_MEMBERS).tasks.length
 */
export const planSweep = (
  kit: ModelKit,
  req: CreateSweepRequest,
  base: unknown,
  overrides: Readonly<Record<string, unknown>>,
  maxMembers: number,
): SweepDesigned => {
  const vary = req.vary ?? []
  vary.forEach((v, i) => {
    if (!(v.lo < v.hi)) throw new ScenarioRejected({ field: `vary.${i}.hi`, message: "expected lo < hi" })
    for (const end of [v.lo, v.hi]) checkValue(kit, req, base, overrides, `vary.${i}`, v.path, end)
  })
  const axes = req.axes?.map(gridAxisOf)
  const designed = sweepTasks(kit, base, {
    design: req.design ?? "lhs",
    runs: req.runs,
    seed: req.seed ?? 1,
    vary,
    axes,
    sample: req.sample,
    explicit: req.design !== undefined,
    maxMembers,
  })
  // Levels as run (an integer parameter's rounded); a grid is at most maxMembers points, each checked once.
  designed.axes?.forEach((a, i) => {
    for (const x of a.values) checkValue(kit, req, base, overrides, `axes.${i}`, a.path, x)
  })
  return designed
}
