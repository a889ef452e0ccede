import { replay, resimulate, Simulation, verify } from "@takeoff/core"
import { describe, expect, it } from "vitest"
import { explain, notableEvent } from "./explain.js"
import { computeMetrics, METRICS } from "./metrics.js"
import { economyModel } from "./model.js"
import { loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"
import { F, K, S, X } from "./state.js"

const small = () => loadScenario("baseline", { set: [["firms.count", "300"]] })

describe("economy model", () => {
  it("keeps the accounting identities and has no negative stocks every tick", () => {
    const config = small()
    let ticks = 0
    simulate(config, {
      seed: 3,
      untilYear: 2045,
      onTick: (_tick, events, st) => {
        ticks++
        // The capital the market allocated this tick (before the reducer added investment).
        const cleared = events.find((e) => e.type === "MarketsCleared")
        const capitalBefore = cleared ? cleared.data.allocK.reduce((a: number, b: number) => a + b, 0) : 0
        // Goods: chips sold to labs are the chips added to the stock.
        const sold = events.find((e) => e.type === "ChipsSold")
        if (sold) {
          const units = sold.data.units.reduce((a: number, b: number) => a + b, 0)
          const toLabs = sold.data.labH100e.reduce((a: number, b: number) => a + b, 0)
          expect(Math.abs(toLabs - sold.data.h100e)).toBeLessThan(1e-6 * sold.data.h100e + 1e-6)
          expect(units).toBeGreaterThanOrEqual(0)
        }
        const f = st.flow
        const gdp = f[F.gdp]
        const tol = 1e-9 * gdp
        // GDP = sum of value added = sum of incomes = consumption + investment.
        expect(Math.abs(f[F.vaFirms] + f[F.vaLabs] + f[F.vaRobots] + f[F.vaEnergy] - gdp)).toBeLessThan(tol)
        expect(
          Math.abs(f[F.wages] + f[F.capitalIncome] + f[F.rent] + f[F.aiRevenue] + f[F.robotRevenue] - gdp),
        ).toBeLessThan(tol)
        expect(Math.abs(f[F.consumption] + f[F.investment] - gdp)).toBeLessThan(tol)
        // Households receive every income: wages, capital income net of tax, and the basic income.
        const household = f[F.labourIncomeHouseholds] + f[F.capitalIncomeHouseholds] + f[F.tax] + f[F.electricity]
        expect(Math.abs(household - gdp)).toBeLessThan(tol)
        // Wage bill by occupation equals the wages paid by sectors.
        let bill = 0
        for (let k = 0; k < K; k++) bill += st.wage[k] * st.employed[k]
        expect(Math.abs(bill - f[F.wages])).toBeLessThan(tol)
        for (let k = 0; k < K; k++) {
          expect(st.employed[k]).toBeGreaterThanOrEqual(0)
          expect(st.employed[k]).toBeLessThanOrEqual(st.labourForce[k] * (1 + 1e-12))
        }
        for (const arr of [st.chipStock, st.power, st.allocL, st.allocM, st.allocK, st.allocF, st.sectorY]) {
          for (let i = 0; i < arr.length; i++) expect(arr[i]).toBeGreaterThanOrEqual(0)
        }
        // Markets conserve what they allocate: every worker, machine, unit of capital and of the fixed factor is somewhere.
        for (let k = 0; k < K; k++) {
          let l = 0
          for (let s = 0; s < S; s++) l += st.allocL[s * K + k]
          expect(Math.abs(l - st.employed[k])).toBeLessThan(1e-6 * st.employed[k] + 1)
        }
        let mAi = 0
        let mRobot = 0
        for (let s = 0; s < S; s++) {
          for (let k = 0; k < K; k++) {
            if (k < 2) mAi += st.allocM[s * K + k]
            else mRobot += st.allocM[s * K + k]
          }
        }
        expect(Math.abs(mAi / f[F.aiWorkerEquivalents] - 1)).toBeLessThan(1e-9)
        expect(Math.abs(mRobot / f[F.robotWorkerEquivalents] - 1)).toBeLessThan(1e-9)
        expect(Math.abs(st.allocK.reduce((a, b) => a + b, 0) / capitalBefore - 1)).toBeLessThan(1e-9)
        // Money: what buyers pay in each market is what sellers receive.
        expect(Math.abs(f[F.aiPricePerWorkerYear] * f[F.aiWorkerEquivalents] - f[F.aiRevenue])).toBeLessThan(tol)
        expect(Math.abs(f[F.robotPricePerWorkerYear] * f[F.robotWorkerEquivalents] - f[F.robotRevenue])).toBeLessThan(
          tol,
        )
        expect(Math.abs(f[F.chipSpend] - f[F.chipH100eMade] * f[F.chipPricePerH100e] * 12)).toBeLessThan(
          1e-6 * f[F.chipSpend] + 1,
        )
        expect(st.x[X.capital]).toBeGreaterThan(0)
        expect(st.x[X.robots]).toBeGreaterThan(0)
        for (let i = 0; i < S * K; i++) expect(st.sectorAuto[i]).toBeGreaterThanOrEqual(0)
      },
    })
    expect(ticks).toBe(22 * 12)
  })

  it("replays a baseline log to the live run, byte-identical for the same seed", () => {
    const config = loadScenario("baseline")
    const a = simulate(config, { seed: 21, untilYear: 2030, log: true })
    const b = simulate(config, { seed: 21, untilYear: 2030, log: true })
    expect(a.text).toBe(b.text)
    const replayed = replay(economyModel, a.text)
    expect(JSON.stringify(economyModel.encodeState(replayed.state))).toBe(
      JSON.stringify(economyModel.encodeState(a.state)),
    )
    expect(resimulate(economyModel, a.text).ok).toBe(true)
    // The seed matters: another seed draws other firms and release dates.
    const other = simulate(config, { seed: 22, untilYear: 2025, log: true }).text
    expect(other.split("\n")[3]).not.toBe(a.text.split("\n")[3])
  })

  it("replays its log to the live state, and the log verifies", () => {
    const config = small()
    const sim = Simulation.create(economyModel, config, { seed: 9, stateHashEvery: 12, snapshotEvery: 60 })
    let text = `${sim.headerLine}\n`
    for (let i = 0; i < 96; i++) text += sim.step().text
    text += sim.endLine("completed")
    const live = JSON.stringify(economyModel.encodeState(sim.state))
    const replayed = replay(economyModel, text)
    expect(JSON.stringify(economyModel.encodeState(replayed.state))).toBe(live)
    const seek = replay(economyModel, text, { untilTick: 95 })
    expect(JSON.stringify(economyModel.encodeState(seek.state))).toBe(live)
    const v = verify(economyModel, text)
    expect(v.ok).toBe(true)
  })

  it("publishes every metric as a finite number", () => {
    const config = small()
    const { state } = simulate(config, { seed: 1, untilYear: 2026 })
    const m = computeMetrics(state, config)
    for (const info of METRICS) expect(Number.isFinite(m[info.key]), info.key).toBe(true)
  })

  it("explains the AGI milestone from the log with driver contributions", () => {
    const config = small()
    const { text, outcome } = simulate(config, { seed: 5, untilYear: 2040, log: true })
    expect(outcome.milestones.agi).not.toBeNull()
    const ex = explain(text, "agi")
    expect(ex.reached).toBe(true)
    expect(ex.milestone?.date).toBe(outcome.milestones.agi)
    expect(ex.crossing.after!.value).toBeGreaterThanOrEqual(0.1)
    expect(ex.crossing.before!.value).toBeLessThan(0.1)
    const total = ex.drivers.reduce((a, d) => a + d.contribution, 0)
    // The shift events account for the AI share's rise (within one shift step per sector).
    expect(Math.abs(total - (ex.crossing.after!.value - 0.0019))).toBeLessThan(0.02)
    expect(ex.events.length).toBeGreaterThan(0)
    const cs = ex.capabilitySources
    expect(cs.model).not.toBeNull()
    expect(cs.frontierStartLog10 + cs.fromComputeOom + cs.fromAlgorithmsOom + cs.fromDataOom).toBeCloseTo(
      cs.frontierLog10,
      9,
    )
    expect(cs.fromAlgorithmsOom).toBeGreaterThan(0)
    expect(cs.lostToPowerOom).toBeGreaterThanOrEqual(0)
    const asi = explain(text, "post-scarcity")
    expect(asi.reached || asi.summary.includes("not reached")).toBe(true)
  })

  it("reads ModelReleased v1 from older logs (upcast: chips assumed powered)", () => {
    const v1 = {
      type: "ModelReleased",
      v: 1,
      data: {
        lab: 0,
        generation: 1,
        trainingFlopLog10: 26,
        effectiveFlopLog10: 26.5,
        algoLog10: 0.5,
        dataRatio: 2,
        frontierBeforeLog10: 26,
        nextReleaseTick: 12,
      },
    }
    const decoded = economyModel.catalogue.decode(v1) as { type: string; data: { poweredShare: number } }
    expect(decoded.type).toBe("ModelReleased")
    expect(decoded.data.poweredShare).toBe(1)
  })

  it("turns releases and build-outs into feed entries and skips routine events", () => {
    const config = small()
    const feed: string[] = []
    let routine = 0
    simulate(config, {
      seed: 2,
      untilYear: 2027,
      onTick: (tick, events) => {
        for (const e of events) {
          const n = notableEvent(e, tick, config)
          if (n) feed.push(n.type)
          else if (e.type === "MarketsCleared") routine++
        }
      },
    })
    expect(feed).toContain("ModelReleased")
    expect(routine).toBe(48)
  })
})
