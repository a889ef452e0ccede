import { type EncodedEvent, isDecodeFailure, logLinesOf, replay } from "@takeoff/core"
import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"
import { formatNumber } from "@takeoff/protocol"
import { metricCell, metricLabel, table } from "../format.js"
import type { ModelKit } from "@takeoff/core"
import { milestoneLabels } from "../models.js"
import { type LogText, configOf, logErrorToCli, readLog, refuseTruncated } from "../logfile.js"

/** Paths where two JSON values differ (depth-first, at most `limit`). */
export const jsonDiffPaths = (a: unknown, b: unknown, limit = 10, prefix = ""): string[] => {
  const out: string[] = []
  const walk = (x: unknown, y: unknown, p: string) => {
    if (out.length >= limit) return
    if (JSON.stringify(x) === JSON.stringify(y)) return
    if (x && y && typeof x === "object" && typeof y === "object" && Array.isArray(x) === Array.isArray(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])]
      for (const k of keys) walk((x as any)[k], (y as any)[k], p ? `${p}.${k}` : k)
      return
    }
    out.push(p || "(root)")
  }
  walk(a, b, prefix)
  return out
}

/** Whether two decoded event values are equal: typed arrays by their bytes, the rest by structure. */
const sameValue = (x: unknown, y: unknown): boolean => {
  if (x === y) return true
  if (ArrayBuffer.isView(x) || ArrayBuffer.isView(y)) {
    if (!ArrayBuffer.isView(x) || !ArrayBuffer.isView(y) || x.constructor !== y.constructor) return false
    return Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength))
  }
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return Object.is(x, y)
  if (Array.isArray(x) !== Array.isArray(y)) return false
  const kx = Object.keys(x)
  const ky = Object.keys(y)
  return kx.length === ky.length && kx.every((k) => sameValue((x as any)[k], (y as any)[k]))
}

/**
 * Whether two logged events say the same thing: the same text, or the same event once decoded (an
 * event written by an older version, or in another of its encodings, e.g. `FirmsStepped` v1's
 * explicit shocks and v2's generator state, is the same event if it decodes to the same values).
 */
const sameEvent = (kit: ModelKit, x: EncodedEvent, y: EncodedEvent): boolean => {
  if (JSON.stringify(x) === JSON.stringify(y)) return true
  const dx = kit.model.catalogue.decode(x)
  const dy = kit.model.catalogue.decode(y)
  if (isDecodeFailure(dx) || isDecodeFailure(dy)) return false
  return dx.type === dy.type && sameValue(dx.data, dy.data)
}

type ParsedTick = { tick: number; rng: number[]; events: EncodedEvent[] }

/** Whether two tick lines record the same tick: the same text, or the same RNG state and events. */
const sameTick = (kit: ModelKit, a: TickLine, b: TickLine): boolean => {
  if (a.text === b.text) return true
  const x = JSON.parse(a.text) as ParsedTick
  const y = JSON.parse(b.text) as ParsedTick
  return (
    x.tick === y.tick &&
    sameValue(x.rng, y.rng) &&
    x.events.length === y.events.length &&
    x.events.every((e, i) => sameEvent(kit, e, y.events[i]))
  )
}

interface TickLine {
  readonly n: number
  readonly text: string
}

const tickLines = (text: string): TickLine[] => {
  const out: TickLine[] = []
  for (const l of logLinesOf(text)) if (l.kind === "tick") out.push({ n: l.n, text: l.text })
  return out
}

const short = (e: EncodedEvent | undefined): string => {
  if (e === undefined) return "(no event)"
  const s = JSON.stringify(e.data)
  return `${e.type} ${s.length > 100 ? `${s.slice(0, 97)}...` : s}`
}

interface Track {
  readonly metricsAt: Map<number, Record<string, number>>
  readonly milestones: Map<string, number>
  readonly lastTick: number
  readonly config: unknown
}

const track = (log: LogText, config: unknown, ticks: ReadonlySet<number>): Track => {
  const metricsAt = new Map<number, Record<string, number>>()
  const milestones = new Map<string, number>()
  const { kit } = log
  const labels = milestoneLabels(kit)
  try {
    const r = replay(kit.model, log.text, {
      onTick: (tick, events, state) => {
        for (const m of kit.milestonesAt(events, tick, config, state)) {
          const label = labels.get(m.kind) ?? m.kind
          if (!milestones.has(label)) milestones.set(label, tick)
        }
        if (ticks.has(tick)) metricsAt.set(tick, kit.computeMetrics(state, config))
      },
    })
    metricsAt.set(r.tick, kit.computeMetrics(r.state, r.config))
    return { metricsAt, milestones, lastTick: r.tick, config: r.config }
  } catch (e) {
    throw logErrorToCli(log.file, e)
  }
}

