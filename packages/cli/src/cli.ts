import type { CommandEntry, Io } from "./command.js"
import type { CliError } from "./errors.js"
import { EXIT } from "./exit-codes.js"

/** The root `takeoff --help` text, listing every command with its one-line summary. */
export const rootHelp = (commands: ReadonlyArray<CommandEntry>): string => {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2
  return [
    "takeoff — run, verify, replay and audit economy simulations",
    "",
    "Usage: takeoff <command> [options]       takeoff <command> --help for details",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Exit codes: 0 ok; 1 log tampered, inconsistent, unsigned or signed by an untrusted key; 2 usage error or",
    "unreadable input; 3 (verify) the log stops before its end record; 130 stopped by Ctrl-C; 70 internal error (a bug).",
    "",
  ].join("\n")
}

/**
 * Runs one `takeoff` invocation: picks the command, parses its flags, runs it and maps every
 * failure to one line on stderr and an exit code. Never throws for user error. The root help and
 * `--version` load no command; a command's modules load when it is named.
 *
 * @example
 * const code = await runCli(["verify", "run.ndjson"], commands, io)
 */
export const runCli = async (
  argv: ReadonlyArray<string>,
  commands: ReadonlyArray<CommandEntry>,
  io: Io,
): Promise<number> => {
  const [name, ...rest] = argv
  if (name === "--version" || name === "-V") {
    io.out("takeoff 0.1.0\n")
    return EXIT.ok
  }
  const sub = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined
  if (sub === undefined && (name === undefined || name === "--help" || name === "-h" || name === "help")) {
    io.out(rootHelp(commands))
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  const entry = sub ?? commands.find((c) => c.name === name)
  if (entry === undefined) {
    io.err(`takeoff: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(", ")})\n`)
    return EXIT.usage
  }
  try {
    const [{ commandHelp, parseArgs }, command] = await Promise.all([import("./args.js"), entry.load()])
    if (sub !== undefined) {
      io.out(commandHelp(command.spec))
      return EXIT.ok
    }
    const parsed = parseArgs(command.spec, rest)
    if (parsed.help) {
      io.out(commandHelp(command.spec))
      return EXIT.ok
    }
    return await command.run(parsed, io)
  } catch (e) {
    const { catchTagged } = await import("@takeoff/core")
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
