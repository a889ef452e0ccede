import * as Schema from "effect/Schema"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Column, columnToBase64, drawCentredBytes } from "./columns.js"
import { Rng } from "./rng.js"

const decode = <S extends Schema.Codec<any, any, never, never>>(schema: S, s: unknown) =>
  Schema.decodeUnknownExit(schema)(s)
const encode = <S extends Schema.Codec<any, any, never, never>>(schema: S, a: unknown) =>
  Schema.encodeSync(schema)(a as S["Type"])

describe("typed-array columns", () => {
  it("given any column, encode then decode gives the same values, in a fresh aligned array", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 64 }), fc.array(fc.integer(), { maxLength: 64 }), (ds, is) => {
        const f64 = Float64Array.from(ds)
        const back = decode(Column.f64, encode(Column.f64, f64))
        expect(back._tag).toBe("Success")
        const arr = (back as { value: Float64Array }).value
        expect(arr).toBeInstanceOf(Float64Array)
        expect(arr.byteOffset % 8).toBe(0)
        expect(Buffer.from(arr.buffer).equals(Buffer.from(f64.buffer))).toBe(true)
        const i32 = Int32Array.from(is)
        expect((decode(Column.i32, encode(Column.i32, i32)) as { value: Int32Array }).value).toEqual(i32)
        const i8 = Int8Array.from(is.map((x) => x % 128))
        expect((decode(Column.i8, encode(Column.i8, i8)) as { value: Int8Array }).value).toEqual(i8)
      }),
      { numRuns: 100 },
    )
  })

  it("given an empty column, it round-trips as the empty string", () => {
    expect(encode(Column.u8, new Uint8Array(0))).toBe("")
    expect((decode(Column.u8, "") as { value: Uint8Array }).value).toEqual(new Uint8Array(0))
  })

  it("refuses every string that is not the canonical base64 the log writes", () => {
    const good = columnToBase64(Int32Array.from([1, -2, 3])) // 12 bytes: "AQAAAP7///8DAAAA"
    expect(decode(Column.i32, good)._tag).toBe("Success")
    const bad: Array<[string, string]> = [
      [good.slice(0, -1), "length not a multiple of 4"],
      [`${good.slice(0, 4)} ${good.slice(5)}`, "whitespace"],
      [`${good.slice(0, 4)}!${good.slice(5)}`, "a character outside the alphabet"],
      [good.replace("/", "_"), "the URL-safe alphabet"],
      [`${good.slice(0, 4)}=${good.slice(5)}`, "padding in the middle"],
      [columnToBase64(Uint8Array.from([1, 2, 3, 4, 5, 6])), "a whole number of bytes but not of int32s"],
      ["AAB=", "non-zero bits after the last byte"],
      ["AAAAAAA=", "five bytes: not a whole number of int32s"],
    ]
    for (const [s, why] of bad) {
      const r = decode(Column.i32, s)
      expect(r._tag, `${why}: ${s}`).toBe("Failure")
      expect(String(r), why).toMatch(/expected base64 of Int32Array bytes/)
    }
    expect(decode(Column.u8, "AAB=")._tag).toBe("Failure")
    expect(decode(Column.u8, "AAA=")._tag).toBe("Success")
    expect(decode(Column.i32, 42)._tag).toBe("Failure")
  })
})

describe("drawn byte columns (Column.drawnI8)", () => {
  /** The documented procedure, one draw at a time: four bytes a draw, low first, minus 128; a draw each for the tail. */
  const reference = (state: readonly [number, number, number, number], n: number): Int8Array => {
    const rng = Rng.fromState(state)
    const out = new Int8Array(n)
    const whole = n - (n % 4)
    for (let i = 0; i < whole; i += 4) {
      const u = rng.nextU32()
      for (let b = 0; b < 4; b++) out[i + b] = ((u >>> (8 * b)) & 255) - 128
    }
    for (let i = whole; i < n; i++) out[i] = (rng.nextU32() & 255) - 128
    return out
  }
  const u32 = fc.integer({ min: 0, max: 0xffffffff })
  const state = fc.tuple(u32, u32, u32, u32)

  it("given any state and count, draws the documented bytes, logs {sfc32, n} and decodes to the same bytes", () => {
    fc.assert(
      fc.property(state, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 7 }), (s, n, offset) => {
        // Given a column drawn at any byte offset (the fast path needs a 4-byte-aligned one)
        const rng = Rng.fromState(s)
        const col = drawCentredBytes(rng, new Int8Array(new ArrayBuffer(n + offset), offset, n))
        // Then it holds the reference bytes and the generator moved past them
        expect([...col]).toEqual([...reference(s, n)])
        const after = Rng.fromState(s)
        for (let i = 0; i < Math.floor(n / 4) + (n % 4); i++) after.nextU32()
        expect(rng.state).toEqual(after.state)
        // And it is logged as the state it came from, which decodes to the same bytes and re-encodes the same way
        const logged = encode(Column.drawnI8, col)
        expect(logged).toEqual({ sfc32: s, n })
        const back = decode(Column.drawnI8, JSON.parse(JSON.stringify(logged)))
        expect(back._tag).toBe("Success")
        const arr = (back as { value: Int8Array }).value
        expect([...arr]).toEqual([...col])
        expect(encode(Column.drawnI8, arr)).toEqual(logged)
      }),
    )
  })

  it("given a column not drawn by drawCentredBytes, logs it as base64, and reads both forms", () => {
    // Given an Int8Array made by hand
    const hand = Int8Array.from([1, -2, 3, -128, 127])
    // When encoded it is the same base64 Column.i8 writes (FirmsStepped v1's form), which decodes
    const logged = encode(Column.drawnI8, hand)
    expect(logged).toBe(columnToBase64(hand))
    const back = decode(Column.drawnI8, logged)
    expect(back._tag).toBe("Success")
    expect([...(back as { value: Int8Array }).value]).toEqual([...hand])
  })

  it("given a malformed drawn form, refuses it naming the field and what was expected", () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ sfc32: [1, 2, 3], n: 4 }, /sfc32: expected .*\{sfc32: \[4 integers/],
      [{ sfc32: [1, 2, 3, -1], n: 4 }, /sfc32: expected/],
      [{ sfc32: [1, 2, 3, 2 ** 32], n: 4 }, /sfc32: expected/],
      [{ sfc32: [1, 2, 3, 0.5], n: 4 }, /sfc32: expected/],
      [{ sfc32: "1,2,3,4", n: 4 }, /sfc32: expected/],
      [{ sfc32: [1, 2, 3, 4], n: -1 }, /n: expected .*n: an integer in 0\.\.134217728/],
      [{ sfc32: [1, 2, 3, 4], n: 1.5 }, /n: expected/],
      [{ sfc32: [1, 2, 3, 4], n: 2 ** 40 }, /n: expected/],
      [{ sfc32: [1, 2, 3, 4] }, /Missing key[\s\S]*"n"/],
      ["AAB=", /expected base64 of Int8Array bytes/],
    ]
    for (const [form, why] of bad) {
      const r = decode(Column.drawnI8, form)
      expect(r._tag, JSON.stringify(form)).toBe("Failure")
      expect(String(r), JSON.stringify(form)).toMatch(why)
    }
    expect(decode(Column.drawnI8, 42)._tag).toBe("Failure")
  })
})
