import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { generateKeyPairSync } from "node:crypto"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { chainHash, checkpointMessage, endHash, endMessage, sha256, sigLine } from "./log.js"
import { readLogLines } from "./log-file.js"
import { checkSignature, loadOrCreateSigner, type LogSigner, signerFromKey, trustedFingerprint } from "./signing.js"
import { walkersModel } from "./testing/walkers.js"
import { verify } from "./verify.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-tamper-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const ours = signerFromKey(generateKeyPairSync("ed25519").privateKey)
const theirs = signerFromKey(generateKeyPairSync("ed25519").privateKey)
const trust = { trust: [ours.fingerprint] }

const signedLog = (ticks: number, k: number, signer: LogSigner | null = ours, seed = 5): string => {
  const sim = Simulation.create(
    walkersModel,
    { agents: 6, teleportProbability: 0.5 },
    { seed, stateHashEvery: k, snapshotEvery: k * 2, signer: signer ?? undefined, meta: { scenario: "walk" } },
  )
  let text = `${sim.headerLine}\n`
  for (let i = 0; i < ticks; i++) text += sim.step().text
  return text + sim.endLine("completed")
}

/**
 * What an attacker without our key can do to a header edit: rehash the header, recompute every seal
 * and the end record over the new chain, and either keep the old signatures or sign with their own key.
 */
const relabel = (text: string, patch: Record<string, unknown>, signer: LogSigner | undefined): string => {
  const lines = text.split("\n").slice(0, -1)
  const { hash: _h, ...body } = JSON.parse(lines[0])
  const next = { ...body, ...patch, meta: { ...body.meta, ...(patch.meta as object) } }
  let prev = sha256(JSON.stringify(next))
  const out = [JSON.stringify({ ...next, hash: prev })]
  let tickLine = ""
  let lastState = ""
  let endRec: { tick: number; hash: string } | undefined
  for (const line of lines.slice(1)) {
    const rec = JSON.parse(line)
    if (rec.kind === "tick") tickLine = line
    if (rec.kind === "seal") {
      prev = chainHash(prev, rec.tick, tickLine)
      lastState = rec.state
      out.push(JSON.stringify({ ...rec, hash: prev }))
    } else if (rec.kind === "end") {
      prev = endHash(prev, rec.tick, rec.reason, rec.message)
      endRec = { tick: rec.tick, hash: prev }
      out.push(JSON.stringify({ ...rec, hash: prev }))
    } else if (rec.kind === "sig") {
      if (signer === undefined) out.push(JSON.stringify({ ...rec, hash: prev }))
      else {
        const message = endRec ? endMessage(endRec.tick, endRec.hash) : checkpointMessage(rec.tick, prev, lastState)
        out.push(sigLine(rec.tick, prev, signer.publicKey, signer.sign(message)))
      }
    } else out.push(line)
  }
  return `${out.join("\n")}\n`
}

type Edit = (lines: string[], a: number, b: number, x: number) => string[]
const edits: Record<string, Edit> = {
  delete: (l, a) => l.filter((_, i) => i !== a),
  duplicate: (l, a) => [...l.slice(0, a + 1), l[a], ...l.slice(a + 1)],
  swap: (l, a, b) => l.map((s, i) => (i === a ? l[b] : i === b ? l[a] : s)),
  insertCopy: (l, a, b) => [...l.slice(0, a), l[b], ...l.slice(a)],
  insertForeign: (l, a, _b, x) => [...l.slice(0, a), `{"kind":"tick","tick":${x % 5}}`, ...l.slice(a)],
}

