import type { Simulation, TickResult } from "./engine.js"
import type { Event } from "./events.js"
import type { EndReason } from "./log.js"

/** Where a run's log goes: each tick's text as it is sealed, then the end record. */
export interface TickSink {
  append(tick: number, text: string): void
  /** Writes the end record and closes. */
  close(endLine: string): void
}

export interface RunLoopOptions<S, E extends Event> {
  /** The last tick to run (inclusive). */
  readonly untilTick: number
  /** Event types after whose tick the run is over (ModelKit.endEvents). */
  readonly endEvents?: ReadonlyArray<string>
  readonly sink?: TickSink
  /** Called after every tick with its result and the state after it (projections only). */
  readonly onTick?: (result: TickResult<E>, state: S) => void
}

/** How a run ended; the same record the log's end line holds. */
export interface RunEnd {
  readonly reason: EndReason
  /** The end event that finished the run early, the stop's reason, or the error. */
  readonly message?: string
  /** The last sealed tick (-1 when none ran). */
  readonly lastTick: number
}

/**
 * The one loop every runner (the library's `simulate`, `takeoff run`, the sweep, the server's run
 * worker) steps a simulation with, so that every run ends the same way: "completed" at the until
 * tick, or after the tick of an end event (naming the event), "stopped" when asked (with the
 * caller's reason), "error" when a tick throws (with the error's message, which is rethrown). Pacing
 * is the caller's: it calls `step` or `runWhile` as its clock allows.
 *
 * @example
 * const loop = new RunLoop(sim, { untilTick: 431, endEvents: kit.endEvents, sink })
 * const end = loop.runWhile(() => true)
 */
export class RunLoop<S, E extends Event, C> {
  private ended: RunEnd | undefined

  constructor(
    readonly sim: Simulation<S, E, C>,
    private readonly options: RunLoopOptions<S, E>,
  ) {}

  /** The end, once the run is over. */
  get end(): RunEnd | undefined {
    return this.ended
  }

  /** Runs one tick; returns the end if the run is now over. */
  step(): RunEnd | undefined {
    if (this.ended !== undefined) return this.ended
    if (this.sim.tick > this.options.untilTick) return this.finish("completed")
    let result: TickResult<E>
    try {
      result = this.sim.step()
      this.options.sink?.append(result.tick, result.text)
      this.options.onTick?.(result, this.sim.state)
    } catch (e) {
      this.finish("error", e instanceof Error ? e.message : String(e))
      throw e
    }
    const endEvents = this.options.endEvents
    const endedBy = endEvents?.length ? result.events.find((e) => endEvents.includes(e.type))?.type : undefined
    if (endedBy !== undefined) return this.finish("completed", endedBy)
    if (result.tick >= this.options.untilTick) return this.finish("completed")
    return undefined
  }

  /** Runs ticks while `go()` says so (checked before each tick) until the run is over. */
  runWhile(go: () => boolean): RunEnd | undefined {
    while (this.ended === undefined && go()) this.step()
    return this.ended
  }

  /** Ends the run at the last whole tick, e.g. on a user's request. */
  stop(message?: string): RunEnd {
    return this.ended ?? this.finish("stopped", message)
  }

  private finish(reason: EndReason, message?: string): RunEnd {
    this.ended =
      message === undefined ? { reason, lastTick: this.sim.tick - 1 } : { reason, message, lastTick: this.sim.tick - 1 }
    this.options.sink?.close(this.sim.endLine(reason, message))
    return this.ended
  }
}
