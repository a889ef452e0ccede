/**
 * The ensemble tables of docs/model.md ("Uncertainty and sensitivity", "Backtest"), rendered from
 * what the CLI prints: `takeoff sweep --json` (milestone percentiles, shares reached, drivers) and
 * `takeoff backtest` (the scorecard). The CLI owns the statistics; this file only lays them out.
 */

/** The part of `takeoff sweep --json` the tables read. */
export interface SweepSummary {
  readonly scenario: string
  readonly seed: number
  readonly runs: number
  readonly requested: number
  readonly workers: number
  readonly untilYear: number
  readonly elapsedS: number
  readonly design: string
  readonly milestones: ReadonlyArray<{
    readonly label: string
    readonly reached: number
    readonly reachedBy: Readonly<Record<string, number>>
    readonly p5: string
    readonly p10: string
    readonly p50: string
    readonly p90: string
    readonly p95: string
  }>
  readonly influences: ReadonlyArray<{
    readonly path: string
    readonly rho: Readonly<Record<string, number | null>>
    readonly s1: Readonly<Record<string, number | null>>
  }>
}

const need = (ok: boolean, field: string, expected: string): void => {
  if (!ok) throw new Error(`sweep summary: field ${field}: expected ${expected}`)
}

/**
 * Checks that `x` (parsed `takeoff sweep --json` output) has every field the tables read; throws
 * naming the first missing or malformed field.
 */
export const parseSweepSummary = (x: unknown): SweepSummary => {
  const o = x as Record<string, unknown>
  need(typeof o === "object" && o !== null, "(root)", "a JSON object from `takeoff sweep --json`")
  for (const f of ["seed", "runs", "requested", "workers", "untilYear", "elapsedS"])
    need(typeof o[f] === "number", f, "a number")
  for (const f of ["scenario", "design"]) need(typeof o[f] === "string", f, "a string")
  need(Array.isArray(o.milestones), "milestones", "an array")
  need(Array.isArray(o.influences), "influences", "an array")
  ;(o.milestones as Array<Record<string, unknown>>).forEach((m, i) => {
    for (const f of ["label", "p5", "p10", "p50", "p90", "p95"])
      need(typeof m?.[f] === "string", `milestones[${i}].${f}`, "a string")
    need(typeof m.reached === "number", `milestones[${i}].reached`, "a number")
    need(typeof m.reachedBy === "object" && m.reachedBy !== null, `milestones[${i}].reachedBy`, "an object")
  })
  ;(o.influences as Array<Record<string, unknown>>).forEach((v, i) => {
    need(typeof v?.path === "string", `influences[${i}].path`, "a string")
    for (const f of ["rho", "s1"]) need(typeof v[f] === "object" && v[f] !== null, `influences[${i}].${f}`, "an object")
  })
  return o as unknown as SweepSummary
}

/** What each milestone means, as the table's first column says it. */
const MILESTONE_NAMES: Readonly<Record<string, string>> = {
  AGI: "AGI (AI does 10% of GDP)",
  ASI: "ASI (AI does 90% of GDP)",
  "post-scarcity": "post-scarcity",
}

const pct = (share: number | undefined): string =>
  share === undefined ? "-" : `${Number((share * 100).toPrecision(3))}%`
const two = (v: number | null | undefined): string =>
  v === undefined || v === null || !Number.isFinite(v) ? "-" : (Math.abs(v) < 0.005 ? 0 : v).toFixed(2)

/** The published models beside the baseline's ensemble (rows of data/calibration.csv). */
const PUBLISHED: ReadonlyArray<readonly [string, string, string]> = [
  ["FTM, aggressive preset", "20% of tasks automatable: 2027.1", "100%: 2027.2"],
  ["FTM, best-guess preset", "20%: 2036.1", "100%: 2040.0"],
  ["FTM, conservative preset", "20%: 2061.7", "100%: not by 2100"],
  [
    "AI 2027 timelines forecast (Apr 2025)",
    "superhuman coder: 2030 (80% CI 2026-2050, Lifland); 2028 (2026-2040, Jurkovic)",
    "-",
  ],
  [
    "AI Futures Model (Dec 2025), single settings",
    "automated coder: 2030-03 (Kokotajlo's medians), 2031 (Lifland's)",
    "superintelligence: 2031-07, 2034",
  ],
]

/**
 * The sweep section of "Uncertainty and sensitivity": milestone percentiles and shares reached,
 * the top drivers by Spearman's rho and first-order Sobol index, and the published models beside.
 *
 * @example
 * sweepTables(parseSweepSummary(JSON.parse(stdout)), 56)
 */
