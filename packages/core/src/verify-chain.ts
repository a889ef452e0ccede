import { LogError } from "./errors.js"
import {
  chainHash,
  checkpointMessage,
  type EndRecord,
  endHash,
  endMessage,
  type LogHeader,
  MAX_LINE_CHARS,
  parseHeader,
  parseRecord,
  sha256,
  sigLine,
} from "./log.js"
import { headerLineOf, type LogSource, lineKind, lineTick, logLines } from "./log-reader.js"
import { checkSignature, keyFingerprint } from "./signing.js"
import { STATE_BYTES_FORMAT } from "./state-hash.js"

/**
 * Whether a line is one JSON object and nothing after it: no raw control character, braces and
 * brackets balanced outside strings, the outermost closing only at the last character. A cheap
 * scan, not a parse (the model pass parses the snapshot): what it catches is a line joined onto the
 * next one, whatever the newline between them was turned into.
 */
const isOneObject = (text: string): boolean => {
  let depth = 0
  let inString = false
  const last = text.length - 1
  for (let i = 0; i <= last; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20) return false
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth < 0 || (depth === 0 && i !== last)) return false
    }
  }
  return depth === 0 && !inString
}
/** What `verify` accepts beyond a complete log signed by anyone. */
export interface VerifyOptions {
  /**
   * Fingerprints (see `keyFingerprint`) whose signature is accepted. When given, a log signed by
   * another key fails with `untrusted-signer` and an unsigned one with `unsigned`; when absent,
   * any valid signature (or none) passes and the result says who signed.
   */
  readonly trust?: ReadonlyArray<string>
  /** With `trust`, accept a log that carries no signature (format 1, or written without a key). */
  readonly allowUnsigned?: boolean
  /** Accept a log that stops before its end record (still running, or crashed), if intact so far. */
  readonly allowIncomplete?: boolean
}

/** Who signed a log. */
export interface LogSignerInfo {
  readonly publicKey: string
  readonly fingerprint: string
}

/** What the chain pass proves of a log, before any line is decoded. */
export interface ChainChecked {
  readonly header: LogHeader
  readonly ticks: number
  readonly lastTick: number
  readonly snapshots: number
  readonly end: EndRecord | undefined
  readonly bytes: number
  /** Undefined for an unsigned log. */
  readonly signer: LogSignerInfo | undefined
  /** The last tick a signature covers (-1 if none); the end record's when it is signed. */
  readonly signedThroughTick: number
}

interface Expected {
  readonly tick: number
  readonly hash: string
  readonly message: string
  readonly ofEnd: boolean
}

const fail = (reason: LogError["reason"], line: number, tick: number | undefined, message: string): never => {
  throw new LogError({ reason, line, tick, message })
}

/**
 * Parses a small record line and requires it to be exactly what the engine writes for its fields
 * (`expected` re-serialises them): seals, sigs and end records are outside the chain's bytes, so
 * any other byte in them is an edit.
 */
const exactRecord = <R>(text: string, n: number, expected: (rec: R) => string): R => {
  const rec = parseRecord(text, n) as R
  if (expected(rec) !== text) fail("malformed", n, lineTick(text), "not the record the engine writes (edited?)")
  return rec
}

/**
 * The first pass of `verify`, which needs no model: the header's hash, the hash chain over every
 * tick line, every line in its place (a tick, its seal, the snapshot and the signature due at its
 * tick, at most one end record and its signature), every snapshot against its sealed state hash
 * (formats 1 and 2; from format 3 the hash is over the state's bytes and `refoldLog` checks
 * snapshots), and every signature against its key, one key for the whole log. Tick lines are hashed, never
 * parsed: nothing is decoded before the chain holds. Throws LogError naming the first bad line.
 *
 * @example
 * const chain = verifyChain(readLogLines("run.ndjson"), { trust: [myFingerprint] })
 */
