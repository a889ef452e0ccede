import { type EncodedEvent, logLinesOf, replay } from "@takeoff/core"
import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"
import { metricCell, metricLabel, table } from "../format.js"
import type { ModelKit } from "@takeoff/core"
import { presentationOf } from "../models.js"
import { type LogText, configOf, logErrorToCli, readLog, refuseTruncated } from "../logfile.js"

const MILESTONES = ["agi", "asi", "post-scarcity"]

/** Finds an event by id: `TICK:INDEX` (as `diff` prints) or an event type (its first occurrence). */
const findEvent = (log: LogText, id: string): { tick: number; index: number; event: EncodedEvent; line: number } => {
  const m = /^(\d+):(\d+)$/.exec(id)
  const wanted = m ? Number(m[1]) : undefined
  for (const l of logLinesOf(log.text)) {
    if (l.kind !== "tick" || (wanted !== undefined && l.tick !== wanted)) continue
    const rec = JSON.parse(l.text) as { tick: number; events: EncodedEvent[] }
    if (m) {
      const index = Number(m[2])
      if (index >= rec.events.length) {
        throw usage(
          `--why ${id}: tick ${rec.tick} has ${rec.events.length} events (indexes 0..${rec.events.length - 1})`,
        )
      }
      return { tick: rec.tick, index, event: rec.events[index], line: l.n }
    }
    const index = rec.events.findIndex((e) => e.type === id)
    if (index >= 0) return { tick: rec.tick, index, event: rec.events[index], line: l.n }
  }
  throw usage(
    m
      ? `--why ${id}: the log has no tick ${m[1]}`
      : `--why ${id}: expected agi, asi, post-scarcity, an event id TICK:INDEX or an event type that occurs in the log`,
  )
}

/** Explains one event: what it was, how the headline metrics moved over its tick, what came before. */
const explainEvent = (log: LogText, id: string): { json: unknown; text: string } => {
  const { kit } = log
  const found = findEvent(log, id)
  const config = configOf(log)
  let before: Record<string, number> | undefined
  let after: Record<string, number> | undefined
  const earlier: Array<{ tick: number; date: string; type: string; summary: string }> = []
  try {
    replay(kit.model, log.text, {
      untilTick: found.tick,
      useSnapshots: false,
      onTick: (tick, events, state) => {
        if (tick === found.tick - 1) before = kit.computeMetrics(state, config)
        if (tick === found.tick) after = kit.computeMetrics(state, config)
        if (tick < found.tick - 12) return
        for (const e of events) {
          const summary = kit.notable(e, tick, config)?.summary
          if (summary !== undefined && tick <= found.tick) {
            earlier.push({ tick, date: kit.calendar.tickToDate(config, tick), type: e.type, summary })
          }
        }
      },
    })
  } catch (e) {
    throw logErrorToCli(log.file, e)
  }
  const date = kit.calendar.tickToDate(config, found.tick)
  const data = JSON.stringify(found.event.data)
  const info = new Map(kit.metrics.map((m) => [m.key, m]))
  const moves = kit.headline.map((k) => ({ key: k, before: before?.[k] ?? null, after: after?.[k] ?? null }))
  const json = {
    id: `${found.tick}:${found.index}`,
    tick: found.tick,
    date,
    line: found.line,
    event: found.event,
    metrics: moves,
    earlier,
  }
  const text = [
    `Event ${found.tick}:${found.index} — ${found.event.type} at tick ${found.tick} (${date}), line ${found.line}`,
    `  data: ${data.length > 300 ? `${data.slice(0, 297)}...` : data}`,
    "",
    `Headline metrics over tick ${found.tick} (the whole tick, all its events):`,
    table([
      ["metric", "before", "after"],
      ...moves.map((m) => [
        metricLabel(info.get(m.key), m.key),
        metricCell(m.before, info.get(m.key)),
        metricCell(m.after, info.get(m.key)),
      ]),
    ]).trimEnd(),
    "",
    earlier.length ? "Notable events in the 12 months up to it:" : "No notable events in the 12 months up to it.",
    ...earlier.map((e) => `  ${String(e.tick).padStart(4)}  ${e.date}  ${e.type}: ${e.summary}`),
    "",
  ].join("\n")
  return { json, text }
}

export const auditCommand = (kits: ReadonlyMap<string, ModelKit>): Command => ({
  spec: {
    name: "audit",
    summary: "explain a milestone or event from the log alone: the crossing and the events that drove it",
    args: [{ name: "log", help: "the event log" }],
    flags: [
      {
        name: "why",
        kind: "string",
        value: "agi|asi|post-scarcity|EVENT",
        help: "what to explain (required); EVENT is TICK:INDEX (as diff prints) or an event type",
      },
      { name: "json", kind: "boolean", help: "print the explanation as JSON" },
    ],
    examples: [
      "takeoff audit run.ndjson --why agi",
      "takeoff audit run.ndjson --why asi --json",
      "takeoff audit run.ndjson --why 87:2",
    ],
  },
  run({ args, flags }, io) {
    const why = flags.why as string | undefined
    if (why === undefined) throw usage("--why is required: agi, asi, post-scarcity or an event id (TICK:INDEX)")
    const log = readLog(args.log!, kits)
    refuseTruncated(log)
    const { kit } = log
    if (!MILESTONES.includes(why)) {
      const r = explainEvent(log, why)
      io.out(flags.json ? `${JSON.stringify(r.json)}\n` : r.text)
      return EXIT.ok
    }
    if (kit.explain === undefined) throw usage(`${log.file}: model "${kit.model.name}" has no milestones to explain`)
    let explanation: unknown
    try {
      explanation = kit.explain(log.text, why)
    } catch (e) {
      const cli = logErrorToCli(log.file, e)
      if (cli !== e) throw cli
      throw usage(`--why ${why}: ${(e as Error).message}`)
    }
    const { formatExplanation } = presentationOf(kit)
    io.out(
      flags.json || formatExplanation === undefined
        ? `${JSON.stringify(explanation)}\n`
        : formatExplanation(explanation),
    )
    return EXIT.ok
  },
})
