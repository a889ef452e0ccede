import * as fs from "node:fs"
import {
  checkHeader,
  columnToBase64,
  isDecodeFailure,
  LogError,
  MAX_DRAWN_PER_LINE,
  parseHeader,
  replay,
  Simulation,
  verify,
} from "@takeoff/core"
import { describe, expect, it } from "vitest"
import { economyModel } from "./model.js"

/**
 * A log written by model 0.4.0 before FirmsStepped v2 (`takeoff run baseline --seed 11 --set
 * firms.count=203 --until 2024`): its FirmsStepped events are v1, the shocks an explicit base64 column.
 */
const V1_LOG = fs.readFileSync(new URL("./fixtures/baseline-v1-shocks.ndjson", import.meta.url), "utf8")

const lines = (text: string) => text.split("\n").filter((l) => l.length > 0)
/** The fixture's config as today's model reads it (through the 0.4.0 upcaster): 203 firms, baseline. */
const FIXTURE_CONFIG = economyModel.decodeConfig(
  economyModel.upcasters!["0.4.0"].config!(parseHeader(lines(V1_LOG)[0]).config),
)

const firmsStepped = (tickLine: string) =>
  (JSON.parse(tickLine) as { events: Array<{ type: string; v: number; data: { shock: unknown } }> }).events.find(
    (e) => e.type === "FirmsStepped",
  )!

/** Today's log of the fixture's config (203 firms), `ticks` months from seed 2, closed when `end`. */
const logOf = (ticks: number, end = false): string => {
  const sim = Simulation.create(economyModel, FIXTURE_CONFIG, { seed: 2 })
  let text = `${sim.headerLine}\n`
  for (let t = 0; t < ticks; t++) text += sim.step().text
  return end ? text + sim.endLine("completed") : text
}

/** What `read` throws (undefined when it does not). */
const thrown = (read: () => unknown): unknown => {
  try {
    read()
  } catch (e) {
    return e
  }
  return undefined
}

