import { deriveSeed, type ModelKit } from "@takeoff/core"
import { checkWritable } from "../atomic.js"
import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"
import { summaryKeysOf } from "../models.js"
import { Progress } from "../progress.js"
import { runToLog } from "../runlog.js"
import { loadScenarioOrFail, parseSets, scenarioName, untilTickOrFail } from "../scenario.js"
import { openResume, resolveResume } from "../resume.js"
import { installationSigner } from "../signing.js"
import { formatSummary, SummaryTracker } from "../summary.js"

/** `takeoff run`: simulates one scenario of `kit`'s model to a log. */
export const runCommand = (kit: ModelKit): Command => ({
  spec: {
    name: "run",
    summary: "run a scenario headless, write its event log and print a summary",
    args: [{ name: "scenario", help: "scenario name (see takeoff scenarios) or a YAML file", optional: true }],
    flags: [
      { name: "seed", kind: "seed", value: "N", help: "random seed (default 1)" },
      { name: "until", kind: "int", value: "YEAR", help: "last simulated year (default: the scenario's end)" },
      { name: "set", kind: "list", value: "path=value", help: "override a scenario parameter (repeatable)" },
      {
        name: "out",
        alias: "o",
        kind: "string",
        value: "FILE",
        help: "log file (default <scenario>-<seed>.ndjson; .gz compresses)",
      },
      {
        name: "resume",
        kind: "string",
        value: "LOG",
        help: "continue a crashed run of LOG (or its .partial file) from its last whole tick",
      },
      {
        name: "sample",
        kind: "boolean",
        help: "draw the scenario's uncertain parameters from the seed (printed, and recorded in the log header)",
      },
      { name: "json", kind: "boolean", help: "print the summary as JSON" },
      { name: "quiet", alias: "q", kind: "boolean", help: "no progress output" },
    ],
    notes:
      'Progress goes to stderr (a bar on a terminal, a line every 2 s otherwise); the summary to stdout.\nCtrl-C stops after the tick in flight, seals the log with end reason "stopped" and exits 130.\nThe log is signed with this installation\'s key (TAKEOFF_KEY, else ~/.takeoff/signing-key.pem), created on first use.\nThe log is written as a hidden .<name>.<pid>.partial and renamed when it closes; --resume LOG continues a\nrun killed before that (give --until again if the first run had it) and writes the same bytes an\nuninterrupted run would have.',
    examples: [
      "takeoff run baseline --seed 7 --until 2060",
      "takeoff run baseline --set ai.algorithmicProgressPerYear=3 --out fast.ndjson --json",
      "takeoff run --resume baseline-7.ndjson",
      "takeoff run baseline --sample --seed 42 --until 2060",
    ],
  },
  async run({ args, flags }, io) {
    const signer = installationSigner(process.env)
    if (flags.resume !== undefined) {
      for (const f of ["seed", "set", "out", "sample"])
        if (flags[f] !== undefined) throw usage(`--${f}: a resumed run keeps its own`)
      if (args.scenario !== undefined)
        throw usage(`--resume: a resumed run keeps its own scenario ("${args.scenario}" given)`)
    } else if (args.scenario === undefined)
      throw usage("<scenario>: expected a scenario name or file (or --resume LOG)")
    const target = flags.resume === undefined ? undefined : resolveResume(flags.resume as string)
    // Validate everything before the log file exists; a resumed run replays its log into the summary.
    let tracker: SummaryTracker | undefined
    const resumed =
      target &&
      openResume(kit, target, signer, (config) => {
        const t = new SummaryTracker(kit, config)
        tracker = t
        return (tick, events, state) => t.onTick(tick, events, state)
      })
    const scenario = resumed?.scenario ?? args.scenario!
    const seed = resumed?.seed ?? (flags.seed as number | undefined) ?? 1
    const sets = parseSets(flags.set as string[] | undefined)
    // --sample draws every declared distribution from the seed (a --set parameter keeps its value)
    // and loads the draws as overrides, so the header's config holds them and replay and
    // resimulate need nothing else.
    const sample = kit.scenarios.sample
    if (flags.sample && sample === undefined) throw usage(`--sample: model ${kit.model.name} declares no distributions`)
    const fixed = new Set(sets.map(([p]) => p))
    const draws = flags.sample
      ? Object.entries(sample!(loadScenarioOrFail(kit, scenario, sets), deriveSeed(seed, 1)).draws).filter(
          ([p]) => !fixed.has(p),
        )
      : []
    const config =
      resumed?.config ??
      loadScenarioOrFail(kit, scenario, [...sets, ...draws.map(([p, v]): [string, string] => [p, String(v)])])
    const lastTick = untilTickOrFail(kit, config, flags.until as number | undefined)
    const name = scenarioName(scenario)
    const out = target?.out ?? (flags.out as string | undefined) ?? `${name}-${seed}.ndjson`
    checkWritable(out, "--out")
    if (out.endsWith("/")) throw usage(`--out ${out}: expected a file name`)

    tracker ??= new SummaryTracker(kit, config)
    const progress = flags.quiet
      ? undefined
      : new Progress({ isTTY: io.errIsTTY, write: io.err }, lastTick + 1, "ticks")
    const r = await runToLog({
      kit,
      config,
      seed,
      untilTick: lastTick,
      out,
      // The same header `simulate` writes, so a CLI run and a server run of one seed are one log.
      meta: {
        scenario: (config as { name: string }).name,
        ...(flags.sample ? { sample: { seed, draws: Object.fromEntries(draws) } } : {}),
      },
      signer,
      resume: resumed && target ? { sim: resumed.sim, partial: target.partial } : undefined,
      onTick: (tick, events, state) => {
        tracker!.onTick(tick, events, state)
        progress?.update(tick + 1, kit.calendar.tickToDate(config, tick))
      },
      onInterrupt: () => io.err("\nstopping after the tick in flight (Ctrl-C again to abort at once)\n"),
    })
    progress?.done(r.lastTick + 1, kit.calendar.tickToDate(config, r.lastTick))
    const finished = tracker.finish({ scenario: name, seed, log: out, reason: r.reason, endedBy: r.endedBy })
    const summary = flags.sample ? { ...finished, sample: { seed, draws: Object.fromEntries(draws) } } : finished
    const sampled = draws.map(([p, v]) => `  ${p} = ${Number(v.toPrecision(4))}`).join("\n")
    io.out(
      flags.json
        ? `${JSON.stringify(summary)}\n`
        : `${formatSummary(finished, kit, summaryKeysOf(kit))}${flags.sample ? `Parameters drawn from seed ${seed}:\n${sampled}\n` : ""}`,
    )
    return r.reason === "stopped" ? EXIT.interrupted : EXIT.ok
  },
})
