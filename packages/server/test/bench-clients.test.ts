import type { RunSummary } from "@takeoff/protocol"
import { describe, expect, it } from "vitest"
import type { ClientResults } from "../bench/clients.js"
import { spawnWorker } from "../src/spawn.js"
import { api, closedAfterEach } from "./helpers.js"

const { start } = closedAfterEach("bench-clients")

describe("stream bench clients", () => {
  it("follow a run to its end and report every tick once (they waited forever on a status renamed)", async () => {
    // Given a short paused run on a real server
    const s = await start()
    const created = await api(s.url, "POST", "/api/runs", { scenario: "walkers", seed: 3, untilYear: 2025 })
    const run = created.json as RunSummary
    expect((await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "pause" })).status).toBe(200)
    // When the bench's client thread follows it with 3 sockets and the run is resumed to its end
    const wsUrl = `${s.url.replace(/^http/, "ws")}/api/runs/${run.id}/stream?from=0`
    const worker = spawnWorker("clients", new URL("../bench/index.ts", import.meta.url).href, {
      workerData: { wsUrl, count: 3 },
    })
    const results = new Promise<ClientResults>((resolve, reject) => {
      worker.once("message", resolve)
      worker.once("error", reject)
    })
    while (s.hub.clientCount < 3) await new Promise((r) => setTimeout(r, 20))
    await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "speed", ticksPerSecond: null })
    await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "resume" })
    // Then the thread reports, with no tick lost or repeated, a latency for every tick of every socket
    const r = await results
    expect(r).toMatchObject({ lost: 0, duplicated: 0 })
    expect(r.latenciesMs.length + r.coalesced).toBeGreaterThan(0)
    await worker.terminate()
  }, 60_000)
})
