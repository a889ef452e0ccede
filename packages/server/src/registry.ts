import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import type { RunSummary } from "@takeoff/protocol"
import { isValidRunId, openLogFile, truncateToSealed } from "@takeoff/core"
import { notFound } from "./errors.js"
import { Run, type RunMeta } from "./run.js"
import type { TickReport } from "./worker-protocol.js"

/** A new run id: sortable by creation time, unguessable. */
export const newRunId = (): string => `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`

const writeJsonAtomic = (file: string, value: unknown) => {
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(value, null, 1))
  fs.renameSync(tmp, file)
}

/** Reads a metrics sidecar: one JSON report per tick after the keys line; a torn last line is ignored. */
export const readSidecar = (file: string, upToTick: number): TickReport[] => {
  if (!fs.existsSync(file)) return []
  const out: TickReport[] = []
  const lines = fs.readFileSync(file, "utf8").split("\n")
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].length === 0) continue
    let r: TickReport
    try {
      r = JSON.parse(lines[i]) as TickReport
    } catch {
      break
    }
    if (r.tick > upToTick) break
    out.push({ ...r, values: r.values.map((v) => (v === null ? Number.NaN : v)) })
  }
  return out
}

/**
 * Every run the server knows, and where each one's files live in the data directory:
 * `runs/<id>.json` (its summary, rewritten atomically on every change), `logs/<id>.ndjson`,
 * `metrics/<id>.ndjson` (the metrics sidecar) and `uploads/` (logs being imported).
 *
 * @example
 * const registry = RunRegistry.load(".takeoff-data")
 * registry.get(id).summary()
 */
export class RunRegistry {
  readonly runs = new Map<string, Run>()
  readonly logsDir: string
  readonly uploadsDir: string
  private readonly runsDir: string
  private readonly metricsDir: string

  private constructor(dataDir: string) {
    const dir = path.resolve(dataDir)
    this.runsDir = path.join(dir, "runs")
    this.logsDir = path.join(dir, "logs")
    this.metricsDir = path.join(dir, "metrics")
    this.uploadsDir = path.join(dir, "uploads")
    for (const d of [this.runsDir, this.logsDir, this.metricsDir, this.uploadsDir]) fs.mkdirSync(d, { recursive: true })
  }

  /**
   * Opens the data directory and loads the runs persisted there. A run that was live when the
   * server went away has its log's torn tail repaired and reads as interrupted at the tick it reached.
   */
  static load(dataDir: string): RunRegistry {
    const registry = new RunRegistry(dataDir)
    registry.loadPersisted()
    return registry
  }

  /** Paths of a run's files; the id is checked first, so no request can name a path of its own. */
  logFile(id: string): string {
    if (!isValidRunId(id)) throw notFound(`no run "${id}"`, "id")
    return path.join(this.logsDir, `${id}.ndjson`)
  }
  metricsFile(id: string): string {
    return path.join(this.metricsDir, `${id}.ndjson`)
  }

  persist(run: Run): void {
    // A remote run lives on its own server; here it is only held in memory.
    if (run.meta.hostedBy !== undefined) return
    writeJsonAtomic(path.join(this.runsDir, `${run.id}.json`), run.meta)
  }

  /** Adds a new run and persists it. */
  add(run: Run): void {
    this.runs.set(run.id, run)
    this.persist(run)
  }

  /** Holds a run another server simulates (relayed over NATS), in memory only. */
  addRemote(run: Run): void {
    if (!this.runs.has(run.id)) this.runs.set(run.id, run)
  }

  list(): RunSummary[] {
    return [...this.runs.values()].map((r) => r.summary()).reverse()
  }

  get(id: string): Run {
    const run = isValidRunId(id) ? this.runs.get(id) : undefined
    if (run === undefined) throw notFound(`no run "${id}"`, "id")
    return run
  }

  private loadPersisted() {
    for (const f of fs.readdirSync(this.runsDir).sort()) {
      if (!f.endsWith(".json")) continue
      let meta: RunMeta
      try {
        meta = JSON.parse(fs.readFileSync(path.join(this.runsDir, f), "utf8")) as RunMeta
      } catch (e) {
        console.warn(`takeoff server: skipping unreadable run file ${f}: ${(e as Error).message}`)
        continue
      }
      if (!isValidRunId(meta.id) || `${meta.id}.json` !== f) continue
      // Data directories written before the status vocabulary was unified say "finished".
      if ((meta.status as string) === "finished") meta.status = "completed"
      const run = new Run(meta)
      let lastSealed = meta.tick
      if (!run.terminal || meta.status === "interrupted") {
        // It was live when the server went away: repair a torn tail and mark the tick it reached.
        lastSealed = -1
        if (fs.existsSync(this.logFile(meta.id))) {
          const opened = openLogFile(this.logFile(meta.id))
          lastSealed = truncateToSealed(opened.text).lastSealedTick
        }
      }
      // Milestones are rebuilt from the sidecar with the history, so they match the ticks kept.
      meta.milestones = []
      for (const r of readSidecar(this.metricsFile(meta.id), lastSealed)) run.record(r, Number.NaN)
      if (!run.terminal) {
        meta.status = "interrupted"
        meta.tick = run.lastTick
        meta.date = run.history.dates[run.history.dates.length - 1] ?? null
        this.persist(run)
      }
      this.runs.set(meta.id, run)
    }
  }
}
