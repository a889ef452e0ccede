import type { CreateRunRequest, RunSummary } from "@takeoff/protocol"
import type { ReactiveController, ReactiveControllerHost } from "lit"
import { api } from "../api.js"
import { isTerminal } from "../run-stream.js"
import { RunSeries } from "../series.js"
import type { MetricInfoController } from "./metric-info.js"
import type { UrlStateController } from "./url-state.js"

/** One run overlaid in the comparison: its summary and its metric history. */
export interface CompareRun {
  readonly run: RunSummary
  readonly series: RunSeries
}

export interface CompareOptions {
  /** The runs chosen are the URL's `compare` ids. */
  readonly url: UrlStateController
  readonly metrics: MetricInfoController
  readonly onError: (e: unknown) => void
}

/** How often runs still going are polled, so their overlay fills in. */
const POLL_MS = 700

/**
 * The runs overlaid in the Compare view: loads each chosen run's metrics (polling runs still going
 * until they end), keeps the choice in the URL, and starts one scenario with several seeds.
 *
 * @example
 * compare = new CompareController(this, { url: this.url, metrics: this.metricInfo, onError: (e) => this.fail(e) })
 * compare.toggle(runId, true)
 */
export class CompareController implements ReactiveController {
  runs: CompareRun[] = []
  /** The seeds field as typed (kept across view switches). */
  seedsText = "1, 2"
  /**
   * The scenarios ticked to compare at one seed: the default comparison, since two seeds of one
   * scenario mostly coincide while scenarios differ in what a modeller is asking about.
   */
  scenariosPicked: string[] = []

  private pollTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: CompareOptions,
  ) {
    host.addController(this)
  }

  hostDisconnected(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.pollTimer = null
  }

  setSeedsText(text: string): void {
    this.seedsText = text
    this.host.requestUpdate()
  }

  /** Ticks a scenario for the comparison or unticks it. */
  pickScenario(name: string, on: boolean): void {
    this.scenariosPicked = on
      ? [...new Set([...this.scenariosPicked, name])]
      : this.scenariosPicked.filter((n) => n !== name)
    this.host.requestUpdate()
  }

  /** Starts each scenario picked at one seed and compares the runs; a message when fewer than two are picked. */
  async runScenarios(seed: number, untilYear: number | undefined): Promise<string | null> {
    if (this.scenariosPicked.length < 2) return "Scenarios: tick two or more to compare"
    await this.startAndCompare(
      this.scenariosPicked.map((scenario) => ({ scenario, seed, untilYear, ticksPerSecond: null })),
    )
    return null
  }

  /**
   * Starts `scenario` (if there is one) once per seed typed (with the parameter overrides given) and compares the runs.
   * Returns a message for the user when the seeds field does not hold two or more whole numbers.
   */
  async runSeeds(
    scenario: string | undefined,
    overrides: CreateRunRequest["overrides"],
    untilYear: number | undefined,
  ): Promise<string | null> {
    const seeds = this.seedsText
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number)
    if (seeds.length < 2 || seeds.some((s) => !Number.isInteger(s) || s < 0))
      return "Seeds: give two or more whole numbers, e.g. 1, 2"
    if (!scenario) return null
    await this.startAndCompare(seeds.map((seed) => ({ scenario, seed, overrides, untilYear, ticksPerSecond: null })))
    return null
  }

  /** Starts the runs at full speed, puts them in the address bar and compares them; errors go to `onError`. */
  private async startAndCompare(requests: ReadonlyArray<CreateRunRequest>): Promise<void> {
    try {
      const runs = await Promise.all(requests.map((r) => api.createRun(r)))
      const ids = runs.map((r) => r.id)
      this.options.url.push({ view: "compare", compare: ids })
      await this.load(ids)
    } catch (e) {
      this.options.onError(e)
    }
  }

  /** Adds a run to the comparison or takes it out. */
  toggle(id: string, on: boolean): void {
    const set = new Set(this.options.url.state.compare)
    if (on) set.add(id)
    else set.delete(id)
    const ids = [...set]
    this.options.url.push({ compare: ids }, true)
    if (ids.length) void this.load(ids)
    else {
      this.runs = []
      this.host.requestUpdate()
    }
  }

  /** Loads each run's metrics; runs still going are polled until they end, so the overlay fills in. */
  async load(ids: string[]): Promise<void> {
    try {
      const loaded = await Promise.all(
        ids.map(async (id) => {
          const [run, page] = await Promise.all([api.run(id), api.metrics(id)])
          this.options.metrics.learn(page)
          const series = new RunSeries()
          series.appendColumns(page.ticks, page.dates, page.columns)
          return { run, series }
        }),
      )
      // The choice changed while these were loading: the newer load decides.
      if (this.options.url.state.compare.join(",") !== ids.join(",")) return
      this.runs = loaded
      this.host.requestUpdate()
      if (loaded.some((c) => !isTerminal(c.run.status))) this.pollTimer = setTimeout(() => void this.load(ids), POLL_MS)
    } catch (e) {
      this.options.onError(e)
    }
  }
}
