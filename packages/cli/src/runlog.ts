import * as fs from "node:fs"
import { LogFileWriter, type LogSigner, type ModelKit, RunLoop, Simulation } from "@takeoff/core"
import { tempPathFor } from "./atomic.js"
import { Interrupt, yieldToEventLoop } from "./interrupt.js"

export interface RunToLogOptions {
  readonly kit: ModelKit
  readonly config: unknown
  readonly seed: number
  /** Last tick to run (inclusive). */
  readonly untilTick: number
  /** The log file; written as a hidden sibling and renamed into place when closed. */
  readonly out: string
  readonly meta: Readonly<Record<string, unknown>>
  /** Signs the log's checkpoints and end record (see core's signing.ts). */
  readonly signer?: LogSigner
  /** Called after every tick with the live state (summaries, progress). */
  readonly onTick: (tick: number, events: ReadonlyArray<{ type: string; data: unknown }>, state: unknown) => void
  /** Called once when Ctrl-C is first pressed. */
  readonly onInterrupt?: () => void
  /** Continue a crashed run: its restored simulation and the partial log it appends to. */
  readonly resume?: { readonly sim: Simulation<unknown, any, unknown>; readonly partial: string }
}

export interface RunToLogResult {
  readonly reason: "completed" | "stopped"
  readonly lastTick: number
  readonly state: unknown
  /** Why the run ended before its last tick, when one of the kit's end events did it. */
  readonly endedBy?: string
}

/** Work between yields to the event loop, so SIGINT handlers and stderr writes get a turn. */
const SLICE_MS = 25

/**
 * Runs a simulation to a log file through core's RunLoop (so the log ends as every runner's does),
 * one write per tick. The file appears under its name only once it is closed with an end record
 * ("completed", or "stopped" after Ctrl-C at a whole tick); a failure before the first tick leaves
 * nothing behind, a later one leaves the log sealed with an "error" end record (it is still a
 * valid, verifiable log of what ran).
 *
 * @example
 * const r = await runToLog({ kit, config, seed: 7, untilTick: 431, out: "run.ndjson", meta, onTick })
 */
export const runToLog = async (options: RunToLogOptions): Promise<RunToLogResult> => {
  const { kit } = options
  const sim =
    options.resume?.sim ??
    Simulation.create(kit.model, options.config, { seed: options.seed, meta: options.meta, signer: options.signer })
  const tmp = options.resume?.partial ?? tempPathFor(options.out)
  const gzip = options.out.endsWith(".gz")
  const writer =
    options.resume === undefined
      ? LogFileWriter.create(tmp, sim.headerLine, { gzip, overwrite: true })
      : LogFileWriter.append(tmp, { gzip })
  const loop = new RunLoop(sim, {
    untilTick: options.untilTick,
    endEvents: kit.endEvents,
    sink: { append: (_tick, text) => writer.write(text), close: (endLine) => writer.close(endLine) },
    onTick: (r, state) => options.onTick(r.tick, r.events, state),
  })
  const interrupt = Interrupt.install(() => options.onInterrupt?.())
  let end = loop.end
  try {
    while (end === undefined) {
      const sliceStartMs = Date.now()
      end = loop.runWhile(() => !interrupt.requested && Date.now() - sliceStartMs <= SLICE_MS)
      if (end !== undefined) break
      if (interrupt.requested) end = loop.stop("interrupted by the user (Ctrl-C)")
      else await yieldToEventLoop()
    }
  } catch (e) {
    // The loop has sealed the log with an "error" end record; a log without a tick is not kept.
    if (sim.tick === 0 && options.resume === undefined) fs.rmSync(tmp, { force: true })
    else fs.renameSync(tmp, options.out)
    interrupt.dispose()
    throw e
  }
  fs.renameSync(tmp, options.out)
  interrupt.dispose()
  const reason = end.reason === "stopped" ? "stopped" : "completed"
  return { reason, lastTick: end.lastTick, state: sim.state, endedBy: reason === "completed" ? end.message : undefined }
}
