import { Rng } from "@takeoff/core"
import { type Distribution, type EconomyConfig, specOf } from "./config.js"

/** Sampling: drawing a scenario's uncertain parameters for an ensemble run. */

const draw = (rng: Rng, d: Distribution): number => {
  switch (d.type) {
    case "normal":
      return d.mean + d.sd * rng.normal()
    case "lognormal":
      return rng.logNormal(d.median, d.sigma)
    case "uniform":
      return d.min + (d.max - d.min) * rng.float()
    case "triangular": {
      const u = rng.float()
      const c = (d.mode - d.min) / (d.max - d.min || 1)
      return u < c
        ? d.min + Math.sqrt(u * (d.max - d.min) * (d.mode - d.min))
        : d.max - Math.sqrt((1 - u) * (d.max - d.min) * (d.max - d.mode))
    }
  }
}

/**
 * Draws every declared distribution (in path order, from `seed`), clamped to the parameter bounds.
 *
 * @example
 * const { config: run, draws } = sampleScenario(config, deriveSeed(7, i))
 */
export const sampleScenario = (
  config: EconomyConfig,
  seed: number,
): { config: EconomyConfig; draws: Record<string, number> } => {
  const rng = Rng.fromSeed(seed)
  const draws: Record<string, number> = {}
  for (const path of Object.keys(config.distributions).sort()) {
    const spec = specOf(path)!
    let v = Math.min(spec.max, Math.max(spec.min, draw(rng, config.distributions[path])))
    if (spec.integer) v = Math.round(v)
    draws[path] = v
  }
  return { config: { ...config, values: { ...config.values, ...draws } }, draws }
}
