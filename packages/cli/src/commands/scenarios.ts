import type { ModelKit } from "@takeoff/core"
import type { Command } from "../command.js"
import { EXIT } from "../errors.js"
import { formatValue } from "@takeoff/protocol"
import { table } from "../format.js"
import { loadScenarioOrFail } from "../scenario.js"

/** `takeoff scenarios`: `kit`'s scenarios, or one scenario's parameters. */
export const scenariosCommand = (kit: ModelKit): Command => ({
  spec: {
    name: "scenarios",
    summary: "list the scenarios with their descriptions, or one scenario's parameters",
    args: [{ name: "scenario", help: "show this scenario's parameters", optional: true }],
    flags: [{ name: "json", kind: "boolean", help: "print as JSON" }],
    examples: ["takeoff scenarios", "takeoff scenarios baseline"],
  },
  run({ args, flags }, io) {
    if (args.scenario !== undefined) {
      const params = kit.scenarios.parameters(loadScenarioOrFail(kit, args.scenario))
      if (flags.json) io.out(`${JSON.stringify(params)}\n`)
      else {
        io.out(
          table([
            ["parameter", "value", "range", "source"],
            ...params.map((p) => [
              p.path,
              typeof p.value === "number" ? formatValue(p.value, p.unit) : JSON.stringify(p.value),
              p.min !== undefined && p.max !== undefined ? `${p.min}..${p.max}` : "",
              p.assumption ? "assumption" : (p.source ?? ""),
            ]),
          ]),
        )
      }
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
