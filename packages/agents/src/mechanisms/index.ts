import type { Mechanism } from "../economy/mechanism.js"
import * as chips from "./chips.js"
import * as demand from "./demand.js"
import * as distributed from "./distributed.js"
import * as energy from "./energy.js"
import * as firms from "./firms.js"
import * as foundries from "./foundries.js"
import * as foundryCapacity from "./foundry-capacity.js"
import * as households from "./households.js"
import * as labour from "./labour.js"
import * as labs from "./labs.js"
import * as markets from "./markets.js"
import * as materials from "./materials.js"
import * as milestones from "./milestones.js"
import * as month from "./month.js"
import * as robotMakers from "./robot-makers.js"
import * as robots from "./robots.js"
import * as space from "./space.js"
import * as tasks from "./tasks.js"

/**
 * The economy's mechanisms, registered once: their parameters make the registry (`params.ts`),
 * their events the catalogue (`events.ts`), their reducers `evolve` and their systems the tick, in
 * this order (`model.ts`). Adding an agent kind is one file here plus one line in this list.
 */
export const MECHANISMS = [
  month,
  labs,
  foundries,
  foundryCapacity,
  chips,
  robotMakers,
  robots,
  energy,
  materials,
  space,
  distributed,
  tasks,
  markets,
  firms,
  households,
  demand,
  labour,
  milestones,
] as const satisfies ReadonlyArray<Mechanism>

export {
  chips,
  demand,
  distributed,
  energy,
  firms,
  foundries,
  foundryCapacity,
  households,
  labour,
  labs,
  markets,
  materials,
  milestones,
  month,
  robotMakers,
  robots,
  space,
  tasks,
}
