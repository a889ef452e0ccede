import { deriveSeed, type ModelKit, ScenarioRejected } from "@takeoff/core"
import { economyModel } from "../model.js"
import type { EconomyConfig } from "../scenario.js"
import { designValues, latinHypercube, sampledPaths, sampleScenario } from "../scenario/sampling.js"
import { saltelliDesign } from "../sensitivity.js"
import type { SweepTask, VaryRange } from "./run.js"

/** How a sweep samples the scenario's declared distributions. */
export const SWEEP_DESIGNS = ["lhs", "random", "saltelli"] as const
export type SweepDesign = (typeof SWEEP_DESIGNS)[number]

export interface SweepDesignRequest {
  readonly design: SweepDesign
  /** Runs asked for (a Saltelli design's base rows: it runs runs x (parameters + 2)). */
  readonly runs: number
  /** The sweep seed: run i gets deriveSeed(seed, i); designs are drawn from it once. */
  readonly seed: number
  /** Uniform ranges drawn per run from its seed (not allowed with a Saltelli design). */
  readonly vary: ReadonlyArray<VaryRange>
  /** The declared distributions to sample (default all); the others keep the scenario's value. */
  readonly sample?: ReadonlyArray<string>
  /** Whether the design was asked for explicitly (else the default may fall back to random). */
  readonly explicit?: boolean
}

export interface SweepDesigned {
  readonly tasks: SweepTask[]
  /** The design used: the one asked for, or random for a model without distributions when none was asked for. */
  readonly design: SweepDesign
  /** How many declared distributions the design samples. */
  readonly distributions: number
}

const refuse = (message: string) => new ScenarioRejected({ field: "design", message })

/**
 * The runs of a sweep: each one's index, seed and (for a Latin hypercube or Saltelli design) its
 * parameter values, all drawn here, once, from the sweep seed, so results never depend on the
 * workers. The designs need the economy's distributions; another model's runs draw from their
 * seeds. Throws ScenarioRejected naming `design` for a design the scenario cannot take.
 *
 * @example
 * const { tasks } = sweepTasks(economyKit, config, { design: "lhs", runs: 100, seed: 1, vary: [] })
 */
export const sweepTasks = (kit: ModelKit, base: unknown, req: SweepDesignRequest): SweepDesigned => {
  const { design, runs, seed } = req
  if (!SWEEP_DESIGNS.includes(design)) throw refuse(`${design}: expected one of ${SWEEP_DESIGNS.join(", ")}`)
  const economy = kit.model.name === economyModel.name
  if (design !== "random" && !economy && req.explicit)
    throw refuse(`${design}: model ${kit.model.name} supports only random`)
  const config = economy && req.sample ? sampleOnly(base as EconomyConfig, req.sample) : (base as EconomyConfig)
  if (!economy && req.sample)
    throw new ScenarioRejected({ field: "sample", message: `model ${kit.model.name} declares no distributions` })
  const k = economy ? sampledPaths(config).length : 0
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
  return { tasks, distributions: k, design: economy ? design : "random" }
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
