import * as Schema from "effect/Schema"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Column, columnToBase64 } from "./columns.js"

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
