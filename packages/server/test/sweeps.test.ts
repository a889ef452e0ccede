import * as fs from "node:fs"
import * as path from "node:path"
import type { SweepDetail, SweepServerMessage, SweepSummary } from "@takeoff/protocol"
import { Schema } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { RunSummarySchema } from "../src/response-schemas.js"
import { type RunningServer, startServer } from "../src/index.js"
import {
  SweepDetailSchema,
  SweepFanSchema,
  SweepMemberSchema,
  SweepServerMessageSchema,
  SweepSummarySchema,
} from "../src/sweep-schemas.js"
import { api, rawRequest, tmpDir, waitRun } from "./helpers.js"

// Sweeps of the real economy on the server's worker threads, over HTTP.
const servers: RunningServer[] = []
afterAll(async () => {
  for (const s of servers) await s.close()
})
const start = async (dataDir = tmpDir("sweeps")) => {
  const s = await startServer({ port: 0, dataDir, maxConcurrentRuns: 2 })
  servers.push(s)
  return s
}

const waitSweep = async (base: string, id: string, pred: (d: SweepDetail) => boolean, timeoutMs = 120_000) => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const { json } = await api(base, "GET", `/api/sweeps/${id}`)
    if (pred(json)) return json as SweepDetail
    if (json?.summary?.status === "failed") throw new Error(`sweep ${id} failed: ${json.summary.error}`)
    if (Date.now() > until) throw new Error(`sweep ${id} never got there; last: ${JSON.stringify(json?.summary)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A real `ws` client on a sweep's progress stream: every message, decoded with the documented Schema, until the server closes it. */
const followSweep = (base: string, id: string) => {
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/api/sweeps/${id}/stream`)
  const messages: SweepServerMessage[] = []
  let gotFirst: () => void = () => {}
  const first = new Promise<void>((resolve) => (gotFirst = resolve))
  ws.on("message", (data) => {
    messages.push(Schema.decodeUnknownSync(SweepServerMessageSchema)(JSON.parse(data.toString())))
    gotFirst()
  })
  const closed = new Promise<number>((resolve, reject) => {
    ws.on("close", (code) => resolve(code))
    ws.on("error", reject)
  })
  return { messages, first, closed }
}

