import { usage } from "./errors.js"

/**
 * One `--flag`. `list` flags may repeat; `boolean` flags take no value; `seed` is a non-negative
 * safe integer, the range the API's `seed` takes (and a sweep's derived seeds fill), so a seed means
 * the same run in both.
 */
export interface FlagSpec {
  readonly name: string
  readonly kind: "string" | "int" | "seed" | "number" | "boolean" | "list"
  /** Placeholder shown in help, e.g. `N`, `FILE`, `path=value`. */
  readonly value?: string
  readonly help: string
  readonly alias?: string
}

export interface ArgSpec {
  readonly name: string
  readonly help: string
  readonly optional?: boolean
}

export interface CommandSpec {
  readonly name: string
  readonly summary: string
  readonly args: ReadonlyArray<ArgSpec>
  readonly flags: ReadonlyArray<FlagSpec>
  readonly examples?: ReadonlyArray<string>
  /** More text after the flags (exit codes, formats). */
  readonly notes?: string
}

export interface Parsed {
  readonly args: Readonly<Record<string, string | undefined>>
  readonly flags: Readonly<Record<string, string | number | boolean | string[] | undefined>>
  readonly help: boolean
}

const INT = /^-?\d+$/
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/**
 * Parses `argv` (after the command name) against a command's spec. Throws a usage CliError that
 * names the flag and what it expected.
 *
 * @example
 * parseArgs(runSpec, ["baseline", "--seed", "7"]) // { args: { scenario: "baseline" }, flags: { seed: 7 } }
 */
export const parseArgs = (spec: CommandSpec, argv: ReadonlyArray<string>): Parsed => {
  const cmd = `takeoff ${spec.name}`
  const flags: Record<string, string | number | boolean | string[] | undefined> = {}
  const positionals: string[] = []
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === "--help" || a === "-h") {
      help = true
      continue
    }
    if (a === "--") {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!a.startsWith("-") || a === "-" || NUMBER.test(a)) {
      positionals.push(a)
      continue
    }
    const eq = a.indexOf("=")
    const name = a.startsWith("--") ? a.slice(2, eq < 0 ? undefined : eq) : a.slice(1, eq < 0 ? undefined : eq)
    const flag = spec.flags.find((f) => f.name === name || f.alias === name)
    if (flag === undefined) throw usage(`unknown option ${a.split("=")[0]} (see ${cmd} --help)`)
    if (flag.kind === "boolean") {
      if (eq >= 0) throw usage(`--${flag.name} takes no value`)
      flags[flag.name] = true
      continue
    }
    let raw: string
    if (eq >= 0) raw = a.slice(eq + 1)
    else {
      if (i + 1 >= argv.length) throw usage(`--${flag.name} needs a value (${flag.value ?? "value"})`)
      raw = argv[++i]
    }
    flags[flag.name] = convert(flag, raw, flags[flag.name])
  }
  if (help) return { args: {}, flags, help }
  const args: Record<string, string | undefined> = {}
  const required = spec.args.filter((a) => !a.optional).length
  if (positionals.length < required) {
    const missing = spec.args[positionals.length]
    throw usage(`missing <${missing.name}> (${missing.help}); see ${cmd} --help`)
  }
  if (positionals.length > spec.args.length) {
    throw usage(`unexpected argument "${positionals[spec.args.length]}"; see ${cmd} --help`)
  }
  spec.args.forEach((a, i) => {
    args[a.name] = positionals[i]
  })
  return { args, flags, help }
}

const MAX_SEED = Number.MAX_SAFE_INTEGER

const convert = (flag: FlagSpec, raw: string, prev: unknown): string | number | string[] => {
  switch (flag.kind) {
    case "int": {
      const n = Number(raw)
      if (!INT.test(raw) || !Number.isSafeInteger(n)) {
        throw usage(`--${flag.name}: expected an integer, got ${JSON.stringify(raw)}`)
      }
      return n
    }
    case "seed": {
      const n = Number(raw)
      if (!INT.test(raw) || !Number.isSafeInteger(n) || n < 0 || n > MAX_SEED) {
        throw usage(`--${flag.name}: expected an integer in [0, ${MAX_SEED}], got ${JSON.stringify(raw)}`)
      }
      return n
    }
    case "number": {
      if (!NUMBER.test(raw)) throw usage(`--${flag.name}: expected a number, got ${JSON.stringify(raw)}`)
      return Number(raw)
    }
    case "list":
      return [...((prev as string[] | undefined) ?? []), raw]
    default:
      return raw
  }
}

/** The `--help` text of one command. */
export const commandHelp = (spec: CommandSpec): string => {
  const argsLine = spec.args.map((a) => (a.optional ? `[${a.name}]` : `<${a.name}>`)).join(" ")
  const flagLabel = (f: FlagSpec) =>
    `${f.alias ? `-${f.alias}, ` : ""}--${f.name}${f.kind === "boolean" ? "" : ` ${f.value ?? "VALUE"}`}${f.kind === "list" ? " ..." : ""}`
  const rows: Array<[string, string]> = [
    ...spec.args.map((a): [string, string] => [`<${a.name}>`, a.help]),
    ...spec.flags.map((f): [string, string] => [flagLabel(f), f.help]),
    ["-h, --help", "show this help"],
  ]
  const width = Math.max(...rows.map((r) => r[0].length)) + 2
  const lines = [
    `takeoff ${spec.name} — ${spec.summary}`,
    "",
    `Usage: takeoff ${spec.name}${argsLine ? ` ${argsLine}` : ""}${spec.flags.length ? " [options]" : ""}`,
    "",
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`),
  ]
  if (spec.notes) lines.push("", spec.notes)
  if (spec.examples?.length) lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`))
  return `${lines.join("\n")}\n`
}
