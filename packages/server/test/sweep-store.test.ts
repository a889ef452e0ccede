import * as fs from "node:fs"
import * as path from "node:path"
import type { SweepRunResult } from "@takeoff/agents"
import { afterEach, describe, expect, it, vi } from "vitest"
import { type SweepMeta, SweepStore } from "../src/sweep-store.js"
import { tmpDir } from "./helpers.js"

const meta = (id: string, members: number): SweepMeta => ({
  summary: {
    id,
    scenario: "walkers",
    seed: 1,
    design: "random",
    runs: members,
    total: members,
    done: 0,
    status: "running",
    createdAt: "2026-01-01T00:00:00.000Z",
    untilYear: 2030,
    sample: null,
    vary: [],
    overrides: {},
    elapsedS: 0,
  },
  plan: { model: "walkers", scenario: "walkers", sets: [], vary: [], lastTick: 10, fanKeys: [], finalKeys: [] },
  tasks: Array.from({ length: members }, (_, index) => ({ index, seed: 100 + index })),
})

const result = (index: number): SweepRunResult => ({
  index,
  seed: 100 + index,
  draws: { x: index / 10 },
  milestones: { AGI: index },
  lastTick: 10,
  final: { gdp: index },
  yearly: { gdp: [index] },
  yearTicks: [10],
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe("the sweeps' files", () => {
  it("reads back each member appended, skips a damaged line and cuts a torn tail, naming both, so the next append starts a line of its own", () => {
    // Given a sweep with three members appended, then a damaged line and a torn one at the end
    const dir = tmpDir("sweep-store")
    const store = new SweepStore(dir)
    const id = "abc123-0123abcd"
    store.save(meta(id, 6))
    for (const i of [2, 0, 4]) store.appendMember(id, result(i))
    const file = path.join(dir, "sweeps", `${id}.members.ndjson`)
    const torn = '{"index":5,"se'
    fs.appendFileSync(file, `{"index":9}\n${torn}`)
    const warnings: string[] = []
    vi.spyOn(console, "warn").mockImplementation((m: string) => void warnings.push(m))
    // When the store is read again
    const [sweep] = new SweepStore(dir).loadAll()
    // Then the whole members are there, by index, and both bad lines are named with their numbers
    expect(sweep.results.map((r) => r?.index ?? null)).toEqual([0, null, 2, null, 4, null])
    expect(sweep.results[4]).toEqual(result(4))
    expect(warnings).toEqual([
      `takeoff server: sweep ${id}: ignoring the torn last line 5 of ${id}.members.ndjson (${torn.length} bytes, no newline: the write a crash cut short)`,
      `takeoff server: sweep ${id}: skipping line 4 of ${id}.members.ndjson: index: expected an integer in [0, 5], got 9`,
    ])
    // And an append after that starts on a line of its own
    store.appendMember(id, result(5))
    const again = new SweepStore(dir).loadAll()[0]
    expect(again.results.map((r) => r?.index ?? null)).toEqual([0, null, 2, null, 4, 5])
    // And removing the sweep removes both files
    store.remove(id)
    expect(fs.readdirSync(path.join(dir, "sweeps"))).toEqual([])
  })
})
