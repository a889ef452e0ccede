import type { EncodedEvent, Event, EventCatalogue } from "./events.js"
import type { Rng } from "./rng.js"
import type { StateColumns } from "./state-hash.js"

/** What a system may read while deciding: the tick being decided and the world's RNG. */
export interface TickContext {
  readonly tick: number
  readonly rng: Rng
}

/**
 * One decide step of a tick. Systems run in order; the events each one returns are applied (evolve)
 * before the next one decides, so a market can clear on the orders placed earlier in the same tick.
 * A system reads state and draws from `ctx.rng`; it never mutates state.
 */
export interface System<S, E extends Event> {
  readonly name: string
  decide(state: S, ctx: TickContext): ReadonlyArray<E>
}

/**
 * A simulation model as the engine knows it. The engine knows nothing of economics: it runs the
 * systems, applies their events with `evolve`, logs, seals and snapshots.
 *
 * - `initialState` is pure (no RNG): whatever a run draws at the start, a tick-0 system draws and
 *   records in events.
 * - `evolve` is the only mutator of state. It may update the state in place (typed arrays) and
 *   return it; it never draws random numbers or reads clocks, so replay needs no agent logic.
 * - `encodeState`/`decodeState` give the deterministic JSON form stored in snapshots (and hashed
 *   in the seals of logs of format 2 and earlier).
 * - `stateColumns` gives what the seals hash: the state's typed arrays as they are and its scalars,
 *   by name (see `worldBytesHash`); the same information `encodeState` encodes.
 * - `version` is written in every log's header. A log of another version is refused, unless
 *   `upcasters` has an entry for that version: then its records are upcast as they are read.
 */
export interface Model<S, E extends Event, C> {
  readonly name: string
  readonly version: string
  readonly catalogue: EventCatalogue<E>
  decodeConfig(json: unknown): C
  encodeConfig(config: C): unknown
  initialState(config: C): S
  readonly systems: ReadonlyArray<System<S, E>>
  evolve(state: S, event: E, tick: number): S
  encodeState(state: S): unknown
  stateColumns(state: S): StateColumns
  decodeState(json: unknown, config: C): S
  /** How to read logs of earlier versions of this model, by the version in their header. */
  readonly upcasters?: Readonly<Record<string, ModelUpcaster>>
  /**
   * The first physical or accounting invariant the state breaks (a stock below zero, a number that
   * is not finite), or null. `verify` and `replay` check it at every tick a seal closes and at the
   * last tick they fold, so a log whose events fold into an impossible world is refused, naming
   * the invariant, whether the events were forged or the model that wrote them was wrong.
   */
  readonly checkState?: (state: S) => string | null
}

/**
 * Turns the records of a log written by an earlier model version into this version's shapes, before
 * they are decoded. Each part is optional: what did not change is read as it is. Hashes are over
 * the log's bytes, so `verify` still checks the chain; a sealed state hash matches only if the
 * upcast state encodes as the old version's did.
 *
 * @example
 * upcasters: { "1.0.0": { events: (events) => events.map(renameField) } }
 */
export interface ModelUpcaster {
  /** The header's config, as this version's `decodeConfig` reads it. */
  readonly config?: (json: unknown) => unknown
  /** One tick's encoded events, as this version's catalogue decodes them. */
  readonly events?: (events: ReadonlyArray<EncodedEvent>, tick: number) => ReadonlyArray<EncodedEvent>
  /** A snapshot's encoded state, as this version's `decodeState` reads it. */
  readonly state?: (json: unknown) => unknown
}

export type AnyModel = Model<any, any, any>
