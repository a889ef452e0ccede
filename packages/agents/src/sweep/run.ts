import { deriveSeed, type ModelKit, Rng, RunLoop, Simulation } from "@takeoff/core"

/** A `--vary path=lo..hi` range: each run draws the parameter uniformly from it. */
export interface VaryRange {
  readonly path: string
  readonly lo: number
  readonly hi: number
}

/** Everything every run of a sweep shares (sent once to each worker). */
export interface SweepPlan {
  /** The model's name (its kit is looked up in this build's registry, on any worker machine). */
  readonly model: string
  readonly scenario: string
  readonly sets: ReadonlyArray<readonly [string, string]>
  readonly vary: ReadonlyArray<VaryRange>
  readonly lastTick: number
  /** Metric keys recorded once a year: the fan charts and each run's time series (long-format output). */
  readonly fanKeys: ReadonlyArray<string>
  /** Metric keys recorded at the end of each run (per-run CSV). */
  readonly finalKeys: ReadonlyArray<string>
}

export interface SweepTask {
  readonly index: number
  readonly seed: number
  /** The run's parameter values from the sweep's design (Latin hypercube, Saltelli); else drawn from its seed. */
  readonly draws?: Readonly<Record<string, number>>
}

/** One run's outcome: its seed and parameter draws (enough to rerun it alone) and what happened. */
export interface SweepRunResult {
  readonly index: number
  readonly seed: number
  /** Parameter path -> value drawn (declared distributions, then --vary ranges). */
  readonly draws: Record<string, number>
  /** Milestone label -> tick reached, or null. */
  readonly milestones: Record<string, number | null>
  readonly lastTick: number
  readonly final: Record<string, number>
  /** Metric key -> value at the last tick of each simulated year (index 0 = the first year). */
  readonly yearly: Record<string, number[]>
  /** The tick each `yearly` entry was taken at (December, or the run's last tick). */
  readonly yearTicks: number[]
}

/**
 * Runs sweep member `task` of `kit`'s model from scratch: draws its parameters from seeds derived from the run's
 * own seed, loads the scenario with those values as overrides (exactly what `takeoff run --seed
 * <seed> --set path=value ...` does) and simulates without writing a log. A pure function of
 * (plan, task), so results never depend on which worker ran it.
 *
 * @example
 * const r = runSweepMember(economyKit, plan, { index: 3, seed: deriveSeed(1, 3) })
 */
export const runSweepMember = (kit: ModelKit, plan: SweepPlan, task: SweepTask, base?: unknown): SweepRunResult => {
  const baseConfig = base ?? kit.scenarios.load(plan.scenario, Object.fromEntries(plan.sets))
  const sampled = task.draws ?? kit.scenarios.sample?.(baseConfig, deriveSeed(task.seed, 1)).draws ?? {}
  const draws: Record<string, number> = { ...sampled }
  const rng = Rng.fromSeed(deriveSeed(task.seed, 2))
  for (const v of plan.vary) draws[v.path] = v.lo + (v.hi - v.lo) * rng.float()
  const config = configFor(kit, plan, baseConfig, draws)
  const sim = Simulation.create(kit.model, config, { seed: task.seed, log: false })
  const labels = new Map(kit.milestones.map((m) => [m.kind, m.label]))
  const milestones: Record<string, number | null> = Object.fromEntries([...labels.values()].map((l) => [l, null]))
  const yearly: Record<string, number[]> = Object.fromEntries(plan.fanKeys.map((k) => [k, []]))
  const yearTicks: number[] = []
  const startYear = Number(kit.calendar.tickToDate(config, 0).slice(0, 4))
  let final: Record<string, number> = {}
  const loop = new RunLoop(sim, {
    untilTick: plan.lastTick,
    endEvents: kit.endEvents,
    onTick: (r, state) => {
      for (const m of kit.milestonesAt(r.events, r.tick, config, state)) {
        const label = labels.get(m.kind) ?? m.kind
        if (milestones[label] === null) milestones[label] = r.tick
      }
      const last = r.tick === plan.lastTick || r.events.some((e) => kit.endEvents.includes(e.type))
      const date = kit.calendar.tickToDate(config, r.tick)
      // Metrics only where they are recorded: once a year and at the end.
      if (date.endsWith("-12") || last) {
        const m = kit.computeMetrics(state, config)
        const year = Number(date.slice(0, 4)) - startYear
        for (const k of plan.fanKeys) yearly[k][year] = m[k]
        yearTicks[year] = r.tick
        if (last) final = m
      }
    },
  })
  const end = loop.runWhile(() => true)
  return {
    index: task.index,
    seed: task.seed,
    draws,
    milestones,
    lastTick: end?.lastTick ?? sim.tick - 1,
    final: Object.fromEntries(plan.finalKeys.map((k) => [k, final[k]])),
    yearly,
    yearTicks,
  }
}

/** Draws as `--set` pairs: numbers in shortest round-trip form, so a rerun gets the same bits. */
export const drawSets = (draws: Record<string, number>): Array<[string, string]> =>
  Object.entries(draws).map(([p, v]) => [p, String(v)])

/**
 * The run's config: the scenario with the sweep's `--set` pairs and then the run's draws, exactly
 * as `takeoff run --set ...` loads it. A kit that can override a loaded config does so without
 * rereading the scenario's files (most of a short run's set-up); others load it again.
 */
const configFor = (kit: ModelKit, plan: SweepPlan, base: unknown, draws: Record<string, number>): unknown => {
  const sets = drawSets(draws)
  if (sets.length === 0) return base
  if (kit.scenarios.override === undefined)
    return kit.scenarios.load(plan.scenario, Object.fromEntries([...plan.sets, ...sets]))
  return kit.scenarios.override(base, Object.fromEntries(sets))
}
