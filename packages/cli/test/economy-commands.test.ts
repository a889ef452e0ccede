import * as fs from "node:fs"
import * as path from "node:path"
import { makeHeader } from "@takeoff/core"
import { beforeAll, describe, expect, it } from "vitest"
import { takeoff, takeoffAsync, tempDir } from "./helpers.js"

// The whole user journey on the real economy, through the built bin. Short horizons keep it quick.
const UNTIL = "2032"

describe("takeoff on the economy", () => {
  let dir: string
  let a: string
  let b: string
  let summary: any
  beforeAll(() => {
    dir = tempDir()
    a = path.join(dir, "a.ndjson")
    b = path.join(dir, "b.ndjson")
    const r = takeoff(["run", "baseline", "--seed", "7", "--until", UNTIL, "--out", a, "--json"])
    expect(r.code, r.stderr).toBe(0)
    summary = JSON.parse(r.stdout)
    const r2 = takeoff(["run", "baseline", "--seed", "8", "--until", UNTIL, "--out", b, "--quiet"])
    expect(r2.code, r2.stderr).toBe(0)
  })

  it("scenarios lists baseline with a description", () => {
    const r = takeoff(["scenarios"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^baseline /m)
    const p = takeoff(["scenarios", "baseline", "--json"])
    expect(p.code, p.stderr).toBe(0)
    expect(JSON.parse(p.stdout).parameters.length).toBeGreaterThan(5)
  })

  it("run prints a summary with milestones and metrics at 2030 and the end; progress went to stderr", () => {
    expect(summary).toMatchObject({ scenario: "baseline", seed: 7, log: a, reason: "completed", from: "2024-01" })
    expect(summary.to).toBe(`${UNTIL}-12`)
    expect(Object.keys(summary.milestones)).toEqual(["AGI", "ASI", "post-scarcity", "catastrophe"])
    expect(summary.at["2030"].date).toBe("2030-12")
    expect(summary.at.end.date).toBe(`${UNTIL}-12`)
    const text = takeoff(["run", "baseline", "--seed", "7", "--until", "2025", "--out", path.join(dir, "t.ndjson")])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/^baseline, seed 7: 2024-01 to 2025-12 \(24 ticks\), completed/)
    expect(text.stdout).toMatch(/Milestones: AGI/)
    // Not a terminal: plain progress lines, the last one at 100%.
    expect(text.stderr).toMatch(/\] 100% {2}2025-12 {2}24\/24 ticks/)
  })

  it("the same seed writes a byte-identical log", () => {
    const c = path.join(dir, "c.ndjson")
    expect(takeoff(["run", "baseline", "--seed", "7", "--until", UNTIL, "--out", c, "-q"]).code).toBe(0)
    expect(fs.readFileSync(c).equals(fs.readFileSync(a))).toBe(true)
  })

  it("verify: intact exits 0; one flipped byte exits 1 naming the line", () => {
    const ok = takeoff(["verify", a])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/intact/)
    const bytes = fs.readFileSync(a)
    const lines = bytes.toString("utf8").split("\n")
    const n = Math.floor(lines.length / 2)
    const target = lines.findIndex((l, i) => i >= n && l.startsWith('{"kind":"tick"'))
    const offset = Buffer.byteLength(lines.slice(0, target).join("\n")) + 1 + Math.floor(lines[target].length / 2)
    const tampered = Buffer.from(bytes)
    tampered[offset] ^= 0x01
    const file = path.join(dir, "tampered.ndjson")
    fs.writeFileSync(file, tampered)
    const bad = takeoff(["verify", file])
    expect(bad.code, bad.stderr).toBe(1)
    expect(bad.stderr).toMatch(new RegExp(`: NOT intact: line ${target + 1} \\(tick \\d+\\)`))
  })

  it("replay at a date equals the live run's metrics at that date", () => {
    const r = takeoff(["replay", a, "--at", "2030-12", "--json"])
    expect(r.code, r.stderr).toBe(0)
    const at = JSON.parse(r.stdout)
    expect(at.date).toBe("2030-12")
    expect(at.tick).toBe(summary.at["2030"].tick)
    expect(at.metrics).toEqual(summary.at["2030"].metrics)
    const end = JSON.parse(takeoff(["replay", a, "--json"]).stdout)
    expect(end.metrics).toEqual(summary.at.end.metrics)
    // A four-digit --at is a year (January), not tick 2031.
    expect(JSON.parse(takeoff(["replay", a, "--at", "2031", "--json"]).stdout)).toMatchObject({ date: "2031-01" })
    expect(JSON.parse(takeoff(["replay", a, "--at", "t30", "--json"]).stdout)).toMatchObject({ tick: 30 })
    const bad = takeoff(["replay", a, "--at", "2099-01"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--at 2099-01: tick \d+ is outside the log/)
  })

  it("audit names the crossing and its causes, readable by a person", () => {
    expect(summary.milestones.AGI, "the baseline should reach AGI by the test horizon").not.toBeNull()
    const j = takeoff(["audit", a, "--why", "agi", "--json"])
    expect(j.code, j.stderr).toBe(0)
    const ex = JSON.parse(j.stdout)
    expect(ex.milestone).toMatchObject({ type: "AgiReached", tick: summary.milestones.AGI.tick })
    expect(ex.crossing.metric).toBe("aiShare")
    expect(ex.crossing.before.value).toBeLessThan(ex.crossing.threshold)
    expect(ex.crossing.after.value).toBeGreaterThanOrEqual(ex.crossing.threshold)
    expect(ex.drivers.length).toBeGreaterThan(0)
    const text = takeoff(["audit", a, "--why", "agi"])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`Milestone: AgiReached at tick ${ex.milestone.tick} (${ex.milestone.date})`)
    expect(text.stdout).toMatch(/Crossing: aiShare went from [\d.]+% at tick \d+ \(\d{4}-\d{2}\) to [\d.]+% at tick/)
    expect(text.stdout).toContain(`  ${ex.drivers[0].label} `)
    expect(text.stdout).toMatch(
      /Where the frontier capability came from[^\n]*\n {2}physical compute {2}[+-][\d.]+ OOM\n {2}algorithms/,
    )
    // The chain: ticks, dates and contributions of the events before the milestone.
    expect(text.stdout).toMatch(/^ +\d+ +\d{4}-\d{2} +\w+.*\[\+[\d.]+ pts\]$/m)
    const asi = takeoff(["audit", a, "--why", "asi"])
    expect(asi.code).toBe(0)
    expect(asi.stdout).toMatch(/^ASI not reached by/)
    const ev = takeoff(["audit", a, "--why", "ModelReleased", "--json"])
    expect(ev.code, ev.stderr).toBe(0)
    expect(JSON.parse(ev.stdout).event.type).toBe("ModelReleased")
    const bad = takeoff(["audit", a, "--why", "nonsense"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--why nonsense: expected agi, asi, post-scarcity/)
  })

  it("diff of two seeds finds the first divergence", () => {
    const r = takeoff(["diff", a, b, "--json"])
    expect(r.code, r.stderr).toBe(0)
    const d = JSON.parse(r.stdout)
    expect(d.identical).toBe(false)
    expect(d.headerDiffs).toContain("seed: 7 vs 8")
    expect(d.divergence.tick).toBeGreaterThanOrEqual(0)
    const text = takeoff(["diff", a, b]).stdout
    expect(text).toMatch(/First divergence: tick \d+ \(\d{4}-\d{2}\)/)
  })

  it("diff reads an event in its older encoding as the same event: a v1-shocks log against today's run of it", () => {
    // Given a log written before FirmsStepped v2 (explicit shocks) and today's run of the same config and seed
    const v1 = path.resolve(import.meta.dirname, "../../agents/src/fixtures/baseline-v1-shocks.ndjson")
    const now = path.join(dir, "v2.ndjson")
    const run = takeoff([
      "run",
      "baseline",
      "--seed",
      "11",
      "--set",
      "firms.count=203",
      "--until",
      "2024",
      "--out",
      now,
      "-q",
    ])
    expect(run.code, run.stderr).toBe(0)
    // Then their lines differ but diff finds no divergence
    expect(fs.readFileSync(now, "utf8").length).toBeLessThan(fs.readFileSync(v1, "utf8").length)
    const r = takeoff(["diff", v1, now, "--json"])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ identical: true, divergence: null })
    // And a change in one shock is still a divergence, named at its event
    const lines = fs.readFileSync(now, "utf8").split("\n")
    const i = lines.findIndex((l) => l.includes('"type":"FirmsStepped"'))
    lines[i] = lines[i].replace(/"sfc32":\[(\d+)/, (_, w) => `"sfc32":[${(Number(w) + 1) % 2 ** 32}`)
    const bent = path.join(dir, "bent.ndjson")
    fs.writeFileSync(bent, lines.join("\n"))
    const d = JSON.parse(takeoff(["diff", v1, bent, "--json"]).stdout)
    expect(d.identical).toBe(false)
    expect(d.divergence.tick).toBe(0)
    expect(d.divergence.what).toMatch(/FirmsStepped/)
  })

  it("a log whose header config this build refuses is a named usage error in every reading command, not a crash", () => {
    // Given a log whose header (validly hashed, as an older build would have written it) sets a parameter this build does not have
    const lines = fs.readFileSync(a, "utf8").split("\n")
    const { kind, format, formatVersion, engineVersion, hash, ...fields } = JSON.parse(lines[0])
    fields.config.values["milestones.noSuchThreshold"] = 0.5
    lines[0] = JSON.stringify(makeHeader(fields))
    const odd = path.join(dir, "odd-config.ndjson")
    fs.writeFileSync(odd, lines.join("\n"))
    // Then replay, export, audit and diff each name the header's field and exit 2
    for (const args of [
      ["replay", odd],
      ["export", odd],
      ["audit", odd, "--why", "agi"],
      ["diff", odd, a],
    ]) {
      const r = takeoff(args)
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2)
      expect(r.stderr, args[0]).toMatch(/line 1: (malformed: )?header\.config: .*milestones\.noSuchThreshold/)
    }
  })

  it("export gives the metric series as CSV", () => {
    const r = takeoff(["export", a, "--every", "12"])
    expect(r.code, r.stderr).toBe(0)
    const rows = r.stdout.trim().split("\n")
    expect(rows[0]).toMatch(/^tick,date,/)
    expect(rows[1]).toMatch(/^0,2024-01,/)
  })

  it("bad input: one clear line, exit 2, nothing left behind", () => {
    const out = path.join(dir, "bad", "x.ndjson")
    fs.mkdirSync(path.dirname(out))
    const cases: Array<[string[], RegExp]> = [
      [["run", "no-such-scenario", "--out", out], /no-such-scenario/],
      [["run", "baseline", "--set", "no.such.path=1", "--out", out], /no\.such\.path/],
      // An override's fault is the flag's, not the scenario file's.
      [
        ["run", "baseline", "--set", "ai.mfu=abc", "--out", out],
        /^takeoff run: --set ai\.mfu: expected a number .*got "abc"\n$/,
      ],
      [
        ["run", "baseline", "--set", "ai.mfux=0.3", "--out", out],
        /--set ai\.mfux: unknown parameter "ai\.mfux"; did you mean ai\.mfu\?/,
      ],
      [["run", "baseline", "--set", "nonsense", "--out", out], /--set nonsense: expected path=value/],
      [["run", "baseline", "--until", "1900", "--out", out], /--until 1900/],
      [
        ["run", "baseline", "--seed", "x", "--out", out],
        /--seed: expected an integer in \[0, 9007199254740991\], got "x"/,
      ],
      [
        ["run", "baseline", "--seed", "-1", "--out", out],
        /--seed: expected an integer in \[0, 9007199254740991\], got "-1"/,
      ],
      [
        ["sweep", "baseline", "--runs", "2", "--vary", "no.such.path=1..2", "--out", `${out}.csv`],
        /--vary no\.such\.path/,
      ],
    ]
    for (const [args, message] of cases) {
      const r = takeoff(args)
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1)
      expect(fs.readdirSync(path.dirname(out)), args.join(" ")).toEqual([])
    }
  })

  it("run --out creates missing directories, as the README's quick start needs; a file in the way is refused", () => {
    const out = path.join(dir, "fresh", "runs", "b.ndjson")
    const r = takeoff(["run", "baseline", "--until", "2024", "--out", out, "-q"])
    expect(r.code, r.stderr).toBe(0)
    expect(takeoff(["verify", out]).code).toBe(0)
    const blocker = path.join(dir, "a-file")
    fs.writeFileSync(blocker, "")
    const refused = takeoff(["run", "baseline", "--until", "2024", "--out", path.join(blocker, "x.ndjson"), "-q"])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--out .*a-file is not a directory/)
  })

  it("Ctrl-C stops a run cleanly: sealed log ending 'stopped', exit 130", async () => {
    const out = path.join(dir, "stopped.ndjson")
    // A long horizon, interrupted as soon as the first progress line shows ticks running.
    const child = takeoffAsync(["run", "baseline", "--until", "2300", "--out", out])
    const exited = new Promise((resolve) => child.on("exit", resolve))
    let stderr = ""
    await new Promise<void>((resolve) =>
      child.stderr.on("data", (d) => {
        stderr += d
        if (stderr.includes("ticks/s")) resolve()
      }),
    )
    child.kill("SIGINT")
    const code = await exited
    expect(code, stderr).toBe(130)
    const v = takeoff(["verify", out])
    expect(v.code, v.stderr).toBe(0)
    expect(v.stdout).toMatch(/ended: stopped/)
  })
})

