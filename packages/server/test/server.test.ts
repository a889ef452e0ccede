import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import type { RunSummary } from "@takeoff/protocol"
import { Simulation } from "@takeoff/core"
import { walkersModel } from "@takeoff/core/testing"
import { Validator } from "@seriousme/openapi-schema-validator"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { startServer } from "../src/index.js"
import {
  EventsPageSchema,
  MetricsPageSchema,
  RunSummarySchema,
  ScenarioDetailSchema,
  StateAtTickSchema,
} from "../src/response-schemas.js"
import { api, closedAfterEach, range, tmpDir, WALKERS, waitRun } from "./helpers.js"

/** These tests use the engine's walkers: small and fast; economy.test.ts runs the real model. */
const { start, stream, close } = closedAfterEach("data")

const createRun = async (base: string, body: Record<string, unknown>) => {
  const r = await api(base, "POST", "/api/runs", { scenario: "walkers", seed: 7, ...body })
  expect(r.status, r.text).toBe(201)
  return r.json as RunSummary
}

describe("live runs over REST and WebSocket", () => {
  it("a control sent the moment a run is created is answered once the worker has started and acted on it", async () => {
    // Given a run whose worker is still loading its model and key
    const s = await start()
    const run = await createRun(s.url, { untilYear: 2030, ticksPerSecond: 50 })
    // When pause and a 2-tick step are posted at once, before the worker has reported anything
    const [paused, stepped] = await Promise.all([
      api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "pause" }),
      api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "step", ticks: 2 }),
    ])
    // Then both are answered, in order: the step ran 2 ticks past where the pause took hold
    expect(paused.status, paused.text).toBe(200)
    expect(stepped.status, stepped.text).toBe(200)
    expect(stepped.json.tick).toBe(paused.json.tick + 2)
    const now = (await api(s.url, "GET", `/api/runs/${run.id}`)).json
    expect(now).toMatchObject({ status: "paused", tick: paused.json.tick + 2 })
  })

  it("create -> stream -> milestone -> pause/step/resume -> finished, every tick exactly once", async () => {
    const s = await start()
    const run = await createRun(s.url, { untilYear: 2030, ticksPerSecond: 100 })
    expect(run.status).toMatch(/running|queued/)
    expect(run.untilTick).toBe(83)
    const c = stream(s.url, run.id)
    const hello = await c.waitFor((m) => m.type === "hello")
    expect(hello).toMatchObject({ type: "hello", from: 0 })
    expect(hello.type === "hello" && hello.metrics.slice(0, 3)).toEqual(["meanPosition", "spread", "teleports"])
    // The kit describes its metrics and milestones, so clients need not guess them from key names.
    expect(hello).toMatchObject({
      groups: [{ id: "bands" }],
      thresholds: [{ kind: "agi", label: "AGI", metric: "teleports", value: 5 }],
    })
    expect(hello.type === "hello" && hello.metricInfo.map((m) => m.key)).toEqual(
      hello.type === "hello" && hello.metrics,
    )
    expect(hello.type === "hello" && hello.metricInfo.find((m) => m.key === "band00")?.group).toBe("bands")

    const milestone = await c.waitFor((m) => m.type === "milestone")
    expect(milestone).toMatchObject({ type: "milestone", milestone: { kind: "agi", value: 5 } })

    const paused = await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "pause" })
    expect(paused.status).toBe(200)
    expect(paused.json.status).toBe("paused")
    await c.waitFor((m) => m.type === "status" && m.run.status === "paused")
    // Once the worker has acknowledged the pause, ticks only advance by explicit steps.
    // The control answers once the worker has paused: its tick is where the run stopped.
    const atPause = paused.json.tick
    expect((await api(s.url, "GET", `/api/runs/${run.id}`)).json.tick).toBe(atPause)
    const stepped = await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "step", ticks: 3 })
    expect(stepped.status).toBe(200)
    expect(stepped.json.tick).toBe(atPause + 3)
    // Stepped ticks come as fast as they run, so they may arrive as one catch-up batch.
    await c.waitFor(() => c.ticks.includes(atPause + 3))
    expect((await api(s.url, "GET", `/api/runs/${run.id}`)).json.tick).toBe(atPause + 3)
    expect((await api(s.url, "GET", `/api/runs/${run.id}`)).json.status).toBe("paused")

    const resumed = await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "resume" })
    expect(resumed.json.status).toBe("running")
    await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "speed", ticksPerSecond: null })
    const end = await c.finished()
    expect(end.run.status).toBe("completed")
    expect(end.run.tick).toBe(83)
    expect(c.ticks).toEqual(range(0, 83))
    const ms = c.messages.filter((m) => m.type === "milestone")
    expect(ms).toHaveLength(1)
    // Notables come batched, each batch after the ticks it belongs to, and all of them once, in order.
    let lastTick = -1
    const streamed: Array<{ tick: number; summary: string }> = []
    for (const m of c.messages) {
      if (m.type === "tick") lastTick = m.tick
      else if (m.type === "catchup") lastTick = m.ticks[m.ticks.length - 1]
      else if (m.type === "notables") {
        expect(m.events.length).toBeGreaterThan(0)
        for (const e of m.events) expect(e.tick).toBeLessThanOrEqual(lastTick)
        streamed.push(...m.events.map((e) => ({ tick: e.tick, summary: e.summary })))
      }
    }
    expect(streamed.length).toBeGreaterThan(5)
    const ticksInOrder = streamed.map((e) => e.tick)
    expect(ticksInOrder).toEqual([...ticksInOrder].sort((a, b) => a - b))
    const again = stream(s.url, run.id)
    await again.finished()
    const replayed = again.messages.flatMap((m) => (m.type === "notables" ? m.events : []))
    expect(replayed.map((e) => ({ tick: e.tick, summary: e.summary }))).toEqual(streamed)
    again.close()

    const metrics = await api(s.url, "GET", `/api/runs/${run.id}/metrics?keys=teleports&fromTick=10&toTick=19`)
    expect(metrics.json.ticks).toEqual(range(10, 19))
    expect(metrics.json.columns.teleports).toHaveLength(10)
    expect(metrics.json.dates[0]).toBe("2024-11")
    expect(metrics.json).toMatchObject({ groups: [{ id: "bands" }], thresholds: [{ kind: "agi", value: 5 }] })
  })

  it("a client resuming from tick N gets exactly the ticks from N on, live and after the end", async () => {
    const s = await start()
    const run = await createRun(s.url, { untilYear: 2027, ticksPerSecond: 200 })
    const first = stream(s.url, run.id)
    await first.waitFor(() => first.ticks.length > 10)
    const n = first.ticks[first.ticks.length - 1]
    first.close()
    const resumed = stream(s.url, run.id, n + 1)
    await resumed.finished()
    expect(resumed.ticks).toEqual(range(n + 1, 47))
    expect(resumed.messages[0]).toMatchObject({ type: "hello", from: n + 1 })

    const after = stream(s.url, run.id, 30)
    await after.finished()
    expect(after.ticks).toEqual(range(30, 47))
    // Milestones are sent with the ticks they belong to, never before `from`.
    for (const m of after.messages) if (m.type === "milestone") expect(m.milestone.tick).toBeGreaterThanOrEqual(30)

    // `resume` on an open socket rewinds the cursor.
    after.ws.send(JSON.stringify({ type: "resume", from: 45 }))
    await after.waitFor((m) => (m.type === "tick" || m.type === "catchup") && after.ticks.length > 18)
    await new Promise((r) => setTimeout(r, 100))
    expect(after.ticks.slice(18)).toEqual([45, 46, 47])
  })

  it("a client that stops reading neither stalls the run nor the other clients, and costs bounded memory", async () => {
    const s = await start({ streamHighWaterBytes: 8 * 1024 })
    const run = await createRun(s.url, { untilYear: 2500, ticksPerSecond: null })
    const stalled = stream(s.url, run.id)
    await stalled.opened
    // Stop reading: the socket's receive buffer fills and TCP backpressure reaches the server.
    ;(stalled.ws as unknown as { _socket: import("node:net").Socket })._socket.pause()
    const healthy = stream(s.url, run.id)
    const end = await healthy.finished()
    expect(end.run.status).toBe("completed")
    const last = end.run.tick
    expect(healthy.ticks).toEqual(range(0, last))
    // What a stalled client can hold on the server: one budget plus the message that crossed it
    // (at most one catch-up batch), however far behind it is.
    expect(s.hub.maxPendingBytes).toBeLessThan(8 * 1024 + 512 * 1024)

    // When it reads again it gets the ticks it missed, coalesced, each exactly once.
    ;(stalled.ws as unknown as { _socket: import("node:net").Socket })._socket.resume()
    await stalled.finished()
    expect(stalled.ticks).toEqual(range(0, last))

    // The kernel's socket buffers may have absorbed everything above; a late joiner's catch-up is
    // sent in one go, so the budget is certain to be hit, and the rest waits for its writes to drain.
    const before = s.hub.throttled
    const late = stream(s.url, run.id)
    await late.opened
    expect(s.hub.throttled).toBeGreaterThan(before)
    await late.finished()
    expect(late.ticks).toEqual(range(0, last))
    expect(late.messages.filter((m) => m.type === "catchup").length).toBeGreaterThan(1)
  })

  it("stop ends a run with its log sealed, and the stream says so after the last tick", async () => {
    const s = await start()
    const run = await createRun(s.url, { untilYear: 2030, ticksPerSecond: 30 })
    const c = stream(s.url, run.id)
    await c.waitFor(() => c.ticks.length >= 2)
    const stopped = await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "stop" })
    expect(stopped.json.status).toBe("stopped")
    const end = await c.finished()
    expect(end.run).toMatchObject({ status: "stopped", tick: stopped.json.tick })
    expect(c.ticks).toEqual(range(0, stopped.json.tick))
    const log = (await api(s.url, "GET", `/api/runs/${run.id}/log`)).text
    // The end record, then the server's signature of it.
    const [endLine, sigLine] = log.trimEnd().split("\n").slice(-2)
    expect(endLine).toContain(`"kind":"end","tick":${stopped.json.tick},"reason":"stopped"`)
    expect(sigLine).toMatch(/^\{"kind":"sig","tick":/)
    expect((await api(s.url, "POST", `/api/runs/${run.id}/control`, { action: "resume" })).status).toBe(409)
  })

  it("limits concurrent runs: extra runs queue and start when a slot frees", async () => {
    const s = await start({ maxConcurrentRuns: 1 })
    const a = await createRun(s.url, { untilYear: 2024, ticksPerSecond: 50 })
    const b = await createRun(s.url, { untilYear: 2024, ticksPerSecond: null })
    expect(a.status).toBe("running")
    expect(b.status).toBe("queued")
    expect((await api(s.url, "POST", `/api/runs/${b.id}/control`, { action: "pause" })).status).toBe(409)
    await waitRun(s.url, b.id, (r) => r.status === "completed")
    expect((await api(s.url, "GET", `/api/runs/${a.id}`)).json.status).toBe("completed")
  })
})

