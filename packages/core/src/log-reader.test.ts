import * as Schema from "effect/Schema"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { EventRejected, LogError } from "./errors.js"
import { defineEvent, type EncodedEvent, type EventOf, makeCatalogue } from "./events.js"
import { evolveTick, lastSealedTick, lineKind, lineTick, linesOf, logLinesOf, truncateToSealed } from "./log-reader.js"
import type { Model } from "./model.js"
import { replay } from "./replay.js"
import { resimulate } from "./resimulate.js"
import {
  type WalkersConfig,
  type WalkersState,
  WalkersSpawned,
  WalkersStepped,
  walkersModel,
} from "./testing/walkers.js"
import { verify } from "./verify.js"

const writeLog = (ticks: number, seed = 5) => {
  const sim = Simulation.create(
    walkersModel,
    { agents: 30, teleportProbability: 0.7 },
    { seed, stateHashEvery: 2, snapshotEvery: 4 },
  )
  let text = `${sim.headerLine}\n`
  for (let i = 0; i < ticks; i++) text += sim.step().text
  return { text: text + sim.endLine("completed"), state: JSON.stringify(walkersModel.encodeState(sim.state)) }
}

describe("classifying log lines", () => {
  it("given any log, every line's kind and tick read from its prefix are those its JSON holds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.nat(1000), (ticks, seed) => {
        for (const l of logLinesOf(writeLog(ticks, seed).text)) {
          const rec = JSON.parse(l.text) as { kind: string; tick?: number }
          expect(l.kind).toBe(rec.kind)
          expect(l.tick).toBe(rec.tick)
        }
      }),
      { numRuns: 30 },
    )
  })

  it("reads the tick of a run that sealed nothing (-1) and of a line at an offset; refuses foreign lines", () => {
    expect(lineTick('{"kind":"end","tick":-1,"reason":"stopped"}')).toBe(-1)
    expect(lineTick('x\n{"kind":"seal","tick":17,"hash":"00"}', 2)).toBe(17)
    expect(lineKind('{"kind":"seed","tick":1}')).toBeUndefined()
    expect(lineKind('{"tick":1,"kind":"tick"}')).toBeUndefined()
    expect(lineTick('{"kind":"tick","tick":"3"}')).toBeUndefined()
  })

  it("finds the last sealed tick and cuts an unsealed tail back to it", () => {
    const { text } = writeLog(6)
    const cut = text.slice(0, text.indexOf('{"kind":"tick","tick":5') + 40)
    expect(lastSealedTick(text)).toBe(5)
    expect(lastSealedTick(cut)).toBe(4)
    const { kept, lastSealedTick: sealed } = truncateToSealed(cut)
    expect(sealed).toBe(4)
    expect(verify(walkersModel, kept, { allowIncomplete: true }).ok).toBe(true)
    expect([...linesOf(kept)].at(-1)?.startsWith('{"kind":"seal","tick":4')).toBe(true)
  })
})

/**
 * The walkers model one version on: a teleport names where it lands `position`, not `to`, and the
 * event starts again at version 1 (its old versions are the model upcaster's business).
 */
const TeleportedV3 = defineEvent(
  "WalkerTeleported",
  1,
  Schema.Struct({ agent: Schema.Int, position: Schema.Int, reason: Schema.Literals(["random", "legacy"]) }),
)
const definitionsV2 = [WalkersSpawned, WalkersStepped, TeleportedV3] as const
type WalkersEventV2 = EventOf<typeof definitionsV2>

const walkersV2 = (
  upcasters?: Model<WalkersState, WalkersEventV2, WalkersConfig>["upcasters"],
): Model<WalkersState, WalkersEventV2, WalkersConfig> => ({
  ...(walkersModel as unknown as Model<WalkersState, WalkersEventV2, WalkersConfig>),
  version: "2.0.0",
  catalogue: makeCatalogue(3, definitionsV2),
  systems: [],
  evolve: (s, e, tick) => {
    if (e.type !== "WalkerTeleported") return walkersModel.evolve(s, e, tick)
    s.pos[e.data.agent] = e.data.position
    s.teleports++
    return s
  },
  ...(upcasters === undefined ? {} : { upcasters }),
})

/** 1.0.0 wrote `WalkerTeleported` v2 `{agent, to, reason}` (or v1, without the reason). */
const teleportsFrom1 = (events: ReadonlyArray<EncodedEvent>) =>
  events.map((e) => {
    if (e.type !== "WalkerTeleported") return e
    const { to, ...rest } = e.data as { to: number; agent: number; reason?: string }
    return { type: e.type, v: 1, data: { reason: "legacy", ...rest, position: to } }
  })

