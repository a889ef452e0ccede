import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaIssue from "effect/SchemaIssue"

/**
 * Typed-array columns for vector events (one event with a column for 10k firms instead of 10k
 * events). Encoded in the log as base64 of the little-endian bytes: compact, fast to hash and
 * exact for floats (no decimal round trip).
 */
type TypedArrayCtor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T
  new (length: number): T
  readonly BYTES_PER_ELEMENT: number
  readonly name: string
}

const toBase64 = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64")

const fromBase64 = <T>(ctor: TypedArrayCtor<T>, s: string): T => {
  const buf = Buffer.from(s, "base64")
  // Copy into a fresh, aligned buffer: Buffer pool slices are not aligned for 8-byte views.
  const out = new ctor(buf.byteLength / ctor.BYTES_PER_ELEMENT)
  new Uint8Array((out as unknown as ArrayBufferView).buffer).set(buf)
  return out
}

/**
 * Decodes canonical base64 straight into a fresh, aligned typed array, or returns why it cannot.
 * Canonical means the form `toBase64` writes, so a decoded column re-encodes to the same bytes:
 * standard alphabet, padded to a multiple of 4, no whitespace, zero bits after the last byte.
 * Checked without re-encoding the column (that doubled the cost of replay): Node's decoder skips
 * characters outside the alphabet and stops at "=", so any such character shows up as fewer bytes
 * written than the length promises; only the URL-safe "-" and "_", which it accepts, and the
 * last group's spare bits need their own look.
 */
const decodeCanonical = <T>(ctor: TypedArrayCtor<T>, s: string): T | string => {
  const expected = `expected base64 of ${ctor.name} bytes`
  if (s.length % 4 !== 0) return expected
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0
  const bytes = (s.length / 4) * 3 - pad
  if (bytes % ctor.BYTES_PER_ELEMENT !== 0) return expected
  if (s.indexOf("-") >= 0 || s.indexOf("_") >= 0) return expected
  if (pad > 0) {
    const last = s.slice(-4)
    if (Buffer.from(last, "base64").toString("base64") !== last) return expected
  }
  const out = new ctor(bytes / ctor.BYTES_PER_ELEMENT)
  const view = out as unknown as ArrayBufferView
  const written = Buffer.from(view.buffer, view.byteOffset, view.byteLength).write(s, "base64")
  return written === bytes ? out : expected
}

const column = <T extends ArrayBufferView>(name: string, ctor: TypedArrayCtor<T>) => {
  const is = (u: unknown): u is T => u instanceof (ctor as unknown as new () => T)
  return Schema.String.pipe(
    Schema.decodeTo(Schema.declare<T>(is, { expected: name }), {
      decode: SchemaGetter.transformEffect((s: string, options) => {
        const r = decodeCanonical(ctor, s)
        return typeof r === "string"
          ? Effect.fail(new SchemaIssue.InvalidValue({ message: r }, s, options))
          : Effect.succeed(r)
      }),
      encode: SchemaGetter.transform((a: T) => toBase64(a)),
    }),
  )
}

export const Column = {
  f64: column("Float64Array", Float64Array),
  f32: column("Float32Array", Float32Array),
  i32: column("Int32Array", Int32Array),
  u32: column("Uint32Array", Uint32Array),
  i8: column("Int8Array", Int8Array),
  u8: column("Uint8Array", Uint8Array),
} as const

export const columnToBase64 = toBase64
export const columnFromBase64 = fromBase64
