import * as Schema from "effect/Schema"

/** An event as the engine and reducers see it: a type tag and decoded data (current version). */
export interface Event<T extends string = string, D = unknown> {
  readonly type: T
  readonly data: D
}

/** An event as it is written in the log: the version travels with it so old logs can be upcast. */
export interface EncodedEvent {
  readonly type: string
  readonly v: number
  readonly data: unknown
}

/**
 * Upcasters lift the encoded data of an older version to the next one: `upcast[1]` turns v1
 * data into v2 data, and so on until the current version. They run on encoded (JSON) data, before
 * the schema decodes it.
 */
export type Upcasters = Readonly<Record<number, (data: unknown) => unknown>>

export interface EventDefinition<T extends string, S extends Schema.Codec<any, any, never, never>> {
  readonly type: T
  readonly version: number
  readonly schema: S
  readonly upcast: Upcasters
  /** Builds an event of this type (typed). */
  make(data: S["Type"]): Event<T, S["Type"]>
}

/**
 * Defines one event type with its current version and Schema.
 *
 * @example
 * const WalkersMoved = defineEvent("WalkersMoved", 1, Schema.Struct({ steps: Column.i8 }))
 * const ev = WalkersMoved.make({ steps })
 */
export const defineEvent = <const T extends string, S extends Schema.Codec<any, any, never, never>>(
  type: T,
  version: number,
  schema: S,
  upcast: Upcasters = {},
): EventDefinition<T, S> => {
  for (let v = 1; v < version; v++) {
    if (upcast[v] === undefined && Object.keys(upcast).length > 0) {
      throw new Error(`event ${type}: missing upcaster from v${v} to v${v + 1}`)
    }
  }
  return { type, version, schema, upcast, make: (data) => ({ type, data }) }
}

/** The union of events a set of definitions describes. */
export type EventOf<Defs extends ReadonlyArray<EventDefinition<string, any>>> = {
  [K in keyof Defs]: Defs[K] extends EventDefinition<infer T, infer S> ? Event<T, S["Type"]> : never
}[number]

/** Why one encoded event could not be decoded (the caller adds line and tick). */
export interface EventDecodeFailure {
  readonly reason: "unknown-event" | "bad-event-data" | "schema-version"
  readonly message: string
}

export interface EventCatalogue<E extends Event = Event> {
  readonly types: ReadonlyArray<string>
  /** The catalogue's schema version: changes whenever any event's version changes. */
  readonly schemaVersion: number
  has(type: string): boolean
  encode(event: E): EncodedEvent
  /** Decodes (upcasting older versions); returns a failure value instead of throwing. */
  decode(encoded: unknown): E | EventDecodeFailure
}

export const isDecodeFailure = (u: unknown): u is EventDecodeFailure =>
  typeof u === "object" && u !== null && "reason" in u && "message" in u && !("type" in u)

/**
 * Builds the catalogue of a model's events: the only way events enter or leave the log.
 *
 * @example
 * const catalogue = makeCatalogue(1, [WalkersMoved, WalkerBorn])
 */
export const makeCatalogue = <const Defs extends ReadonlyArray<EventDefinition<string, any>>>(
  schemaVersion: number,
  definitions: Defs,
): EventCatalogue<EventOf<Defs>> => {
  const byType = new Map<string, EventDefinition<string, any>>()
  const encoders = new Map<string, (d: unknown) => unknown>()
  const decoders = new Map<string, (d: unknown) => unknown>()
  for (const def of definitions) {
    if (byType.has(def.type)) throw new Error(`duplicate event type ${def.type}`)
    byType.set(def.type, def)
    encoders.set(def.type, Schema.encodeSync(def.schema as Schema.Codec<unknown, unknown>))
    decoders.set(def.type, Schema.decodeUnknownSync(def.schema as Schema.Codec<unknown, unknown>))
  }
  return {
    types: [...byType.keys()],
    schemaVersion,
    has: (type) => byType.has(type),
    encode(event) {
      const def = byType.get(event.type)
      if (def === undefined) throw new Error(`event type ${event.type} is not in the catalogue`)
      return { type: event.type, v: def.version, data: encoders.get(event.type)!(event.data) }
    },
    decode(encoded) {
      if (typeof encoded !== "object" || encoded === null) {
        return { reason: "bad-event-data", message: "expected an event object {type, v, data}" }
      }
      const { type, v, data } = encoded as { type?: unknown; v?: unknown; data?: unknown }
      if (typeof type !== "string") return { reason: "bad-event-data", message: "event.type: expected a string" }
      const def = byType.get(type)
      if (def === undefined) return { reason: "unknown-event", message: `unknown event type "${type}"` }
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
        return { reason: "bad-event-data", message: `${type}.v: expected a positive integer version` }
      }
      if (v > def.version) {
        return {
          reason: "schema-version",
          message: `${type} v${v} is newer than this build understands (v${def.version})`,
        }
      }
      let lifted = data
      for (let from = v; from < def.version; from++) {
        const up = def.upcast[from]
        if (up === undefined) {
          return { reason: "schema-version", message: `${type}: no upcaster from v${from} to v${from + 1}` }
        }
        lifted = up(lifted)
      }
      try {
        return { type, data: decoders.get(type)!(lifted) } as EventOf<Defs>
      } catch (e) {
        return { reason: "bad-event-data", message: `${type}.data: ${(e as Error).message.replace(/\s+/g, " ")}` }
      }
    },
  }
}
