import type { IncomingMessage } from "node:http"
import type { Duplex } from "node:stream"
import type { ClientMessage, MilestoneThreshold, ServerMessage } from "@takeoff/protocol"
import { WebSocket, WebSocketServer } from "ws"
import type { Run, RunManager } from "./runs.js"

/**
 * Per-client send budget. A client is sent more only while its socket's unsent bytes stay below
 * this, so a client that stops reading costs at most this much memory, and never slows the run or
 * the other clients: it falls behind, and when it reads again it gets the ticks it missed
 * coalesced into `catchup` batches.
 */
export const DEFAULT_HIGH_WATER_BYTES = 64 * 1024
/** Handoff latencies kept for /api/health: the most recent ones, in a ring. */
const LATENCY_SAMPLES = 100_000
/** A client at most this many ticks behind gets them as `tick` messages, not a batch. */
const LIVE_TICKS_MAX = 8
/** Recent tick frames kept per run, shared by every client that is a few ticks behind. */
const TICK_FRAME_RING = 16
/** Ticks per `catchup` message. */
const BATCH_TICKS = 60

interface Client {
  readonly ws: WebSocket
  readonly run: Run
  /** Next tick to send. */
  cursor: number
  milestoneIdx: number
  notableIdx: number
  statusVersion: number
  /** Bytes handed to the socket whose write has not completed yet. */
  pendingBytes: number
  /** Over budget: the next write completion pumps again. */
  waiting: boolean
}

const STREAM_PATH = /^\/api\/runs\/([^/]+)\/stream$/

/**
 * The WebSocket side: `GET /api/runs/:id/stream?from=TICK` on the same HTTP server. Each client
 * gets `hello`, then catch-up from the run's history in `catchup` batches, then live `tick`
 * messages, with `milestone`, `notables` and `status` messages in tick order.
 *
 * @example
 * const hub = new StreamHub(manager); server.on("upgrade", (req, sock, head) => hub.upgrade(req, sock, head))
 */
