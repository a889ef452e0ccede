/**
 * One simulation run, off the HTTP thread. Steps the model through core's RunLoop (which ends the
 * run as every runner does), appends each tick to the run's log file and its metrics to the
 * sidecar, and reports the tick to the run manager. Obeys pause, resume, step, speed and stop;
 * pacing is by wall clock against a drift-free schedule.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parentPort, workerData } from "node:worker_threads"
import {
  cutLogFile,
  LogFileWriter,
  loadKit,
  loadSigner,
  openLogFile,
  RunLoop,
  type RunEnd,
  resumeFrom,
  Simulation,
} from "@takeoff/core"
import { makeTickReport, type ManagerToWorker, type RunWorkerInit, type WorkerToManager } from "./worker-protocol.js"

const init = workerData as RunWorkerInit
const port = parentPort!
const post = (m: WorkerToManager) => port.postMessage(m)
const now = () => performance.timeOrigin + performance.now()

const kit = await loadKit(init.kitUrl)
const config = kit.model.decodeConfig(init.config)
const signer = loadSigner(init.keyFile)
const logFile = path.join(init.logsDir, `${init.runId}.ndjson`)
const keysLine = `${JSON.stringify({ keys: kit.metrics.map((m) => m.key) })}\n`
/**
 * A resumed run continues its log from the last sealed tick (the bytes an uninterrupted run would
 * write next). Its sidecar is rewritten from the replayed ticks, since a crash can leave it a tick
 * short of the log or with a torn line; ticks the manager does not hold yet are reported to it.
 */
const resumeRun = (knownTick: number) => {
  const lines: string[] = [keysLine]
  const { sim, kept } = resumeFrom(kit.model, openLogFile(logFile).text, {
    signer,
    onTick: (tick, events, state) => {
      const report = makeTickReport(kit, config, tick, events, state)
      lines.push(`${JSON.stringify(report)}\n`)
      if (tick > knownTick) post({ type: "tick", at: Number.NaN, ...report })
    },
  })
  cutLogFile(logFile, kept)
  fs.writeFileSync(init.metricsFile, lines.join(""))
  return { sim, log: LogFileWriter.append(logFile), metricsFd: fs.openSync(init.metricsFile, "a") }
}
const fresh = () => {
  const sim = Simulation.create(kit.model, config, { seed: init.seed, meta: init.meta, signer })
  const metricsFd = fs.openSync(init.metricsFile, "w")
  fs.writeSync(metricsFd, keysLine)
  return { sim, log: LogFileWriter.create(logFile, sim.headerLine), metricsFd }
}
const { sim, log, metricsFd } = init.resume === undefined ? fresh() : resumeRun(init.resume.knownTick)

const run = new RunLoop(sim, {
  untilTick: init.untilTick,
  endEvents: kit.endEvents,
  sink: { append: (_tick, text) => log.write(text), close: (endLine) => log.close(endLine) },
  onTick: ({ tick, events }, state) => {
    const report = makeTickReport(kit, config, tick, events, state)
    // NaN is not JSON: the sidecar writes null and readers turn it back into NaN.
    fs.writeSync(metricsFd, `${JSON.stringify(report)}\n`)
    post({ type: "tick", at: now(), ...report })
  },
})

let paused = init.paused
let ticksPerSecond = init.ticksPerSecond
let stepBudget = 0
let stopRequested = false
let finished = false
let nextAt = now()
let timer: ReturnType<typeof setTimeout> | undefined

/** Tells the manager a control is done; every tick before it has already been posted. */
const ack = () => post({ type: "ack", tick: sim.tick - 1 })

/** The loop has written the end record; tell the manager and let the thread go. */
const finish = (end: RunEnd) => {
  finished = true
  if (timer !== undefined) clearTimeout(timer)
  fs.closeSync(metricsFd)
  post({ type: "end", reason: end.reason, tick: end.lastTick, message: end.message })
  port.close()
}

const runTick = () => {
  const end = run.step()
  if (end !== undefined) finish(end)
}

/** As-fast-as-possible runs work in slices so control messages still get through. */
const SLICE_MS = 20

const loop = () => {
  timer = undefined
  if (finished) return
  try {
    if (stopRequested) return finish(run.stop())
    if (paused) {
      if (stepBudget > 0) {
        stepBudget--
        runTick()
        if (!finished && stepBudget > 0) timer = setTimeout(loop, 0)
        else if (!finished) ack()
      }
      return
    }
    if (ticksPerSecond === null) {
      const until = now() + SLICE_MS
      while (!finished && !paused && !stopRequested && now() < until) runTick()
      if (!finished) timer = setTimeout(loop, 0)
      return
    }
    runTick()
    if (finished) return
    const interval = 1000 / ticksPerSecond
    nextAt += interval
    const t = now()
    // Far behind (a slow tick, a paused machine): do not burst to catch up, restart the schedule.
    if (nextAt < t - 1000) nextAt = t
    timer = setTimeout(loop, Math.max(0, nextAt - t))
  } catch (e) {
    // A tick that throws has already sealed the log with an "error" end record (see RunLoop.step).
    finish(run.end ?? run.stop((e as Error).message))
  }
}

const reschedule = () => {
  if (timer !== undefined) clearTimeout(timer)
  nextAt = now()
  timer = setTimeout(loop, 0)
}

port.on("message", (m: ManagerToWorker) => {
  if (finished) return
  switch (m.action) {
    case "pause":
      paused = true
      post({ type: "status", status: "paused" })
      ack()
      break
    case "resume":
      paused = false
      post({ type: "status", status: "running" })
      reschedule()
      ack()
      break
    case "step":
      stepBudget += m.ticks ?? 1
      if (paused) reschedule()
      else ack()
      break
    case "speed":
      ticksPerSecond = m.ticksPerSecond
      reschedule()
      ack()
      break
    case "stop":
      stopRequested = true
      reschedule()
      break
  }
})

post({ type: "status", status: paused ? "paused" : "running" })
if (!paused) reschedule()
