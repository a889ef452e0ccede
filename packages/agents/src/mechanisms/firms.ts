import { Column, defineEvent, drawCentredBytes, expectLength, type System, sized } from "@takeoff/core"
import * as Schema from "effect/Schema"
import { machineCosts } from "../economy/costs.js"
import type { Reducers, Systems } from "../economy/mechanism.js"
import { param } from "../economy/param.js"
import { K, S } from "../economy/sets.js"
import { type EconomyState, F, isOver, X } from "../economy/state.js"
import { freshI8 } from "../economy/fresh.js"

/**
 * Firms (docs/model.md, "Automation: capability, cost and adoption"). Each firm i in sector s has
 * productivity z_i (log-normal), an adoption rate r_i (log-normal around 1 / lag) and automation
 * a_ik per occupation. Monthly:
 *   a_ik  += r_i x (target_k - a_ik)
 *   cost_i = sum_k omega_sk x (wage_k + a_ik x (machine_k - wage_k)) / z_i
 *   g_i    = realloc / 12 x (1 - cost_i / mean cost_s) + shock sd / sqrt(12) x e_i,  scale_i x exp(g_i)
 * A firm below the exit share of its sector's mean size fails; an entrant takes its slot with a
 * fresh productivity draw and the sector's current practice. Sector automation, unit cost and
 * mean size are the scale-weighted means over firms.
 */

// The firm loop is unrolled over exactly four occupations.
if (K !== 4) throw new Error(`the firm loop expects 4 occupations, found ${K}`)

export const params = [
  param("firms.count", "firms", 1, 1e7, "Firms", "Number of firm agents (split across sectors by value share).", true),
  param(
    "firms.productivitySd",
    "log sd",
    0,
    3,
    "Productivity dispersion",
    "Log-normal dispersion of firm productivity.",
  ),
  param(
    "firms.adoptionLagMonths",
    "months",
    1,
    600,
    "Adoption lag",
    "Median months for a firm to close the gap to the profitable automation level (1/e).",
  ),
  param(
    "firms.adoptionLagSd",
    "log sd",
    0,
    3,
    "Adoption lag dispersion",
    "Log-normal dispersion of firms' adoption lags.",
  ),
  param(
    "firms.taskCostDispersion",
    "log sd",
    0.05,
    10,
    "Task cost dispersion",
    "Log-normal dispersion of the machine/human cost ratio across an occupation's tasks (some tasks need far more inference or robot time).",
  ),
  param(
    "firms.reallocationPerYear",
    "fraction/yr",
    0,
    5,
    "Reallocation speed",
    "How fast market share moves to firms with lower unit cost.",
  ),
  param("firms.shockSdPerYear", "log sd/yr", 0, 2, "Firm shocks", "Idiosyncratic shocks to firm size."),
  param(
    "firms.exitShare",
    "fraction",
    0,
    1,
    "Exit threshold",
    "A firm below this fraction of its sector's mean size fails and is replaced by an entrant.",
  ),
]

/** Tick 0: the firm population's random traits (one column per trait). */
export const FirmsFounded = defineEvent("FirmsFounded", 1, Schema.Struct({ z: Column.f32, rate: Column.f32 }))

/**
 * All firms step: adoption toward the profitable automation level, share shifts to cheaper firms,
 * shocks, exits and entries. `shock` is each firm's draw (i8, uniform on [-128, 127]); costs are per worker-year.
 * Version 2 logs the shocks as the generator state they were drawn from and their count
 * (`Column.drawnI8`: ~60 bytes instead of 1.33 MB a month at 1M firms); version 1's explicit
 * base64 column is valid version-2 data, so old logs replay unchanged.
 */
export const FirmsStepped = defineEvent(
  "FirmsStepped",
  2,
  Schema.Struct({
    shock: Column.drawnI8,
    target: sized(Column.f64, K),
    labourCost: sized(Column.f64, K),
    machineCost: sized(Column.f64, K),
  }),
  { 1: (data) => data },
)