export const diffCommand = (kits: ReadonlyMap<string, ModelKit>): Command => ({
  spec: {
    name: "diff",
    summary: "first divergent tick and event between two logs, and how the headline metrics differ after it",
    args: [
      { name: "logA", help: "first event log" },
      { name: "logB", help: "second event log" },
    ],
    flags: [{ name: "json", kind: "boolean", help: "print the result as JSON" }],
    notes: "Exit codes: 0 whether or not the logs differ; 2 unreadable input.",
    examples: ["takeoff diff baseline-1.ndjson baseline-2.ndjson"],
  },
  run({ args, flags }, io) {
    const a = readLog(args.logA!, kits)
    const b = readLog(args.logB!, kits)
    refuseTruncated(a)
    refuseTruncated(b)
    if (a.header.model !== b.header.model) {
      throw usage(
        `cannot diff logs of different models: ${a.file} is "${a.header.model}", ${b.file} is "${b.header.model}"`,
      )
    }
    const { kit } = a
    const configA = configOf(a)
    const configB = configOf(b)
    const headerDiffs: string[] = []
    if (a.header.seed !== b.header.seed) headerDiffs.push(`seed: ${a.header.seed} vs ${b.header.seed}`)
    for (const p of jsonDiffPaths(a.header.config, b.header.config)) headerDiffs.push(`config.${p}`)
    if (a.header.modelVersion !== b.header.modelVersion) {
      headerDiffs.push(`modelVersion: ${a.header.modelVersion} vs ${b.header.modelVersion}`)
    }

    const ta = tickLines(a.text)
    const tb = tickLines(b.text)
    let k = 0
    while (k < ta.length && k < tb.length && sameTick(kit, ta[k], tb[k])) k++
    const identical = k === ta.length && k === tb.length
    let divergence:
      | { tick: number; date: string; lineA: number | null; lineB: number | null; event: number | null; what: string }
      | undefined
    if (!identical) {
      const ra = ta[k] ? (JSON.parse(ta[k].text) as { tick: number; rng: number[]; events: EncodedEvent[] }) : undefined
      const rb = tb[k] ? (JSON.parse(tb[k].text) as { tick: number; rng: number[]; events: EncodedEvent[] }) : undefined
      const tick = k
      let event: number | null = null
      let what: string
      if (!ra || !rb) what = `${ra ? b.file : a.file} ends at tick ${k - 1}; the other goes on`
      else {
        let e = 0
        while (e < ra.events.length && e < rb.events.length && sameEvent(kit, ra.events[e], rb.events[e])) e++
        if (e === ra.events.length && e === rb.events.length) what = "same events, different RNG state after the tick"
        else {
          event = e
          what = `event #${e} (id ${tick}:${e}):\n    A ${short(ra.events[e])}\n    B ${short(rb.events[e])}`
        }
      }
      divergence = {
        tick,
        date: kit.calendar.tickToDate(configA, tick),
        lineA: ta[k]?.n ?? null,
        lineB: tb[k]?.n ?? null,
        event,
        what,
      }
    }

    const end = Math.min(ta.length, tb.length) - 1
    const probe = divergence ? [divergence.tick, divergence.tick + 12, divergence.tick + 60, end] : [end]
    const probeTicks = [...new Set(probe.filter((t) => t >= 0 && t <= end))].sort((x, y) => x - y)
    const A = track(a, configA, new Set(probeTicks))
    const B = track(b, configB, new Set(probeTicks))
    const headline = kit.headline
    const at = probeTicks.map((t) => ({
      tick: t,
      date: kit.calendar.tickToDate(A.config, t),
      metrics: Object.fromEntries(
        headline.map((key) => [key, { a: A.metricsAt.get(t)?.[key] ?? null, b: B.metricsAt.get(t)?.[key] ?? null }]),
      ),
    }))
    const milestones = Object.fromEntries(
      [...milestoneLabels(kit).values()].map((label) => {
        const ma = A.milestones.get(label)
        const mb = B.milestones.get(label)
        return [
          label,
          {
            a: ma === undefined ? null : kit.calendar.tickToDate(A.config, ma),
            b: mb === undefined ? null : kit.calendar.tickToDate(B.config, mb),
          },
        ]
      }),
    )
    if (flags.json) {
      io.out(`${JSON.stringify({ identical, headerDiffs, divergence: divergence ?? null, at, milestones })}\n`)
      return EXIT.ok
    }
    io.out(
      `A: ${a.file} (seed ${a.header.seed}, ${ta.length} ticks)\nB: ${b.file} (seed ${b.header.seed}, ${tb.length} ticks)\n`,
    )
    if (headerDiffs.length) io.out(`Inputs differ: ${headerDiffs.join("; ")}\n`)
    if (identical) {
      io.out("The logs' ticks are identical: no divergence.\n")
      return EXIT.ok
    }
    const d = divergence!
    io.out(
      `First divergence: tick ${d.tick} (${d.date}), line ${d.lineA ?? "-"} of A / line ${d.lineB ?? "-"} of B\n  ${d.what}\n\n`,
    )
    const unit = new Map(kit.metrics.map((m) => [m.key, m]))
    const rows: string[][] = [["metric", "date", "A", "B", "B vs A"]]
    for (const p of at) {
      for (const key of headline) {
        const { a: va, b: vb } = p.metrics[key]
        const m = unit.get(key)
        rows.push([
          metricLabel(m, key),
          p.date,
          metricCell(va, m),
          metricCell(vb, m),
          va === null || vb === null ? "-" : relative(va, vb),
        ])
      }
    }
    io.out(table(rows))
    const ms = Object.entries(milestones)
    if (ms.length) {
      io.out("\n")
      const never = (l: string) => (l === "catastrophe" ? "none" : "not reached")
      io.out(table([["milestone", "A", "B"], ...ms.map(([l, v]) => [l, v.a ?? never(l), v.b ?? never(l)])]))
    }
    return EXIT.ok
  },
})

const relative = (a: number, b: number): string => {
  if (a === b) return "same"
  if (a === 0) return `${b > 0 ? "+" : ""}${formatNumber(b - a)}`
  const pct = ((b - a) / Math.abs(a)) * 100
  return `${pct > 0 ? "+" : ""}${pct.toPrecision(3)}%`
}
