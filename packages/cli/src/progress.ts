/** Where progress goes: a terminal gets a redrawn bar, anything else plain periodic lines. */
export interface ProgressSink {
  readonly isTTY: boolean
  write(text: string): void
}

/**
 * Reports a long loop's progress on stderr. On a terminal it redraws one line (bar, percent,
 * simulated date, ticks/s) at most 10 times a second; elsewhere (CI, pipes, files) it prints a
 * plain line every `plainEveryMs` so logs stay readable.
 *
 * @example
 * const p = new Progress(process.stderr, 432, "ticks")
 * p.update(12, "2025-01"); p.done("2060-12")
 */
export class Progress {
  private readonly startedMs = Date.now()
  private lastDrawMs = 0
  private drawn = false

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    private readonly unit: string,
    private readonly plainEveryMs = 2000,
  ) {}

  update(done: number, label: string): void {
    const now = Date.now()
    const every = this.sink.isTTY ? 100 : this.plainEveryMs
    if (now - this.lastDrawMs < every) return
    this.lastDrawMs = now
    this.draw(done, label, now)
  }

  /** Final line (always printed), then a newline on a terminal. */
  done(done: number, label: string): void {
    this.draw(done, label, Date.now())
    if (this.sink.isTTY && this.drawn) this.sink.write("\n")
  }

  private draw(done: number, label: string, nowMs: number): void {
    const line = formatProgress(done, this.total, label, this.unit, (nowMs - this.startedMs) / 1000)
    if (this.sink.isTTY) {
      this.sink.write(`\r${line}\x1b[K`)
      this.drawn = true
    } else this.sink.write(`${line}\n`)
  }
}

/** One progress line: `[#####.....]  52%  2043-07  1,234 ticks/s`. */
export const formatProgress = (done: number, total: number, label: string, unit: string, elapsedS: number): string => {
  const frac = total > 0 ? Math.min(1, done / total) : 1
  const width = 24
  const filled = Math.round(frac * width)
  const rate = elapsedS > 0 ? done / elapsedS : 0
  const pct = `${Math.floor(frac * 100)}%`.padStart(4)
  const eta = rate > 0 && done < total ? `  ETA ${formatDuration((total - done) / rate)}` : ""
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct}  ${label}  ${done}/${total} ${unit}  ${formatRate(rate)} ${unit}/s${eta}`
}

/** 75 -> "1m15s", 3700 -> "1h01m". */
export const formatDuration = (seconds: number): string => {
  const s = Math.ceil(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

const formatRate = (r: number): string => (r >= 100 ? Math.round(r).toLocaleString("en-US") : r.toFixed(1))
