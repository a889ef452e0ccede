import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { Worker, type WorkerOptions } from "node:worker_threads"
import type { AnyModel } from "@takeoff/core"
import type { MilestoneInfo, NotableEvent } from "@takeoff/agents/protocol"

/** A scenario as listed by the API. */
export interface ScenarioInfo {
  readonly name: string
  readonly title: string
  readonly description: string
}

/** One tunable parameter of a scenario, with its default, unit and source. */
export interface ParameterInfo {
  readonly path: string
  readonly group: string
  readonly label: string
  readonly unit: string
  readonly value: unknown
  readonly source: string
  readonly assumption: boolean
  readonly min?: number
  readonly max?: number
  readonly description: string
}

export interface MetricInfo {
  readonly key: string
  readonly label: string
  readonly unit: string
  readonly log?: boolean
}

/** A request the model refused: which field, and what was expected. */
export class ScenarioRejected extends Error {
  readonly _tag = "ScenarioRejected"
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Everything the server needs to know about a model, so that the run manager, the workers and the
 * routes stay generic: the economy is one adapter, the engine's walkers (used in tests) another.
 * An adapter is a module exporting `adapter`; workers import it by URL, because functions cannot
 * cross thread boundaries.
 */
export interface ModelAdapter {
  readonly model: AnyModel
  listScenarios(): ReadonlyArray<ScenarioInfo>
  /** The parameters of a listed scenario. Throws ScenarioRejected for an unknown name. */
  scenarioParameters(name: string): ReadonlyArray<ParameterInfo>
  /** The config of a listed scenario with overrides applied; throws ScenarioRejected naming the field. */
  loadScenario(name: string, overrides: Readonly<Record<string, unknown>>): unknown
  readonly metrics: ReadonlyArray<MetricInfo>
  computeMetrics(state: unknown, config: unknown): Readonly<Record<string, number>>
  tickToDate(config: unknown, tick: number): string
  dateToTick(config: unknown, date: string): number
  /** The last tick to simulate (inclusive) given an optional last year. */
  untilTick(config: unknown, untilYear?: number): number
  /** Milestones reached at this tick, from its events and the state after them. */
  milestones(
    events: ReadonlyArray<unknown>,
    tick: number,
    config: unknown,
    state: unknown,
  ): ReadonlyArray<MilestoneInfo>
  notable(event: unknown, tick: number, config: unknown): NotableEvent | undefined
  /** The agent an event concerns, for filtering the event feed. */
  agentOf(event: { type: string; data: unknown }): string | undefined
  /** The audit: why a milestone was reached, from the log text. */
  explain(logText: string, why: string): unknown
}

/** Loads an adapter module by URL (the module exports `adapter`). */
export const loadAdapter = async (url: string): Promise<ModelAdapter> => {
  const mod = (await import(url)) as { adapter?: ModelAdapter }
  if (mod.adapter === undefined) throw new Error(`${url} does not export an adapter`)
  return mod.adapter
}

/** Default agent lookup: an `agent`, `id` or `firm` field of the event's data. */
export const defaultAgentOf = (event: { type: string; data: unknown }): string | undefined => {
  const d = event.data as Record<string, unknown> | null
  if (typeof d !== "object" || d === null) return undefined
  for (const k of ["agent", "agentId", "id", "firm", "lab"]) {
    const v = d[k]
    if (typeof v === "string" || typeof v === "number") return String(v)
  }
  return undefined
}

/**
 * Starts a worker on a module beside `base`: the built `.js` in dist, or, when the server itself
 * runs from source (tests), the `.ts` source through tsx, registered inside the worker because
 * Node 20 ignores `--import` in a worker's execArgv.
 */
export const spawnWorker = (name: string, base: string, options: WorkerOptions): Worker => {
  if (!base.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, base), options)
  // require.resolve picks tsx's CommonJS build; the worker needs its ES module twin beside it.
  const tsx = pathToFileURL(
    createRequire(base)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href
  const target = new URL(`./${name}.ts`, base).href
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(target)}) })`
  return new Worker(code, { ...options, eval: true })
}

/** URL of a module beside `base`, in the same form (`.ts` from source, `.js` built). */
export const siblingUrl = (name: string, base: string): string =>
  new URL(`./${name}.${base.endsWith(".ts") ? "ts" : "js"}`, base).href
