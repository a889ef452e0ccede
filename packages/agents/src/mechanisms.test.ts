import { describe, expect, it } from "vitest"
import { computeMetrics } from "./metrics.js"
import { type EconomyConfig, loadScenario, withValues } from "./scenario.js"
import { simulate } from "./simulate.js"
import { initialEconomyState, X } from "./state.js"
import { dateToTick } from "./time.js"

const base = () => loadScenario("baseline", { set: [["firms.count", "200"]] })
const tickOf = (config: EconomyConfig, date: string | null) =>
  date === null ? Number.POSITIVE_INFINITY : dateToTick(config, date)

/** Metrics at a few dates of one run. */
const at = (config: EconomyConfig, dates: ReadonlyArray<string>, untilYear = 2060) => {
  const want = new Map(dates.map((d) => [dateToTick(config, d), d]))
  const out: Record<string, Record<string, number>> = {}
  const { outcome } = simulate(config, {
    seed: 4,
    untilYear,
    onTick: (tick, _e, st) => {
      const d = want.get(tick)
      if (d !== undefined) out[d] = computeMetrics(st, config)
    },
  })
  return { metrics: out, outcome }
}

describe("mechanisms behave as economists expect", () => {
  it("cheaper compute raises the AI share", () => {
    // Half the price per FLOP: Blackwell and Rubin deliver twice the H100e at the same chip price.
    // (Cutting only the fabs' unit cost would not do it: with fab capacity scarce, price is set by
    // budgets, and a lower cost only widens the margin.)
    const config = base()
    const cheap = withValues(config, { "chips.b200.h100e": 5.06, "chips.rubin.h100e": 12.6 })
    const a = at(config, ["2028-12", "2030-12"]).metrics
    const b = at(cheap, ["2028-12", "2030-12"]).metrics
    expect(b["2028-12"].chipPricePerH100eUsd).toBeLessThan(a["2028-12"].chipPricePerH100eUsd)
    expect(b["2028-12"].installedH100e).toBeGreaterThan(a["2028-12"].installedH100e)
    expect(b["2028-12"].aiShare).toBeGreaterThan(a["2028-12"].aiShare * 1.05)
    expect(b["2030-12"].aiShare).toBeGreaterThan(a["2030-12"].aiShare * 1.05)
  })

  it("an energy cap delays AGI", () => {
    const config = base()
    const capped = withValues(config, {
      "energy.grid.maxAddGwPerYear": 2,
      "energy.gas.maxAddGwPerYear": 1,
      "energy.solar.maxAddGwPerYear": 2,
    })
    const a = simulate(config, { seed: 4, untilYear: 2050 }).outcome
    const b = simulate(capped, { seed: 4, untilYear: 2050 }).outcome
    expect(tickOf(config, b.milestones.agi)).toBeGreaterThan(tickOf(config, a.milestones.agi))
  })

  it("a faster chip ramp brings the milestones earlier (when power keeps up)", () => {
    // In the baseline, power binds by the late 2020s; with ample power, chips are the constraint.
    const config = withValues(base(), {
      "energy.grid.maxAddGwPerYear": 1000,
      "energy.gas.maxAddGwPerYear": 1000,
      "energy.solar.maxAddGwPerYear": 1000,
    })
    const fast = withValues(config, { "chips.committedGrowthPerYear": 2.5, "chips.maxCapacityGrowthPerYear": 2.5 })
    const a = simulate(config, { seed: 4, untilYear: 2060 }).outcome
    const b = simulate(fast, { seed: 4, untilYear: 2060 }).outcome
    expect(tickOf(config, b.milestones.agi)).toBeLessThan(tickOf(config, a.milestones.agi))
    expect(tickOf(config, b.milestones.asi)).toBeLessThan(tickOf(config, a.milestones.asi))
  })

  it("wages of an automated occupation fall once machines are cheaper than its workers", () => {
    const config = base()
    // Robots as cheap as the seeds claim: routine manual work is automated sooner.
    const cheapRobots = withValues(config, { "robots.unitCost2024Usd": 8000, "robots.floorCostUsd": 2000 })
    const a = at(config, ["2030-12"]).metrics["2030-12"]
    const b = at(cheapRobots, ["2030-12"]).metrics["2030-12"]
    expect(b["wage.manualRoutine"]).toBeLessThan(a["wage.manualRoutine"])
    // ...relative to an occupation robots do not yet do.
    expect(b["wage.manualRoutine"] / b["wage.cognitiveExpert"]).toBeLessThan(
      a["wage.manualRoutine"] / a["wage.cognitiveExpert"],
    )
  })

  it("a binding fixed factor caps growth", () => {
    const config = base()
    const binding = withValues(config, {
      "macro.fixedFactorElasticity": 0.3,
      "macro.fixedFactorGrowthPerYear": 0,
      "space.launchCost2024UsdPerKg": 1e6,
    })
    const a = at(config, ["2035-12", "2059-12"]).metrics
    const { metrics: b } = at(binding, ["2035-12", "2059-12"])
    expect(b["2059-12"].gdpUsd).toBeLessThan(a["2059-12"].gdpUsd)
    // CES with a fixed input: output cannot exceed phi^(eps/(eps-1)) x F (F = GDP at the start).
    const phi = config.values["macro.fixedFactorShare2024"]
    const r = (0.3 - 1) / 0.3
    const fixed0 = initialEconomyState(binding).x[X.fixedFactor]
    const cap = phi ** (1 / r) * fixed0
    expect(b["2059-12"].gdpUsd).toBeLessThan(cap)
    expect(b["2059-12"].gdpGrowth).toBeLessThan(0.02)
  })

  it("a basic income funded by taxing AI and robot income raises what workers receive once machines do the work", () => {
    const plain = at(base(), ["2040-12"], 2040).metrics["2040-12"]
    const ubi = at(loadScenario("basic-income", { set: [["firms.count", "200"]] }), ["2040-12"], 2040).metrics[
      "2040-12"
    ]
    expect(ubi.ubiPerHeadUsd).toBeGreaterThan(0)
    expect(ubi.workerIncomeUsd).toBeGreaterThan(plain.workerIncomeUsd * 1.2)
    expect(ubi.householdCapitalIncomeShare).toBeLessThan(plain.householdCapitalIncomeShare)
    // Production moves because the deciles' spending moves the sectors' value shares...
    expect(Math.abs(ubi.gdpUsd / plain.gdpUsd - 1)).toBeGreaterThan(1e-6)
    // ...and only because of that: with fixed value shares the transfer changes who gets income, not output.
    const fixed: ReadonlyArray<readonly [string, string]> = [
      ["firms.count", "200"],
      ["demand.feedback", "0"],
    ]
    const plainFixed = at(loadScenario("baseline", { set: fixed }), ["2040-12"], 2040).metrics["2040-12"]
    const ubiFixed = at(loadScenario("basic-income", { set: fixed }), ["2040-12"], 2040).metrics["2040-12"]
    expect(Math.abs(ubiFixed.gdpUsd / plainFixed.gdpUsd - 1)).toBeLessThan(1e-9)
  })

  it("a chip generation's launch does not make labs buy a burst of chips", () => {
    // Labs size purchases by the power per H100e of the fabs' output. When that was the newest
    // generation's alone (a sliver of output in its launch month), every launch bought a burst of
    // chips that then sat dark: chips made jumped ~50% for one month, then fell back.
    const config = base()
    const launches = initialEconomyState(config)
      .p.gens.map((g) => g.startTick)
      .filter((t) => t > 0 && t < dateToTick(config, "2040-12"))
    expect(launches.length).toBeGreaterThanOrEqual(3)
    const made: number[] = []
    simulate(config, {
      seed: 4,
      untilYear: 2040,
      onTick: (_t, _e, st) => void made.push(computeMetrics(st, config).chipsMadePerYear),
    })
    for (const t of launches) {
      expect(made[t] / made[t - 1], `chips made at the launch at tick ${t}`).toBeLessThan(1.1)
      expect(made[t + 1] / made[t], `chips made the month after the launch at tick ${t}`).toBeGreaterThan(0.9)
    }
  })
})
