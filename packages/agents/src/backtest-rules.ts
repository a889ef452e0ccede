/**
 * How each row of data/observed.csv compares with the model: the conversion of the observed
 * figure into the model's units and the quantity read from a run. One rule per row, keyed by id;
 * the `conversion` text is what the scorecard and docs/model.md show.
 */

import { dateToTick } from "./time.js"

/** A run's metrics month by month from its first month: `months[i]` is the month `start` + i. */
export interface MonthlySeries {
  /** "YYYY-MM" of months[0]. */
  readonly start: string
  readonly months: ReadonlyArray<Readonly<Record<string, number>>>
}

/** The index of month "YYYY-MM" in a series, or -1 when the series does not reach it. */
export const monthIndex = (s: MonthlySeries, date: string): number => {
  const i = dateToTick(s, date)
  return i >= 0 && i < s.months.length ? i : -1
}

/** How one observed row compares with the model. */
export type BacktestRule =
  | {
      readonly id: string
      /** level: the model should match it; floor: one firm's figure, the model's world total should reach it. */
      readonly kind: "level" | "floor"
      readonly unit: string
      readonly conversion: string
      /** The observed figure in `unit`, from the row's `value` text. */
      readonly observed: (value: string) => number
      /** The comparable quantity from one run; NaN if the run ended before `until`. */
      readonly simulated: (s: MonthlySeries) => number
      /** Last month the rule reads ("YYYY-MM"). */
      readonly until: string
    }
  | {
      readonly id: string
      /** Not comparable with any model quantity; shown, not scored. */
      readonly kind: "context"
      readonly unit: string
      readonly conversion: string
      readonly until?: undefined
    }

/** A metric at the end of a month. */
const at =
  (key: string, date: string) =>
  (s: MonthlySeries): number => {
    const i = monthIndex(s, date)
    return i < 0 ? Number.NaN : (s.months[i][key] ?? Number.NaN)
  }

/** The mean of a metric over a calendar year (for annualised flows: the year's total). */
const yearMean = (s: MonthlySeries, key: string, year: number): number => {
  const i = monthIndex(s, `${year}-01`)
  const j = monthIndex(s, `${year}-12`)
  if (i < 0 || j < 0) return Number.NaN
  let sum = 0
  for (let k = i; k <= j; k++) sum += s.months[k][key]
  return sum / 12
}

/** Physical frontier training FLOP: the effective frontier less the algorithmic gain since 2024. */
const physicalLog10 = (s: MonthlySeries, date: string): number =>
  at("frontierLog10Flop", date)(s) - at("algorithmsLog10", date)(s)

const num = (v: string): number => (v.trim() === "" ? Number.NaN : Number(v.trim()))
/** "a-b" -> the midpoint. */
const mid = (v: string): number => {
  const m = /^\s*([\d.eE+]+)\s*-\s*([\d.eE+]+)\s*$/.exec(v)
  return m === null ? Number.NaN : (Number(m[1]) + Number(m[2])) / 2
}
/** "40 (range 9-900)" -> 40. */
const leading = (v: string): number => Number(/^\s*([\d.eE+]+)/.exec(v)?.[1] ?? Number.NaN)

/** Assumed world USD GDP deflator 2023 -> 2025 (3%/yr; no deflator row is sourced yet). */
const DEFLATOR_2023_TO_2025 = 1.03 ** 2
/** The baseline's wall power per watt of chip TDP: server overhead 1.5 x PUE 1.3. */
const WALL_PER_TDP = 1.5 * 1.3
/** Blackwell-era humanoids delivered in 2025 (row humanoid_shipments_2025), added to IFR's industrial installs. */
const HUMANOIDS_2025 = 13_317
/** NVIDIA's part of rows that sum designers: the baseline's chip supply is NVIDIA's (nvidia_units_shipped_2024). */
const NVIDIA_H100E_CUMULATIVE_END_2025 = 13_659_259
const NVIDIA_TDP_ADDED_2025_GW = 4.887

/** A vintage of the IMF's 2025 world real growth against the model's mean 2025 GDP over its mean 2024 GDP. */
const growth2025Rule = (id: string): BacktestRule => ({
  id,
  kind: "level",
  unit: "fraction/yr",
  conversion:
    "IMF real growth (PPP weights); model: mean 2025 GDP over mean 2024 GDP (one world aggregate, 2023 prices)",
  observed: num,
  simulated: (s) => yearMean(s, "gdpUsd", 2025) / yearMean(s, "gdpUsd", 2024) - 1,
  until: "2025-12",
})

