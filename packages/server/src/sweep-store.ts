import * as fs from "node:fs"
import * as path from "node:path"
import type { SweepPlan, SweepRunResult, SweepTask } from "@takeoff/agents"
import type { SweepSummary } from "@takeoff/protocol"

/** What is persisted per sweep in `sweeps/<id>.json`: the request, the plan, and the members' results. */
export interface SweepMeta {
  summary: SweepSummary
  plan: SweepPlan
  tasks: SweepTask[]
}

/** A sweep as read back from its files: its record and the results of the members that finished. */
export interface StoredSweep {
  readonly meta: SweepMeta
  readonly results: Array<SweepRunResult | undefined>
}

/**
 * The sweeps' files in `<dataDir>/sweeps`: one `<id>.json` per sweep, replaced whole (written to a
 * temporary file, then renamed) so a crash leaves the old record or the new one, never half of one.
 *
 * @example
 * const store = new SweepStore(dataDir)
 * for (const { meta, results } of store.loadAll()) console.log(meta.summary.id, results.length)
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
        out.push({
          meta: { summary: saved.summary, plan: saved.plan, tasks: saved.tasks },
          results: (saved.results ?? []).map((r) => r ?? undefined),
        })
      } catch (e) {
        console.warn(`takeoff server: skipping unreadable sweep file ${f}: ${(e as Error).message}`)
      }
    }
    return out
  }

  /** Replaces the sweep's record (with its results when given). */
  save(meta: SweepMeta, results?: ReadonlyArray<SweepRunResult | undefined>): void {
    const file = this.file(meta.summary.id)
    const tmp = `${file}.${process.pid}.tmp`
    const body = results ? { ...meta, results: results.map((r) => r ?? null) } : meta
    fs.writeFileSync(tmp, JSON.stringify(body))
    fs.renameSync(tmp, file)
  }

  remove(id: string): void {
    fs.rmSync(this.file(id), { force: true })
  }

  private file(id: string) {
    return path.join(this.dir, `${id}.json`)
  }
}
