import * as path from "node:path"
import { type LongRun, longCsv, longParquet, type Series } from "@takeoff/agents"
import { replay } from "@takeoff/core"
import { checkWritable, writeFileAtomic } from "../atomic.js"
import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"
import type { ModelKit } from "@takeoff/core"
import { configOf, logErrorToCli, readLog, refuseTruncated } from "../logfile.js"

/** CSV cells: numbers in shortest round-trip form, so a spreadsheet gets the exact value. */
export const seriesToCsv = (s: Series, keys: ReadonlyArray<string>): string => {
  const lines = [["tick", "date", ...keys].join(",")]
  for (let i = 0; i < s.ticks.length; i++) {
    lines.push([s.ticks[i], s.dates[i], ...keys.map((k) => s.columns[k][i])].join(","))
  }
  return `${lines.join("\n")}\n`
}

export const exportCommand = (kits: ReadonlyMap<string, ModelKit>): Command => ({
  spec: {
    name: "export",
    summary: "metric time series of a log as CSV, JSON or Parquet (for spreadsheets and notebooks)",
    args: [{ name: "log", help: "the event log" }],
    flags: [
      {
        name: "format",
        kind: "string",
        value: "csv|json|long-csv|parquet",
        help: "output format (default csv); long-csv and parquet have a row per tick and metric",
      },
      {
        name: "metrics",
        kind: "list",
        value: "a,b",
        help: "metric keys to export (default all); repeat or comma-separate",
      },
      { name: "every", kind: "int", value: "N", help: "one row every N ticks (default 1)" },
      { name: "out", alias: "o", kind: "string", value: "FILE", help: "write to FILE instead of stdout" },
    ],
    notes:
      "JSON is {ticks, dates, columns: {key: [...]}} like GET /api/runs/:id/metrics.\n" +
      "long-csv and parquet: columns run, scenario, seed, tick, date, metric, value (parquet needs --out).\n" +
      'pandas: pd.read_parquet("run.parquet").pivot_table(index="date", columns="metric", values="value")',
    examples: [
      "takeoff export run.ndjson --format csv --metrics gdpUsd,aiShare > run.csv",
      "takeoff export run.ndjson --format json --every 12 -o yearly.json",
      "takeoff export run.ndjson --format parquet -o run.parquet",
    ],
  },
  run({ args, flags }, io) {
    const format = (flags.format as string | undefined) ?? "csv"
    if (!["csv", "json", "long-csv", "parquet"].includes(format))
      throw usage(`--format: expected csv, json, long-csv or parquet, got ${JSON.stringify(format)}`)
    const every = (flags.every as number | undefined) ?? 1
    if (every < 1) throw usage(`--every: expected a positive integer, got ${every}`)
    const log = readLog(args.log!, kits)
    refuseTruncated(log)
    const { kit } = log
    const known = kit.metrics.map((m) => m.key)
    const asked = ((flags.metrics as string[] | undefined) ?? []).flatMap((m) => m.split(",")).filter((m) => m !== "")
    for (const m of asked) {
      if (!known.includes(m)) throw usage(`--metrics: unknown metric "${m}" (known: ${known.join(", ")})`)
    }
    const keys = asked.length ? asked : known
    const out = flags.out as string | undefined
    if (format === "parquet" && out === undefined) throw usage("--format parquet: needs --out FILE (Parquet is binary)")
    if (out !== undefined) checkWritable(out, "--out")
    const config = configOf(log)
    const series: Series = { ticks: [], dates: [], columns: Object.fromEntries(keys.map((k) => [k, []])) }
    const push = (tick: number, state: unknown) => {
      const m = kit.computeMetrics(state, config)
      series.ticks.push(tick)
      series.dates.push(kit.calendar.tickToDate(config, tick))
      for (const k of keys) series.columns[k].push(m[k])
    }
    try {
      const r = replay(kit.model, log.text, {
        onTick: (tick, _events, state) => {
          if (tick % every === 0) push(tick, state)
        },
      })
      if (r.tick >= 0 && series.ticks[series.ticks.length - 1] !== r.tick) push(r.tick, r.state)
    } catch (e) {
      throw logErrorToCli(log.file, e)
    }
    const long: LongRun[] = [
      {
        run: path.basename(log.file).replace(/\.ndjson(\.gz)?$/, ""),
        scenario: String(log.header.meta.scenario ?? (config as { name?: string }).name ?? ""),
        seed: log.header.seed,
        draws: {},
        series,
      },
    ]
    const body =
      format === "csv"
        ? seriesToCsv(series, keys)
        : format === "long-csv"
          ? longCsv(long, keys)
          : format === "parquet"
            ? new Uint8Array(longParquet(long, keys))
            : `${JSON.stringify(series)}\n`
    if (out === undefined) io.out(body as string)
    else {
      writeFileAtomic(out, body)
      const rows =
        format === "long-csv" || format === "parquet"
          ? `${series.ticks.length * keys.length} rows (tick x metric)`
          : `${series.ticks.length} rows x ${keys.length} metrics`
      io.err(`wrote ${rows} to ${out}\n`)
    }
    return EXIT.ok
  },
})
