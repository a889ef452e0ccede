import * as fs from "node:fs"
import { lineKind, lineTick, type ModelKit } from "@takeoff/core"

export interface EventsPage {
  readonly events: ReadonlyArray<{ tick: number; date: string; type: string; agent?: string; data: unknown }>
  readonly nextCursor: string | null
}

export interface EventsFilter {
  readonly type?: string
  readonly agent?: string
  readonly fromTick?: number
  readonly toTick?: number
  /** `tick.index`: resume at this event of this tick. */
  readonly cursor?: string
  readonly limit: number
}

const CHUNK_BYTES = 1 << 20

/**
 * Byte offsets of each tick line in a log file, grown incrementally as the file grows, so a page
 * of events reads only the ticks it shows (a full economy log is ~20 MB).
 */
class LogIndex {
  readonly starts: number[] = []
  readonly ends: number[] = []
  /** Bytes scanned, always at a line boundary. */
  scanned = 0
  lastSealed = -1

  update(file: string): void {
    const fd = fs.openSync(file, "r")
    try {
      const size = fs.fstatSync(fd).size
      const buf = Buffer.allocUnsafe(CHUNK_BYTES)
      while (this.scanned < size) {
        const n = fs.readSync(fd, buf, 0, Math.min(CHUNK_BYTES, size - this.scanned), this.scanned)
        // latin1 keeps one character per byte, so string positions are file offsets.
        const text = buf.toString("latin1", 0, n)
        let pos = 0
        for (;;) {
          const nl = text.indexOf("\n", pos)
          if (nl < 0) break
          this.line(text, pos, nl, this.scanned)
          pos = nl + 1
        }
        if (pos === 0) {
          // A line longer than a chunk: index it by reading it whole.
          if (n < CHUNK_BYTES) break
          const long = this.readLongLine(fd, this.scanned, size)
          if (long === undefined) break
          continue
        }
        this.scanned += pos
      }
    } finally {
      fs.closeSync(fd)
    }
  }

  private readLongLine(fd: number, from: number, size: number): true | undefined {
    const parts: Buffer[] = []
    let at = from
    while (at < size) {
      const b = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - at))
      const n = fs.readSync(fd, b, 0, b.length, at)
      const nl = b.subarray(0, n).indexOf(0x0a)
      if (nl >= 0) {
        parts.push(b.subarray(0, nl))
        const text = Buffer.concat(parts).toString("latin1")
        this.line(`${text}\n`, 0, text.length, from)
        this.scanned = at + nl + 1
        return true
      }
      parts.push(b.subarray(0, n))
      at += n
    }
    return undefined
  }

  private line(text: string, start: number, end: number, base: number) {
    const tick = lineTick(text, start)
    if (tick === undefined) return
    const kind = lineKind(text, start)
    if (kind === "tick") {
      this.starts[tick] = base + start
      this.ends[tick] = base + end
    } else if (kind === "seal") this.lastSealed = tick
  }

  readTick(file: string, tick: number): { events: Array<{ type: string; v: number; data: unknown }> } {
    const fd = fs.openSync(file, "r")
    try {
      const len = this.ends[tick] - this.starts[tick]
      const buf = Buffer.allocUnsafe(len)
      fs.readSync(fd, buf, 0, len, this.starts[tick])
      return JSON.parse(buf.toString("utf8"))
    } finally {
      fs.closeSync(fd)
    }
  }
}

const indexes = new Map<string, LogIndex>()

/**
 * One page of a run's logged events, filtered, in log order. Only sealed ticks are read, and only
 * those in the page's range (through an offset index kept per log file).
 *
 * @example
 * readEvents(file, kit, config, { type: "AgiReached", limit: 10 })
 */
export const readEvents = (file: string, kit: ModelKit, config: unknown, f: EventsFilter): EventsPage => {
  let index = indexes.get(file)
  if (index === undefined) indexes.set(file, (index = new LogIndex()))
  index.update(file)
  let startTick = f.fromTick ?? 0
  let startIndex = 0
  if (f.cursor !== undefined) {
    const [t, i] = f.cursor.split(".").map(Number)
    if (t > startTick || (t === startTick && i > 0)) {
      startTick = t
      startIndex = i
    }
  }
  const toTick = Math.min(f.toTick ?? Number.POSITIVE_INFINITY, index.lastSealed)
  const out: EventsPage["events"][number][] = []
  for (let tick = startTick; tick <= toTick; tick++) {
    if (index.starts[tick] === undefined) continue
    const rec = index.readTick(file, tick)
    for (let i = tick === startTick ? startIndex : 0; i < rec.events.length; i++) {
      const e = rec.events[i]
      if (f.type !== undefined && e.type !== f.type) continue
      const agent = kit.agentOf(e)
      if (f.agent !== undefined && agent !== f.agent) continue
      if (out.length === f.limit) return { events: out, nextCursor: `${tick}.${i}` }
      out.push({
        tick,
        date: kit.calendar.tickToDate(config, tick),
        type: e.type,
        ...(agent === undefined ? {} : { agent }),
        data: e.data,
      })
    }
  }
  return { events: out, nextCursor: null }
}
