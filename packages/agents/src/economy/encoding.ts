import { columnFromBase64, columnToBase64 } from "@takeoff/core"
import type { EconomyConfig } from "../scenario/config.js"
import { initialEconomyState } from "./calibrate.js"
import type { EconomyState } from "./state.js"

const ARRAY_KEYS = [
  "x",
  "flow",
  "labourForce",
  "employed",
  "wage",
  "retrainPipe",
  "allocL",
  "allocM",
  "allocK",
  "allocF",
  "zSector",
  "sectorY",
  "sectorAiShare",
  "sectorAuto",
  "sectorCost",
  "target",
  "labBest",
  "labShare",
  "labNextRelease",
  "labBudget",
  "labReleases",
  "labTraining",
  "chipStock",
  "chipCum",
  "fabPipe",
  "power",
  "powerPipe",
  "robotPipe",
  "shiftRef",
  "driverRef",
  "sectorScale",
  "gdpHist",
  "firmSector",
  "firmZ",
  "firmRate",
  "firmScale",
  "firmAuto",
] as const

/** The deterministic JSON form (base64 typed arrays) hashed in seals and stored in snapshots. */
export const encodeEconomyState = (st: EconomyState): unknown => {
  const out: Record<string, string> = {}
  for (const k of ARRAY_KEYS) out[k] = columnToBase64(st[k])
  return out
}

export const decodeEconomyState = (json: unknown, config: EconomyConfig): EconomyState => {
  const st = initialEconomyState(config) as unknown as Record<string, unknown>
  const j = json as Record<string, string>
  for (const k of ARRAY_KEYS) {
    const cur = st[k] as Float64Array
    const ctor = cur.constructor as unknown as Parameters<typeof columnFromBase64>[0]
    const arr = columnFromBase64(ctor, j[k]) as unknown as Float64Array
    if (arr.length !== cur.length) throw new Error(`state.${k}: expected ${cur.length} values, got ${arr.length}`)
    cur.set(arr)
  }
  return st as unknown as EconomyState
}
