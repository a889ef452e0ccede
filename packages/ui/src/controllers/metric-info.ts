import type { MetricGroup, MetricInfo, MetricsPage, MilestoneThreshold } from "@takeoff/protocol"
import type { ReactiveControllerHost } from "lit"
import { api } from "../api.js"

/**
 * What the server says about the model's metrics (labels, units, chart groups, log hints) and the
 * milestone thresholds, learnt from metrics responses. Every run has the same model, so one run's
 * answer serves them all; thresholds are the last run's (they come from its scenario). It has no
 * part in the host's lifecycle; it asks the host to re-render when it learns something.
 */
export class MetricInfoController {
  /** By metric key; a new map on every change, so views see a changed property. */
  info: ReadonlyMap<string, MetricInfo> = new Map()
  groups: ReadonlyArray<MetricGroup> = []
  thresholds: ReadonlyArray<MilestoneThreshold> = []
  private loading = false

  constructor(private readonly host: ReactiveControllerHost) {}

  /** Takes the metric descriptions, groups and thresholds a metrics response carried. */
  learn(page: Partial<Pick<MetricsPage, "metrics" | "groups" | "thresholds">>): void {
    if (!page.metrics?.length) return
    const next = new Map(this.info)
    for (const m of page.metrics) next.set(m.key, m)
    this.info = next
    if (page.groups) this.groups = page.groups
    if (page.thresholds) this.thresholds = page.thresholds
    this.host.requestUpdate()
  }

  /** Fetches the descriptions once, from the first run seen, unless they are known or on their way. */
  ensure(runId: string | null | undefined): void {
    if (!runId || this.info.size > 0 || this.loading) return
    this.loading = true
    api
      .metrics(runId, { fromTick: 0, toTick: 0 })
      .then((page) => this.learn(page))
      .catch(() => undefined)
      .finally(() => {
        this.loading = false
      })
  }
}
