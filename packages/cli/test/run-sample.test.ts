import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { takeoff, tempDir } from "./helpers.js"

const header = (file: string) => JSON.parse(fs.readFileSync(file, "utf8").split("\n")[0])

describe("takeoff run --sample", () => {
  const dir = tempDir()
  const run = (name: string, ...extra: string[]) => {
    const out = path.join(dir, name)
    const r = takeoff(["run", "baseline", "--sample", "--until", "2026", "--out", out, "--quiet", "--json", ...extra])
    expect(r.code, r.stderr).toBe(0)
    return { out, summary: JSON.parse(r.stdout) }
  }

  it("draws the parameters from the seed: byte-identical logs, draws in the header and the summary", () => {
    const a = run("a.ndjson", "--seed", "42")
    const b = run("b.ndjson", "--seed", "42")
    expect(fs.readFileSync(a.out)).toEqual(fs.readFileSync(b.out))
    const h = header(a.out)
    expect(h.meta.sample.seed).toBe(42)
    expect(h.meta.sample.draws).toEqual(a.summary.sample.draws)
    // The header's config carries the drawn values, which is what replay and resimulate read.
    for (const [p, v] of Object.entries(h.meta.sample.draws)) expect(h.config.values[p]).toBe(v)
    const other = run("c.ndjson", "--seed", "43")
    expect(other.summary.sample.draws).not.toEqual(a.summary.sample.draws)
  })

  it("passes verify --resimulate", () => {
    const { out } = run("v.ndjson", "--seed", "9")
    const r = takeoff(["verify", out, "--resimulate"])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/resimulated from the header: every line identical/)
  })

  it("keeps a --set parameter at its set value and draws the rest", () => {
    const { out, summary } = run("s.ndjson", "--seed", "42", "--set", "ai.algorithmicProgressPerYear=2")
    expect(summary.sample.draws["ai.algorithmicProgressPerYear"]).toBeUndefined()
    expect(header(out).config.values["ai.algorithmicProgressPerYear"]).toBe(2)
    expect(Object.keys(summary.sample.draws).length).toBeGreaterThan(5)
  })
})