export class StreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 })
  private readonly clients = new Map<string, Set<Client>>()
  /** The serialised `tick` message of each run's latest tick: built once, sent to every client. */
  private readonly tickFrames = new Map<string, Array<{ tick: number; frame: Buffer } | undefined>>()
  /** Milestone messages, serialised once whatever the number of clients. */
  private readonly encoded = new WeakMap<object, Buffer>()

  private readonly latencies = new Float64Array(LATENCY_SAMPLES)
  private latencyCount = 0
  /** Catch-up frames of the current pass: clients at the same cursor share one encoding. */
  private readonly catchupFrames = new Map<string, Buffer>()
  /** A run's milestone thresholds, from its config (decoded once, not per client). */
  private readonly thresholds = new WeakMap<Run, ReadonlyArray<MilestoneThreshold>>()
  private readonly dirty = new Set<Run>()
  private flushScheduled = false
  /** The most bytes ever pending on one client socket: what a stalled client can cost. */
  maxPendingBytes = 0
  /** How many times a client was held back for being over budget. */
  throttled = 0

  constructor(
    private readonly manager: RunManager,
    private readonly highWaterBytes: number = DEFAULT_HIGH_WATER_BYTES,
  ) {
    manager.on("tick", (run: Run) => this.schedule(run))
    manager.on("status", (run: Run) => this.schedule(run))
  }

  get clientCount(): number {
    let n = 0
    for (const s of this.clients.values()) n += s.size
    return n
  }

  /** Handles an HTTP upgrade; refuses anything but a known run's stream with a JSON HTTP error. Returns whether it accepted. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://localhost")
    const m = STREAM_PATH.exec(url.pathname)
    const refuse = (status: number, code: string, message: string, field?: string) => {
      const body = JSON.stringify({ error: field === undefined ? { code, message } : { code, message, field } })
      socket.end(
        `HTTP/1.1 ${status} ${status === 404 ? "Not Found" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      )
      return false
    }
    if (m === null) return refuse(404, "not-found", `no WebSocket endpoint at ${url.pathname}`)
    let run: Run
    try {
      run = this.manager.get(decodeURIComponent(m[1]))
    } catch {
      return refuse(404, "not-found", `no run "${m[1]}"`, "id")
    }
    const fromText = url.searchParams.get("from")
    const from = fromText === null || fromText === "" ? 0 : Number(fromText)
    if (!Number.isSafeInteger(from) || from < 0) {
      return refuse(400, "bad-request", `from: expected a non-negative integer tick, got "${fromText}"`, "from")
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, run, from))
    return true
  }

  private attach(ws: WebSocket, run: Run, from: number) {
    const client: Client = {
      ws,
      run,
      cursor: from,
      milestoneIdx: 0,
      notableIdx: 0,
      // A status message closes the catch-up, so a client joining a finished run knows it has everything.
      statusVersion: -1,
      pendingBytes: 0,
      waiting: false,
    }
    this.seek(client, from)
    let set = this.clients.get(run.id)
    if (set === undefined) this.clients.set(run.id, (set = new Set()))
    set.add(client)
    ws.on("close", () => {
      set.delete(client)
      if (set.size === 0) this.clients.delete(run.id)
    })
    ws.on("error", () => ws.terminate())
    ws.on("message", (data) => this.onClientMessage(client, data.toString()))
    this.send(client, {
      type: "hello",
      run: run.summary(),
      metrics: this.manager.kit.metrics.map((m) => m.key),
      metricInfo: this.manager.kit.metrics,
      groups: this.manager.kit.groups,
      thresholds: this.thresholdsOf(run),
      from,
    })
    this.pump(client)
  }

  private thresholdsOf(run: Run): ReadonlyArray<MilestoneThreshold> {
    let t = this.thresholds.get(run)
    if (t === undefined) {
      const { kit } = this.manager
      this.thresholds.set(run, (t = kit.thresholds(kit.model.decodeConfig(run.meta.config))))
    }
    return t
  }

  private seek(c: Client, from: number) {
    c.cursor = from
    const ms = c.run.meta.milestones
    c.milestoneIdx = 0
    while (c.milestoneIdx < ms.length && ms[c.milestoneIdx].tick < from) c.milestoneIdx++
    const ns = c.run.notables
    c.notableIdx = 0
    while (c.notableIdx < ns.length && ns[c.notableIdx].tick < from) c.notableIdx++
  }

  private onClientMessage(c: Client, text: string) {
    let msg: ClientMessage
    try {
      msg = JSON.parse(text) as ClientMessage
    } catch {
      return this.send(c, { type: "error", message: "expected a JSON message {type: ping|resume}" })
    }
    if (msg?.type === "resume") {
      if (!Number.isSafeInteger(msg.from) || msg.from < 0) {
        return this.send(c, { type: "error", message: "resume.from: expected a non-negative integer tick" })
      }
      this.seek(c, msg.from)
      this.pump(c)
    } else if (msg?.type === "ping") {
      this.send(c, { type: "status", run: c.run.summary() })
    } else {
      this.send(c, { type: "error", message: "type: expected ping or resume" })
    }
  }

  private recordLatency(ms: number) {
    this.latencies[this.latencyCount % LATENCY_SAMPLES] = ms
    this.latencyCount++
  }

  /**
   * Server-side delivery latency of live ticks: from the tick's seal in the worker to its frame
   * being written to the client's socket, over the most recent samples.
   */
  latencyStats(): { count: number; p50Ms: number; p99Ms: number; maxMs: number } {
    const n = Math.min(this.latencyCount, LATENCY_SAMPLES)
    if (n === 0) return { count: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN }
    const sorted = this.latencies.slice(0, n).sort()
    return {
      count: this.latencyCount,
      p50Ms: sorted[Math.floor(n * 0.5)],
      p99Ms: sorted[Math.floor(n * 0.99)],
      maxMs: sorted[n - 1],
    }
  }

  /** Sends a message, or bytes already encoded once for every client (sent as a text frame). */
  private send(c: Client, msg: ServerMessage | Buffer, sealedAt = Number.NaN) {
    if (c.ws.readyState !== WebSocket.OPEN) return
    const data = Buffer.isBuffer(msg) ? msg : Buffer.from(JSON.stringify(msg))
    const bytes = data.length
    c.pendingBytes += bytes
    if (c.pendingBytes > this.maxPendingBytes) this.maxPendingBytes = c.pendingBytes
    // The callback fires once the frame has been written to the kernel (or the socket failed).
    c.ws.send(data, { binary: false }, (err) => {
      c.pendingBytes -= bytes
      if (err == null && !Number.isNaN(sealedAt))
        this.recordLatency(performance.timeOrigin + performance.now() - sealedAt)
      if (c.waiting && c.pendingBytes < this.highWaterBytes / 2) {
        c.waiting = false
        this.pump(c)
      }
    })
  }

  /**
   * Fan-out runs once per event-loop turn, not once per tick: when a pass over many clients takes
   * longer than a tick (a write is a syscall per client), the ticks that arrived meanwhile go out
   * together as one `catchup` per client, so the cost per client follows the pass rate, not the
   * tick rate, and latency stays about one pass.
   */
  private schedule(run: Run) {
    this.dirty.add(run)
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      const runs = [...this.dirty]
      this.dirty.clear()
      this.catchupFrames.clear()
      for (const r of runs) this.pumpRun(r)
    })
  }

  private pumpRun(run: Run) {
    const set = this.clients.get(run.id)
    if (set === undefined) return
    for (const c of set) this.pump(c)
  }

  /** Sends a client what it has not had yet, while its socket has room; otherwise waits for a drain. */
  private pump(c: Client) {
    if (c.waiting || c.ws.readyState !== WebSocket.OPEN) return
    // Everything one pass sends a client (ticks, milestones, notables, status) leaves in one
    // write: ws corks per frame, and our outer cork holds the frames until the pass is done.
    const socket = (c.ws as unknown as { _socket?: import("node:net").Socket })._socket
    socket?.cork()
    try {
      this.pumpCorked(c)
    } finally {
      socket?.uncork()
    }
  }

  private pumpCorked(c: Client) {
    const { ws, run } = c
    const h = run.history
    while (ws.readyState === WebSocket.OPEN) {
      if (c.pendingBytes >= this.highWaterBytes) {
        c.waiting = true
        this.throttled++
        return
      }
      const last = run.lastTick
      if (c.cursor <= last) {
        const i0 = run.indexOf(c.cursor)
        if (i0 >= h.ticks.length) break
        // A few ticks behind (the usual case under load): the recent tick frames, shared by every
        // client. Further behind: one catch-up batch. Per-client encoding stays rare, so a slow
        // pass does not make the next one slower.
        if (h.ticks.length - i0 <= LIVE_TICKS_MAX && !Number.isNaN(h.at[i0])) {
          for (let i = i0; i < h.ticks.length; i++) this.send(c, this.tickMessage(run, i), h.at[i])
          c.cursor = h.ticks[h.ticks.length - 1] + 1
          // The ticks' milestones and notables after them, the notables as one message: at full speed a
          // run logs a few notable events a tick, and a message each was most of what clients parsed.
          this.sendEventsBefore(c, c.cursor)
          continue
        }
        const end = Math.min(h.ticks.length, i0 + BATCH_TICKS)
        this.send(c, this.catchupFrame(run, i0, end), h.at[end - 1])
        c.cursor = h.ticks[end - 1] + 1
        this.sendEventsBefore(c, c.cursor)
        continue
      }
      if (c.statusVersion !== run.statusVersion) {
        c.statusVersion = run.statusVersion
        this.send(c, { type: "status", run: run.summary() })
        continue
      }
      break
    }
  }

  private sendEventsBefore(c: Client, tick: number) {
    const ms = c.run.meta.milestones
    while (c.milestoneIdx < ms.length && ms[c.milestoneIdx].tick < tick) {
      const milestone = ms[c.milestoneIdx++]
      this.send(c, this.encodeOnce(milestone, { type: "milestone", milestone }))
    }
    const ns = c.run.notables
    const i0 = c.notableIdx
    let i1 = i0
    while (i1 < ns.length && ns[i1].tick < tick) i1++
    if (i1 === i0) return
    c.notableIdx = i1
    this.send(c, this.notablesFrame(c.run, i0, i1))
  }

  /** Clients at the same place share one encoding of a batch of notables (the run's list only grows). */
  private notablesFrame(run: Run, i0: number, i1: number): Buffer {
    const key = `${run.id}:notables:${i0}:${i1}`
    let frame = this.catchupFrames.get(key)
    if (frame === undefined) {
      const msg: ServerMessage = { type: "notables", events: run.notables.slice(i0, i1) }
      this.catchupFrames.set(key, (frame = Buffer.from(JSON.stringify(msg))))
    }
    return frame
  }

  private encodeOnce(key: object, msg: ServerMessage): Buffer {
    let b = this.encoded.get(key)
    if (b === undefined) this.encoded.set(key, (b = Buffer.from(JSON.stringify(msg))))
    return b
  }

  private tickMessage(run: Run, i: number): Buffer {
    const h = run.history
    let ring = this.tickFrames.get(run.id)
    if (ring === undefined) this.tickFrames.set(run.id, (ring = new Array(TICK_FRAME_RING)))
    const slot = h.ticks[i] % TICK_FRAME_RING
    const cached = ring[slot]
    if (cached !== undefined && cached.tick === h.ticks[i]) return cached.frame
    const keys = this.manager.kit.metrics
    const metrics: Record<string, number> = {}
    for (let k = 0; k < keys.length; k++) metrics[keys[k].key] = h.rows[i][k]
    const at = h.at[i]
    const msg = { type: "tick", tick: h.ticks[i], date: h.dates[i], metrics, ...(Number.isNaN(at) ? {} : { at }) }
    const frame = Buffer.from(JSON.stringify(msg))
    ring[slot] = { tick: h.ticks[i], frame }
    return frame
  }

  /** Clients that fell behind together get the same batch: it is encoded once per pass. */
  private catchupFrame(run: Run, i0: number, end: number): Buffer {
    const key = `${run.id}:${i0}:${end}`
    let frame = this.catchupFrames.get(key)
    if (frame === undefined)
      this.catchupFrames.set(key, (frame = Buffer.from(JSON.stringify(this.catchup(run, i0, end)))))
    return frame
  }

  private catchup(run: Run, i0: number, end: number): ServerMessage {
    const h = run.history
    const keys = this.manager.kit.metrics
    const columns: Record<string, number[]> = {}
    for (let k = 0; k < keys.length; k++) {
      const col = new Array<number>(end - i0)
      for (let i = i0; i < end; i++) col[i - i0] = h.rows[i][k]
      columns[keys[k].key] = col
    }
    const at = h.at[end - 1]
    return {
      type: "catchup",
      fromTick: h.ticks[i0],
      ticks: h.ticks.slice(i0, end),
      dates: h.dates.slice(i0, end),
      columns,
      ...(Number.isNaN(at) ? {} : { at }),
    }
  }

  close(): void {
    for (const set of this.clients.values()) for (const c of set) c.ws.terminate()
    this.wss.close()
  }
}
