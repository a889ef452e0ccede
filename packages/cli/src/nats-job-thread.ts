import { parentPort } from "node:worker_threads"
import { kitNamed } from "./models.js"
import { loadScenarioOrFail } from "./scenario.js"
import { runSweepMember, type SweepPlan, type SweepTask } from "./sweep-run.js"

/**
 * The thread a `takeoff worker` runs its jobs on, so its main thread stays free to tell NATS the job
 * is still in progress (`working()`) while a long run simulates. Keeps each plan's decoded
 * scenario, so a worker serving one sweep loads it once.
 */
const bases = new Map<string, unknown>()
parentPort!.on("message", ({ plan, task }: { plan: SweepPlan; task: SweepTask }) => {
  try {
    const key = JSON.stringify([plan.model, plan.scenario, plan.sets])
    if (!bases.has(key)) bases.set(key, loadScenarioOrFail(kitNamed(plan.model), plan.scenario, plan.sets))
    parentPort!.postMessage({ ok: true, result: runSweepMember(plan, task, bases.get(key)) })
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message })
  }
})
