import * as fs from "node:fs"
import * as path from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { takeoff, takeoffAsync, tempDir } from "./helpers.js"

/** The last sealed tick in a file being written, from its tail (-1 before the first seal). */
const lastSealed = (file: string): number => {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  const all = [...text.matchAll(/\n\{"kind":"seal","tick":(\d+)/g)]
  return all.length === 0 ? -1 : Number(all[all.length - 1][1])
}

const KILL_AFTER_SEAL = path.resolve(import.meta.dirname, "fixtures/kill-after-seal.cjs")

/**
 * Runs `takeoff run` (or a resume) that SIGKILLs itself once it has written the seal of `tick`
 * (fixtures/kill-after-seal.cjs), so the crash lands at that tick however loaded the machine is.
 * Returns the last tick sealed in the partial log it leaves (-1 when it left none).
 */
const killAt = async (dir: string, args: ReadonlyArray<string>, tick: number): Promise<number> => {
  const env = {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${KILL_AFTER_SEAL}`.trim(),
    TAKEOFF_TEST_KILL_AFTER_SEAL: String(tick),
  }
  const child = takeoffAsync(args, { cwd: dir, env })
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, s) => resolve(s)))
  expect(signal, `the run meant to die at tick ${tick}`).toBe("SIGKILL")
  const p = fs.readdirSync(dir).find((f) => f.endsWith(".partial"))
  return p === undefined ? -1 : lastSealed(path.join(dir, p))
}

describe("takeoff run --resume", () => {
  it("given runs killed with SIGKILL at random ticks, resuming gives the uninterrupted run's log byte for byte", async () => {
    const dir = tempDir()
    const args = ["run", "baseline", "--seed", "5", "--until", "2030", "--out", "b.ndjson", "-q"]
    const ref = takeoff([...args.slice(0, -3), "--out", "ref.ndjson", "-q"], { cwd: dir })
    expect(ref.code, ref.stderr).toBe(0)
    const [first, second] = fc.sample(fc.integer({ min: 1, max: 70 }), 2).sort((a, b) => a - b)
    const killed = [await killAt(dir, args, first)]
    expect(killed[0]).toBe(first)
    expect(fs.existsSync(path.join(dir, "b.ndjson")), `killed at ${killed}`).toBe(false)
    // verify of the real name points at the partial; the partial verifies as far as it goes.
    const v = takeoff(["verify", "b.ndjson"], { cwd: dir })
    expect(v.stderr).toMatch(/\.b\.ndjson\.\d+\.partial \(its run, pid \d+, is gone: it crashed\)/)
    // Killed again while resuming, then resumed to the end.
    killed.push(
      await killAt(dir, ["run", "--resume", "b.ndjson", "--until", "2030", "-q"], Math.max(second, killed[0] + 1)),
    )
    expect(killed[1]).toBe(Math.max(second, killed[0] + 1))
    const resumed = takeoff(["run", "--resume", "b.ndjson", "--until", "2030", "-q"], { cwd: dir })
    expect(resumed.code, `killed at ${killed}: ${resumed.stderr}`).toBe(0)
    expect(resumed.stdout).toMatch(/baseline, seed 5: 2024-01 to 2030-12 \(84 ticks\), completed\. Log: b\.ndjson/)
    expect(resumed.stdout).toMatch(/AGI (2029-1\d|2030-0\d)/)
    const same = fs.readFileSync(path.join(dir, "b.ndjson")).equals(fs.readFileSync(path.join(dir, "ref.ndjson")))
    expect(same, `killed at ticks ${killed}`).toBe(true)
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([])
    expect(takeoff(["verify", "b.ndjson"], { cwd: dir }).code).toBe(0)
  })

  it("refuses to resume a whole log or a path no run was writing", () => {
    const dir = tempDir()
    const whole = path.join(dir, "w.ndjson")
    expect(takeoff(["run", "baseline", "--until", "2024", "--out", whole, "-q"]).code).toBe(0)
    const again = takeoff(["run", "--resume", whole])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/the log is whole .*nothing to resume/)
    const none = takeoff(["run", "--resume", path.join(dir, "none.ndjson")])
    expect(none.stderr).toMatch(/no interrupted run of it here/)
  })
})
