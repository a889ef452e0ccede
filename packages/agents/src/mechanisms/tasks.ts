import { Column, defineEvent, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { aggregateAutomation, occupationTarget } from "../economy/automation.js"
import type { Derived } from "../economy/derive.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { K, OCCUPATIONS } from "../economy/sets.js"
import { isOver } from "../economy/state.js"
import { yearAtTick } from "../time.js"

/**
 * Work that stays human and the task-based special cases (docs/model.md, "Work that stays human"
 * and "The aggregate special cases"). New tasks (Acemoglu-Restrepo's reinstatement) appear as
 * automation proceeds and age into automatable ones; some work people prefer done by people:
 *   n_k' = n_k + (eta x a_k x (1 - n_k) - n_k / tau) / 12     (n_k: share of k's tasks that are new)
 *   target_k = min(1 - h_k, capability x cost target_k x (1 - n_k))   (h_k: human-preferred share)
 * Two switches turn the economy into the textbook task models (and ignore n and h):
 *   exogenous automation:   target_k = a0_k + (1 - a0_k) x clamp((year - start) / (full - start), 0, 1)
 *     instead of capability x cost (Acemoglu-Restrepo's automation frontier as a path);
 *   machines from capital:  the machine supplies are the capital stock, split across traditional
 *     capital, AI and robot services in proportion to last month's payments (a common return):
 *       K_j = K x pay_j / (pay_K + pay_AI + pay_robot),  M_AI = theta x K_AI,  M_robot = theta x K_robot
 * With both at full automation and no fixed factor, Y = A K (docs/model.md derives A).
 */

export const params = [
  param(
    "tasks.newTaskRatePerYear",
    "1/yr",
    0,
    1,
    "New task creation",
    "New tasks created per year per unit of an occupation's automated share (Acemoglu-Restrepo reinstatement); new tasks are not automatable until they age.",
  ),
  param(
    "tasks.newTaskAgingYears",
    "years",
    0.5,
    100,
    "New task ageing",
    "Mean years until a new task becomes as automatable as the occupation's old ones.",
  ),
  ...OCCUPATIONS.map((o) =>
    param(
      `occupations.${o}.humanPreferredShare`,
      "fraction",
      0,
      1,
      `${o} human-preferred share`,
      "Share of the occupation's tasks people want done by people (care, authenticity, accountability): never automated; paid from the demand for them.",
    ),
  ),
  param(
    "tasks.exogenousAutomation",
    "0/1",
    0,
    1,
    "Exogenous automation path",
    "1: every occupation's automation target follows a straight path from its 2024 share to 1 between the start and full-automation years, regardless of capability and cost (task-based special case).",
    true,
  ),
  param(
    "tasks.pathStartYear",
    "year",
    2024,
    3000,
    "Automation path start",
    "Year the exogenous automation path leaves the 2024 shares.",
  ),
  param(
    "tasks.pathFullYear",
    "year",
    2024,
    3000,
    "Full automation year",
    "Year the exogenous automation path reaches 100% of tasks.",
  ),
  param(
    "tasks.machinesFromCapital",
    "0/1",
    0,
    1,
    "Machines from capital",
    "1: AI and robot task services are the saved capital stock at a common return (one-sector growth model), not the chip and robot industries' output.",
    true,
  ),
  param(
    "tasks.workerEqPerMachineUsd",
    "worker-eq/USD",
    1e-9,
    1,
    "Machine productivity",
    "Worker-equivalents of task work one USD of machine capital does (theta) when machines come from capital.",
  ),
]

/** The share of each occupation's tasks that are new (not yet automatable) after this month. */
export const TasksCreated = defineEvent("TasksCreated", 1, Schema.Struct({ newTaskShare: sized(Column.f64, K) }))

export const events = [TasksCreated] as const

/** New tasks appear in proportion to how much of the occupation is automated, and age out. */
export const systems: Systems<typeof events> = [
  {
    name: "tasks",
    decide: (st) => {
      const v = st.p.v
      if (isOver(st) || v["tasks.newTaskRatePerYear"] <= 0) return []
      const next = new Float64Array(K)
      for (let k = 0; k < K; k++) {
        const n = st.newTaskShare[k]
        const created = v["tasks.newTaskRatePerYear"] * aggregateAutomation(st, k) * (1 - n)
        next[k] = Math.min(1, Math.max(0, n + (created - n / v["tasks.newTaskAgingYears"]) / 12))
      }
      return [TasksCreated.make({ newTaskShare: next })]
    },
  },
]

export const reducers: Reducers<typeof events> = {
  TasksCreated: (st, d) => {
    st.newTaskShare.set(d.newTaskShare)
  },
}

/** Fraction of the exogenous path covered at a tick (0 before the start year, 1 from the full year). */
const pathProgress = (p: Derived, tick: number): number => {
  const v = p.v
  const year = yearAtTick(p.startYear, tick)
  const span = v["tasks.pathFullYear"] - v["tasks.pathStartYear"]
  if (span <= 0) return year >= v["tasks.pathFullYear"] ? 1 : 0
  return Math.min(1, Math.max(0, (year - v["tasks.pathStartYear"]) / span))
}

// Parameter paths built once: a key built in the monthly call costs ~0.1 us a lookup.
const HUMAN_PREFERRED_KEYS = OCCUPATIONS.map((o) => `occupations.${o}.humanPreferredShare` as const)
const AUTOMATED_2024_KEYS = OCCUPATIONS.map((o) => `occupations.${o}.automatedShare2024` as const)

/**
 * Occupation k's automation target: capability x cost (`economy/automation.ts`) on the tasks that
 * are not new, at most the share people do not prefer done by people; or the exogenous path when
 * `tasks.exogenousAutomation` is on.
 */
export const automationTarget = (
  p: Derived,
  k: number,
  tick: number,
  frontierLog10: number,
  aiCost: number,
  robotCost: number,
  wage: number,
  newTaskShare: number,
): number => {
  if (p.v["tasks.exogenousAutomation"] !== 1) {
    const base = occupationTarget(p, k, frontierLog10, aiCost, robotCost, wage) * (1 - newTaskShare)
    return Math.min(1 - p.v[HUMAN_PREFERRED_KEYS[k]], base)
  }
  const a0 = p.v[AUTOMATED_2024_KEYS[k]]
  return a0 + (1 - a0) * pathProgress(p, tick)
}

/** How the capital stock splits when machines come from capital. */
export interface CapitalSplit {
  readonly traditional: number
  readonly aiSupply: number
  readonly robotSupply: number
}

/**
 * Splits capital across traditional capital and machine services in proportion to last month's
 * payments, so each unit earns the same (a common return). Before any payment (the first month)
 * it splits by the Cobb-Douglas shares: alpha to traditional capital, the rest by task weights.
 */
export const capitalSplit = (
  p: Derived,
  capital: number,
  pay: { readonly capital: number; readonly ai: number; readonly robot: number },
): CapitalSplit => {
  let wAi = pay.ai
  let wRobot = pay.robot
  let wK = pay.capital
  if (!(wK + wAi + wRobot > 0)) {
    wK = p.alpha
    wAi = 0
    wRobot = 0
    for (let s = 0; s < p.beta.length; s++)
      for (let k = 0; k < K; k++) {
        const w = (1 - p.alpha) * p.beta[s] * p.omega[s * K + k]
        if (p.physical[k]) wRobot += w
        else wAi += w
      }
  }
  const total = wK + wAi + wRobot
  const theta = p.v["tasks.workerEqPerMachineUsd"]
  return {
    traditional: (capital * wK) / total,
    aiSupply: Math.max(1, (theta * capital * wAi) / total),
    robotSupply: Math.max(1, (theta * capital * wRobot) / total),
  }
}
