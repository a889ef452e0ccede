import type { Command } from "../command.js"
import { DEFAULT_KIT, KITS } from "../models.js"
import { auditCommand } from "./audit.js"
import { backtestCommand } from "./backtest.js"
import { diffCommand } from "./diff.js"
import { exportCommand } from "./export.js"
import { replayCommand } from "./replay.js"
import { runCommand } from "./run.js"
import { scenariosCommand } from "./scenarios.js"
import { serveCommand } from "./serve.js"
import { sweepCommand } from "./sweep.js"
import { verifyCommand } from "./verify.js"
import { workerCommand } from "./worker.js"

export const commands: ReadonlyArray<Command> = [
  runCommand(DEFAULT_KIT),
  verifyCommand(KITS),
  replayCommand(KITS),
  auditCommand(KITS),
  diffCommand(KITS),
  exportCommand(KITS),
  sweepCommand(DEFAULT_KIT),
  backtestCommand(KITS),
  scenariosCommand(DEFAULT_KIT),
  serveCommand,
  workerCommand,
]
