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
    expect(bad.stderr).toMatch(/--design sobol: expected one of lhs, random, saltelli/)
  })
})
