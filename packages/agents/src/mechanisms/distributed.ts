import type { Derived } from "../economy/derive.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"

/**
 * Distributed inference (docs/model.md, "Distributed inference"). AI computers in cars and robots
 * sell idle inference beside the data centres:
 *   chips(t) = min(max chips, chips2024 x (1 + g_chips)^(t/12))
 *   H100e(t) = chips(t) x H100e per chip 2024 x (1 + g_perf)^(t/12) x available share
 * It has no decisions or events of its own: the markets add it to the AI supply each month.
 */

export const params = [
  param(
    "distributed.chips2024",
    "chips",
    0,
    1e12,
    "Edge AI chips 2024",
    "AI computers in cars and robots able to sell idle inference.",
  ),
  param(
    "distributed.chipsGrowthPerYear",
    "fraction/yr",
    0,
    10,
    "Edge chip growth",
    "Growth of the edge AI chip fleet.",
  ),
  param("distributed.maxChips", "chips", 0, 1e13, "Edge chip ceiling", "Largest edge AI fleet."),
  param(
    "distributed.h100ePerChip2024",
    "H100e",
    0,
    100,
    "Edge chip performance",
    "Performance of one edge AI computer in H100e at the start.",
  ),
  param(
    "distributed.perfGrowthPerYear",
    "fraction/yr",
    0,
    5,
    "Edge chip performance growth",
    "Growth of edge chip performance.",
  ),
  param(
    "distributed.availableShare",
    "fraction",
    0,
    1,
    "Edge availability",
    "Share of time edge chips sell inference (idle, powered at home).",
  ),
]

export const events = [] as const
export const systems: Systems<typeof events> = []
export const reducers: Reducers<typeof events> = {}

/** Edge AI chips (cars, robots) and their H100e at a tick. */
export const distributedH100e = (p: Derived, tick: number): number => {
  const chips = Math.min(
    p.v["distributed.maxChips"],
    p.v["distributed.chips2024"] * (1 + p.v["distributed.chipsGrowthPerYear"]) ** (tick / 12),
  )
  return (
    chips *
    p.v["distributed.h100ePerChip2024"] *
    (1 + p.v["distributed.perfGrowthPerYear"]) ** (tick / 12) *
    p.v["distributed.availableShare"]
  )
}
