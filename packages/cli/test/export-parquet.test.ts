import * as fs from "node:fs"
import * as path from "node:path"
import { parquetMetadata, parquetReadObjects } from "hyparquet"
import { beforeAll, describe, expect, it } from "vitest"
import { takeoff, tempDir } from "./helpers.js"

// A year of the economy, exported in long form and read back by an independent Parquet reader.
describe("takeoff export --format parquet | long-csv", () => {
  let dir: string
  let log: string
  beforeAll(() => {
    dir = tempDir()
    log = path.join(dir, "b7.ndjson")
    const r = takeoff(["run", "baseline", "--seed", "7", "--until", "2024", "--out", log, "--quiet"])
    expect(r.code, r.stderr).toBe(0)
  }, 120_000)

  it("writes one row per tick and metric, with the run's scenario and seed, that hyparquet reads back", async () => {
    const out = path.join(dir, "b7.parquet")
    const r = takeoff(["export", log, "--format", "parquet", "--metrics", "gdpUsd,aiShare", "-o", out])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/wrote 24 rows \(tick x metric\) to .*b7\.parquet/)
    const bytes = fs.readFileSync(out)
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    const meta = parquetMetadata(file)
    expect(meta.schema.slice(1).map((c) => c.name)).toEqual([
      "run",
      "scenario",
      "seed",
      "tick",
      "date",
      "metric",
      "value",
    ])
    expect(Number(meta.num_rows)).toBe(12 * 2)
    const rows = (await parquetReadObjects({ file })) as Array<Record<string, unknown>>
    expect(rows).toHaveLength(24)
    expect(rows[0]).toMatchObject({
      run: "b7",
      scenario: "baseline",
      seed: 7n,
      tick: 0,
      date: "2024-01",
      metric: "gdpUsd",
    })
    expect(rows[23]).toMatchObject({ tick: 11, date: "2024-12", metric: "aiShare" })
    // The same values as the wide CSV, exactly.
    const wide = takeoff(["export", log, "--metrics", "gdpUsd,aiShare"]).stdout.trim().split("\n")
    const [t0gdp, t0ai] = wide[1].split(",").slice(2).map(Number)
    expect([rows[0].value, rows[1].value]).toEqual([t0gdp, t0ai])
  })

  it("long-csv has the same rows; parquet without --out is refused", () => {
    const csv = takeoff(["export", log, "--format", "long-csv", "--metrics", "aiShare"])
    expect(csv.code, csv.stderr).toBe(0)
    const lines = csv.stdout.trim().split("\n")
    expect(lines[0]).toBe("run,scenario,seed,tick,date,metric,value")
    expect(lines).toHaveLength(1 + 12)
    expect(lines[1]).toMatch(/^b7,baseline,7,0,2024-01,aiShare,0\.\d+$/)
    const bad = takeoff(["export", log, "--format", "parquet"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--format parquet: needs --out FILE/)
  })
})
