import type {
  DesignInfo,
  MetricGroup,
  MetricInfo,
  MilestoneInfo,
  MilestoneKind,
  MilestoneThreshold,
  NotableEvent,
  ParameterInfo,
  ScenarioAnatomy,
  ScenarioInfo,
  ScenarioYamlRequest,
} from "@takeoff/protocol"
import * as Schema from "effect/Schema"
import type { Event } from "./events.js"
import type { Model } from "./model.js"

/**
 * A scenario, override or date the model refused. `field` names it as a request does
 * (`scenario`, `overrides.<path>`, `date`); `file` is the scenario file, when there is one.
 */
export class ScenarioRejected extends Schema.TaggedError<ScenarioRejected>()("ScenarioRejected", {
  field: Schema.String,
  message: Schema.String,
  file: Schema.optional(Schema.String),
}) {}

/** A model's scenarios: what can be run and how to configure it. */
export interface ScenarioCatalog<C> {
  list(): ReadonlyArray<ScenarioInfo>
  /** The tunable parameters of a loaded config, with their values. */
  parameters(config: C): ReadonlyArray<ParameterInfo>
  /**
   * The config of a listed scenario (or, where the model has scenario files, a file path) with
   * parameter overrides (path -> number or numeric string) applied. Throws ScenarioRejected.
   */
  load(nameOrFile: string, overrides?: Readonly<Record<string, unknown>>): C
  /** The sweep designs the model's scenarios support (the economy's: `DESIGNS`); none: random draws only. */
  readonly designs?: ReadonlyArray<DesignInfo>
  /**
   * A scenario taken apart: what it extends and overrides, its distributions. Throws
   * ScenarioRejected. Absent for models without scenario files.
   */
  describe?(nameOrFile: string): ScenarioAnatomy
  /**
   * The YAML text of a scenario file that `extends:` request.scenario with the edited overrides
   * (only those that differ), each marked for its author to give a source. Throws ScenarioRejected
   * naming `name` or `overrides.<path>`.
   */
  draftYaml?(request: ScenarioYamlRequest): string
  /**
   * A loaded config with further overrides applied: what `load` gives with them after its own,
   * without reading files again (a sweep worker loads its scenario once). Throws ScenarioRejected.
   */
  override?(config: C, overrides: Readonly<Record<string, unknown>>): C
  /** Draws the scenario's uncertain parameters (those with a distribution) from `seed`. */
  sample?(config: C, seed: number): { readonly config: C; readonly draws: Readonly<Record<string, number>> }
}

/** How ticks map to dates: every model's ticks have a calendar ("YYYY-MM"). */
export interface Calendar<C> {
  tickToDate(config: C, tick: number): string
  /** "YYYY" (its first tick) or "YYYY-MM" to a tick; throws ScenarioRejected naming "date". */
  dateToTick(config: C, date: string): number
  /** The last tick to simulate (inclusive) up to the end of `untilYear` (default the scenario's end). */
  untilTick(config: C, untilYear?: number): number
}

/** A milestone the model can reach: its kind and what people call it. */
export interface MilestoneDef {
  readonly kind: MilestoneKind
  readonly label: string
}

/**
 * Everything a runner, the server and the CLI know about a model, so that they stay generic: the
 * economy (`@takeoff/agents`) is one kit, core's random walkers (`@takeoff/core/walkers-kit`, for
 * tests) another. Workers load a kit module by URL (its default export) because functions cannot
 * cross thread boundaries.
 */
export interface ModelKit<S = any, E extends Event = any, C = any> {
  readonly model: Model<S, E, C>
  readonly scenarios: ScenarioCatalog<C>
  readonly calendar: Calendar<C>
  /** Every metric published each tick, in a stable order. */
  readonly metrics: ReadonlyArray<MetricInfo>
  /** The chart groups metrics name, in the order a dashboard shows them. */
  readonly groups: ReadonlyArray<MetricGroup>
  /** The few metric keys comparisons and audits lead with. */
  readonly headline: ReadonlyArray<string>
  /** A projection of the state: never mutates it. */
  computeMetrics(state: S, config: C): Record<string, number>
  readonly milestones: ReadonlyArray<MilestoneDef>
  /** The thresholds the run's milestones are defined by (they may depend on the scenario). */
  thresholds(config: C): ReadonlyArray<MilestoneThreshold>
  /** Milestones reached at this tick, from its events and the state after them. */
  milestonesAt(events: ReadonlyArray<E>, tick: number, config: C, state: S): ReadonlyArray<MilestoneInfo>
  /** Event types after whose tick a run is over (the economy stops at a catastrophe). */
  readonly endEvents: ReadonlyArray<string>
  /** An event worth showing a person (feeds, audit), or undefined for routine ones. */
  notable(event: E, tick: number, config: C): NotableEvent | undefined
  /** The agent an event concerns, for filtering the event feed. */
  agentOf(event: { readonly type: string; readonly data: unknown }): string | undefined
  /** The audit: why a milestone (`why`, a milestone kind) was reached, from the log text. */
  explain?(logText: string, why: string): unknown
}

/**
 * Loads a kit module by URL: its default export.
 *
 * @example
 * const kit = await loadKit(import.meta.resolve("@takeoff/agents/kit"))
 */
export const loadKit = async (url: string): Promise<ModelKit> => {
  const mod = (await import(url)) as { default?: ModelKit }
  if (mod.default === undefined) throw new Error(`${url} does not export a model kit as its default`)
  return mod.default
}

/** The usual agent lookup: an `agent`, `id`, `firm` or `lab` field of the event's data. */
export const defaultAgentOf = (event: { readonly type: string; readonly data: unknown }): string | undefined => {
  const d = event.data as Record<string, unknown> | null
  if (typeof d !== "object" || d === null) return undefined
  for (const k of ["agent", "agentId", "id", "firm", "lab"]) {
    const v = d[k]
    if (typeof v === "string" || typeof v === "number") return String(v)
  }
  return undefined
}
