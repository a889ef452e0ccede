import { catchTagged, lastSealedTick, replay } from "@takeoff/core"
import type { Command } from "../command.js"
import { type CliError, EXIT, usage } from "../errors.js"
import { metricCell, metricLabel, table } from "../format.js"
import type { ModelKit } from "@takeoff/core"
import { type LogText, configOf, logErrorToCli, readLog, refuseTruncated } from "../logfile.js"

/** Resolves `--at` (a tick number or a date) to a tick within the log. */
export const resolveAt = (log: LogText, config: unknown, at: string | undefined, lastTick: number): number => {
  if (at === undefined) return lastTick
  let tick: number
  // Four digits are a year ("2030"); "t1234" forces a tick number.
  const forced = /^t(\d+)$/.exec(at)
  if (forced) tick = Number(forced[1])
  else if (/^\d+$/.test(at) && !/^\d{4}$/.test(at)) tick = Number(at)
  else if (!/^\d{4}(-\d{2})?$/.test(at)) throw usage(`--at ${at}: expected a tick number, YYYY or YYYY-MM`)
  else {
    try {
      tick = log.kit.calendar.dateToTick(config, at)
    } catch (e) {
      throw catchTagged<CliError, unknown>(e, { CliError: (e) => e }, (e) =>
        usage(`--at ${at}: ${(e as Error).message}`),
      )
    }
  }
  if (tick < 0 || tick > lastTick) {
    throw usage(
      `--at ${at}: tick ${tick} is outside the log (ticks 0..${lastTick}, ${log.kit.calendar.tickToDate(config, 0)} to ${log.kit.calendar.tickToDate(config, lastTick)})`,
    )
  }
  return tick
}

export const replayCommand = (kits: ReadonlyMap<string, ModelKit>): Command => ({
  spec: {
    name: "replay",
    summary: "state and metrics at any point of a log (seeks from the nearest snapshot)",
    args: [{ name: "log", help: "the event log" }],
    flags: [
      {
        name: "at",
        kind: "string",
        value: "TICK|DATE",
        help: "tick number or date (YYYY or YYYY-MM); default: the end",
      },
      { name: "json", kind: "boolean", help: "print {tick, date, metrics} as JSON" },
      { name: "state", kind: "boolean", help: "with --json: include the full encoded state" },
    ],
    examples: ["takeoff replay run.ndjson --at 2035-06", "takeoff replay run.ndjson --at 120 --json"],
  },
  run({ args, flags }, io) {
    const log = readLog(args.log!, kits)
    refuseTruncated(log)
    const { kit } = log
    const config = configOf(log)
    const last = lastSealedTick(log.text)
    if (last < 0) throw usage(`${log.file}: the log has no sealed ticks to replay`)
    const tick = resolveAt(log, config, flags.at as string | undefined, last)
    let r: ReturnType<typeof replay>
    try {
      r = replay(kit.model, log.text, { untilTick: tick })
    } catch (e) {
      throw logErrorToCli(log.file, e)
    }
    const metrics = kit.computeMetrics(r.state, r.config)
    const date = kit.calendar.tickToDate(r.config, r.tick)
    if (flags.json) {
      const out: Record<string, unknown> = { tick: r.tick, date, metrics }
      if (flags.state) out.state = kit.model.encodeState(r.state)
      io.out(`${JSON.stringify(out)}\n`)
      return EXIT.ok
    }
    io.out(`${log.file} at tick ${r.tick} (${date}) of ${r.lastTick}${r.end ? `, run ${r.end.reason}` : ""}\n\n`)
    io.out(
      table(
        kit.metrics
          .filter((m) => m.key in metrics)
          .map((m) => [metricLabel(m, m.key), metricCell(metrics[m.key], m), m.key]),
      ),
    )
    return EXIT.ok
  },
})
