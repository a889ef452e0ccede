import { dateToYear } from "./format.js"

/**
 * A run's metric history as growable columns (one Float64Array per metric), appended tick by
 * tick from the stream. Views handed to charts are `subarray`s over the live buffers, so a frame's
 * redraw copies nothing; a new view is made per frame because the buffers may have grown.
 *
 * @example
 * const s = new RunSeries(["gdp"])
 * s.append(0, "2024-01", { gdp: 1e14 })
 * s.column("gdp")[0] // 1e14
 */
export class RunSeries {
  private capacity = 256
  private years = new Float64Array(this.capacity)
  private tickNumbers = new Int32Array(this.capacity)
  private cols = new Map<string, Float64Array>()
  readonly dates: string[] = []
  keys: string[] = []
  length = 0
  /** Bumped on every change so views can tell stale data from fresh. */
  version = 0

  constructor(keys: ReadonlyArray<string> = []) {
    for (const key of keys) this.addKey(key)
  }

  private addKey(key: string): Float64Array {
    let col = this.cols.get(key)
    if (!col) {
      col = new Float64Array(this.capacity).fill(Number.NaN)
      this.cols.set(key, col)
      this.keys.push(key)
    }
    return col
  }

  private grow(min: number): void {
    if (min <= this.capacity) return
    let cap = this.capacity
    while (cap < min) cap *= 2
    const years = new Float64Array(cap)
    years.set(this.years)
    this.years = years
    const ticks = new Int32Array(cap)
    ticks.set(this.tickNumbers)
    this.tickNumbers = ticks
    for (const [key, col] of this.cols) {
      const next = new Float64Array(cap).fill(Number.NaN)
      next.set(col)
      this.cols.set(key, next)
    }
    this.capacity = cap
  }

  /** Last tick held, or -1 when empty. */
  get lastTick(): number {
    return this.length === 0 ? -1 : this.tickNumbers[this.length - 1]
  }

  get firstTick(): number {
    return this.length === 0 ? -1 : this.tickNumbers[0]
  }

  /**
   * Appends one tick. Ticks at or before the last one held are ignored (a resumed stream may
   * repeat the tick it stopped on), so reconnecting never duplicates points.
   */
  append(tick: number, date: string, metrics: Readonly<Record<string, number>>): boolean {
    if (tick <= this.lastTick) return false
    const i = this.length
    this.grow(i + 1)
    this.years[i] = dateToYear(date)
    this.tickNumbers[i] = tick
    this.dates.push(date)
    for (const key in metrics) this.addKey(key)[i] = metrics[key]
    this.length = i + 1
    this.version++
    return true
  }

  /** Appends a columnar batch (a `catchup` message or a REST metrics page). */
  appendColumns(
    ticks: ReadonlyArray<number>,
    dates: ReadonlyArray<string>,
    columns: Readonly<Record<string, ReadonlyArray<number | null>>>,
  ): number {
    let added = 0
    const keys = Object.keys(columns)
    for (const key of keys) this.addKey(key)
    this.grow(this.length + ticks.length)
    for (let j = 0; j < ticks.length; j++) {
      const tick = ticks[j]
      if (tick <= this.lastTick) continue
      const i = this.length
      this.years[i] = dateToYear(dates[j])
      this.tickNumbers[i] = tick
      this.dates.push(dates[j])
      for (const key of keys) {
        const v = columns[key][j]
        this.cols.get(key)![i] = v === null || v === undefined ? Number.NaN : v
      }
      this.length = i + 1
      added++
    }
    if (added > 0) this.version++
    return added
  }

  /** The x axis (decimal years) as a view. */
  x(): Float64Array {
    return this.years.subarray(0, this.length)
  }

  ticks(): Int32Array {
    return this.tickNumbers.subarray(0, this.length)
  }

  /** A metric's values as a view (NaN where a tick lacked it). */
  column(key: string): Float64Array {
    const col = this.cols.get(key)
    return col ? col.subarray(0, this.length) : new Float64Array(this.length).fill(Number.NaN)
  }

  /** Index of the last point at or before `tick` (binary search), or -1. */
  indexAtTick(tick: number): number {
    let lo = 0
    let hi = this.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (this.tickNumbers[mid] <= tick) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }
}