describe("model versions", () => {
  const { text, state } = writeLog(9)

  it("refuses a log of another model version, naming line 1, both versions and what to do", () => {
    const model = walkersV2()
    const refused = (() => {
      try {
        replay(model, text)
      } catch (e) {
        return e
      }
    })() as LogError
    expect(refused).toBeInstanceOf(LogError)
    expect(refused.reason).toBe("model-version")
    expect(refused.line).toBe(1)
    expect(refused.message).toContain("walkers 1.0.0")
    expect(refused.message).toContain("walkers 2.0.0")
    expect(refused.message).toContain("the build that wrote it")
    const v = verify(model, text)
    expect(v.ok ? undefined : v.error.reason).toBe("model-version")
    expect(() => resimulate(model, text)).toThrow(/model-version|wrote it/)
  })

  it("reads a log of an earlier version through the model's upcaster: same state, and it verifies", () => {
    let upcastTicks = 0
    const model = walkersV2({
      "1.0.0": {
        events: (events: ReadonlyArray<EncodedEvent>) => {
          upcastTicks++
          return teleportsFrom1(events)
        },
      },
    })
    expect(text).toContain('"type":"WalkerTeleported","v":2')
    const replayed = replay(model, text)
    expect(JSON.stringify(model.encodeState(replayed.state))).toBe(state)
    expect(upcastTicks).toBe(9)
    const seekFromSnapshot = replay(model, text, { untilTick: 8 })
    expect(JSON.stringify(model.encodeState(seekFromSnapshot.state))).toBe(state)
    const v = verify(model, text)
    expect(v.ok).toBe(true)
    // A rerun writes only this version's log: resimulate refuses even with an upcaster.
    expect(() => resimulate(model, text)).toThrow(LogError)
  })

  it("upcasts the header's config and a snapshot's state when the model says how", () => {
    const model = walkersV2({
      "1.0.0": {
        events: teleportsFrom1,
        config: (c) => ({ ...(c as object), teleportProbability: 0 }),
        state: (s) => ({ ...(s as object), teleports: 1000 }),
      },
    })
    const seek = replay(model, text, { untilTick: 8 })
    expect(seek.config.teleportProbability).toBe(0)
    expect(seek.state.teleports).toBeGreaterThanOrEqual(1000)
  })
})

describe("evolveTick", () => {
  const model = (fault: () => never) => ({
    evolve: (s: number, e: { type: string; data: unknown }) => (e.type === "Bad" ? fault() : s + 1),
  })
  const events = [
    { type: "Good", data: 1 },
    { type: "Bad", data: 2 },
  ]

  it("reports an event its reducer rejects as a bad-event-data LogError naming the line, tick and event", () => {
    const rejecting = model(() => {
      throw new EventRejected("steps: expected 3 values (one per walker), got 2")
    })
    expect(() => evolveTick(rejecting, 0, events, 7, 9)).toThrow(
      expect.objectContaining({
        _tag: "LogError",
        reason: "bad-event-data",
        line: 9,
        tick: 7,
        message: "events[1]: Bad.data: steps: expected 3 values (one per walker), got 2",
      }),
    )
  })

  it("lets any other exception from a reducer through as the bug it is", () => {
    const buggy = model(() => {
      throw new TypeError("cannot read properties of undefined")
    })
    expect(() => evolveTick(buggy, 0, events, 7, 9)).toThrow(TypeError)
    expect(evolveTick(buggy, 0, [events[0], events[0]], 7, 9)).toBe(2)
  })
})

describe("the model's invariants, checked by replay and verify (Model.checkState)", () => {
  /** A walkers log of 30 ticks, seals every 4; and the same model with an invariant it breaks (teleports <= limit). */
  const sim = Simulation.create(walkersModel, { agents: 20, teleportProbability: 0.5 }, { seed: 4, stateHashEvery: 4 })
  let text = `${sim.headerLine}\n`
  for (let t = 0; t < 30; t++) text += sim.step().text
  text += sim.endLine("completed")
  const limited = (limit: number) => ({
    ...walkersModel,
    checkState: (s: { teleports: number }) => (s.teleports > limit ? `teleports = ${s.teleports} > ${limit}` : null),
  })
  const total = replay(walkersModel, text).state.teleports

  it("given a log whose folded state breaks an invariant, replay and verify name it at the first seal after, with the ticks to look at", () => {
    // Given a limit the run passes partway through
    const limit = Math.floor(total / 2)
    for (const [name, read] of [
      ["replay", () => replay(limited(limit), text)],
      [
        "verify",
        () => {
          const v = verify(limited(limit), text)
          if (!v.ok) throw v.error
        },
      ],
    ] as const) {
      let error: unknown
      try {
        read()
      } catch (e) {
        error = e
      }
      // Then it is a broken-invariant LogError at a sealed tick, naming the invariant and the ticks since it last held
      expect(error, name).toBeInstanceOf(LogError)
      const e = error as LogError
      expect(e.reason, name).toBe("broken-invariant")
      expect((e.tick! + 1) % 4, name).toBe(0)
      expect(e.message, name).toMatch(
        /breaks an invariant: teleports = \d+ > \d+ \((it held at the start|it held after tick \d+): an event of ticks \d+\.\.\d+ broke it\)/,
      )
    }
    // And with the limit never passed, both read the log
    expect(replay(limited(total), text).tick).toBe(29)
    expect(verify(limited(total), text).ok).toBe(true)
  })
})
