import { Rng } from "@takeoff/core"
import { describe, expect, it } from "vitest"
import type { EconomyEvent } from "./events.js"
import { foundryYield } from "./mechanisms/foundries.js"
import { makerOffers } from "./mechanisms/robot-makers.js"
import { economyModel } from "./model.js"
import { loadScenario, withValues } from "./scenario.js"
import { economyKit } from "./kit.js"
import { computeMetrics } from "./metrics.js"
import { simulate } from "./simulate.js"
import { tickAtYear, yearAtTick } from "./time.js"
import { logitShares } from "./economy/suppliers.js"
import { FOUNDRY, MAKER, NFD, NMK } from "./economy/sets.js"
import { FL, ML, NFL, NML } from "./economy/state.js"
import { type EconomyState, F, initialEconomyState, RING, X } from "./state.js"

/** Given-when-then for the suppliers: a state, one supplier system's decision, its reducers' effect. */
const config = loadScenario("baseline", { set: [["firms.count", "100"]] })
const given = (c = config): EconomyState => initialEconomyState(c)
const system = (name: string) => economyModel.systems.find((s) => s.name === name)!
const when = (st: EconomyState, name: string, tick = 1): EconomyEvent[] => [
  ...system(name).decide(st, { tick, rng: Rng.fromSeed(1) }),
]
const apply = (st: EconomyState, events: ReadonlyArray<EconomyEvent>, tick = 1) => {
  for (const e of events) economyModel.evolve(st, e, tick)
  return st
}
const only = <T extends EconomyEvent["type"]>(events: EconomyEvent[], type: T) =>
  events.filter((e): e is Extract<EconomyEvent, { type: T }> => e.type === type)
const month = (t: number): EconomyEvent => ({ type: "MonthBegan", data: { year: yearAtTick(2024, t) } })
const tickOf = (year: number) => tickAtYear(2024, year)
const TSMC = FOUNDRY.tsmc
const SMIC = FOUNDRY.smic

describe("buyers' logit", () => {
  it("splits by weight x base^exponent over the suppliers with a positive weight, and gives none when nothing weighs", () => {
    const share = logitShares(new Float64Array([1, 1, 0, 2]), new Float64Array([1, 2, 1, 4]), -1)
    expect([...share]).toEqual([0.5, 0.25, 0, 0.25])
    expect([...logitShares(new Float64Array([0, 0]), new Float64Array([1, 1]), 2)]).toEqual([0, 0])
  })
})

