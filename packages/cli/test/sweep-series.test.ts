import * as fs from "node:fs"
import * as path from "node:path"
import { parquetMetadata, parquetReadObjects } from "hyparquet"
import { describe, expect, it } from "vitest"
import { type LongRun, longCsv, longParquet, writeLongParquet } from "@takeoff/agents"
import { writeSweepSeries } from "../src/sweep-series.js"
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

  it("streams the CSV and the Parquet whatever their size: the Parquet in row groups of a few runs, the same rows as one written whole", async () => {
    // Given three runs of three years and two metrics, with a drawn parameter (3 x 3 x 2 = 18 rows)
    const run = (i: number): LongRun => ({
      run: String(i),
      scenario: "baseline",
      seed: 10 + i,
      draws: { "ai.x": i / 3 },
      series: {
        ticks: [11, 23, 35],
        dates: ["2024-12", "2025-12", "2026-12"],
        columns: { gdpUsd: [1e14, 2e14, 3e14 + i], aiShare: [0.1, 0.2, 0.3] },
      },
    })
    const runs = [run(0), run(1), run(2)]
    const keys = ["gdpUsd", "aiShare"]
    const dir = tempDir()
    const read = async (file: string | ArrayBuffer) => {
      const buf = typeof file === "string" ? await fs.promises.readFile(file) : Buffer.from(file)
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
      return {
        rows: (await parquetReadObjects({ file: ab })) as Array<Record<string, unknown>>,
        groups: parquetMetadata(ab).row_groups.length,
      }
    }
    // When the sweep's series are written
    const written = writeSweepSeries(path.join(dir, "a.csv"), runs, keys)
    // Then the CSV is the same bytes as built in one string, and the Parquet has every row
    expect(fs.readFileSync(written.csv, "utf8")).toBe(longCsv(runs, keys))
    expect(written.rows).toBe(18)
    const whole = await read(longParquet(runs, keys))
    expect((await read(written.parquet)).rows).toEqual(whole.rows)
    // And a Parquet written a run per row group reads back the same rows, in three groups
    writeLongParquet(path.join(dir, "b.parquet"), runs, keys, 1)
    const grouped = await read(path.join(dir, "b.parquet"))
    expect(grouped.groups).toBe(3)
    expect(grouped.rows).toEqual(whole.rows)
    expect(grouped.rows[17]).toMatchObject({ run: "2", metric: "aiShare", value: 0.3, "param.ai.x": 2 / 3 })
    // And no temporary file is left behind
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([])
  })
})
