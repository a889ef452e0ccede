import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url))
const idsOf = (file: string) =>
  readFileSync(root(file), "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.split(",")[0])
    .filter((id) => id !== "")
// Scenarios cite calibration rows and, for world totals, reference rows.
const calibrationIds = new Set([...idsOf("data/calibration.csv"), ...idsOf("data/reference.csv")])

describe("citations", () => {
  it("every row id a scenario cites (snake_case in its text) is a row of data/calibration.csv or reference.csv", () => {
    for (const f of readdirSync(root("scenarios")).filter((f) => f.endsWith(".yaml"))) {
      const text = readFileSync(root(`scenarios/${f}`), "utf8")
      const cited = new Set(text.match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g) ?? [])
      for (const id of cited) expect(calibrationIds, `${f} cites ${id}`).toContain(id)
    }
  })
  it("nothing outside the repository is cited", () => {
    for (const f of ["README.md", "docs/model.md", "scenarios/baseline.yaml"]) {
      expect(readFileSync(root(f), "utf8"), f).not.toMatch(/shared\/|CALIBRATION\.csv/)
    }
  })
})
