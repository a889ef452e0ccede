import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { sweepCsvPath } from "./sweep-out.js"

describe("sweepCsvPath", () => {
  it("names a sweep's CSV clearly whatever --out is", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-out-"))
    expect(sweepCsvPath(undefined, "baseline")).toBe(path.join("sweeps", "baseline-sweep.csv"))
    expect(sweepCsvPath("results", "baseline")).toBe("results.csv")
    expect(sweepCsvPath("a/b.csv", "baseline")).toBe("a/b.csv")
    expect(sweepCsvPath("later/", "baseline")).toBe(path.join("later", "baseline-sweep.csv"))
    expect(sweepCsvPath(dir, "baseline")).toBe(path.join(dir, "baseline-sweep.csv"))
    expect(() => sweepCsvPath("results.txt", "baseline")).toThrow(
      "--out results.txt: expected a .csv file or a directory, got a .txt file",
    )
  })
})