describe("foundries", () => {
  it("given labs' budgets above supply, when foundries decide, then scarcity prices every foundry above its floor and each orders fab and packaging capacity", () => {
    const st = given()
    st.foundryFabPipe.fill(0)
    st.foundryPackPipe.fill(0)
    const sales = when(st, "foundries")
    const [sold] = only(sales, "FoundriesSold")
    for (const i of [TSMC, SMIC]) {
      const floor = sold.data.costUsdPerH100e[i] * (1 + config.values["chips.minMarkup"])
      expect(sold.data.priceUsdPerH100e[i]).toBeGreaterThan(floor)
    }
    apply(st, sales)
    const events = when(st, "foundry-capacity")
    const orders = only(events, "FoundryCapacityOrdered").filter((e) => e.data.foundry === "tsmc")
    expect(orders.map((o) => o.data.kind).sort()).toEqual(["fab", "packaging"])
    const fab = orders.find((o) => o.data.kind === "fab")!
    expect(fab.data.onlineTick).toBe(1 + config.values["foundries.tsmc.fabLeadTimeMonths"])
    expect(fab.data.limitedBy).toBe("growth")
    apply(st, events)
    const before = st.foundryFab[TSMC]
    for (let t = 2; t <= fab.data.onlineTick; t++) apply(st, [month(t)], t)
    expect(st.foundryFab[TSMC]).toBeCloseTo(before + fab.data.unitsPerYear, 3)
  })

  it("given scarcity month after month, when buyers move by price, then the foundries' prices converge", () => {
    const st = given()
    const gap = (d: { priceUsdPerH100e: Float64Array }) =>
      Math.abs(d.priceUsdPerH100e[SMIC] / d.priceUsdPerH100e[TSMC] - 1)
    const [first] = only(when(st, "foundries"), "FoundriesSold")
    let last = first
    for (let m = 0; m < 36; m++) {
      ;[last] = only(when(st, "foundries"), "FoundriesSold")
      apply(st, [last])
    }
    expect(gap(first.data)).toBeGreaterThan(0.1)
    expect(gap(last.data)).toBeLessThan(0.02)
  })

  it("given little money, when foundries decide, then each sells at its cost floor and the cheaper foundry gets more of the budget", () => {
    const st = given()
    st.labBudget.fill(1e6)
    const [sold] = only(when(st, "foundries"), "FoundriesSold")
    for (const i of [TSMC, SMIC]) {
      const floor = sold.data.costUsdPerH100e[i] * (1 + config.values["chips.minMarkup"])
      expect(sold.data.priceUsdPerH100e[i]).toBeCloseTo(floor, 6)
    }
    expect(sold.data.limitedBy).toBe("budget")
    // SMIC's cost index is 1.5 at half TSMC's yield: its floor is higher and buyers choose by price.
    expect(sold.data.priceUsdPerH100e[SMIC]).toBeGreaterThan(sold.data.priceUsdPerH100e[TSMC])
    const supplyShare = sold.data.availableUnits[SMIC] / sold.data.availableUnits.reduce((a, b) => a + b, 0)
    expect(sold.data.buyerShare[SMIC]).toBeLessThan(supplyShare)
  })

  it("given a foundry that has made more, when it learns, then its yield rises and its cost per H100e falls (only its own)", () => {
    const st = given()
    const [a] = only(when(st, "foundries"), "FoundriesSold")
    const y0 = foundryYield(st, SMIC)
    st.foundryCum[SMIC] = 1e8
    const [b] = only(when(st, "foundries"), "FoundriesSold")
    expect(foundryYield(st, SMIC)).toBeGreaterThan(y0)
    expect(b.data.costUsdPerH100e[SMIC]).toBeLessThan(a.data.costUsdPerH100e[SMIC])
    expect(b.data.costUsdPerH100e[TSMC]).toBe(a.data.costUsdPerH100e[TSMC])
  })

  it("given packaging below good wafer output, when foundries decide, then packaging bounds what the foundry sells", () => {
    const st = given()
    st.foundryPack[TSMC] = st.foundryFab[TSMC] * 0.3
    const [sold] = only(when(st, "foundries"), "FoundriesSold")
    expect(sold.data.packagingBound[TSMC]).toBe(1)
    expect(sold.data.availableUnits[TSMC] * 12).toBeCloseTo(st.foundryPack[TSMC], -2)
    expect(sold.data.limitedBy).toBe("packaging")
  })

  it("given a foundry with debts and no revenue, when it decides, then its balance sheet holds back its fab order", () => {
    const st = given()
    st.foundryFabPipe.fill(0)
    apply(st, when(st, "foundries"))
    st.foundryCash[SMIC] = -1e12
    const orders = only(when(st, "foundry-capacity"), "FoundryCapacityOrdered")
    expect(orders.filter((o) => o.data.foundry === "smic")).toHaveLength(0)
    expect(orders.some((o) => o.data.foundry === "tsmc")).toBe(true)
  })

  it("given the entrant's entry year, when foundries decide, then it enters with its capacity and sells", () => {
    const st = given()
    const tick = tickOf(config.values["foundries.intel.entryYear"])
    expect(st.foundryStatus[FOUNDRY.intel]).toBe(0)
    const events = when(st, "foundries", tick)
    const [entered] = only(events, "FoundryEntered")
    expect(entered.data).toEqual({ foundry: "intel", unitsPerYear: config.values["foundries.intel.entryUnitsPerYear"] })
    apply(st, [entered], tick)
    expect(st.foundryStatus[FOUNDRY.intel]).toBe(1)
    const [sold] = only(when(st, "foundries", tick + 1), "FoundriesSold")
    expect(sold.data.units[FOUNDRY.intel]).toBeGreaterThan(0)
  })

  it("given a foundry under the exit share for long enough, when it decides, then it exits and its capacity is retired", () => {
    const st = given()
    const months = config.values["foundries.exitMonths"]
    st.foundryWeak[FOUNDRY.samsung] = months
    const events = only(when(st, "foundries", months + 1), "FoundryExited")
    expect(events.map((e) => e.data.foundry)).toEqual(["samsung"])
    apply(st, events)
    expect(st.foundryFab[FOUNDRY.samsung]).toBe(0)
    const [sold] = only(when(st, "foundries", months + 2), "FoundriesSold")
    expect(sold.data.units[FOUNDRY.samsung]).toBe(0)
  })

  it("given an outage, when its year comes, then the foundry loses that share of output until it ends", () => {
    const c = withValues(config, { "foundries.tsmc.outageYear": 2025, "foundries.tsmc.outageShareLost": 0.5 })
    const st = given(c)
    const [before] = only(when(st, "foundries", 12), "FoundriesSold")
    const [outage] = only(when(st, "foundries", 12), "FoundryOutage")
    expect(outage.data).toEqual({ foundry: "tsmc", shareLost: 0.5, untilTick: 12 + 24 })
    apply(st, [outage], 12)
    const [during] = only(when(st, "foundries", 12), "FoundriesSold")
    expect(during.data.availableUnits[TSMC]).toBeCloseTo(before.data.availableUnits[TSMC] / 2, 3)
    const [end] = only(when(st, "foundries", 36), "FoundryOutage")
    expect(end.data.shareLost).toBe(0)
    // An outage of no length is none (not one that never ends).
    const none = given(withValues(c, { "foundries.tsmc.outageYears": 0 }))
    expect(only(when(none, "foundries", 12), "FoundryOutage")).toHaveLength(0)
  })
})

