import type { RunSummary, StateAtTick } from "@takeoff/protocol"
import type { ReactiveController, ReactiveControllerHost } from "lit"
import { api } from "../api.js"
import type { RunSeries } from "../series.js"

/** A finished run opened for replay: its summary and its whole metric history. */
export interface Replay {
  readonly run: RunSummary
  readonly series: RunSeries
}

export interface ReplayOptions {
  /** The position moved to `date` ("YYYY-MM") by a seek: the host records it (e.g. in the URL). */
  readonly onSeek: (date: string) => void
  readonly onError: (e: unknown) => void
}

/** Playback speed: two years of months per second of wall time. */
const MONTHS_PER_SECOND = 24

/**
 * Replay of a finished run: the scrub position (a point index into its series), playback driven by
 * animation frames, and the server's state at the position (snapshot + fold; the latest request
 * wins). The host re-renders on every move.
 *
 * @example
 * replay = new ReplayController(this, { onSeek: (at) => this.url.push({ at }, true), onError: (e) => this.fail(e) })
 * replay.open(run, series, "2030-06")
 */
export class ReplayController implements ReactiveController {
  current: Replay | null = null
  /** The point index shown (the charts cut there). */
  index = 0
  playing = false
  /** The server's state at the position, once it has answered. */
  state: StateAtTick | null = null

  private playTimer = 0
  private stateReq = 0

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ReplayOptions,
  ) {
    host.addController(this)
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.playTimer)
  }

  /** Shows a run from its stored series at the first point at or after `at`, else at its end. */
  open(run: RunSummary, series: RunSeries, at: string | undefined): void {
    this.current = { run, series }
    const atIdx = at ? series.dates.findIndex((d) => d >= at) : -1
    this.index = atIdx >= 0 ? atIdx : series.length - 1
    this.host.requestUpdate()
  }

  /** Stops playback and drops the run. */
  close(): void {
    this.setPlaying(false)
    this.current = null
    this.state = null
    this.host.requestUpdate()
  }

  /** Moves to a point index and asks the server for the state there. */
  seek(index: number): void {
    if (!this.current) return
    this.index = index
    this.host.requestUpdate()
    this.options.onSeek(this.current.series.dates[index])
    void this.fetchState()
  }

  /** Moves to the last point at or before a decimal year (a click on a chart), stopping playback. */
  seekToYear(year: number): void {
    if (!this.current) return
    const xs = this.current.series.x()
    let i = 0
    while (i < xs.length - 1 && xs[i + 1] <= year) i++
    this.setPlaying(false)
    this.seek(i)
  }

  /** Starts (from the beginning if at the end) or stops playback. */
  setPlaying(on: boolean): void {
    this.playing = on
    this.host.requestUpdate()
    cancelAnimationFrame(this.playTimer)
    if (!on || !this.current) return
    if (this.index >= this.current.series.length - 1) this.index = 0
    let last = performance.now()
    let carry = 0
    const step = (now: number) => {
      const replay = this.current
      if (!replay || !this.playing) return
      carry += ((now - last) / 1000) * MONTHS_PER_SECOND
      last = now
      const adv = Math.floor(carry)
      carry -= adv
      if (adv > 0) {
        this.index = Math.min(replay.series.length - 1, this.index + adv)
        this.host.requestUpdate()
        if (this.index >= replay.series.length - 1) {
          this.playing = false
          this.seek(this.index)
          return
        }
      }
      this.playTimer = requestAnimationFrame(step)
    }
    this.playTimer = requestAnimationFrame(step)
  }

  /** Asks the server for the state at the position; an answer to an older request is dropped. */
  async fetchState(): Promise<void> {
    if (!this.current) return
    const req = ++this.stateReq
    const tick = this.current.series.ticks()[this.index]
    try {
      const s = await api.state(this.current.run.id, { tick })
      if (req === this.stateReq) {
        this.state = s
        this.host.requestUpdate()
      }
    } catch (e) {
      if (req === this.stateReq) this.options.onError(e)
    }
  }
}
