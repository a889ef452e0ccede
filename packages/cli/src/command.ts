import type { CommandSpec, Parsed } from "./args.js"

/** Where a command writes: results to `out` (stdout), progress and diagnostics to `err` (stderr). */
export interface Io {
  out(text: string): void
  err(text: string): void
  /** stderr is a terminal: progress may redraw a line. */
  readonly errIsTTY: boolean
}

/** One `takeoff` subcommand: its spec (parsing and help) and what it does. Returns the exit code. */
export interface Command {
  readonly spec: CommandSpec
  run(parsed: Parsed, io: Io): Promise<number> | number
}

/**
 * A command as the registry lists it: its name and one-line summary for `takeoff --help`, and how
 * to load it. Loading is deferred so the root help, and each command, imports only what it uses
 * (the server, NATS and the model's modules cost most of a start-up).
 */
export interface CommandEntry {
  readonly name: string
  readonly summary: string
  load(): Promise<Command>
}
