import type { ModelKit } from "@takeoff/core"
import { formatValue, type ParameterInfo, type ScenarioAnatomy } from "@takeoff/protocol"
import type { Command } from "../command.js"
import { EXIT } from "../errors.js"
import { table } from "../format.js"
import { loadScenarioOrFail } from "../scenario.js"

/** A distribution's parameters as written in a file: "median 1, sigma 0.6". */
const params = (p: Readonly<Record<string, number>>) =>
  Object.entries(p)
    .map(([k, v]) => `${k} ${Number(v.toPrecision(6))}`)
    .join(", ")

const provenance = (p: { source: string | null; note?: string }) =>
  p.source ?? (p.note !== undefined ? `assumption: ${p.note}` : "assumption")

/** Wraps prose to `width` columns, each line indented by `indent`. */
const wrap = (text: string, width = 96, indent = "  "): string => {
  const lines: string[] = []
  let line = ""
  for (const word of text.replace(/\s+/g, " ").trim().split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines.map((l) => `${indent}${l}`).join("\n")
}

/** The text `takeoff scenarios NAME` prints: description, what it overrides, distributions, then every parameter. */
export const formatAnatomy = (a: ScenarioAnatomy, parameters: ReadonlyArray<ParameterInfo>): string => {
  const out = [`${a.name}: ${a.title} (${a.start} to ${a.endYear})`, wrap(a.description), ""]
  if (a.extends !== null) {
    out.push(`Extends ${a.extends}, setting ${a.overrides.length} parameter${a.overrides.length === 1 ? "" : "s"}:`)
    out.push(
      table([
        ["parameter", a.extends, "this", "source"],
        ...a.overrides.map((o) => [
          o.path,
          formatValue(o.base, o.unit),
          `${o.base === o.value ? "= " : ""}${formatValue(o.value, o.unit)}`,
          provenance(o),
        ]),
      ]),
    )
  }
  const fixed = a.overrides.filter((o) => o.dropsDistribution)
  if (fixed.length > 0)
    out.push(
      `Note: ${fixed.map((o) => o.path).join(", ")} ${fixed.length === 1 ? "is" : "are"} sampled by ${a.extends} but fixed here: a sweep of this scenario does not vary ${fixed.length === 1 ? "it" : "them"} (declare a distribution: here to sample around this value).\n`,
    )
  if (a.distributions.length === 0) out.push("No distributions: a sweep of this scenario varies only --vary ranges.\n")
  else {
    out.push(`${a.distributions.length} distributions (what a sweep samples; P10..P90 clamped to the bounds):`)
    out.push(
      table([
        ["parameter", "distribution", "P10", "P50", "P90", "source"],
        ...a.distributions.map((d) => [
          d.path,
          `${d.kind}(${params(d.parameters)})`,
          formatValue(d.p10, d.unit),
          formatValue(d.p50, d.unit),
          formatValue(d.p90, d.unit),
          provenance(d),
        ]),
      ]),
    )
  }
  out.push(`All ${parameters.length} parameters:`)
  out.push(
    table([
      ["parameter", "value", "range", "source"],
      ...parameters.map((p) => [
        p.path,
        typeof p.value === "number" ? formatValue(p.value, p.unit) : JSON.stringify(p.value),
        p.min !== undefined && p.max !== undefined ? `${p.min}..${p.max}` : "",
        p.assumption ? "assumption" : (p.source ?? ""),
      ]),
    ]),
  )
  return out.join("\n")
}

/** `takeoff scenarios`: `kit`'s scenarios, or one scenario taken apart. */
export const scenariosCommand = (kit: ModelKit): Command => ({
  spec: {
    name: "scenarios",
    summary: "list the scenarios, or show one: what it extends and overrides, its distributions, its parameters",
    args: [{ name: "scenario", help: "show this scenario (a name or a YAML file)", optional: true }],
    flags: [{ name: "json", kind: "boolean", help: "print as JSON" }],
    notes: [
      "With a scenario: its description; for an `extends:` scenario each parameter the file sets, with the",
      "extended scenario's value beside its own; every distribution (kind, parameters, P10/P50/P90, source);",
      "then every parameter. --json prints { name, title, description, extends, start, endYear, overrides,",
      "distributions, parameters }.",
    ].join("\n"),
    examples: ["takeoff scenarios", "takeoff scenarios fast-takeoff", "takeoff scenarios my-scenario.yaml --json"],
  },
  run({ args, flags }, io) {
    if (args.scenario !== undefined) {
      const parameters = kit.scenarios.parameters(loadScenarioOrFail(kit, args.scenario))
      const anatomy = kit.scenarios.describe?.(args.scenario)
      if (flags.json) io.out(`${JSON.stringify({ ...anatomy, parameters })}\n`)
      else if (anatomy !== undefined) io.out(formatAnatomy(anatomy, parameters))
      else
        io.out(
          formatAnatomy(
            {
              name: args.scenario,
              title: args.scenario,
              description: "",
              extends: null,
              start: "",
              endYear: 0,
              overrides: [],
              distributions: [],
            },
            parameters,
          ),
        )
      return EXIT.ok
    }
    const list = kit.scenarios.list()
    if (flags.json) io.out(`${JSON.stringify(list)}\n`)
    else {
      for (const s of list) io.out(`${s.name}  ${s.title}\n    ${s.description.replace(/\s+/g, " ").trim()}\n`)
    }
    return EXIT.ok
  },
})
