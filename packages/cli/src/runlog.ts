import * as fs from "node:fs"
import { type AnyModel, LogFileWriter, Simulation } from "@takeoff/core"
import { tempPathFor } from "./atomic.js"
import { Interrupt, yieldToEventLoop } from "./interrupt.js"

export interface RunToLogOptions {
  readonly model: AnyModel
  readonly config: unknown
  readonly seed: number
  /** Last tick to run (inclusive). */
  readonly untilTick: number
  /** The log file; written as a hidden sibling and renamed into place when closed. */
  readonly out: string
  readonly meta: Readonly<Record<string, unknown>>
  /** Called after every tick with the live state (summaries, progress). */
  readonly onTick: (tick: number, events: ReadonlyArray<{ type: string }>, state: unknown) => void
  /** Events that end the run after their tick (e.g. a catastrophe); the end record names them. */
  readonly endEvents?: ReadonlyArray<string>
  /** Called once when Ctrl-C is first pressed. */
  readonly onInterrupt?: () => void
}

export interface RunToLogResult {
  readonly reason: "completed" | "stopped"
  readonly lastTick: number
  readonly state: unknown
  /** Why the run ended before its last tick, when an end event did it. */
  readonly endedBy?: string
}

/**
 * Runs a simulation to a log file, one write per tick. The file appears under its name only once
 * it is closed with an end record ("completed", or "stopped" after Ctrl-C at a whole tick); a
 * failure before the first tick leaves nothing behind, a later one leaves the log sealed with an
 * "error" end record (it is still a valid, verifiable log of what ran).
 *
 * @example
 * const r = await runToLog({ model, config, seed: 7, untilTick: 431, out: "run.ndjson", meta, onTick })
 */
export const runToLog = async (options: RunToLogOptions): Promise<RunToLogResult> => {
  const sim = Simulation.create(options.model, options.config, { seed: options.seed, meta: options.meta })
  const tmp = tempPathFor(options.out)
  const writer = LogFileWriter.create(tmp, sim.headerLine, { gzip: options.out.endsWith(".gz"), overwrite: true })
  const interrupt = Interrupt.install(() => options.onInterrupt?.())
  let lastYieldMs = Date.now()
  let endedBy: string | undefined
  try {
    while (sim.tick <= options.untilTick && !interrupt.requested && endedBy === undefined) {
      const r = sim.step()
      writer.write(r.text)
      options.onTick(r.tick, r.events, sim.state)
      endedBy = r.events.find((e) => options.endEvents?.includes(e.type))?.type
      // Yield every ~25 ms of work so SIGINT handlers and stderr writes get a turn.
      const now = Date.now()
      if (now - lastYieldMs > 25) {
        await yieldToEventLoop()
        lastYieldMs = Date.now()
      }
    }
  } catch (e) {
    if (sim.tick === 0) {
      writer.close()
      fs.rmSync(tmp, { force: true })
    } else {
      writer.close(sim.endLine("error", (e as Error).message))
      fs.renameSync(tmp, options.out)
    }
    interrupt.dispose()
    throw e
  }
  const reason = interrupt.requested ? "stopped" : "completed"
  const message = reason === "stopped" ? "interrupted by the user (Ctrl-C)" : endedBy
  writer.close(sim.endLine(reason, message))
  fs.renameSync(tmp, options.out)
  interrupt.dispose()
  return { reason, lastTick: sim.tick - 1, state: sim.state, endedBy }
}
