import type { Explanation } from "@takeoff/agents"
import { formatValue } from "@takeoff/protocol"
/**
 * Renders an explanation for people: nested fields as indented "key: value" lines and arrays as
 * numbered items, numbers with up to 4 significant digits. Used by `takeoff audit`.
 */
export const formatExplanation = (x: unknown): string => `${render(x, 0).join("\n")}\n`

const num = (v: number): string =>
  Number.isInteger(v) && Math.abs(v) < 1e6
    ? String(v)
    : Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3
      ? v.toPrecision(4)
      : String(Number(v.toPrecision(4)))

const scalar = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return "-"
  if (typeof v === "number") return num(v)
  if (typeof v === "string" || typeof v === "boolean") return String(v)
  return undefined
}

const render = (x: unknown, depth: number): string[] => {
  const pad = "  ".repeat(depth)
  const s = scalar(x)
  if (s !== undefined) return [`${pad}${s}`]
  if (Array.isArray(x)) {
    return x.flatMap((item, i) => {
      const si = scalar(item)
      if (si !== undefined) return [`${pad}${i + 1}. ${si}`]
      const [first, ...rest] = render(item, depth + 1)
      return [`${pad}${i + 1}. ${first.trimStart()}`, ...rest]
    })
  }
  const out: string[] = []
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    const sv = scalar(v)
    if (sv !== undefined) out.push(`${pad}${k}: ${sv}`)
    else if (Array.isArray(v) && v.length === 0) out.push(`${pad}${k}: (none)`)
    else out.push(`${pad}${k}:`, ...render(v, depth + 1))
  }
  return out
}

const isExplanation = (x: unknown): x is Explanation =>
  typeof x === "object" && x !== null && "crossing" in x && "drivers" in x && "events" in x && "summary" in x

/** AI-share points (0.061 -> "+6.1 pts"); shares of GDP are fractions. */
const pts = (v: number): string => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(2)} pts`
const val = (metric: string, v: number): string =>
  metric === "aiShare" || metric.endsWith("Share") || metric.endsWith("OfIncome")
    ? `${Number((v * 100).toPrecision(4))}%`
    : num(v)

/** The crossing metrics by their names for people (the explanation carries the metric key). */
const CROSSING_LABEL: Readonly<Record<string, string>> = {
  aiShare: "AI share of GDP",
  leastIncomeWithoutWorkOverBasket: "The poorest decile's income without work, over the basic basket,",
}

/**
 * The economy's audit for people: the milestone, the metric crossing, what drove it (drivers and
 * sectors with their contributions) and the chain of notable events with ticks and contributions.
 */
export const formatEconomyExplanation = (x: unknown): string => {
  if (!isExplanation(x)) return formatExplanation(x)
  const c = x.crossing
  const lines = [x.summary, ""]
  if (!x.reached || x.milestone === null) {
    if (c.before)
      lines.push(
        `${CROSSING_LABEL[c.metric] ?? c.metric} at the end of the log (${c.before.date}): ${val(c.metric, c.before.value)}; threshold ${val(c.metric, c.threshold)}.`,
      )
    return `${lines.join("\n")}\n`
  }
  const m = x.milestone
  lines.push(`Milestone: ${m.type} at tick ${m.tick} (${m.date}) — ${x.scenario}, seed ${x.seed}`)
  const from = c.before ? `${val(c.metric, c.before.value)} at tick ${c.before.tick} (${c.before.date})` : "the start"
  const to = c.after ? `${val(c.metric, c.after.value)} at tick ${c.after.tick} (${c.after.date})` : "-"
  lines.push(`Crossing: ${c.metric} went from ${from} to ${to}, over the threshold ${val(c.metric, c.threshold)}.`)
  if (x.drivers.length) {
    lines.push("", "What moved the AI share from the start to the milestone, by driver:")
    const name = (d: (typeof x.drivers)[number]) => d.label ?? d.driver
    const w = Math.max(...x.drivers.map((d) => name(d).length))
    for (const d of x.drivers)
      lines.push(
        `  ${name(d).padEnd(w)}  ${pts(d.contribution).padStart(11)}  ${(d.share * 100).toFixed(0).padStart(3)}%`,
      )
  }
  const cs = x.capabilitySources
  if (cs) {
    const oom = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(2)} OOM`
    const model = cs.model ? `, model ${cs.model.generation} of lab ${cs.model.lab} released ${cs.model.date}` : ""
    lines.push(
      "",
      `Where the frontier capability came from (effective training FLOP 10^${cs.frontierStartLog10.toFixed(1)} -> 10^${cs.frontierLog10.toFixed(1)}${model}):`,
      `  physical compute  ${oom(cs.fromComputeOom)}`,
      `  algorithms        ${oom(cs.fromAlgorithmsOom)}`,
      `  data limit        ${oom(cs.fromDataOom)}`,
      `  (unpowered chips cost the frontier run ${oom(-Math.abs(cs.lostToPowerOom))})`,
    )
  }
  if (x.constraints.length) {
    lines.push("", "Binding constraints before it (months bound, first and last):")
    const w = Math.max(...x.constraints.map((c) => c.constraint.length))
    for (const c of x.constraints)
      lines.push(`  ${c.constraint.padEnd(w)}  ${String(c.months).padStart(4)}  ${c.first}..${c.last}`)
  }
  for (const [what, parts, unit] of [
    ["chips (labs' spending by foundry)", x.suppliers.chips, "per H100e"],
    ["robots (buyers' spending by maker)", x.suppliers.robots, "per robot"],
  ] as const) {
    if (parts.length === 0) continue
    lines.push("", `Who supplied the ${what}, up to it:`)
    const w = Math.max(...parts.map((p) => p.name.length))
    for (const p of parts)
      lines.push(
        `  ${p.name.padEnd(w)}  ${formatValue(p.paidUsd, "USD").padStart(9)}  ${formatValue(p.share, "fraction").padStart(6)}  mean ${formatValue(p.meanPriceUsd, "USD")} ${unit}`,
      )
  }
  if (x.sectors.length) {
    lines.push("", "By sector:")
    const w = Math.max(...x.sectors.map((s) => s.sector.length))
    for (const s of x.sectors) lines.push(`  ${s.sector.padEnd(w)}  ${pts(s.contribution).padStart(11)}`)
  }
  if (x.events.length) {
    lines.push("", "The chain of events before it (tick, date, event, contribution to the AI share):")
    for (const e of x.events) {
      const contribution = e.contribution === undefined ? "" : `  [${pts(e.contribution)}]`
      lines.push(
        `  ${String(e.tick).padStart(4)}  ${e.date}  ${e.type}${e.agent ? ` (${e.agent})` : ""}: ${e.summary}${contribution}`,
      )
    }
  }
  return `${lines.join("\n")}\n`
}
