import type { NotableEvent } from "@takeoff/protocol"

/** One row of the event feed: an event, or the newest of a routine type's events standing for all of them. */
export interface FeedRow {
  readonly event: NotableEvent
  /** How many events the row stands for (1 for an event listed on its own). */
  readonly count: number
  /** The date of the oldest event the row stands for. */
  readonly since: string
}

/**
 * A type seen more often than this in a run is routine (monthly power orders, factory additions):
 * grouped, so model releases, milestones and regime changes stand out. A year of monthly repeats.
 */
export const ROUTINE_AFTER = 12

/**
 * The feed's rows, newest first, at most `limit`: events matching the filters; with `group`, each
 * routine type (more than ROUTINE_AFTER events of that type and agent in the run) is one row
 * carrying its count and first date, and rarer events are listed one by one.
 * @example feedRows(events, { type: "", agent: "" }, true) // [{ event: newest PowerOrdered, count: 37, since: "2024-02" }, ...]
 */
export const feedRows = (
  events: ReadonlyArray<NotableEvent>,
  filter: { readonly type: string; readonly agent: string },
  group: boolean,
  limit = 100,
): FeedRow[] => {
  const key = (e: NotableEvent) => `${e.type}\u0000${e.agent ?? ""}`
  const counts = new Map<string, number>()
  const matches = (e: NotableEvent) =>
    (!filter.type || e.type === filter.type) && (!filter.agent || e.agent === filter.agent)
  if (group) for (const e of events) if (matches(e)) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1)
  const rows: FeedRow[] = []
  const groupRow = new Map<string, number>()
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]
    if (!matches(e)) continue
    const k = key(e)
    const routine = group && (counts.get(k) ?? 0) > ROUTINE_AFTER
    const at = routine ? groupRow.get(k) : undefined
    if (at !== undefined) {
      // Older events of a routine type only move its row's first date back.
      rows[at] = { ...rows[at], since: e.date }
      continue
    }
    if (rows.length >= limit) {
      if (routine) continue
      if (!group) break
      continue
    }
    if (routine) groupRow.set(k, rows.length)
    rows.push({ event: e, count: routine ? (counts.get(k) ?? 1) : 1, since: e.date })
  }
  return rows
}
