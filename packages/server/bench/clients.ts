/**
 * Bench clients, one worker thread's share: each follows the run over its own WebSocket, checks
 * every tick arrives exactly once and records delivery latency from each frame's seal time.
 */
import { parentPort, workerData } from "node:worker_threads"
import type { RunStatus, ServerMessage } from "@takeoff/protocol"
import WebSocket from "ws"

export interface ClientResults {
  readonly latenciesMs: Float64Array
  readonly lost: number
  readonly duplicated: number
  readonly coalesced: number
}

const { wsUrl, count } = workerData as { wsUrl: string; count: number }
const TERMINAL: ReadonlySet<RunStatus> = new Set<RunStatus>(["completed", "stopped", "failed"])
const TICK_HEAD = /^\{"type":"tick","tick":(\d+),/
const latencies: number[] = []
let lost = 0
let duplicated = 0
let coalesced = 0
let finished = 0

const atOf = (data: Buffer, after: number): number | undefined => {
  const atPos = data.lastIndexOf('"at":')
  return atPos > after ? Number(data.toString("latin1", atPos + 5, data.length - 1)) : undefined
}

for (let i = 0; i < count; i++) {
  // The clients read frames by prefix; ws need not validate every copy as UTF-8.
  const ws = new WebSocket(wsUrl, { skipUTF8Validation: true })
  let next = 0
  const see = (tick: number) => {
    if (tick < next) duplicated++
    else if (tick > next) lost += tick - next
    next = Math.max(next, tick + 1)
  }
  ws.on("message", (data: Buffer) => {
    const now = performance.timeOrigin + performance.now()
    // Tick frames: the tick is in the fixed prefix and the seal time is the last field, so the
    // clients need not parse every copy of every message in full.
    const head = TICK_HEAD.exec(data.toString("latin1", 0, 40))
    if (head !== null) {
      const at = atOf(data, 0)
      if (at !== undefined) latencies.push(now - at)
      see(Number(head[1]))
      return
    }
    if (data.toString("latin1", 0, 20).startsWith('{"type":"catchup"')) {
      // A batch coalesced under load: its tick list is near the front, its newest seal time last.
      const datesAt = data.indexOf('"dates":')
      const { ticks } = JSON.parse(`{${data.toString("latin1", data.indexOf('"ticks":'), datesAt - 1)}}`) as {
        ticks: number[]
      }
      const at = atOf(data, datesAt)
      if (at !== undefined) latencies.push(now - at)
      coalesced++
      for (const t of ticks) see(t)
      return
    }
    const m = JSON.parse(data.toString()) as ServerMessage
    // The run is over once its status is terminal and its last tick has arrived. (This compared
    // against "finished" after the status vocabulary became "completed", and the bench waited forever.)
    if (m.type === "status" && TERMINAL.has(m.run.status) && next > m.run.tick) {
      ws.close()
      if (++finished === count) {
        const results: ClientResults = { latenciesMs: Float64Array.from(latencies), lost, duplicated, coalesced }
        parentPort!.postMessage(results)
        parentPort!.close()
      }
    }
  })
  ws.on("error", (e) => console.error(`client ${i}: ${e.message}`))
}
