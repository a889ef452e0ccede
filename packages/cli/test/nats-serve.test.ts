import type { ChildProcess } from "node:child_process"
import type { RunSummary, ServerMessage } from "@takeoff/protocol"
import { afterAll, expect, it } from "vitest"
import WebSocket from "ws"
import { takeoff, takeoffAsync, tempDir } from "./helpers.js"
import { natsReachable, natsSuite, natsUrl, StreamPrefixes } from "../../server/test/nats-helpers.js"

const reachable = await natsReachable()
const prefixes = new StreamPrefixes()
afterAll(() => (reachable ? prefixes.cleanup() : undefined))
const suite = natsSuite(reachable)

/** Starts `takeoff serve` and resolves with its URL, the name it shares runs under and where its sweeps run. */
const serve = (args: string[], env: NodeJS.ProcessEnv) => {
  const child = takeoffAsync(["serve", "--port", "0", "--data", tempDir(), ...args], { env })
  const ready = new Promise<{ url: string; name: string; sweepsOn: string }>((resolve, reject) => {
    let out = ""
    child.stdout!.on("data", (d) => {
      out += d
      const url = /Takeoff at (http:\/\/\S+)/.exec(out)?.[1]
      const name = /over NATS at \S+ as (\S+)/.exec(out)?.[1]
      const sweepsOn = /Sweeps run on (.+)\n/.exec(out)?.[1]
      if (url && name && sweepsOn) resolve({ url, name, sweepsOn })
    })
    child.on("exit", (code) => reject(new Error(`serve exited early (${code})`)))
  })
  return { child, ready }
}
const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.on("exit", () => resolve())
    child.kill("SIGINT")
  })

suite(`takeoff serve --nats${reachable ? "" : ` (skipped: no NATS at ${natsUrl})`}`, () => {
  it("given two serve processes on one NATS (flag and env), a run started on A is listed and streamed by B", async () => {
    const env = { ...process.env, TAKEOFF_NATS_PREFIX: prefixes.next("serve") }
    const a = serve(["--nats", natsUrl], env)
    const b = serve([], { ...env, TAKEOFF_NATS: natsUrl })
    try {
      const [A, B] = await Promise.all([a.ready, b.ready])
      expect(A.name).not.toBe(B.name)
      // Both run their sweeps on the NATS workers (nats-server-sweep.test.ts runs one).
      expect([A.sweepsOn, B.sweepsOn]).toEqual([`NATS workers at ${natsUrl}`, `NATS workers at ${natsUrl}`])
      const res = await fetch(`${A.url}/api/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario: "baseline", seed: 7, untilYear: 2026 }),
      })
      expect(res.status).toBe(201)
      const { id } = (await res.json()) as RunSummary
      // B lists it, hosted by A.
      let listed: RunSummary | undefined
      for (let i = 0; i < 300 && listed === undefined; i++) {
        listed = ((await (await fetch(`${B.url}/api/runs`)).json()) as RunSummary[]).find((r) => r.id === id)
        if (listed === undefined) await new Promise((r) => setTimeout(r, 100))
      }
      expect(listed).toMatchObject({ id, scenario: "baseline", hostedBy: A.name })
      // And B's stream delivers the run's ticks once each, in order, to its end.
      const ticks: number[] = []
      const end = await new Promise<RunSummary>((resolve, reject) => {
        const ws = new WebSocket(`${B.url.replace(/^http/, "ws")}/api/runs/${id}/stream`)
        ws.on("error", reject)
        ws.on("message", (data) => {
          const m = JSON.parse(data.toString()) as ServerMessage
          if (m.type === "catchup") ticks.push(...m.ticks)
          if (m.type === "tick") ticks.push(m.tick)
          if (m.type === "status" && m.run.status === "completed") {
            ws.close()
            resolve(m.run)
          }
        })
      })
      expect(ticks).toEqual(Array.from({ length: end.tick + 1 }, (_, i) => i))
      expect(end.tick).toBe(listed!.untilTick)
    } finally {
      await Promise.all([stop(a.child), stop(b.child)])
    }
  })

  it("given a NATS that does not answer, serve --nats says so in one line, exit 2", () => {
    const r = takeoff(["serve", "--port", "0", "--data", tempDir(), "--nats", "nats://127.0.0.1:1"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^takeoff serve: --nats nats:\/\/127\.0\.0\.1:1: /)
  })
})
