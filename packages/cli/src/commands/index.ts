import type { Command } from "../command.js"
import type { ModelKit } from "../kit.js"
import { economyKit, walkersKit } from "../kits.js"
import { auditCommand } from "./audit.js"
import { diffCommand } from "./diff.js"
import { exportCommand } from "./export.js"
import { replayCommand } from "./replay.js"
import { runCommand } from "./run.js"
import { scenariosCommand } from "./scenarios.js"
import { serveCommand } from "./serve.js"
import { sweepCommand } from "./sweep.js"
import { verifyCommand } from "./verify.js"
import { workerCommand } from "./worker.js"

/** Every model whose logs this build can read, by the name in the log header. */
export const kits: ReadonlyMap<string, ModelKit> = new Map([
  [economyKit.model.name, economyKit],
  [walkersKit.model.name, walkersKit],
])

export const commands: ReadonlyArray<Command> = [
  runCommand,
  verifyCommand(kits),
  replayCommand(kits),
  auditCommand(kits),
  diffCommand(kits),
  exportCommand(kits),
  sweepCommand,
  scenariosCommand,
  serveCommand,
  workerCommand,
]
