import { type Event, type EventCatalogue, type EventDefinition, makeCatalogue } from "@takeoff/core"
import { MECHANISMS } from "./mechanisms/index.js"

export { ChipsSold } from "./mechanisms/chips.js"
export { PowerOrdered } from "./mechanisms/energy.js"
export { FirmsFounded, FirmsStepped } from "./mechanisms/firms.js"
export { FoundryCapacityOrdered } from "./mechanisms/foundry-capacity.js"
export {
  FoundriesSold,
  FoundryEntered,
  FoundryExited,
  FoundryOutage,
} from "./mechanisms/foundries.js"
export { WorkersRetrained } from "./mechanisms/labour.js"
export { ComputeSplit, LabsFunded, ModelReleased } from "./mechanisms/labs.js"
export { MarketsCleared } from "./mechanisms/markets.js"
export {
  AgiReached,
  AsiReached,
  CatastropheOccurred,
  PostScarcityReached,
  SectorAutomationShifted,
} from "./mechanisms/milestones.js"
export { MonthBegan } from "./mechanisms/month.js"
export {
  RobotMakerEntered,
  RobotMakerExited,
  RobotMakerExpanded,
  RobotMakerRedesigned,
  RobotMakersSold,
} from "./mechanisms/robot-makers.js"
export { RobotsBuilt } from "./mechanisms/robots.js"

/**
 * The economy's events, each defined beside the mechanism that emits it. Every state change is one
 * of these; `evolve` applies them. Vector events carry typed-array columns (one `FirmsStepped` for
 * all firms). Events that explain milestones (model releases, build-outs, automation shifts) carry
 * the figures `explain` attributes with.
 */
type Definition = (typeof MECHANISMS)[number]["events"][number]
type EventOfDefinition<D> = D extends EventDefinition<infer T, infer S> ? Event<T, S["Type"]> : never

/** One of the economy's events: the union over every mechanism's definitions. */
export type EconomyEvent = EventOfDefinition<Definition>

const definitions: ReadonlyArray<Definition> = MECHANISMS.flatMap((m): ReadonlyArray<Definition> => m.events)

/**
 * Schema version 3: `FirmsStepped` v2 logs its shocks as the generator state they were drawn from.
 * Version 2: `MarketsCleared` names its flows and `SectorAutomationShifted` records its driver levels.
 */
export const economyCatalogue: EventCatalogue<EconomyEvent> = makeCatalogue(3, definitions) as EventCatalogue<any>
