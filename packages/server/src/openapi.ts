import * as Schema from "effect/Schema"
import {
  ClientMessageSchema,
  EventsPageSchema,
  ExplanationSchema,
  HealthSchema,
  MetricsPageSchema,
  RunSummarySchema,
  ScenarioDetailSchema,
  ScenarioYamlSchema,
  ServerMessageSchema,
  StateAtTickSchema,
} from "./response-schemas.js"
import {
  AuditQuery,
  ControlBodies,
  CreateRunBody,
  CreateSweepBody,
  EventsQuery,
  FanQuery,
  MetricsQuery,
  ScenarioYamlBody,
  SeriesQuery,
  StateQuery,
} from "./schemas.js"
import {
  SweepClientMessageSchema,
  SweepDeletedSchema,
  SweepDetailSchema,
  SweepFanSchema,
  SweepMemberSchema,
  SweepServerMessageSchema,
  SweepSummarySchema,
} from "./sweep-schemas.js"

const json = (schema: unknown) => ({ "application/json": { schema } })
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const errorResponse = { description: "A JSON error naming the field", content: json(ref("ApiError")) }
const idParam = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$" },
}

const indexParam = { name: "index", in: "path", required: true, schema: { type: "integer", minimum: 0 } }

/** Query parameters of a query schema, as OpenAPI parameters. */
const queryParams = (schema: Schema.Top) => {
  const doc = Schema.toJsonSchemaDocument(schema as never) as {
    schema: { properties?: Record<string, unknown>; required?: string[] }
  }
  const props = doc.schema.properties ?? {}
  return Object.keys(props).map((name) => ({
    name,
    in: "query",
    required: doc.schema.required?.includes(name) ?? false,
    schema: { type: "string" },
  }))
}
const bodySchema = (schema: Schema.Top) => (Schema.toJsonSchemaDocument(schema as never) as { schema: unknown }).schema
/** A 2xx answer whose body is the named component schema. */
const ok = (description: string, name: string) => ({ description, content: json(ref(name)) })
const okList = (description: string, name: string) => ({
  description,
  content: json({ type: "array", items: ref(name) }),
})
/** Mutating calls: a bearer token when the server binds beyond loopback (no token: open on loopback). */
const bearer = [{ bearer: [] }, {}]

