import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as http from "node:http"
import type { RunSummary, ServerMessage } from "@takeoff/protocol"
import { afterEach } from "vitest"
import WebSocket from "ws"
import { type RunningServer, type ServerOptions, startServer } from "../src/index.js"

// Servers started by the tests sign with a key of their own, never the user's ~/.takeoff one.
process.env.TAKEOFF_KEY = path.join(os.tmpdir(), `takeoff-server-test-key-${process.getuid?.() ?? 0}.pem`)

export const tmpDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `takeoff-server-${name}-`))

export const api = async (
  base: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, json, text }
}

/** Polls until the run's summary satisfies `pred` (no fixed sleeps: waits on the server's own state). */
export const waitRun = async (base: string, id: string, pred: (r: RunSummary) => boolean, timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const { json } = await api(base, "GET", `/api/runs/${id}`)
    if (pred(json)) return json as RunSummary
    if (json?.status === "failed") throw new Error(`run ${id} failed: ${json.error}`)
    if (Date.now() > until) throw new Error(`run ${id} never reached the expected state; last: ${JSON.stringify(json)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A real `ws` client that records every message and the ticks it has been given, in order. */
export class StreamClient {
  readonly messages: ServerMessage[] = []
  /** Every tick received, from `catchup` and `tick` messages, in arrival order. */
  readonly ticks: number[] = []
  private waiters: Array<() => void> = []
  readonly ws: WebSocket
  readonly opened: Promise<void>
  closed = false

  constructor(base: string, id: string, from?: number) {
    const url = `${base.replace(/^http/, "ws")}/api/runs/${id}/stream${from === undefined ? "" : `?from=${from}`}`
    this.ws = new WebSocket(url)
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve())
      this.ws.once("error", reject)
    })
    this.ws.on("message", (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage
      this.messages.push(m)
      if (m.type === "catchup") this.ticks.push(...m.ticks)
      if (m.type === "tick") this.ticks.push(m.tick)
      for (const w of this.waiters.splice(0)) w()
    })
    this.ws.on("close", () => {
      this.closed = true
      for (const w of this.waiters.splice(0)) w()
    })
  }

  async waitFor<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, timeoutMs?: number): Promise<T>
  async waitFor(pred: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>
  async waitFor(pred: (m: ServerMessage) => boolean, timeoutMs = 30_000): Promise<ServerMessage> {
    const until = Date.now() + timeoutMs
    let seen = 0
    for (;;) {
      for (; seen < this.messages.length; seen++) if (pred(this.messages[seen])) return this.messages[seen]
      if (this.closed) throw new Error("stream closed before the expected message")
      if (Date.now() > until) throw new Error(`timed out; last messages: ${JSON.stringify(this.messages.slice(-3))}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }

  /** Waits for the run's terminal status message. */
  finished() {
    return this.waitFor(
      (m) => m.type === "status" && ["completed", "stopped", "failed", "interrupted"].includes(m.run.status),
    ) as Promise<Extract<ServerMessage, { type: "status" }>>
  }

  close() {
    this.ws.close()
  }
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/**
 * A raw HTTP request with headers fetch will not set (Host) or upgrade handshakes, as a browser
 * page or a DNS-rebinding attacker would send them. Resolves with the status and body.
 */
export const rawRequest = (
  base: string,
  method: string,
  route: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request(`${base}${route}`, { method, headers }, (res) => {
      let text = ""
      res.on("data", (d) => (text += d))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on("error", reject)
    req.end(body)
  })

/** The engine's walkers kit: small and fast (economy.test.ts runs the real model). */
export const WALKERS = import.meta.resolve("@takeoff/core/walkers-kit")

/**
 * Starts walkers servers on port 0 and opens stream clients for a test file, and closes all of them
 * after each test (or a server at once, with `close`). `name` names the temporary data directories.
 *
 * @example
 * const { start, stream } = closedAfterEach("guard")
 * const s = await start({ maxConcurrentRuns: 1 })
 */
export const closedAfterEach = (name: string) => {
  const servers: RunningServer[] = []
  const clients: StreamClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    for (const s of servers.splice(0)) await s.close()
  })
  const start = async (opts: Partial<ServerOptions> = {}): Promise<RunningServer> => {
    const s = await startServer({ port: 0, dataDir: opts.dataDir ?? tmpDir(name), kitUrl: WALKERS, ...opts })
    servers.push(s)
    return s
  }
  const stream = (base: string, id: string, from?: number): StreamClient => {
    const c = new StreamClient(base, id, from)
    clients.push(c)
    return c
  }
  /** Closes a server now (as a clean shutdown would) rather than after the test. */
  const close = async (s: RunningServer): Promise<void> => {
    servers.splice(servers.indexOf(s), 1)
    await s.close()
  }
  return { start, stream, close }
}
