import {
  type ChainChecked,
  formatLogError,
  type LogError,
  type ModelKit,
  openLogFile,
  refoldLog,
  resimulate,
  trustedFingerprint,
  verifyChain,
} from "@takeoff/core"
import type { Command } from "../command.js"
import { CliError, EXIT, usage } from "../errors.js"
import { logErrorToCli, readLog, readLogText } from "../logfile.js"
import { installationKey } from "../signing.js"

/** Reasons that mean "we could not read the log", not "the log lies": exit 2. */
const UNREADABLE = new Set(["missing-header", "model-mismatch", "model-version", "schema-version"])
/** Reasons that mean "the log stops before its end record": exit 3. */
const INCOMPLETE = new Set(["truncated", "incomplete"])

const exitFor = (reason: string): number =>
  INCOMPLETE.has(reason) ? EXIT.incomplete : UNREADABLE.has(reason) ? EXIT.usage : EXIT.inconsistent

const hintFor = (e: LogError): string => {
  switch (e.reason) {
    case "truncated":
      return e.line === 1 ? "" : " (takeoff verify --repair cuts it back to the last sealed tick)"
    case "incomplete":
      return " (--allow-incomplete accepts it as far as it goes)"
    case "unsigned":
      return " (--allow-unsigned accepts it on the strength of its chain alone)"
    case "untrusted-signer":
      return " (--trust KEY if you trust whoever holds it)"
    default:
      return ""
  }
}