describe("takeoff sweep", () => {
  it("gives the same results on 1 and 2 workers, and any run can be rerun alone", () => {
    const dir = tempDir()
    const one = path.join(dir, "one.csv")
    const two = path.join(dir, "two.csv")
    const args = ["sweep", "baseline", "--runs", "6", "--seed", "5", "--until", "2030", "--json", "-q"]
    const r1 = takeoff([...args, "--workers", "1", "--out", one])
    expect(r1.code, r1.stderr).toBe(0)
    const r2 = takeoff([...args, "--workers", "2", "--out", two])
    expect(r2.code, r2.stderr).toBe(0)
    expect(fs.readFileSync(two, "utf8")).toBe(fs.readFileSync(one, "utf8"))
    expect(fs.readFileSync(path.join(dir, "two.fan.json"), "utf8")).toBe(
      fs.readFileSync(path.join(dir, "one.fan.json"), "utf8"),
    )
    const s1 = JSON.parse(r1.stdout)
    const s2 = JSON.parse(r2.stdout)
    expect(s2.milestones).toEqual(s1.milestones)
    expect(s2.influences).toEqual(s1.influences)
    expect(s1.runs).toBe(6)
    // Sweep runs have at most SWEEP_FIRMS firms (the baseline has 10,000), recorded with the sweep's sets.
    expect(s1.firmsPerRun).toBe(2000)
    expect(s1.sets).toEqual(["firms.count=2000"])
    expect(s1.cpuS).toBeGreaterThan(0)
    const fan = JSON.parse(fs.readFileSync(path.join(dir, "one.fan.json"), "utf8"))
    expect(fan.years[0]).toBe(2024)
    expect(fan.years.at(-1)).toBe(2030)
    for (const m of Object.values(fan.metrics) as any[]) {
      expect(m.p50).toHaveLength(fan.years.length)
      for (let i = 0; i < fan.years.length; i++) expect(m.p10[i]).toBeLessThanOrEqual(m.p90[i])
    }

    // Rerun run 3 alone with its seed, the sweep's sets and its draws: same final metrics as in the sweep's table.
    const csv = fs
      .readFileSync(one, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(","))
    const head = csv[0]
    const row = csv[4]
    expect(row[0]).toBe("3")
    const firstMilestone = head.indexOf("AGI")
    const sets = [
      ...s1.sets.flatMap((p: string) => ["--set", p]),
      ...head.slice(2, firstMilestone).flatMap((p, i) => ["--set", `${p}=${row[2 + i]}`]),
    ]
    const alone = takeoff([
      "run",
      "baseline",
      "--seed",
      row[1],
      "--until",
      "2030",
      "--json",
      "-q",
      "--out",
      path.join(dir, "r3.ndjson"),
      ...sets,
    ])
    expect(alone.code, alone.stderr).toBe(0)
    const s = JSON.parse(alone.stdout)
    head.forEach((h, i) => {
      if (h.startsWith("final.")) expect(String(s.final[h.slice(6)]), h).toBe(row[i])
    })
  })
})

