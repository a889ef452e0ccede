import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { takeoff, tempDir } from "./helpers.js"

const FIXTURE = path.resolve(import.meta.dirname, "fixtures/observed-small.csv")

describe("takeoff backtest", () => {
  let dir: string
  let log: string
  beforeAll(() => {
    dir = tempDir()
    log = path.join(dir, "run.ndjson")
    const r = takeoff(["run", "baseline", "--seed", "3", "--until", "2026", "--out", log, "--quiet"])
    expect(r.code, r.stderr).toBe(0)
  })

  it("scores one logged run: its own values, from a replay of the log", () => {
    const r = takeoff(["backtest", log, "--data", FIXTURE, "--json"])
    expect(r.code, r.stderr).toBe(0)
    const card = JSON.parse(r.stdout)
    expect(card.runs).toBe(1)
    expect(card.rows.map((x: { id: string }) => x.id)).toEqual([
      "nvidia_chip_spend_2025",
      "openai_arr_end_2025",
      "ai_h100e_cumulative_end_2025",
      "humanoid_shipments_2025",
    ])
    const replayed = JSON.parse(takeoff(["replay", log, "--at", "2025-12", "--json"]).stdout).metrics
    const installed = card.rows[2]
    // One run: the band is the run itself, read at December 2025; observed is NVIDIA's part of the sum.
    expect(installed.p50).toBe(replayed.installedH100e)
    expect(installed.p10).toBe(installed.p90)
    expect(installed.observed).toBe(13_659_259)
    expect(installed.verdict).toBe(installed.p50 > installed.observed ? "model high" : "model low")
    expect(card.rows[1].kind).toBe("floor")
    expect(card.rows[3]).toMatchObject({ verdict: "context", inside: null })
    expect(card.scored).toBe(3)
  })

  it("scores a scenario's ensemble with a P10-P90 band and prints the scorecard", () => {
    const r = takeoff(["backtest", "baseline", "--runs", "6", "--seed", "2", "--data", FIXTURE])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/baseline, 6 runs \(Latin hypercube/)
    expect(r.stdout).toMatch(/^nvidia_chip_spend_2025 +2025 +USD\/yr +153B /m)
    expect(r.stdout).toMatch(/of 3 scored observations inside/)
    expect(r.stdout).toMatch(/Not scored \(context\): humanoid_shipments_2025/)
    const card = JSON.parse(
      takeoff(["backtest", "baseline", "--runs", "6", "--seed", "2", "--data", FIXTURE, "--json"]).stdout,
    )
    const spend = card.rows[0]
    expect(spend.p10).toBeLessThan(spend.p90)
    expect(spend.p10).toBeLessThanOrEqual(spend.p50)
    expect(spend.ratio).toBeCloseTo(spend.p50 / 152.6e9, 12)
  })

  it("names the line of a malformed observation file and of a row no rule covers", () => {
    const bad = path.join(dir, "bad.csv")
    fs.writeFileSync(bad, `${fs.readFileSync(FIXTURE, "utf8")}made_up_row,gdpUsd,1,USD,2025,t,u,a,n\n`)
    const r = takeoff(["backtest", log, "--data", bad])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/bad\.csv: line 6: made_up_row: no backtest rule/)
    fs.writeFileSync(bad, "id,metric,value,unit,date,source_title,url,accessed,notes\na,b\n")
    const r2 = takeoff(["backtest", log, "--data", bad])
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/line 2: expected 9 columns, got 2/)
    expect(takeoff(["backtest", log, "--runs", "3"]).stderr).toMatch(/--runs and --set apply to a scenario/)
  })
})
