import { Rng } from "@takeoff/core"
import { describe, expect, it } from "vitest"
import type { EconomyEvent } from "./events.js"
import { economyModel } from "./model.js"
import { loadScenario, withValues } from "./scenario.js"
import { FOUNDRIES } from "./economy/sets.js"
import { PARAM_BY_PATH, PARAMS, POWER_SOURCES } from "./params.js"
import { type EconomyState, F, initialEconomyState, K, MATERIALS, powerCapacityGw, X } from "./state.js"
import { yearAtTick } from "./time.js"

/** Given-when-then for each agent kind: a state, one system's decision, the reducer's effect. */
const config = loadScenario("baseline", { set: [["firms.count", "100"]] })
const given = (c = config): EconomyState => initialEconomyState(c)
const system = (name: string) => economyModel.systems.find((s) => s.name === name)!
const when = (st: EconomyState, name: string, tick = 1, seed = 1): EconomyEvent[] => [
  ...system(name).decide(st, { tick, rng: Rng.fromSeed(seed) }),
]
const apply = (st: EconomyState, events: ReadonlyArray<EconomyEvent>, tick = 1) => {
  for (const e of events) economyModel.evolve(st, e, tick)
  return st
}
const only = <T extends EconomyEvent["type"]>(events: EconomyEvent[], type: T) =>
  events.filter((e): e is Extract<EconomyEvent, { type: T }> => e.type === type)

describe("AI labs", () => {
  it("given a lab due to release, when labs decide, then it releases a model of its training compute times algorithms", () => {
    const st = given()
    st.labNextRelease.fill(99)
    st.labNextRelease[0] = 1
    const events = when(st, "labs")
    const [funded] = only(events, "LabsFunded")
    expect(funded.data.budgetUsd.reduce((a, b) => a + b, 0)).toBeCloseTo(funded.data.fundingUsd, -3)
    const [release] = only(events, "ModelReleased")
    expect(release.data.lab).toBe(0)
    expect(release.data.effectiveFlopLog10).toBeLessThanOrEqual(
      release.data.trainingFlopLog10 + release.data.algoLog10 + 1e-12,
    )
    expect(release.data.nextReleaseTick).toBeGreaterThan(1)
    apply(st, events)
    expect(st.x[X.frontierLog10]).toBe(
      Math.max(config.values["ai.frontierLog10Flop2024"], release.data.effectiveFlopLog10),
    )
    expect(st.labNextRelease[0]).toBe(release.data.nextReleaseTick)
  })

  it("given a lab behind the frontier or inference that pays, when labs split compute, then the laggard trains more and all serve more", () => {
    const st = given()
    st.labBest[2] = st.x[X.frontierLog10] - 1
    st.flow[F.aiPricePerWorkerYear] = 1 // inference earns less than compute costs
    const [split] = only(when(st, "labs"), "ComputeSplit")
    expect(split.data.trainingShare[2]).toBeGreaterThan(split.data.trainingShare[0])
    st.flow[F.aiPricePerWorkerYear] = 1e7 // inference pays far more than compute costs
    const [rich] = only(when(st, "labs"), "ComputeSplit")
    expect(rich.data.inferenceMargin).toBeGreaterThan(split.data.inferenceMargin)
    expect(rich.data.trainingShare[0]).toBeLessThan(split.data.trainingShare[0])
    apply(st, [rich])
    expect(Array.from(st.labTraining)).toEqual(Array.from(rich.data.trainingShare))
  })

  it("given a small data stock, when a lab trains, then the data limit cuts effective compute", () => {
    const starved = withValues(config, { "ai.textDataTokensT": 1, "ai.syntheticDataStartYear": 2200 })
    const st = given(starved)
    st.labNextRelease.fill(0)
    const [release] = only(when(st, "labs"), "ModelReleased")
    expect(release.data.dataRatio).toBeLessThan(1)
    expect(release.data.effectiveFlopLog10).toBeLessThan(release.data.trainingFlopLog10 + release.data.algoLog10)
  })

  it("given AI doing expert cognitive work, when labs decide, then algorithmic progress speeds up", () => {
    const st = given()
    const [slow] = only(when(st, "labs"), "LabsFunded")
    for (let s = 0; s < 4; s++) st.sectorAuto[s * K + 1] = 0.5
    const [fast] = only(when(st, "labs"), "LabsFunded")
    expect(fast.data.researchMultiplier).toBeCloseTo(1 + config.values["ai.aiResearchSpeedup"] * 0.5, 6)
    expect(fast.data.algoDeltaLog10).toBeGreaterThan(slow.data.algoDeltaLog10)
  })
})

