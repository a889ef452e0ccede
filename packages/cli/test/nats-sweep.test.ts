import * as fs from "node:fs"
import * as path from "node:path"
import { deriveSeed } from "@takeoff/core"
import { jetstream } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { afterAll, expect, it } from "vitest"
import { runNatsSweep } from "@takeoff/server/nats-sweep"
// The built module: its job thread is a built file too.
import { runNatsWorker } from "../dist/nats-worker.js"
import { kitNamed } from "../src/models.js"
import { runSweepMember, type SweepPlan } from "../src/sweep-run.js"
import { takeoff, takeoffAsync, tempDir } from "./helpers.js"
import { natsReachable, natsSuite, natsUrl, StreamPrefixes } from "../../server/test/nats-helpers.js"

const url = natsUrl
const reachable = await natsReachable()
const prefixes = new StreamPrefixes()
const prefixFor = (name: string) => prefixes.next(name)
afterAll(() => (reachable ? prefixes.cleanup() : undefined))
const suite = natsSuite(reachable)

suite(`distributed sweeps over NATS JetStream${reachable ? "" : ` (skipped: no NATS at ${url})`}`, () => {
  it("given two worker processes, a sweep over NATS writes the same table as a local sweep", async () => {
    const dir = tempDir()
    const args = ["sweep", "baseline", "--runs", "6", "--until", "2026", "--seed", "3", "-q"]
    const local = takeoff([...args, "--workers", "1", "--out", path.join(dir, "local.csv")])
    expect(local.code, local.stderr).toBe(0)
    const env = { ...process.env, TAKEOFF_NATS_PREFIX: prefixFor("cli") }
    const workers = [0, 1].map(() => takeoffAsync(["worker", "--nats", url], { env }))
    try {
      const viaNats = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = takeoffAsync([...args, "--nats", url, "--json", "--out", path.join(dir, "nats.csv")], { env })
        let stdout = ""
        let stderr = ""
        p.stdout.on("data", (d) => (stdout += d))
        p.stderr.on("data", (d) => (stderr += d))
        p.on("exit", (code) => resolve({ code, stdout, stderr }))
      })
      expect(viaNats.code, viaNats.stderr).toBe(0)
      // The summary does not claim this process's default thread count for runs NATS workers did
      expect(JSON.parse(viaNats.stdout)).toMatchObject({ runs: 6, workers: null })
    } finally {
      for (const w of workers) w.kill("SIGINT")
    }
    expect(fs.readFileSync(path.join(dir, "nats.csv"), "utf8")).toBe(
      fs.readFileSync(path.join(dir, "local.csv"), "utf8"),
    )
  })

  it("given a worker that takes a job and dies without acknowledging it, the job is redelivered", async () => {
    const options = { servers: url, prefix: prefixFor("lib"), ackWaitMs: 1000 }
    const plan: SweepPlan = {
      model: "takeoff-economy",
      scenario: "baseline",
      sets: [],
      vary: [],
      lastTick: 11,
      fanKeys: ["aiShare"],
      finalKeys: ["gdpUsd", "aiShare"],
    }
    const tasks = [0, 1, 2].map((index) => ({ index, seed: deriveSeed(5, index) }))
    const sweep = runNatsSweep(
      options,
      { plan, tasks, modelVersion: kitNamed(plan.model).model.version },
      { onResult: () => {} },
    )
    // The doomed worker: pulls one job and vanishes without an ack.
    const nc = await connect({ servers: url })
    const js = jetstream(nc)
    let taken: unknown = null
    for (let i = 0; i < 50 && taken === null; i++) {
      try {
        taken = await (
          await js.consumers.get(`${options.prefix}_JOBS`, `${options.prefix.toLowerCase()}-workers`)
        ).next({
          expires: 1000,
        })
      } catch {
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    expect(taken).not.toBeNull()
    await nc.close()
    const ran = await runNatsWorker({ ...options, maxJobs: 3 }, new AbortController().signal)
    expect(ran).toBe(3)
    const { results, done } = await sweep
    expect(done).toBe(3)
    for (const t of tasks) expect(results[t.index]).toEqual(runSweepMember(plan, t))
  })
})