export const verifyChain = (source: LogSource, options: VerifyOptions = {}): ChainChecked => {
  const lines = logLines(source)
  const it = lines[Symbol.iterator]()
  const first = it.next()
  const headerLine = headerLineOf(lines, first)
  if (headerLine === undefined || headerLine.length === 0) fail("missing-header", 1, undefined, "the log is empty")
  const header = parseHeader(headerLine!)
  let bytes = Buffer.byteLength(headerLine!) + 1
  const signable = header.formatVersion >= 2
  let prev = header.hash
  let expectTick = 0
  let pending: { text: string; n: number; tick: number } | undefined
  let snapshotDue: { tick: number; state: string; sealLine: number } | undefined
  let sigDue: Expected | undefined
  /** After a checkpoint with a snapshot due, the signature comes after the snapshot. */
  let sigAfterSnapshot: Expected | undefined
  let signed: boolean | undefined
  let key: string | undefined
  let signedThroughTick = -1
  let end: EndRecord | undefined
  let closed = false
  let snapshots = 0
  let n = 1
  for (let r = it.next(); !r.done; r = it.next()) {
    const text = r.value
    n++
    bytes += Buffer.byteLength(text) + 1
    if (text.length > MAX_LINE_CHARS) fail("too-large", n, undefined, `over the limit of ${MAX_LINE_CHARS} characters`)
    const kind = lineKind(text)
    if (closed) fail("out-of-order", n, lineTick(text), "record after the end record")
    if (sigDue !== undefined && kind !== "sig") {
      if (signed === true) {
        fail("bad-signature", n, sigDue.tick, `the signature of tick ${sigDue.tick} is missing (a line removed?)`)
      }
      signed = false
      if (sigDue.ofEnd) closed = true
      sigDue = undefined
      if (closed) fail("out-of-order", n, lineTick(text), "record after the end record")
    }
    // A tick line's seal is the next line; name the tick line, which may be the one edited.
    if (pending !== undefined && kind !== "seal") {
      fail("out-of-order", pending.n, pending.tick, `tick ${pending.tick} has no seal`)
    }
    if (snapshotDue !== undefined && kind !== "snapshot") {
      fail("out-of-order", n, snapshotDue.tick, `the snapshot of tick ${snapshotDue.tick} is missing`)
    }
    switch (kind) {
      case "tick": {
        if (end !== undefined) fail("out-of-order", n, lineTick(text), "record after the end record")
        const tick = lineTick(text)
        if (tick !== expectTick) fail("out-of-order", n, tick, `expected tick ${expectTick}`)
        pending = { text, n, tick: expectTick }
        break
      }
      case "seal": {
        const rec = exactRecord<{ tick: number; hash: string; state?: string }>(text, n, (s) =>
          JSON.stringify({ kind: "seal", tick: s.tick, hash: s.hash, state: s.state }),
        )
        if (pending === undefined || rec.tick !== pending.tick) {
          fail("out-of-order", n, rec.tick, "seal without its tick line")
        }
        const hash = chainHash(prev, rec.tick, pending!.text)
        // Either the tick line or its seal was altered: name the earlier of the two.
        if (hash !== rec.hash) {
          fail("hash-mismatch", pending!.n, rec.tick, "hash chain broken: the tick line or its seal was altered")
        }
        const due = (rec.tick + 1) % header.stateHashEvery === 0
        if (due !== (rec.state !== undefined)) {
          fail("malformed", n, rec.tick, due ? "state hash missing at a state-hash tick" : "unexpected state hash")
        }
        prev = hash
        expectTick = rec.tick + 1
        pending = undefined
        if (!due) break
        const sig: Expected | undefined =
          signable && signed !== false
            ? { tick: rec.tick, hash, message: checkpointMessage(rec.tick, hash, rec.state!), ofEnd: false }
            : undefined
        if (header.snapshotEvery > 0 && (rec.tick + 1) % header.snapshotEvery === 0) {
          snapshotDue = { tick: rec.tick, state: rec.state!, sealLine: n }
          sigAfterSnapshot = sig
        } else sigDue = sig
        break
      }
      case "snapshot": {
        if (snapshotDue === undefined) {
          fail("out-of-order", n, lineTick(text), "a snapshot where none is due (duplicated or moved?)")
        }
        const { tick, state, sealLine } = snapshotDue!
        // Written as {"kind":"snapshot","tick":T,"world":W}; up to format 2 the seal's state hash is
        // sha256(W). From format 3 it hashes the state's bytes, which only the model can rebuild from
        // W: `refoldLog` checks the snapshot against the state it has checked against that seal.
        const prefix = `{"kind":"snapshot","tick":${tick},"world":`
        const hashesJson = header.formatVersion < STATE_BYTES_FORMAT
        if (
          !text.startsWith(prefix) ||
          !text.endsWith("}") ||
          (hashesJson && sha256(text.slice(prefix.length, -1)) !== state) ||
          // From format 3 the state is checked later, in the model pass: here at least the line must
          // be one record (a newline turned into \v, "*" or anything else joins the next line onto it).
          (!hashesJson && !isOneObject(text))
        ) {
          // Either the snapshot or its seal's state hash was altered: name the earlier of the two.
          fail("hash-mismatch", sealLine, tick, "the snapshot does not match the state hash sealed at its tick")
        }
        snapshots++
        snapshotDue = undefined
        sigDue = sigAfterSnapshot
        sigAfterSnapshot = undefined
        break
      }
      case "sig": {
        const rec = exactRecord<{ tick: number; hash: string; key: string; sig: string }>(text, n, (s) =>
          sigLine(s.tick, s.hash, s.key, s.sig),
        )
        if (sigDue === undefined)
          fail("out-of-order", n, rec.tick, "a signature where none is due (duplicated or moved?)")
        const due = sigDue!
        if (rec.tick !== due.tick || rec.hash !== due.hash) {
          fail("bad-signature", n, rec.tick, `the signature does not sign the chain at tick ${due.tick}`)
        }
        if (key !== undefined && rec.key !== key) fail("bad-signature", n, rec.tick, "the signing key changes mid-log")
        if (!checkSignature(rec.key, due.message, rec.sig)) {
          fail("bad-signature", n, rec.tick, `the signature does not verify with its key ${keyFingerprint(rec.key)}`)
        }
        key = rec.key
        signed = true
        signedThroughTick = rec.tick
        closed = due.ofEnd
        sigDue = undefined
        break
      }
      case "end": {
        const rec = exactRecord<EndRecord>(text, n, (e) =>
          JSON.stringify(
            e.message === undefined
              ? { kind: "end", tick: e.tick, reason: e.reason, hash: e.hash }
              : { kind: "end", tick: e.tick, reason: e.reason, message: e.message, hash: e.hash },
          ),
        )
        if (
          pending !== undefined ||
          rec.tick !== expectTick - 1 ||
          endHash(prev, rec.tick, rec.reason, rec.message) !== rec.hash
        ) {
          fail("hash-mismatch", n, rec.tick, "end record does not close the hash chain")
        }
        end = rec
        if (signable && signed !== false) {
          sigDue = { tick: rec.tick, hash: rec.hash, message: endMessage(rec.tick, rec.hash), ofEnd: true }
        } else closed = true
        break
      }
      default: {
        // Not a line the engine writes: parseRecord names what is wrong with it.
        parseRecord(text, n)
        fail("malformed", n, lineTick(text), "not in canonical form (edited by hand?)")
      }
    }
  }
  if (lines.torn !== undefined) {
    fail(
      "truncated",
      n + 1,
      expectTick,
      "the last line is torn (the run was interrupted mid-write); open it with the file store to repair",
    )
  }
  if (pending !== undefined) fail("truncated", pending.n, pending.tick, "the last tick has no seal")
  if (snapshotDue !== undefined) {
    fail("truncated", n, snapshotDue.tick, `the log stops before the snapshot of tick ${snapshotDue.tick}`)
  }
  if (sigDue !== undefined && signed === true) {
    fail(
      sigDue.ofEnd ? "bad-signature" : "truncated",
      n,
      sigDue.tick,
      sigDue.ofEnd ? "the end record is not signed" : `the log stops before the signature of tick ${sigDue.tick}`,
    )
  }
  const signer = signed === true ? { publicKey: key!, fingerprint: keyFingerprint(key!) } : undefined
  const lastTick = expectTick - 1
  if (end === undefined && !options.allowIncomplete) {
    fail(
      "incomplete",
      n + 1,
      lastTick,
      `no end record: the run stopped before it closed (it crashed, or is still running); ticks 0..${lastTick} are intact`,
    )
  }
  if (options.trust !== undefined) {
    if (signer === undefined && !options.allowUnsigned) {
      fail(
        "unsigned",
        1,
        undefined,
        header.formatVersion < 2
          ? `the log is of format ${header.formatVersion}, written before logs were signed: its chain proves only that its lines agree with each other`
          : "the log is not signed: its chain proves only that its lines agree with each other",
      )
    }
    if (signer !== undefined && !options.trust.includes(signer.fingerprint)) {
      fail("untrusted-signer", 1, undefined, `signed by ${signer.fingerprint}, which is not a trusted key`)
    }
  }
  return { header, ticks: expectTick, lastTick, snapshots, end, bytes, signer, signedThroughTick }
}