describe("chip fabs", () => {
  it("given budgets above supply at cost, when the foundries sell and chips add up, then scarcity prices them and data centres get the labs' chips", () => {
    const st = given()
    apply(st, when(st, "foundries"))
    const events = when(st, "chips")
    const [sold] = only(events, "ChipsSold")
    expect(sold.data.priceUsdPerH100e).toBeGreaterThan(
      sold.data.costUsdPerH100e * (1 + config.values["chips.minMarkup"]),
    )
    const before = st.chipStock[0]
    apply(st, events)
    // Data centres get the labs' share of the units made; robot makers take the rest on board.
    const toLabs = sold.data.h100e / (sold.data.h100e + sold.data.robotH100e)
    expect(st.chipStock[0]).toBeCloseTo(before + sold.data.units[0] * toLabs, 6)
  })

  it("given little money, when chips clear, then they sell at the cost floor and fewer are made", () => {
    const st = given()
    st.labBudget.fill(1e6)
    apply(st, when(st, "foundries"))
    const [sold] = only(when(st, "chips"), "ChipsSold")
    expect(sold.data.priceUsdPerH100e).toBeCloseTo(
      sold.data.costUsdPerH100e * (1 + config.values["chips.minMarkup"]),
      6,
    )
    expect(sold.data.h100e).toBeLessThan((st.x[X.fabCapacity] / 12) * 0.01)
  })

  it("given more cumulative output of a generation, when chips clear, then the learning curve lowers unit cost", () => {
    const st = given()
    apply(st, when(st, "foundries"))
    const [a] = only(when(st, "chips"), "ChipsSold")
    st.chipCum[0] = 1e8
    apply(st, when(st, "foundries"))
    const [b] = only(when(st, "chips"), "ChipsSold")
    expect(b.data.costUsdPerH100e).toBeLessThan(a.data.costUsdPerH100e)
  })
})

describe("energy", () => {
  it("given chips waiting for power, when energy decides, then fast sources are ordered first and arrive after their lead time", () => {
    const st = given()
    st.power.fill(0)
    st.power[0] = 0.5
    st.powerPipe.fill(0)
    const events = only(when(st, "energy"), "PowerOrdered")
    expect(events[0].data.shortfallGw).toBeGreaterThan(0)
    expect(events[0].data.source).toBe("gas")
    apply(st, events)
    const gas = events[0]
    const online = gas.data.onlineTick
    for (let t = 2; t <= online; t++) apply(st, [{ type: "MonthBegan", data: { year: 2024 } }], t)
    expect(st.power[1]).toBeCloseTo(gas.data.gw, 9)
  })

  it("given a quarter of the power, when energy dispatches and markets clear, then only powered chips serve inference", () => {
    const st = given()
    const [full] = only(when(st, "markets"), "MarketsCleared")
    st.power.fill(0)
    st.power[0] = powerCapacityGw(given()) / 4
    apply(st, when(st, "energy"))
    const [dark] = only(when(st, "markets"), "MarketsCleared")
    expect(dark.data.flows.poweredShare).toBeLessThan(full.data.flows.poweredShare)
    expect(dark.data.flows.inferenceH100e).toBeLessThan(full.data.flows.inferenceH100e)
  })
})

