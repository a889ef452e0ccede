import { Column, defineEvent, type EventOf, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { DRIVER, NDRIVER, sectorTarget, writeDrivers } from "../economy/automation.js"
import { machineCosts } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { basketCostUsd, leastIncomeWithoutWork, poorestDecile } from "../economy/household-readings.js"
import { param } from "../economy/param.js"
import { K, S, SECTORS } from "../economy/sets.js"
import { type EconomyState, F, isOver, X } from "../economy/state.js"

/**
 * Milestones and the watchers (docs/model.md, "Metrics and milestones"). Each month:
 *   AGI when the AI share of GDP reaches milestones.agiAiShare; ASI at milestones.asiAiShare
 *   post-scarcity (defined on people) when every decile, the poorest included, could buy the basic
 *     basket (basket x goods price) from its income without wages (capital income and transfers)
 *     for milestones.sustainMonths months in a row (the streak is kept by `households.ts`)
 *   catastrophe with probability 1 - (1 - annual rate)^(1/12) a month once the AI share passes hazard.fromAiShare
 * A sector's contribution to the AI share, beta_s x AI share of s, is logged when it has moved by
 * SHIFT_STEP since its last shift, with the move attributed to its drivers (capability, chip cost,
 * power, robot cost, wages, adoption) and the driver levels it was measured against.
 */

/** A sector's AI-share contribution must move this much (share of world GDP) to log a shift. */
const SHIFT_STEP = 0.0025

export const params = [
  param("milestones.agiAiShare", "fraction", 0, 1, "AGI threshold", "AI share of GDP at which AgiReached is emitted."),
  param("milestones.asiAiShare", "fraction", 0, 1, "ASI threshold", "AI share of GDP at which AsiReached is emitted."),
  param(
    "milestones.sustainMonths",
    "months",
    1,
    240,
    "Post-scarcity duration",
    "Post-scarcity: months in a row every decile's income without work must cover the basic basket.",
    true,
  ),
  param(
    "milestones.basicBasketUsdPerYear",
    "USD/yr",
    1,
    1e6,
    "Basic basket",
    "Yearly cost of a basic basket of goods per person at 2024 prices.",
  ),
  param(
    "hazard.annualRate",
    "1/yr",
    0,
    1,
    "Catastrophe hazard",
    "Yearly probability of catastrophe once the hazard is active.",
  ),
  param("hazard.fromAiShare", "fraction", 0, 1, "Hazard onset", "AI share of GDP from which the hazard is active."),
]

const N = Schema.Number

/**
 * A sector's contribution to the AI share moved; \`drivers\` attributes the move. v2 records the
 * driver levels of the moment (\`driversNow\`: frontier in log10 FLOP, machine cost parts in USD
 * per worker-year, wages in USD/yr by occupation), the reference the next shift is measured from.
 */
export const SectorAutomationShifted = defineEvent(
  "SectorAutomationShifted",
  2,
  Schema.Struct({
    sector: Schema.Literals(SECTORS),
    aiShareOfSector: N,
    contributionBefore: N,
    contributionAfter: N,
    delta: N,
    drivers: Schema.Struct({ capability: N, chipCost: N, power: N, robotCost: N, wages: N, adoption: N }),
    driversNow: Schema.Struct({
      frontierLog10: N,
      aiChip: N,
      aiPower: N,
      robotCapital: N,
      robotPower: N,
      wage: sized(Column.f64, K),
    }),
  }),
)

const Milestone = Schema.Struct({ aiShare: N, threshold: N, gdpUsd: N, frontierLog10: N })
export const AgiReached = defineEvent("AgiReached", 1, Milestone)
export const AsiReached = defineEvent("AsiReached", 1, Milestone)
/**
 * Every decile could buy the basic basket without working for `sustainedMonths`. v2 records the
 * people: the poorest decile's income by source against the basket's cost (v1 recorded the basket
 * against GDP per head and labour's share of goods; its logs read with the people fields at 0).
 */
export const PostScarcityReached = defineEvent(
  "PostScarcityReached",
  2,
  Schema.Struct({
    poorestDecile: Schema.Int,
    incomePerHeadUsd: N,
    labourPerHeadUsd: N,
    transferPerHeadUsd: N,
    nonLabourPerHeadUsd: N,
    leastNonLabourPerHeadUsd: N,
    basketCostUsd: N,
    sustainedMonths: N,
    aiShare: N,
    basketShareOfIncome: N,
  }),
  {
    1: (data) => {
      const d = data as { basketShareOfIncome: number; aiShare: number }
      return {
        poorestDecile: 1,
        incomePerHeadUsd: 0,
        labourPerHeadUsd: 0,
        transferPerHeadUsd: 0,
        nonLabourPerHeadUsd: 0,
        leastNonLabourPerHeadUsd: 0,
        basketCostUsd: 0,
        sustainedMonths: 0,
        aiShare: d.aiShare,
        basketShareOfIncome: d.basketShareOfIncome,
      }
    },
  },
)
export const CatastropheOccurred = defineEvent(
  "CatastropheOccurred",
  1,
  Schema.Struct({ draw: N, hazardPerMonth: N, aiShare: N }),
)

export const events = [
  SectorAutomationShifted,
  AgiReached,
  AsiReached,
  PostScarcityReached,
  CatastropheOccurred,
] as const

/** What the basic basket costs as a share of GDP per head (transfers are inside GDP). */
export const basketShareOf = (st: EconomyState): number => {
  const perHead = st.flow[F.gdp] / st.x[X.population]
  return (st.p.v["milestones.basicBasketUsdPerYear"] * st.flow[F.goodsPrice]) / perHead
}

/** Watchers: automation shifts with their drivers, milestones and the catastrophe hazard. */
/**
 * The watch's driver levels of the month and attribute's one-driver-moved copy: rewritten before
 * every read, never re-entered, so reused rather than allocated each month.
 */
const driverScratch = { now: new Float64Array(NDRIVER), moved: new Float64Array(NDRIVER) }

export const systems: Systems<typeof events> = [
  {
    name: "watch",
    decide: (st, { tick, rng }) => {
      if (isOver(st)) return []
      const { p, x, flow } = st
      const v = p.v
      const out: EventOf<typeof events>[] = []
      const c = machineCosts(st, tick)
      const now = driverScratch.now
      writeDrivers(st, c, now, 0)
      // Built for the month's first shift only (most months have none); its shifts share it.
      let driversNow: (typeof SectorAutomationShifted)["schema"]["Type"]["driversNow"] | undefined
      for (let s = 0; s < S; s++) {
        if (p.beta[s] <= 0) continue
        const after = st.sectorValueShare[s] * st.sectorAiShare[s]
        const before = st.shiftRef[s]
        const delta = after - before
        if (Math.abs(delta) < SHIFT_STEP) continue
        out.push(
          SectorAutomationShifted.make({
            sector: SECTORS[s],
            aiShareOfSector: st.sectorAiShare[s],
            contributionBefore: before,
            contributionAfter: after,
            delta,
            drivers: attribute(st, s, now, delta),
            driversNow: (driversNow ??= {
              frontierLog10: now[DRIVER.frontierLog10],
              aiChip: now[DRIVER.aiChip],
              aiPower: now[DRIVER.aiPower],
              robotCapital: now[DRIVER.robotCapital],
              robotPower: now[DRIVER.robotPower],
              wage: now.slice(DRIVER.wage),
            }),
          }),
        )
      }
      const aiShare = flow[F.aiShare]
      const milestone = { aiShare, gdpUsd: flow[F.gdp], frontierLog10: x[X.frontierLog10] }
      if (x[X.agiTick] < 0 && aiShare >= v["milestones.agiAiShare"])
        out.push(AgiReached.make({ ...milestone, threshold: v["milestones.agiAiShare"] }))
      if (x[X.asiTick] < 0 && aiShare >= v["milestones.asiAiShare"])
        out.push(AsiReached.make({ ...milestone, threshold: v["milestones.asiAiShare"] }))
      if (x[X.postScarcityTick] < 0 && x[X.basketStreak] >= v["milestones.sustainMonths"]) {
        const poorest = poorestDecile(st)
        out.push(
          PostScarcityReached.make({
            poorestDecile: poorest.decile,
            incomePerHeadUsd: poorest.incomePerHeadUsd,
            labourPerHeadUsd: poorest.labourPerHeadUsd,
            transferPerHeadUsd: poorest.transferPerHeadUsd,
            nonLabourPerHeadUsd: poorest.nonLabourPerHeadUsd,
            leastNonLabourPerHeadUsd: leastIncomeWithoutWork(st),
            basketCostUsd: basketCostUsd(st),
            sustainedMonths: x[X.basketStreak],
            aiShare,
            basketShareOfIncome: basketShareOf(st),
          }),
        )
      }
      const rate = v["hazard.annualRate"]
      if (rate > 0 && aiShare >= v["hazard.fromAiShare"]) {
        const hazardPerMonth = 1 - (1 - rate) ** (1 / 12)
        const draw = rng.float()
        if (draw < hazardPerMonth) out.push(CatastropheOccurred.make({ draw, hazardPerMonth, aiShare }))
      }
      return out
    },
  },
]

/**
 * Attributes a sector's AI-share move to its drivers: each driver alone is moved from its value at
 * the sector's last shift to now and the change in the sector's automation target is recorded;
 * the move is split in proportion. With no target change, it is adoption catching up.
 */
const attribute = (st: EconomyState, s: number, now: Float64Array, delta: number) => {
  const p = st.p
  const ref = st.driverRef.subarray(s * NDRIVER, (s + 1) * NDRIVER)
  const base = sectorTarget(p, s, ref)
  const tmp = driverScratch.moved
  const effect = (idx: ReadonlyArray<number>): number => {
    tmp.set(ref)
    for (const i of idx) tmp[i] = now[i]
    return sectorTarget(p, s, tmp) - base
  }
  const wageIdx = Array.from({ length: K }, (_, k) => DRIVER.wage + k)
  const e = {
    capability: effect([DRIVER.frontierLog10]),
    chipCost: effect([DRIVER.aiChip]),
    power: effect([DRIVER.aiPower, DRIVER.robotPower]),
    robotCost: effect([DRIVER.robotCapital]),
    wages: effect(wageIdx),
  }
  const total =
    Math.abs(e.capability) + Math.abs(e.chipCost) + Math.abs(e.power) + Math.abs(e.robotCost) + Math.abs(e.wages)
  if (total < 1e-9) return { capability: 0, chipCost: 0, power: 0, robotCost: 0, wages: 0, adoption: delta }
  const k = delta / total
  return {
    capability: Math.abs(e.capability) * k,
    chipCost: Math.abs(e.chipCost) * k,
    power: Math.abs(e.power) * k,
    robotCost: Math.abs(e.robotCost) * k,
    wages: Math.abs(e.wages) * k,
    adoption: 0,
  }
}

export const reducers: Reducers<typeof events> = {
  SectorAutomationShifted: (st, d) => {
    const s = SECTORS.indexOf(d.sector)
    st.shiftRef[s] = d.contributionAfter
    const ref = s * NDRIVER
    const now = d.driversNow
    st.driverRef[ref + DRIVER.frontierLog10] = now.frontierLog10
    st.driverRef[ref + DRIVER.aiChip] = now.aiChip
    st.driverRef[ref + DRIVER.aiPower] = now.aiPower
    st.driverRef[ref + DRIVER.robotCapital] = now.robotCapital
    st.driverRef[ref + DRIVER.robotPower] = now.robotPower
    for (let k = 0; k < K; k++) st.driverRef[ref + DRIVER.wage + k] = now.wage[k]
  },
  AgiReached: (st, _d, tick) => {
    st.x[X.agiTick] = tick
  },
  AsiReached: (st, _d, tick) => {
    st.x[X.asiTick] = tick
  },
  PostScarcityReached: (st, _d, tick) => {
    st.x[X.postScarcityTick] = tick
  },
  CatastropheOccurred: (st, _d, tick) => {
    st.x[X.catastropheTick] = tick
  },
}
