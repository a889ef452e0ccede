import type { RunSummary } from "@takeoff/protocol"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "../src/index.js"
import { api, range, StreamClient, tmpDir } from "./helpers.js"

/** The product's default model, end to end: the economy's baseline through REST and a live stream. */
describe("the economy over the server", () => {
  let s: RunningServer
  beforeAll(async () => {
    s = await startServer({ port: 0, dataDir: tmpDir("economy") })
  })
  afterAll(async () => {
    await s.close()
  })

  it("lists the scenarios with their parameters, defaults and sources", async () => {
    const list = (await api(s.url, "GET", "/api/scenarios")).json as Array<{ name: string; parameters: unknown[] }>
    const baseline = list.find((x) => x.name === "baseline")
    expect(baseline).toBeDefined()
    expect(baseline!.parameters.length).toBeGreaterThan(20)
    expect(baseline!.parameters[0]).toMatchObject({
      path: expect.any(String),
      unit: expect.any(String),
      value: expect.any(Number),
    })
    const bad = await api(s.url, "POST", "/api/runs", { scenario: "baseline", overrides: { "no.such.param": 1 } })
    expect(bad.status).toBe(400)
    expect(bad.json.error.field).toMatch(/no\.such\.param/)
  })

  it("streams the baseline to its AGI milestone, then audits it from the log", async () => {
    const created = await api(s.url, "POST", "/api/runs", { scenario: "baseline", seed: 1, untilYear: 2031 })
    expect(created.status, created.text).toBe(201)
    const run = created.json as RunSummary
    const c = new StreamClient(s.url, run.id)
    try {
      const hello = await c.waitFor((m) => m.type === "hello")
      expect(hello.type === "hello" && hello.metrics).toContain("aiShare")
      const agi = await c.waitFor((m) => m.type === "milestone" && m.milestone.kind === "agi")
      expect(agi.type === "milestone" && agi.milestone.value).toBeGreaterThanOrEqual(0.1)
      const end = await c.finished()
      expect(end.run.status).toBe("completed")
      expect(c.ticks).toEqual(range(0, run.untilTick))
      expect(c.messages.some((m) => m.type === "notables" && m.events.length > 0)).toBe(true)

      const agiTick = agi.type === "milestone" ? agi.milestone.tick : -1
      const ev = await api(s.url, "GET", `/api/runs/${run.id}/events?type=AgiReached`)
      expect(ev.json.events).toHaveLength(1)
      expect(ev.json.events[0].tick).toBe(agiTick)
      const audit = await api(s.url, "GET", `/api/runs/${run.id}/audit?why=agi`)
      expect(audit.status, audit.text).toBe(200)
      expect(audit.json).toMatchObject({ why: "agi", reached: true, milestone: { tick: agiTick } })
      const state = await api(s.url, "GET", `/api/runs/${run.id}/state?date=2030-01`)
      expect(state.status, state.text).toBe(200)
      const series = (await api(s.url, "GET", `/api/runs/${run.id}/metrics?keys=aiShare`)).json
      expect(state.json.metrics.aiShare).toBe(series.columns.aiShare[state.json.tick])
    } finally {
      c.close()
    }
  })
})
