import * as fs from "node:fs"
import * as path from "node:path"
import type { SweepPlan, SweepRunResult, SweepTask } from "@takeoff/agents"
import type { SweepSummary } from "@takeoff/protocol"

/** What is persisted per sweep in `sweeps/<id>.json`: the request, the plan and the status (the results go to the member log). */
export interface SweepMeta {
  summary: SweepSummary
  plan: SweepPlan
  tasks: SweepTask[]
  /** The id its members were last handed out under (NATS subjects carry it), so a restart can drop what is left. */
  runId?: string
}

/** A sweep as read back from its files: its record and the results of the members that finished. */
export interface StoredSweep {
  readonly meta: SweepMeta
  readonly results: Array<SweepRunResult | undefined>
}

/**
 * The sweeps' files in `<dataDir>/sweeps`. Per sweep, `<id>.json` holds its record, replaced whole
 * (written to a temporary file, then renamed) so a crash leaves the old record or the new one; and
 * `<id>.members.ndjson` its members' results, one line each, appended in one write and synced as
 * each member finishes, so a crash loses at most the members running. A torn last line (the write
 * the crash interrupted) is ignored, named in the server log, and cut off so the next append starts
 * a line of its own.
 *
 * @example
 * const store = new SweepStore(dataDir)
 * store.appendMember(id, result)
 * for (const { meta, results } of store.loadAll()) console.log(meta.summary.id, results.filter(Boolean).length)
 */
export class SweepStore {
  readonly dir: string

  constructor(dataDir: string) {
    this.dir = path.join(path.resolve(dataDir), "sweeps")
    fs.mkdirSync(this.dir, { recursive: true })
  }

  /** Every sweep on disk, oldest first; an unreadable file is skipped and named in the server log. */
  loadAll(): StoredSweep[] {
    const out: StoredSweep[] = []
    for (const f of fs.readdirSync(this.dir).sort()) {
      if (!f.endsWith(".json")) continue
      try {
        const saved = JSON.parse(fs.readFileSync(path.join(this.dir, f), "utf8")) as SweepMeta & {
          results?: Array<SweepRunResult | null>
        }
        const meta: SweepMeta = { summary: saved.summary, plan: saved.plan, tasks: saved.tasks }
        if (typeof saved.runId === "string") meta.runId = saved.runId
        // Records written before the member log held the results of a sweep that ended.
        const results = Array.from({ length: meta.tasks.length }, (_, i) => saved.results?.[i] ?? undefined)
        for (const r of this.readMembers(meta)) results[r.index] = r
        out.push({ meta, results })
      } catch (e) {
        console.warn(`takeoff server: skipping unreadable sweep file ${f}: ${(e as Error).message}`)
      }
    }
    return out
  }

  /** Replaces the sweep's record. */
  save(meta: SweepMeta): void {
    const file = this.file(meta.summary.id)
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(meta))
    fs.renameSync(tmp, file)
  }

  /** Appends a finished member's result to the sweep's member log: one line, one write, synced before it returns. */
  appendMember(id: string, result: SweepRunResult): void {
    const fd = fs.openSync(this.membersFile(id), "a")
    try {
      fs.writeSync(fd, `${JSON.stringify(result)}\n`)
      fs.fdatasyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
  }

  remove(id: string): void {
    fs.rmSync(this.file(id), { force: true })
    fs.rmSync(this.membersFile(id), { force: true })
  }

  /** The member log's whole lines; a torn or unreadable line is named in the server log and skipped. */
  private readMembers(meta: SweepMeta): SweepRunResult[] {
    const id = meta.summary.id
    const file = this.membersFile(id)
    if (!fs.existsSync(file)) return []
    const text = fs.readFileSync(file, "utf8")
    const lines = text.split("\n")
    const torn = lines.pop() ?? ""
    if (torn !== "") {
      console.warn(
        `takeoff server: sweep ${id}: ignoring the torn last line ${lines.length + 1} of ${path.basename(file)} (${Buffer.byteLength(torn)} bytes, no newline: the write a crash cut short)`,
      )
      fs.truncateSync(file, Buffer.byteLength(text) - Buffer.byteLength(torn))
    }
    const out: SweepRunResult[] = []
    lines.forEach((line, i) => {
      try {
        const r = JSON.parse(line) as SweepRunResult
        if (!Number.isInteger(r?.index) || r.index < 0 || r.index >= meta.tasks.length)
          throw new Error(`index: expected an integer in [0, ${meta.tasks.length - 1}], got ${r?.index}`)
        out.push(r)
      } catch (e) {
        console.warn(
          `takeoff server: sweep ${id}: skipping line ${i + 1} of ${path.basename(file)}: ${(e as Error).message}`,
        )
      }
    })
    return out
  }

  private file(id: string) {
    return path.join(this.dir, `${id}.json`)
  }

  private membersFile(id: string) {
    return path.join(this.dir, `${id}.members.ndjson`)
  }
}
