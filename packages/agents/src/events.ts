import { Column, defineEvent, type EventOf, makeCatalogue } from "@takeoff/core"
import { Schema } from "effect"

/**
 * The economy's events. Every state change is one of these; `evolve` applies them. Vector events
 * carry typed-array columns (one `FirmsStepped` for all firms). Events that explain milestones
 * (model releases, build-outs, automation shifts) carry the figures `explain` attributes with.
 */
const N = Schema.Number
const Int = Schema.Int

/** Tick 0: the firm population's random traits (one column per trait). */
export const FirmsFounded = defineEvent("FirmsFounded", 1, Schema.Struct({ z: Column.f32, rate: Column.f32 }))

/** The month turns: pipelines deliver, stocks depreciate, population and TFP grow (deterministic). */
export const MonthBegan = defineEvent("MonthBegan", 1, Schema.Struct({ year: N }))

/** Labs' funding for the month and algorithmic progress (research multiplier from AI automation). */
export const LabsFunded = defineEvent(
  "LabsFunded",
  1,
  Schema.Struct({ budgetUsd: Column.f64, fundingUsd: N, algoDeltaLog10: N, researchMultiplier: N }),
)

/**
 * Each lab's split of its compute: the share that trains (the rest serves inference). Labs behind
 * the frontier train more; when inference earns more than compute costs, they serve more.
 */
export const ComputeSplit = defineEvent(
  "ComputeSplit",
  1,
  Schema.Struct({ trainingShare: Column.f64, inferenceMargin: N }),
)

/** A lab trains and releases a model generation. v2 records the powered share of chips it trained on. */
export const ModelReleased = defineEvent(
  "ModelReleased",
  2,
  Schema.Struct({
    lab: Int,
    generation: Int,
    trainingFlopLog10: N,
    effectiveFlopLog10: N,
    algoLog10: N,
    dataRatio: N,
    frontierBeforeLog10: N,
    nextReleaseTick: Int,
    poweredShare: N,
  }),
  { 1: (d) => ({ ...(d as object), poweredShare: 1 }) },
)

/** The chip market clears: production by generation, price, and each lab's purchase (H100e). */
export const ChipsSold = defineEvent(
  "ChipsSold",
  1,
  Schema.Struct({
    units: Column.f64,
    h100e: N,
    priceUsdPerH100e: N,
    costUsdPerH100e: N,
    labH100e: Column.f64,
  }),
)

/** A fab capacity order: arrives after the lead time. */
export const FabCapacityOrdered = defineEvent(
  "FabCapacityOrdered",
  1,
  Schema.Struct({ unitsPerYear: N, onlineTick: Int, capexUsd: N, scarcity: N }),
)

/** Power capacity ordered for AI data centres from one source. */
export const PowerOrdered = defineEvent(
  "PowerOrdered",
  1,
  Schema.Struct({
    source: Schema.Literals(["grid", "gas", "solar"]),
    gw: N,
    onlineTick: Int,
    costUsdPerMwh: N,
    shortfallGw: N,
  }),
)

/** Robots built and bought this month. */
export const RobotsBuilt = defineEvent(
  "RobotsBuilt",
  1,
  Schema.Struct({ units: N, unitCostUsd: N, priceUsd: N, valueToCost: N }),
)

/** A robot factory capacity order (capex cut when robots staff factories). */
export const RobotFactoryExpanded = defineEvent(
  "RobotFactoryExpanded",
  1,
  Schema.Struct({ unitsPerYear: N, onlineTick: Int, capexUsd: N, selfReplicationSaving: N }),
)

/** Factor and goods markets clear: the allocation, wages, employment and every flow of the tick. */
export const MarketsCleared = defineEvent(
  "MarketsCleared",
  1,
  Schema.Struct({
    flow: Column.f64,
    wage: Column.f64,
    employed: Column.f64,
    allocL: Column.f64,
    allocM: Column.f64,
    allocK: Column.f64,
    allocF: Column.f64,
    sectorY: Column.f64,
    sectorAiShare: Column.f64,
    target: Column.f64,
  }),
)

/**
 * All firms step: adoption toward the profitable automation level, share shifts to cheaper firms,
 * shocks, exits and entries. `shock` is each firm's draw (i8, uniform on [-128, 127]); costs are per worker-year.
 */
export const FirmsStepped = defineEvent(
  "FirmsStepped",
  1,
  Schema.Struct({ shock: Column.i8, target: Column.f64, labourCost: Column.f64, machineCost: Column.f64 }),
)

/** Displaced workers start retraining; they join `toShare` occupations after the retraining time. */
export const WorkersRetrained = defineEvent(
  "WorkersRetrained",
  1,
  Schema.Struct({ leaving: Column.f64, toShare: Column.f64, arriveTick: Int }),
)

/** A sector's contribution to the AI share moved; `drivers` attributes the move. */
export const SectorAutomationShifted = defineEvent(
  "SectorAutomationShifted",
  1,
  Schema.Struct({
    sector: Schema.String,
    aiShareOfSector: N,
    contributionBefore: N,
    contributionAfter: N,
    delta: N,
    drivers: Schema.Struct({ capability: N, chipCost: N, power: N, robotCost: N, wages: N, adoption: N }),
  }),
)

const Milestone = Schema.Struct({ aiShare: N, threshold: N, gdpUsd: N, frontierLog10: N })
export const AgiReached = defineEvent("AgiReached", 1, Milestone)
export const AsiReached = defineEvent("AsiReached", 1, Milestone)
export const PostScarcityReached = defineEvent(
  "PostScarcityReached",
  1,
  Schema.Struct({ basketShareOfIncome: N, goodsLabourShare: N, aiShare: N, thresholdBasket: N, thresholdLabour: N }),
)
export const CatastropheOccurred = defineEvent(
  "CatastropheOccurred",
  1,
  Schema.Struct({ draw: N, hazardPerMonth: N, aiShare: N }),
)

const definitions = [
  FirmsFounded,
  MonthBegan,
  LabsFunded,
  ModelReleased,
  ChipsSold,
  FabCapacityOrdered,
  PowerOrdered,
  RobotsBuilt,
  RobotFactoryExpanded,
  MarketsCleared,
  FirmsStepped,
  WorkersRetrained,
  SectorAutomationShifted,
  AgiReached,
  AsiReached,
  PostScarcityReached,
  CatastropheOccurred,
  ComputeSplit,
] as const

export type EconomyEvent = EventOf<typeof definitions>
export const economyCatalogue = makeCatalogue(1, definitions)