describe("robot makers", () => {
  const paying = (st: EconomyState) => {
    st.flow[F.robotPricePerWorkerYear] = 1e6
    st.flow[F.robotChipH100e] = 1e9
    return st
  }

  it("given robots that pay, when makers decide, then factories run full and each maker orders capacity on its own lead time", () => {
    const st = paying(given())
    const events = when(st, "robot-makers")
    const [sold] = only(events, "RobotMakersSold")
    expect(sold.data.units.reduce((a, b) => a + b, 0)).toBeCloseTo(st.x[X.robotCapacity] / 12, 6)
    const orders = only(events, "RobotMakerExpanded")
    expect(orders.map((o) => o.data.maker).sort()).toEqual(["china", "europe", "japan"])
    expect(orders[0].data.onlineTick).toBe(1 + config.values["robots.factoryLeadTimeMonths"])
  })

  it("given robots that do not pay, when makers decide, then few are bought and no maker expands", () => {
    const st = given()
    st.flow[F.robotPricePerWorkerYear] = 10
    const events = when(st, "robot-makers")
    expect(only(events, "RobotMakersSold")[0].data.wanted).toBeLessThan(st.x[X.robotCapacity] / 12 / 100)
    expect(only(events, "RobotMakerExpanded")).toHaveLength(0)
  })

  it("given one maker's output doubles, when it prices, then Wright's law cuts its cost by the learning rate and buyers shift to it", () => {
    const st = paying(given())
    const a = makerOffers(st, 1)
    st.makerCum[MAKER.china] *= 2
    const b = makerOffers(st, 1)
    expect(b.cost[MAKER.china] / a.cost[MAKER.china]).toBeCloseTo(1 - config.values["robots.learningRate"], 6)
    expect(b.cost[MAKER.japan]).toBe(a.cost[MAKER.japan])
    expect(b.share[MAKER.china]).toBeGreaterThan(a.share[MAKER.china])
  })

  it("given a breakthrough year, when the maker redesigns, then its cost halves, its capability steps up and its share of buyers rises", () => {
    const c = withValues(config, {
      "robotMakers.china.breakthroughYear": 2025,
      "robotMakers.china.breakthroughCostFactor": 0.5,
    })
    const st = paying(given(c))
    const before = makerOffers(st, 12)
    const [redesign] = only(when(st, "robot-makers", 12), "RobotMakerRedesigned").filter(
      (e) => e.data.maker === "china",
    )
    expect(redesign.data.costFactor).toBe(0.5)
    expect(redesign.data.capability).toBeCloseTo(c.values["robotMakers.china.redesignStep"], 9)
    apply(st, [redesign], 12)
    const after = makerOffers(st, 12)
    expect(after.cost[MAKER.china] / before.cost[MAKER.china]).toBeCloseTo(0.5, 6)
    expect(after.share[MAKER.china]).toBeGreaterThan(2 * before.share[MAKER.china])
  })

  it("given an entrant's year, when makers decide, then it enters; given a maker long under the exit share, it exits", () => {
    const st = paying(given())
    const tick = tickOf(config.values["robotMakers.unitree.entryYear"])
    const [entered] = only(when(st, "robot-makers", tick), "RobotMakerEntered")
    expect(entered.data.maker).toBe("unitree")
    apply(st, [entered], tick)
    expect(st.x[X.robotCapacity]).toBeCloseTo(
      config.values["robots.production2024"] + config.values["robotMakers.unitree.entryUnitsPerYear"],
      3,
    )
    const [sold] = only(when(st, "robot-makers", tick), "RobotMakersSold")
    expect(sold.data.units[MAKER.unitree]).toBeGreaterThan(0)
    const months = config.values["robotMakers.exitMonths"]
    st.makerWeak[MAKER.europe] = months
    const exits = only(when(st, "robot-makers", months + 1), "RobotMakerExited")
    expect(exits.map((e) => e.data.maker)).toEqual(["europe"])
    apply(st, exits)
    expect(st.makerCap[MAKER.europe]).toBe(0)
  })
})

