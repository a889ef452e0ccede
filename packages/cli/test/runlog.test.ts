import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { takeoff, tempDir } from "./helpers.js"

const FIXTURE = path.resolve(import.meta.dirname, "fixtures/run-walkers.ts")

const start = (out: string, ticks: number) =>
  spawn(process.execPath, ["--import", "tsx", FIXTURE, out, String(ticks)], { stdio: ["ignore", "pipe", "pipe"] })

describe("runToLog (the loop behind takeoff run)", () => {
  it("on SIGINT finishes the tick in flight, seals the log with end 'stopped' and exits 130", async () => {
    const dir = tempDir()
    const out = path.join(dir, "w.ndjson")
    const child = start(out, 1_000_000)
    let stdout = ""
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d) => {
        stdout += d
        // Interrupt once a few ticks are on disk.
        if (/tick 20\n/.test(stdout) && !child.killed) {
          child.kill("SIGINT")
          resolve()
        }
      })
    })
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
    expect(code).toBe(130)
    expect(stdout).toMatch(/stopped \d+\n$/)
    const lastTick = Number(/stopped (\d+)/.exec(stdout)![1])
    const lines = fs.readFileSync(out, "utf8").trimEnd().split("\n")
    // The end record, then its signature.
    expect(lines[lines.length - 1]).toMatch(/^\{"kind":"sig","tick":/)
    const end = JSON.parse(lines[lines.length - 2])
    expect(end).toMatchObject({ kind: "end", reason: "stopped", tick: lastTick })
    const v = takeoff(["verify", out])
    expect(v.code, v.stderr).toBe(0)
    expect(v.stdout).toMatch(/ended: stopped/)
    expect(fs.readdirSync(dir)).toEqual(["w.ndjson"])
  })

  it("writes under a hidden name and renames on close: a killed run leaves no file under the real name", async () => {
    const dir = tempDir()
    const out = path.join(dir, "k.ndjson")
    const child = start(out, 1_000_000)
    // Past tick 11, the first signed checkpoint.
    let stdout = ""
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d
        if (/tick 20\n/.test(stdout)) resolve()
      }),
    )
    child.kill("SIGKILL")
    await new Promise((resolve) => child.on("exit", resolve))
    expect(fs.existsSync(out)).toBe(false)
    expect(fs.readdirSync(dir).every((f) => f.startsWith(".k.ndjson.") && f.endsWith(".partial"))).toBe(true)
    // verify of the real name points at the crashed run's partial, which verifies as far as it goes.
    const v = takeoff(["verify", out])
    expect(v.code).toBe(2)
    const partial = /left (\S+\.partial) \(its run, pid \d+, is gone: it crashed\)/.exec(v.stderr)?.[1]
    expect(partial, v.stderr).toBeDefined()
    expect(takeoff(["verify", partial!]).code).toBe(3)
    const allowed = takeoff(["verify", partial!, "--allow-incomplete", "--repair"])
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.stdout).toMatch(/no end record/)
  })
})
