import type { IncomingMessage } from "node:http"
import type { Duplex } from "node:stream"
import type { SweepClientMessage, SweepServerMessage } from "@takeoff/protocol"
import { type WebSocket, WebSocketServer } from "ws"
import { ApiFailure } from "./errors.js"
import { refuseUpgrade } from "./guard.js"
import type { Sweep, SweepManager } from "./sweeps.js"

/**
 * Unsent bytes a sweep client may hold before it is dropped. A progress message is ~400 bytes and a
 * sweep has at most 2000 members, so only a client that stopped reading gets here; it reconnects
 * and is told where the sweep stands.
 */
const MAX_BUFFERED_BYTES = 1024 * 1024

const SWEEP_STREAM_PATH = /^\/api\/sweeps\/([^/]+)\/stream$/

/**
 * Sweep progress pushed over WebSocket, `GET /api/sweeps/:id/stream`: a `progress` message (the
 * summary, done of total and status, and the statistics' version) on connecting and after every
 * change of the sweep, in order, so a client sees each member finish; the socket closes once the
 * sweep has ended. Messages are SweepServerMessage (@takeoff/protocol).
 *
 * @example
 * const sweepHub = new SweepStreamHub(sweeps)
 * server.on("upgrade", (req, sock, head) => SweepStreamHub.handles(req) && sweepHub.upgrade(req, sock, head))
 */
export class SweepStreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 })
  private readonly clients = new Map<string, Set<WebSocket>>()
  private readonly unsubscribe: () => void

  constructor(private readonly sweeps: SweepManager) {
    this.unsubscribe = sweeps.onChange((sweep) => this.changed(sweep))
  }

  /** Whether the upgrade request is for a sweep's stream (the run streams are StreamHub's). */
  static handles(req: IncomingMessage): boolean {
    return SWEEP_STREAM_PATH.test(new URL(req.url ?? "/", "http://localhost").pathname)
  }

  get clientCount(): number {
    let n = 0
    for (const s of this.clients.values()) n += s.size
    return n
  }

  /** Accepts a known sweep's stream; refuses an unknown one with a JSON 404. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const m = SWEEP_STREAM_PATH.exec(new URL(req.url ?? "/", "http://localhost").pathname)
    let sweep: Sweep
    try {
      sweep = this.sweeps.get(decodeURIComponent(m?.[1] ?? ""))
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e
      refuseUpgrade(socket, e)
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, sweep))
  }

  private attach(ws: WebSocket, sweep: Sweep) {
    ws.on("error", () => ws.terminate())
    this.send(ws, sweep)
    if (!sweep.live) return void ws.close(1000, "the sweep has ended")
    let set = this.clients.get(sweep.id)
    if (set === undefined) this.clients.set(sweep.id, (set = new Set()))
    set.add(ws)
    ws.on("close", () => {
      set.delete(ws)
      if (set.size === 0 && this.clients.get(sweep.id) === set) this.clients.delete(sweep.id)
    })
    ws.on("message", (data) => {
      let msg: SweepClientMessage | undefined
      try {
        msg = JSON.parse(data.toString()) as SweepClientMessage
      } catch {
        msg = undefined
      }
      if (msg?.type === "ping") this.send(ws, sweep)
      else this.sendMessage(ws, { type: "error", message: "type: expected ping" })
    })
  }

  private changed(sweep: Sweep) {
    const set = this.clients.get(sweep.id)
    if (set === undefined) return
    const frame = Buffer.from(JSON.stringify(progress(sweep)))
    for (const ws of set) {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) ws.terminate()
      else ws.send(frame, { binary: false })
    }
    if (!sweep.live) {
      this.clients.delete(sweep.id)
      for (const ws of set) ws.close(1000, "the sweep has ended")
    }
  }

  private send(ws: WebSocket, sweep: Sweep) {
    this.sendMessage(ws, progress(sweep))
  }

  private sendMessage(ws: WebSocket, msg: SweepServerMessage) {
    ws.send(JSON.stringify(msg))
  }

  close(): void {
    this.unsubscribe()
    for (const set of this.clients.values()) for (const ws of set) ws.terminate()
    this.clients.clear()
    this.wss.close()
  }
}

const progress = (sweep: Sweep): SweepServerMessage => ({
  type: "progress",
  summary: sweep.summary,
  version: sweep.version,
})
