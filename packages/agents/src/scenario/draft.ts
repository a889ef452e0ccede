import { type EconomyConfig, specOf } from "./config.js"

/**
 * A scenario file written from edited parameters (the UI's "Save as scenario"): it `extends:` the
 * scenario the edits were made on and sets only the values that differ, each with a provenance
 * placeholder its author must fill. No clock: the file says nothing about when it was made.
 */

/** What a user saves: the scenario edited, a name for the new one, and the edited values. */
export interface ScenarioDraft {
  /** The new scenario's name (a file name: lower-case letters, digits and dashes). */
  readonly name: string
  readonly title?: string
  readonly description?: string
  /** Parameter path -> value; values equal to the base's are left out of the file. */
  readonly values: Readonly<Record<string, number>>
}

/** A scenario name that is also a safe file name. */
export const SCENARIO_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/

/** The placeholder a saved value carries until its author says where it comes from. */
export const PROVENANCE_TODO = "TODO:"

const key = (k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k))

interface Tree {
  [k: string]: Tree | string
}

/**
 * The YAML text of a draft over `base` (a loaded scenario, whose name goes in `extends:`): only
 * the values that differ from the base's, nested by path, each marked `assumption: true` with a
 * `note:` that starts "TODO:" and says what the base had and where that came from. Strings are
 * written JSON-quoted (valid YAML) and numbers in shortest round-trip form, so loading the file
 * gives back exactly these values.
 *
 * @example
 * renderScenarioYaml(loadScenario("baseline"), { name: "mine", values: { "ai.mfu": 0.5 } })
 * // "name: mine\n...extends: baseline\nparameters:\n  ai:\n    mfu: { value: 0.5, assumption: true, note: \"TODO: ...\" }\n"
 */
export const renderScenarioYaml = (base: EconomyConfig, draft: ScenarioDraft): string => {
  const tree: Tree = {}
  const changed = Object.keys(draft.values)
    .filter((p) => draft.values[p] !== base.values[p])
    .sort()
  const inherited: string[] = []
  for (const path of changed) {
    const v = draft.values[path]
    const unit = specOf(path)?.unit ?? ""
    const was =
      base.meta[path]?.source ?? (base.meta[path]?.note ? `assumption: ${base.meta[path]?.note}` : "assumption")
    const note = `${PROVENANCE_TODO} say where ${v}${unit ? ` ${unit}` : ""} comes from (a data/calibration.csv row as source:, or the reasoning for an assumption); ${base.name} has ${base.values[path]} (${was})`
    if (base.distributions[path] !== undefined) inherited.push(path)
    const segs = path.split(".")
    let node = tree
    for (const s of segs.slice(0, -1)) node = (node[s] ??= {}) as Tree
    node[segs[segs.length - 1]] = `{ value: ${v}, assumption: true, note: ${JSON.stringify(note)} }`
  }
  const lines = [
    `# Edited from ${base.name}. Before relying on it, replace each TODO note with the value's source`,
    "# (source: naming a data/calibration.csv row) or the reasoning behind the assumption.",
    ...(inherited.length
      ? [
          `# ${inherited.join(", ")}: sampled by ${base.name}, fixed here (a sweep of this file does not vary them; add distribution: to sample).`,
        ]
      : []),
    `name: ${draft.name}`,
    `title: ${JSON.stringify(draft.title ?? `${base.title}, edited`)}`,
    `description: ${JSON.stringify(draft.description ?? `${base.name} with ${changed.length} parameter${changed.length === 1 ? "" : "s"} changed: ${changed.join(", ")}.`)}`,
    `extends: ${base.name}`,
  ]
  const emit = (node: Tree, indent: string) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === "string") lines.push(`${indent}${key(k)}: ${v}`)
      else {
        lines.push(`${indent}${key(k)}:`)
        emit(v, `${indent}  `)
      }
    }
  }
  if (changed.length) {
    lines.push("parameters:")
    emit(tree, "  ")
  }
  return `${lines.join("\n")}\n`
}
