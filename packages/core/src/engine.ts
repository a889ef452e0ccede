import type { Event } from "./events.js"
import {
  checkpointMessage,
  type EndReason,
  endHash,
  endMessage,
  type LogHeader,
  makeHeader,
  sigLine,
  type WorldJson,
} from "./log.js"
import { chainHashPieces, linePieces } from "./log-pieces.js"
import type { Model } from "./model.js"
import { worldBytesHash } from "./state-hash.js"
import { Rng, type RngState } from "./rng.js"
import type { LogSigner } from "./signing.js"

export interface SimulationOptions {
  readonly seed: number
  /** Seal a full-state hash every K ticks (default 12: once a simulated year at monthly ticks). */
  readonly stateHashEvery?: number
  /** Write a snapshot every N ticks, a multiple of stateHashEvery; 0 for none (default 10 * K). */
  readonly snapshotEvery?: number
  /** Encode, hash and emit log text for each tick (default true). Off for pure-speed runs. */
  readonly log?: boolean
  /** Free-form metadata written to the header (e.g. the scenario's name). */
  readonly meta?: Readonly<Record<string, unknown>>
  /**
   * Signs every state-hash tick and the end record (a sig line after each). Without one the log
   * is unsigned, which `verify` reports and the CLI refuses unless told to accept it.
   */
  readonly signer?: LogSigner
}

export interface TickResult<E> {
  readonly tick: number
  readonly events: ReadonlyArray<E>
  /** The NDJSON lines to append for this tick (tick, seal, maybe snapshot), "" when logging is off. */
  readonly text: string
  /** The chain hash after this tick, "" when logging is off (nothing is chained). */
  readonly hash: string
}

/**
 * A running simulation: the world (state + RNG + tick) and the log's hash chain.
 * `step()` runs one tick: each system decides, its events are applied, then the tick is sealed.
 *
 * @example
 * const sim = Simulation.create(model, config, { seed: 7 })
 * const log = LogFileWriter.create("run.ndjson", sim.headerLine)
 * for (let i = 0; i < 120; i++) log.write(sim.step().text)
 */
export class Simulation<S, E extends Event, C> {
  /** The header and its line, built when first asked for (at once when logging): a sweep run never needs them. */
  private built: { readonly header: LogHeader; readonly line: string } | undefined
  private world: S
  private rng: Rng
  private nextTick = 0
  /** The chain hash so far; undefined until a tick or restore sets it (then the header's hash starts the chain). */
  private prevHash: string | undefined

  private constructor(
    readonly model: Model<S, E, C>,
    readonly config: C,
    private readonly options: Required<Omit<SimulationOptions, "meta" | "signer">> & {
      meta: Readonly<Record<string, unknown>>
      signer: LogSigner | undefined
    },
  ) {
    if (options.log) this.headerParts()
    this.rng = Rng.fromSeed(options.seed)
    this.world = model.initialState(config)
  }

  private headerParts(): { readonly header: LogHeader; readonly line: string } {
    if (this.built === undefined) {
      const { model, config, options } = this
      const header = makeHeader({
        model: model.name,
        modelVersion: model.version,
        schemaVersion: model.catalogue.schemaVersion,
        seed: options.seed,
        config: model.encodeConfig(config),
        stateHashEvery: options.stateHashEvery,
        snapshotEvery: options.snapshotEvery,
        meta: options.meta,
      })
      this.built = { header, line: JSON.stringify(header) }
    }
    return this.built
  }

  /** The log's first record: enough to rerun the simulation from scratch. */
  get header(): LogHeader {
    return this.headerParts().header
  }

  /** The header as the log's first line. */
  get headerLine(): string {
    return this.headerParts().line
  }

