import type { Model, System } from "@takeoff/core"
import { initialEconomyState } from "./economy/calibrate.js"
import { decodeEconomyState, economyStateColumns, encodeEconomyState } from "./economy/encoding.js"
import { invariantViolation } from "./economy/invariants.js"
import type { EconomyState } from "./economy/state.js"
import { type EconomyEvent, economyCatalogue } from "./events.js"
import { firms, MECHANISMS } from "./mechanisms/index.js"
import { type EconomyConfig, encodeEconomyConfig } from "./scenario/config.js"
import { decodeEconomyConfig } from "./scenario/validate.js"

export { dataStockTokens } from "./mechanisms/labs.js"

/** Parameters 0.4.1 removed that 0.4.0 configs hold; they fed only a metric, never an event. */
const REMOVED_SINCE_0_4_0 = ["milestones.basketShareOfIncome"]

/** A config's JSON without the given parameter paths (in its values, meta and distributions). */
const withoutParams = (json: unknown, paths: ReadonlyArray<string>): unknown => {
  if (typeof json !== "object" || json === null) return json
  const out: Record<string, unknown> = { ...(json as Record<string, unknown>) }
  for (const part of ["values", "meta", "distributions"]) {
    const rec = out[part]
    if (typeof rec !== "object" || rec === null) continue
    const copy = { ...(rec as Record<string, unknown>) }
    for (const p of paths) delete copy[p]
    out[part] = copy
  }
  return out
}

type Reducer = (st: EconomyState, data: unknown, tick: number) => void

/** Every event type's reducer, gathered from the mechanisms (each mechanism's record is complete by type). */
const REDUCERS: ReadonlyMap<string, Reducer> = new Map(
  MECHANISMS.flatMap((m) => Object.entries(m.reducers as Readonly<Record<string, Reducer>>)),
)
for (const type of economyCatalogue.types)
  if (!REDUCERS.has(type)) throw new Error(`event ${type} has no reducer in any mechanism`)

/**
 * The only mutator: applies one event to the state in place, by the reducer of the mechanism that
 * defines the event.
 *
 * @example
 * for (const e of events) evolveEconomy(state, e, tick)
 */
export const evolveEconomy = (st: EconomyState, e: EconomyEvent, tick: number): EconomyState => {
  REDUCERS.get(e.type)!(st, e.data, tick)
  return st
}

/**
 * The tick: `founding` first (it draws the firm population at tick 0, before anything reads it),
 * then every mechanism's systems in registry order (month, labs, chips, robots, energy, materials, space, markets,
 * firms, labour, watch).
 */
const SYSTEMS: ReadonlyArray<System<EconomyState, EconomyEvent>> = [
  firms.founding,
  ...MECHANISMS.flatMap((m): ReadonlyArray<System<EconomyState, EconomyEvent>> => m.systems),
]

/**
 * The economy as the engine runs it: the mechanisms' systems in tick order, `evolveEconomy` as the
 * only mutator. Version 0.2.0: `MarketsCleared` v2 and `SectorAutomationShifted` v2 (catalogue
 * schema 2); chip generations come from the scenario. Version 0.3.0: households by decile, demand
 * feedback, task creation, the one power system, robots' chips and power, and the uncertainty
 * parameters. 0.2.0 logs are refused by the version check: their events carry no household, task
 * or power-dispatch facts, so replaying them under 0.3.0 reducers could not reproduce their states.
 * Version 0.4.0: foundries and robot makers as agents (`FabCapacityOrdered` and
 * `RobotFactoryExpanded` replaced by per-supplier events, `ChipsSold` v3 with packaging), materials
 * and space as mechanisms (`MaterialsDispatched`, `SpaceBuilt`; `RobotsBuilt.limitedBy` may be
 * `materials`); 0.3.0 logs are refused by the version check, since their aggregate capacity events
 * have no reducer here and they carry no materials facts. Version 0.4.1: `FirmsStepped` v2 logs its
 * shocks as the generator state they were drawn from (v1's explicit column still decodes), and the
 * post-scarcity index became the milestone's own test, so `milestones.basketShareOfIncome` is gone;
 * 0.4.0 logs are read through `upcasters["0.4.0"]`, which drops that parameter from their config
 * (nothing that made their events read it), so they verify, replay and audit as before.
 *
 * @example
 * const sim = Simulation.create(economyModel, loadScenario("baseline"), { seed: 7 })
 * sim.step()
 */
export const economyModel: Model<EconomyState, EconomyEvent, EconomyConfig> = {
  name: "takeoff-economy",
  version: "0.4.1",
  upcasters: {
    "0.4.0": { config: (json) => withoutParams(json, REMOVED_SINCE_0_4_0) },
  },
  catalogue: economyCatalogue,
  decodeConfig: decodeEconomyConfig,
  encodeConfig: encodeEconomyConfig,
  initialState: initialEconomyState,
  systems: SYSTEMS,
  evolve: evolveEconomy,
  encodeState: encodeEconomyState,
  stateColumns: economyStateColumns,
  decodeState: decodeEconomyState,
  // The physical invariants the tests check every tick, checked by verify and replay at every seal.
  checkState: invariantViolation,
}
