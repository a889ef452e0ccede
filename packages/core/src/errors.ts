import * as Schema from "effect/Schema"

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
    "broken-invariant",
    "out-of-order",
    "missing-header",
    "truncated",
    "divergence",
    "too-deep",
    "too-large",
    "unsigned",
    "bad-signature",
    "untrusted-signer",
    "incomplete",
  ]),
  line: Schema.Number,
  tick: Schema.optional(Schema.Number),
  message: Schema.String,
}) {}

/**
 * Thrown by a model's reducer when a decoded event does not fit the state it is applied to (a column
 * of the wrong length, an index out of range): a log's fault, which replay and verify report as a
 * `bad-event-data` LogError naming the line, tick and event. Any other exception from a reducer is
 * a bug and propagates as one.
 *
 * @example
 * if (shock.length !== nFirms) throw new EventRejected(`shock: expected ${nFirms} values, got ${shock.length}`)
 */
export class EventRejected extends Error {
  override readonly name = "EventRejected"
}

/**
 * Rejects (EventRejected) an event whose column does not hold `n` values, one per `per`: for sizes a
 * schema cannot know (one per firm, lab or chip generation of this config); fixed sizes are `sized`.
 *
 * @example
 * expectLength("shock", d.shock, st.p.nFirms, "firm")
 */
export const expectLength = (field: string, column: ArrayLike<number>, n: number, per: string): void => {
  if (column.length !== n)
    throw new EventRejected(`${field}: expected ${n} values (one per ${per}), got ${column.length}`)
}

/** Formats a LogError as the single line users see: `line 12 (tick 5): hash-mismatch: ...`. */
export const formatLogError = (e: LogError): string =>
  `line ${e.line}${e.tick === undefined ? "" : ` (tick ${e.tick})`}: ${e.reason}: ${e.message}`

/** What `catchTagged` dispatches on: a Schema.TaggedError, or any class with a string `_tag`. */
export interface Tagged {
  readonly _tag: string
}

/**
 * Handles a thrown value by its `_tag`, as `Effect.catchTags` handles a failure: the one place an
 * edge (the HTTP app, the CLI) turns each kind of typed error into its response. A value with no
 * handler for its tag (a bug, a foreign exception) goes to `orElse`.
 *
 * @example
 * catchTagged<CliError, number>(e, { CliError: (e) => e.exitCode }, () => EXIT.internal)
 */
export const catchTagged = <E extends Tagged, R>(
  e: unknown,
  handlers: { readonly [K in E["_tag"]]: (e: Extract<E, { readonly _tag: K }>) => R },
  orElse: (e: unknown) => R,
): R => {
  const tag = typeof e === "object" && e !== null ? (e as Partial<Tagged>)._tag : undefined
  const handler =
    typeof tag === "string" && Object.hasOwn(handlers, tag)
      ? (handlers as Readonly<Record<string, (e: unknown) => R>>)[tag]
      : undefined
  return handler === undefined ? orElse(e) : handler(e)
}
