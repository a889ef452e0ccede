import { generateKeyPairSync } from "node:crypto"
import { Simulation, signerFromKey } from "@takeoff/core"
import { walkersModel } from "@takeoff/core/testing"
import { describe, expect, it } from "vitest"
import WebSocket from "ws"
import { api, closedAfterEach, rawRequest, waitRun } from "./helpers.js"

const { start } = closedAfterEach("guard")

/** Opens a stream with the given headers; resolves "open", or the refusal's status line. */
const openStream = (url: string, headers: Record<string, string>): Promise<string> =>
  new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.once("open", () => {
      ws.close()
      resolve("open")
    })
    ws.once("unexpected-response", (_req, res) => {
      resolve(String(res.statusCode))
      ws.terminate()
    })
    ws.once("error", () => resolve("error"))
  })

const finishedRun = async (base: string, headers: Record<string, string> = {}) => {
  const r = await api(base, "POST", "/api/runs", { scenario: "walkers", seed: 3, untilYear: 2024 }, headers)
  expect(r.status, r.text).toBe(201)
  return r.json.id as string
}

describe("the browser surface", () => {
  it("refuses a foreign Host (DNS rebinding) on routes and streams; the loopback names are allowed", async () => {
    const s = await start()
    const id = await finishedRun(s.url)
    const port = s.port
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1.evil.example"]) {
      const read = await rawRequest(s.url, "GET", "/api/runs", { host })
      expect(read.status, host).toBe(403)
      expect(JSON.parse(read.text).error).toMatchObject({ code: "forbidden-host", field: "host" })
      const write = await rawRequest(
        s.url,
        "POST",
        "/api/runs",
        { host, "content-type": "application/json" },
        '{"scenario":"walkers"}',
      )
      expect(write.status).toBe(403)
      expect(await openStream(`ws://127.0.0.1:${port}/api/runs/${id}/stream`, { host })).toBe("403")
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "LOCALHOST"]) {
      expect((await rawRequest(s.url, "GET", "/api/runs", { host })).status, host).toBe(200)
    }
    const named = await start({ allowedHosts: ["sim.example.org"] })
    expect((await rawRequest(named.url, "GET", "/api/runs", { host: "sim.example.org" })).status).toBe(200)
  })

  it("a foreign Origin cannot open a stream or change anything; this server's own origin can", async () => {
    const s = await start()
    const id = await finishedRun(s.url)
    const url = `ws://127.0.0.1:${s.port}/api/runs/${id}/stream`
    expect(await openStream(url, { origin: "https://evil.example" })).toBe("403")
    expect(await openStream(url, { origin: "null" })).toBe("403")
    expect(await openStream(url, { origin: `http://127.0.0.1:${s.port}` })).toBe("open")
    expect(await openStream(url, {})).toBe("open")
    const post = await api(
      s.url,
      "POST",
      `/api/runs/${id}/control`,
      { action: "stop" },
      { origin: "https://evil.example" },
    )
    expect(post.status).toBe(403)
    expect(post.json.error.code).toBe("forbidden-origin")
    // CORS stays closed: no route grants another origin the right to read its answers.
    const preflight = await rawRequest(s.url, "OPTIONS", "/api/runs", {
      origin: "https://evil.example",
      "access-control-request-method": "POST",
    })
    expect(preflight.text).not.toMatch(/access-control-allow/i)
    const read = await fetch(`${s.url}/api/runs`, { headers: { origin: "https://evil.example" } })
    expect(read.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("off loopback with a token, reads and streams refuse anonymous calls; the scheme is case-insensitive", async () => {
    const token = "a-long-enough-test-token"
    const s = await start({ host: "0.0.0.0", token })
    const base = `http://127.0.0.1:${s.port}`
    for (const route of ["/api/runs", "/api/scenarios", "/api/health"]) {
      const anon = await api(base, "GET", route)
      expect(anon.status, route).toBe(401)
      expect(anon.json.error).toMatchObject({ code: "unauthorized", field: "authorization" })
    }
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      expect((await api(base, "GET", "/api/runs", undefined, { authorization: `${scheme} ${token}` })).status).toBe(200)
    }
    const id = await finishedRun(base, { authorization: `bearer ${token}` })
    const url = `ws://127.0.0.1:${s.port}/api/runs/${id}/stream`
    expect(await openStream(url, {})).toBe("401")
    expect(await openStream(`${url}?token=wrong`, {})).toBe("401")
    expect(await openStream(`${url}?token=${token}`, {})).toBe("open")
    expect(await openStream(url, { authorization: `Bearer ${token}` })).toBe("open")
    // On loopback the token guards changes only, as before.
    const local = await start({ token })
    expect((await api(local.url, "GET", "/api/runs")).status).toBe(200)
    expect((await api(local.url, "POST", "/api/runs", { scenario: "walkers" })).status).toBe(401)
  })
})

describe("signed runs and uploads", () => {
  const upload = (base: string, text: string) =>
    api(base, "POST", "/api/logs", text, { "content-type": "application/x-ndjson" })
  const walkersLog = (signer?: ReturnType<typeof signerFromKey>) => {
    const sim = Simulation.create(walkersModel, { agents: 5, teleportProbability: 0.2 }, { seed: 2, signer })
    let text = `${sim.headerLine}\n`
    for (let i = 0; i < 30; i++) text += sim.step().text
    return text + sim.endLine("completed")
  }

  it("signs its runs with its key and marks uploads by signer: its own, another key's, or none", async () => {
    const s = await start()
    const id = await finishedRun(s.url)
    const run = await waitRun(s.url, id, (r) => r.status === "completed")
    expect(run.signer).toEqual({ fingerprint: s.manager.signer.fingerprint, trusted: true })
    const log = (await api(s.url, "GET", `/api/runs/${id}/log`)).text
    expect(log).toMatch(/\{"kind":"sig","tick":\d+,/)
    const own = await upload(s.url, log)
    expect(own.status, own.text).toBe(201)
    expect(own.json.signer).toEqual({ fingerprint: s.manager.signer.fingerprint, trusted: true })
    const other = signerFromKey(generateKeyPairSync("ed25519").privateKey)
    const foreign = await upload(s.url, walkersLog(other))
    expect(foreign.json.signer).toEqual({ fingerprint: other.fingerprint, trusted: false })
    expect((await upload(s.url, walkersLog())).json.signer).toBeNull()
    // A relabelled header breaks the chain whoever signed: refused, not listed.
    const relabelled = log.replace('"scenario":"walkers"', '"scenario":"fast-takeoff"')
    expect((await upload(s.url, relabelled)).status).toBe(422)
  })

  it("refuses a line nested 100k deep with a named error, not a 500", async () => {
    const s = await start()
    const log = walkersLog()
    const header = log.slice(0, log.indexOf("\n"))
    const r = await upload(s.url, `${header}\n${"[".repeat(100_000)}${"]".repeat(100_000)}\n`)
    expect(r.status).toBe(422)
    expect(r.json.error.message).toMatch(/^line 2: too-deep/)
  })
})
