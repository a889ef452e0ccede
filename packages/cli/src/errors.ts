import * as Schema from "effect/Schema"
import { EXIT } from "./exit-codes.js"

export { EXIT } from "./exit-codes.js"

/**
 * Anything the user must fix: printed as one line on stderr, the process exits with `exitCode`.
 *
 * @example
 * throw new CliError({ exitCode: EXIT.usage, message: "--seed: expected an integer, got \"x\"" })
 */
export class CliError extends Schema.TaggedError<CliError>()("CliError", {
  exitCode: Schema.Number,
  message: Schema.String,
}) {}

/** A usage error (exit 2). */
export const usage = (message: string): CliError => new CliError({ exitCode: EXIT.usage, message })
