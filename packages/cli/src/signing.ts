import * as fs from "node:fs"
import { defaultKeyPath, type LogSigner, loadOrCreateSigner, loadSigner } from "@takeoff/core"
import { usage } from "./errors.js"

/**
 * This installation's signing key (`TAKEOFF_KEY`, else ~/.takeoff/signing-key.pem), created on first
 * use. A key file that is not an Ed25519 private key is a usage error naming the file.
 *
 * @example
 * const signer = installationSigner(process.env)
 */
export const installationSigner = (env: NodeJS.ProcessEnv): LogSigner => {
  const file = defaultKeyPath(env)
  try {
    return loadOrCreateSigner(file)
  } catch (e) {
    throw usage(`signing key ${file}: ${(e as Error).message} (set TAKEOFF_KEY to another key file)`)
  }
}

/** This installation's key if it exists (verify never creates one), with where it lives. */
export const installationKey = (env: NodeJS.ProcessEnv): { file: string; signer: LogSigner | undefined } => {
  const file = defaultKeyPath(env)
  if (!fs.existsSync(file)) return { file, signer: undefined }
  try {
    return { file, signer: loadSigner(file) }
  } catch (e) {
    throw usage(`signing key ${file}: ${(e as Error).message}`)
  }
}
