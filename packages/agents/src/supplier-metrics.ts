import type { MetricGroup, MetricInfo } from "@takeoff/protocol"
import { FOUNDRIES, NFD, NMK, ROBOT_MAKERS, SUPPLIER_NAMES } from "./economy/sets.js"
import { type EconomyState, FL, ML, NFL, NML } from "./economy/state.js"
import { foundryYield } from "./mechanisms/foundries.js"

/**
 * Capacity, market share and price by supplier (docs/model.md, "Foundries" and "Robot makers"):
 * one metric per foundry and robot maker, each drawn in its group's chart with a line per supplier.
 */

const name = (id: keyof typeof SUPPLIER_NAMES): string => SUPPLIER_NAMES[id]

export const SUPPLIER_METRICS: ReadonlyArray<MetricInfo> = [
  ...FOUNDRIES.flatMap((f): MetricInfo[] => [
    {
      key: `foundryCapacity.${f}`,
      label: `Foundry capacity: ${name(f)}`,
      unit: "chips/yr",
      log: true,
      group: "foundry-capacity",
    },
    { key: `foundryShare.${f}`, label: `Foundry share: ${name(f)}`, unit: "fraction", group: "foundry-share" },
    {
      key: `foundryPrice.${f}`,
      label: `Foundry price: ${name(f)}`,
      unit: "USD per H100e",
      log: true,
      group: "foundry-price",
    },
  ]),
  ...ROBOT_MAKERS.flatMap((m): MetricInfo[] => [
    {
      key: `makerCapacity.${m}`,
      label: `Robot maker capacity: ${name(m)}`,
      unit: "robots/yr",
      log: true,
      group: "maker-capacity",
    },
    { key: `makerShare.${m}`, label: `Robot maker share: ${name(m)}`, unit: "fraction", group: "maker-share" },
    { key: `makerPrice.${m}`, label: `Robot maker price: ${name(m)}`, unit: "USD", log: true, group: "maker-price" },
  ]),
]

/** The suppliers' charts, after the chips and robots charts. */
export const SUPPLIER_GROUPS: ReadonlyArray<MetricGroup> = [
  { id: "foundry-capacity", title: "Chip capacity by foundry (fab or packaging, whichever binds)", log: true },
  { id: "foundry-share", title: "Chip market share by foundry (units)", unit: "share", yMin: 0, yMax: 1 },
  { id: "foundry-price", title: "Chip price by foundry (per H100e)", log: true },
  { id: "maker-capacity", title: "Robot factory capacity by maker", log: true },
  { id: "maker-share", title: "Robot market share by maker (units)", unit: "share", yMin: 0, yMax: 1 },
  { id: "maker-price", title: "Robot price by maker", log: true },
]

/** Writes the suppliers' metrics of a state into `m` (a projection: reads state, changes nothing). */
export const supplierMetrics = (st: EconomyState, m: Record<string, number>): void => {
  for (let i = 0; i < NFD; i++) {
    const f = FOUNDRIES[i]
    const inMarket = st.foundryStatus[i] === 1
    const good = st.foundryFab[i] * foundryYield(st, i)
    m[`foundryCapacity.${f}`] = inMarket ? Math.min(good, st.foundryPack[i]) * (1 - st.foundryLost[i]) : 0
    m[`foundryShare.${f}`] = st.foundryLast[i * NFL + FL.unitShare]
    m[`foundryPrice.${f}`] = inMarket ? st.foundryLast[i * NFL + FL.price] : 0
  }
  for (let i = 0; i < NMK; i++) {
    const k = ROBOT_MAKERS[i]
    const inMarket = st.makerStatus[i] === 1
    m[`makerCapacity.${k}`] = inMarket ? st.makerCap[i] : 0
    m[`makerShare.${k}`] = st.makerLast[i * NML + ML.unitShare]
    m[`makerPrice.${k}`] = inMarket ? st.makerLast[i * NML + ML.price] : 0
  }
}
