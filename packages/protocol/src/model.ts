/**
 * What a model publishes about itself over the wire: its scenarios and their parameters, its
 * metrics (unit, chart group, axis hint), its milestones and their thresholds, notable events and
 * the audit of a milestone. The model's kit (core's `ModelKit`) produces these; the server sends
 * them and the UI draws from them, so no side guesses from key names.
 */

/** A scenario as listed by the API. */
export interface ScenarioInfo {
  readonly name: string
  readonly title: string
  readonly description: string
  /** The scenario's file, for local tools (the server does not send it). */
  readonly file?: string
}

/** One tunable parameter of a scenario, with its default, unit and source. */
export interface ParameterInfo {
  readonly path: string
  readonly group: string
  readonly label: string
  readonly unit: string
  readonly value: unknown
  /** Where the value comes from; null when nothing is cited (the API says "assumption (no source)"). */
  readonly source: string | null
  readonly assumption: boolean
  readonly min?: number
  readonly max?: number
  readonly description: string
  /** The scenario's declared distribution for it (sampled by `--sample` and sweeps), e.g. "lognormal(median 1, sigma 0.6)". */
  readonly distribution?: string
}

/** A scenario with its parameters (`GET /api/scenarios`). */
export interface ScenarioDetail extends ScenarioInfo {
  readonly parameters: ReadonlyArray<ParameterInfo>
}

/** A design's name, as `takeoff sweep --design` and the API take it. */
export type DesignName = "lhs" | "random" | "saltelli" | "grid" | "oat"

/** `POST /api/scenarios/yaml`: edited parameters saved as a scenario file that `extends:` the edited one. */
export interface ScenarioYamlRequest {
  /** The scenario the edits were made on (a listed name). */
  readonly scenario: string
  /** The new scenario's name: lower-case letters, digits and dashes. */
  readonly name: string
  readonly title?: string
  readonly description?: string
  /** Parameter path -> edited value (a number or numeric string); unchanged ones are left out of the file. */
  readonly overrides: Readonly<Record<string, unknown>>
}

/** The scenario file for a ScenarioYamlRequest. */
export interface ScenarioYaml {
  readonly name: string
  /** A file name for it, `<name>.yaml`: put it in scenarios/ or pass its path to `takeoff run`. */
  readonly file: string
  readonly yaml: string
}

/** A parameter an `extends:` scenario sets: its value in the scenario it extends and its own. */
export interface ScenarioOverride {
  readonly path: string
  readonly label: string
  readonly unit: string
  /** The extended scenario's value. */
  readonly base: number
  readonly value: number
  readonly source: string | null
  readonly assumption: boolean
  readonly note?: string
  /**
   * The extended scenario samples this parameter, but the file sets its value without a
   * distribution, so here it is fixed: a sweep of this scenario does not vary it.
   */
  readonly dropsDistribution?: boolean
}

/** An uncertain parameter of a scenario: its distribution, where its P10..P90 lies, its source. */
export interface ScenarioDistribution {
  readonly path: string
  readonly label: string
  readonly unit: string
  /** The distribution's family: normal, lognormal, uniform, triangular. */
  readonly kind: string
  /** The family's parameters, e.g. { median: 1, sigma: 0.6 }. */
  readonly parameters: Readonly<Record<string, number>>
  /** Quantiles, clamped to the parameter's bounds as the draws are. */
  readonly p10: number
  readonly p50: number
  readonly p90: number
  /** The scenario's point value (what a run without sampling uses). */
  readonly value: number
  readonly source: string | null
  readonly assumption: boolean
  readonly note?: string
}

/** What a scenario is made of (`takeoff scenarios NAME`): what it extends and overrides, and its distributions. */
export interface ScenarioAnatomy {
  readonly name: string
  readonly title: string
  readonly description: string
  /** The scenario it extends (`extends:`), or null. */
  readonly extends: string | null
  readonly start: string
  readonly endYear: number
  /** The parameters the file itself sets over the extended scenario (empty without `extends:`). */
  readonly overrides: ReadonlyArray<ScenarioOverride>
  readonly distributions: ReadonlyArray<ScenarioDistribution>
}

/** What a design is and what it takes, for a CLI's help, the server and the UI to list (the
 * economy's are `DESIGNS` in @takeoff/agents). */
export interface DesignInfo {
  readonly name: DesignName
  readonly title: string
  readonly description: string
  /** What it does with the scenario's declared distributions. */
  readonly distributions: "sampled" | "quantiles" | "fixed"
  /** What it does with `--vary`: draw uniformly in `lo..hi`, take `lo:hi:n` levels, take the range's ends, or refuse. */
  readonly vary: "uniform" | "levels" | "ends" | "refused"
  /** The number of runs, in N (`--runs`), k (distributions), v (--vary parameters) and the levels. */
  readonly runs: string
}

/** One metric a model publishes every tick. */
export interface MetricInfo {
  readonly key: string
  readonly label: string
  readonly unit: string
  /** Best plotted on a log axis. */
  readonly log?: boolean
  /** The id of the chart group (see MetricGroup) the metric is drawn in; none: a chart of its own. */
  readonly group?: string
}

/** A chart that gathers metrics: a dashboard shows groups in the order the model lists them. */
export interface MetricGroup {
  readonly id: string
  readonly title: string
  /** The unit on the axis when it is not the members' own (e.g. "×" for an index). */
  readonly unit?: string
  /** Log axis (default: when every member is a log metric). */
  readonly log?: boolean
  /** "index": each series divided by its first finite non-zero value (start = 1). */
  readonly transform?: "index"
  readonly yMin?: number
  readonly yMax?: number
}

export type MilestoneKind = "agi" | "asi" | "post-scarcity" | "catastrophe"

/** A milestone reached in a run. */
export interface MilestoneInfo {
  readonly kind: MilestoneKind
  readonly tick: number
  readonly date: string
  readonly value: number
}

/** A threshold a milestone is defined by, drawn as a line on the chart of `metric`. */
export interface MilestoneThreshold {
  readonly kind: MilestoneKind
  /** What people call it, e.g. "AGI". */
  readonly label: string
  readonly metric: string
  readonly value: number
}

export interface NotableEvent {
  readonly tick: number
  readonly date: string
  readonly type: string
  readonly agent?: string
  readonly summary: string
  readonly data?: unknown
}

/** The audit of a milestone (`GET /api/runs/:id/audit`): how and why it was reached. */
export interface Explanation {
  readonly why: string
  readonly reached: boolean
  readonly summary: string
  readonly milestone: { readonly type: string; readonly tick: number; readonly date: string } | null
  readonly crossing: {
    readonly metric: string
    readonly threshold: number
    readonly before: { readonly tick: number; readonly date: string; readonly value: number } | null
    readonly after: { readonly tick: number; readonly date: string; readonly value: number } | null
  }
  /** What moved the metric, by driver: its identifier, its name for people (when the model gives one), its part. */
  readonly drivers: ReadonlyArray<{
    readonly driver: string
    readonly label?: string
    readonly contribution: number
    readonly share: number
  }>
  readonly events: ReadonlyArray<NotableEvent & { readonly contribution?: number }>
}