describe("suppliers add up to the aggregate markets", () => {
  it("given the foundries' and makers' sales, when chips and robots decide, then the aggregate events are their sums", () => {
    const st = given()
    apply(st, when(st, "foundries"))
    const [chips] = only(when(st, "chips"), "ChipsSold")
    let lab = 0
    for (let i = 0; i < NFD; i++) lab += st.foundryLast[i * NFL + FL.labH100e]
    expect(chips.data.h100e).toBeCloseTo(lab, 6)
    apply(st, [chips])
    apply(st, when(st, "robot-makers"))
    const [robots] = only(when(st, "robots"), "RobotsBuilt")
    let units = 0
    for (let i = 0; i < NMK; i++) units += st.makerLast[i * NML + ML.units]
    expect(robots.data.units).toBeCloseTo(units, 9)
  })

  it("holds supplier orders in their rings until due", () => {
    const st = given()
    st.foundryFabPipe.fill(0)
    st.makerPipe.fill(0)
    const lead = RING - 1
    apply(st, [
      {
        type: "FoundryCapacityOrdered",
        data: {
          foundry: "smic",
          kind: "fab",
          unitsPerYear: 1e6,
          onlineTick: lead,
          capexUsd: 0,
          demandUnitsPerYear: 1e6,
          limitedBy: "demand",
        },
      },
      {
        type: "RobotMakerExpanded",
        data: { maker: "tesla", unitsPerYear: 1e6, onlineTick: lead, capexUsd: 0, selfReplicationSaving: 0 },
      },
    ])
    for (let t = 2; t < lead; t++) apply(st, [month(t)], t)
    expect(st.foundryFabPipe.reduce((a, b) => a + b, 0)).toBe(1e6)
    expect(st.makerPipe.reduce((a, b) => a + b, 0)).toBe(1e6)
    apply(st, [month(lead)], lead)
    expect(st.foundryFabPipe.reduce((a, b) => a + b, 0)).toBe(0)
    expect(st.makerCap[MAKER.tesla]).toBe(1e6)
  })
})

describe("supplier metrics", () => {
  it("given the kit, then each supplier's capacity, share and price is a metric drawn in one of its chart groups", () => {
    const groups = new Set(economyKit.groups.map((g) => g.id))
    for (const key of [
      "foundryCapacity.tsmc",
      "foundryShare.smic",
      "foundryPrice.intel",
      "makerShare.tesla",
      "makerPrice.unitree",
    ]) {
      const info = economyKit.metrics.find((m) => m.key === key)
      expect(info?.group, key).toBeDefined()
      expect(groups.has(info!.group!), key).toBe(true)
    }
  })

  it("given a month of sales, when metrics are computed, then the market shares of foundries and of makers each sum to one", () => {
    const st = given()
    for (const name of ["foundries", "chips", "robot-makers", "robots"]) apply(st, when(st, name))
    const m = computeMetrics(st)
    const sum = (prefix: string) => Object.entries(m).reduce((a, [k, v]) => (k.startsWith(prefix) ? a + v : a), 0)
    expect(sum("foundryShare.")).toBeCloseTo(1, 9)
    expect(sum("makerShare.")).toBeCloseTo(1, 9)
    expect(m["foundryCapacity.intel"]).toBe(0)
    expect(m["foundryPrice.tsmc"]).toBeGreaterThan(0)
  })
})

describe("supplier scenarios", () => {
  /** Units share of each foundry, averaged over a calendar year. */
  const foundryShares = (name: string, until: number) => {
    const c = loadScenario(name, { set: [["firms.count", "200"]] })
    const byYear = new Map<number, Float64Array>()
    simulate(c, {
      seed: 7,
      untilYear: until,
      onTick: (tick, _events, st) => {
        const y = 2024 + Math.floor(tick / 12)
        const s = byYear.get(y) ?? new Float64Array(NFD)
        for (let i = 0; i < NFD; i++) s[i] += st.foundryLast[i * NFL + FL.unitShare] / 12
        byYear.set(y, s)
      },
    })
    return byYear
  }

  it("given TSMC loses half its output in 2027-2028, then its share of units falls during the outage and the others gain", () => {
    const base = foundryShares("baseline", 2028)
    const out = foundryShares("foundry-outage", 2028)
    expect(out.get(2026)![TSMC]).toBeCloseTo(base.get(2026)![TSMC], 9)
    // Half of TSMC's output is lost, but the others start at a tenth of its size: 5+ points move.
    expect(out.get(2028)![TSMC]).toBeLessThan(base.get(2028)![TSMC] - 0.05)
    for (const f of [FOUNDRY.samsung, FOUNDRY.smic, FOUNDRY.intel])
      expect(out.get(2028)![f]).toBeGreaterThan(base.get(2028)![f])
  }, 120_000)
})
