import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { takeoff, tempDir } from "./helpers.js"

/** P10 and P90 of a standard normal. */
const Z90 = 1.2815515655

describe("takeoff scenarios NAME", () => {
  it("given an extends: scenario, shows its description, each override beside the base value, and every distribution", () => {
    const r = takeoff(["scenarios", "fast-takeoff"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^fast-takeoff: Fast takeoff \(2024-01 to 2100\)\n {2}Strong AI-accelerated research/)
    expect(r.stdout).toMatch(/Extends baseline, setting 3 parameters:\nparameter +baseline +this +source\n/)
    expect(r.stdout).toMatch(/\nai\.algorithmicProgressPerYear +2\.8 x\/yr +3\.5 x\/yr +Epoch newer estimate/)
    // The value is set here without a distribution: baseline's is dropped, and the reader is told so.
    expect(r.stdout).toMatch(/Note: ai\.aiResearchSpeedup, .* sampled by baseline but fixed here/)
    expect(r.stdout).toMatch(/\nai\.flopGapScale +lognormal\(median 1, sigma 0\.6\) +0\.464× +1× +2\.16× +FTM presets/)
  })

  it("--json gives overrides (path, base, value) and distributions (kind, parameters, P10-P90, source)", () => {
    const r = takeoff(["scenarios", "fast-takeoff", "--json"])
    expect(r.code, r.stderr).toBe(0)
    const a = JSON.parse(r.stdout)
    expect(a.extends).toBe("baseline")
    expect(a.overrides.map((o: { path: string }) => o.path)).toEqual([
      "ai.aiResearchSpeedup",
      "ai.algorithmicProgressPerYear",
      "ai.algorithmicCeilingLog10",
    ])
    expect(a.overrides[1]).toMatchObject({ base: 2.8, value: 3.5, source: expect.stringMatching(/^Epoch/) })
    const gap = a.distributions.find((d: { path: string }) => d.path === "ai.flopGapScale")
    expect(gap).toMatchObject({ kind: "lognormal", parameters: { median: 1, sigma: 0.6 }, p50: 1, value: 1 })
    expect(gap.p10).toBeCloseTo(Math.exp(-0.6 * Z90), 8)
    expect(gap.p90).toBeCloseTo(Math.exp(0.6 * Z90), 8)
    expect(gap.source).toMatch(/ftm_presets_flop_gap/)
    expect(a.parameters.length).toBeGreaterThan(100)
  })

  it("given a user's file that extends baseline and declares a distribution, lists both", () => {
    const dir = tempDir()
    const file = path.join(dir, "mine.yaml")
    fs.writeFileSync(
      file,
      [
        "name: mine",
        "title: Mine",
        "description: Faster chips.",
        "extends: baseline",
        "parameters:",
        "  ai:",
        '    mfu: { value: 0.5, source: "my reading of a 2024 benchmark", distribution: { type: uniform, min: 0.3, max: 0.6 } }',
        "",
      ].join("\n"),
    )
    const r = takeoff(["scenarios", file, "--json"])
    expect(r.code, r.stderr).toBe(0)
    const a = JSON.parse(r.stdout)
    expect(a.overrides).toEqual([
      {
        path: "ai.mfu",
        label: expect.any(String),
        unit: "fraction",
        source: "my reading of a 2024 benchmark",
        assumption: false,
        base: 0.4,
        value: 0.5,
      },
    ])
    const mfu = a.distributions.find((d: { path: string }) => d.path === "ai.mfu")
    expect(mfu).toMatchObject({ kind: "uniform", parameters: { min: 0.3, max: 0.6 } })
    expect(mfu.p10).toBeCloseTo(0.33, 12)
    expect(mfu.p90).toBeCloseTo(0.57, 12)
  })

  it("given a scenario without extends:, has no overrides; an unknown one names the choices", () => {
    const a = JSON.parse(takeoff(["scenarios", "baseline", "--json"]).stdout)
    expect(a.extends).toBeNull()
    expect(a.overrides).toEqual([])
    expect(a.distributions.length).toBeGreaterThan(5)
    const bad = takeoff(["scenarios", "nope"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/unknown scenario "nope"; expected one of .*baseline/)
  })
})