describe("robot factories", () => {
  it("given robots that earn more than they cost and chips for them, when makers sell and robots add up, then factories run full", () => {
    const st = given()
    st.flow[F.robotPricePerWorkerYear] = 1e6
    st.flow[F.robotChipH100e] = 1e9
    apply(st, when(st, "robot-makers"))
    const [built] = only(when(st, "robots"), "RobotsBuilt")
    expect(built.data.valueToCost).toBeGreaterThan(1)
    expect(built.data.units).toBeCloseTo(st.x[X.robotCapacity] / 12, 6)
  })

  it("given robots that do not pay, when robots add up, then fewer are bought", () => {
    const st = given()
    st.flow[F.robotPricePerWorkerYear] = 10
    apply(st, when(st, "robot-makers"))
    expect(only(when(st, "robots"), "RobotsBuilt")[0].data.units).toBeLessThan(st.x[X.robotCapacity] / 12 / 100)
  })

  it("given every maker's output doubles, then Wright's law cuts unit cost by the learning rate; robot staff cut factory capex", () => {
    const st = given()
    st.flow[F.robotPricePerWorkerYear] = 1e6
    st.flow[F.robotChipH100e] = 1e9
    const cum = st.makerCum.slice()
    apply(st, when(st, "robot-makers"))
    const [a] = only(when(st, "robots"), "RobotsBuilt")
    for (let i = 0; i < st.makerCum.length; i++) st.makerCum[i] = 2 * cum[i]
    // Each decision below is a new month's: the factories' materials budget is not yet spent.
    st.flow[F.robotFactoryCapex] = 0
    const events = when(st, "robot-makers")
    apply(st, events)
    const [b] = only(when(st, "robots"), "RobotsBuilt")
    expect(b.data.unitCostUsd / a.data.unitCostUsd).toBeCloseTo(1 - config.values["robots.learningRate"], 6)
    const [plain] = only(events, "RobotMakerExpanded")
    for (let s = 0; s < 4; s++) st.sectorAuto[s * K + 2] = 0.8
    st.flow[F.robotFactoryCapex] = 0
    const [staffed] = only(when(st, "robot-makers"), "RobotMakerExpanded")
    expect(staffed.data.selfReplicationSaving).toBeGreaterThan(0.5)
    expect(staffed.data.capexUsd / staffed.data.unitsPerYear).toBeLessThan(
      plain.data.capexUsd / plain.data.unitsPerYear,
    )
  })
})

describe("firms", () => {
  it("given a profitable automation level above theirs, when firms step, then each closes its adoption rate of the gap", () => {
    const st = given()
    apply(st, when(st, "founding", 0), 0)
    const before = Float32Array.from(st.firmAuto)
    const [step] = only(when(st, "firms"), "FirmsStepped")
    step.data.target.fill(0.5)
    apply(st, [step])
    for (let i = 0; i < 20; i++) {
      if (st.firmScale[i] === st.sectorScale[st.firmSector[i]]) continue
      const expected = before[i * K] + st.firmRate[i] * (0.5 - before[i * K])
      expect(st.firmAuto[i * K]).toBeCloseTo(expected, 5)
    }
    // Sector automation is the scale-weighted mean of its firms'.
    let num = 0
    let den = 0
    for (let i = 0; i < st.p.nFirms; i++) {
      if (st.firmSector[i] !== 0) continue
      num += st.firmScale[i] * st.firmAuto[i * K]
      den += st.firmScale[i]
    }
    expect(st.sectorAuto[0]).toBeCloseTo(num / den, 5)
  })

  it("given a firm far below its sector's size, when firms step, then it fails and an entrant takes the sector's practice", () => {
    const st = given()
    apply(st, when(st, "founding", 0), 0)
    st.firmScale[3] = 1e-6
    const [step] = only(when(st, "firms"), "FirmsStepped")
    apply(st, [step])
    expect(st.x[X.firmFailuresTotal]).toBeGreaterThanOrEqual(1)
    expect(st.firmScale[3]).toBeGreaterThan(0.1)
  })
})

