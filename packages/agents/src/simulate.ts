import { RunLoop, Simulation } from "@takeoff/core"
import type { EconomyEvent } from "./events.js"
import { economyKit } from "./kit.js"
import { computeMetrics } from "./metrics.js"
import { economyModel } from "./model.js"
import type { EconomyConfig } from "./scenario.js"
import { type EconomyState, X } from "./state.js"
import { dateToTick, tickToDate, untilTickForYear } from "./time.js"

export interface Peak {
  readonly value: number
  readonly date: string
}

/** What a run came to: milestone dates (null: not reached), catastrophe, metrics at checkpoints, peaks. */
export interface RunOutcome {
  readonly scenario: string
  readonly seed: number
  readonly untilYear: number
  readonly lastDate: string
  readonly milestones: {
    readonly agi: string | null
    readonly asi: string | null
    readonly postScarcity: string | null
  }
  readonly catastrophe: string | null
  /** Metrics in December of 2030, 2040, 2050 (null if the run ended before) and at the end. */
  readonly metrics: Readonly<Record<"2030" | "2040" | "2050" | "end", Readonly<Record<string, number>> | null>>
  readonly peaks: { readonly aiShare: Peak; readonly unemploymentRate: Peak; readonly gdpGrowth: Peak }
}

export interface SimulateOptions {
  readonly seed: number
  /** Last simulated year, inclusive (default the scenario's endYear). */
  readonly untilYear?: number
  /** Keep the full NDJSON log in the result (default false). */
  readonly log?: boolean
  /** Called after every tick with that tick's events and the state (projections only). */
  readonly onTick?: (tick: number, events: ReadonlyArray<EconomyEvent>, state: EconomyState, text: string) => void
  readonly stateHashEvery?: number
  readonly snapshotEvery?: number
}

export interface SimulateResult {
  readonly outcome: RunOutcome
  readonly state: EconomyState
  /** The complete log (header, ticks, end) when `log` was set, else "". */
  readonly text: string
  readonly ticks: number
}

/**
 * Runs a scenario from its start to December of `untilYear` (or a catastrophe) and summarises it.
 *
 * @example
 * const { outcome } = simulate(loadScenario("baseline"), { seed: 7, untilYear: 2060 })
 * outcome.milestones.agi // "2033-04" or null
 */
export const simulate = (config: EconomyConfig, options: SimulateOptions): SimulateResult => {
  const untilYear = options.untilYear ?? config.endYear
  const last = untilTickForYear(config, untilYear)
  const log = options.log ?? false
  const sim = Simulation.create(economyModel, config, {
    seed: options.seed,
    log,
    stateHashEvery: options.stateHashEvery,
    snapshotEvery: options.snapshotEvery,
    meta: { scenario: config.name },
  })
  const parts: string[] = log ? [`${sim.headerLine}\n`] : []
  const checkpoints = new Map<number, "2030" | "2040" | "2050">()
  for (const y of ["2030", "2040", "2050"] as const) checkpoints.set(dateToTick(config, `${y}-12`), y)
  const metrics: Record<"2030" | "2040" | "2050" | "end", Record<string, number> | null> = {
    "2030": null,
    "2040": null,
    "2050": null,
    end: null,
  }
  const peaks = {
    aiShare: { value: Number.NEGATIVE_INFINITY, date: "" },
    unemploymentRate: { value: Number.NEGATIVE_INFINITY, date: "" },
    gdpGrowth: { value: Number.NEGATIVE_INFINITY, date: "" },
  }
  let m: Record<string, number> = {}
  let tick = -1
  // The one run loop: it stops at `last` or after a catastrophe (the kit's end event) and writes
  // the end record, as `takeoff run` and the server do.
  const loop = new RunLoop(sim, {
    untilTick: last,
    endEvents: economyKit.endEvents,
    sink: log ? { append: (_tick, text) => parts.push(text), close: (endLine) => parts.push(endLine) } : undefined,
    onTick: (r, state) => {
      tick = r.tick
      options.onTick?.(r.tick, r.events, state, r.text)
      m = computeMetrics(state, config)
      const date = tickToDate(config, r.tick)
      for (const key of ["aiShare", "unemploymentRate", "gdpGrowth"] as const) {
        if (m[key] > peaks[key].value) peaks[key] = { value: m[key], date }
      }
      const cp = checkpoints.get(r.tick)
      if (cp !== undefined) metrics[cp] = m
    },
  })
  loop.runWhile(() => true)
  metrics.end = m
  const x = sim.state.x
  const date = (t: number) => (t >= 0 ? tickToDate(config, t) : null)
  return {
    outcome: {
      scenario: config.name,
      seed: options.seed,
      untilYear,
      lastDate: tickToDate(config, tick),
      milestones: { agi: date(x[X.agiTick]), asi: date(x[X.asiTick]), postScarcity: date(x[X.postScarcityTick]) },
      catastrophe: date(x[X.catastropheTick]),
      metrics,
      peaks,
    },
    state: sim.state,
    text: parts.join(""),
    ticks: tick + 1,
  }
}
