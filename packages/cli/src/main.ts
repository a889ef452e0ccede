#!/usr/bin/env node
import type { Io } from "./command.js"
import { runCli } from "./cli.js"
import { commands } from "./commands/index.js"

// `takeoff export run.ndjson | head`: a closed pipe means the reader has what it wanted.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0)
  throw e
})

const io: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
}

const code = await runCli(process.argv.slice(2), commands, io)
// Let stdout drain (pipes) before exiting with the command's code.
process.exitCode = code
