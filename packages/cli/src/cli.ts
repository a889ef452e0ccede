import { catchTagged } from "@takeoff/core"
import { commandHelp, parseArgs } from "./args.js"
import type { Command, Io } from "./command.js"
import { type CliError, EXIT } from "./errors.js"

/** The root `takeoff --help` text, listing every command with its one-line summary. */
export const rootHelp = (commands: ReadonlyArray<Command>): string => {
  const width = Math.max(...commands.map((c) => c.spec.name.length)) + 2
  return [
    "takeoff — run, verify, replay and audit economy simulations",
    "",
    "Usage: takeoff <command> [options]       takeoff <command> --help for details",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    "",
    "Exit codes: 0 ok; 1 log tampered, inconsistent, unsigned or signed by an untrusted key; 2 usage error or",
    "unreadable input; 3 (verify) the log stops before its end record; 130 stopped by Ctrl-C; 70 internal error (a bug).",
    "",
  ].join("\n")
}

/**
 * Runs one `takeoff` invocation: picks the command, parses its flags, runs it and maps every
 * failure to one line on stderr and an exit code. Never throws for user error.
 *
 * @example
 * const code = await runCli(["verify", "run.ndjson"], commands, io)
 */
export const runCli = async (
  argv: ReadonlyArray<string>,
  commands: ReadonlyArray<Command>,
  io: Io,
): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const sub = name === "help" ? commands.find((c) => c.spec.name === rest[0]) : undefined
    io.out(sub ? commandHelp(sub.spec) : rootHelp(commands))
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === "--version" || name === "-V") {
    io.out("takeoff 0.1.0\n")
    return EXIT.ok
  }
  const command = commands.find((c) => c.spec.name === name)
  if (command === undefined) {
    io.err(`takeoff: unknown command "${name}" (commands: ${commands.map((c) => c.spec.name).join(", ")})\n`)
    return EXIT.usage
  }
  try {
    const parsed = parseArgs(command.spec, rest)
    if (parsed.help) {
      io.out(commandHelp(command.spec))
      return EXIT.ok
    }
    return await command.run(parsed, io)
  } catch (e) {
    return catchTagged<CliError, number>(
      e,
      {
        CliError: (e) => {
          io.err(`takeoff ${name}: ${e.message}\n`)
          return e.exitCode
        },
      },
      (e) => {
        // Not the user's fault: say so in one line, keep the stack for whoever debugs it.
        io.err(`takeoff ${name}: internal error: ${(e as Error).message ?? String(e)}\n`)
        if (process.env.TAKEOFF_DEBUG) io.err(`${(e as Error).stack ?? ""}\n`)
        else io.err("  (set TAKEOFF_DEBUG=1 for the stack trace)\n")
        return EXIT.internal
      },
    )
  }
}