describe("sweeps over the API", () => {
  it("runs a sweep on worker threads, reports its statistics, and reruns a member as a run that matches it", async () => {
    // Given a server and a 6-run Latin hypercube sweep of the baseline to 2032
    const s = await start()
    const created = await api(s.url, "POST", "/api/sweeps", { scenario: "baseline", runs: 6, seed: 3, untilYear: 2032 })
    expect(created.status, created.text).toBe(201)
    const summary = Schema.decodeUnknownSync(SweepSummarySchema)(created.json)
    expect(summary).toMatchObject({ scenario: "baseline", runs: 6, total: 6, design: "lhs", untilYear: 2032 })
    // When it finishes
    const detail = await waitSweep(s.url, summary.id, (d) => d.summary.status === "completed")
    // Then every member is in its statistics, which decode with the documented Schema
    Schema.decodeUnknownSync(SweepDetailSchema)(detail)
    expect(detail.summary.done).toBe(6)
    expect(detail.members.map((m) => m.index).sort()).toEqual([0, 1, 2, 3, 4, 5])
    expect(detail.milestones.map((m) => m.label)).toEqual(["AGI", "ASI", "post-scarcity", "catastrophe"])
    expect(detail.influences.length).toBeGreaterThan(3)
    expect(detail.influences[0].rho).toHaveProperty("AGI")
    // And it is listed, and any metric has a fan chart over its years
    const list = await api(s.url, "GET", "/api/sweeps")
    expect(list.json.map((x: SweepSummary) => x.id)).toContain(summary.id)
    const fan = Schema.decodeUnknownSync(SweepFanSchema)(
      (await api(s.url, "GET", `/api/sweeps/${summary.id}/fan?metric=gdpUsd`)).json,
    )
    expect(fan.years).toEqual([2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032])
    expect(fan.p50.every((v) => v !== null && v > 0)).toBe(true)
    expect(fan.p10.every((v, i) => v! <= fan.p90[i]!)).toBe(true)
    const badFan = await api(s.url, "GET", `/api/sweeps/${summary.id}/fan?metric=gdp`)
    expect(badFan.status).toBe(400)
    expect(badFan.json.error.field).toBe("metric")
    // When member 2 is rerun as an ordinary run
    const member = Schema.decodeUnknownSync(SweepMemberSchema)(
      (await api(s.url, "GET", `/api/sweeps/${summary.id}/members/2`)).json,
    )
    expect(Object.keys(member.draws).length).toBeGreaterThan(5)
    const rerun = await api(s.url, "POST", `/api/sweeps/${summary.id}/members/2/run`, {})
    expect(rerun.status, rerun.text).toBe(201)
    const run = Schema.decodeUnknownSync(RunSummarySchema)(rerun.json)
    expect(run).toMatchObject({ scenario: "baseline", seed: member.seed })
    const done = await waitRun(s.url, run.id, (r) => r.status === "completed", 120_000)
    // Then the run reaches its milestones on the member's dates
    const reached = Object.fromEntries(done.milestones.map((m) => [m.kind, m.date]))
    expect(reached.agi ?? null).toBe(member.milestones.AGI)
    expect(reached.asi ?? null).toBe(member.milestones.ASI)
  }, 240_000)

  it("sweeps another model's kit too: without distributions its runs differ by seed (random design)", async () => {
    const dataDir = tmpDir("sweeps-walkers")
    const s = await startServer({ port: 0, dataDir, kitUrl: import.meta.resolve("@takeoff/core/walkers-kit") })
    servers.push(s)
    const created = await api(s.url, "POST", "/api/sweeps", { scenario: "walkers", runs: 3 })
    expect(created.status, created.text).toBe(201)
    expect(created.json.design).toBe("random")
    const d = await waitSweep(s.url, created.json.id, (x) => x.summary.status === "completed")
    expect(d.members.map((m) => m.seed)).toHaveLength(3)
    expect(new Set(d.members.map((m) => m.seed)).size).toBe(3)
    const lhs = await api(s.url, "POST", "/api/sweeps", { scenario: "walkers", runs: 3, design: "lhs" })
    expect(lhs.status).toBe(400)
    expect(lhs.json.error.field).toBe("design")
  })

  it("refuses a bad sweep naming the field", async () => {
    const s = await start()
    const bad = async (body: unknown, status: number, field: string) => {
      const r = await api(s.url, "POST", "/api/sweeps", body)
      expect(r.status, r.text).toBe(status)
      expect(r.json.error.field, r.text).toBe(field)
      return r.json.error.message as string
    }
    await bad({ scenario: "baseline", runs: 0 }, 400, "runs")
    await bad({ scenario: "baseline" }, 400, "runs")
    await bad({ scenario: "baseline", runs: 5, design: "grid" }, 400, "design")
    await bad({ scenario: "nope", runs: 5 }, 404, "scenario")
    expect(await bad({ scenario: "baseline", runs: 5, sample: ["ai.nope"] }, 400, "sample.0")).toContain(
      '"ai.nope" has no distribution',
    )
    await bad({ scenario: "baseline", runs: 5, vary: [{ path: "ai.flopGapScale", lo: 2, hi: 1 }] }, 400, "vary.0.hi")
    await bad({ scenario: "baseline", runs: 5, vary: [{ path: "ai.nope", lo: 1, hi: 2 }] }, 400, "vary.0")
    expect(await bad({ scenario: "baseline", runs: 100, design: "saltelli" }, 400, "runs")).toMatch(/at most 2000/)
    await bad({ scenario: "baseline", runs: 5, untilYear: 1999 }, 400, "untilYear")
    expect(
      await bad(
        { scenario: "baseline", runs: 5, overrides: { "ai.flopGapScale": "abc" } },
        400,
        "overrides.ai.flopGapScale",
      ),
    ).toBe('ai.flopGapScale: expected a number in [0.05, 20] (x), got "abc"')
    expect((await api(s.url, "GET", "/api/sweeps/zzzzzz-00000000")).status).toBe(404)
  })

  it("stops a live sweep with DELETE, keeps what finished across a restart, removes it with a second DELETE, and pushes the progress of the one queued behind it", async () => {
    // Given a long sweep under way, sampling two distributions only
    const dataDir = tmpDir("sweeps-stop")
    const s = await start(dataDir)
    const sample = ["ai.flopGapScale", "firms.adoptionLagMonths"]
    const created = await api(s.url, "POST", "/api/sweeps", {
      scenario: "baseline",
      runs: 400,
      untilYear: 2040,
      sample,
    })
    expect(created.status, created.text).toBe(201)
    const id = created.json.id as string
    // And a small one queued behind it, followed over its WebSocket
    const small = await api(s.url, "POST", "/api/sweeps", { scenario: "baseline", runs: 5, seed: 2, untilYear: 2026 })
    expect(small.json.status, small.text).toBe("queued")
    const smallId = small.json.id as string
    const client = followSweep(s.url, smallId)
    await client.first
    // (a second client's ping is answered with where the sweep stands; anything else is refused by name)
    const pinger = new WebSocket(`${s.url.replace(/^http/, "ws")}/api/sweeps/${smallId}/stream`)
    const answers: unknown[] = []
    await new Promise<void>((resolve, reject) => {
      pinger.on("error", reject)
      pinger.on("message", (data) => {
        answers.push(JSON.parse(data.toString()))
        if (answers.length === 1) for (const m of ['{"type":"ping"}', "nonsense"]) pinger.send(m)
        if (answers.length === 3) resolve()
      })
    })
    pinger.close()
    expect(answers.map((m) => Schema.decodeUnknownSync(SweepServerMessageSchema)(m))).toEqual([
      client.messages[0],
      client.messages[0],
      { type: "error", message: "type: expected ping" },
    ])
    await waitSweep(s.url, id, (d) => d.summary.done >= 2)
    // When it is deleted while running
    const stopped = await api(s.url, "DELETE", `/api/sweeps/${id}`)
    // Then it stops with the members that finished, and only the sampled parameters were drawn
    expect(stopped.json).toMatchObject({ deleted: false, summary: { status: "stopped" } })
    const kept = stopped.json.summary.done as number
    expect(kept).toBeGreaterThanOrEqual(2)
    expect(kept).toBeLessThan(400)
    // (whichever finished: with two workers, member 1 and 2 may finish before member 0)
    const finished = (await api(s.url, "GET", `/api/sweeps/${id}`)).json.members[0].index
    const member = (await api(s.url, "GET", `/api/sweeps/${id}/members/${finished}`)).json
    expect(Object.keys(member.draws).sort()).toEqual(sample)
    // And the small sweep, run next, was pushed to its follower: every count from 0 to 5 in order, the status changes, a closed socket
    expect(await client.closed).toBe(1000)
    const progress = client.messages.map((m) => {
      if (m.type !== "progress") throw new Error(`unexpected ${JSON.stringify(m)}`)
      return m
    })
    expect(progress.map((m) => [m.summary.status, m.summary.done])).toEqual([
      ["queued", 0],
      ["running", 0],
      ["running", 1],
      ["running", 2],
      ["running", 3],
      ["running", 4],
      ["running", 5],
      ["completed", 5],
    ])
    expect(progress.every((m) => m.summary.total === 5 && m.summary.id === smallId)).toBe(true)
    const versions = progress.map((m) => m.version)
    expect(
      versions.every((v, i) => i === 0 || v > versions[i - 1]),
      `versions ${versions}`,
    ).toBe(true)
    // And the last message is the sweep as GET reports it
    const last = progress[progress.length - 1]
    expect((await api(s.url, "GET", `/api/sweeps/${smallId}`)).json.summary).toEqual(last.summary)
    // And a client that joins after the end is told where it stands, then closed
    const late = followSweep(s.url, smallId)
    expect(await late.closed).toBe(1000)
    expect(late.messages).toEqual([last])
    // And an unknown sweep's stream is refused with a JSON 404
    const refused = await rawRequest(s.url, "GET", "/api/sweeps/zzzzzz-00000000/stream", {
      Connection: "Upgrade",
      Upgrade: "websocket",
      "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    })
    expect(refused.status).toBe(404)
    expect(JSON.parse(refused.text).error.field).toBe("id")
    // And a restarted server still has both, their members read back from the member logs
    await s.close()
    servers.splice(servers.indexOf(s), 1)
    const s2 = await start(dataDir)
    const again = await api(s2.url, "GET", `/api/sweeps/${id}`)
    expect(again.json.summary).toMatchObject({ status: "stopped", done: kept })
    expect(again.json.members).toHaveLength(kept)
    expect((await api(s2.url, "GET", `/api/sweeps/${smallId}`)).json.members).toHaveLength(5)
    // And a second DELETE removes it
    expect((await api(s2.url, "DELETE", `/api/sweeps/${id}`)).json.deleted).toBe(true)
    expect((await api(s2.url, "GET", `/api/sweeps/${id}`)).status).toBe(404)
    expect(fs.readdirSync(path.join(dataDir, "sweeps")).filter((f) => f.startsWith(id))).toEqual([])
  }, 240_000)
})
