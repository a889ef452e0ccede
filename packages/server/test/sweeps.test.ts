import * as fs from "node:fs"
import * as path from "node:path"
import type { SweepDetail, SweepServerMessage, SweepSummary } from "@takeoff/protocol"
import { Schema } from "effect"
import { parquetMetadata, parquetReadObjects } from "hyparquet"
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
    expect(await bad({ scenario: "baseline", runs: 5, design: "grid" }, 400, "axes")).toBe(
      "axes: grid: expected at least one parameter and its levels",
    )
    const grid = (axes: unknown, runs = 1) => ({ scenario: "baseline", runs, design: "grid", axes })
    expect(await bad(grid([{ path: "ai.mfu", values: [0.3], lo: 0.1, hi: 0.2, steps: 2 }]), 400, "axes.0")).toBe(
      "axes.0: ai.mfu: give values, or lo, hi and steps, not both",
    )
    await bad(grid([{ path: "ai.mfu", lo: 0.1, hi: 0.2 }]), 400, "axes.0")
    await bad(grid([{ path: "ai.mfu", lo: 0.3, hi: 0.2, steps: 2 }]), 400, "axes.0.hi")
    await bad(grid([{ path: "ai.mfu", values: [] }]), 400, "axes.0.values")
    await bad(grid([{ path: "ai.mfu", lo: 0.1, hi: 0.2, steps: 1 }]), 400, "axes.0.steps")
    expect(await bad(grid([{ path: "ai.mfu", values: [0.3, 7] }]), 400, "axes.0")).toMatch(/^axes\.0: ai\.mfu=7: /)
    // A grid over the member cap is refused before it is built, naming its count.
    const big = [
      { path: "ai.mfu", lo: 0.1, hi: 0.5, steps: 50 },
      { path: "macro.savingRate", lo: 0.1, hi: 0.4, steps: 50 },
    ]
    expect(await bad(grid(big), 400, "axes")).toBe(
      "axes: the grid is 50 x 50 = 2500 points x 1 run each = 2500 runs, over the limit of 2000; use fewer levels",
    )
    expect(await bad({ ...grid([{ path: "ai.mfu", values: [0.3] }]), sample: [] }, 400, "sample")).toMatch(
      /point values/,
    )
    expect(
      await bad({ scenario: "baseline", runs: 5, axes: [{ path: "ai.mfu", values: [0.3] }] }, 400, "axes"),
    ).toMatch(/only a grid/)
    expect(await bad({ scenario: "baseline", runs: 1000, design: "oat" }, 400, "runs")).toMatch(
      /over the limit of 2000/,
    )
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

  it("runs a grid sweep, reports the milestone by parameter value, and serves every member's series as CSV and Parquet", async () => {
    // Given a 2 x 2 grid (one axis by values, one by lo/hi/steps) to 2026, of 200 firms (cheap)
    const s = await start()
    const created = await api(s.url, "POST", "/api/sweeps", {
      scenario: "baseline",
      runs: 1,
      seed: 5,
      design: "grid",
      untilYear: 2026,
      overrides: { "firms.count": 200 },
      axes: [
        { path: "ai.mfu", values: [0.3, 0.5] },
        { path: "macro.savingRate", lo: 0.2, hi: 0.3, steps: 2 },
      ],
    })
    expect(created.status, created.text).toBe(201)
    const summary = Schema.decodeUnknownSync(SweepSummarySchema)(created.json)
    expect(summary).toMatchObject({ design: "grid", runs: 1, total: 4 })
    expect(summary.axes).toEqual([
      { path: "ai.mfu", values: [0.3, 0.5] },
      { path: "macro.savingRate", values: [0.2, 0.3] },
    ])
    // When it finishes
    const detail = Schema.decodeUnknownSync(SweepDetailSchema)(
      await waitSweep(s.url, summary.id, (d) => d.summary.status === "completed"),
    )
    // Then each point has its values and its milestone dates, in design order
    expect(detail.grid!.map((p) => p.values)).toEqual([
      { "ai.mfu": 0.3, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.3, "macro.savingRate": 0.3 },
      { "ai.mfu": 0.5, "macro.savingRate": 0.2 },
      { "ai.mfu": 0.5, "macro.savingRate": 0.3 },
    ])
    expect(detail.grid!.every((p) => p.runs === 1 && "AGI" in p.milestones)).toBe(true)
    // Every point runs with the same seed, so differences come from the parameters alone.
    expect(new Set(detail.members.map((m) => m.seed)).size).toBe(1)
    // And the long-format series: 4 runs x 3 Decembers x 2 metrics, each run's grid values as columns
    const csv = await fetch(`${s.url}/api/sweeps/${summary.id}/series.csv?metrics=gdpUsd,aiShare`)
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/)
    const lines = (await csv.text()).trim().split("\n")
    expect(lines[0]).toBe("run,scenario,seed,tick,date,metric,value,param.ai.mfu,param.macro.savingRate")
    expect(lines).toHaveLength(1 + 4 * 3 * 2)
    const pq = await fetch(`${s.url}/api/sweeps/${summary.id}/series.parquet?metrics=gdpUsd,aiShare`)
    expect(pq.headers.get("content-disposition")).toContain(`sweep-${summary.id}.series.parquet`)
    const file = await pq.arrayBuffer()
    const meta = parquetMetadata(file)
    expect(meta.schema.slice(1).map((c) => c.name)).toEqual([
      "run",
      "scenario",
      "seed",
      "tick",
      "date",
      "metric",
      "value",
      "param.ai.mfu",
      "param.macro.savingRate",
    ])
    const rows = (await parquetReadObjects({ file })) as Array<Record<string, unknown>>
    expect(rows).toHaveLength(24)
    expect(rows.filter((r) => r.run === "3").map((r) => [r.date, r.metric, r["param.ai.mfu"]])).toEqual([
      ["2024-12", "gdpUsd", 0.5],
      ["2024-12", "aiShare", 0.5],
      ["2025-12", "gdpUsd", 0.5],
      ["2025-12", "aiShare", 0.5],
      ["2026-12", "gdpUsd", 0.5],
      ["2026-12", "aiShare", 0.5],
    ])
    // The CSV and the Parquet file hold the same values.
    expect(lines.slice(1).map((l) => Number(l.split(",")[6]))).toEqual(rows.map((r) => r.value))
    const all = await fetch(`${s.url}/api/sweeps/${summary.id}/series.csv`)
    expect((await all.text()).trim().split("\n")).toHaveLength(1 + 4 * 3 * detail.metrics.length)
    const badMetric = await api(s.url, "GET", `/api/sweeps/${summary.id}/series.parquet?metrics=gdp`)
    expect(badMetric.status).toBe(400)
    expect(badMetric.json.error.field).toBe("metrics")
    // And a one-at-a-time sweep of one range and one distribution runs its 5 rows and reports each one's ends
    const oat = await api(s.url, "POST", "/api/sweeps", {
      scenario: "baseline",
      runs: 1,
      design: "oat",
      untilYear: 2024,
      sample: ["ai.flopGapScale"],
      vary: [{ path: "macro.savingRate", lo: 0.2, hi: 0.3 }],
      overrides: { "firms.count": 200 },
    })
    expect(oat.status, oat.text).toBe(201)
    expect(oat.json).toMatchObject({ design: "oat", total: 5 })
    const tornado = Schema.decodeUnknownSync(SweepDetailSchema)(
      await waitSweep(s.url, oat.json.id, (d) => d.summary.status === "completed"),
    ).oat!
    expect(tornado.effects.map((e) => e.path).sort()).toEqual(["ai.flopGapScale", "macro.savingRate"])
    expect(tornado.effects.find((e) => e.path === "macro.savingRate")).toMatchObject({
      point: 0.26,
      low: 0.2,
      high: 0.3,
    })
    expect(Object.keys(tornado.point)).toEqual(detail.milestones.map((m) => m.label))
  }, 240_000)
})
