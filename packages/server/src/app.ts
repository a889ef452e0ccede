import * as fs from "node:fs"
import * as path from "node:path"
import type { MetricsPage, RunControl, ScenarioDetail, ScenarioYaml } from "@takeoff/protocol"
import { ScenarioRejected, truncateToSealed } from "@takeoff/core"
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { createMiddleware } from "hono/factory"
import { ApiFailure, badRequest, errorResponse, notFound } from "./errors.js"
import { readEvents } from "./events.js"
import type { makeGuard } from "./guard.js"
import { openApiDocument } from "./openapi.js"
import type { RunManager } from "./runs.js"
import {
  AuditQuery,
  ControlAction,
  ControlBodies,
  CreateRunBody,
  decodeOrFail,
  EventsQuery,
  MetricsQuery,
  ScenarioYamlBody,
  StateQuery,
} from "./schemas.js"
import type { StreamHub } from "./stream.js"
import { mountSweepRoutes } from "./sweep-routes.js"
import type { SweepManager } from "./sweeps.js"

/** JSON request bodies (create, control). */
export const MAX_JSON_BODY_BYTES = 64 * 1024
/** Uploaded logs. */
export const MAX_LOG_BODY_BYTES = 64 * 1024 * 1024

export interface AppOptions {
  readonly manager: RunManager
  readonly hub: StreamHub
  /** Sweeps on the server's worker threads (routes in sweep-routes.ts). */
  readonly sweeps?: SweepManager
  readonly uiDir?: string
  /** Host, Origin and token checks for every request (see guard.ts). */
  readonly guard: ReturnType<typeof makeGuard>
}

export const tooLarge = (limit: number) => () => {
  throw new ApiFailure({
    status: 413,
    code: "body-too-large",
    message: `request body over the limit of ${limit} bytes`,
  })
}

export const parseJson = (text: string): unknown => {
  if (text.length === 0) throw badRequest("body: expected a JSON object, got an empty body", "body")
  try {
    return JSON.parse(text)
  } catch (e) {
    throw badRequest(`body: not valid JSON (${(e as Error).message})`, "body")
  }
}

/**
 * Mutating calls must carry a content type a browser cannot send cross-site without a CORS
 * preflight (which this server never grants), so a web page cannot drive a local server.
 */
const requireContentType = (accepted: ReadonlyArray<string>) =>
  createMiddleware(async (c, next) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase()
    if (!accepted.includes(type)) {
      throw new ApiFailure({
        status: 415,
        code: "unsupported-media-type",
        message: `content-type: expected ${accepted.join(" or ")}, got ${type === "" ? "none" : `"${type}"`}`,
        field: "content-type",
      })
    }
    return next()
  })
export const jsonBody = requireContentType(["application/json"])
const logBody = requireContentType(["application/x-ndjson", "application/octet-stream"])

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
}

/**
 * The REST API (routes in packages/server/README.md, described by openapi.ts) and the built UI, as a Hono app.
 *
 * @example
 * const app = makeApp({ manager, hub, uiDir: "packages/ui/dist" })
 */
