import * as fs from "node:fs"
import * as path from "node:path"
import { defaultKeyPath, loadOrCreateSigner, Simulation } from "@takeoff/core"
import { walkersModel } from "@takeoff/core/walkers"
import { beforeAll, describe, expect, it } from "vitest"
import { walkersKit } from "@takeoff/core/walkers-kit"
import { takeoff, tempDir } from "./helpers.js"
import { writeWalkersLog } from "./walkers-log.js"

// The log commands are model-generic: they read the model's name from the header. Core's example
// model (walkers) exercises them without depending on the economy.
describe("log commands on a walkers log", () => {
  let dir: string
  let a: string
  let b: string
  beforeAll(() => {
    dir = tempDir()
    a = path.join(dir, "a.ndjson")
    b = path.join(dir, "b.ndjson")
    writeWalkersLog(a, 1, 40)
    writeWalkersLog(b, 2, 40)
  })

  it("verify: intact log exits 0", () => {
    const r = takeoff(["verify", a])
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/intact\. 40 ticks/)
    expect(r.stdout).toMatch(/matched 10 sealed state hashes/)
  })

  it("verify: a flipped byte anywhere exits 1 and names its line (or the tick line its seal belongs to)", () => {
    const bytes = fs.readFileSync(a)
    const lineStarts = [0]
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lineStarts.push(i + 1)
    // A dozen bytes spread over the file (header, ticks, seals, snapshots, end), never the final
    // newline: flipping that leaves a torn tail, which is "unreadable" (exit 2), not tampering.
    let checked = 0
    for (let pos = 5; pos < bytes.length - 1; pos += Math.floor(bytes.length / 12) + 1) {
      const tampered = Buffer.from(bytes)
      tampered[pos] ^= 0x01
      const file = path.join(dir, "t.ndjson")
      fs.writeFileSync(file, tampered)
      const r = takeoff(["verify", file])
      const line = lineStarts.filter((s) => s <= pos).length
      expect(r.code, `byte ${pos} (line ${line}): ${r.stderr}`).toBe(1)
      const named = Number(/line (\d+)/.exec(r.stderr)?.[1])
      expect([line, line - 1], `byte ${pos}: ${r.stderr}`).toContain(named)
      expect(r.stderr.trim().split("\n")).toHaveLength(1)
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(12)
  })

  it("verify --json reports the failure with line and tick", () => {
    const text = fs.readFileSync(a, "utf8").split("\n")
    // Line 11 is a tick line (header, then tick/seal pairs with snapshots every 8 ticks).
    const n = text.findIndex((l, i) => i > 8 && l.startsWith('{"kind":"tick"'))
    text[n] = text[n].replace('"rng":[', '"rng":[1')
    const file = path.join(dir, "j.ndjson")
    fs.writeFileSync(file, text.join("\n"))
    const r = takeoff(["verify", file, "--json"])
    expect(r.code).toBe(1)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ ok: false, line: n + 1 })
    expect(typeof j.tick).toBe("number")
  })

  it("verify --resimulate reruns from the header", () => {
    const r = takeoff(["verify", a, "--resimulate"])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/every line identical/)
  })

  it("truncated and unreadable logs exit 2 (verify: 3, incomplete) with one line naming the file and line", () => {
    const text = fs.readFileSync(a, "utf8")
    const cut = path.join(dir, "cut.ndjson")
    fs.writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)))
    for (const cmd of [["verify"], ["replay"], ["export"]]) {
      const r = takeoff([...cmd, cut])
      expect(r.code, r.stderr).toBe(cmd[0] === "verify" ? 3 : 2)
      expect(r.stderr).toMatch(new RegExp(`${cut}: line \\d+ \\(tick \\d+\\): truncated`))
      expect(r.stderr.trim().split("\n")).toHaveLength(1)
    }
    const inHeader = path.join(dir, "cut-in-header.ndjson")
    fs.writeFileSync(inHeader, text.slice(0, text.indexOf("\n") - 3))
    for (const cmd of [["verify"], ["replay"], ["audit", "--why", "agi"]]) {
      const r = takeoff([...cmd, inHeader])
      expect(r.code, r.stderr).toBe(cmd[0] === "verify" ? 3 : 2)
      expect(r.stderr).toMatch(/cut-in-header\.ndjson: line 1: truncated: the log ends inside its header/)
    }
    const missing = takeoff(["replay", path.join(dir, "missing.ndjson")])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/missing\.ndjson: cannot read the log: no such file/)
    const notLog = path.join(dir, "not-a-log.ndjson")
    fs.writeFileSync(notLog, "hello\n")
    const bad = takeoff(["verify", notLog])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/line 1: malformed: not valid JSON/)
    const empty = path.join(dir, "empty.ndjson")
    fs.writeFileSync(empty, "")
    expect(takeoff(["verify", empty]).stderr).toMatch(/line 1: the log is empty/)
  })

  it("a log of another version of the model exits 2, naming both versions and the build to use", () => {
    const older = path.join(dir, "older.ndjson")
    const sim = Simulation.create(
      { ...walkersModel, version: "0.9.0" },
      { agents: 5, teleportProbability: 0.5 },
      { seed: 1, signer: loadOrCreateSigner(defaultKeyPath(process.env)) },
    )
    fs.writeFileSync(older, `${sim.headerLine}\n${sim.step().text}${sim.endLine("completed")}`)
    for (const cmd of [["verify"], ["verify", "--resimulate"], ["replay"], ["export"], ["audit", "--why", "agi"]]) {
      const r = takeoff([...cmd, older])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(
        /older\.ndjson: line 1: model-version: the log was written by walkers 0\.9\.0, this build is walkers 1\.0\.0 .*read it with the build that wrote it/,
      )
      expect(r.stderr.trim().split("\n")).toHaveLength(1)
    }
  })

  it("replay at a tick equals the live run's metrics at that tick", () => {
    const sim = Simulation.create(
      walkersModel,
      { agents: 40, teleportProbability: 0.3 },
      {
        seed: 1,
        stateHashEvery: 4,
        snapshotEvery: 8,
      },
    )
    const live: Record<string, number>[] = []
    for (let i = 0; i < 40; i++) {
      sim.step()
      live.push(walkersKit.computeMetrics(sim.state, sim.config))
    }
    for (const tick of [0, 7, 8, 21, 39]) {
      const r = takeoff(["replay", a, "--at", String(tick), "--json"])
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout)).toEqual({
        tick,
        date: walkersKit.calendar.tickToDate(sim.config, tick),
        metrics: live[tick],
      })
    }
    const past = takeoff(["replay", a, "--at", "40"])
    expect(past.code).toBe(2)
    expect(past.stderr).toMatch(/--at 40: tick 40 is outside the log \(ticks 0\.\.39/)
  })

  it("diff finds the first divergence between two seeds and none between a log and itself", () => {
    const r = takeoff(["diff", a, b, "--json"])
    expect(r.code, r.stderr).toBe(0)
    const d = JSON.parse(r.stdout)
    expect(d.identical).toBe(false)
    expect(d.headerDiffs).toEqual(["seed: 1 vs 2"])
    expect(d.divergence).toMatchObject({ tick: 0, lineA: 2, lineB: 2, event: 0 })
    const same = JSON.parse(takeoff(["diff", a, a, "--json"]).stdout)
    expect(same).toMatchObject({ identical: true, divergence: null })
    const text = takeoff(["diff", a, b]).stdout
    expect(text).toMatch(/First divergence: tick 0/)
    expect(text).toMatch(/Mean position/)
  })

  it("diff of a log and its continuation with a different tail names the first differing tick", () => {
    const c = path.join(dir, "c.ndjson")
    const lines = fs.readFileSync(a, "utf8").split("\n")
    // Keep header + ticks 0..19, then splice in seed 2's lines from tick 20 on: diverges at tick 20.
    const other = fs.readFileSync(b, "utf8").split("\n")
    const at20 = (ls: string[]) => ls.findIndex((l) => l.startsWith('{"kind":"tick","tick":20,'))
    fs.writeFileSync(c, [...lines.slice(0, at20(lines)), ...other.slice(at20(other))].join("\n"))
    const d = JSON.parse(takeoff(["diff", a, c, "--json"]).stdout)
    expect(d.divergence.tick).toBe(20)
    expect(d.divergence.lineA).toBe(at20(lines) + 1)
  })

  it("export writes CSV and JSON series, atomically to --out", () => {
    const csv = takeoff(["export", a, "--metrics", "meanPosition,teleports", "--every", "10"])
    expect(csv.code, csv.stderr).toBe(0)
    const rows = csv.stdout.trim().split("\n")
    expect(rows[0]).toBe("tick,date,meanPosition,teleports")
    expect(rows.map((r) => r.split(",")[0])).toEqual(["tick", "0", "10", "20", "30", "39"])
    const out = path.join(dir, "series.json")
    const j = takeoff(["export", a, "--format", "json", "-o", out])
    expect(j.code, j.stderr).toBe(0)
    const series = JSON.parse(fs.readFileSync(out, "utf8"))
    expect(series.ticks).toHaveLength(40)
    expect(Object.keys(series.columns)).toEqual(walkersKit.metrics.map((m) => m.key))
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([])
    const bad = takeoff(["export", a, "--metrics", "nope"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--metrics: unknown metric "nope" \(known: meanPosition, spread/)
  })
})

describe("usage", () => {
  it("prints help for the root and every command, and refuses unknown commands and flags", () => {
    const root = takeoff(["--help"])
    expect(root.code).toBe(0)
    for (const c of [
      "run",
      "verify",
      "replay",
      "audit",
      "diff",
      "export",
      "sweep",
      "backtest",
      "scenarios",
      "serve",
      "worker",
    ]) {
      expect(root.stdout).toContain(`  ${c} `)
      const h = takeoff([c, "--help"])
      expect(h.code).toBe(0)
      expect(h.stdout).toMatch(new RegExp(`^takeoff ${c} — .*\\n\\nUsage: takeoff ${c}`))
    }
    const none = takeoff([])
    expect(none.code).toBe(2)
    const unknown = takeoff(["frobnicate"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/)
    const flag = takeoff(["verify", "x.ndjson", "--frob"])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toBe("takeoff verify: unknown option --frob (see takeoff verify --help)\n")
    const missing = takeoff(["verify"])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/missing <log>/)
  })
})
