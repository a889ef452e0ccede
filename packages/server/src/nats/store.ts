import { createHash } from "node:crypto"
import { EventStore, isValidRunId, type RunInfo, StoreError, type TickBatch } from "@takeoff/core"
import { type JetStreamManager, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream"
import { connect, headers, type NatsConnection } from "@nats-io/transport-node"
import { Effect, Layer, Stream } from "effect"

const DESCRIPTION = "takeoff run log: "

export interface NatsStoreOptions {
  /** NATS server URL(s), e.g. "nats://127.0.0.1:4222". */
  readonly servers: string | ReadonlyArray<string>
  /** Prefix of stream names and subjects, so several deployments can share one NATS (default "TAKEOFF"). */
  readonly prefix?: string
}

/**
 * Run logs on NATS JetStream, one stream per run.
 *
 * Why a stream per run: a run's log is its own append-only sequence that is read whole or from a
 * tick, closed once and deleted whole. A stream gives exactly that: its messages are the header and
 * then one message per tick batch in order; closing appends the end record and *seals* the stream so
 * the server itself refuses any later append; removing is deleting the stream. Stream names must not
 * contain dots and subjects treat them as separators, so both use a hash of the run id, and the id
 * itself travels in the stream's description (stream metadata needs NATS 2.10; Debian ships 2.9).
 *
 * Appends carry a message id of run and tick: JetStream drops a retried publish within its duplicate
 * window, so a retry after a lost acknowledgement cannot write a tick twice.
 *
 * @example
 * const layer = natsStoreLayer({ servers: "nats://127.0.0.1:4222" })
 * Effect.runPromise(Effect.provide(EventStore.use((s) => s.list()), layer))
 */
export const makeNatsStore = async (
  options: NatsStoreOptions,
): Promise<{ store: EventStore["Service"]; close: () => Promise<void> }> => {
  const nc: NatsConnection = await connect({ servers: options.servers as string | string[], name: "takeoff-store" })
  const jsm: JetStreamManager = await jetstreamManager(nc)
  const js = jetstream(nc)
  const prefix = options.prefix ?? "TAKEOFF"
  const key = (runId: string) => createHash("sha256").update(runId).digest("hex").slice(0, 32)
  const streamOf = (runId: string) => `${prefix}_RUN_${key(runId)}`
  const subjectOf = (runId: string) => `${prefix.toLowerCase()}.run.${key(runId)}`

  const fail = (runId: string, reason: StoreError["reason"], message: string) =>
    new StoreError({ reason, runId, message })
  const isNotFound = (e: unknown) => /stream not found|10059/i.test(String((e as Error)?.message ?? e))
  const io = (runId: string) => (e: unknown) =>
    e instanceof StoreError
      ? e
      : isNotFound(e)
        ? fail(runId, "not-found", `no run "${runId}"`)
        : fail(runId, "io", `NATS: ${(e as Error)?.message ?? String(e)}`)
  const attempt = <A>(runId: string, f: () => Promise<A>) =>
    isValidRunId(runId)
      ? Effect.tryPromise({ try: f, catch: io(runId) })
      : Effect.fail(fail(runId, "invalid", "run id: expected 1-128 of [A-Za-z0-9._-], not starting with . or -"))

  const publish = async (runId: string, text: string, kind: string, tick: number, msgID: string) => {
    const h = headers()
    h.set("Takeoff-Kind", kind)
    h.set("Takeoff-Tick", String(tick))
    await js.publish(subjectOf(runId), text, { msgID, headers: h, expect: { streamName: streamOf(runId) } })
  }

  /** A writable run: the stream exists and is not sealed. */
  const writable = async (runId: string) => {
    const info = await jsm.streams.info(streamOf(runId))
    if (info.config.sealed) throw fail(runId, "closed", `run "${runId}" is closed`)
    return info
  }

  /** Every message of a run's stream in order: [header text, ...batches]. */
  const readAll = async (runId: string): Promise<{ header: string; batches: TickBatch[] }> => {
    const name = streamOf(runId)
    const info = await jsm.streams.info(name)
    const last = info.state.last_seq
    let header = ""
    const batches: TickBatch[] = []
    if (last === 0) return { header, batches }
    const consumer = await js.consumers.get(name)
    const messages = await consumer.fetch({ max_messages: last, expires: 10_000 })
    for await (const m of messages) {
      const kind = m.headers?.get("Takeoff-Kind")
      const text = m.string()
      if (kind === "header") header = text
      else
        batches.push({ tick: Number(m.headers?.get("Takeoff-Tick")), text, ...(kind === "end" ? { end: true } : {}) })
      if (m.seq >= last) break
    }
    return { header, batches }
  }

  const store = EventStore.of({
    create: (runId, headerLine) =>
      attempt(runId, async () => {
        try {
          await jsm.streams.info(streamOf(runId))
          throw fail(runId, "already-exists", `run "${runId}" already exists`)
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
        await jsm.streams.add({
          name: streamOf(runId),
          subjects: [subjectOf(runId)],
          storage: StorageType.File,
          description: `${DESCRIPTION}${runId}`,
        })
        await publish(runId, headerLine, "header", -1, `${runId}:header`)
      }),
    append: (runId, batch) =>
      attempt(runId, async () => {
        await writable(runId)
        await publish(runId, batch.text, batch.end ? "end" : "tick", batch.tick, `${runId}:${batch.tick}`)
      }),
    close: (runId, endLine) =>
      attempt(runId, async () => {
        const info = await writable(runId)
        const tick = Number(/"tick":(-?\d+)/.exec(endLine)?.[1] ?? -1)
        await publish(runId, endLine, "end", tick, `${runId}:end`)
        // A sealed stream refuses every later publish and delete at the server: the log is final.
        await jsm.streams.update(streamOf(runId), { ...info.config, sealed: true } as Parameters<
          typeof jsm.streams.update
        >[1])
      }),
    open: (runId) =>
      attempt(runId, async () => {
        const { header, batches } = await readAll(runId)
        return { text: `${header}\n${batches.map((b) => b.text).join("")}` }
      }),
    read: (runId, fromTick = 0) =>
      Stream.unwrap(
        Effect.map(
          attempt(runId, () => readAll(runId)),
          ({ batches }) => Stream.fromIterable(batches.filter((b) => b.end || b.tick >= fromTick)),
        ),
      ),
    list: () =>
      Effect.tryPromise({
        try: async () => {
          const out: RunInfo[] = []
          for await (const si of jsm.streams.list()) {
            const description = si.config.description ?? ""
            const runId = description.slice(DESCRIPTION.length)
            if (description.startsWith(DESCRIPTION) && si.config.name.startsWith(`${prefix}_RUN_`)) {
              out.push({ runId, closed: si.config.sealed === true })
            }
          }
          return out.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0))
        },
        catch: io(""),
      }),
    remove: (runId) =>
      attempt(runId, async () => {
        await jsm.streams.delete(streamOf(runId))
      }),
  })
  return { store, close: () => nc.drain() }
}

/** The JetStream store as a Layer; the connection is drained when the layer's scope closes. */
export const natsStoreLayer = (options: NatsStoreOptions): Layer.Layer<EventStore, StoreError> =>
  Layer.effect(
    EventStore,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () => makeNatsStore(options),
        catch: (e) => new StoreError({ reason: "io", runId: "", message: `NATS: ${(e as Error).message}` }),
      }),
      (s) => Effect.promise(() => s.close()),
    ).pipe(Effect.map((s) => s.store)),
  )
