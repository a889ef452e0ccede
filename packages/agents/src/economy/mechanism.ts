import type { EventDefinition, EventOf, System } from "@takeoff/core"
import type { ParamSpec } from "./param.js"
import type { EconomyState } from "./state.js"

type Definitions = ReadonlyArray<EventDefinition<string, any>>

/** The decide steps of a mechanism: each returns only the mechanism's own events. */
export type Systems<Defs extends Definitions> = ReadonlyArray<System<EconomyState, EventOf<Defs>>>

/**
 * A mechanism's reducers, one per event type it defines (a missing one does not compile). A
 * reducer applies the facts an event records and never calls decision-side code.
 */
export type Reducers<Defs extends Definitions> = {
  readonly [D in Defs[number] as D["type"]]: (st: EconomyState, data: D["schema"]["Type"], tick: number) => void
}

/**
 * What a mechanism file exports and `mechanisms/index.ts` registers: its parameters, its events,
 * its decide steps (run in registry order) and its reducers.
 */
export interface Mechanism<Defs extends Definitions = Definitions> {
  readonly params: ReadonlyArray<ParamSpec>
  readonly events: Defs
  readonly systems: Systems<Defs>
  readonly reducers: Reducers<Defs>
}
