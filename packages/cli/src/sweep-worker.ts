import { parentPort, workerData } from "node:worker_threads"
import type { WorkerReply } from "./pool.js"
import { kitNamed } from "./models.js"
import { loadScenarioOrFail } from "./scenario.js"
import { runSweepMember, type SweepPlan, type SweepRunResult, type SweepTask } from "./sweep-run.js"

// One sweep worker: loads the scenario once, then runs members as the pool hands them out.
const plan = workerData as SweepPlan
const base = loadScenarioOrFail(kitNamed(plan.model), plan.scenario, plan.sets)
parentPort!.on("message", ({ index, task }: { index: number; task: SweepTask }) => {
  let reply: WorkerReply<SweepRunResult>
  try {
    reply = { index, ok: true, result: runSweepMember(plan, task, base) }
  } catch (e) {
    reply = { index, ok: false, error: (e as Error).message }
  }
  parentPort!.postMessage(reply)
})