export const verifyCommand = (kits: ReadonlyMap<string, ModelKit>): Command => ({
  spec: {
    name: "verify",
    summary:
      "check a log's signatures, hash chain and completeness, and refold its state against the sealed state hashes",
    args: [{ name: "log", help: "the event log (.ndjson or .ndjson.gz)" }],
    flags: [
      {
        name: "trust",
        kind: "list",
        value: "KEY",
        help: "also accept logs signed by KEY: a fingerprint (ed25519:...), a base64 public key or a PEM key file (repeatable)",
      },
      {
        name: "allow-unsigned",
        kind: "boolean",
        help: "accept a log with no signature (format 1, or written without a key) on its chain alone",
      },
      {
        name: "allow-incomplete",
        kind: "boolean",
        help: "accept a log that stops before its end record (a crashed or running run), if intact so far",
      },
      {
        name: "resimulate",
        kind: "boolean",
        help: "also rerun the simulation from the header and compare every line byte for byte",
      },
      {
        name: "repair",
        kind: "boolean",
        help: "cut a torn tail (an interrupted write) back to the last sealed tick, in place, then verify",
      },
      { name: "json", kind: "boolean", help: "print the result as JSON" },
    ],
    notes:
      "Trusted keys: this installation's (TAKEOFF_KEY, else ~/.takeoff/signing-key.pem) and every --trust.\nExit codes: 0 complete, intact and signed by a trusted key; 1 tampered, inconsistent, unsigned or\nsigned by another key (the first bad line and tick are named); 2 usage error or unreadable log;\n3 the log stops before its end record (the run crashed or is still running).",
    examples: [
      "takeoff verify runs/baseline-7.ndjson",
      "takeoff verify run.ndjson --resimulate",
      "takeoff verify theirs.ndjson --trust ed25519:9a1c0e...",
    ],
  },
  run({ args, flags }, io) {
    const file = args.log!
    const local = installationKey(process.env)
    const trust = ((flags.trust as string[] | undefined) ?? []).map((k) => {
      try {
        return trustedFingerprint(k)
      } catch (e) {
        throw usage(`--trust ${(e as Error).message}`)
      }
    })
    if (local.signer !== undefined) trust.push(local.signer.fingerprint)
    if (flags.repair) {
      readLog(file, kits)
      const { repaired } = openLogFile(file)
      io.err(repaired ? `${repaired.message}\n` : `${file}: nothing to repair\n`)
    }
    const text = readLogText(file)
    if (text.length === 0) throw usage(`${file}: line 1: the log is empty`)
    // A first line that says it is a takeoff log but does not read as a header was edited.
    const looksOurs = text.slice(0, Math.min(text.length, 4096)).includes('"format":"takeoff-log"')
    const refuse = (e: LogError): never => {
      const notAHeader = e.line === 1 && (e.reason === "missing-header" || e.reason === "malformed")
      const exitCode = notAHeader ? (looksOurs ? EXIT.inconsistent : EXIT.usage) : exitFor(e.reason)
      if (flags.json) io.out(`${JSON.stringify({ ok: false, file, exitCode, ...errorJson(e) })}\n`)
      const verdict = exitCode === EXIT.inconsistent ? "NOT intact: " : ""
      throw new CliError({
        exitCode,
        message: `${file}: ${verdict}${formatLogError(e).replace(/; open it with the file store to repair$/, "")}${hintFor(e)}`,
      })
    }
    // The chain, the signatures and completeness first, with no model: nothing is decoded until they hold.
    let chain: ChainChecked
    let stateChecks: number
    try {
      chain = verifyChain(text, {
        trust,
        allowUnsigned: flags["allow-unsigned"] === true,
        allowIncomplete: flags["allow-incomplete"] === true,
      })
    } catch (e) {
      if ((e as { _tag?: string })._tag === "LogError") refuse(e as LogError)
      throw e
    }
    const log = readLog(file, kits, { text })
    try {
      stateChecks = refoldLog(log.kit.model, text, chain!.lastTick)
    } catch (e) {
      // The chain and signatures hold: a header this build cannot decode is unreadable here, not tampered.
      if ((e as { _tag?: string })._tag === "LogError" && (e as LogError).line !== 1) refuse(e as LogError)
      throw logErrorToCli(file, e)
    }
    const r = chain!
    let resimulated: boolean | undefined
    if (flags.resimulate) {
      const re = resimulate(log.kit.model, log.text)
      if (!re.ok && re.divergence) {
        const d = re.divergence
        throw new CliError({
          exitCode: EXIT.inconsistent,
          message: `${file}: line ${d.line}${d.tick === undefined ? "" : ` (tick ${d.tick})`}: divergence: rerunning the simulation from the header writes a different line (this build's model ${log.kit.model.name} ${log.kit.model.version} vs log's ${log.header.modelVersion})`,
        })
      }
      resimulated = true
    }
    const config = log.kit.model.decodeConfig(log.header.config)
    const span =
      r.lastTick >= 0
        ? `ticks 0..${r.lastTick} (${log.kit.calendar.tickToDate(config, 0)} to ${log.kit.calendar.tickToDate(config, r.lastTick)})`
        : "no ticks"
    const signer = r.signer?.fingerprint ?? null
    if (flags.json) {
      io.out(
        `${JSON.stringify({ ok: true, file, ticks: r.ticks, lastTick: r.lastTick, stateChecks, snapshots: r.snapshots, end: r.end?.reason ?? null, signer, signedThroughTick: r.signedThroughTick, resimulated: resimulated ?? false, bytes: r.bytes })}\n`,
      )
      return EXIT.ok
    }
    io.out(
      `${file}: intact. ${r.ticks} ticks, ${span}; hash chain ok; state refolded and matched ${stateChecks} sealed state hashes; ${r.snapshots} snapshots match.\n`,
    )
    io.out(
      signer === null
        ? "  UNSIGNED: the chain proves only that the lines agree with each other, not who wrote them\n"
        : `  signed by ${signer}${signer === local.signer?.fingerprint ? " (this installation's key)" : " (trusted by --trust)"}${r.signedThroughTick < r.lastTick ? `; ticks after ${r.signedThroughTick} are chained but not yet signed` : ""}\n`,
    )
    io.out(
      r.end
        ? `  ended: ${r.end.reason}${r.end.message ? ` (${r.end.message})` : ""} at tick ${r.end.tick}\n`
        : "  no end record: the run did not close (still running, or it crashed); every tick present is sealed\n",
    )
    if (resimulated) io.out("  resimulated from the header: every line identical\n")
    return EXIT.ok
  },
})

const errorJson = (e: { reason: string; line: number; tick?: number; message: string }) => ({
  reason: e.reason,
  line: e.line,
  tick: e.tick ?? null,
  message: e.message,
})