describe("signed logs under any single edit", () => {
  const logArb = fc.record({ ticks: fc.integer({ min: 1, max: 14 }), k: fc.integer({ min: 1, max: 4 }) })

  it("given an untouched signed log, verify names our key and exits clean", () => {
    const v = verify(walkersModel, signedLog(9, 2), trust)
    expect(v.ok && v.signer?.fingerprint).toBe(ours.fingerprint)
    expect(v.ok && v.signedThroughTick).toBe(8)
  })

  it("given a signature or key respelled in non-canonical base64 (same bytes), verify fails", () => {
    // The last base64 character before the padding carries bits the decoder ignores: setting them
    // keeps the decoded bytes, so only a canonical-spelling check catches the edit.
    const text = signedLog(2, 3)
    const respell = (field: "sig" | "key") =>
      text.replace(new RegExp(`"${field}":"([A-Za-z0-9+/]+)(=+)"`), (_m, body: string, pad: string) => {
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        const last = alphabet.indexOf(body[body.length - 1])
        return `"${field}":"${body.slice(0, -1)}${alphabet[last | 1]}${pad}"`
      })
    for (const field of ["sig", "key"] as const) {
      const edited = respell(field)
      expect(edited).not.toBe(text)
      expect(verify(walkersModel, edited, trust).ok, field).toBe(false)
    }
  })

  it("given any byte flipped anywhere, verify fails", () => {
    fc.assert(
      fc.property(logArb, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ ticks, k }, at, xor) => {
        const bytes = Buffer.from(signedLog(ticks, k))
        bytes[at % bytes.length] ^= xor
        expect(verify(walkersModel, bytes.toString("latin1"), trust).ok).toBe(false)
      }),
      { numRuns: 400 },
    )
  })

  it("given a line deleted, duplicated, swapped or inserted, verify fails", () => {
    fc.assert(
      fc.property(
        logArb,
        fc.constantFrom(...Object.keys(edits)),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        ({ ticks, k }, name, a, b, x) => {
          const lines = signedLog(ticks, k).split("\n").slice(0, -1)
          const i = a % lines.length
          const j = b % lines.length
          fc.pre(!(name === "swap" && lines[i] === lines[j]))
          const edited = edits[name](lines, i, j, x)
          expect(verify(walkersModel, `${edited.join("\n")}\n`, trust).ok).toBe(false)
        },
      ),
      { numRuns: 400 },
    )
  })

  it("given the log cut at any byte, verify fails (an incomplete log is not a verified one)", () => {
    fc.assert(
      fc.property(logArb, fc.nat(), ({ ticks, k }, at) => {
        const text = signedLog(ticks, k)
        const v = verify(walkersModel, text.slice(0, at % text.length), trust)
        expect(v.ok).toBe(false)
      }),
      { numRuns: 300 },
    )
  })

  it("given the scenario relabelled and the chain recomputed without our key, verify fails", () => {
    const text = signedLog(10, 3)
    const kept = relabel(text, { meta: { scenario: "fast-takeoff" } }, undefined)
    const resigned = relabel(text, { meta: { scenario: "fast-takeoff" } }, theirs)
    const stripped = kept
      .split("\n")
      .filter((l) => !l.startsWith('{"kind":"sig"'))
      .join("\n")
    const byKept = verify(walkersModel, kept, trust)
    const byResigned = verify(walkersModel, resigned, trust)
    const byStripped = verify(walkersModel, stripped, trust)
    expect(!byKept.ok && byKept.error.reason).toBe("bad-signature")
    expect(!byResigned.ok && byResigned.error.message).toContain(`signed by ${theirs.fingerprint}`)
    expect(!byStripped.ok && byStripped.error.reason).toBe("unsigned")
    // The recomputed chain itself holds: only the signature tells the relabelling apart.
    expect(verify(walkersModel, resigned).ok).toBe(true)
  })

  it("given a snapshot duplicated or moved to another checkpoint, verify fails", () => {
    const lines = signedLog(12, 2).split("\n").slice(0, -1)
    const snaps = lines.flatMap((l, i) => (l.startsWith('{"kind":"snapshot"') ? [i] : []))
    expect(snaps.length).toBeGreaterThan(1)
    const dup = [...lines.slice(0, snaps[0] + 1), lines[snaps[0]], ...lines.slice(snaps[0] + 1)]
    const moved = lines.map((l, i) => (i === snaps[1] ? lines[snaps[0]] : l))
    for (const edited of [dup, moved]) expect(verify(walkersModel, `${edited.join("\n")}\n`, trust).ok).toBe(false)
  })
})

describe("trust", () => {
  it("refuses an unsigned log and a foreign key unless told; reports who signed", () => {
    const unsigned = signedLog(5, 2, null)
    const foreign = signedLog(5, 2, theirs)
    const refused = verify(walkersModel, unsigned, trust)
    expect(!refused.ok && refused.error.reason).toBe("unsigned")
    expect(verify(walkersModel, unsigned, { ...trust, allowUnsigned: true }).ok).toBe(true)
    const untrusted = verify(walkersModel, foreign, trust)
    expect(!untrusted.ok && untrusted.error.reason).toBe("untrusted-signer")
    expect(verify(walkersModel, foreign, { trust: [theirs.fingerprint] }).ok).toBe(true)
  })

  it("refuses a log without its end record unless allowIncomplete, and says how far it is signed", () => {
    const text = signedLog(7, 2)
    const cut = text.slice(0, text.indexOf('{"kind":"end"'))
    const v = verify(walkersModel, cut, trust)
    expect(!v.ok && v.error.reason).toBe("incomplete")
    const allowed = verify(walkersModel, cut, { ...trust, allowIncomplete: true })
    expect(allowed.ok && [allowed.lastTick, allowed.signedThroughTick]).toEqual([6, 5])
  })

  it("creates the installation key once, private to its owner, and reads it back as the same signer", () => {
    const file = path.join(tmp, "keys", "signing-key.pem")
    const a = loadOrCreateSigner(file)
    const b = loadOrCreateSigner(file)
    expect(b.fingerprint).toBe(a.fingerprint)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(trustedFingerprint(file)).toBe(a.fingerprint)
    expect(trustedFingerprint(a.publicKey)).toBe(a.fingerprint)
    expect(checkSignature(a.publicKey, "m", a.sign("m"))).toBe(true)
    expect(checkSignature(a.publicKey, "n", a.sign("m"))).toBe(false)
    expect(() => trustedFingerprint("nope")).toThrow(/expected a fingerprint/)
  })

  it("verifies a file through readLogLines the same as its text", () => {
    const text = signedLog(9, 3)
    const file = path.join(tmp, "run.ndjson")
    fs.writeFileSync(file, text)
    expect(verify(walkersModel, readLogLines(file, 64), trust)).toEqual(verify(walkersModel, text, trust))
  })
})

describe("bounded parsing", () => {
  it("names a line nested 100k deep or longer than the limit instead of overflowing", () => {
    const text = signedLog(2, 1)
    const lines = text.split("\n")
    lines.splice(3, 0, `${"[".repeat(100_000)}${"]".repeat(100_000)}`)
    const v = verify(walkersModel, lines.join("\n"), trust)
    expect(!v.ok && [v.error.reason, v.error.line]).toEqual(["too-deep", 4])
    const deep = verify(walkersModel, `${lines[0]}\n${lines[3]}\n`, trust)
    expect(!deep.ok && [deep.error.reason, deep.error.line]).toEqual(["too-deep", 2])
    const file = path.join(tmp, "long.ndjson")
    fs.writeFileSync(file, `${lines[0]}\n${"x".repeat(5000)}`)
    const long = verify(walkersModel, readLogLines(file, 256, 1000), trust)
    expect(!long.ok && [long.error.reason, long.error.line]).toEqual(["too-large", 2])
  })
})