export const events = [FirmsFounded, FirmsStepped] as const

/**
 * Tick 0: firms draw productivity (log-normal) and adoption speed (log-normal around 1/lag). The
 * model runs it before every other system, so the firm population exists before the first month.
 */
export const founding: System<EconomyState, ReturnType<typeof FirmsFounded.make>> = {
  name: "founding",
  decide: (st, { tick, rng }) => {
    if (tick !== 0) return []
    const v = st.p.v
    const n = st.p.nFirms
    const z = new Float32Array(n)
    const rate = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      z[i] = Math.exp(v["firms.productivitySd"] * rng.normal())
      rate[i] = Math.min(1, (1 / v["firms.adoptionLagMonths"]) * Math.exp(v["firms.adoptionLagSd"] * rng.normal()))
    }
    return [FirmsFounded.make({ z, rate })]
  },
}

/** Standard deviation of the i8 firm shocks (uniform on [-128, 127]). */
const SHOCK_SD = 73.9

/** Firms: one vector event for all of them; the reducer applies adoption, reallocation and exits. */
export const systems: Systems<typeof events> = [
  {
    name: "firms",
    decide: (st, { tick, rng }) => {
      if (isOver(st)) return []
      const c = machineCosts(st, tick)
      const machineCost = new Float64Array(K)
      for (let k = 0; k < K; k++)
        machineCost[k] = st.p.physical[k] ? c.robotCapital + c.robotPower : c.aiChip + c.aiPower
      return [
        FirmsStepped.make({
          // One uniform byte per firm, centred (one 32-bit draw serves four firms).
          shock: drawCentredBytes(rng, freshI8(st.p.nFirms)),
          target: st.target.slice(),
          labourCost: st.wage.slice(),
          machineCost,
        }),
      ]
    },
  },
]

/**
 * The firm loop: plain loops over typed arrays, no allocation per firm. Firms are stored contiguous
 * by sector (`economy/calibrate.ts`; an entrant takes a failed firm's slot), so the loop runs sector
 * by sector with that sector's weights, means and running sums in locals. Each sector's sums add
 * its firms in index order, as a single pass over all firms would: the results are bit-identical.
 */
