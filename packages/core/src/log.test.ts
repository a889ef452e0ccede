import { createHash } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
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
