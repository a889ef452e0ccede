import { formatLogError, openLogFile, resimulate, verify } from "@takeoff/core"
import type { Command } from "../command.js"
import { CliError, EXIT } from "../errors.js"
import type { ModelKit } from "@takeoff/core"
import { readLog } from "../logfile.js"

/** Reasons that mean "we could not read the whole log", not "the log lies": exit 2, not 1. */
const UNREADABLE = new Set(["truncated", "missing-header", "model-mismatch", "model-version", "schema-version"])

export const verifyCommand = (kits: ReadonlyMap<string, ModelKit>): Command => ({
  spec: {
    name: "verify",
    summary: "check a log's hash chain and refold its state against the sealed state hashes",
    args: [{ name: "log", help: "the event log (.ndjson or .ndjson.gz)" }],
    flags: [
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
      "Exit codes: 0 intact; 1 tampered or inconsistent (the first bad line and tick are named);\n2 usage error, unreadable or truncated log.",
    examples: ["takeoff verify runs/baseline-7.ndjson", "takeoff verify run.ndjson --resimulate"],
  },
  run({ args, flags }, io) {
    const file = args.log!
    if (flags.repair) {
      readLog(file, kits)
      const { repaired } = openLogFile(file)
      io.err(repaired ? `${repaired.message}\n` : `${file}: nothing to repair\n`)
    }
    const log = readLog(file, kits, { tamperExit: EXIT.inconsistent })
    const r = verify(log.kit.model, log.text)
    if (!r.ok) {
      const exitCode = UNREADABLE.has(r.error.reason) ? EXIT.usage : EXIT.inconsistent
      const hint =
        r.error.reason === "truncated" ? " (takeoff verify --repair cuts it back to the last sealed tick)" : ""
      if (flags.json) io.out(`${JSON.stringify({ ok: false, file, ...errorJson(r.error) })}\n`)
      throw new CliError({
        exitCode,
        message: `${file}: ${exitCode === EXIT.inconsistent ? "NOT intact: " : ""}${formatLogError(r.error).replace(/; open it with the file store to repair$/, "")}${hint}`,
      })
    }
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
    if (flags.json) {
      io.out(
        `${JSON.stringify({ ok: true, file, ticks: r.ticks, lastTick: r.lastTick, stateChecks: r.stateChecks, snapshots: r.snapshots, end: r.end?.reason ?? null, resimulated: resimulated ?? false, bytes: r.bytes })}\n`,
      )
      return EXIT.ok
    }
    io.out(
      `${file}: intact. ${r.ticks} ticks, ${span}; hash chain ok; state refolded and matched ${r.stateChecks} sealed state hashes; ${r.snapshots} snapshots match.\n`,
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
