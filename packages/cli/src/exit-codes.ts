/** Exit codes of every `takeoff` command (no imports: the root help and the registry use it). */
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
