/**
 * Writes the parameter tables of docs/model.md from the registry and the baseline scenario, between
 * the markers (`npm run docs -w @takeoff/agents`). src/docs.test.ts fails when they drift.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { loadScenario } from "../src/scenario/files.js"
import { parameterTables, withParameterTables } from "../src/scenario/docs.js"

const file = fileURLToPath(new URL("../../../docs/model.md", import.meta.url))
const doc = readFileSync(file, "utf8")
const next = withParameterTables(doc, parameterTables(loadScenario("baseline")))
if (next === doc) console.log("docs/model.md: parameter tables up to date")
else {
  writeFileSync(file, next)
  console.log("docs/model.md: parameter tables regenerated")
}
