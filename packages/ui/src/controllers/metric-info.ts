import type { ReactiveControllerHost } from "lit"
import { api } from "../api.js"
import type { MetricInfo } from "../dashboard.js"

/**
 * What the server says about the model's metrics (labels, units, log hints), learnt from metrics
 * responses. Every run has the same model, so one run's answer serves them all. It has no part in
 * the host's lifecycle; it asks the host to re-render when it learns something.
 */
export class MetricInfoController {
  /** By metric key; a new map on every change, so views see a changed property. */
  info: ReadonlyMap<string, MetricInfo> = new Map()
  private loading = false

  constructor(private readonly host: ReactiveControllerHost) {}

  /** Takes the metric descriptions a metrics response carried. */
  learn(metrics: ReadonlyArray<MetricInfo> | undefined): void {
    if (!metrics?.length) return
    const next = new Map(this.info)
    for (const m of metrics) next.set(m.key, m)
    this.info = next
    this.host.requestUpdate()
  }

  /** Fetches the descriptions once, from the first run seen, unless they are known or on their way. */
  ensure(runId: string | null | undefined): void {
    if (!runId || this.info.size > 0 || this.loading) return
    this.loading = true
    api
      .metrics(runId, { fromTick: 0, toTick: 0 })
      .then((page) => this.learn(page.metrics))
      .catch(() => undefined)
      .finally(() => {
        this.loading = false
      })
  }
}