/** One lab's annualised revenue run rate in a month: a floor on the world's AI revenue that month. */
const labRunRateRule = (id: string, month: string): BacktestRule => ({
  id,
  kind: "floor",
  unit: "USD/yr",
  conversion: `one lab's run rate, a floor; model: aiRevenueUsd in ${month} (annualised)`,
  observed: num,
  simulated: at("aiRevenueUsd", month),
  until: month,
})

const context = (id: string, conversion: string): BacktestRule => ({ id, kind: "context", unit: "", conversion })

/**
 * One rule per row of data/observed.csv.
 *
 * @example
 * BACKTEST_RULES.find((r) => r.id === "nvidia_chip_spend_2025")?.kind // "level"
 */
export const BACKTEST_RULES: ReadonlyArray<BacktestRule> = [
  growth2025Rule("world_real_growth_2025_imf_oct2025"),
  growth2025Rule("world_real_growth_2025_imf_jan2026"),
  {
    id: "world_gdp_nominal_2025_imf_oct2025",
    kind: "level",
    unit: "USD/yr (2023 prices)",
    conversion: "nominal 2025 GDP / 1.03^2 (assumed 3%/yr USD deflator, unsourced); model: mean 2025 gdpUsd",
    observed: (v) => num(v) / DEFLATOR_2023_TO_2025,
    simulated: (s) => yearMean(s, "gdpUsd", 2025),
    until: "2025-12",
  },
  context(
    "nvidia_datacenter_revenue_fy2026",
    "includes networking and systems; chip spend is scored by nvidia_chip_spend_2025",
  ),
  context("nvidia_total_revenue_fy2026", "context for chips.grossMargin2024"),
  {
    id: "nvidia_chip_spend_2025",
    kind: "level",
    unit: "USD/yr",
    conversion: "Epoch's NVIDIA chip cost to buyers; model: mean 2025 aiFundingUsd (chip funding, NVIDIA-sized supply)",
    observed: num,
    simulated: (s) => yearMean(s, "aiFundingUsd", 2025),
    until: "2025-12",
  },
  context("bigtech4_capex_2025", "capex includes buildings, power and networking; the model funds chips only"),
  context("alphabet_capex_2025_guidance", "one firm's guidance; all capex, not only chips"),
  context("meta_capex_2025_guidance", "one firm's guidance; all capex, not only chips"),
  context("bigtech5_capex_2025_iea", "capex includes buildings, power and networking; the model funds chips only"),
  context("bigtech4_capex_q3_2025", "one quarter of all capex; the model funds chips only"),
  {
    id: "openai_revenue_2025",
    kind: "floor",
    unit: "USD/yr",
    conversion: "one lab's revenue, a floor on world AI revenue; model: mean 2025 aiRevenueUsd",
    observed: num,
    simulated: (s) => yearMean(s, "aiRevenueUsd", 2025),
    until: "2025-12",
  },
  labRunRateRule("openai_arr_end_2025", "2025-12"),
  labRunRateRule("anthropic_run_rate_end_2025", "2025-12"),
  labRunRateRule("openai_arr_feb_2026", "2026-02"),
  labRunRateRule("anthropic_run_rate_mar_2026", "2026-03"),
  {
    id: "openai_compute_power_2025",
    kind: "floor",
    unit: "GW",
    conversion: "one lab's compute power, a floor on AI power; model: powerUsedGw in 2025-12 (wall power)",
    observed: num,
    simulated: at("powerUsedGw", "2025-12"),
    until: "2025-12",
  },
  {
    id: "dc_electricity_growth_2025",
    kind: "floor",
    unit: "fraction/yr",
    conversion:
      "growth of all data-centre electricity, a floor on AI's faster growth; model: mean 2025 over mean 2024 powerUsedGw",
    observed: num,
    simulated: (s) => yearMean(s, "powerUsedGw", 2025) / yearMean(s, "powerUsedGw", 2024) - 1,
    until: "2025-12",
  },
  {
    id: "ai_factory_capacity_growth_18mo",
    kind: "floor",
    unit: "x in 18 months",
    conversion: "'more than tripled' (a floor); model: powerUsedGw 2026-03 / 2024-09",
    observed: num,
    simulated: (s) => at("powerUsedGw", "2026-03")(s) / at("powerUsedGw", "2024-09")(s),
    until: "2026-03",
  },
  {
    id: "ai_chip_power_shipped_2025",
    kind: "level",
    unit: "GW (wall) added in 2025",
    conversion:
      "NVIDIA's 4.887 GW of chip TDP x 1.95 (server overhead 1.5 x PUE 1.3) = wall power; model: powerUsedGw 2025-12 minus 2024-12 (net of retirements)",
    observed: () => NVIDIA_TDP_ADDED_2025_GW * WALL_PER_TDP,
    simulated: (s) => at("powerUsedGw", "2025-12")(s) - at("powerUsedGw", "2024-12")(s),
    until: "2025-12",
  },
  context("humanoid_shipments_2025", "humanoids only; added to the IFR row, which the model's robots are scored by"),
  {
    id: "industrial_robot_installs_2025_ifr_prelim",
    kind: "level",
    unit: "robots/yr",
    conversion:
      "IFR industrial installs + 13,317 humanoids (humanoid_shipments_2025); model: mean 2025 robotsBuiltPerYear",
    observed: (v) => num(v) + HUMANOIDS_2025,
    simulated: (s) => yearMean(s, "robotsBuiltPerYear", 2025),
    until: "2025-12",
  },
  {
    id: "nvidia_units_shipped_2025",
    kind: "level",
    unit: "chips/yr",
    conversion: "NVIDIA packages; model: mean 2025 chipsMadePerYear (calibrated on NVIDIA packages in 2024)",
    observed: num,
    simulated: (s) => yearMean(s, "chipsMadePerYear", 2025),
    until: "2025-12",
  },
  context(
    "nvidia_h100e_shipped_2025",
    "the model publishes chips shipped and installed H100e, not H100e shipped; installed is scored",
  ),
  context("ai_h100e_shipped_2025_all_designers", "all designers; the baseline's supply is NVIDIA's"),
  {
    id: "ai_h100e_cumulative_end_2025",
    kind: "level",
    unit: "H100e",
    conversion:
      "NVIDIA's part of the sum, 13,659,259 H100e (the baseline's supply is NVIDIA's; Epoch subtracts no retirements); model: installedH100e in 2025-12",
    observed: () => NVIDIA_H100E_CUMULATIVE_END_2025,
    simulated: at("installedH100e", "2025-12"),
    until: "2025-12",
  },
  {
    id: "h100_rental_low_oct_2025",
    kind: "level",
    unit: "USD/h",
    conversion: "H100-hour rental; model: h100eHourPriceUsd (what an H100e-hour of inference sells for) in 2025-10",
    observed: num,
    simulated: at("h100eHourPriceUsd", "2025-10"),
    until: "2025-10",
  },
  {
    id: "h100_rental_1yr_mar_2026",
    kind: "level",
    unit: "USD/h",
    conversion: "1-year reserved H100-hour; model: h100eHourPriceUsd in 2026-03",
    observed: num,
    simulated: at("h100eHourPriceUsd", "2026-03"),
    until: "2026-03",
  },
  {
    id: "frontier_training_compute_grok4",
    kind: "level",
    unit: "FLOP (physical)",
    conversion:
      "largest training run; model: 10^(frontierLog10Flop - algorithmsLog10) in 2025-07 (effective less algorithmic gain)",
    observed: num,
    simulated: (s) => 10 ** physicalLog10(s, "2025-07"),
    until: "2025-07",
  },
  {
    id: "frontier_training_compute_growth",
    kind: "level",
    unit: "x/yr (physical)",
    conversion: "midpoint of 4-5x/yr (a 2010-2024 trend); model: physical frontier growth 2024-12 to 2026-12, per year",
    observed: mid,
    simulated: (s) => 10 ** ((physicalLog10(s, "2026-12") - physicalLog10(s, "2024-12")) / 2),
    until: "2026-12",
  },
  {
    id: "gpt5_api_price",
    kind: "level",
    unit: "USD per million tokens",
    conversion: "3:1 input:output blend of $1.25 / $10 = $3.44; model: inferencePricePerMTokUsd in 2025-08",
    observed: (v) => {
      const m = /([\d.]+)\s*input\s*\/\s*([\d.]+)\s*output/.exec(v)
      return m === null ? Number.NaN : 0.75 * Number(m[1]) + 0.25 * Number(m[2])
    },
    simulated: at("inferencePricePerMTokUsd", "2025-08"),
    until: "2025-08",
  },
  {
    id: "llm_price_decline_at_fixed_capability",
    kind: "level",
    unit: "x decline per year",
    conversion:
      "Epoch's central 40x/yr (range 9-900x); model: inferencePricePerMTokUsd 2024-12 / 2025-12 (a token of fixed capability)",
    observed: leading,
    simulated: (s) => at("inferencePricePerMTokUsd", "2024-12")(s) / at("inferencePricePerMTokUsd", "2025-12")(s),
    until: "2025-12",
  },
]
