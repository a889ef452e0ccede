import { readdirSync, readFileSync } from "node:fs"
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

  it("has the section every mechanism file says it implements", () => {
    const doc = readFileSync(new URL("../../../docs/model.md", import.meta.url), "utf8")
    const headings = new Set(doc.split("\n").flatMap((l) => (l.startsWith("## ") ? [l.slice(3)] : [])))
    const dir = new URL("./mechanisms/", import.meta.url)
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts")) {
      const text = readFileSync(new URL(file, dir), "utf8")
      // The opening comment names the section: (docs/model.md, "Section" ...).
      const header = text.slice(text.indexOf("docs/model.md"), text.indexOf("*/", text.indexOf("docs/model.md")))
      const sections = [...header.matchAll(/"([A-Z][^"]*)"/g)].map((m) => m[1])
      expect(sections.length, `${file} names no docs/model.md section`).toBeGreaterThan(0)
      for (const section of sections) expect(headings, `${file}: "${section}"`).toContain(section)
    }
  })
})
