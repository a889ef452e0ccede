import { Schema } from "effect"

/** Exit codes of every `takeoff` command. */
export const EXIT = {
  ok: 0,
  /** The log is tampered with or inconsistent with its model. */
  inconsistent: 1,
  /** Bad arguments, unknown scenario, unreadable or truncated input. */
  usage: 2,
  /** `verify`: the log stops before its end record (the run crashed or is still running). */
  incomplete: 3,
  /** A bug: an unexpected exception (sysexits' EX_SOFTWARE). The message names it. */
  internal: 70,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const

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