  static create<S, E extends Event, C>(
    model: Model<S, E, C>,
    config: C,
    options: SimulationOptions,
  ): Simulation<S, E, C> {
    const k = options.stateHashEvery ?? 12
    const snap = options.snapshotEvery ?? k * 10
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`stateHashEvery must be a positive integer, got ${k}`)
    if (!Number.isInteger(snap) || snap < 0 || snap % k !== 0) {
      throw new RangeError(`snapshotEvery must be 0 or a multiple of stateHashEvery (${k}), got ${snap}`)
    }
    return new Simulation(model, config, {
      seed: options.seed,
      stateHashEvery: k,
      snapshotEvery: snap,
      log: options.log ?? true,
      meta: options.meta ?? {},
      signer: options.signer,
    })
  }

  /**
   * A simulation continued from a log's last sealed tick: the header's run (seed, intervals, meta)
   * with the world as the log left it (`at`: its tick, RNG words, state and chain hash), so the
   * ticks it writes next are the ones an uninterrupted run would have written. Throws an Error
   * when this build would not write `header` itself (another engine or format version).
   *
   * @example
   * const sim = Simulation.restore(model, config, header, { tick, rng, state, hash }, signer)
   */
  static restore<S, E extends Event, C>(
    model: Model<S, E, C>,
    config: C,
    header: LogHeader,
    at: { readonly tick: number; readonly rng: RngState; readonly state: S; readonly hash: string },
    signer?: LogSigner,
  ): Simulation<S, E, C> {
    const sim = Simulation.create(model, config, {
      seed: header.seed,
      stateHashEvery: header.stateHashEvery,
      snapshotEvery: header.snapshotEvery,
      meta: header.meta,
      signer,
    })
    if (sim.headerLine !== JSON.stringify(header)) {
      throw new Error(
        `the log's header is not the one this build writes (format ${header.formatVersion}, engine ${header.engineVersion}): continue it with the build that wrote it`,
      )
    }
    // A log that sealed no tick continues as a fresh run: its RNG is still the seed's.
    if (at.tick < 0) return sim
    sim.world = at.state
    sim.rng = Rng.fromState(at.rng)
    sim.nextTick = at.tick + 1
    sim.prevHash = at.hash
    return sim
  }

  /** The next tick to run (= number of ticks run so far). */
  get tick(): number {
    return this.nextTick
  }

  get state(): S {
    return this.world
  }

  get lastHash(): string {
    return this.prevHash ?? this.header.hash
  }

  /** The world after the last tick, as snapshots hold it. */
  worldJson(): WorldJson {
    return { tick: this.nextTick - 1, rng: this.rng.state, state: this.model.encodeState(this.world) }
  }

  step(): TickResult<E> {
    const tick = this.nextTick
    const { model } = this
    const ctx = { tick, rng: this.rng }
    const all: E[] = []
    for (const system of model.systems) {
      const events = system.decide(this.world, ctx)
      for (let i = 0; i < events.length; i++) {
        this.world = model.evolve(this.world, events[i], tick)
        all.push(events[i])
      }
    }
    this.nextTick = tick + 1
    if (!this.options.log) return { tick, events: all, text: "", hash: "" }

    const encoded = new Array(all.length)
    for (let i = 0; i < all.length; i++) encoded[i] = model.catalogue.encode(all[i])
    const pieces = linePieces({ kind: "tick", tick, rng: this.rng.state, events: encoded })
    const tickLine = pieces.line
    const hash = chainHashPieces(this.lastHash, tick, pieces)
    this.prevHash = hash
    const sealsState = (tick + 1) % this.options.stateHashEvery === 0
    let text: string
    if (sealsState) {
      // Hashed over the columns' bytes; the JSON form is built only for a snapshot.
      const state = worldBytesHash(tick, this.rng.state, model.stateColumns(this.world))
      text = `${tickLine}\n${JSON.stringify({ kind: "seal", tick, hash, state })}\n`
      const every = this.options.snapshotEvery
      if (every > 0 && (tick + 1) % every === 0) {
        text += `${linePieces({ kind: "snapshot", tick, world: this.worldJson() }).line}\n`
      }
      const signer = this.options.signer
      if (signer !== undefined) {
        text += `${sigLine(tick, hash, signer.publicKey, signer.sign(checkpointMessage(tick, hash, state)))}\n`
      }
    } else {
      text = `${tickLine}\n${JSON.stringify({ kind: "seal", tick, hash })}\n`
    }
    return { tick, events: all, text, hash }
  }

  /** The closing record: says why the run ended and at which sealed tick (and its sig line when signed). */
  endLine(reason: EndReason, message?: string): string {
    const tick = this.nextTick - 1
    const hash = endHash(this.lastHash, tick, reason, message)
    const end = `${JSON.stringify(message === undefined ? { kind: "end", tick, reason, hash } : { kind: "end", tick, reason, message, hash })}\n`
    const signer = this.options.signer
    if (signer === undefined) return end
    return `${end}${sigLine(tick, hash, signer.publicKey, signer.sign(endMessage(tick, hash)))}\n`
  }
}
