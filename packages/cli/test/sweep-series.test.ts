import * as fs from "node:fs"
import * as path from "node:path"
import { parquetMetadata, parquetReadObjects } from "hyparquet"
import { describe, expect, it } from "vitest"
import { takeoff, tempDir } from "./helpers.js"

// Every run's yearly series in long form, as `takeoff sweep` writes it, read back by an independent reader.
describe("takeoff sweep: every run's series in long format", () => {
  it("writes CSV and Parquet with one row per run, year and metric, and the run's draws as columns", async () => {
    // Given a 4-run sweep of three years recording two metrics
    const dir = tempDir()
    const out = path.join(dir, "s.csv")
    const r = takeoff([
      "sweep",
      "baseline",
      "--runs",
      "4",
      "--until",
      "2026",
      "--workers",
      "1",
      "--metrics",
      "gdpUsd,aiShare",
      "--json",
      "-q",
      "-o",
      out,
    ])
    expect(r.code, r.stderr).toBe(0)
    const summary = JSON.parse(r.stdout)
    expect(summary.series).toEqual({
      csv: path.join(dir, "s.series.csv"),
      parquet: path.join(dir, "s.series.parquet"),
      rows: 4 * 3 * 2,
    })
    // When hyparquet reads the Parquet file back
    const bytes = fs.readFileSync(summary.series.parquet)
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    const meta = parquetMetadata(file)
    const columns = meta.schema.slice(1).map((c) => c.name)
    const rows = (await parquetReadObjects({ file })) as Array<Record<string, unknown>>
    // Then it holds 4 runs x 3 Decembers x 2 metrics rows, the long columns, then one column per drawn parameter
    expect(Number(meta.num_rows)).toBe(24)
    expect(rows).toHaveLength(24)
    expect(columns.slice(0, 7)).toEqual(["run", "scenario", "seed", "tick", "date", "metric", "value"])
    const params = columns.slice(7)
    expect(params.length).toBeGreaterThan(5)
    expect(params.every((c) => c.startsWith("param."))).toBe(true)
    expect(params).toContain("param.ai.flopGapScale")
    expect(rows.map((x) => x.date)).toEqual(
      Array.from({ length: 4 }, () => ["2024-12", "2024-12", "2025-12", "2025-12", "2026-12", "2026-12"]).flat(),
    )
    expect(new Set(rows.map((x) => x.run))).toEqual(new Set(["0", "1", "2", "3"]))
    expect(rows[0]).toMatchObject({ scenario: "baseline", tick: 11, metric: "gdpUsd" })
    // And each run's draws are the ones in the per-run CSV
    const perRun = fs.readFileSync(out, "utf8").trim().split("\n")
    const head = perRun[0].split(",")
    const run1 = perRun[2].split(",")
    const row1 = rows.find((x) => x.run === "1")!
    expect(row1["param.ai.flopGapScale"]).toBe(Number(run1[head.indexOf("ai.flopGapScale")]))
    expect(row1.seed).toBe(BigInt(run1[1]))
    // And the CSV has the same header and row count
    const csv = fs.readFileSync(summary.series.csv, "utf8").trim().split("\n")
    expect(csv[0].split(",")).toEqual(columns)
    expect(csv).toHaveLength(1 + 24)
  }, 120_000)

  it("refuses an unknown metric by name", () => {
    const r = takeoff([
      "sweep",
      "baseline",
      "--runs",
      "2",
      "--until",
      "2024",
      "--metrics",
      "gdp",
      "-q",
      "-o",
      tempDir(),
    ])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('--metrics: unknown metric "gdp"')
  })
})