describe("labour markets and households", () => {
  it("given demand for an occupation collapses, when markets clear, then its wage falls only part way and the rest is unemployment", () => {
    const st = given()
    for (let s = 0; s < 4; s++) st.sectorAuto[s * K] = 0.6
    const wage0 = st.wage[0]
    const [first] = only(when(st, "markets"), "MarketsCleared")
    const full = st.labourForce[0] * (1 - config.values["labour.frictionalUnemployment"])
    expect(first.data.employed[0]).toBeLessThan(full * 0.99)
    apply(st, [first])
    const [second] = only(when(st, "markets", 2), "MarketsCleared")
    // The wage falls toward the clearing wage (what full employment would pay), but not all the way.
    const clearing = (first.data.wage[0] * first.data.employed[0]) / full
    expect(second.data.wage[0]).toBeLessThan(wage0)
    expect(second.data.wage[0]).toBeGreaterThan(clearing)
  })

  it("given excess unemployment, when labour decides, then workers retrain and join other occupations after the retraining time", () => {
    const st = given()
    st.employed[0] = st.labourForce[0] * 0.5
    const [move] = only(when(st, "labour"), "WorkersRetrained")
    expect(move.data.leaving[0]).toBeGreaterThan(0)
    expect(move.data.arriveTick).toBe(1 + config.values["labour.retrainMonths"])
    const total = st.labourForce.reduce((a, b) => a + b, 0)
    apply(st, [move])
    expect(st.x[X.retraining]).toBeCloseTo(move.data.leaving[0], 3)
    for (let t = 2; t <= move.data.arriveTick; t++) apply(st, [{ type: "MonthBegan", data: { year: 2024 } }], t)
    expect(st.x[X.retraining]).toBeCloseTo(0, 3)
    // People are conserved through retraining (growth aside, which applies to those in the labour force).
    expect(st.labourForce.reduce((a, b) => a + b, 0)).toBeGreaterThan(total * 0.99)
  })

  it("given a tax on AI and robot income, when markets clear, then it funds an equal basic income and households still receive all of GDP", () => {
    // A markup high enough that labs earn the full value of AI's tasks: the taxed AI income is then their revenue.
    const taxed = withValues(config, { "policy.aiIncomeTaxRate": 0.4, "ai.inferenceMarkup": 100 })
    const st = given(taxed)
    const [c] = only(when(st, "markets"), "MarketsCleared")
    const f = c.data.flows
    expect(f.tax).toBeCloseTo(0.4 * (f.aiRevenue + f.robotRevenue), 0)
    expect(f.ubiPerHead).toBeCloseTo(f.tax / st.x[X.population], 9)
    const income = f.labourIncomeHouseholds + f.capitalIncomeHouseholds + f.tax + f.electricity
    expect(income / f.gdp).toBeCloseTo(1, 12)
  })
})

describe("milestones and hazard", () => {
  it("given the AI share crosses the AGI threshold, when the watcher runs, then AgiReached is emitted once", () => {
    const st = given()
    st.flow[F.aiShare] = 0.12
    const events = only(when(st, "watch"), "AgiReached")
    expect(events).toHaveLength(1)
    apply(st, events, 40)
    expect(st.x[X.agiTick]).toBe(40)
    expect(only(when(st, "watch"), "AgiReached")).toHaveLength(0)
  })

  it("given an active hazard, when the draw falls under it, then the catastrophe ends the economy's activity", () => {
    const st = given(withValues(config, { "hazard.annualRate": 1, "hazard.fromAiShare": 0 }))
    let events: EconomyEvent[] = []
    for (let seed = 1; seed < 50 && events.length === 0; seed++)
      events = only(when(st, "watch", 1, seed), "CatastropheOccurred")
    expect(events).toHaveLength(1)
    apply(st, events)
    for (const s of economyModel.systems) expect(s.decide(st, { tick: 2, rng: Rng.fromSeed(1) })).toHaveLength(0)
  })
})

