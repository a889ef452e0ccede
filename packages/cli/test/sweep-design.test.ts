import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { takeoff, tempDir } from "./helpers.js"

const csvRows = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(","))

describe("takeoff sweep designs", () => {
  const dir = tempDir()

  it("samples every distribution with a Latin hypercube and reports P5-P95 and the share reached by 2060", () => {
    const out = path.join(dir, "lhs.csv")
    const r = takeoff(["sweep", "baseline", "--runs", "4", "--until", "2060", "--json", "-q", "--out", out])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout)
    expect(s.design).toBe("lhs")
    const agi = s.milestones.find((m: { label: string }) => m.label === "AGI")
    expect(Object.keys(agi)).toEqual(["label", "reached", "reachedBy", "p5", "p10", "p50", "p90", "p95"])
    // The horizon is 2060, so only "by 2060" is asked for, and it equals the share reached at all.
    expect(Object.keys(agi.reachedBy)).toEqual(["2060"])
    expect(agi.reachedBy["2060"]).toBe(agi.reached)
    const rows = csvRows(out)
    const col = rows[0].indexOf("ai.flopGapScale")
    expect(col).toBeGreaterThan(1)
    // Lognormal(1, 0.6) quartiles: a 4-run hypercube puts one run in each quarter of its probability.
    const q = [Math.exp(0.6 * -0.6745), 1, Math.exp(0.6 * 0.6745)]
    const quarters = rows
      .slice(1)
      .map((row) => q.filter((edge) => edge < Number(row[col])).length)
      .sort()
    expect(quarters).toEqual([0, 1, 2, 3])
    expect(s.influences[0].s1).toBeDefined()
  })

  it("runs a Saltelli design, N x (k + 2) runs, and reports first- and total-order Sobol indices", () => {
    const out = path.join(dir, "saltelli.csv")
    const r = takeoff([
      "sweep",
      "baseline",
      "--design",
      "saltelli",
      "--runs",
      "2",
      "--until",
      "2026",
      "--json",
      "-q",
      "--out",
      out,
    ])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout)
    const k = csvRows(out)[0].indexOf("AGI") - 2
    expect(s.runs).toBe(2 * (k + 2))
    expect(Object.keys(s.sobol).length).toBe(k)
    expect(Object.keys(s.sobol["ai.flopGapScale"])).toContain("AGI")
    const bad = takeoff(["sweep", "baseline", "--design", "sobol", "--runs", "2"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--design sobol: expected one of lhs, random, saltelli, grid, oat/)
  })

  it("runs a full factorial grid over --vary levels, says how many runs first, and lists each point", () => {
    const out = path.join(dir, "grid.csv")
    const args = ["sweep", "baseline", "--design", "grid", "--until", "2026", "--out", out]
    const r = takeoff([...args, "--vary", "ai.mfu=0.3:0.5:3", "--vary", "macro.savingRate=0.2,0.3", "--json"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr.split("\n")[0]).toBe("grid of 3 ai.mfu x 2 macro.savingRate = 6 points x 1 run each = 6 runs")
    const s = JSON.parse(r.stdout)
    expect(s.runs).toBe(6)
    expect(s.grid.points.map((p: { values: unknown }) => p.values)).toEqual([
      { "ai.mfu": 0.3, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.3, "macro.savingRate": 0.3 },
      { "ai.mfu": 0.4, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.4, "macro.savingRate": 0.3 },
      { "ai.mfu": 0.5, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.5, "macro.savingRate": 0.3 },
    ])
    // The CSV's parameter columns are the grid's alone: distributions stay at their point values.
    const rows = csvRows(out)
    expect(rows[0].slice(0, 4)).toEqual(["run", "seed", "ai.mfu", "macro.savingRate"])
    expect(rows.slice(1).map((row) => `${row[2]}/${row[3]}`)).toEqual([
      "0.3/0.2",
      "0.3/0.3",
      "0.4/0.2",
      "0.4/0.3",
      "0.5/0.2",
      "0.5/0.3",
    ])
    // Every point runs with the same seed, so differences come from the parameters alone.
    expect(new Set(rows.slice(1).map((row) => row[1])).size).toBe(1)
    const huge = takeoff([...args, "--vary", "ai.mfu=0.1:1:200", "--vary", "macro.savingRate=0.1:0.5:100"])
    expect(huge.code).toBe(2)
    expect(huge.stderr).toMatch(
      /--vary: the grid is 200 x 100 = 20000 points x 1 run each = 20000 runs, over the limit of 10000/,
    )
    const noVary = takeoff(args)
    expect(noVary.code).toBe(2)
    expect(noVary.stderr).toMatch(/--design grid: expected at least one --vary path=lo:hi:n/)
    const badLevel = takeoff([...args, "--vary", "ai.mfu=0.3:5:3"])
    expect(badLevel.code).toBe(2)
    expect(badLevel.stderr).toMatch(/--vary ai\.mfu/)
  })

  it("runs one parameter at a time to its P10 and P90 and lists each one's low/high milestone dates", () => {
    const out = path.join(dir, "oat.csv")
    const r = takeoff([
      "sweep",
      "baseline",
      "--design",
      "oat",
      "--vary",
      "macro.savingRate=0.2..0.3",
      "--until",
      "2030",
      "--json",
      "-q",
      "--out",
      out,
    ])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout)
    const k = s.oat.effects.length
    expect(s.runs).toBe(1 + 2 * k)
    const saving = s.oat.effects.find((e: { path: string }) => e.path === "macro.savingRate")
    expect(saving).toMatchObject({ point: 0.26, low: 0.2, high: 0.3 })
    // Lognormal(1, 0.6): P10 and P90 are exp(-/+ 0.6 x 1.28155).
    const gap = s.oat.effects.find((e: { path: string }) => e.path === "ai.flopGapScale")
    expect(gap.low).toBeCloseTo(Math.exp(-0.6 * 1.2815515655), 8)
    expect(gap.high).toBeCloseTo(Math.exp(0.6 * 1.2815515655), 8)
    // A tornado: widest AGI swing first, and the widest moves AGI.
    const swings = s.oat.effects.map((e: any) => e.milestones.AGI.swingMonths)
    expect(swings[0]).toBeGreaterThan(0)
    expect(s.oat.effects[0].milestones.AGI.low).not.toBe(s.oat.effects[0].milestones.AGI.high)
    expect(s.oat.point.AGI).toMatch(/^20\d\d-\d\d$|^not by 2030$/)
    const text = takeoff(["sweep", "baseline", "--design", "oat", "--until", "2025", "-q", "--out", out])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/One at a time .*\nparameter +low +high +AGI low +AGI high/)
  })
})