describe("persistence", () => {
  it("a clean close stops live runs with their logs sealed", async () => {
    const dataDir = tmpDir("close")
    const s1 = await start({ dataDir })
    const live = await createRun(s1.url, { untilYear: 2030, ticksPerSecond: 20 })
    await waitRun(s1.url, live.id, (r) => r.tick >= 2)
    await close(s1)
    const s2 = await start({ dataDir })
    const r = (await api(s2.url, "GET", `/api/runs/${live.id}`)).json as RunSummary
    expect(r.status).toBe("stopped")
    const log = (await api(s2.url, "GET", `/api/runs/${live.id}/log`)).text
    expect(log.trimEnd().split("\n").at(-2)).toContain('"kind":"end","tick":' + r.tick + ',"reason":"stopped"')
  })

  it("after a crash runs are listed, finished ones replayable, interrupted ones marked with their tick", async () => {
    const dataDir = tmpDir("restart")
    // The first server runs in its own process and is killed with SIGKILL: no chance to clean up.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./fixtures/serve.ts", import.meta.url).pathname, dataDir],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    )
    const url1 = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()))
      child.once("exit", (code) => reject(new Error(`server process exited (${code})`)))
    })
    const done = await createRun(url1, { untilYear: 2026, ticksPerSecond: null })
    await waitRun(url1, done.id, (r) => r.status === "completed")
    const live = await createRun(url1, { untilYear: 2030, ticksPerSecond: 20 })
    const reached = (await waitRun(url1, live.id, (r) => r.tick >= 3)).tick
    const killed = new Promise((resolve) => child.once("exit", resolve))
    child.kill("SIGKILL")
    await killed

    const s2 = await start({ dataDir })
    const list = (await api(s2.url, "GET", "/api/runs")).json as RunSummary[]
    expect(list.map((r) => r.id).sort()).toEqual([done.id, live.id].sort())
    const d = list.find((r) => r.id === done.id)!
    expect(d).toMatchObject({ status: "completed", tick: 35 })
    const i = list.find((r) => r.id === live.id)!
    expect(i.status).toBe("interrupted")
    expect(i.tick).toBeGreaterThanOrEqual(reached)

    const replayed = stream(s2.url, done.id)
    await replayed.finished()
    expect(replayed.ticks).toEqual(range(0, 35))
    const interrupted = stream(s2.url, live.id)
    const st = await interrupted.finished()
    expect(st.run.status).toBe("interrupted")
    expect(interrupted.ticks).toEqual(range(0, i.tick))

    const state = await api(s2.url, "GET", `/api/runs/${done.id}/state?date=2025-06`)
    expect(state.status, state.text).toBe(200)
    expect(state.json.tick).toBe(17)
    const m = (await api(s2.url, "GET", `/api/runs/${done.id}/metrics`)).json
    expect(state.json.metrics.teleports).toBe(m.columns.teleports[17])

    const log = await api(s2.url, "GET", `/api/runs/${done.id}/log`)
    expect(log.status).toBe(200)
    expect(log.text.split("\n")[0]).toContain('"kind":"header"')
    const uploaded = await api(s2.url, "POST", "/api/logs", log.text, { "content-type": "application/x-ndjson" })
    expect(uploaded.status, uploaded.text).toBe(201)
    expect(uploaded.json).toMatchObject({
      status: "completed",
      tick: 35,
      seed: 7,
      source: "upload",
      scenario: "walkers",
    })
    const um = (await api(s2.url, "GET", `/api/runs/${uploaded.json.id}/metrics`)).json
    expect(um.columns).toEqual(m.columns)

    const events = await api(s2.url, "GET", `/api/runs/${done.id}/events?type=WalkerTeleported&limit=2`)
    expect(events.status).toBe(200)
    expect(events.json.events).toHaveLength(2)
    expect(events.json.events[0]).toMatchObject({ type: "WalkerTeleported" })
    const next = await api(
      s2.url,
      "GET",
      `/api/runs/${done.id}/events?type=WalkerTeleported&limit=2&cursor=${events.json.nextCursor}`,
    )
    expect(next.json.events[0]).not.toEqual(events.json.events[1])
    const agent = events.json.events[0].agent
    const byAgent = await api(s2.url, "GET", `/api/runs/${done.id}/events?agent=${agent}`)
    for (const e of byAgent.json.events) expect(e.agent).toBe(agent)
    const audit = await api(s2.url, "GET", `/api/runs/${done.id}/audit?why=agi`)
    expect(audit.status, audit.text).toBe(200)

    // The interrupted run resumes from its last sealed tick; its log is the one an uninterrupted
    // run of the same header, signed by the same key, writes.
    const resumed = await api(s2.url, "POST", `/api/runs/${live.id}/control`, { action: "resume" })
    expect(resumed.status, resumed.text).toBe(200)
    await api(s2.url, "POST", `/api/runs/${live.id}/control`, { action: "speed", ticksPerSecond: null })
    const fin = await waitRun(s2.url, live.id, (r) => r.status === "completed")
    expect(fin.tick).toBe(83)
    const whole = stream(s2.url, live.id)
    await whole.finished()
    expect(whole.ticks).toEqual(range(0, 83))
    const text = fs.readFileSync(s2.manager.logFile(live.id), "utf8")
    const header = JSON.parse(text.slice(0, text.indexOf("\n")))
    const sim = Simulation.create(walkersModel, walkersModel.decodeConfig(header.config), {
      seed: header.seed,
      meta: header.meta,
      signer: s2.manager.signer,
    })
    let expected = `${sim.headerLine}\n`
    for (let t = 0; t <= 83; t++) expected += sim.step().text
    expect(text).toBe(expected + sim.endLine("completed"))
    const rm = (await api(s2.url, "GET", `/api/runs/${live.id}/metrics`)).json
    expect(rm.ticks).toEqual(range(0, 83))
  })
})