export const makeApp = ({ manager, hub, sweeps, uiDir, guard }: AppOptions): Hono => {
  const app = new Hono()
  const { kit } = manager

  app.onError((err, c) => {
    const { status, body } = errorResponse(err)
    return c.json(body, status)
  })
  // Outside /api/* only GET serves the UI: any other method gets the same named JSON error.
  app.notFound((c) => c.json(notFound(`no route ${c.req.method} ${c.req.path}`).body, 404))

  app.use("*", async (c, next) => {
    // A link (a download, a log) cannot carry a header: reads may give the token as ?token= too.
    guard({
      method: c.req.method,
      path: c.req.path,
      header: (name) => c.req.header(name),
      queryToken: c.req.query("token") ?? null,
    })
    return next()
  })

  app.get("/api/health", (c) =>
    c.json({
      ok: true,
      model: kit.model.name,
      runs: manager.runs.size,
      streams: hub.clientCount,
      rssBytes: process.memoryUsage.rss(),
      streamLatency: hub.latencyStats(),
    }),
  )
  app.get("/api/openapi.json", (c) => c.json(openApiDocument()))

  const scenarioJson = (name: string) => {
    const s = kit.scenarios.list().find((x) => x.name === name)
    if (s === undefined) throw notFound(`unknown scenario "${name}"`, "name")
    try {
      const detail: ScenarioDetail = {
        name: s.name,
        title: s.title,
        description: s.description,
        parameters: kit.scenarios
          .parameters(kit.scenarios.load(name))
          .map((p) => ({ ...p, source: p.source ?? "assumption (no source)" })),
      }
      return detail
    } catch (e) {
      throw new ApiFailure({
        status: 500,
        code: "scenario-invalid",
        message: (e as Error).message,
      })
    }
  }
  app.get("/api/scenarios", (c) => c.json(kit.scenarios.list().map((s) => scenarioJson(s.name))))
  app.get("/api/scenarios/:name", (c) => c.json(scenarioJson(c.req.param("name"))))

  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BODY_BYTES, onError: tooLarge(MAX_JSON_BODY_BYTES) })

  // Edited parameters as a scenario file (rendered by the model's own scenario code; nothing stored).
  app.post("/api/scenarios/yaml", jsonBody, jsonLimit, async (c) => {
    const body = decodeOrFail(ScenarioYamlBody, parseJson(await c.req.text()), "body")
    if (!kit.scenarios.list().some((s) => s.name === body.scenario))
      throw notFound(`unknown scenario "${body.scenario}"`, "scenario")
    if (kit.scenarios.draftYaml === undefined)
      throw badRequest(`model ${kit.model.name} has no scenario files to save`, "scenario")
    try {
      const yaml = kit.scenarios.draftYaml(body)
      return c.json({ name: body.name, file: `${body.name}.yaml`, yaml } satisfies ScenarioYaml)
    } catch (e) {
      if (e instanceof ScenarioRejected) throw badRequest(e.message, e.field)
      throw e
    }
  })

  app.post("/api/runs", jsonBody, jsonLimit, async (c) => {
    const body = decodeOrFail(CreateRunBody, parseJson(await c.req.text()), "body")
    return c.json(manager.create(body).summary(), 201)
  })
  app.get("/api/runs", (c) => c.json(manager.list()))
  app.get("/api/runs/:id", (c) => c.json(manager.get(c.req.param("id")).summary()))

  app.post("/api/runs/:id/control", jsonBody, jsonLimit, async (c) => {
    const run = manager.get(c.req.param("id"))
    const raw = parseJson(await c.req.text())
    const { action } = decodeOrFail(ControlAction, raw, "body", "ignore")
    const control = decodeOrFail(ControlBodies[action], raw, "body") as RunControl
    return c.json((await manager.control(run.id, control)).summary())
  })

  const configOf = (id: string) => kit.model.decodeConfig(manager.get(id).meta.config)

  app.get("/api/runs/:id/events", (c) => {
    const run = manager.get(c.req.param("id"))
    const q = decodeOrFail(EventsQuery, c.req.query(), "query")
    if (!fs.existsSync(manager.logFile(run.id))) return c.json({ events: [], nextCursor: null })
    return c.json(readEvents(manager.logFile(run.id), kit, configOf(run.id), { ...q, limit: q.limit ?? 100 }))
  })

  app.get("/api/runs/:id/metrics", (c) => {
    const run = manager.get(c.req.param("id"))
    const q = decodeOrFail(MetricsQuery, c.req.query(), "query")
    const all = kit.metrics.map((m) => m.key)
    const keys = q.keys === undefined || q.keys === "" ? all : q.keys.split(",")
    for (const k of keys)
      if (!all.includes(k)) throw badRequest(`keys: unknown metric "${k}" (known: ${all.join(", ")})`, "keys")
    const h = run.history
    const i0 = run.indexOf(q.fromTick ?? 0)
    const i1 = q.toTick === undefined ? h.ticks.length : run.indexOf(q.toTick + 1)
    const columns: Record<string, number[]> = {}
    for (const k of keys) {
      const j = all.indexOf(k)
      columns[k] = h.rows.slice(i0, i1).map((r) => r[j])
    }
    const page: MetricsPage = {
      keys,
      metrics: kit.metrics.filter((m) => keys.includes(m.key)),
      groups: kit.groups,
      thresholds: kit.thresholds(configOf(run.id)),
      ticks: h.ticks.slice(i0, i1),
      dates: h.dates.slice(i0, i1),
      columns,
    }
    return c.json(page)
  })

  app.get("/api/runs/:id/state", async (c) => {
    const run = manager.get(c.req.param("id"))
    const q = decodeOrFail(StateQuery, c.req.query(), "query")
    let tick: number
    if (q.tick !== undefined) tick = q.tick
    else if (q.date !== undefined) {
      try {
        tick = kit.calendar.dateToTick(configOf(run.id), q.date)
      } catch (e) {
        throw badRequest(`date: ${(e as Error).message}`, "date")
      }
    } else throw badRequest("query: expected tick=N or date=YYYY-MM", "tick")
    if (tick < 0 || tick > run.lastTick)
      throw notFound(`tick ${tick} is not in the run (it has ticks 0 to ${run.lastTick})`, "tick")
    const value = (await manager.job({ kind: "state", logFile: manager.logFile(run.id), tick })) as Record<
      string,
      unknown
    >
    if (q.include !== "state") delete value.state
    return c.json(value)
  })

  app.get("/api/runs/:id/audit", async (c) => {
    const run = manager.get(c.req.param("id"))
    const q = decodeOrFail(AuditQuery, c.req.query(), "query")
    if (!fs.existsSync(manager.logFile(run.id))) throw notFound(`run "${run.id}" has no log yet`, "id")
    return c.json(await manager.job({ kind: "audit", logFile: manager.logFile(run.id), why: q.why }))
  })

  app.get("/api/runs/:id/log", (c) => {
    const run = manager.get(c.req.param("id"))
    const file = manager.logFile(run.id)
    if (!fs.existsSync(file)) throw notFound(`run "${run.id}" has no log yet`, "id")
    const text = truncateToSealed(fs.readFileSync(file, "utf8")).kept
    return c.body(text, 200, {
      "Content-Type": "application/x-ndjson",
      "Content-Disposition": `attachment; filename="takeoff-${run.id}.ndjson"`,
    })
  })

  app.post(
    "/api/logs",
    logBody,
    bodyLimit({ maxSize: MAX_LOG_BODY_BYTES, onError: tooLarge(MAX_LOG_BODY_BYTES) }),
    async (c) => {
      const text = await c.req.text()
      if (text.length === 0) throw badRequest("body: expected an NDJSON log, got an empty body", "body")
      return c.json((await manager.importLog(text)).summary(), 201)
    },
  )

  if (sweeps) mountSweepRoutes(app, sweeps, manager)

  app.all("/api/*", (c) => {
    throw notFound(`no route ${c.req.method} ${c.req.path}`)
  })

  app.get("*", (c) => {
    if (uiDir === undefined || !fs.existsSync(path.join(uiDir, "index.html"))) {
      return c.html(
        "<!doctype html><title>Takeoff</title><p>The UI is not built. Run <code>npm run build</code>; the API is at <a href='/api/openapi.json'>/api/openapi.json</a>.</p>",
      )
    }
    const root = path.resolve(uiDir)
    let rel: string
    try {
      rel = decodeURIComponent(c.req.path)
    } catch {
      throw badRequest("path: not valid percent-encoding", "path")
    }
    const file = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`)
    if (file !== root && !file.startsWith(root + path.sep)) throw notFound("no such file", "path")
    const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(root, "index.html")
    const type = MIME[path.extname(target)] ?? "application/octet-stream"
    return c.body(fs.readFileSync(target), 200, { "Content-Type": type })
  })

  return app
}
