import { createHash } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { chainHashPieces, linePieces } from "./log-pieces.js"
import { chainHash, sha256 } from "./log.js"

describe("hashing", () => {
  it("hashes a string's UTF-8 bytes, exactly as hashing the string itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.nat(), (s, tick) => {
        expect(sha256(s)).toBe(createHash("sha256").update(s).digest("hex"))
        const prev = sha256("prev")
        expect(chainHash(prev, tick, s)).toBe(
          createHash("sha256").update(prev).update(`\n${tick}\n`).update(s).digest("hex"),
        )
      }),
      { numRuns: 200 },
    )
    expect(sha256("Zürich → 東京 🚀 \ud800")).toBe(createHash("sha256").update("Zürich → 東京 🚀 \ud800").digest("hex"))
  })
})

describe("linePieces", () => {
  const long = (body: string) => body.repeat(Math.ceil(1100 / Math.max(1, body.length)))
  it("writes what JSON.stringify writes, long strings with and without characters to escape included", () => {
    const longString = fc.oneof(
      fc.constantFrom("QUJD+/==", 'a"b', "a\\b", "tab\t", "nul\u0000", "\ud800", "é€😀", "\u007f").map(long),
      fc.string({ minLength: 1024, maxLength: 1200 }),
    )
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 2 }),
        longString,
        fc.constantFrom(undefined, Number.NaN, -0, Number.POSITIVE_INFINITY),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 4 }),
      ),
    })).node
    fc.assert(
      fc.property(value, fc.nat(), (v, tick) => {
        const text = JSON.stringify(v)
        if (text === undefined) return
        const split = linePieces(v)
        expect(split.line).toBe(text)
        expect(split.pieces.join("")).toBe(text)
        expect(chainHashPieces(sha256("prev"), tick, split)).toBe(chainHash(sha256("prev"), tick, text))
      }),
      { numRuns: 60 },
    )
  })

  it("leaves toJSON and class instances to JSON.stringify, with their keys", () => {
    const big = long("AB")
    const cases = [
      { at: new Date(0), s: big },
      { w: { toJSON: (k: string) => `key ${k}` }, s: big },
      [new Uint8Array(3), big],
      { n: new Number(3), s: big },
      { nested: { deep: { toJSON: (k: string) => k }, s: big }, s: big },
    ]
    for (const c of cases) expect(linePieces(c).line).toBe(JSON.stringify(c))
    // A long base64 string is a piece of its own; the line is the pieces joined.
    const { pieces } = linePieces({ kind: "tick", events: [{ data: { shock: big, n: 1 } }] })
    expect(pieces).toEqual(['{"kind":"tick","events":[{"data":{"shock":"', big, '","n":1}}]}'])
  })
})
