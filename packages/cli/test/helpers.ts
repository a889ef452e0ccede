import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export const MAIN = path.resolve(import.meta.dirname, "../dist/main.js")

// The tests sign and trust with a key of their own, never the user's ~/.takeoff one.
process.env.TAKEOFF_KEY = path.join(os.tmpdir(), `takeoff-cli-test-key-${process.getuid?.() ?? 0}.pem`)

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the built `takeoff` command as a subprocess, as a user would. */
export const takeoff = (
  args: ReadonlyArray<string>,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Result => {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    timeout: 600_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Starts `takeoff` without waiting, for signals. */
export const takeoffAsync = (args: ReadonlyArray<string>, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] })

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-cli-"))
