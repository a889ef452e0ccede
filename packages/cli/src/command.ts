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