export const sweepTables = (s: SweepSummary, distributions: number): string => {
  const labels = s.milestones.map((m) => m.label).filter((l) => l in MILESTONE_NAMES)
  const milestones = s.milestones.filter((m) => labels.includes(m.label))
  const years = Object.keys(milestones[0]?.reachedBy ?? {}).sort()
  const design = s.design === "lhs" ? "Latin hypercube" : `${s.design} design`
  const partial = s.runs < s.requested ? ` (${s.runs} of ${s.requested} requested runs finished)` : ""
  const bias = s.runs > 0 ? Math.sqrt(s.runs) / s.runs : 0
  const byName = new Map(milestones.map((m) => [m.label, m]))
  const agi = byName.get("AGI")
  const asi = byName.get("ASI")
  const lines = [
    `**The ${s.scenario}'s ${s.runs}-run sweep**${partial} (${design} over ${distributions} distributions, sweep seed ${s.seed}, to ${s.untilYear}; ${Math.round(s.elapsedS)} s on ${s.workers} worker threads, ${(s.runs / s.elapsedS).toFixed(2)} runs/s; \`takeoff sweep ${s.scenario} --runs ${s.requested} --until ${s.untilYear} --seed ${s.seed}\`):`,
    "",
    `| milestone | ${years.map((y, i) => (i === 0 ? `reached by ${y}` : `by ${y}`)).join(" | ")} | P5 | P10 | P50 | P90 | P95 |`,
    `|---|${years.map(() => "---|").join("")}---|---|---|---|---|`,
    ...milestones.map(
      (m) =>
        `| ${MILESTONE_NAMES[m.label]} | ${years.map((y) => pct(m.reachedBy[y])).join(" | ")} | ${m.p5} | ${m.p10} | ${m.p50} | ${m.p90} | ${m.p95} |`,
    ),
    "",
    `Top drivers (rho: Spearman with the milestone date, positive = later; S1: first-order Sobol index from the sample, biased up by ~${bias.toFixed(2)}; a run that never reaches a milestone counts as after the horizon):`,
    "",
    `| parameter | ${labels.map((l) => `rho ${l} | S1 ${l}`).join(" | ")} |`,
    `|---|${labels.map(() => "---|---|").join("")}`,
    ...s.influences.map(
      (v) => `| \`${v.path}\` | ${labels.map((l) => `${two(v.rho[l])} | ${two(v.s1[l])}`).join(" | ")} |`,
    ),
    "",
    "**Beside the published models** (`data/calibration.csv` rows `ftm_presets_automation_years`,",
    "`ai2027_superhuman_coder_forecast`, `aifutures_model_dec2025_defaults`):",
    "",
    "| model | early milestone | late milestone |",
    "|---|---|---|",
    `| Takeoff ${s.scenario}, ${s.runs} runs | AGI (10% of GDP): P50 ${agi?.p50 ?? "-"}, P5-P95 ${agi?.p5 ?? "-"} to ${agi?.p95 ?? "-"} | ASI (90% of GDP): P50 ${asi?.p50 ?? "-"}, P5 ${asi?.p5 ?? "-"}, ${pct(asi === undefined ? undefined : 1 - (asi.reachedBy[s.untilYear] ?? 0))} not by ${s.untilYear} |`,
    ...PUBLISHED.map((r) => `| ${r.join(" | ")} |`),
  ]
  return lines.join("\n")
}

/** The scorecard's verdicts, read from `takeoff backtest`'s table (the id first, the verdict last). */
export const backtestVerdicts = (text: string): { inside: number; scored: number; high: string[]; low: string[] } => {
  const total = /(\d+) of (\d+) scored observations inside/.exec(text)
  if (!total) throw new Error("backtest output: expected a line 'N of M scored observations inside ...'")
  const rows = text.split("\n").filter((l) => /^[a-z0-9_]+\s/.test(l))
  const ids = (verdict: string) => rows.filter((l) => l.trimEnd().endsWith(verdict)).map((l) => l.split(/\s+/)[0])
  return { inside: Number(total[1]), scored: Number(total[2]), high: ids("model high"), low: ids("model low") }
}

/** The one-line scorecard summary of docs/model.md's "Backtest" (the README shows it in full). */
export const backtestSummary = (text: string, runs: number, seed: number): string => {
  const v = backtestVerdicts(text)
  const list = (ids: string[]) => (ids.length ? ids.map((i) => `\`${i}\``).join(", ") : "none")
  return `The baseline's scorecard (${runs} runs, seed ${seed}; in full in the README): ${v.inside} of ${v.scored} scored observations inside the band. Model high: ${list(v.high)}. Model low: ${list(v.low)}.`
}
