import { describe, expect, it } from "vitest"
import { decileShares } from "./mechanisms/households.js"
import { computeMetrics } from "./metrics.js"
import { loadScenario } from "./scenario.js"
import { simulate } from "./simulate.js"
import { SECTOR } from "./economy/sets.js"
import { DECILES, F, HH, NHH } from "./economy/state.js"

const close = (a: number, b: number, rel = 1e-9) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b) + 1e-6)

describe("households by income decile", () => {
  it("decile shares add up to the whole and respect the group totals", () => {
    const s = decileShares(0.02, 0.76, 1.3)
    close(
      s.reduce((a, b) => a + b, 0),
      1,
    )
    close(s[0] + s[1] + s[2] + s[3] + s[4], 0.02)
    close(s[9], 0.76)
    for (let d = 1; d < 9; d++) if (d !== 5) close(s[d] / s[d - 1], 1.3)
  })

  for (const name of ["baseline", "basic-income", "aggregate-ramsey"]) {
    it(`${name}: every month, GDP = sum of the deciles' incomes = their consumption + saving = C + I`, () => {
      const config = loadScenario(name, { set: [["firms.count", "300"]] })
      let months = 0
      simulate(config, {
        seed: 5,
        untilYear: 2060,
        onTick: (_tick, _events, st) => {
          let income = 0
          let consumption = 0
          let saving = 0
          let transfers = 0
          let wealth = 0
          for (let d = 0; d < DECILES; d++) {
            const o = d * NHH
            const y = st.hhFlow[o + HH.labour] + st.hhFlow[o + HH.capital] + st.hhFlow[o + HH.transfer]
            // Each decile spends its income: what it does not consume it saves.
            close(st.hhFlow[o + HH.consumption] + st.hhFlow[o + HH.saving], y)
            expect(st.hhWealthShare[d]).toBeGreaterThanOrEqual(0)
            income += y
            consumption += st.hhFlow[o + HH.consumption]
            saving += st.hhFlow[o + HH.saving]
            transfers += st.hhFlow[o + HH.transfer]
            wealth += st.hhWealthShare[d]
          }
          close(income, st.flow[F.gdp])
          close(consumption, st.flow[F.consumption])
          close(saving, st.flow[F.investment])
          close(transfers, st.flow[F.tax])
          close(wealth, 1)
          months++
        },
      })
      expect(months).toBe((2060 - 2024 + 1) * 12)
    })
  }

  it("starts at the World Inequality Report's shares: top decile 52% and bottom half 8.5% of income", () => {
    const config = loadScenario("baseline", { set: [["firms.count", "300"]] })
    let m: Record<string, number> = {}
    simulate(config, {
      seed: 5,
      untilYear: 2024,
      onTick: (tick, _e, st) => void (tick === 0 && (m = computeMetrics(st))),
    })
    let total = 0
    for (let d = 1; d <= DECILES; d++) total += m[`income.d${d}`]
    const bottomHalf = m["income.d1"] + m["income.d2"] + m["income.d3"] + m["income.d4"] + m["income.d5"]
    expect(Math.abs(m["income.d10"] / total - 0.52)).toBeLessThan(0.01)
    expect(Math.abs(bottomHalf / total - 0.085)).toBeLessThan(0.005)
    // Deciles are ordered by income at the start, and the Gini is the global one's order of magnitude (WIR: ~0.67).
    for (let d = 2; d <= DECILES; d++) expect(m[`income.d${d}`]).toBeGreaterThan(m[`income.d${d - 1}`])
    expect(m.giniIncome).toBeGreaterThan(0.55)
    expect(m.giniIncome).toBeLessThan(0.7)
  })
})

describe("demand feeds back", () => {
  /** Metrics and sector outputs in December of some years of one run (seed 5, 300 firms). */
  const run = (name: string, years: ReadonlyArray<number>) => {
    const config = loadScenario(name, { set: [["firms.count", "300"]] })
    const out = new Map<number, { m: Record<string, number>; sectorY: Float64Array; shares: Float64Array }>()
    simulate(config, {
      seed: 5,
      untilYear: Math.max(...years),
      onTick: (tick, _e, st) => {
        const year = 2024 + Math.floor(tick / 12)
        if (tick % 12 === 11 && years.includes(year))
          out.set(year, {
            m: computeMetrics(st),
            sectorY: Float64Array.from(st.sectorY),
            shares: Float64Array.from(st.sectorValueShare),
          })
      },
    })
    return out
  }

  it("a basic income raises the poorest decile's consumption and moves production toward basic goods", () => {
    const base = run("baseline", [2030, 2033])
    const ubi = run("basic-income", [2030, 2033])
    for (const year of [2030, 2033]) {
      const a = base.get(year)!
      const b = ubi.get(year)!
      expect(b.m["consumption.d1"]).toBeGreaterThan(a.m["consumption.d1"] * 1.2)
      // Industry and agriculture (the basket) make more, relative to the economy, than without it.
      for (const s of [SECTOR.industry, SECTOR.agriculture]) {
        expect(b.shares[s]).toBeGreaterThan(a.shares[s] * 1.005)
        expect(b.sectorY[s] / b.m.gdpUsd).toBeGreaterThan((a.sectorY[s] / a.m.gdpUsd) * 1.005)
      }
    }
  })

  it("Engel's law: as incomes rise, basic goods take a falling share of output", () => {
    const base = run("baseline", [2024, 2040])
    const goods = (y: number) => base.get(y)!.shares[SECTOR.industry] + base.get(y)!.shares[SECTOR.agriculture]
    expect(goods(2024)).toBeCloseTo(0.32, 2)
    expect(goods(2040)).toBeLessThan(0.25)
  })

  it("the demand trap: owners who save more as returns rise starve the services people work in", () => {
    const base = run("baseline", [2040])
    const trap = run("demand-trap", [2040])
    const a = base.get(2040)!
    const b = trap.get(2040)!
    expect(b.m.consumptionUsd / b.m.gdpUsd).toBeLessThan((a.m.consumptionUsd / a.m.gdpUsd) * 0.5)
    expect(b.shares[SECTOR.services]).toBeLessThan(a.shares[SECTOR.services] * 0.5)
    expect(b.m.unemploymentRate).toBeGreaterThan(a.m.unemploymentRate)
  })
})
