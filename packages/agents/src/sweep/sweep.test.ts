import { deriveSeed, ScenarioRejected } from "@takeoff/core"
import { describe, expect, it } from "vitest"
import { economyKit } from "../kit.js"
import { loadScenario } from "../scenario.js"
import { runSweepMember, type SweepPlan } from "./run.js"
import { sweepTasks } from "./plan.js"
import { sweepStats } from "./stats.js"

const plan: SweepPlan = {
  model: economyKit.model.name,
  scenario: "baseline",
  sets: [],
  vary: [],
  lastTick: 23,
  fanKeys: ["aiShare", "gdpUsd"],
  finalKeys: ["gdpUsd"],
}

describe("sweep engine", () => {
  it("samples only the distributions asked for, the same way for every design", () => {
    const base = loadScenario("baseline")
    const sample = ["ai.flopGapScale", "firms.adoptionLagMonths"]
    for (const design of ["lhs", "random", "saltelli"] as const) {
      const { tasks } = sweepTasks(economyKit, base, { design, runs: 4, seed: 9, vary: [], sample })
      expect(tasks.length).toBe(design === "saltelli" ? 4 * (2 + 2) : 4)
      for (const t of tasks) expect(Object.keys(t.draws ?? {}).sort()).toEqual(sample)
      expect(tasks.map((t) => t.seed)).toEqual(tasks.map((_, i) => deriveSeed(9, i)))
    }
    expect(() =>
      sweepTasks(economyKit, base, { design: "lhs", runs: 2, seed: 1, vary: [], sample: ["ai.nope"] }),
    ).toThrow(ScenarioRejected)
  })

  it("records each member's series once a year and counts a milestone never reached as not reached", () => {
    const { tasks } = sweepTasks(economyKit, loadScenario("baseline"), { design: "lhs", runs: 2, seed: 1, vary: [] })
    const results = tasks.map((t) => runSweepMember(economyKit, plan, t))
    // Given two years of monthly ticks, the series is taken each December.
    for (const r of results) {
      expect(r.yearTicks).toEqual([11, 23])
      expect(r.yearly.aiShare).toHaveLength(2)
      expect(r.yearly.gdpUsd.every((v) => v > 0)).toBe(true)
    }
    // No run reaches ASI by 2025: its share reached is 0, not 1.
    const asi = sweepStats(results, ["ASI"]).milestones[0]
    expect(results.every((r) => r.milestones.ASI === null)).toBe(true)
    expect(asi.reached).toBe(0)
    // The same member run twice gives the same result (nothing depends on the worker).
    expect(runSweepMember(economyKit, plan, tasks[1])).toEqual(results[1])
  })
})
