import { Effect, type Layer, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { Simulation } from "../engine.js"
import { verify } from "../replay.js"
import { EventStore, type TickBatch } from "../store.js"
import { walkersModel } from "./walkers.js"

/**
 * The behaviour every EventStore must have. Call it from each implementation's test file:
 *
 * @example
 * runStoreConformance("memory", () => EventStore.memory)
 */
export const runStoreConformance = (
  name: string,
  makeLayer: () => Layer.Layer<EventStore, unknown> | Promise<Layer.Layer<EventStore, unknown>>,
  options: { timeout?: number } = {},
) => {
  const run = async <A>(f: (store: EventStore["Service"]) => Effect.Effect<A, unknown>): Promise<A> => {
    const layer = await makeLayer()
    return Effect.runPromise(Effect.provide(EventStore.use(f), layer) as Effect.Effect<A, unknown, never>)
  }
  let counter = 0
  const fresh = () => `conf-${name.replace(/[^A-Za-z0-9]/g, "")}-${process.pid}-${counter++}`

  const writeRun = (store: EventStore["Service"], runId: string, ticks: number, close = true) =>
    Effect.gen(function* () {
      const sim = Simulation.create(
        walkersModel,
        { agents: 50, teleportProbability: 0.5 },
        { seed: 3, stateHashEvery: 2, snapshotEvery: 4 },
      )
      yield* store.create(runId, sim.headerLine)
      let text = `${sim.headerLine}\n`
      for (let i = 0; i < ticks; i++) {
        const r = sim.step()
        yield* store.append(runId, { tick: r.tick, text: r.text })
        text += r.text
      }
      if (close) {
        const end = sim.endLine("completed")
        yield* store.close(runId, end)
        text += end
      }
      return text
    })

  describe(`EventStore conformance: ${name}`, { timeout: options.timeout ?? 30_000 }, () => {
    it("reads back exactly the bytes appended, and the log verifies", async () => {
      const runId = fresh()
      const [written, opened] = await run((store) =>
        Effect.gen(function* () {
          const written = yield* writeRun(store, runId, 9)
          const opened = yield* store.open(runId)
          return [written, opened] as const
        }),
      )
      expect(opened.text).toBe(written)
      expect(opened.repaired).toBeUndefined()
      const v = verify(walkersModel, opened.text)
      expect(v.ok).toBe(true)
    })

    it("streams batches from a given tick, in order, with the end record last", async () => {
      const runId = fresh()
      const batches = await run((store) =>
        Effect.gen(function* () {
          yield* writeRun(store, runId, 10)
          return yield* Stream.runCollect(store.read(runId, 6))
        }),
      )
      const list = [...batches] as TickBatch[]
      expect(list.filter((b) => !b.end).map((b) => b.tick)).toEqual([6, 7, 8, 9])
      expect(list.at(-1)?.end).toBe(true)
      for (const b of list) expect(b.text.endsWith("\n")).toBe(true)
    })

    it("refuses a second create of the same run, appends to unknown or closed runs, and bad ids", async () => {
      const runId = fresh()
      const errors = await run((store) =>
        Effect.gen(function* () {
          yield* writeRun(store, runId, 1)
          const dup = yield* Effect.flip(store.create(runId, "{}"))
          const closed = yield* Effect.flip(store.append(runId, { tick: 1, text: "x\n" }))
          const missing = yield* Effect.flip(store.append(`${runId}-nope`, { tick: 0, text: "x\n" }))
          const openMissing = yield* Effect.flip(store.open(`${runId}-nope`))
          const traversal = yield* Effect.flip(store.create("../escape", "{}"))
          return { dup, closed, missing, openMissing, traversal }
        }),
      )
      expect(errors.dup.reason).toBe("already-exists")
      expect(errors.closed.reason).toBe("closed")
      expect(errors.missing.reason).toBe("not-found")
      expect(errors.openMissing.reason).toBe("not-found")
      expect(errors.traversal.reason).toBe("invalid")
    })

    it("keeps runs apart and lists them, open ones as not closed", async () => {
      const a = fresh()
      const b = fresh()
      const { ta, tb, list } = await run((store) =>
        Effect.gen(function* () {
          yield* writeRun(store, a, 3)
          yield* writeRun(store, b, 5, false)
          const ta = (yield* store.open(a)).text
          const tb = (yield* store.open(b)).text
          const list = yield* store.list()
          return { ta, tb, list }
        }),
      )
      expect(ta).not.toBe(tb)
      expect(list.find((r) => r.runId === a)?.closed).toBe(true)
      expect(list.find((r) => r.runId === b)?.closed).toBe(false)
    })

    it("removes a run", async () => {
      const runId = fresh()
      const after = await run((store) =>
        Effect.gen(function* () {
          yield* writeRun(store, runId, 2)
          yield* store.remove(runId)
          return yield* store.list()
        }),
      )
      expect(after.some((r) => r.runId === runId)).toBe(false)
    })
  })
}
