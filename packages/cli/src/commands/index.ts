import type { CommandEntry } from "../command.js"

/** The model kits, loaded with the command that needs them. */
const models = () => import("../models.js")

/**
 * Every `takeoff` command, in the order `takeoff --help` lists them. Each is imported only when it
 * runs (or prints its own help); the name and summary here must match the command's spec (tested).
 */
export const commands: ReadonlyArray<CommandEntry> = [
  {
    name: "run",
    summary: "run a scenario headless, write its event log and print a summary",
    load: async () => (await import("./run.js")).runCommand((await models()).DEFAULT_KIT),
  },
  {
    name: "verify",
    summary:
      "check a log's signatures, hash chain and completeness, and refold its state against the sealed state hashes",
    load: async () => (await import("./verify.js")).verifyCommand((await models()).KITS),
  },
  {
    name: "replay",
    summary: "state and metrics at any point of a log (seeks from the nearest snapshot)",
    load: async () => (await import("./replay.js")).replayCommand((await models()).KITS),
  },
  {
    name: "audit",
    summary: "explain a milestone or event from the log alone: the crossing and the events that drove it",
    load: async () => (await import("./audit.js")).auditCommand((await models()).KITS),
  },
  {
    name: "diff",
    summary: "first divergent tick and event between two logs, and how the headline metrics differ after it",
    load: async () => (await import("./diff.js")).diffCommand((await models()).KITS),
  },
  {
    name: "export",
    summary: "metric time series of a log as CSV, JSON or Parquet (for spreadsheets and notebooks)",
    load: async () => (await import("./export.js")).exportCommand((await models()).KITS),
  },
  {
    name: "sweep",
    summary: "Monte Carlo ensemble over the scenario's declared distributions and --vary ranges",
    load: async () => (await import("./sweep.js")).sweepCommand((await models()).DEFAULT_KIT),
  },
  {
    name: "backtest",
    summary: "score a run or a scenario's ensemble against what was observed in 2025 and later",
    load: async () => (await import("./backtest.js")).backtestCommand((await models()).KITS),
  },
  {
    name: "scenarios",
    summary: "list the scenarios, or show one: what it extends and overrides, its distributions, its parameters",
    load: async () => (await import("./scenarios.js")).scenariosCommand((await models()).DEFAULT_KIT),
  },
  {
    name: "serve",
    summary: "serve the web UI and the REST/WebSocket API",
    load: async () => (await import("./serve.js")).serveCommand,
  },
  {
    name: "worker",
    summary: "run ensemble jobs pulled from NATS JetStream (start one or more per machine)",
    load: async () => (await import("./worker.js")).workerCommand,
  },
]
