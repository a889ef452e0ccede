import { randomBytes } from "node:crypto"
import {
  DeliverPolicy,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream"
import { connect, type NatsConnection } from "@nats-io/transport-node"
import type { MilestoneInfo, NotableEvent, RunStatus } from "@takeoff/protocol"
import { isValidRunId } from "@takeoff/core"
import { Run, type RunMeta } from "./run.js"
import type { RunManager } from "./runs.js"
import type { TickReport } from "./worker-protocol.js"

/**
 * Live runs across servers, over NATS JetStream. Every `takeoff serve` given the same NATS (and
 * prefix) publishes the runs it simulates to the stream `<PREFIX>_LIVE`, one subject per run
 * (`<prefix>.live.<runId>`), as an ordered series of messages:
 *
 * - `header`: the run's metadata (scenario, seed, encoded config, status), once, before its ticks;
 * - `ticks`: consecutive sealed ticks (metrics in the kit's order, milestones, notables), coalesced
 *   while the previous publish is in flight, so a fast run costs one message per burst, not per tick;
 * - `status`: every status change (running, paused, completed, stopped, failed).
 *
 * Every server also reads the whole stream in order (an ordered consumer, from the stream's start)
 * and keeps each run another server hosts as a remote run, in memory only: listed with `hostedBy`,
 * streamed and replayed to its own WebSocket clients from the relayed ticks exactly as a local run
 * is. A run's log file stays with the server that simulated it, and so do its controls.
 *
 * Both servers must run the same build (the same model kit), since ticks carry metrics by position.
 *
 * @example
 * const relay = await RunRelay.start(manager, { servers: "nats://127.0.0.1:4222" })
 * await relay.close()
 */
export interface RelayOptions {
  readonly servers: string
  /** Stream and subject prefix shared by the servers that see each other's runs (default TAKEOFF). */
  readonly prefix?: string
  /** How this server is named to the others (default: a random id). */
  readonly name?: string
  /** How long the stream keeps a run's messages (default 24 h). */
  readonly maxAgeMs?: number
  /**
   * How often this server says it is alive (default 5 s). A host silent for three of these has its
   * unfinished runs marked interrupted here (it crashed, or lost NATS); its next message revives them.
   */
  readonly heartbeatMs?: number
}

type RelayMessage =
  | { readonly kind: "header"; readonly origin: string; readonly meta: RunMeta }
  | { readonly kind: "ticks"; readonly origin: string; readonly reports: ReadonlyArray<TickReport & { at: number }> }
  | {
      readonly kind: "status"
      readonly origin: string
      readonly status: RunStatus
      readonly ticksPerSecond: number | null
      readonly error?: string
      readonly endedBy?: string
    }

/** What has been published of one local run. */
interface Published {
  headerSent: boolean
  /** The last tick published. */
  tick: number
  statusVersion: number
}

export class RunRelay {
  private readonly published = new Map<string, Published>()
  private readonly dirty = new Set<Run>()
  private chain: Promise<void> = Promise.resolve()
  private pumping = false
  private stopReading: (() => void) | undefined
  private reading: Promise<void> = Promise.resolve()
  /** Messages published and relayed, for /api/health-style checks and tests. */
  readonly counts = { published: 0, relayed: 0, failed: 0 }
  /** When each other server was last heard from (any message or heartbeat), by name. */
  private readonly lastHeard = new Map<string, number>()
  private liveness: NodeJS.Timeout | undefined
  /** Remote runs marked interrupted because their host fell silent (not because it said so). */
  private readonly silenced = new Set<Run>()

  private constructor(
    private readonly manager: RunManager,
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly subject: string,
    readonly name: string,
  ) {}

  /** Connects, makes sure the stream exists, starts relaying other servers' runs and publishing ours. */
  static async start(manager: RunManager, options: RelayOptions): Promise<RunRelay> {
    const prefix = options.prefix ?? "TAKEOFF"
    const stream = `${prefix}_LIVE`
    const subject = `${prefix.toLowerCase()}.live`
    const name = options.name ?? `server-${randomBytes(4).toString("hex")}`
    const nc = await connect({ servers: options.servers, name: `takeoff-serve ${name}` })
    try {
      const jsm = await jetstreamManager(nc)
      try {
        await jsm.streams.info(stream)
      } catch {
        await jsm.streams.add({
          name: stream,
          subjects: [`${subject}.>`],
          retention: RetentionPolicy.Limits,
          storage: StorageType.File,
          max_age: (options.maxAgeMs ?? 24 * 3600 * 1000) * 1e6,
        })
      }
    } catch (e) {
      await nc.close()
      throw e
    }
    const relay = new RunRelay(manager, nc, jetstream(nc), stream, subject, name)
    await relay.startReading()
    relay.startLiveness(options.heartbeatMs ?? 5000)
    manager.on("tick", (run: Run) => relay.changed(run))
    manager.on("status", (run: Run) => relay.changed(run))
    return relay
  }

  private changed(run: Run) {
    if (run.meta.hostedBy !== undefined) return
    this.dirty.add(run)
    if (!this.pumping) this.chain = this.chain.then(() => this.pump())
  }

  /** Publishes what changed, in order, one publish at a time; ticks that piled up meanwhile go out together. */
  private async pump() {
    this.pumping = true
    try {
      while (this.dirty.size > 0) {
        const runs = [...this.dirty]
        this.dirty.clear()
        for (const run of runs) await this.publishRun(run)
      }
    } finally {
      this.pumping = false
    }
  }

  private async publishRun(run: Run) {
    let p = this.published.get(run.id)
    if (p === undefined) this.published.set(run.id, (p = { headerSent: false, tick: -1, statusVersion: -1 }))
    const send = async (m: RelayMessage) => {
      try {
        await this.js.publish(`${this.subject}.${run.id}`, JSON.stringify(m))
        this.counts.published++
      } catch (e) {
        this.counts.failed++
        console.warn(`takeoff server: could not relay run ${run.id} to NATS: ${(e as Error).message}`)
      }
    }
    if (!p.headerSent) {
      p.headerSent = true
      // The header carries no history: the ticks follow it.
      await send({ kind: "header", origin: this.name, meta: { ...run.meta, tick: -1, date: null, milestones: [] } })
    }
    // Ticks sealed while a publish was in flight go first: a status read after them (synchronously,
    // with no tick left unsent) never overtakes a tick it follows, e.g. "completed" its last tick.
    while (run.lastTick > p.tick) {
      const reports = ticksSince(run, p.tick)
      p.tick = run.lastTick
      await send({ kind: "ticks", origin: this.name, reports })
    }
    if (run.statusVersion !== p.statusVersion) {
      p.statusVersion = run.statusVersion
      const m = run.meta
      await send({
        kind: "status",
        origin: this.name,
        status: m.status,
        ticksPerSecond: m.ticksPerSecond,
        ...(m.error === undefined ? {} : { error: m.error }),
        ...(m.endedBy === undefined ? {} : { endedBy: m.endedBy }),
      })
    }
    if (run.terminal) this.published.delete(run.id)
  }

  private async startReading() {
    // The stream holds only relay subjects: no filter (NATS 2.9 ordered consumers take none as a list).
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.All })
    const messages = await consumer.consume()
    this.stopReading = () => messages.stop()
    this.reading = (async () => {
      for await (const m of messages) {
        let msg: RelayMessage
        try {
          msg = m.json<RelayMessage>()
        } catch {
          continue
        }
        if (msg.origin === this.name) continue
        this.lastHeard.set(msg.origin, Date.now())
        const id = m.subject.slice(this.subject.length + 1)
        this.relay(id, msg)
      }
    })()
  }

  /** Applies one message of another server's run to our remote copy of it. */
  private relay(id: string, msg: RelayMessage) {
    if (!isValidRunId(id)) return
    const existing = this.manager.runs.get(id)
    if (msg.kind === "header") {
      if (existing !== undefined) return
      this.manager.adoptRemote(new Run({ ...msg.meta, id, milestones: [], hostedBy: msg.origin }))
      this.counts.relayed++
      return
    }
    // A run whose header went before this server could read it (the stream aged it out) is skipped.
    if (existing === undefined || existing.meta.hostedBy !== msg.origin) return
    this.counts.relayed++
    if (this.silenced.delete(existing) && msg.kind === "ticks") {
      // Its host is back: the run goes on.
      existing.meta.status = "running"
      delete existing.meta.error
      existing.statusVersion++
      this.manager.emit("status", existing)
    }
    if (msg.kind === "ticks") {
      // JSON has no NaN: a metric without a value, or a tick with no seal time, arrives as null.
      for (const r of msg.reports)
        existing.record({ ...r, values: r.values.map((v) => v ?? Number.NaN) }, r.at ?? Number.NaN)
      this.manager.emit("tick", existing)
    } else {
      const m = existing.meta
      m.status = msg.status
      m.ticksPerSecond = msg.ticksPerSecond
      if (msg.error !== undefined) m.error = msg.error
      else delete m.error
      if (msg.endedBy !== undefined) m.endedBy = msg.endedBy
      existing.statusVersion++
      this.manager.emit("status", existing)
    }
  }

  /**
   * Heartbeats on plain NATS (`<prefix>.alive`, outside the stream: nothing to replay), and a check
   * at the same pace for hosts that fell silent while their runs were unfinished.
   */
  private startLiveness(everyMs: number) {
    const subject = `${this.subject.slice(0, -".live".length)}.alive`
    const beats = this.nc.subscribe(subject)
    void (async () => {
      for await (const m of beats) {
        const origin = m.string()
        if (origin !== this.name) this.lastHeard.set(origin, Date.now())
      }
    })()
    this.liveness = setInterval(() => {
      this.nc.publish(subject, this.name)
      const now = Date.now()
      for (const run of this.manager.runs.values()) {
        const host = run.meta.hostedBy
        if (host === undefined || run.terminal || now - (this.lastHeard.get(host) ?? 0) < 3 * everyMs) continue
        this.silenced.add(run)
        run.meta.status = "interrupted"
        run.meta.error = `server ${host} stopped answering (no word for ${Math.round((3 * everyMs) / 1000)} s)`
        run.statusVersion++
        this.manager.emit("status", run)
      }
    }, everyMs)
    this.liveness.unref()
    this.nc.publish(subject, this.name)
  }

  /** Publishes what is pending, then stops reading and closes the connection. */
  async close(): Promise<void> {
    clearInterval(this.liveness)
    this.chain = this.chain.then(() => this.pump())
    await this.chain
    this.stopReading?.()
    await this.reading
    await this.nc.drain()
  }
}

/** The run's sealed ticks after `after`, as the reports its worker made of them. */
const ticksSince = (run: Run, after: number): Array<TickReport & { at: number }> => {
  const h = run.history
  const i0 = run.indexOf(after + 1)
  const out: Array<TickReport & { at: number }> = []
  // Milestones and notables are kept in tick order: walk them alongside.
  const ms = run.meta.milestones
  const ns = run.notables
  let mi = lowerBound(ms, after + 1)
  let ni = lowerBound(ns, after + 1)
  for (let i = i0; i < h.ticks.length; i++) {
    const tick = h.ticks[i]
    const milestones: MilestoneInfo[] = []
    const notables: NotableEvent[] = []
    while (mi < ms.length && ms[mi].tick === tick) milestones.push(ms[mi++])
    while (ni < ns.length && ns[ni].tick === tick) notables.push(ns[ni++])
    out.push({ tick, date: h.dates[i], values: h.rows[i], milestones, notables, at: h.at[i] })
  }
  return out
}

const lowerBound = (xs: ReadonlyArray<{ tick: number }>, tick: number): number => {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (xs[mid].tick < tick) lo = mid + 1
    else hi = mid
  }
  return lo
}