describe("FirmsStepped v2: shocks logged as the generator state they were drawn from", () => {
  it("given a log with v1 (explicit) shocks, it still verifies, and today's run of its header is the same world", () => {
    // Given the v1 log: it verifies with today's model (chain, refold and sealed state hash)
    const v = verify(economyModel, V1_LOG)
    expect(v.ok, v.ok ? "" : v.error.message).toBe(true)
    const old = lines(V1_LOG)
    const header = parseHeader(old[0])
    expect(header.schemaVersion).toBe(2)
    // (a 0.4.0 log: its config still holds milestones.basketShareOfIncome, which the upcaster drops)
    expect(header.modelVersion).toBe("0.4.0")
    expect((header.config as { values: Record<string, number> }).values["milestones.basketShareOfIncome"]).toBe(0.01)
    // When today's model runs the same config and seed
    expect(() => economyModel.decodeConfig(header.config)).toThrow(/basketShareOfIncome" was removed/)
    const upcast = economyModel.upcasters!["0.4.0"].config!(header.config)
    const sim = Simulation.create(economyModel, economyModel.decodeConfig(upcast), {
      seed: header.seed,
      stateHashEvery: 12,
    })
    const oldTicks = old.filter((l) => l.startsWith('{"kind":"tick"'))
    const oldSeals = old.filter((l) => l.startsWith('{"kind":"seal"') && l.includes('"state"'))
    let text = ""
    for (let t = 0; t < oldTicks.length; t++) {
      const r = sim.step()
      text += r.text
      // Then each month's shocks decode to the same bytes from either form
      const was = economyModel.catalogue.decode(firmsStepped(oldTicks[t]))
      const now = economyModel.catalogue.decode(firmsStepped(r.text.slice(0, r.text.indexOf("\n"))))
      if (isDecodeFailure(was) || isDecodeFailure(now)) throw new Error("a FirmsStepped did not decode")
      const shock = (e: typeof was) => (e.data as { shock: Int8Array }).shock
      expect(shock(now).length).toBe(203)
      expect(Buffer.from(shock(now).buffer, shock(now).byteOffset, 203).equals(Buffer.from(shock(was)))).toBe(true)
    }
    // And the sealed state hashes are the v1 log's
    const sealsNow = lines(text).filter((l) => l.startsWith('{"kind":"seal"') && l.includes('"state"'))
    expect(oldSeals.length).toBeGreaterThan(0)
    expect(sealsNow.map((l) => JSON.parse(l).state)).toEqual(oldSeals.map((l) => JSON.parse(l).state))
    // And the v1 line carried 203 shocks as base64 where v2 carries the generator state and the count
    expect(firmsStepped(oldTicks[3]).v).toBe(1)
    expect(typeof firmsStepped(oldTicks[3]).data.shock).toBe("string")
    const v2 = firmsStepped(lines(text).filter((l) => l.startsWith('{"kind":"tick"'))[3])
    expect(v2.v).toBe(2)
    expect(v2.data.shock).toEqual({ sfc32: expect.any(Array), n: 203 })
  })

  it("given a line of drawn forms that together ask for more than one line may redraw, refuses it naming the event", () => {
    // Given a header of today's model and a tick line of FirmsStepped events, each a ~60-character drawn form
    const sim = Simulation.create(economyModel, FIXTURE_CONFIG, { seed: 1 })
    const { decodeTick } = checkHeader(economyModel, sim.headerLine)
    const four = columnToBase64(new Float64Array(4))
    const stepped = (n: number) => ({
      type: "FirmsStepped",
      v: 2,
      data: { shock: { sfc32: [1, 2, 3, 4], n }, target: four, labourCost: four, machineCost: four },
    })
    const half = MAX_DRAWN_PER_LINE / 2 + 1
    // Then one that fits the line's budget decodes to its values
    const [one] = decodeTick({ kind: "tick", tick: 3, rng: [1, 2, 3, 4], events: [stepped(half)] } as never, 5)
    expect((one.data as { shock: Int8Array }).shock.length).toBe(half)
    // And two that together exceed it are refused as a named log error at the second, not an out-of-memory
    const error = thrown(() =>
      decodeTick({ kind: "tick", tick: 3, rng: [1, 2, 3, 4], events: [stepped(half), stepped(half)] } as never, 5),
    )
    expect(error).toBeInstanceOf(LogError)
    expect((error as LogError).message).toMatch(
      /events\[1\]: FirmsStepped\.data: .*over 134217728 \(67108865 drawn already\)/,
    )
    expect((error as LogError).line).toBe(5)
  })

  it("given a FirmsStepped whose shocks are not one per firm, replay refuses the log naming the event, not a NaN state", () => {
    // Given a 203-firm run's log with one month's shock count changed to 5 (a hand-made log; replay does not check hashes)
    const text = logOf(3)
    const bent = text.replace(/("type":"FirmsStepped","v":2,"data":\{"shock":\{"sfc32":\[[0-9,]+\],"n":)203/, "$15")
    expect(bent).not.toBe(text)
    // Then replay stops at that line with a named bad-event-data error
    const error = thrown(() => replay(economyModel, bent))
    expect(error).toBeInstanceOf(LogError)
    expect((error as LogError).reason).toBe("bad-event-data")
    expect((error as LogError).message).toMatch(
      /FirmsStepped\.data: shock: expected 203 values \(one per firm\), got 5/,
    )
    // And the unaltered log replays
    expect(replay(economyModel, text).tick).toBe(2)
  })

  it("given a log whose events build a negative robot stock, replay and verify refuse it naming the invariant", () => {
    // Given a 203-firm run to the end of 2024 whose April RobotsBuilt says -1e15 robots were built
    const text = logOf(12, true)
    const bent = text.replace(/("tick":3,[^\n]*"type":"RobotsBuilt","v":\d+,"data":\{"units":)[0-9.e+]+/, "$1-1e15")
    expect(bent).not.toBe(text)
    // Then replay names the invariant at the seal of tick 11 and the ticks it broke in
    expect(() => replay(economyModel, bent)).toThrow(
      /x\.robots = -[0-9.e+]+ is negative \(it held at the start: an event of ticks 0\.\.11 broke it\)/,
    )
    // And verify, whose chain this edit breaks first, says so; the unaltered log replays and verifies
    const v = verify(economyModel, bent)
    expect(v.ok ? "intact" : v.error.reason).toBe("hash-mismatch")
    expect(replay(economyModel, text).tick).toBe(11)
    expect(verify(economyModel, text).ok).toBe(true)
  })

  it("given an event whose fixed-size column has the wrong length, replay names the event, field and sizes at its line", () => {
    // Given a log whose first MarketsCleared carries 2 allocations where the economy has 4 sectors x 4 occupations
    const text = logOf(3)
    const two = columnToBase64(new Float64Array([1, 2]))
    const bent = text.replace(/("type":"MarketsCleared".*?"allocL":")[A-Za-z0-9+/=]+"/, `$1${two}"`)
    expect(bent).not.toBe(text)
    // Then replay refuses it as bad event data at line 2, tick 0
    const error = thrown(() => replay(economyModel, bent))
    expect(error).toBeInstanceOf(LogError)
    expect(error).toMatchObject({ reason: "bad-event-data", line: 2, tick: 0 })
    expect((error as LogError).message).toMatch(/MarketsCleared\.data: expected 16 values, got 2[\s\S]*allocL/)
  })
})