describe("takeoff sweep --firms", () => {
  it("given a firm count that is not a positive count within the registry's bounds, then it refuses naming --firms", () => {
    const zero = takeoff(["sweep", "baseline", "--runs", "2", "--firms", "0", "--until", "2025", "-q"])
    expect(zero.code).toBe(2)
    expect(zero.stderr).toMatch(/--firms: expected a positive integer, got 0/)
    const huge = takeoff(["sweep", "baseline", "--runs", "2", "--firms", "20000000", "--until", "2025", "-q"])
    expect(huge.code).toBe(2)
    expect(huge.stderr).toMatch(/--firms firms\.count: expected a number in \[1, 10000000\]/)
  })
})

describe("takeoff sweep, interrupted", () => {
  it("Ctrl-C stops handing out runs, reports the finished ones and exits 130", async () => {
    const dir = tempDir()
    const out = path.join(dir, "s.csv")
    const child = takeoffAsync([
      "sweep",
      "baseline",
      "--runs",
      "5000",
      "--until",
      "2030",
      "--workers",
      "2",
      "--out",
      out,
    ])
    const exited = new Promise((resolve) => child.on("exit", resolve))
    let stdout = ""
    child.stdout.on("data", (d) => (stdout += d))
    let stderr = ""
    await new Promise<void>((resolve) =>
      child.stderr.on("data", (d) => {
        stderr += d
        if (/ [1-9]\d*\/5000 runs/.test(stderr)) resolve()
      }),
    )
    child.kill("SIGINT")
    expect(await exited, stderr).toBe(130)
    const rows = fs.readFileSync(out, "utf8").trim().split("\n").length - 1
    expect(rows).toBeGreaterThan(0)
    expect(rows).toBeLessThan(5000)
    expect(stdout).toMatch(new RegExp(`baseline: ${rows} runs \\(lhs design over \\d+ distributions\\) to 2030`))
  })
})
