import * as fs from "node:fs"
import * as path from "node:path"
import economyKit from "@takeoff/agents/kit"
import * as Schema from "effect/Schema"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "../src/index.js"
import { ScenarioYamlSchema } from "../src/response-schemas.js"
import { api, tmpDir } from "./helpers.js"

/** The UI's "Save as scenario": edited parameters rendered as a scenario file by the model's own scenario code. */
describe("POST /api/scenarios/yaml", () => {
  let s: RunningServer
  const dir = tmpDir("scenario-yaml")
  beforeAll(async () => {
    s = await startServer({ port: 0, dataDir: dir })
  })
  afterAll(async () => {
    await s.close()
  })

  it("given edits to baseline, answers a file extending it that the scenario loader reads back to the same values", async () => {
    const overrides = { "ai.mfu": 0.45, "macro.savingRate": "0.3", "firms.count": 120 }
    const r = await api(s.url, "POST", "/api/scenarios/yaml", { scenario: "baseline", name: "my-edit", overrides })
    expect(r.status, r.text).toBe(200)
    const body = Schema.decodeUnknownSync(ScenarioYamlSchema)(r.json)
    expect(body.file).toBe("my-edit.yaml")
    expect(body.yaml).toMatch(/^extends: baseline$/m)
    expect(body.yaml).toMatch(/^ {4}mfu: \{ value: 0\.45, assumption: true, note: "TODO: /m)
    const file = path.join(dir, body.file)
    fs.writeFileSync(file, body.yaml)
    const loaded = economyKit.scenarios.load(file)
    expect(loaded.name).toBe("my-edit")
    expect(loaded.values).toEqual(economyKit.scenarios.load("baseline", overrides).values)
  })

  it("refuses a bad override, a bad name and an unknown scenario, naming the field", async () => {
    const bad = await api(s.url, "POST", "/api/scenarios/yaml", {
      scenario: "baseline",
      name: "x",
      overrides: { "ai.mfu": 7 },
    })
    expect(bad.status).toBe(400)
    expect(bad.json.error.field).toBe("overrides.ai.mfu")
    const name = await api(s.url, "POST", "/api/scenarios/yaml", {
      scenario: "baseline",
      name: "My File",
      overrides: {},
    })
    expect(name.status).toBe(400)
    expect(name.json.error.field).toBe("name")
    const unknown = await api(s.url, "POST", "/api/scenarios/yaml", { scenario: "nope", name: "x", overrides: {} })
    expect(unknown.status).toBe(404)
    expect(unknown.json.error.field).toBe("scenario")
  })
})
