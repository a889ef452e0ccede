import * as Schema from "effect/Schema"
import { Column, columnFromBase64, columnToBase64 } from "../columns.js"
import { defineEvent, type EventOf, makeCatalogue } from "../events.js"
import type { Model } from "../model.js"

/**
 * A small example model that exercises the whole engine: random walkers on a line.
 * Tick 0 spawns every walker at a random position (a vector event); every tick each walker steps
 * +1 or -1 (one Int8 column for all of them); now and then one walker teleports (a scalar event
 * whose v1 form is upcast to v2). Used by core's tests, the server's and CLI's tests and the bench.
 */
export interface WalkersConfig {
  readonly agents: number
  /** Probability per tick that one walker teleports. */
  readonly teleportProbability: number
}

export interface WalkersState {
  readonly pos: Int32Array
  readonly teleportProbability: number
  teleports: number
}

export const WalkersSpawned = defineEvent("WalkersSpawned", 1, Schema.Struct({ pos: Column.i32 }))
export const WalkersStepped = defineEvent("WalkersStepped", 1, Schema.Struct({ steps: Column.i8 }))
/** v1 was `{agent, to}`; v2 adds why the walker jumped. */
export const WalkerTeleported = defineEvent(
  "WalkerTeleported",
  2,
  Schema.Struct({ agent: Schema.Int, to: Schema.Int, reason: Schema.Literals(["random", "legacy"]) }),
  { 1: (d) => ({ ...(d as object), reason: "legacy" }) },
)

const definitions = [WalkersSpawned, WalkersStepped, WalkerTeleported] as const
export type WalkersEvent = EventOf<typeof definitions>
export const walkersCatalogue = makeCatalogue(2, definitions)

const ConfigSchema = Schema.Struct({
  agents: Schema.Int.check(Schema.isGreaterThan(0)),
  teleportProbability: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
})
const decodeConfig = Schema.decodeUnknownSync(ConfigSchema)

export const walkersModel: Model<WalkersState, WalkersEvent, WalkersConfig> = {
  name: "walkers",
  version: "1.0.0",
  catalogue: walkersCatalogue,
  decodeConfig: (json) => decodeConfig(json),
  encodeConfig: (c) => ({ agents: c.agents, teleportProbability: c.teleportProbability }),
  initialState: (c) => ({ pos: new Int32Array(c.agents), teleportProbability: c.teleportProbability, teleports: 0 }),
  systems: [
    {
      name: "spawn",
      decide: (s, { tick, rng }) => {
        if (tick !== 0) return []
        const pos = new Int32Array(s.pos.length)
        for (let i = 0; i < pos.length; i++) pos[i] = rng.int(201) - 100
        return [WalkersSpawned.make({ pos })]
      },
    },
    {
      name: "walk",
      decide: (s, { rng }) => {
        const steps = new Int8Array(s.pos.length)
        for (let i = 0; i < steps.length; i++) steps[i] = rng.nextU32() & 1 ? 1 : -1
        return [WalkersStepped.make({ steps })]
      },
    },
    {
      name: "teleport",
      decide: (s, { rng }) => {
        if (rng.float() >= s.teleportProbability) return []
        return [WalkerTeleported.make({ agent: rng.int(s.pos.length), to: rng.int(2001) - 1000, reason: "random" })]
      },
    },
  ],
  evolve: (s, e) => {
    switch (e.type) {
      case "WalkersSpawned":
        s.pos.set(e.data.pos)
        return s
      case "WalkersStepped": {
        const { pos } = s
        const steps = e.data.steps
        for (let i = 0; i < pos.length; i++) pos[i] += steps[i]
        return s
      }
      case "WalkerTeleported":
        s.pos[e.data.agent] = e.data.to
        s.teleports++
        return s
    }
  },
  encodeState: (s) => ({ pos: columnToBase64(s.pos), teleports: s.teleports }),
  stateColumns: (s) => ({ pos: s.pos, teleports: s.teleports }),
  decodeState: (json, c) => {
    const j = json as { pos: string; teleports: number }
    return {
      pos: columnFromBase64(Int32Array, j.pos),
      teleportProbability: c.teleportProbability,
      teleports: j.teleports,
    }
  },
}
