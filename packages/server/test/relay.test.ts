import { spawn } from "node:child_process"
import type { RunSummary } from "@takeoff/protocol"
import { afterAll, expect, it } from "vitest"
import { api, closedAfterEach, range, type StreamClient, tmpDir, waitRun } from "./helpers.js"
import { natsReachable, natsSuite, natsUrl, StreamPrefixes } from "./nats-helpers.js"

const reachable = await natsReachable()
const prefixes = new StreamPrefixes()
const suite = natsSuite(reachable)
const { start, stream } = closedAfterEach("relay")
/** Two servers on one NATS, with a stream prefix no other test uses. */
const pair = async () => {
  const prefix = prefixes.next("RELAY")
  const named = (name: string) => start({ dataDir: tmpDir(name), nats: { servers: natsUrl, prefix, name } })
  return [await named("A"), await named("B"), prefix] as const
}
afterAll(() => prefixes.cleanup())

/** Polls B's run list until it holds `id`. */
const listedOn = async (base: string, id: string): Promise<RunSummary> => {
  const until = Date.now() + 30_000
  for (;;) {
    const { json } = await api(base, "GET", "/api/runs")
    const found = (json as RunSummary[]).find((r) => r.id === id)
    if (found) return found
    if (Date.now() > until) throw new Error(`run ${id} never listed on ${base}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const tickValues = (c: StreamClient) =>
  c.messages.flatMap((m) =>
    m.type === "tick"
      ? [[m.tick, m.metrics.meanPosition]]
      : m.type === "catchup"
        ? m.ticks.map((t, i) => [t, m.columns.meanPosition[i]])
        : [],
  )

suite(`live runs across servers over NATS JetStream${reachable ? "" : ` (skipped: no NATS at ${natsUrl})`}`, () => {
  it("given a run started on A, B lists it as hosted by A and streams every tick once, in order, to the same end", async () => {
    const [a, b] = await pair()
    // Given: a paced run on A.
    const created = await api(a.url, "POST", "/api/runs", {
      scenario: "walkers",
      seed: 7,
      untilYear: 2030,
      ticksPerSecond: 50,
    })
    expect(created.status, created.text).toBe(201)
    const id = (created.json as RunSummary).id
    // When: B's run list shows it, and a client of each server follows it live.
    const onB = await listedOn(b.url, id)
    expect(onB).toMatchObject({ id, scenario: "walkers", seed: 7, untilTick: 83, hostedBy: "A" })
    const fromA = stream(a.url, id)
    const fromB = stream(b.url, id)
    const endA = await fromA.finished()
    const endB = await fromB.finished()
    // Then: B delivered ticks 0..83, each once and in order, ending where A did, with A's values.
    expect(endA.run.status).toBe("completed")
    expect(endB.run).toMatchObject({ status: "completed", tick: endA.run.tick, hostedBy: "A" })
    expect(fromB.ticks).toEqual(range(0, 83))
    // B's client followed it live: relayed ticks reached it as they were sealed on A.
    expect(fromB.messages.some((m) => m.type === "tick")).toBe(true)
    expect(fromA.ticks).toEqual(range(0, 83))
    expect(tickValues(fromB)).toEqual(tickValues(fromA))
    expect(endB.run.milestones).toEqual(endA.run.milestones)
    // A's own list shows the run as its own; B's as A's, and B refuses to control it.
    expect((await waitRun(a.url, id, (r) => r.status === "completed")).hostedBy).toBeUndefined()
    expect((await api(b.url, "GET", `/api/runs/${id}`)).json).toMatchObject({ status: "completed", hostedBy: "A" })
    // B serves the relayed history over REST too; the log and what is read from it stay on A.
    const metricsA = await api(a.url, "GET", `/api/runs/${id}/metrics?keys=meanPosition`)
    const metricsB = await api(b.url, "GET", `/api/runs/${id}/metrics?keys=meanPosition`)
    expect(metricsB.json).toEqual(metricsA.json)
    for (const route of ["log", "state?tick=5", "audit?why=agi", "events"]) {
      const r = await api(b.url, "GET", `/api/runs/${id}/${route}`)
      expect([route, r.status, r.json?.error?.message]).toEqual([route, 404, expect.stringContaining("hosted by A")])
    }
    const control = await api(b.url, "POST", `/api/runs/${id}/control`, { action: "pause" })
    expect(control.status, control.text).toBe(409)
    expect(control.json.error.message).toContain("simulated by server A")
  })

  it("given a finished run of A's, B replays it from any tick, and a server started later still lists it", async () => {
    const [a, b, prefix] = await pair()
    const created = await api(a.url, "POST", "/api/runs", { scenario: "walkers", seed: 3, untilYear: 2027 })
    const id = (created.json as RunSummary).id
    await waitRun(a.url, id, (r) => r.status === "completed")
    await waitRun(b.url, id, (r) => r.status === "completed")
    const replay = stream(b.url, id, 10)
    const end = await replay.finished()
    expect(replay.ticks).toEqual(range(10, end.run.tick))
    // A third server joining afterwards reads the stream from its start.
    const c = await start({ dataDir: tmpDir("C"), nats: { servers: natsUrl, prefix, name: "C" } })
    const onC = await waitRun(c.url, id, (r) => r.status === "completed")
    expect(onC).toMatchObject({ hostedBy: "A", tick: end.run.tick })
    const full = stream(c.url, id)
    await full.finished()
    expect(full.ticks).toEqual(range(0, end.run.tick))
  })

  it("given A killed mid-run, B marks A's run interrupted at the last tick relayed, and streams it to there", async () => {
    const prefix = prefixes.next("RELAY")
    // Given: A in its own process (so it can die as a crash would), B in this one, both beating every 300 ms.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        new URL("./fixtures/serve-nats.ts", import.meta.url).pathname,
        tmpDir("A"),
        natsUrl,
        prefix,
        "A",
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    )
    try {
      const urlA = await new Promise<string>((resolve, reject) => {
        child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()))
        child.once("exit", (code) => reject(new Error(`server A exited (${code})`)))
      })
      const b = await start({ dataDir: tmpDir("B"), nats: { servers: natsUrl, prefix, name: "B", heartbeatMs: 300 } })
      const created = await api(urlA, "POST", "/api/runs", {
        scenario: "walkers",
        seed: 5,
        untilYear: 2035,
        ticksPerSecond: 20,
      })
      const id = (created.json as RunSummary).id
      await waitRun(b.url, id, (r) => r.tick >= 3)
      // When: A dies without a word.
      const killed = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGKILL")
      await killed
      // Then: B soon says the run was interrupted, and streams it to the last tick it had.
      const run = await waitRun(b.url, id, (r) => r.status === "interrupted", 15_000)
      expect(run).toMatchObject({ hostedBy: "A", error: expect.stringContaining("server A stopped answering") })
      expect(run.tick).toBeLessThan(run.untilTick)
      const c = stream(b.url, id)
      const end = await c.finished()
      expect(end.run.status).toBe("interrupted")
      expect(c.ticks).toEqual(range(0, run.tick))
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    }
    // A server process started through tsx: slow to start on a loaded machine.
  }, 180_000)
})
