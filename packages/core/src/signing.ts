import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify as verifySignature,
} from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/**
 * Log signatures: an Ed25519 key per installation signs the chain hash at every state-hash tick
 * (a checkpoint) and the end record, so whoever holds the key vouches for every byte before it.
 * The hash chain alone proves only that the lines agree with each other: anyone can rewrite a log
 * and recompute it. Ed25519 signatures are deterministic (RFC 8032), so the same key writes the same
 * bytes for the same run.
 */

/** What the engine needs to sign a log: the public key (written beside each signature) and `sign`. */
export interface LogSigner {
  /** The raw 32-byte Ed25519 public key, base64. */
  readonly publicKey: string
  /** Who signed, as users compare it: see `keyFingerprint`. */
  readonly fingerprint: string
  /** Signs `message` and returns the signature, base64. */
  sign(message: string): string
}

/** The fingerprint users see and pass to `--trust`: "ed25519:" and the first 32 hex digits of sha256(raw key). */
export const keyFingerprint = (publicKeyBase64: string): string =>
  `ed25519:${createHash("sha256").update(Buffer.from(publicKeyBase64, "base64")).digest("hex").slice(0, 32)}`

/** The Ed25519 SPKI DER prefix before the 32 raw key bytes. */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex")

const rawPublicKey = (key: KeyObject): string =>
  ((key.type === "public" ? key : createPublicKey(key)).export({ type: "spki", format: "der" }) as Buffer)
    .subarray(SPKI_PREFIX.length)
    .toString("base64")

const publicKeyObject = (publicKeyBase64: string): KeyObject =>
  createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKeyBase64, "base64")]),
    format: "der",
    type: "spki",
  })

/**
 * A signer from an Ed25519 private key.
 *
 * @example
 * const signer = signerFromKey(createPrivateKey(pem))
 */
export const signerFromKey = (privateKey: KeyObject): LogSigner => {
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`expected an Ed25519 private key, got ${privateKey.asymmetricKeyType ?? "a secret key"}`)
  }
  const publicKey = rawPublicKey(privateKey)
  return {
    publicKey,
    fingerprint: keyFingerprint(publicKey),
    sign: (message) => sign(null, Buffer.from(message, "utf8"), privateKey).toString("base64"),
  }
}

/** Whether `sig` (base64) is `publicKey`'s (base64, raw 32 bytes) Ed25519 signature of `message`. */
export const checkSignature = (publicKey: string, message: string, sig: string): boolean => {
  const raw = Buffer.from(publicKey, "base64")
  const bytes = Buffer.from(sig, "base64")
  if (raw.length !== 32 || bytes.length !== 64) return false
  try {
    return verifySignature(null, Buffer.from(message, "utf8"), publicKeyObject(publicKey), bytes)
  } catch {
    return false
  }
}

/**
 * Where this installation's key lives: `TAKEOFF_KEY` if set, else `~/.takeoff/signing-key.pem`.
 *
 * @example
 * defaultKeyPath(process.env) // "/home/me/.takeoff/signing-key.pem"
 */
export const defaultKeyPath = (env: Readonly<Record<string, string | undefined>>): string =>
  env.TAKEOFF_KEY !== undefined && env.TAKEOFF_KEY !== ""
    ? path.resolve(env.TAKEOFF_KEY)
    : path.join(os.homedir(), ".takeoff", "signing-key.pem")

/**
 * The signer of the key at `file` (PKCS#8 PEM), creating the key on first use: the file is written
 * with mode 0600 in a directory created with mode 0700, and an existing file is never overwritten.
 * Throws an Error naming the file when it exists but is not an Ed25519 private key.
 *
 * @example
 * const signer = loadOrCreateSigner(defaultKeyPath(process.env))
 */
export const loadOrCreateSigner = (file: string): LogSigner => {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    const { privateKey } = generateKeyPairSync("ed25519")
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string
    try {
      fs.writeFileSync(file, pem, { mode: 0o600, flag: "wx" })
    } catch (e) {
      // Another process created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
    }
  }
  return loadSigner(file)
}

/** The signer of an existing key file; an Error naming the file if it is not an Ed25519 private key. */
export const loadSigner = (file: string): LogSigner => {
  let key: KeyObject
  try {
    key = createPrivateKey(fs.readFileSync(file))
  } catch (e) {
    throw new Error(`${file}: not a readable private key (${(e as Error).message})`)
  }
  try {
    return signerFromKey(key)
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`)
  }
}

/**
 * The fingerprint a `--trust` value names: a fingerprint as printed ("ed25519:<32 hex>"), a raw
 * public key in base64, or a PEM file holding a public or private key. Throws an Error saying what
 * was expected.
 *
 * @example
 * trustedFingerprint("ed25519:3f0c...") // as given
 */
export const trustedFingerprint = (value: string): string => {
  if (/^ed25519:[0-9a-f]{32}$/.test(value)) return value
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return keyFingerprint(value)
  if (fs.existsSync(value)) {
    const text = fs.readFileSync(value, "utf8")
    try {
      const key = text.includes("PRIVATE KEY") ? createPublicKey(createPrivateKey(text)) : createPublicKey(text)
      if (key.asymmetricKeyType === "ed25519") return keyFingerprint(rawPublicKey(key))
    } catch {
      // not a key: the error below says what was expected
    }
    throw new Error(`${value}: expected a PEM file with an Ed25519 public or private key`)
  }
  throw new Error(
    `"${value}": expected a fingerprint (ed25519:<32 hex digits>), a base64 Ed25519 public key or a PEM key file`,
  )
}
