import { describe, expect, it } from "vitest"
import { takeoff, takeoffAsync, tempDir } from "./helpers.js"

describe("takeoff serve", () => {
  it("serves the API on the port it prints and stops cleanly on Ctrl-C", async () => {
    const child = takeoffAsync(["serve", "--port", "0", "--data", tempDir()])
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    let stdout = ""
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        stdout += d
        const m = /Takeoff at (http:\/\/\S+)/.exec(stdout)
        if (m) resolve(m[1])
      })
      child.on("exit", (code) => reject(new Error(`serve exited early (${code})`)))
    })
    const health = await fetch(`${url}/api/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true })
    child.kill("SIGINT")
    expect(await exited).toBe(0)
  })

  it("refuses a port in use and a public host without a token, in one line, exit 2", async () => {
    const child = takeoffAsync(["serve", "--port", "0", "--data", tempDir()])
    const exited = new Promise((resolve) => child.on("exit", resolve))
    const port = await new Promise<string>((resolve) => {
      let out = ""
      child.stdout.on("data", (d) => {
        out += d
        const m = /:(\d+) /.exec(out)
        if (m) resolve(m[1])
      })
    })
    const busy = takeoff(["serve", "--port", port, "--data", tempDir()])
    expect(busy.code).toBe(2)
    expect(busy.stderr).toBe(`takeoff serve: --port ${port}: address already in use\n`)
    child.kill("SIGINT")
    await exited
    const open = takeoff(["serve", "--port", "0", "--host", "0.0.0.0", "--data", tempDir()], {
      env: { TAKEOFF_TOKEN: "" },
    })
    expect(open.code).toBe(2)
    expect(open.stderr).toMatch(/token/)
  })
})
