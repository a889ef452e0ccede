import { Schema } from "effect"
import { AuditQuery, ControlBodies, CreateRunBody, EventsQuery, MetricsQuery, StateQuery } from "./schemas.js"

const json = (schema: unknown) => ({ "application/json": { schema } })
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const errorResponse = { description: "A JSON error naming the field", content: json(ref("ApiError")) }
const idParam = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$" },
}

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

/** The OpenAPI 3.1 description served at `/api/openapi.json`; request shapes come from the same Schemas that validate. */
export const openApiDocument = () => ({
  openapi: "3.1.0",
  info: {
    title: "Takeoff server",
    version: "0.1.0",
    description:
      "Runs and streams Takeoff simulations. Mutating calls need `Authorization: Bearer <token>` when the server binds beyond loopback. Live ticks: WebSocket `GET /api/runs/{id}/stream?from=TICK` (messages in @takeoff/protocol).",
  },
  paths: {
    "/api/health": { get: { summary: "Liveness and counts", responses: { 200: { description: "ok" } } } },
    "/api/scenarios": {
      get: {
        summary: "Scenarios with their parameters, defaults and sources",
        responses: { 200: { description: "list" } },
      },
    },
    "/api/scenarios/{name}": {
      get: {
        summary: "One scenario",
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        responses: { 200: { description: "scenario" }, 404: errorResponse },
      },
    },
    "/api/runs": {
      get: { summary: "All runs, newest first", responses: { 200: { description: "RunSummary[]" } } },
      post: {
        summary: "Create a run from a scenario, overrides and a seed",
        requestBody: { required: true, content: json(bodySchema(CreateRunBody)) },
        responses: {
          201: { description: "RunSummary" },
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
        responses: { 200: { description: "RunSummary" }, 404: errorResponse },
      },
    },
    "/api/runs/{id}/control": {
      post: {
        summary: "pause, resume, step, speed or stop",
        parameters: [idParam],
        requestBody: { required: true, content: json({ oneOf: Object.values(ControlBodies).map(bodySchema) }) },
        responses: { 200: { description: "RunSummary" }, 400: errorResponse, 404: errorResponse, 409: errorResponse },
      },
    },
    "/api/runs/{id}/events": {
      get: {
        summary: "A page of logged events; pass nextCursor back as cursor",
        parameters: [idParam, ...queryParams(EventsQuery)],
        responses: { 200: { description: "{events, nextCursor}" }, 400: errorResponse, 404: errorResponse },
      },
    },
    "/api/runs/{id}/metrics": {
      get: {
        summary: "Metric series as columns (keys comma-separated)",
        parameters: [idParam, ...queryParams(MetricsQuery)],
        responses: {
          200: { description: "{keys, metrics, groups, thresholds, ticks, dates, columns}" },
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    "/api/runs/{id}/state": {
      get: {
        summary: "Metrics (and with include=state the model state) at a tick or date, rebuilt from snapshots",
        parameters: [idParam, ...queryParams(StateQuery)],
        responses: { 200: { description: "{tick, date, metrics, state?}" }, 400: errorResponse, 404: errorResponse },
      },
    },
    "/api/runs/{id}/audit": {
      get: {
        summary: "Why a milestone was reached, from the log",
        parameters: [idParam, ...queryParams(AuditQuery)],
        responses: { 200: { description: "explanation" }, 400: errorResponse, 404: errorResponse },
      },
    },
    "/api/runs/{id}/log": {
      get: {
        summary: "The run's NDJSON log (sealed ticks)",
        parameters: [idParam],
        responses: { 200: { description: "NDJSON" }, 404: errorResponse },
      },
    },
    "/api/logs": {
      post: {
        summary: "Upload a log: verified end to end, then kept as a replayable run",
        requestBody: { required: true, content: { "application/x-ndjson": { schema: { type: "string" } } } },
        responses: { 201: { description: "RunSummary" }, 413: errorResponse, 422: errorResponse },
      },
    },
  },
  components: {
    schemas: {
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
