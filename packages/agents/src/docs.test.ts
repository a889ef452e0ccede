import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { loadScenario } from "./scenario/files.js"
import { DOCS_BEGIN, DOCS_END, parameterTables, withParameterTables } from "./scenario/docs.js"

describe("docs/model.md", () => {
  it("has the parameter tables of the registry and the baseline (else run `npm run docs -w @takeoff/agents`)", () => {
    const doc = readFileSync(new URL("../../../docs/model.md", import.meta.url), "utf8")
    expect(doc).toContain(DOCS_BEGIN)
    expect(doc).toContain(DOCS_END)
    const fresh = withParameterTables(doc, parameterTables(loadScenario("baseline")))
    expect(
      doc === fresh,
      "docs/model.md parameter tables drifted from the registry: run `npm run docs -w @takeoff/agents`",
    ).toBe(true)
  })
})
