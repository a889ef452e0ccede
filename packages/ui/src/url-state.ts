/** What a shareable URL carries: enough to reproduce a view (scenario, overrides, seed) or reopen a run. */
export interface UrlState {
  view: "live" | "runs" | "compare" | "ensemble"
  scenario?: string
  seed?: number
  untilYear?: number
  overrides: Record<string, string>
  run?: string
  compare: string[]
  /** Replay position as "YYYY-MM". */
  at?: string
  /** The sweep the Ensemble view shows; its shareable link is `#/ensemble/<id>`. */
  sweep?: string
}

const VIEWS = new Set(["live", "runs", "compare", "ensemble"])

const SWEEP_HASH = /^#\/ensemble\/([A-Za-z0-9-]{1,64})$/

/**
 * Parses a query string; overrides are `o.<parameter path>=<value>`; a `#/ensemble/<id>` hash opens
 * that sweep in the Ensemble view.
 * @example parseUrlState("?scenario=baseline&seed=7&o.labs.growth=2").overrides // { "labs.growth": "2" }
 * @example parseUrlState("", "#/ensemble/mx1-ab12cd34").sweep // "mx1-ab12cd34"
 */
export const parseUrlState = (search: string, hash = ""): UrlState => {
  const sweep = SWEEP_HASH.exec(hash)?.[1]
  const p = new URLSearchParams(search)
  const overrides: Record<string, string> = {}
  for (const [k, v] of p) if (k.startsWith("o.")) overrides[k.slice(2)] = v
  const num = (k: string) => {
    const v = p.get(k)
    return v !== null && v !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined
  }
  const view = p.get("view") ?? "live"
  return {
    view: sweep ? "ensemble" : ((VIEWS.has(view) ? view : "live") as UrlState["view"]),
    scenario: p.get("scenario") ?? undefined,
    seed: num("seed"),
    untilYear: num("until"),
    overrides,
    run: p.get("run") ?? undefined,
    compare: (p.get("compare") ?? "").split(",").filter(Boolean),
    at: p.get("at") ?? undefined,
    ...(sweep ? { sweep } : {}),
  }
}

/**
 * The query string for a state (stable key order so equal states give equal URLs).
 * @example formatUrlState({ view: "live", scenario: "baseline", seed: 7, overrides: {}, compare: [] }) // "?scenario=baseline&seed=7"
 */
export const formatUrlState = (s: UrlState): string => {
  const p = new URLSearchParams()
  if (s.view !== "live") p.set("view", s.view)
  if (s.scenario) p.set("scenario", s.scenario)
  if (s.seed !== undefined) p.set("seed", String(s.seed))
  if (s.untilYear !== undefined) p.set("until", String(s.untilYear))
  for (const k of Object.keys(s.overrides).sort()) p.set(`o.${k}`, s.overrides[k])
  if (s.run) p.set("run", s.run)
  if (s.compare.length) p.set("compare", s.compare.join(","))
  if (s.at) p.set("at", s.at)
  const q = p.toString()
  const hash = s.view === "ensemble" && s.sweep ? `#/ensemble/${s.sweep}` : ""
  return q ? `?${q}${hash}` : hash
}
