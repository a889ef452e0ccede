import type { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { jsonBody, MAX_JSON_BODY_BYTES, parseJson, tooLarge } from "./app.js"
import type { RunManager } from "./runs.js"
import { CreateSweepBody, decodeOrFail, FanQuery, MemberParam, SeriesQuery } from "./schemas.js"
import { sweepDetail, sweepFan, sweepMember, sweepSeries } from "./sweep-views.js"
import type { SweepManager } from "./sweeps.js"

/**
 * The sweep routes: start one (POST /api/sweeps), list them beside the runs, follow one's progress
 * and statistics (polled here; pushed over `GET /api/sweeps/:id/stream`, sweep-stream.ts), a fan
 * chart of any metric, one member (and that member rerun as a normal run, to replay), every member's
 * series as long-format CSV or Parquet, resume to run an interrupted or stopped sweep's missing
 * members, and DELETE to stop a live sweep or remove a finished one.
 */
/** A text body pulled chunk by chunk as the client reads, so a gigabyte CSV is never one string. */
const streamOf = (chunks: Iterable<string>): ReadableStream<Uint8Array> => {
  const it = chunks[Symbol.iterator]()
  const utf8 = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = it.next()
      if (next.done) controller.close()
      else controller.enqueue(utf8.encode(next.value))
    },
  })
}

export const mountSweepRoutes = (app: Hono, sweeps: SweepManager, runs: RunManager): void => {
  const kit = sweeps.kit
  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BODY_BYTES, onError: tooLarge(MAX_JSON_BODY_BYTES) })

  app.post("/api/sweeps", jsonBody, jsonLimit, async (c) => {
    const body = decodeOrFail(CreateSweepBody, parseJson(await c.req.text()), "body")
    return c.json(sweeps.create(body).summary, 201)
  })
  app.get("/api/sweeps", (c) => c.json(sweeps.list()))
  app.get("/api/sweeps/:id", (c) => c.json(sweepDetail(kit, sweeps.get(c.req.param("id")))))
  app.get("/api/sweeps/:id/fan", (c) => {
    const sweep = sweeps.get(c.req.param("id"))
    return c.json(sweepFan(kit, sweep, decodeOrFail(FanQuery, c.req.query(), "query").metric))
  })
  // Every finished member's yearly series in long format, as `takeoff sweep` writes beside its CSV.
  for (const format of ["csv", "parquet"] as const)
    app.get(`/api/sweeps/:id/series.${format}`, (c) => {
      const sweep = sweeps.get(c.req.param("id"))
      const { metrics } = decodeOrFail(SeriesQuery, c.req.query(), "query")
      const body = sweepSeries(kit, sweep, format, metrics)
      c.header("content-type", format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.apache.parquet")
      c.header("content-disposition", `attachment; filename="sweep-${sweep.id}.series.${format}"`)
      return c.body(body instanceof ReadableStream ? body : streamOf(body))
    })
  app.get("/api/sweeps/:id/members/:index", (c) => {
    const sweep = sweeps.get(c.req.param("id"))
    const { index } = decodeOrFail(MemberParam, { index: c.req.param("index") }, "path")
    return c.json(sweepMember(kit, sweep, index))
  })
  // The member rerun as an ordinary run (its scenario, seed, fixed overrides and draws): a log to replay and audit.
  app.post("/api/sweeps/:id/members/:index/run", jsonBody, (c) => {
    const sweep = sweeps.get(c.req.param("id"))
    const { index } = decodeOrFail(MemberParam, { index: c.req.param("index") }, "path")
    const m = sweepMember(kit, sweep, index)
    const run = runs.create({
      scenario: sweep.summary.scenario,
      seed: m.seed,
      overrides: { ...sweep.summary.overrides, ...m.draws },
      untilYear: sweep.summary.untilYear,
    })
    return c.json(run.summary(), 201)
  })
  app.post("/api/sweeps/:id/resume", jsonBody, (c) => c.json(sweeps.resume(c.req.param("id")).summary))
  app.delete("/api/sweeps/:id", async (c) => {
    const { deleted, sweep } = await sweeps.remove(c.req.param("id"))
    return c.json({ deleted, summary: sweep.summary })
  })
}
