import type { ApiError } from "@takeoff/protocol"
import { catchTagged } from "@takeoff/core"
import * as Schema from "effect/Schema"

/**
 * A request the server refuses or cannot serve, with the HTTP status and the JSON body it becomes.
 * Thrown from routes and the run manager; `errorResponse` renders it at the app's edge.
 *
 * @example
 * throw new ApiFailure({ status: 429, code: "too-many-runs", message: "100 runs are already waiting" })
 */
export class ApiFailure extends Schema.TaggedError<ApiFailure>()("ApiFailure", {
  status: Schema.Literals([400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503]),
  code: Schema.String,
  message: Schema.String,
  field: Schema.optional(Schema.String),
}) {
  get body(): ApiError {
    return {
      error:
        this.field === undefined
          ? { code: this.code, message: this.message }
          : { code: this.code, message: this.message, field: this.field },
    }
  }
}

export const notFound = (message: string, field?: string) =>
  new ApiFailure({ status: 404, code: "not-found", message, field })
export const badRequest = (message: string, field?: string) =>
  new ApiFailure({ status: 400, code: "bad-request", message, field })
export const conflict = (message: string) => new ApiFailure({ status: 409, code: "conflict", message })

/**
 * The HTTP response for anything a route threw, by its tag: an ApiFailure as it says (routes turn
 * every other expected failure into one where they know its field); anything else is a bug,
 * logged and answered 500.
 *
 * @example
 * app.onError((err, c) => { const r = errorResponse(err); return c.json(r.body, r.status) })
 */
export const errorResponse = (err: unknown): { status: ApiFailure["status"]; body: ApiError } =>
  catchTagged<ApiFailure, { status: ApiFailure["status"]; body: ApiError }>(
    err,
    { ApiFailure: (e) => ({ status: e.status, body: e.body }) },
    (e) => {
      console.error("takeoff server: unexpected error", e)
      return { status: 500, body: { error: { code: "internal", message: (e as Error).message } } }
    },
  )
