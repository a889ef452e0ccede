import { BACKTEST_RULES, type BacktestRule, type MonthlySeries } from "./backtest-rules.js"
import { percentile } from "./stats.js"

/**
 * The backtest (docs/model.md, "Backtest"): a run's or an ensemble's monthly metrics against the
 * figures dated 2025 and later in data/observed.csv. A report, never a fit target: no parameter is
 * tuned to it. Pure: the caller reads the file and runs the simulations.
 */

/** One row of data/observed.csv (every column kept as text; the rules convert `value`). */
export interface ObservedRow {
  readonly id: string
  readonly metric: string
  readonly value: string
  readonly unit: string
  readonly date: string
  readonly source_title: string
  readonly url: string
  readonly accessed: string
  readonly notes: string
  /** 1-based line of the row in the file, for error messages. */
  readonly line: number
}

const COLUMNS = ["id", "metric", "value", "unit", "date", "source_title", "url", "accessed", "notes"] as const

/** A CSV file that does not parse as data/observed.csv; names the line and what was expected. */
export class ObservedCsvError extends Error {
  readonly _tag = "ObservedCsvError"
}

/** Splits RFC 4180 CSV text into records (quoted fields may hold commas, quotes and newlines). */
const csvRecords = (text: string): Array<{ line: number; fields: string[] }> => {
  const out: Array<{ line: number; fields: string[] }> = []
  let fields: string[] = []
  let field = ""
  let quoted = false
  let line = 1
  let recordLine = 1
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else {
        if (c === "\n") line++
        field += c
      }
    } else if (c === '"') quoted = true
    else if (c === ",") {
      fields.push(field)
      field = ""
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++
      fields.push(field)
      if (fields.length > 1 || fields[0] !== "") out.push({ line: recordLine, fields })
      fields = []
      field = ""
      line++
      recordLine = line
    } else field += c
  }
  if (quoted) throw new ObservedCsvError(`line ${recordLine}: a quoted field is not closed`)
  if (field !== "" || fields.length > 0) {
    fields.push(field)
    out.push({ line: recordLine, fields })
  }
  return out
}

/**
 * Parses data/observed.csv. Throws ObservedCsvError naming the line when the header or a row's
 * column count is not what the file's README documents.
 *
 * @example
 * parseObservedCsv(readFileSync("data/observed.csv", "utf8"))[0].metric // "gdpGrowth"
 */
export const parseObservedCsv = (text: string): ObservedRow[] => {
  const [header, ...rows] = csvRecords(text)
  if (header === undefined || header.fields.join(",") !== COLUMNS.join(",")) {
    throw new ObservedCsvError(`line 1: expected the header ${COLUMNS.join(",")}`)
  }
  return rows.map(({ line, fields }) => {
    if (fields.length !== COLUMNS.length) {
      throw new ObservedCsvError(`line ${line}: expected ${COLUMNS.length} columns, got ${fields.length}`)
    }
    const row = Object.fromEntries(COLUMNS.map((c, i) => [c, fields[i]])) as Record<(typeof COLUMNS)[number], string>
    return { ...row, line }
  })
}

export interface ScoredRow {
  readonly id: string
  readonly metric: string
  readonly date: string
  readonly kind: BacktestRule["kind"]
  /** The observed figure in the unit of `unit` (after the rule's conversion); NaN for context rows. */
  readonly observed: number
  readonly unit: string
  /** Simulated percentiles over the runs (a single run: all three equal); NaN for context rows. */
  readonly p10: number
  readonly p50: number
  readonly p90: number
  /** Simulated P50 / observed. */
  readonly ratio: number
  /**
   * level rows: "inside" when observed is within [P10, P90], else "model high" (P10 above it) or
   * "model low"; floor rows (one firm's figure, below the world total the model simulates):
   * "inside" when P90 reaches it, else "model low"; context rows are not scored.
   */
  readonly verdict: Verdict
  readonly inside: boolean | null
  readonly conversion: string
  readonly source: string
  readonly url: string
}

export type Verdict = "inside" | "model high" | "model low" | "context"

export interface Scorecard {
  readonly runs: number
  readonly rows: ReadonlyArray<ScoredRow>
  /** Scored rows (level and floor) and how many of them were inside. */
  readonly scored: number
  readonly inside: number
}

/** The last month a rule set reads (the runs must reach it). */
export const lastMonthNeeded = (rules: ReadonlyArray<BacktestRule> = BACKTEST_RULES): string =>
  rules.reduce((m, r) => (r.until !== undefined && r.until > m ? r.until : m), "0000-00")

/**
 * Scores runs against observed rows: each row's rule converts the observation and reads the
 * comparable quantity from each run. Every row needs a rule, so a new observation has to say how
 * it compares before it can be added.
 *
 * @example
 * const card = scoreBacktest(parseObservedCsv(text), [series])
 * card.rows.find((r) => r.id === "nvidia_chip_spend_2025")?.ratio
 */
export const scoreBacktest = (
  observed: ReadonlyArray<ObservedRow>,
  runs: ReadonlyArray<MonthlySeries>,
  rules: ReadonlyArray<BacktestRule> = BACKTEST_RULES,
): Scorecard => {
  const byId = new Map(rules.map((r) => [r.id, r]))
  const rows = observed.map((o): ScoredRow => {
    const rule = byId.get(o.id)
    if (rule === undefined) {
      throw new ObservedCsvError(`line ${o.line}: ${o.id}: no backtest rule says how this row compares with the model`)
    }
    const base = { id: o.id, metric: o.metric, date: o.date, kind: rule.kind, unit: rule.unit }
    const about = { conversion: rule.conversion, source: o.source_title, url: o.url }
    if (rule.kind === "context") {
      const nan = Number.NaN
      return {
        ...base,
        observed: nan,
        p10: nan,
        p50: nan,
        p90: nan,
        ratio: nan,
        verdict: "context",
        inside: null,
        ...about,
      }
    }
    const value = rule.observed(o.value)
    if (!Number.isFinite(value)) {
      throw new ObservedCsvError(`line ${o.line}: ${o.id}: value "${o.value}" does not convert to a number`)
    }
    const sims = runs.map((s) => rule.simulated(s)).filter(Number.isFinite)
    const p10 = percentile(sims, 0.1)
    const p50 = percentile(sims, 0.5)
    const p90 = percentile(sims, 0.9)
    const verdict: Verdict =
      sims.length === 0 || p90 < value ? "model low" : rule.kind === "level" && p10 > value ? "model high" : "inside"
    return {
      ...base,
      observed: value,
      p10,
      p50,
      p90,
      ratio: p50 / value,
      verdict,
      inside: verdict === "inside",
      ...about,
    }
  })
  const scored = rows.filter((r) => r.inside !== null)
  return { runs: runs.length, rows, scored: scored.length, inside: scored.filter((r) => r.inside).length }
}
