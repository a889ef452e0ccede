import { columnFromBase64, columnToBase64, type StateColumns } from "@takeoff/core"
import type { EconomyConfig } from "../scenario/config.js"
import { initialEconomyState } from "./calibrate.js"
import type { EconomyState } from "./state.js"

/**
 * Every typed array of the state except the derived config `p`, in the order `initialEconomyState`
 * builds them: a new array declared there is hashed and snapshotted with no further edit.
 */
const arrayKeys = (st: EconomyState): ReadonlyArray<Exclude<keyof EconomyState, "p">> =>
  Object.keys(st).filter((k): k is Exclude<keyof EconomyState, "p"> => k !== "p")

/** What the seals hash: every typed array of the state by name, as it is (see `worldBytesHash`). */
export const economyStateColumns = (st: EconomyState): StateColumns => {
  const out: Record<string, ArrayBufferView> = {}
  for (const k of arrayKeys(st)) out[k] = st[k]
  return out
}

/** The deterministic JSON form (base64 typed arrays) stored in snapshots: the same arrays. */
export const encodeEconomyState = (st: EconomyState): unknown => {
  const out: Record<string, string> = {}
  for (const k of arrayKeys(st)) out[k] = columnToBase64(st[k])
  return out
}

export const decodeEconomyState = (json: unknown, config: EconomyConfig): EconomyState => {
  const fresh = initialEconomyState(config)
  const st = fresh as unknown as Record<string, unknown>
  const j = json as Record<string, string>
  for (const k of arrayKeys(fresh)) {
    const cur = st[k] as Float64Array
    const ctor = cur.constructor as unknown as Parameters<typeof columnFromBase64>[0]
    const arr = columnFromBase64(ctor, j[k]) as unknown as Float64Array
    if (arr.length !== cur.length) throw new Error(`state.${k}: expected ${cur.length} values, got ${arr.length}`)
    cur.set(arr)
  }
  return st as unknown as EconomyState
}
