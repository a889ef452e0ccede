import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { deriveSeed } from "@takeoff/core"
import { jetstream, jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { afterAll, describe, expect, it } from "vitest"
import { runNatsSweep, runNatsWorker } from "../src/nats-sweep.js"
import { runSweepMember, type SweepPlan } from "../src/sweep-run.js"
import { takeoff, takeoffAsync, tempDir } from "./helpers.js"

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222"
const reachable = await new Promise<boolean>((resolve) => {
  const u = new URL(url)
  const s = net.connect({ host: u.hostname, port: Number(u.port || 4222) })
  s.setTimeout(1500)
  const settle = (ok: boolean) => {
    s.destroy()
    resolve(ok)
  }
  s.once("connect", () => settle(true))
  s.once("error", () => settle(false))
  s.once("timeout", () => settle(false))
})
const prefixes: string[] = []
const prefixFor = (name: string) => {
  const p = `TKQ${name}${process.pid}`
  prefixes.push(p)
  return p
}
afterAll(async () => {
  if (!reachable) return
  const nc = await connect({ servers: url })
  const jsm = await jetstreamManager(nc)
  for await (const si of jsm.streams.list()) {
    if (prefixes.some((p) => si.config.name.startsWith(`${p}_`))) await jsm.streams.delete(si.config.name)
  }
  await nc.drain()
})

const suite = reachable ? describe : describe.skip
if (!reachable && process.env.CI === "true") {
  describe("distributed sweeps", () => {
    it(`needs NATS with JetStream at ${url} (CI=true)`, () => {
      throw new Error(`NATS is not reachable at ${url}`)
    })
  })
}

suite(`distributed sweeps over NATS JetStream${reachable ? "" : ` (skipped: no NATS at ${url})`}`, () => {
  it("given two worker processes, a sweep over NATS writes the same table as a local sweep", async () => {
    const dir = tempDir()
    const args = ["sweep", "baseline", "--runs", "6", "--until", "2026", "--seed", "3", "-q"]
    const local = takeoff([...args, "--workers", "1", "--out", path.join(dir, "local.csv")])
    expect(local.code, local.stderr).toBe(0)
    const env = { ...process.env, TAKEOFF_NATS_PREFIX: prefixFor("cli") }
    const workers = [0, 1].map(() => takeoffAsync(["worker", "--nats", url], { env }))
    try {
      const viaNats = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = takeoffAsync([...args, "--nats", url, "--out", path.join(dir, "nats.csv")], { env })
        let stderr = ""
        p.stderr.on("data", (d) => (stderr += d))
        p.on("exit", (code) => resolve({ code, stderr }))
      })
      expect(viaNats.code, viaNats.stderr).toBe(0)
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
    const sweep = runNatsSweep(options, plan, tasks, () => {})
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
