import type { AnyModel } from "@takeoff/core"

/** A metric the CLI can show and export. */
export interface MetricInfo {
  readonly key: string
  readonly label: string
  readonly unit: string
}

/**
 * What the log commands (verify, replay, diff, export, audit) need from a model: the model itself,
 * its metrics (a projection of state) and its calendar. Logs say which model wrote them, so every
 * model registered here can be checked and replayed.
 */
export interface ModelKit {
  readonly model: AnyModel
  readonly metrics: ReadonlyArray<MetricInfo>
  /** The few metrics `diff` and summaries lead with. */
  readonly headline: ReadonlyArray<string>
  /** Event types that mark milestones, with the label people see (e.g. AgiReached -> "AGI"). */
  readonly milestoneEvents: Readonly<Record<string, string>>
  /** Event types after whose tick a run ends (the economy stops at a catastrophe). */
  readonly endEvents?: ReadonlyArray<string>
  computeMetrics(state: unknown, config: unknown): Record<string, number>
  /** Ticks have dates ("YYYY-MM"): a four-digit `--at` is then a year, not a tick. */
  readonly calendar: boolean
  /** "YYYY-MM" for calendar models, `tick N` otherwise. */
  tickToDate(config: unknown, tick: number): string
  /** Parses `--at`: a tick number or a date the model's calendar understands. Throws on nonsense. */
  dateToTick(config: unknown, date: string): number
  /** One line for an event worth showing a person (feeds, audit), or undefined for routine ones. */
  notable?(event: { type: string; data: unknown }, tick: number, config: unknown): string | undefined
  /** The audit, if the model can explain its outcomes. */
  explain?(text: string, why: string): unknown
  /** Human-readable rendering of `explain`'s result. */
  formatExplanation?(explanation: unknown): string
}
