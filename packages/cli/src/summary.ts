import { metricCell, metricLabel, table } from "./format.js"
import type { ModelKit } from "@takeoff/core"

/** Years the summary reports (at the last tick of each), besides the end of the run. */
export const SUMMARY_YEARS = [2030, 2040, 2050] as const

/** Metric roles the summary shows, mapped to the economy's metric keys. */
export interface SummaryKeys {
  readonly gdp: string
  readonly aiShare: string
  /** Shown as peak and final. */
  readonly peakAndFinal: ReadonlyArray<string>
}

export interface MilestoneAt {
  readonly tick: number
  readonly date: string
}

/** What `takeoff run --json` prints. */
export interface RunReport {
  readonly scenario: string
  readonly seed: number
  readonly log: string
  readonly reason: "completed" | "stopped"
  /** The end event that ended a completed run before its until tick, e.g. "CatastropheOccurred". */
  readonly endedBy?: string
  readonly ticks: number
  readonly from: string
  readonly to: string
  readonly milestones: Readonly<Record<string, MilestoneAt | null>>
  /** Metrics at the end of 2030, 2040, 2050 (when reached) and at the last tick. */
  readonly at: Readonly<Record<string, { tick: number; date: string; metrics: Record<string, number> }>>
  readonly peaks: Readonly<Record<string, { value: number; tick: number; date: string }>>
  readonly final: Readonly<Record<string, number>>
}

/**
 * Follows a live run tick by tick and builds its summary: milestones as the kit finds them, metrics
 * at the summary years from the live state, and the peak of every metric.
 *
 * @example
 * const t = new SummaryTracker(kit, config); onTick: (tick, events, state) => t.onTick(tick, events, state)
 */
export class SummaryTracker {
  private readonly milestones = new Map<string, MilestoneAt>()
  private readonly at = new Map<string, { tick: number; date: string; metrics: Record<string, number> }>()
  private readonly peaks = new Map<string, { value: number; tick: number; date: string }>()
  private last: { tick: number; metrics: Record<string, number> } | undefined
  private readonly labels: ReadonlyMap<string, string>

  constructor(
    private readonly kit: ModelKit,
    private readonly config: unknown,
  ) {
    this.labels = new Map(kit.milestones.map((m) => [m.kind, m.label]))
  }

  onTick(tick: number, events: ReadonlyArray<{ type: string }>, state: unknown): void {
    const { kit, config } = this
    const date = kit.calendar.tickToDate(config, tick)
    for (const m of kit.milestonesAt(events, tick, config, state)) {
      const label = this.labels.get(m.kind) ?? m.kind
      if (!this.milestones.has(label)) this.milestones.set(label, { tick, date })
    }
    const metrics = kit.computeMetrics(state, config)
    this.last = { tick, metrics }
    for (const key in metrics) {
      const v = metrics[key]
      const p = this.peaks.get(key)
      if (p === undefined || v > p.value) this.peaks.set(key, { value: v, tick, date })
    }
    if (date.endsWith("-12")) {
      const year = date.slice(0, 4)
      if ((SUMMARY_YEARS as ReadonlyArray<number>).includes(Number(year))) this.at.set(year, { tick, date, metrics })
    }
  }

  finish(meta: {
    scenario: string
    seed: number
    log: string
    reason: "completed" | "stopped"
    endedBy?: string
  }): RunReport {
    const { kit, config } = this
    const last = this.last
    const at: Record<string, { tick: number; date: string; metrics: Record<string, number> }> = Object.fromEntries(
      this.at,
    )
    if (last) at.end = { tick: last.tick, date: kit.calendar.tickToDate(config, last.tick), metrics: last.metrics }
    return {
      ...meta,
      ticks: last ? last.tick + 1 : 0,
      from: kit.calendar.tickToDate(config, 0),
      to: kit.calendar.tickToDate(config, last ? last.tick : 0),
      milestones: Object.fromEntries([...this.labels.values()].map((l) => [l, this.milestones.get(l) ?? null])),
      at,
      peaks: Object.fromEntries(this.peaks),
      final: last?.metrics ?? {},
    }
  }
}

/** The human-readable summary printed at the end of `takeoff run`. */
export const formatSummary = (s: RunReport, kit: ModelKit, keys: SummaryKeys): string => {
  const info = new Map(kit.metrics.map((m) => [m.key, m]))
  const label = (k: string) => metricLabel(info.get(k), k)
  const fmt = (k: string, v: number | undefined) => metricCell(v, info.get(k))
  const ms = Object.entries(s.milestones)
    .map(([l, m]) => `${l} ${m ? m.date : l === "catastrophe" ? "none" : "not reached"}`)
    .join(" · ")
  const cols = [...SUMMARY_YEARS.map(String).filter((y) => s.at[y]), "end"]
  const head = ["", ...cols.map((c) => (c === "end" ? `end (${s.at.end?.date ?? "-"})` : c))]
  const rows = [keys.gdp, keys.aiShare].map((k) => [label(k), ...cols.map((c) => fmt(k, s.at[c]?.metrics[k]))])
  const pf = keys.peakAndFinal.map((k) => [
    label(k),
    fmt(k, s.peaks[k]?.value),
    s.peaks[k]?.date ?? "-",
    fmt(k, s.final[k]),
  ])
  return [
    // A run its end event cut short (a catastrophe) must not read as an ordinary completion.
    `${s.scenario}, seed ${s.seed}: ${s.from} to ${s.to} (${s.ticks} ticks), ${s.endedBy === undefined ? s.reason : `ended early by ${s.endedBy}`}. Log: ${s.log}`,
    `Milestones: ${ms}`,
    "",
    table([head, ...rows]).trimEnd(),
    "",
    table([["", "peak", "when", "final"], ...pf]).trimEnd(),
    "",
  ].join("\n")
}
