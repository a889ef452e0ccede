import type { MilestoneInfo } from "@takeoff/protocol"
import { dateToYear } from "./format.js"

/**
 * The dashboard's default horizon: the takeoff, not the whole century. A run to 2100 with AGI in
 * 2030 and ASI in 2047 spends three quarters of its x axis after the part people open it for.
 */

/** Years shown before the first AI milestone, so the run-up is visible. */
export const LEAD_YEARS = 4
/** Years shown after ASI, so what follows it is visible. */
export const TRAIL_YEARS = 6

/**
 * The default x range: from LEAD_YEARS before the first AI milestone (AGI or ASI) to TRAIL_YEARS
 * after ASI, or to the run's end while there is no ASI; clipped to `full`, the whole run. Returns
 * `full` itself (the same array) when no AI milestone is known or the frame would not be narrower.
 *
 * @example
 * focusRange([2024, 2101], [agi2030, asi2046]) // [2026, 2052.83]
 */
export const focusRange = (
  full: readonly [number, number] | null,
  milestones: ReadonlyArray<Pick<MilestoneInfo, "kind" | "date">>,
): readonly [number, number] | null => {
  if (full === null) return null
  const years = (kind: MilestoneInfo["kind"]) =>
    milestones.filter((m) => m.kind === kind).map((m) => dateToYear(m.date))
  const ai = [...years("agi"), ...years("asi")]
  if (ai.length === 0) return full
  const asi = years("asi")
  const start = Math.max(full[0], Math.min(...ai) - LEAD_YEARS)
  const end = asi.length ? Math.min(full[1], Math.min(...asi) + TRAIL_YEARS) : full[1]
  return start <= full[0] && end >= full[1] ? full : [start, end]
}
