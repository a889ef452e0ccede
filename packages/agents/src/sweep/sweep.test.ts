import { deriveSeed, ScenarioRejected } from "@takeoff/core"
import { describe, expect, it } from "vitest"
import { economyKit } from "../kit.js"
import { loadScenario } from "../scenario.js"
import { runSweepMember, type SweepPlan } from "./run.js"
import { sweepTasks } from "./plan.js"
import { gridPoints, sweepStats } from "./stats.js"

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

  it("plans a grid: every combination, each point repeated with the same seeds, integer levels rounded", () => {
    const base = loadScenario("baseline")
    const axes = [
      { path: "ai.mfu", values: [0.3, 0.5] },
      { path: "firms.count", values: [200.2, 200.4, 300] },
    ]
    const d = sweepTasks(economyKit, base, { design: "grid", runs: 2, seed: 4, vary: [], axes })
    // The integer parameter's 200.2 and 200.4 both round to 200: a 2 x 2 grid, not 2 x 3.
    expect(d.axes).toEqual([axes[0], { path: "firms.count", values: [200, 300] }])
    expect(d.reps).toBe(2)
    expect(d.tasks.map((t) => t.draws)).toEqual(
      [
        { "ai.mfu": 0.3, "firms.count": 200 },
        { "ai.mfu": 0.3, "firms.count": 300 },
        { "ai.mfu": 0.5, "firms.count": 200 },
        { "ai.mfu": 0.5, "firms.count": 300 },
      ].flatMap((row) => [row, row]),
    )
    expect(d.tasks.map((t) => t.seed)).toEqual([0, 1, 0, 1, 0, 1, 0, 1].map((j) => deriveSeed(4, j)))
    expect(d.tasks.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    // The milestone by parameter value: each point's median over its repetitions.
    const fake = d.tasks.map((t) => ({ index: t.index, milestones: { AGI: t.index < 2 ? null : 100 + t.index } }))
    const points = gridPoints(d.axes!, fake as never, d.reps, ["AGI"])
    expect(points.map((p) => p.milestones.AGI)).toEqual([null, 102.5, 104.5, 106.5])
    expect(points.every((p) => p.runs === 2)).toBe(true)
    const refused = (req: Partial<Parameters<typeof sweepTasks>[2]>) => {
      try {
        sweepTasks(economyKit, base, { design: "grid", runs: 1, seed: 1, vary: [], ...req })
      } catch (e) {
        return `${(e as ScenarioRejected).field}: ${(e as ScenarioRejected).message}`
      }
      return "accepted"
    }
    expect(refused({ axes: [] })).toBe("axes: grid: expected at least one parameter and its levels")
    expect(refused({ axes: [axes[0], axes[0]] })).toBe("axes.1.path: ai.mfu given twice; one axis per parameter")
    expect(refused({ axes, runs: 3, maxMembers: 10 })).toBe(
      "axes: the grid is 2 x 2 = 4 points x 3 runs each = 12 runs, over the limit of 10; use fewer levels",
    )
    expect(refused({ axes, vary: [{ path: "ai.mfu", lo: 0.1, hi: 0.2 }] })).toMatch(/^vary: grid: /)
  })

  it("plans one at a time: the point row, then each chosen distribution and range alone at its ends", () => {
    const base = loadScenario("baseline")
    const d = sweepTasks(economyKit, base, {
      design: "oat",
      runs: 1,
      seed: 1,
      vary: [{ path: "macro.savingRate", lo: 0.2, hi: 0.3 }],
      sample: ["ai.flopGapScale"],
    })
    expect(d.oat!.map((r) => `${r.moved}:${r.end}`)).toEqual([
      "null:null",
      "ai.flopGapScale:low",
      "ai.flopGapScale:high",
      "macro.savingRate:low",
      "macro.savingRate:high",
    ])
    expect(d.tasks.map((t) => t.draws!["macro.savingRate"])).toEqual([0.26, 0.26, 0.26, 0.2, 0.3])
    expect(() =>
      sweepTasks(economyKit, base, { design: "oat", runs: 300, seed: 1, vary: [], maxMembers: 2000 }),
    ).toThrow(/over the limit of 2000/)
  })
})
