import { param } from "./param.js"

/**
 * What foundries and robot makers share (docs/model.md, "Foundries" and "Robot makers"). Buyers
 * split their demand between suppliers by a logit:
 *   share_i = w_i b_i^e / sum_j w_j b_j^e   over the suppliers with w_j > 0 (all 0 when the sum is 0)
 * with w the weight (what each can supply), b what buyers compare (price, or capability per dollar)
 * and e the exponent (minus or plus the price elasticity). A supplier enters at `entryYear` with
 * `entryUnitsPerYear` and leaves after `exitMonths` in a row under `exitShare` of units.
 */

/**
 * Buyers' logit shares, normalised to sum to 1 over the suppliers with a positive weight.
 *
 * @example
 * logitShares(new Float64Array([1, 1]), new Float64Array([1, 2]), -1) // [2/3, 1/3]
 */
export const logitShares = (weight: Float64Array, base: Float64Array, exponent: number) => {
  const share = new Float64Array(weight.length)
  let sum = 0
  for (let i = 0; i < weight.length; i++) {
    if (weight[i] <= 0) continue
    share[i] = weight[i] * base[i] ** exponent
    sum += share[i]
  }
  for (let i = 0; i < weight.length; i++) share[i] = sum > 0 ? share[i] / sum : 0
  return share
}

/** What a supplier's entry parameters say of it: what it sells, its capacity's unit and what that capacity is. */
interface EntryText {
  readonly sells: string
  readonly unit: string
  readonly capacity: string
}

/**
 * A supplier's `entryYear` and `entryUnitsPerYear` registry rows.
 *
 * @example
 * entryParams("robotMakers.tesla", "tesla", { sells: "robots", unit: "robots/yr", capacity: "Factory capacity" })
 */
export const entryParams = <const G extends string>(group: G, name: string, text: EntryText) => [
  param(
    `${group}.entryYear`,
    "year",
    2024,
    3000,
    `${name} entry`,
    `Year it starts selling ${text.sells} (the start or before: already in).`,
  ),
  param(
    `${group}.entryUnitsPerYear`,
    text.unit,
    0,
    1e9,
    `${name} entry capacity`,
    `${text.capacity} it enters with (entrants only).`,
  ),
]

/**
 * A market's `exitShare` and `exitMonths` registry rows.
 *
 * @example
 * exitParams("foundries", "Foundry", "a foundry")
 */
export const exitParams = <const G extends string>(group: G, label: string, who: string) => [
  param(
    `${group}.exitShare`,
    "fraction",
    0,
    0.5,
    `${label} exit share`,
    `Share of units below which ${who} is losing the market.`,
  ),
  param(
    `${group}.exitMonths`,
    "months",
    1,
    240,
    `${label} exit delay`,
    "Months in a row under the exit share before it leaves.",
  ),
]
