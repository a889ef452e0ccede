import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type LongRun, longCsv, longCsvChunks, longRowCount } from "./long-format.js"

/** The long CSV as it was written before it streamed: every row built in memory, then joined. */
const referenceCsv = (runs: ReadonlyArray<LongRun>, keys: ReadonlyArray<string>): string => {
  const cell = (v: string | number): string => {
    const s = String(v)
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  const paths = [...new Set(runs.flatMap((r) => Object.keys(r.draws)))].sort()
  const lines = [
    ["run", "scenario", "seed", "tick", "date", "metric", "value", ...paths.map((p) => `param.${p}`)].join(","),
  ]
  for (const r of runs)
    for (let i = 0; i < r.series.ticks.length; i++)
      for (const k of keys)
        lines.push(
          [
            r.run,
            r.scenario,
            r.seed,
            r.series.ticks[i],
            r.series.dates[i],
            k,
            r.series.columns[k][i],
            ...paths.map((p) => r.draws[p] ?? Number.NaN),
          ]
            .map(cell)
            .join(","),
        )
  return `${lines.join("\n")}\n`
}

const KEYS = ["gdpUsd", "ai,share", 'q"uote']
const runArb = fc.record({
  run: fc.string({ maxLength: 4 }),
  scenario: fc.constantFrom("baseline", "a,b", 'say "hi"', "two\nlines"),
  seed: fc.integer(),
  draws: fc.dictionary(fc.constantFrom("ai.x", "chips.y", "z"), fc.double()),
  years: fc.integer({ min: 0, max: 4 }),
  values: fc.array(fc.double(), { minLength: 12, maxLength: 12 }),
})
interface RunDraw {
  readonly run: string
  readonly scenario: string
  readonly seed: number
  readonly draws: Record<string, number>
  readonly years: number
  readonly values: number[]
}
const toRun = (r: RunDraw): LongRun => {
  const ticks = Array.from({ length: r.years }, (_, y) => 11 + 12 * y)
  return {
    run: r.run,
    scenario: r.scenario,
    seed: r.seed,
    draws: r.draws,
    series: {
      ticks,
      dates: ticks.map((t) => `${2024 + Math.floor(t / 12)}-12`),
      columns: Object.fromEntries(KEYS.map((k, j) => [k, ticks.map((_, y) => r.values[(j * 4 + y) % 12])])),
    },
  }
}

describe("long-format CSV, streamed", () => {
  it("given any runs, its chunks joined are the CSV built whole, whatever the chunk size", () => {
    fc.assert(
      fc.property(fc.array(runArb, { maxLength: 5 }), fc.integer({ min: 1, max: 300 }), (rs, chunk) => {
        const runs = rs.map(toRun)
        const whole = referenceCsv(runs, KEYS)
        expect(longCsv(runs, KEYS)).toBe(whole)
        const chunks = [...longCsvChunks(runs, KEYS, chunk)]
        expect(chunks.join("")).toBe(whole)
        // Every chunk but the last reaches the size asked for (a chunk is cut after the row that fills it)
        for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(chunk)
        expect(longRowCount(runs, KEYS)).toBe(rs.reduce((n, r) => n + r.years * KEYS.length, 0))
      }),
    )
  })

  it("counts rows without building them", () => {
    const runs = [
      toRun({ run: "0", scenario: "s", seed: 1, draws: { a: 1, b: 2 }, years: 3, values: Array(12).fill(1) }),
    ]
    expect(longRowCount(runs, KEYS)).toBe(9)
  })
})