describe("pipeline bookkeeping", () => {
  // Every delay that parks something in a pipeline ring slot, with the ring it waits in.
  const orders: ReadonlyArray<
    readonly [path: string, order: (onlineTick: number) => EconomyEvent, ring: (st: EconomyState) => Float64Array]
  > = [
    ...FOUNDRIES.map(
      (foundry) =>
        [
          `foundries.${foundry}.fabLeadTimeMonths`,
          (t: number): EconomyEvent => ({
            type: "FoundryCapacityOrdered",
            data: {
              foundry,
              kind: "fab",
              unitsPerYear: 1e6,
              onlineTick: t,
              capexUsd: 0,
              demandUnitsPerYear: 0,
              limitedBy: "demand",
            },
          }),
          (st: EconomyState) => st.foundryFabPipe,
        ] as const,
    ),
    [
      "foundries.packagingLeadTimeMonths",
      (t) => ({
        type: "FoundryCapacityOrdered",
        data: {
          foundry: "tsmc",
          kind: "packaging",
          unitsPerYear: 1e6,
          onlineTick: t,
          capexUsd: 0,
          demandUnitsPerYear: 0,
          limitedBy: "demand",
        },
      }),
      (st) => st.foundryPackPipe,
    ],
    [
      "robots.factoryLeadTimeMonths",
      (t) => ({
        type: "RobotMakerExpanded",
        data: { maker: "japan", unitsPerYear: 1e6, onlineTick: t, capexUsd: 0, selfReplicationSaving: 0 },
      }),
      (st) => st.makerPipe,
    ],
    ...POWER_SOURCES.map(
      (source) =>
        [
          `energy.${source}.leadTimeMonths`,
          (t: number): EconomyEvent => ({
            type: "PowerOrdered",
            data: { source, gw: 1, onlineTick: t, costUsdPerMwh: 50, shortfallGw: 0 },
          }),
          (st: EconomyState) => st.powerPipe,
        ] as const,
    ),
    [
      "labour.retrainMonths",
      (t) => ({
        type: "WorkersRetrained",
        data: { leaving: new Float64Array(K).fill(1e6), toShare: new Float64Array(K).fill(1 / K), arriveTick: t },
      }),
      (st) => st.retrainPipe,
    ],
  ]
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0)
  const month = (t: number): EconomyEvent => ({ type: "MonthBegan", data: { year: yearAtTick(2024, t) } })

  it("covers every lead-time parameter of the registry", () => {
    // chips.fabLeadTimeMonths only spreads the capacity committed before the start (calibrate.ts).
    const delays = PARAMS.filter(
      (p) => /leadTimeMonths$|retrainMonths$/i.test(p.path) && p.path !== "chips.fabLeadTimeMonths",
    ).map((p) => p.path)
    // Extraction and space capacity are held and delivered by their own reducers (materials.test.ts).
    const own = [...MATERIALS.map((c) => `materials.${c}.leadTimeMonths`), "space.leadTimeMonths"]
    expect([...orders.map(([path]) => path), ...own].sort()).toEqual(delays.sort())
  })

  for (const [path, order, ring] of orders) {
    it(`holds an order for ${path} at the longest its bounds allow until it is due`, () => {
      const lead = Math.round(PARAM_BY_PATH.get(path)!.max)
      const st = given()
      for (const r of [st.foundryFabPipe, st.foundryPackPipe, st.makerPipe, st.powerPipe, st.retrainPipe]) r.fill(0)
      apply(st, [order(1 + lead)], 1)
      for (let t = 2; t <= lead; t++) apply(st, [month(t)], t)
      expect(sum(ring(st)), "still waiting the month before it is due").toBeGreaterThan(0)
      apply(st, [month(1 + lead)], 1 + lead)
      expect(sum(ring(st)), "delivered in the month it is due").toBe(0)
    })
  }
})
