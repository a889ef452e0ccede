import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Readable } from "node:stream"
import {
  fanChart,
  gridPoints,
  longCsvChunks,
  writeLongParquet,
  oatEffectsDated,
  oatRowsOf,
  rowOutcomes,
  type SweepRunResult,
  sweepLongRuns,
  sweepStats,
} from "@takeoff/agents"
import type { ModelKit } from "@takeoff/core"
import type { SweepDetail, SweepFan, SweepMember, SweepOat } from "@takeoff/protocol"
import { badRequest } from "./errors.js"
import { memberOf, type Sweep } from "./sweeps.js"

/** Rows one series download may hold: written in memory on the server's thread, so bounded (about 0.5 GB of CSV). */

/** Influences shown per sweep (the tornado chart's bars). */
const MAX_INFLUENCES = 16

const configOf = (kit: ModelKit, sweep: Sweep) =>
  kit.scenarios.load(sweep.summary.scenario, Object.fromEntries(sweep.meta.plan.sets))

const dateOr = (kit: ModelKit, config: unknown, t: number | null): string | null =>
  t === null || !Number.isFinite(t) ? null : kit.calendar.tickToDate(config, t)

const cache = new WeakMap<Sweep, { version: number; detail: SweepDetail }>()

/**
 * A sweep's summary with its statistics over the members finished so far: milestone shares and
 * P10/P50/P90 dates, the parameters' Spearman rho with each milestone date, and every member's
 * milestone dates (the histograms and the table). Recomputed only when a member finished since.
 */
export const sweepDetail = (kit: ModelKit, sweep: Sweep): SweepDetail => {
  const hit = cache.get(sweep)
  if (hit && hit.version === sweep.version) return hit.detail
  const config = configOf(kit, sweep)
  const results = sweep.finished()
  const labels = kit.milestones.map((m) => m.label)
  const stats = sweepStats(results, labels)
  const paramLabels = new Map(kit.scenarios.parameters(config).map((p) => [p.path, p.label]))
  const detail: SweepDetail = {
    summary: sweep.summary,
    milestones: stats.milestones.map((m, i) => ({
      kind: kit.milestones[i].kind,
      label: m.label,
      reached: m.reached,
      p10: dateOr(kit, config, m.p10),
      p50: dateOr(kit, config, m.p50),
      p90: dateOr(kit, config, m.p90),
    })),
    influences: stats.influences.slice(0, MAX_INFLUENCES).map((inf) => ({
      path: inf.path,
      label: paramLabels.get(inf.path) ?? inf.path,
      rho: Object.fromEntries(Object.entries(inf.rho).map(([l, v]) => [l, Number.isFinite(v) ? v : null])),
    })),
    members: results.map((r) => ({
      index: r.index,
      seed: r.seed,
      milestones: Object.fromEntries(Object.entries(r.milestones).map(([l, t]) => [l, dateOr(kit, config, t)])),
    })),
    metrics: kit.metrics.filter((m) => sweep.meta.plan.fanKeys.includes(m.key)),
    thresholds: kit.thresholds(config),
    ...(sweep.summary.axes
      ? {
          grid: gridPoints(sweep.summary.axes, results, sweep.summary.runs, labels).map((p) => ({
            values: p.values,
            runs: p.runs,
            milestones: Object.fromEntries(labels.map((l) => [l, dateOr(kit, config, p.milestones[l])])),
          })),
        }
      : {}),
    ...(sweep.summary.design === "oat" ? { oat: oatOf(kit, sweep, config, results, labels) } : {}),
  }
  cache.set(sweep, { version: sweep.version, detail })
  return detail
}

/**
 * A one-at-a-time sweep's tornado over the members finished so far: the rows recovered from the
 * stored tasks (row r's runs are r x runs ..), each parameter's ends and milestone dates, widest
 * swing first; a milestone not reached counts as a year past the horizon, as `takeoff sweep` counts it.
 */
const oatOf = (
  kit: ModelKit,
  sweep: Sweep,
  config: unknown,
  results: ReadonlyArray<SweepRunResult>,
  labels: ReadonlyArray<string>,
): SweepOat => {
  const reps = sweep.summary.runs
  const { tasks, plan } = sweep.meta
  const rows = oatRowsOf(tasks.filter((_, i) => i % reps === 0).map((t) => t.draws ?? {}))
  return oatEffectsDated(rows, rowOutcomes(results, rows.length, reps), labels, plan.lastTick + 12, (t) =>
    dateOr(kit, config, t),
  )
}

/** P10/P50/P90 per year of one metric over the finished members. */
export const sweepFan = (kit: ModelKit, sweep: Sweep, metric: string): SweepFan => {
  const keys = sweep.meta.plan.fanKeys
  if (!keys.includes(metric))
    throw badRequest(`metric: unknown metric "${metric}" (known: ${keys.join(", ")})`, "metric")
  const config = configOf(kit, sweep)
  const startYear = Number(kit.calendar.tickToDate(config, 0).slice(0, 4))
  const years = Array.from({ length: sweep.summary.untilYear - startYear + 1 }, (_, i) => startYear + i)
  const f = fanChart(sweep.finished(), [metric], years)[metric]
  return { metric, years, ...f }
}

/** One finished member: its seed, draws and milestone dates, enough to rerun it alone. */
export const sweepMember = (kit: ModelKit, sweep: Sweep, index: number): SweepMember => {
  const r = memberOf(sweep, index)
  const config = configOf(kit, sweep)
  return {
    index: r.index,
    seed: r.seed,
    draws: r.draws,
    milestones: Object.fromEntries(Object.entries(r.milestones).map(([l, t]) => [l, dateOr(kit, config, t)])),
  }
}

/**
 * The finished members' yearly series in long format (one row per run, year and metric, the run's
 * parameter draws as `param.<path>` columns), written by the same writer as `takeoff sweep`'s
 * `.series.csv` / `.series.parquet`. `metrics` (comma-separated) picks the metrics, default all recorded.
 *
 * @example
 * sweepSeries(kit, sweep, "parquet", "gdpUsd,aiShare") // a stream of the Parquet file
 */
export const sweepSeries = (
  kit: ModelKit,
  sweep: Sweep,
  format: "csv" | "parquet",
  metrics: string | undefined,
): Iterable<string> | ReadableStream<Uint8Array> => {
  const recorded = sweep.meta.plan.fanKeys
  const asked = (metrics ?? "").split(",").filter((m) => m !== "")
  for (const m of asked)
    if (!recorded.includes(m))
      throw badRequest(`metrics: unknown metric "${m}" (known: ${recorded.join(", ")})`, "metrics")
  const keys = asked.length > 0 ? [...new Set(asked)] : recorded
  const runs = sweepLongRuns(kit, configOf(kit, sweep), sweep.summary.scenario, sweep.finished(), keys)
  // The CSV streams in chunks, whatever its size; Parquet's writer holds every column at once.
  if (format === "csv") return longCsvChunks(runs, keys)
  // Parquet's footer comes last: the file is written a few runs' row group at a time to a
  // temporary file, streamed from it, and removed once sent (or the client has gone).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-series-"))
  const file = path.join(dir, "series.parquet")
  try {
    writeLongParquet(file, runs, keys)
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw e
  }
  const stream = fs.createReadStream(file)
  stream.once("close", () => fs.rmSync(dir, { recursive: true, force: true }))
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>
}
