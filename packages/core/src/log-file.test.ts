import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { isValidRunId, LogFileWriter, openLogFile } from "./log-file.js"
import { walkersModel } from "./testing/walkers.js"
import { verify } from "./verify.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-log-file-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe("log files", () => {
  for (const gzip of [false, true]) {
    it(`reads back exactly the bytes written a tick at a time, and the log verifies (${gzip ? "gzip" : "plain"})`, () => {
      const file = path.join(tmp, `run${gzip ? ".ndjson.gz" : ".ndjson"}`)
      const sim = Simulation.create(
        walkersModel,
        { agents: 50, teleportProbability: 0.5 },
        { seed: 3, stateHashEvery: 2, snapshotEvery: 4 },
      )
      const w = LogFileWriter.create(file, sim.headerLine)
      let written = `${sim.headerLine}\n`
      for (let i = 0; i < 9; i++) {
        const { text } = sim.step()
        w.write(text)
        written += text
      }
      const end = sim.endLine("completed")
      w.close(end)
      written += end
      const opened = openLogFile(file)
      expect(opened.text).toBe(written)
      expect(opened.repaired).toBeUndefined()
      expect(verify(walkersModel, opened.text).ok).toBe(true)
      expect(() => LogFileWriter.create(file, sim.headerLine)).toThrow(/EEXIST/)
      expect(() => w.write("x\n")).toThrow(/closed/)
    })
  }

  it("accepts only run ids that are plain file names", () => {
    expect(isValidRunId("m3k2-ab12cd34")).toBe(true)
    for (const bad of ["../escape", ".hidden", "a/b", "", "a..b"]) expect(isValidRunId(bad)).toBe(false)
  })
})
