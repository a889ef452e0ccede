import * as fs from "node:fs"
import * as path from "node:path"
import { loadKit, RunLoop, Simulation } from "@takeoff/core"
import { startServer } from "@takeoff/server"
import { describe, expect, it } from "vitest"
import { runToLog } from "../src/runlog.js"
import { tempDir } from "./helpers.js"

const KIT_URL = new URL("./fixtures/walkers-ending-kit.mjs", import.meta.url).href
const SEED = 7

/** The end record (a signed log has its signature after it). */
const endRecord = (text: string) => {
  const line = text
    .trimEnd()
    .split("\n")
    .findLast((l) => l.startsWith('{"kind":"end"'))!
  const { kind, reason, message, tick } = JSON.parse(line)
  return { kind, reason, message, tick }
}

describe("every runner ends a run the same way (core's RunLoop)", () => {
  it("given a kit whose end event occurs, then the library loop, takeoff run's loop and the server's worker write the same end record", async () => {
    const kit = await loadKit(KIT_URL)
    const config = kit.scenarios.load("walkers")
    const untilTick = kit.calendar.untilTick(config, 2030)

    const sim = Simulation.create(kit.model, config, { seed: SEED })
    let text = ""
    const end = new RunLoop(sim, {
      untilTick,
      endEvents: kit.endEvents,
      sink: { append: () => {}, close: (line) => (text = line) },
    }).runWhile(() => true)
    expect(end).toMatchObject({ reason: "completed", message: "WalkerTeleported" })
    expect(end!.lastTick).toBeLessThan(untilTick)
    const expected = endRecord(text)

    const out = path.join(tempDir(), "cli.ndjson")
    const cli = await runToLog({ kit, config, seed: SEED, untilTick, out, meta: {}, onTick: () => {} })
    expect(cli).toMatchObject({ reason: "completed", lastTick: end!.lastTick, endedBy: "WalkerTeleported" })
    expect(endRecord(fs.readFileSync(out, "utf8"))).toEqual(expected)

    const server = await startServer({ port: 0, dataDir: tempDir(), kitUrl: KIT_URL })
    try {
      const created = await fetch(`${server.url}/api/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario: "walkers", seed: SEED, untilYear: 2030 }),
      })
      const { id } = (await created.json()) as { id: string }
      let summary = { status: "", endedBy: undefined as string | undefined }
      for (let i = 0; i < 200 && summary.status !== "completed"; i++) {
        await new Promise((r) => setTimeout(r, 50))
        summary = (await (await fetch(`${server.url}/api/runs/${id}`)).json()) as typeof summary
      }
      // Same word as the CLI's and the end record's, and the end event that cut it short.
      expect(summary).toMatchObject({ status: "completed", endedBy: "WalkerTeleported" })
      expect(endRecord(fs.readFileSync(server.manager.logFile(id), "utf8"))).toEqual(expected)
    } finally {
      await server.close()
    }
  })
})
