import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { type RunningServer, startServer } from "../src/index.js"
import { api, tmpDir, waitRun } from "./helpers.js"

/**
 * The API from an attacker: 3,000 generated REST calls (paths, queries, bodies, content types)
 * and 1,500 WebSocket messages. Every answer is below 500 and every refusal is the JSON error
 * shape with a code and a message; no message breaks a stream.
 */
const WALKERS = import.meta.resolve("@takeoff/core/walkers-kit")
let s: RunningServer
let runId: string
beforeAll(async () => {
  s = await startServer({ port: 0, dataDir: tmpDir("fuzz"), kitUrl: WALKERS, maxConcurrentRuns: 1 })
  const r = await api(s.url, "POST", "/api/runs", { scenario: "walkers", seed: 1, untilYear: 2024 })
  runId = r.json.id
  await waitRun(s.url, runId, (x) => x.status === "completed")
})
afterAll(async () => {
  await s?.close()
})

const segment = fc.oneof(
  fc.constantFrom("api", "runs", "scenarios", "events", "metrics", "state", "audit", "log", "control", "stream"),
  fc.constantFrom("..", ".", "%2e%2e", "%2F", "%00", "%ZZ", "walkers", "RUN"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
)
const query = fc.dictionary(
  fc.constantFrom("fromTick", "toTick", "limit", "cursor", "types", "keys", "tick", "date", "why", "include", "from"),
  fc.oneof(fc.string({ maxLength: 10 }), fc.integer().map(String), fc.constantFrom("-1", "1e99", "NaN", "")),
  { maxKeys: 3 },
)
const qs = (q: Record<string, string>) => {
  const t = new URLSearchParams(q).toString()
  return t === "" ? "" : `?${t}`
}
const path = fc.oneof(
  fc.tuple(fc.array(segment, { maxLength: 5 }), query).map(([p, q]) => `/api/${p.join("/")}${qs(q)}`),
  fc
    // state and audit hand the log to a job worker per call (seconds each): their readers are fuzzed in core.
    .tuple(fc.constantFrom("", "/events", "/metrics", "/log", "/control"), query)
    .map(([sub, q]) => `/api/runs/${runId}${sub}${qs(q)}`),
  fc.constantFrom("/api/runs", "/api/scenarios", "/api/scenarios/walkers", "/api/health", "/api/openapi.json"),
)
const jsonValue = fc.oneof(
  fc.json(),
  fc
    .record(
      {
        scenario: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("nope", "../walkers", "")),
        seed: fc.oneof(fc.integer(), fc.double(), fc.string()),
        untilYear: fc.oneof(fc.integer(), fc.string()),
        overrides: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()), fc.jsonValue()),
        ticksPerSecond: fc.jsonValue(),
        action: fc.oneof(fc.constantFrom("pause", "resume", "step", "speed", "stop", "explode"), fc.jsonValue()),
        ticks: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.integer({ min: 50, max: 3000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.string({ unit: "binary", maxLength: 200 }),
)
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
)
const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")

const expectNamedRefusal = (status: number, text: string, what: string) => {
  expect(status, `${what} -> ${status}: ${text.slice(0, 200)}`).toBeLessThan(500)
  if (status >= 400 && text !== "") {
    const body = JSON.parse(text)
    expect(typeof body.error?.code, what).toBe("string")
    expect(typeof body.error?.message, what).toBe("string")
  }
}

describe("fuzzing the API", () => {
  it("answers 3,000 generated REST calls below 500, refusing each with a named error", {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(method, path, jsonValue, contentType, async (m, p, body, type) => {
        // Uploads run a job per call; the log readers behind them are fuzzed in core.
        fc.pre(!p.startsWith("/api/logs"))
        const withBody = m !== "GET" && m !== "HEAD"
        const res = await fetch(`${s.url}${p}`, {
          method: m,
          headers: type === "" ? {} : { "content-type": type },
          body: withBody ? body : undefined,
        })
        expectNamedRefusal(res.status, m === "HEAD" ? "" : await res.text(), `${m} ${p}`)
      }),
      { numRuns: 3000 },
    )
    expect((await api(s.url, "GET", "/api/health")).status).toBe(200)
  })

  it("keeps a stream open through 1,500 generated client messages, answering each bad one with an error message", {
    timeout: 300_000,
  }, async () => {
    const ws = new WebSocket(`${s.url.replace(/^http/, "ws")}/api/runs/${runId}/stream`)
    const inbox: Array<{ type: string; message?: unknown }> = []
    let wake: (() => void) | undefined
    ws.on("message", (d) => {
      inbox.push(JSON.parse(d.toString()))
      wake?.()
    })
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve())
      ws.once("error", reject)
    })
    let closed = false
    ws.on("close", () => {
      closed = true
      wake?.()
    })
    /** Waits for the status answer to a ping sent after `text`: everything before it answered `text`. */
    const exchange = async (text: string) => {
      inbox.length = 0
      ws.send(text)
      ws.send('{"type":"ping"}')
      while (!closed && !inbox.some((m) => m.type === "status")) await new Promise<void>((r) => (wake = r))
      return inbox.slice()
    }
    const message = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          { type: fc.oneof(fc.constantFrom("ping", "resume", "hello", ""), fc.jsonValue()), from: fc.jsonValue() },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.integer({ min: 10, max: 1000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
    )
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const answers = await exchange(text)
        expect(closed, `the stream closed after ${text.slice(0, 100)}`).toBe(false)
        for (const a of answers) if (a.type === "error") expect(typeof a.message).toBe("string")
      }),
      { numRuns: 1500 },
    )
    ws.close()
  })
})
