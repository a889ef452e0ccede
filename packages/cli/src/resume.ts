import * as fs from "node:fs"
import * as path from "node:path"
import {
  cutLogFile,
  type LogSigner,
  type ModelKit,
  openLogFile,
  parseHeader,
  resumeFrom,
  type Simulation,
} from "@takeoff/core"
import { usage } from "./errors.js"
import { logErrorToCli, partialsOf } from "./logfile.js"

/** A run to continue: the partial log its crashed process left, and where the whole log goes. */
export interface ResumeTarget {
  readonly partial: string
  readonly out: string
}

const PARTIAL = /^\.(.+)\.(\d+)\.partial$/

/**
 * What `--resume LOG` names: a partial log itself (`.<name>.<pid>.partial`), or the log a crashed
 * run was writing, whose partial is found beside it. A usage error says why there is nothing to
 * continue: the log is whole, no partial is there, or its run is still writing it.
 *
 * @example
 * resolveResume("runs/b7.ndjson") // { partial: "runs/.b7.ndjson.4242.partial", out: "runs/b7.ndjson" }
 */
export const resolveResume = (log: string): ResumeTarget => {
  const m = PARTIAL.exec(path.basename(log))
  if (m !== null && fs.existsSync(log)) return { partial: log, out: path.join(path.dirname(log), m[1]) }
  if (fs.existsSync(log)) {
    throw usage(
      `--resume ${log}: the log is whole (a run renames its log into place when it closes): nothing to resume`,
    )
  }
  const partials = partialsOf(log)
  const stale = partials.filter((p) => p.stale)
  if (stale.length === 0) {
    throw usage(
      partials.length === 0
        ? `--resume ${log}: no interrupted run of it here (no ${path.join(path.dirname(log), `.${path.basename(log)}.<pid>.partial`)})`
        : `--resume ${log}: its run is still writing it (pid ${partials[0].pid})`,
    )
  }
  if (stale.length > 1) {
    throw usage(
      `--resume ${log}: several crashed runs left a partial log; name one: ${stale.map((p) => p.path).join(", ")}`,
    )
  }
  return { partial: stale[0].path, out: log }
}

/**
 * Opens a crashed run's partial log (its torn tail cut back to the last whole tick) and restores
 * the simulation there, feeding every tick already in it to the `onTickOf` its config gives. Refuses, naming the file, a
 * log of another model, one that does not check out, or one signed by another key.
 */
export const openResume = (
  kit: ModelKit,
  target: ResumeTarget,
  signer: LogSigner,
  /** Given the run's config, what to call for every tick already in the log (e.g. a summary's). */
  onTickOf: (
    config: unknown,
  ) => (tick: number, events: ReadonlyArray<{ type: string; data: unknown }>, state: unknown) => void,
): { sim: Simulation<unknown, any, unknown>; config: unknown; scenario: string; seed: number } => {
  let text: string
  try {
    text = openLogFile(target.partial).text
  } catch (e) {
    throw logErrorToCli(target.partial, e)
  }
  try {
    const header = parseHeader(text.slice(0, text.indexOf("\n")))
    if (header.model !== kit.model.name) {
      throw usage(`${target.partial}: line 1: a log of model "${header.model}", not "${kit.model.name}"`)
    }
    const onTick = onTickOf(kit.model.decodeConfig(header.config))
    const { sim, kept } = resumeFrom(kit.model, text, { signer, onTick })
    cutLogFile(target.partial, kept)
    const scenario = typeof header.meta.scenario === "string" ? header.meta.scenario : "resumed"
    return { sim, config: sim.config, scenario, seed: header.seed }
  } catch (e) {
    throw logErrorToCli(target.partial, e)
  }
}
