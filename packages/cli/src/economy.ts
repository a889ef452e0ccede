import type { AnyModel } from "@takeoff/core"
import * as agents from "@takeoff/agents"
import type { ScenarioParameter } from "@takeoff/agents"

/**
 * The part of `@takeoff/agents` the CLI uses, with state and config erased to `unknown` so kits can
 * hold any model; `economy` below is the real module, type-checked against this shape.
 */
export interface Economy {
  readonly economyModel: AnyModel
  listScenarios(dir?: string): ReadonlyArray<{ name: string; title: string; description: string; file: string }>
  loadScenario(nameOrPath: string, options?: { set?: ReadonlyArray<readonly [string, string]> }): unknown
  scenarioParameters(config: unknown): ReadonlyArray<ScenarioParameter>
  readonly METRICS: ReadonlyArray<{ key: string; label: string; unit: string; log?: boolean }>
  computeMetrics(state: unknown, config: unknown): Record<string, number>
  tickToDate(config: unknown, tick: number): string
  dateToTick(config: unknown, date: string): number
  untilTickForYear(config: unknown, year: number): number
  sampleScenario(config: unknown, seed: number): { config: unknown; draws: Record<string, number> }
  explain(text: string, why: string): unknown
  notableEvent(event: { type: string; data: unknown }, tick: number, config: unknown): { summary: string } | undefined
}

export const economy: Economy = agents

/** A ScenarioError from the economy: which file and field, and what was expected. */
export const isScenarioError = (e: unknown): e is { file: string; field: string; message: string } =>
  typeof e === "object" && e !== null && (e as { _tag?: string })._tag === "ScenarioError"
