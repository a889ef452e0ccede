import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { deriveSeed } from "@takeoff/core"
import { afterAll, expect, it } from "vitest"
import { runNatsSweep } from "@takeoff/server/nats-sweep"
// The built module: its job thread is a built file too.
import { runNatsWorker } from "../dist/nats-worker.js"
import { kitNamed } from "../src/models.js"
import type { SweepPlan } from "../src/sweep-run.js"
import { takeoffAsync, tempDir } from "./helpers.js"
import { natsReachable, natsSuite, natsUrl, StreamPrefixes } from "../../server/test/nats-helpers.js"

const reachable = await natsReachable()
const prefixes = new StreamPrefixes()
afterAll(() => (reachable ? prefixes.cleanup() : undefined))
const suite = natsSuite(reachable)

/** A child's stderr as lines, as they come. */
const linesOf = (p: ChildProcess, onLine: (line: string) => void = () => {}) => {
  const lines: string[] = []
  let rest = ""
  p.stderr!.on("data", (d) => {
    const parts = (rest + d).split("\n")
    rest = parts.pop()!
    for (const l of parts) {
      lines.push(l)
      onLine(l)
    }
  })
  return lines
}
const exited = (p: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    p.exitCode !== null || p.signalCode !== null ? resolve(p.exitCode) : p.on("exit", resolve),
  )
const JOB_LINE = /^run (\d+) \(seed/
const jobsIn = (lines: string[]) => lines.flatMap((l) => JOB_LINE.exec(l)?.[1] ?? []).map(Number)

const messagesIn = async (prefix: string) => {
  const nc = await connect({ servers: natsUrl })
  const jsm = await jetstreamManager(nc)
  const count = async (s: string) => (await jsm.streams.info(s)).state.messages
  const counts = { jobs: await count(`${prefix}_JOBS`), results: await count(`${prefix}_RESULTS`) }
  await nc.drain()
  return counts
}

suite(`worker failures over NATS JetStream${reachable ? "" : ` (skipped: no NATS at ${natsUrl})`}`, () => {
  it("given three worker processes and one SIGKILLed mid-run, every run completes exactly once and the table equals a local sweep", async () => {
    // Given: the same 6-run sweep, once locally and once over NATS with three worker processes.
    const dir = tempDir()
    const runs = 6
    const args = ["sweep", "baseline", "--runs", String(runs), "--until", "2032", "--seed", "11"]
    // The local sweep runs while the workers start.
    const local = takeoffAsync([...args, "--workers", "1", "-q", "--out", path.join(dir, "local.csv")])
    const localLines = linesOf(local)
    const prefix = prefixes.next("kill")
    const env = { ...process.env, TAKEOFF_NATS_PREFIX: prefix, TAKEOFF_ACK_WAIT_MS: "1500" }
    const workers = [0, 1, 2].map(() => takeoffAsync(["worker", "--nats", natsUrl], { env }))
    const [victim, ...survivors] = workers
    let killedIndex = -1
    const victimLines = linesOf(victim, (l) => {
      const m = JOB_LINE.exec(l)
      // When: the victim has taken a job and is running it (it acks only after storing the result).
      if (m && killedIndex < 0) {
        killedIndex = Number(m[1])
        victim.kill("SIGKILL")
      }
    })
    const survivorLines = survivors.map((w) => linesOf(w))
    try {
      await expect
        .poll(() => [victimLines, ...survivorLines].every((ls) => ls.some((l) => l.includes("pulling jobs"))), {
          timeout: 60_000,
          interval: 100,
        })
        .toBe(true)
      expect(await exited(local), localLines.join("\n")).toBe(0)
      const coordinator = takeoffAsync([...args, "--nats", natsUrl, "--json", "--out", path.join(dir, "nats.csv")], {
        env,
      })
      let stdout = ""
      coordinator.stdout.on("data", (d) => (stdout += d))
      const progress = linesOf(coordinator)
      const code = await exited(coordinator)
      expect(code, progress.join("\n")).toBe(0)
      const why = JSON.stringify({ victimLines, survivorLines })

      // Then: the victim died holding a job, and that job ran to completion on a survivor.
      expect(killedIndex, why).toBeGreaterThanOrEqual(0)
      await exited(victim)
      expect(victim.signalCode).toBe("SIGKILL")
      for (const w of survivors) w.kill("SIGINT")
      await Promise.all(survivors.map(exited))
      const ranBySurvivors = survivorLines.flatMap(jobsIn).sort((a, b) => a - b)
      expect(ranBySurvivors).toContain(killedIndex)
      // Every run ran exactly once on the live workers: heartbeats kept their jobs from being handed out again.
      expect(ranBySurvivors, why).toEqual(Array.from({ length: runs }, (_, i) => i))
      // The table is the local sweep's, byte for byte, and the coordinator counted each run once.
      expect(fs.readFileSync(path.join(dir, "nats.csv"), "utf8")).toBe(
        fs.readFileSync(path.join(dir, "local.csv"), "utf8"),
      )
      expect(JSON.parse(stdout).runs).toBe(runs)
      const counts = progress.flatMap((l) => /(\d+)\/(\d+) runs/.exec(l) ?? []).filter((_, i) => i % 3 === 1)
      expect(counts.map(Number).every((n) => n <= runs)).toBe(true)
      expect(progress.some((l) => l.includes(`${runs}/${runs} runs`))).toBe(true)
      // And the sweep left nothing behind in the streams.
      expect(await messagesIn(prefix)).toEqual({ jobs: 0, results: 0 })
    } finally {
      for (const w of [...workers, local]) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL")
    }
    // Five node processes at once: on a loaded 2-core machine this takes minutes, not seconds.
  }, 300_000)

  it("given runs longer than the ack wait, live workers keep their jobs: each run is delivered once", async () => {
    const options = { servers: natsUrl, prefix: prefixes.next("beat"), ackWaitMs: 400 }
    const plan: SweepPlan = {
      model: "takeoff-economy",
      scenario: "baseline",
      // 200,000 firms make each run ~60M firm-steps, over a second even on a fast, quiet machine
      // (at the scenario's 10,000 a warm run took ~0.3 s, under the ack wait, and the test proved nothing).
      sets: [["firms.count", "200000"]],
      vary: [],
      lastTick: 12 * 25 - 1,
      fanKeys: ["aiShare"],
      finalKeys: ["gdpUsd", "aiShare"],
    }
    const tasks = [0, 1, 2, 3].map((index) => ({ index, seed: deriveSeed(9, index) }))
    const taken: number[] = []
    const durations: number[] = []
    const ac = new AbortController()
    const worker = () =>
      runNatsWorker({ ...options, onJob: (t) => taken.push(t.index), onDone: (_, ms) => durations.push(ms) }, ac.signal)
    // Given two workers on one queue whose ack wait is 400 ms.
    const ran = [worker(), worker()]
    // When a sweep of runs that each take longer than that goes through them.
    const { done } = await runNatsSweep(
      options,
      { plan, tasks, modelVersion: kitNamed(plan.model).model.version },
      { onResult: () => {} },
    )
    ac.abort()
    const counts = await Promise.all(ran)
    // Then no job was handed out twice, and the runs really did outlast the ack wait.
    expect(done).toBe(4)
    expect(counts[0] + counts[1]).toBe(4)
    expect(taken.sort()).toEqual([0, 1, 2, 3])
    expect(Math.min(...durations)).toBeGreaterThan(options.ackWaitMs)
  })
})