const applyFirmsStepped = (st: EconomyState, d: (typeof FirmsStepped)["schema"]["Type"]): void => {
  const { p, firmZ, firmRate, firmScale, firmAuto, sectorAuto, sectorCost, sectorScale } = st
  const v = p.v
  const { shock, target, labourCost, machineCost } = d
  const omega = p.omega
  const perSector = p.firmsPerSector
  const realloc = v["firms.reallocationPerYear"] / 12
  const shockScale = v["firms.shockSdPerYear"] / Math.sqrt(12) / SHOCK_SD
  const exitShare = v["firms.exitShare"]
  const zSd = v["firms.productivitySd"] / SHOCK_SD
  // The four occupations are unrolled: this loop runs once per firm per month.
  const t0 = target[0]
  const t1 = target[1]
  const t2 = target[2]
  const t3 = target[3]
  const l0 = labourCost[0]
  const l1 = labourCost[1]
  const l2 = labourCost[2]
  const l3 = labourCost[3]
  const d0 = machineCost[0] - l0
  const d1 = machineCost[1] - l1
  const d2 = machineCost[2] - l2
  const d3 = machineCost[3] - l3
  let failures = 0
  let first = 0
  for (let s = 0; s < S; s++) {
    const end = first + perSector[s]
    if (end === first) continue
    const ob = s * 4
    const o0 = omega[ob]
    const o1 = omega[ob + 1]
    const o2 = omega[ob + 2]
    const o3 = omega[ob + 3]
    const mean = sectorCost[s]
    const meanScale = sectorScale[s]
    const exitBelow = exitShare * meanScale
    const e0 = sectorAuto[ob]
    const e1 = sectorAuto[ob + 1]
    const e2 = sectorAuto[ob + 2]
    const e3 = sectorAuto[ob + 3]
    // An entrant's cost before its productivity: the sector's current practice.
    const entrantCost = o0 * (l0 + e0 * d0) + o1 * (l1 + e1 * d1) + o2 * (l2 + e2 * d2) + o3 * (l3 + e3 * d3)
    let sumA0 = 0
    let sumA1 = 0
    let sumA2 = 0
    let sumA3 = 0
    let sumScale = 0
    let sumCost = 0
    for (let i = first, b = first * 4; i < end; i++, b += 4) {
      const rate = firmRate[i]
      let a0 = firmAuto[b]
      let a1 = firmAuto[b + 1]
      let a2 = firmAuto[b + 2]
      let a3 = firmAuto[b + 3]
      a0 += rate * (t0 - a0)
      a1 += rate * (t1 - a1)
      a2 += rate * (t2 - a2)
      a3 += rate * (t3 - a3)
      let cost = (o0 * (l0 + a0 * d0) + o1 * (l1 + a1 * d1) + o2 * (l2 + a2 * d2) + o3 * (l3 + a3 * d3)) / firmZ[i]
      // Log growth is small (a few % a month): exp(g) by its second-order expansion.
      // Below -1 the expansion would turn upward again (a firm far costlier than its sector would grow):
      // at most a firm halves in a month.
      const g = Math.max(-1, (mean > 0 ? realloc * (1 - cost / mean) : 0) + shockScale * shock[i])
      let scale = firmScale[i] * (1 + g + 0.5 * g * g)
      if (scale < exitBelow) {
        // Exit: an entrant takes the slot with a fresh productivity draw and the sector's current practice.
        failures++
        scale = meanScale
        const z = Math.fround(Math.exp(zSd * shock[i]))
        firmZ[i] = z
        a0 = e0
        a1 = e1
        a2 = e2
        a3 = e3
        cost = entrantCost / z
      }
      firmAuto[b] = a0
      firmAuto[b + 1] = a1
      firmAuto[b + 2] = a2
      firmAuto[b + 3] = a3
      // Stored as f32: accumulate the stored value so sector figures match the firms exactly.
      scale = Math.fround(scale)
      firmScale[i] = scale
      sumA0 += scale * a0
      sumA1 += scale * a1
      sumA2 += scale * a2
      sumA3 += scale * a3
      sumScale += scale
      sumCost += scale * cost
    }
    sectorAuto[ob] = sumA0 / sumScale
    sectorAuto[ob + 1] = sumA1 / sumScale
    sectorAuto[ob + 2] = sumA2 / sumScale
    sectorAuto[ob + 3] = sumA3 / sumScale
    sectorCost[s] = sumCost / sumScale
    sectorScale[s] = sumScale / (end - first)
    // Only relative scales matter: a sector whose mean drifted far from 1 (fast reallocation, large
    // shocks, decades) is rescaled before its f32 scales overflow or vanish.
    const m = sectorScale[s]
    if (m > 1e6 || m < 1e-6) {
      for (let i = first; i < end; i++) firmScale[i] = Math.fround(firmScale[i] / m)
      sectorScale[s] = 1
    }
    first = end
  }
  st.flow[F.firmFailures] = failures * 12
  st.x[X.firmFailuresTotal] += failures
}

export const reducers: Reducers<typeof events> = {
  FirmsFounded: (st, d) => {
    expectLength("z", d.z, st.p.nFirms, "firm")
    expectLength("rate", d.rate, st.p.nFirms, "firm")
    st.firmZ.set(d.z)
    st.firmRate.set(d.rate)
  },
  FirmsStepped: (st, d) => {
    // (target, labourCost and machineCost are one per occupation by their schema: `sized`)
    expectLength("shock", d.shock, st.p.nFirms, "firm")
    applyFirmsStepped(st, d)
  },
}
