import { economyKit } from "@takeoff/agents"
import type { ModelKit } from "@takeoff/core"
import { walkersKit } from "@takeoff/core/walkers-kit"
import { formatEconomyExplanation } from "./audit-format.js"
import { usage } from "./errors.js"
import type { SummaryKeys } from "./summary.js"

/**
 * Every model this build knows, by the name a log's header carries: the log commands (verify,
 * replay, diff, export, audit) read any of them; sweep workers find their plan's model here.
 */
export const KITS: ReadonlyMap<string, ModelKit> = new Map<string, ModelKit>([
  [economyKit.model.name, economyKit],
  [walkersKit.model.name, walkersKit],
])

/** The model `run`, `sweep` and `scenarios` simulate: the economy. */
export const DEFAULT_KIT: ModelKit = economyKit

/** The kit of a model named in a log header or a sweep plan. */
export const kitNamed = (name: string): ModelKit => {
  const kit = KITS.get(name)
  if (kit === undefined) throw usage(`model "${name}" is not in this build (known: ${[...KITS.keys()].join(", ")})`)
  return kit
}

/** How the CLI prints a model's results, where its kit's metrics and headline are not enough. */
export interface Presentation {
  /** Which metrics the run summary and the sweep's fan charts show. */
  readonly summary?: SummaryKeys
  /** Human-readable rendering of the kit's `explain` result. */
  readonly formatExplanation?: (explanation: unknown) => string
}

const PRESENTATIONS: Readonly<Record<string, Presentation>> = {
  [economyKit.model.name]: {
    summary: { gdp: "gdpUsd", aiShare: "aiShare", peakAndFinal: ["meanWageUsd", "robotsInUse", "installedFlops"] },
    formatExplanation: (x) => formatEconomyExplanation(x),
  },
}

export const presentationOf = (kit: ModelKit): Presentation => PRESENTATIONS[kit.model.name] ?? {}

/** The summary's metrics: the model's own choice, else its headline (two rows, then peaks). */
export const summaryKeysOf = (kit: ModelKit): SummaryKeys =>
  presentationOf(kit).summary ?? { gdp: kit.headline[0], aiShare: kit.headline[1], peakAndFinal: kit.headline.slice(2) }

/** Milestone kind -> the label people see ("agi" -> "AGI"), in the kit's order. */
export const milestoneLabels = (kit: ModelKit): ReadonlyMap<string, string> =>
  new Map(kit.milestones.map((m) => [m.kind, m.label]))
