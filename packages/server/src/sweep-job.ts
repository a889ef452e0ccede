/**
 * One of a server sweep's worker threads: loads the kit and the scenario once, then runs the
 * members the SweepManager hands it, one at a time, posting each result (or its error) back.
 */
import { parentPort, workerData } from "node:worker_threads"
import { runSweepMember, type SweepPlan, type SweepRunResult, type SweepTask } from "@takeoff/agents"
import { loadKit } from "@takeoff/core"

export interface SweepJobInit {
  readonly kitUrl: string
  readonly plan: SweepPlan
}

export type SweepJobReply =
  | { readonly index: number; readonly ok: true; readonly result: SweepRunResult }
  | { readonly index: number; readonly ok: false; readonly error: string }

const { kitUrl, plan } = workerData as SweepJobInit
const kit = await loadKit(kitUrl)
const base = kit.scenarios.load(plan.scenario, Object.fromEntries(plan.sets))
parentPort!.on("message", ({ index, task }: { index: number; task: SweepTask }) => {
  let reply: SweepJobReply
  try {
    reply = { index, ok: true, result: runSweepMember(kit, plan, task, base) }
  } catch (e) {
    reply = { index, ok: false, error: (e as Error).message }
  }
  parentPort!.postMessage(reply)
})
