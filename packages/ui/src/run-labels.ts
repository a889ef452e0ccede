import type { RunSummary } from "@takeoff/protocol"

/**
 * Each run's name in the overlay: scenario, seed and the overrides it ran with, and its id only when
 * two runs would otherwise read the same.
 * @example runLabels([{ scenario: "baseline", seed: 1, overrides: { "ai.mfu": 0.3 } }, ...]) // ["baseline · seed 1 · ai.mfu=0.3", ...]
 */
export const runLabels = (
  runs: ReadonlyArray<Pick<RunSummary, "id" | "scenario" | "seed" | "overrides">>,
): string[] => {
  const names = runs.map((r) =>
    [r.scenario, `seed ${r.seed}`, ...Object.entries(r.overrides).map(([k, v]) => `${k}=${String(v)}`)].join(" · "),
  )
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${n} (${runs[i].id})` : n))
}

/**
 * A run's status for people: the status word, or the end event for a run one cut short, so a
 * catastrophe never reads as an ordinary completion.
 * @example statusText({ status: "completed", endedBy: "CatastropheOccurred" }) // "ended early by CatastropheOccurred"
 */
export const statusText = (run: Pick<RunSummary, "status" | "endedBy">): string =>
  run.status === "completed" && run.endedBy !== undefined ? `ended early by ${run.endedBy}` : run.status
