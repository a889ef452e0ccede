/**
 * Short jobs that read a whole log (state at a tick, audit, importing an uploaded log), run in a
 * worker so a big log never blocks HTTP. The answer is posted back once; errors travel as values.
 */
import * as fs from "node:fs"
import { parentPort, workerData } from "node:worker_threads"
import {
  catchTagged,
  checkHeader,
  formatLogError,
  type LogError,
  loadKit,
  replay,
  ScenarioRejected,
  truncateToSealed,
  verify,
} from "@takeoff/core"
import { makeTickReport, type TickReport } from "./worker-protocol.js"

export type Job =
  | { readonly kind: "state"; readonly kitUrl: string; readonly logFile: string; readonly tick: number }
  | { readonly kind: "audit"; readonly kitUrl: string; readonly logFile: string; readonly why: string }
  | { readonly kind: "import"; readonly kitUrl: string; readonly logFile: string; readonly metricsFile: string }

export type JobResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: number; readonly field?: string; readonly message: string }

/** Only what is sealed: a live run's log may end in a tick that is still being written. */
const readSealed = (file: string) => truncateToSealed(fs.readFileSync(file, "utf8")).kept

const run = async (job: Job): Promise<JobResult> => {
  const kit = await loadKit(job.kitUrl)
  const model = kit.model
  switch (job.kind) {
    case "state": {
      const r = replay(model, readSealed(job.logFile), { untilTick: job.tick })
      if (r.tick !== job.tick) {
        return {
          ok: false,
          status: 404,
          field: "tick",
          message: `tick ${job.tick} is not in the log (last ${r.lastTick})`,
        }
      }
      return {
        ok: true,
        value: {
          tick: r.tick,
          date: kit.calendar.tickToDate(r.config, r.tick),
          metrics: kit.computeMetrics(r.state, r.config),
          state: model.encodeState(r.state),
        },
      }
    }
    case "audit":
      if (kit.explain === undefined) {
        throw new ScenarioRejected({ field: "why", message: `model "${model.name}" explains no milestones` })
      }
      return { ok: true, value: kit.explain(readSealed(job.logFile), job.why) }
    case "import": {
      const text = fs.readFileSync(job.logFile, "utf8")
      // An upload may be a crashed run's (kept as interrupted) or signed by anyone: the chain and
      // every signature must hold; who signed is reported, and the run is marked with it.
      const checked = verify(model, text, { allowIncomplete: true })
      if (!checked.ok) return { ok: false, status: 422, field: "log", message: formatLogError(checked.error) }
      const { config } = checkHeader(model, text.slice(0, text.indexOf("\n")))
      const out: string[] = [JSON.stringify({ keys: kit.metrics.map((m) => m.key) })]
      const milestones: TickReport["milestones"][number][] = []
      replay(model, text, {
        onTick: (tick, events, state) => {
          const report = makeTickReport(kit, config, tick, events, state)
          milestones.push(...report.milestones)
          out.push(JSON.stringify(report))
        },
      })
      fs.writeFileSync(job.metricsFile, `${out.join("\n")}\n`)
      return {
        ok: true,
        value: {
          seed: checked.header.seed,
          meta: checked.header.meta,
          lastTick: checked.lastTick,
          end: checked.end?.reason ?? null,
          endMessage: checked.end?.message,
          config: checked.header.config,
          signer: checked.signer?.fingerprint ?? null,
        },
      }
    }
  }
}

/** A job's failure as the value it travels back as, by the error's tag. */
const failure = (e: unknown): JobResult =>
  catchTagged<ScenarioRejected | LogError, JobResult>(
    e,
    {
      ScenarioRejected: (e) => ({ ok: false, status: 400, field: e.field, message: e.message }),
      LogError: (e) => ({ ok: false, status: 422, message: formatLogError(e) }),
    },
    (e) => ({
      ok: false,
      status: 500,
      message: typeof (e as { message?: unknown }).message === "string" ? (e as Error).message : String(e),
    }),
  )

try {
  parentPort!.postMessage(await run(workerData as Job))
} catch (e) {
  parentPort!.postMessage(failure(e))
}
