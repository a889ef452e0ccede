import { runSweepMember as runMember, type SweepPlan, type SweepRunResult, type SweepTask } from "@takeoff/agents"
import { kitNamed } from "./models.js"

/** The sweep engine lives in @takeoff/agents (sweep/); the CLI's workers find the plan's kit by name. */
export { drawSets, type SweepPlan, type SweepRunResult, type SweepTask, type VaryRange } from "@takeoff/agents"

/** Runs one sweep member with the kit the plan names (see @takeoff/agents runSweepMember). */
export const runSweepMember = (plan: SweepPlan, task: SweepTask, base?: unknown): SweepRunResult =>
  runMember(kitNamed(plan.model), plan, task, base)
