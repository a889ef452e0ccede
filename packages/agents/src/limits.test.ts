import { verify } from "@takeoff/core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { invariantViolation } from "./economy/invariants.js"
import { economyModel } from "./model.js"
import { PARAMS } from "./params.js"
import { type EconomyConfig, loadScenario, withValues } from "./scenario.js"
import { simulate } from "./simulate.js"

/**
 * The model at its limits (docs/model.md, "Limits and invariants"): full automation, no labour,
 * no fixed factor, no robots and random parameter draws run to the end with every invariant
 * holding every tick, and their logs verify.
 */

const base = loadScenario("baseline", { set: [["firms.count", "40"]] })
const OCCUPATIONS = ["cognitiveRoutine", "cognitiveExpert", "manualRoutine", "manualDexterous"]
const fullAutomation = Object.fromEntries(OCCUPATIONS.map((o) => [`occupations.${o}.automatedShare2024`, 1]))

/** Runs a config to 2060, checking the invariants after every tick; returns the log. */
const runChecked = (config: EconomyConfig, untilYear = 2060): string => {
  const { text, outcome } = simulate(config, {
    seed: 5,
    untilYear,
    log: true,
    onTick: (tick, _events, st) => {
      const broken = invariantViolation(st)
      if (broken !== null) throw new Error(`tick ${tick}: ${broken}`)
    },
  })
  if (outcome.catastrophe === null) expect(outcome.lastDate).toBe(`${untilYear}-12`)
  return text
}

const LIMITS: ReadonlyArray<readonly [string, Readonly<Record<string, number>>]> = [
  ["full automation from the start", fullAutomation],
  ["no labour force", { "labour.forceB": 0 }],
  ["no fixed factor", { "macro.fixedFactorShare2024": 0 }],
  [
    "no robots, chips or power at the start",
    { "robots.stock2024": 0, "robots.production2024": 0, "chips.initialStockH100e": 0, "energy.aiCapacityGw2024": 0 },
  ],
  [
    "no materials output and no resource to extract",
    Object.fromEntries(
      ["steel", "cement", "aluminium", "copper"].flatMap((c) => [
        [`materials.${c}.production2024Mt`, 0],
        [`materials.${c}.resourceGt`, 0],
      ]),
    ),
  ],
  [
    "full automation, no labour and no fixed factor",
    { ...fullAutomation, "labour.forceB": 0, "macro.fixedFactorShare2024": 0 },
  ],
]

describe("limits", () => {
  for (const [name, values] of LIMITS) {
    it(`${name}: runs to 2060 with finite, non-negative state and a log that verifies`, () => {
      const text = runChecked(withValues(base, values))
      const v = verify(economyModel, text)
      expect(v.ok, JSON.stringify(v)).toBe(true)
    })
  }

  it("random parameter draws (each at 1/100x to 100x its value, within bounds) keep every invariant", () => {
    const tunable = PARAMS.filter((p) => !p.integer && base.values[p.path] > 0)
    const draw = fc.record({
      picks: fc.uniqueArray(fc.integer({ min: 0, max: tunable.length - 1 }), { minLength: 1, maxLength: 12 }),
      log10: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 }),
    })
    fc.assert(
      fc.property(draw, ({ picks, log10 }) => {
        const values: Record<string, number> = {}
        picks.forEach((i, j) => {
          const p = tunable[i]
          values[p.path] = Math.min(p.max, Math.max(p.min, base.values[p.path] * 10 ** log10[j]))
        })
        let config: EconomyConfig
        try {
          config = withValues(base, values)
        } catch {
          return // a draw the scenario rules refuse (e.g. generations out of order) is not a model state
        }
        runChecked(config, 2050)
      }),
      { numRuns: 12, seed: 42 },
    )
  })
})
