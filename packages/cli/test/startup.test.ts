import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { commands } from "../src/commands/index.js"
import { MAIN, tempDir } from "./helpers.js"

/**
 * Runs the built `takeoff` with a module hook that records every module URL it resolves, so the
 * test sees what a command loads (start-up time is mostly module loading).
 */
const modulesLoadedBy = (args: ReadonlyArray<string>): { code: number | null; urls: string[] } => {
  const dir = tempDir()
  const out = path.join(dir, "modules.txt")
  const hooks = path.join(dir, "hooks.mjs")
  fs.writeFileSync(
    hooks,
    `import * as fs from "node:fs"
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context)
  fs.appendFileSync(${JSON.stringify(out)}, r.url + "\\n")
  return r
}`,
  )
  const register = path.join(dir, "register.mjs")
  fs.writeFileSync(register, `import { register } from "node:module"\nregister(${JSON.stringify(`file://${hooks}`)})\n`)
  const r = spawnSync(process.execPath, ["--import", register, MAIN, ...args], { encoding: "utf8" })
  const urls = fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n").filter(Boolean) : []
  fs.rmSync(dir, { recursive: true, force: true })
  return { code: r.status, urls }
}

const HEAVY = [/node_modules\/effect\//, /@nats-io\//, /packages\/server\//, /packages\/agents\//, /packages\/core\//]

describe("start-up", () => {
  it("takeoff --help lists every command without loading effect, the model, the server or NATS", () => {
    // When the root help is printed
    const { code, urls } = modulesLoadedBy(["--help"])
    // Then it succeeds having loaded only the CLI's own light modules
    expect(code).toBe(0)
    expect(urls.some((u) => u.endsWith("/cli/dist/main.js"))).toBe(true)
    expect(urls.filter((u) => HEAVY.some((h) => h.test(u)))).toEqual([])
  })

  it("takeoff run loads neither the server nor NATS", () => {
    // When a run's help is printed (which loads the run command and the model it simulates)
    const { code, urls } = modulesLoadedBy(["run", "--help"])
    expect(code).toBe(0)
    expect(urls.some((u) => /packages\/agents\//.test(u))).toBe(true)
    // Then the server and NATS stay unloaded
    expect(urls.filter((u) => /@nats-io\/|packages\/server\//.test(u))).toEqual([])
  })

  it("the registry lists each command by its own spec's name and summary", async () => {
    for (const entry of commands) {
      const { spec } = await entry.load()
      expect({ name: entry.name, summary: entry.summary }).toEqual({ name: spec.name, summary: spec.summary })
    }
  })
})
