import type { ApiError } from "@takeoff/agents/protocol"

/**
 * A request the server refuses or cannot serve, with the HTTP status and the JSON body it becomes.
 * Thrown from routes and the run manager; the app's error handler renders it.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }

  get body(): ApiError {
    return {
      error:
        this.field === undefined
          ? { code: this.code, message: this.message }
          : { code: this.code, message: this.message, field: this.field },
    }
  }
}

export const notFound = (what: string, field?: string) => new ApiFailure(404, "not-found", what, field)
export const badRequest = (message: string, field?: string) => new ApiFailure(400, "bad-request", message, field)
export const conflict = (message: string) => new ApiFailure(409, "conflict", message)
