import * as fs from "node:fs"
import * as path from "node:path"
import type { SweepDetail } from "@takeoff/protocol"
import { describe, expect, it } from "vitest"
import { takeoffAsync, tempDir } from "./helpers.js"

const KILL_AFTER_MEMBERS = path.resolve(import.meta.dirname, "fixtures/kill-after-members.cjs")

/** `takeoff serve --port 0` on `dir`: its URL once it prints it, its stderr so far, and its exit. */
const serve = async (dir: string, env: NodeJS.ProcessEnv = process.env) => {
  const child = takeoffAsync(["serve", "--port", "0", "--data", dir], { env })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  )
  let stdout = ""
  let stderr = ""
  child.stderr.on("data", (d) => (stderr += d))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d
      const m = /Takeoff at (http:\/\/\S+)/.exec(stdout)
      if (m) resolve(m[1])
    })
    void exited.then((e) => reject(new Error(`serve exited early (${e.code ?? e.signal}): ${stderr}`)))
  })
  return { child, url, exited, stderr: () => stderr }
}

const call = async (base: string, method: string, route: string, body?: unknown) => {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as any }
}

/** Polls the sweep until it has ended (no fixed sleeps: waits on the server's own state). */
const ended = async (base: string, id: string): Promise<SweepDetail> => {
  const until = Date.now() + 240_000
  for (;;) {
    const d = (await call(base, "GET", `/api/sweeps/${id}`)).json as SweepDetail
    if (!["queued", "running"].includes(d.summary.status)) return d
    if (Date.now() > until) throw new Error(`sweep ${id} never ended; last: ${JSON.stringify(d.summary)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** What must not depend on how the sweep got its results: everything but its id, times and status. */
const results = (d: SweepDetail) => ({ milestones: d.milestones, influences: d.influences, members: d.members })

describe("takeoff serve: a sweep survives the server's crash", () => {
  it("keeps the members finished before a SIGKILL, names the torn line, and resumes to an uninterrupted sweep's results", async () => {
    const dir = tempDir()
    const request = { scenario: "baseline", runs: 4, seed: 9, untilYear: 2026 }
    // Given a server that dies (SIGKILL) halfway through writing its sweep's third member
    const doomed = await serve(dir, {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${KILL_AFTER_MEMBERS}`.trim(),
      TAKEOFF_TEST_KILL_AFTER_MEMBERS: "2",
    })
    const created = await call(doomed.url, "POST", "/api/sweeps", request)
    expect(created.status).toBe(201)
    const id = created.json.id as string
    expect((await doomed.exited).signal).toBe("SIGKILL")
    // When it is started again on the same data
    const server = await serve(dir)
    try {
      // Then the sweep is interrupted with the two members it finished, and statistics over them
      const interrupted = (await call(server.url, "GET", `/api/sweeps/${id}`)).json as SweepDetail
      expect(interrupted.summary).toMatchObject({ status: "interrupted", done: 2, total: 4 })
      expect(interrupted.members).toHaveLength(2)
      expect(interrupted.milestones.find((m) => m.label === "AGI")?.reached).toBeTypeOf("number")
      // And the torn third line was ignored and named in the server log
      expect(server.stderr()).toContain(`sweep ${id}: ignoring the torn last line 3 of ${id}.members.ndjson`)
      // When it is resumed
      const resumed = await call(server.url, "POST", `/api/sweeps/${id}/resume`, {})
      expect(resumed.status, JSON.stringify(resumed.json)).toBe(200)
      expect(resumed.json.id).toBe(id)
      const done = await ended(server.url, id)
      expect(done.summary).toMatchObject({ status: "completed", done: 4 })
      // And its member log holds each member once
      const lines = fs
        .readFileSync(path.join(dir, "sweeps", `${id}.members.ndjson`), "utf8")
        .trimEnd()
        .split("\n")
      expect(lines.map((l) => JSON.parse(l).index).sort()).toEqual([0, 1, 2, 3])
      // Then its results are an uninterrupted sweep's
      const fresh = (await call(server.url, "POST", "/api/sweeps", request)).json
      const reference = await ended(server.url, fresh.id)
      expect(reference.summary.status).toBe("completed")
      expect(results(done)).toEqual(results(reference))
      for (const route of ["fan?metric=gdpUsd", "members/3"])
        expect((await call(server.url, "GET", `/api/sweeps/${id}/${route}`)).json).toEqual(
          (await call(server.url, "GET", `/api/sweeps/${fresh.id}/${route}`)).json,
        )
      // And a completed sweep does not resume
      const again = await call(server.url, "POST", `/api/sweeps/${id}/resume`, {})
      expect(again.status).toBe(409)
      expect(again.json.error.message).toMatch(/is completed/)
    } finally {
      server.child.kill("SIGINT")
      expect((await server.exited).code).toBe(0)
    }
  }, 300_000)
})