describe("malformed and hostile input gets clean errors", () => {
  it("refuses bad bodies, huge bodies, unknown ids and escaping paths with JSON errors", async () => {
    const dataDir = tmpDir("hostile")
    const s = await start({ dataDir, uiDir: tmpDir("ui") })
    const bad = async (
      method: string,
      route: string,
      body: unknown,
      status: number,
      field?: string,
      headers: Record<string, string> = {},
    ) => {
      const r = await api(s.url, method, route, body, headers)
      expect(r.status, `${method} ${route}: ${r.text}`).toBe(status)
      expect(r.json?.error?.code, r.text).toBeTypeOf("string")
      expect(r.json.error.message.length).toBeGreaterThan(0)
      if (field !== undefined) expect(r.json.error.field).toBe(field)
      return r.json.error
    }
    await bad("POST", "/api/runs", "{not json", 400, "body")
    await bad("POST", "/api/runs", "", 400, "body")
    await bad("POST", "/api/runs", [], 400)
    await bad("POST", "/api/runs", { scenario: 3 }, 400, "scenario")
    await bad("POST", "/api/runs", { scenario: "walkers", seed: -1 }, 400, "seed")
    await bad("POST", "/api/runs", { scenario: "walkers", seed: 2 ** 53 }, 400, "seed")
    await bad("POST", "/api/runs", { scenario: "walkers", sneaky: 1 }, 400, "sneaky")
    await bad("POST", "/api/runs", { scenario: "walkers", overrides: { agents: "many" } }, 400, "overrides.agents")
    await bad("POST", "/api/runs", { scenario: "walkers", overrides: { nope: 1 } }, 400, "overrides.nope")
    await bad("POST", "/api/runs", { scenario: "../../etc/passwd" }, 404, "scenario")
    await bad("GET", "/api/scenarios/..%2F..%2Fetc%2Fpasswd", undefined, 404, "name")
    await bad("GET", "/api/runs/nope", undefined, 404, "id")
    await bad("GET", "/api/runs/..%2F..%2Fruns%2Fx/log", undefined, 404, "id")
    await bad("GET", "/api/runs/..%2Fmetrics/events", undefined, 404, "id")
    await bad("POST", "/api/runs/nope/control", { action: "pause" }, 404, "id")
    await bad("GET", "/api/nothing-here", undefined, 404)

    // A sweep's derived seeds are past 2^32; the API takes any non-negative safe integer, as the CLI does.
    const run = await createRun(s.url, { untilYear: 2024, ticksPerSecond: null, seed: 4440297914450833 })
    expect(run.seed).toBe(4440297914450833)
    await waitRun(s.url, run.id, (r) => r.status === "completed")
    await bad("POST", `/api/runs/${run.id}/control`, { action: "explode" }, 400, "action")
    await bad("POST", `/api/runs/${run.id}/control`, { action: "step", ticks: 0 }, 400, "ticks")
    await bad("POST", `/api/runs/${run.id}/control`, { action: "pause" }, 409)
    await bad("GET", `/api/runs/${run.id}/events?fromTick=abc`, undefined, 400, "fromTick")
    await bad("GET", `/api/runs/${run.id}/events?limit=100000`, undefined, 400, "limit")
    await bad("GET", `/api/runs/${run.id}/metrics?keys=gdp`, undefined, 400, "keys")
    await bad("GET", `/api/runs/${run.id}/state?tick=999`, undefined, 404, "tick")
    await bad("GET", `/api/runs/${run.id}/state`, undefined, 400, "tick")
    await bad("GET", `/api/runs/${run.id}/audit?why=singularity`, undefined, 400, "why")
    const ndjson = { "content-type": "application/x-ndjson" }
    const logErr = await bad("POST", "/api/logs", '{"kind":"header"}\n', 422, "log", ndjson)
    expect(logErr.message).toMatch(/^line 1/)
    const log = (await api(s.url, "GET", `/api/runs/${run.id}/log`)).text
    const tampered = log.replace('"kind":"tick","tick":3,', '"kind":"tick","tick":4,')
    expect((await bad("POST", "/api/logs", tampered, 422, "log", ndjson)).message).toMatch(/line \d+/)
    // A log of another model version is refused by name, not read as if it were this version's.
    const sim = Simulation.create(
      { ...walkersModel, version: "0.9.0" },
      { agents: 5, teleportProbability: 0 },
      { seed: 1 },
    )
    const older = `${sim.headerLine}\n${sim.step().text}${sim.endLine("completed")}`
    expect((await bad("POST", "/api/logs", older, 422, "log", ndjson)).message).toMatch(
      /^line 1: model-version: the log was written by walkers 0\.9\.0, this build is walkers 1\.0\.0.*the build that wrote it/,
    )
    // Content types a cross-site form could send are refused, so no web page can drive the server.
    await bad("POST", "/api/logs", log, 415, "content-type")
    await bad("POST", "/api/runs", "{}", 415, "content-type", { "content-type": "text/plain" })
    const form = await fetch(`${s.url}/api/runs`, {
      method: "POST",
      body: new URLSearchParams({ scenario: "walkers" }),
    })
    expect(form.status).toBe(415)

    // Static files never leave the UI directory, however the path is spelled.
    fs.writeFileSync(path.join(dataDir, "secret.txt"), "secret")
    for (const p of ["/../secret.txt", "/..%2Fsecret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/....//secret.txt"]) {
      const r = await fetch(`${s.url}${p}`)
      const text = await r.text()
      expect(text).not.toContain("secret")
      expect(text).not.toContain("root:")
    }
    const ws = stream(s.url, "..%2F..%2Fetc")
    await expect(ws.opened).rejects.toThrow(/404/)
    const wsBad = stream(s.url, run.id, -4)
    await expect(wsBad.opened).rejects.toThrow(/400/)
    // Last: the server closes the connection after a 413, and a pooled keep-alive socket reused
    // after it fails the next fetch with "other side closed" (seen under load).
    await bad("POST", "/api/runs", { scenario: "walkers", pad: "x".repeat(200_000) }, 413)
  })

  it("beyond loopback needs a token; with a token, mutating calls without it are refused", async () => {
    await expect(startServer({ port: 0, host: "0.0.0.0", dataDir: tmpDir("tok"), kitUrl: WALKERS })).rejects.toThrow(
      /token/,
    )
    const token = "a-long-enough-test-token"
    const s = await start({ token })
    const noAuth = await api(s.url, "POST", "/api/runs", { scenario: "walkers" })
    expect(noAuth.status).toBe(401)
    expect(noAuth.json.error).toMatchObject({ code: "unauthorized", field: "authorization" })
    const wrong = await api(s.url, "POST", "/api/runs", { scenario: "walkers" }, { authorization: "Bearer nope" })
    expect(wrong.status).toBe(401)
    expect((await api(s.url, "POST", "/api/logs", "x", { authorization: `Bearer ${token}x` })).status).toBe(401)
    const ok = await api(
      s.url,
      "POST",
      "/api/runs",
      { scenario: "walkers", untilYear: 2024 },
      { authorization: `Bearer ${token}` },
    )
    expect(ok.status).toBe(201)
    expect((await api(s.url, "GET", "/api/runs")).status).toBe(200)
  })

  it("describes itself: scenarios with parameters and an OpenAPI document", async () => {
    const s = await start()
    const sc = await api(s.url, "GET", "/api/scenarios")
    expect(sc.json[0]).toMatchObject({ name: "walkers" })
    expect(sc.json[0].parameters[0]).toMatchObject({ path: "agents", value: 100, source: expect.any(String) })
    const doc = await api(s.url, "GET", "/api/openapi.json")
    expect(doc.json.openapi).toBe("3.1.0")
    expect(Object.keys(doc.json.paths)).toContain("/api/runs/{id}/events")
    expect(Object.keys(doc.json.paths)).toContain("/api/sweeps/{id}/series.parquet")
    const sweepBody = doc.json.paths["/api/sweeps"].post.requestBody.content["application/json"].schema
    expect(JSON.stringify(sweepBody.properties.design)).toContain("grid")
    expect(sweepBody.properties).toHaveProperty("axes")
    expect(doc.json.paths["/api/runs"].post.requestBody.content["application/json"].schema.properties).toHaveProperty(
      "scenario",
    )
    // The document validates against the OpenAPI 3.1 JSON Schema.
    const validator = new Validator()
    const checked = await validator.validate(doc.json)
    expect(checked.errors ?? [], JSON.stringify(checked.errors)).toEqual([])
    expect(checked.valid).toBe(true)
    expect(doc.json.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" })
    expect(doc.json.paths["/api/runs"].post.security).toContainEqual({ bearer: [] })
    // Every success response says what its body is.
    const missing: string[] = []
    for (const [route, ops] of Object.entries(doc.json.paths as Record<string, Record<string, any>>))
      for (const [method, op] of Object.entries(ops))
        for (const [status, res] of Object.entries(op.responses as Record<string, any>))
          if (/^(2\d\d|101)$/.test(status) && !Object.values(res.content ?? {}).some((c: any) => c.schema))
            missing.push(`${method.toUpperCase()} ${route} ${status}`)
    expect(missing).toEqual([])
    expect(doc.json.components.schemas.ServerMessage.anyOf.length).toBe(8)
    expect(doc.json.components.schemas.SweepServerMessage.anyOf.length).toBe(2)
    // Real answers decode with the Schemas the document is generated from.
    Schema.decodeUnknownSync(Schema.Array(ScenarioDetailSchema))(sc.json)
    const run = await createRun(s.url, { untilYear: 2025, ticksPerSecond: null })
    await waitRun(s.url, run.id, (r) => r.status === "completed")
    Schema.decodeUnknownSync(RunSummarySchema)((await api(s.url, "GET", `/api/runs/${run.id}`)).json)
    Schema.decodeUnknownSync(MetricsPageSchema)((await api(s.url, "GET", `/api/runs/${run.id}/metrics`)).json)
    Schema.decodeUnknownSync(StateAtTickSchema)((await api(s.url, "GET", `/api/runs/${run.id}/state?tick=3`)).json)
    Schema.decodeUnknownSync(EventsPageSchema)((await api(s.url, "GET", `/api/runs/${run.id}/events?limit=5`)).json)
  })
})
