import { Schema } from "effect"

/**
 * A log (or log line) that cannot be read or does not check out. `line` is 1-based and names the
 * first offending line; `tick` is the simulation tick that line belongs to, when known.
 */
export class LogError extends Schema.TaggedError<LogError>()("LogError", {
  reason: Schema.Literals([
    "malformed",
    "unknown-event",
    "bad-event-data",
    "schema-version",
    "model-mismatch",
    "model-version",
    "hash-mismatch",
    "state-mismatch",
    "out-of-order",
    "missing-header",
    "truncated",
    "divergence",
  ]),
  line: Schema.Number,
  tick: Schema.optional(Schema.Number),
  message: Schema.String,
}) {}

/** Formats a LogError as the single line users see: `line 12 (tick 5): hash-mismatch: ...`. */
export const formatLogError = (e: LogError): string =>
  `line ${e.line}${e.tick === undefined ? "" : ` (tick ${e.tick})`}: ${e.reason}: ${e.message}`
