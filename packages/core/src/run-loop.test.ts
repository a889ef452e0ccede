import { describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { verify } from "./verify.js"
import { RunLoop, type TickSink } from "./run-loop.js"
import { walkersKit } from "./testing/walkers-kit.js"
import { walkersModel } from "./testing/walkers.js"

/** A run of 20 walkers into an in-memory log; `teleportProbability` 0 means no WalkerTeleported. */
const start = (teleportProbability: number) => {
  const sim = Simulation.create(walkersModel, { agents: 20, teleportProbability }, { seed: 3, stateHashEvery: 4 })
  const log = { text: `${sim.headerLine}\n`, closed: 0 }
  const sink: TickSink = {
    append: (_tick, text) => {
      log.text += text
    },
    close: (endLine) => {
      log.text += endLine
      log.closed++
    },
  }
  return { sim, log, sink }
}

const endRecord = (text: string) => JSON.parse(text.trimEnd().split("\n").at(-1)!) as Record<string, unknown>

describe("RunLoop: the one way every runner ends a run", () => {
  it("given an until tick, when it is reached, then the log ends 'completed' at that tick and verifies", () => {
    const { sim, log, sink } = start(0)
    const ticks: number[] = []
    const end = new RunLoop(sim, { untilTick: 9, sink, onTick: (r) => ticks.push(r.tick) }).runWhile(() => true)
    expect(end).toEqual({ reason: "completed", lastTick: 9 })
    expect(ticks).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(endRecord(log.text)).toMatchObject({ kind: "end", reason: "completed", tick: 9 })
    expect(endRecord(log.text)).not.toHaveProperty("message")
    expect(log.closed).toBe(1)
    expect(verify(walkersModel, log.text).ok).toBe(true)
  })

  it("given an end event, when a tick holds it, then the run is over after that tick and the end names it", () => {
    const { sim, log, sink } = start(1)
    const loop = new RunLoop(sim, { untilTick: 99, endEvents: ["WalkerTeleported"], sink })
    expect(loop.runWhile(() => true)).toEqual({ reason: "completed", message: "WalkerTeleported", lastTick: 0 })
    expect(endRecord(log.text)).toMatchObject({ reason: "completed", message: "WalkerTeleported", tick: 0 })
    expect(sim.tick).toBe(1)
  })

  it("given a stop, then the log ends 'stopped' at the last whole tick with the caller's reason, once", () => {
    const { sim, log, sink } = start(0.5)
    const loop = new RunLoop(sim, { untilTick: 99, endEvents: walkersKit.endEvents, sink })
    let n = 0
    expect(loop.runWhile(() => n++ < 5)).toBeUndefined()
    expect(loop.stop("asked to")).toEqual({ reason: "stopped", message: "asked to", lastTick: 4 })
    expect(loop.stop("again")).toEqual({ reason: "stopped", message: "asked to", lastTick: 4 })
    expect(loop.step()).toEqual({ reason: "stopped", message: "asked to", lastTick: 4 })
    expect(endRecord(log.text)).toMatchObject({ reason: "stopped", message: "asked to", tick: 4 })
    expect(log.closed).toBe(1)
    expect(verify(walkersModel, log.text).ok).toBe(true)
  })

  it("given a tick that throws, then the log is sealed 'error' with the message and the error is rethrown", () => {
    const { sim, log, sink } = start(0)
    const loop = new RunLoop(sim, {
      untilTick: 99,
      sink,
      onTick: (r) => {
        if (r.tick === 2) throw new Error("disk full")
      },
    })
    expect(() => loop.runWhile(() => true)).toThrow("disk full")
    expect(loop.end).toEqual({ reason: "error", message: "disk full", lastTick: 2 })
    expect(endRecord(log.text)).toMatchObject({ reason: "error", message: "disk full", tick: 2 })
  })

  it("given the same run, then stepping one tick at a time writes the same log as running through", () => {
    const a = start(0.5)
    new RunLoop(a.sim, { untilTick: 11, sink: a.sink }).runWhile(() => true)
    const b = start(0.5)
    const loop = new RunLoop(b.sim, { untilTick: 11, sink: b.sink })
    while (loop.step() === undefined);
    expect(b.log.text).toBe(a.log.text)
  })
})