/** The OpenAPI 3.1 description served at `/api/openapi.json`; request shapes come from the same Schemas that validate. */
export const openApiDocument = () => ({
  openapi: "3.1.0",
  info: {
    title: "Takeoff server",
    version: "0.1.0",
    description:
      "Runs and streams Takeoff simulations. Mutating calls need `Authorization: Bearer <token>` when the server binds beyond loopback; off loopback (or with tokenForReads) reads and streams need it too, and may pass it as `?token=` instead. Live ticks: WebSocket `GET /api/runs/{id}/stream?from=TICK`; sweep progress: WebSocket `GET /api/sweeps/{id}/stream` (messages in @takeoff/protocol and components.schemas).",
  },
  paths: {
    "/api/health": { get: { summary: "Liveness and counts", responses: { 200: ok("ok", "Health") } } },
    "/api/scenarios": {
      get: {
        summary: "Scenarios with their parameters, defaults and sources",
        responses: { 200: okList("Every scenario with its parameters", "ScenarioDetail") },
      },
    },
    "/api/scenarios/{name}": {
      get: {
        summary: "One scenario",
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        responses: { 200: ok("The scenario", "ScenarioDetail"), 404: errorResponse },
      },
    },
    "/api/scenarios/yaml": {
      post: {
        security: bearer,
        summary: "Edited parameters as a scenario file that extends the edited scenario (nothing is stored)",
        requestBody: { required: true, content: json(bodySchema(ScenarioYamlBody)) },
        responses: { 200: ok("The YAML text and a file name", "ScenarioYaml"), 400: errorResponse, 404: errorResponse },
      },
    },
    "/api/runs": {
      get: { summary: "All runs, newest first", responses: { 200: okList("Runs", "RunSummary") } },
      post: {
        security: bearer,
        summary: "Create a run from a scenario, overrides and a seed",
        requestBody: { required: true, content: json(bodySchema(CreateRunBody)) },
        responses: {
          201: ok("The run created", "RunSummary"),
          400: errorResponse,
          404: errorResponse,
          413: errorResponse,
          429: errorResponse,
        },
      },
    },
    "/api/runs/{id}": {
      get: {
        summary: "One run",
        parameters: [idParam],
        responses: { 200: ok("The run", "RunSummary"), 404: errorResponse },
      },
    },
    "/api/runs/{id}/control": {
      post: {
        summary: "pause, resume, step, speed or stop",
        parameters: [idParam],
        requestBody: { required: true, content: json({ oneOf: Object.values(ControlBodies).map(bodySchema) }) },
        security: bearer,
        responses: {
          200: ok("The run after the control", "RunSummary"),
          400: errorResponse,
          404: errorResponse,
          409: errorResponse,
        },
      },
    },
    "/api/runs/{id}/events": {
      get: {
        summary: "A page of logged events; pass nextCursor back as cursor",
        parameters: [idParam, ...queryParams(EventsQuery)],
        responses: { 200: ok("A page of events", "EventsPage"), 400: errorResponse, 404: errorResponse },
      },
    },
    "/api/runs/{id}/metrics": {
      get: {
        summary: "Metric series as columns (keys comma-separated)",
        parameters: [idParam, ...queryParams(MetricsQuery)],
        responses: {
          200: ok("Metric series as columns", "MetricsPage"),
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    "/api/runs/{id}/state": {
      get: {
        summary: "Metrics (and with include=state the model state) at a tick or date, rebuilt from snapshots",
        parameters: [idParam, ...queryParams(StateQuery)],
        responses: {
          200: ok("Metrics (and state) at the tick", "StateAtTick"),
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    "/api/runs/{id}/audit": {
      get: {
        summary: "Why a milestone was reached, from the log",
        parameters: [idParam, ...queryParams(AuditQuery)],
        responses: { 200: ok("The audit", "Explanation"), 400: errorResponse, 404: errorResponse },
      },
    },
    "/api/runs/{id}/log": {
      get: {
        summary: "The run's NDJSON log (sealed ticks)",
        parameters: [idParam],
        responses: {
          200: { description: "NDJSON", content: { "application/x-ndjson": { schema: { type: "string" } } } },
          404: errorResponse,
        },
      },
    },
    "/api/logs": {
      post: {
        summary: "Upload a log: verified end to end, then kept as a replayable run",
        security: bearer,
        requestBody: { required: true, content: { "application/x-ndjson": { schema: { type: "string" } } } },
        responses: { 201: ok("The uploaded run", "RunSummary"), 413: errorResponse, 422: errorResponse },
      },
    },
    "/api/sweeps": {
      get: { summary: "All sweeps, newest first", responses: { 200: okList("Sweeps", "SweepSummary") } },
      post: {
        security: bearer,
        summary:
          "Start a sweep: runs of a scenario over its distributions (lhs, random, saltelli), a grid of parameter levels (grid), or each parameter moved alone (oat)",
        requestBody: { required: true, content: json(bodySchema(CreateSweepBody)) },
        responses: {
          201: ok("The sweep, queued or running", "SweepSummary"),
          400: errorResponse,
          404: errorResponse,
          413: errorResponse,
          429: errorResponse,
        },
      },
    },
    "/api/sweeps/{id}": {
      get: {
        summary:
          "A sweep's progress and statistics over its finished members (fetch again when the stream's version moves)",
        parameters: [idParam],
        responses: { 200: ok("The sweep", "SweepDetail"), 404: errorResponse },
      },
      delete: {
        security: bearer,
        summary: "Stop a live sweep (keeping its finished members), or remove a finished one",
        parameters: [idParam],
        responses: { 200: ok("What was done", "SweepDeleted"), 404: errorResponse },
      },
    },
    "/api/sweeps/{id}/resume": {
      post: {
        security: bearer,
        summary:
          "Resume an interrupted, stopped or failed sweep: run only its missing members (queued like a new sweep)",
        parameters: [idParam],
        responses: {
          200: ok("The sweep, queued", "SweepSummary"),
          404: errorResponse,
          409: errorResponse,
          429: errorResponse,
        },
      },
    },
    "/api/sweeps/{id}/stream": {
      get: {
        summary: "WebSocket: the sweep's progress, pushed on connecting and after each member and status change",
        description:
          "Upgrade to a WebSocket. The server sends JSON text messages of components.schemas.SweepServerMessage: `progress` (the summary: done of total and status; and the statistics' version) in order, one per change, and closes the socket once the sweep has ended. The client may send SweepClientMessage (`ping`: answered with `progress`).",
        parameters: [idParam],
        responses: {
          101: {
            description: "Switching to the WebSocket protocol; messages as SweepServerMessage",
            content: json(ref("SweepServerMessage")),
          },
          404: errorResponse,
        },
      },
    },
    "/api/sweeps/{id}/fan": {
      get: {
        summary: "P10/P50/P90 per year of one metric over the finished members",
        parameters: [idParam, ...queryParams(FanQuery)],
        responses: { 200: ok("The fan chart", "SweepFan"), 400: errorResponse, 404: errorResponse },
      },
    },
    "/api/sweeps/{id}/series.csv": {
      get: {
        summary:
          "Every finished member's yearly series in long format: one row per run, year and metric, the run's parameter draws as param.<path> columns",
        parameters: [idParam, ...queryParams(SeriesQuery)],
        responses: {
          200: { description: "CSV", content: { "text/csv": { schema: { type: "string" } } } },
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    "/api/sweeps/{id}/series.parquet": {
      get: {
        summary: "The same long-format series as series.csv, as a Parquet file (seed INT64, value DOUBLE)",
        parameters: [idParam, ...queryParams(SeriesQuery)],
        responses: {
          200: {
            description: "Parquet",
            content: { "application/vnd.apache.parquet": { schema: { type: "string", format: "binary" } } },
          },
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    "/api/sweeps/{id}/members/{index}": {
      get: {
        summary: "One finished member: seed, parameter draws and milestone dates",
        parameters: [idParam, indexParam],
        responses: { 200: ok("The member", "SweepMember"), 404: errorResponse, 409: errorResponse },
      },
    },
    "/api/sweeps/{id}/members/{index}/run": {
      post: {
        security: bearer,
        summary: "Rerun a member as an ordinary run (same scenario, seed and draws), to replay and audit",
        parameters: [idParam, indexParam],
        responses: { 201: ok("The run created", "RunSummary"), 404: errorResponse, 409: errorResponse },
      },
    },
    "/api/runs/{id}/stream": {
      get: {
        summary: "WebSocket: catch-up from `from`, then live ticks, milestones, notables and status",
        description:
          "Upgrade to a WebSocket. The server sends JSON text messages of components.schemas.ServerMessage; the client may send ClientMessage.",
        parameters: [idParam, { name: "from", in: "query", required: false, schema: { type: "integer", minimum: 0 } }],
        responses: {
          101: {
            description: "Switching to the WebSocket protocol; messages as ServerMessage",
            content: json(ref("ServerMessage")),
          },
          404: errorResponse,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: "http",
        scheme: "bearer",
        description: "The server's --token; required on mutating calls when it binds beyond loopback",
      },
    },
    schemas: {
      RunSummary: bodySchema(RunSummarySchema),
      ScenarioDetail: bodySchema(ScenarioDetailSchema),
      MetricsPage: bodySchema(MetricsPageSchema),
      StateAtTick: bodySchema(StateAtTickSchema),
      Explanation: bodySchema(ExplanationSchema),
      EventsPage: bodySchema(EventsPageSchema),
      Health: bodySchema(HealthSchema),
      ServerMessage: bodySchema(ServerMessageSchema),
      SweepSummary: bodySchema(SweepSummarySchema),
      SweepDetail: bodySchema(SweepDetailSchema),
      SweepFan: bodySchema(SweepFanSchema),
      SweepMember: bodySchema(SweepMemberSchema),
      SweepDeleted: bodySchema(SweepDeletedSchema),
      ClientMessage: bodySchema(ClientMessageSchema),
      SweepServerMessage: bodySchema(SweepServerMessageSchema),
      SweepClientMessage: bodySchema(SweepClientMessageSchema),
      ScenarioYaml: bodySchema(ScenarioYamlSchema),
      ApiError: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
          },
        },
      },
    },
  },
})
