import { generateKeyPairSync } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Simulation } from "./engine.js"
import { LogError } from "./errors.js"
import { replay } from "./replay.js"
import { resimulate } from "./resimulate.js"
import { signerFromKey } from "./signing.js"
import { truncateToSealed } from "./log-reader.js"
import { walkersModel } from "./testing/walkers.js"
import { verify } from "./verify.js"

/**
 * Log files from an attacker: whatever the bytes, every reader either reads them or throws a
 * LogError naming a line; `verify` never throws at all. 4,000 generated logs in all.
 */
const signer = signerFromKey(generateKeyPairSync("ed25519").privateKey)
const sim = Simulation.create(
  walkersModel,
  { agents: 4, teleportProbability: 0.5 },
  { seed: 1, stateHashEvery: 2, snapshotEvery: 4, signer },
)
let good = `${sim.headerLine}\n`
for (let i = 0; i < 9; i++) good += sim.step().text
good += sim.endLine("completed")
const goodLines = good.split("\n").slice(0, -1)

const KINDS = ["header", "tick", "seal", "snapshot", "end", "sig"]
/** Lines that look like ours from their prefix, with anything after it. */
const lookalike = fc
  .tuple(fc.constantFrom(...KINDS), fc.oneof(fc.integer({ min: -2, max: 12 }), fc.string()), fc.json())
  .map(
    ([kind, tick, rest]) =>
      `{"kind":"${kind}","tick":${typeof tick === "number" ? tick : JSON.stringify(tick)},${rest.slice(1)}`,
  )
const deep = fc
  .tuple(fc.oneof(fc.integer({ min: 60, max: 500 }), fc.constant(100_000)), fc.constantFrom("[", '{"a":'))
  .map(([n, open]) => `${open.repeat(n)}1${(open === "[" ? "]" : "}").repeat(n)}`)
const anyLine = fc.oneof(
  fc.constantFrom(...goodLines),
  lookalike,
  deep,
  fc.json(),
  fc.string({ unit: "binary", maxLength: 200 }),
)

const logs: fc.Arbitrary<string> = fc.oneof(
  // A good log with a few lines replaced, inserted or dropped.
  fc
    .array(fc.tuple(fc.nat(), anyLine, fc.constantFrom("replace", "insert", "drop")), { minLength: 1, maxLength: 4 })
    .map((edits) => {
      const lines = [...goodLines]
      for (const [at, line, op] of edits) {
        const i = at % lines.length
        if (op === "replace") lines[i] = line
        else if (op === "insert") lines.splice(i, 0, line)
        else if (lines.length > 1) lines.splice(i, 1)
      }
      return `${lines.join("\n")}\n`
    }),
  // The good header and then anything.
  fc.array(anyLine, { maxLength: 8 }).map((rest) => `${[goodLines[0], ...rest].join("\n")}\n`),
  // Anything at all, torn or not.
  fc.array(anyLine, { maxLength: 6 }).map((l) => l.join("\n")),
  fc.string({ unit: "binary", maxLength: 2000 }),
)

const named = (e: unknown) => {
  expect(e, String(e)).toBeInstanceOf(LogError)
  expect((e as LogError).line).toBeGreaterThanOrEqual(1)
}

describe("fuzzing the log readers", () => {
  it("verify never throws and names a line for 2,000 generated logs", () => {
    fc.assert(
      fc.property(logs, (text) => {
        const v = verify(walkersModel, text, { trust: [signer.fingerprint] })
        if (!v.ok) named(v.error)
        const anyTrust = verify(walkersModel, text, { allowIncomplete: true })
        if (!anyTrust.ok) named(anyTrust.error)
      }),
      { numRuns: 2000 },
    )
  })

  it("replay, resimulate and repair read or refuse by name 2,000 generated logs", () => {
    fc.assert(
      fc.property(logs, (text) => {
        for (const read of [() => replay(walkersModel, text), () => resimulate(walkersModel, text)]) {
          try {
            read()
          } catch (e) {
            named(e)
          }
        }
        const { kept } = truncateToSealed(text)
        expect(text.startsWith(kept)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})
