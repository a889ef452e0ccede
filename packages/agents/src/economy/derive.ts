import type { ParamPath } from "../params.js"
import type { EconomyConfig } from "../scenario/config.js"
import { deriveGenerations, type Generation } from "./generations.js"
import { startYearOf } from "../time.js"
import { FOUNDRIES, K, OCCUPATION_KIND, OCCUPATIONS, POWER_SOURCES, ROBOT_MAKERS, S, SECTORS } from "./sets.js"

/** The per-foundry parameters the monthly systems read (`foundries.<foundry>.<field>`). */
const FOUNDRY_FIELDS = [
  "share2024",
  "yield2024",
  "entryYear",
  "entryUnitsPerYear",
  "costIndex",
  "outageShareLost",
  "outageYear",
  "outageYears",
  "fabLeadTimeMonths",
] as const
/** The per-maker parameters the monthly systems read (`robotMakers.<maker>.<field>`). */
const MAKER_FIELDS = [
  "share2024",
  "entryYear",
  "entryUnitsPerYear",
  "costIndex",
  "redesignYears",
  "redesignStep",
  "breakthroughYear",
  "breakthroughCostFactor",
] as const
/** The per-source parameters the monthly systems read (`energy.<source>.<field>`). */
const POWER_FIELDS = ["maxAddGwPerYear", "leadTimeMonths"] as const

/** Field -> its value per name (in the names' order), each `<group>.<name>.<field>` looked up once. */
const byName = <F extends string>(
  v: Readonly<Record<ParamPath, number>>,
  group: string,
  names: ReadonlyArray<string>,
  fields: ReadonlyArray<F>,
): Readonly<Record<F, Float64Array>> =>
  Object.fromEntries(
    fields.map((f) => [f, new Float64Array(names.map((n) => v[`${group}.${n}.${f}` as ParamPath]))]),
  ) as Record<F, Float64Array>

/** Config values resolved into the typed form the systems and reducers use. */
export interface Derived {
  /** Registry values by path: a misspelt path does not compile. */
  readonly v: Readonly<Record<ParamPath, number>>
  readonly nFirms: number
  readonly nLabs: number
  readonly beta: Float64Array
  /** Task weights per sector (rows sum to 1). */
  readonly omega: Float64Array
  readonly physical: Uint8Array
  readonly gens: ReadonlyArray<Generation>
  readonly alpha: number
  readonly phi: number
  /** (eps - 1) / eps of the fixed-factor nest. */
  readonly rFixed: number
  /** (sigma - 1) / sigma of the task nest. */
  readonly rhoTask: number
  readonly sigmaTask: number
  readonly y0: number
  readonly firmsPerSector: Int32Array
  /**
   * Per occupation: the capability threshold plus the common requirement shift (log10 FLOP), and
   * the logistic spread times the FLOP-gap scale (`economy/automation.ts`). Resolved once: looking
   * up a parameter by a path built at run time costs more than the logistic it feeds.
   */
  readonly automatableThreshold: Float64Array
  readonly automatableSpread: Float64Array
  /** Per power source, its cost (USD/MWh, `economy/costs.ts`). */
  readonly powerCostUsdPerMwh: Float64Array
  /**
   * Per power source, foundry and robot maker (in POWER_SOURCES, FOUNDRIES and ROBOT_MAKERS order),
   * the parameters read every month, resolved once for the same reason as `automatableThreshold`.
   */
  readonly powerSource: Readonly<Record<(typeof POWER_FIELDS)[number], Float64Array>>
  readonly foundry: Readonly<Record<(typeof FOUNDRY_FIELDS)[number], Float64Array>>
  readonly maker: Readonly<Record<(typeof MAKER_FIELDS)[number], Float64Array>>
  /** Fractional calendar year of tick 0. */
  readonly startYear: number
}

/**
 * Resolves a validated config: sector shares and task weights as arrays, chip generations, the
 * production function's exponents and the January level of output.
 *
 * @example
 * derive(loadScenario("baseline")).gens.length // 3 named generations + later steps
 */
export const derive = (config: EconomyConfig): Derived => {
  const v = config.values as Readonly<Record<ParamPath, number>>
  const startYear = startYearOf(config)
  const beta = new Float64Array(SECTORS.map((s) => v[`sectors.${s}.valueShare`]))
  const omega = new Float64Array(S * K)
  for (let s = 0; s < S; s++) {
    let sum = 0
    for (let k = 0; k < K; k++) sum += v[`sectors.${SECTORS[s]}.taskMix.${OCCUPATIONS[k]}`]
    for (let k = 0; k < K; k++)
      omega[s * K + k] = sum > 0 ? v[`sectors.${SECTORS[s]}.taskMix.${OCCUPATIONS[k]}`] / sum : 0
  }
  const firmsPerSector = new Int32Array(S)
  for (let s = 0; s < S; s++) firmsPerSector[s] = beta[s] > 0 ? Math.max(1, Math.round(v["firms.count"] * beta[s])) : 0
  const phi = v["macro.fixedFactorShare2024"]
  const eps = v["macro.fixedFactorElasticity"]
  const sigma = v["macro.taskElasticity"]
  // Machines' share of task payments at the start is small; the capital elasticity is set so that
  // wages / GDP equals the calibrated labour share.
  let machine0 = 0
  for (let s = 0; s < S; s++)
    for (let k = 0; k < K; k++)
      machine0 += beta[s] * omega[s * K + k] * v[`occupations.${OCCUPATIONS[k]}.automatedShare2024`]
  // When machines already do (nearly) every task the calibrated labour share cannot be met: the
  // elasticity is held at 0 (capital earns nothing at the start) rather than going negative or infinite.
  const humanTaskShare = (1 - phi) * (1 - machine0)
  const alpha = humanTaskShare > v["macro.labourShare2024"] ? 1 - v["macro.labourShare2024"] / humanTaskShare : 0
  return {
    v,
    nFirms: firmsPerSector.reduce((a, b) => a + b, 0),
    nLabs: v["ai.labs"],
    beta,
    omega,
    physical: new Uint8Array(OCCUPATION_KIND.map((k) => (k === "physical" ? 1 : 0))),
    gens: deriveGenerations(config, startYear),
    alpha,
    phi,
    rFixed: (eps - 1) / eps,
    rhoTask: Math.abs(sigma - 1) < 1e-9 ? 0 : (sigma - 1) / sigma,
    sigmaTask: sigma,
    // January 2024 level such that the 2024 average of monthly output is 2023 GDP grown by the 2024 rate.
    y0: v["macro.gdp2023UsdT"] * 1e12 * (1 + v["macro.realGrowth2024"]) ** (6.5 / 12),
    firmsPerSector,
    automatableThreshold: new Float64Array(
      OCCUPATIONS.map((o) => v[`occupations.${o}.thresholdLog10Flop`] + v["ai.requirementShiftLog10"]),
    ),
    automatableSpread: new Float64Array(
      OCCUPATIONS.map((o) => v[`occupations.${o}.spreadLog10`] * v["ai.flopGapScale"]),
    ),
    powerCostUsdPerMwh: new Float64Array(POWER_SOURCES.map((j) => v[`energy.${j}.costUsdPerMwh`])),
    powerSource: byName(v, "energy", POWER_SOURCES, POWER_FIELDS),
    foundry: byName(v, "foundries", FOUNDRIES, FOUNDRY_FIELDS),
    maker: byName(v, "robotMakers", ROBOT_MAKERS, MAKER_FIELDS),
    startYear,
  }
}
