import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaIssue from "effect/SchemaIssue"
import { Rng, type RngState } from "./rng.js"

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

/** Whether this host stores a uint32's low byte first (then four bytes are one draw's bytes in place). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/**
 * Fills `out` with uniform random bytes centred on 0 (int8 on [-128, 127]) from `rng`: one 32-bit
 * draw serves four values, its bytes low first, each byte minus 128; the last `length mod 4` values
 * take a draw each (its low byte). The procedure is part of the log format (see `Column.drawnI8`).
 */
const fillCentredBytes = (rng: Rng, out: Int8Array): void => {
  const n = out.length
  const whole = n - (n % 4)
  if (LITTLE_ENDIAN && out.byteOffset % 4 === 0) {
    // Draws written straight into the bytes; byte - 128 as an int8 is the byte with its top bit flipped.
    const words = new Uint32Array(out.buffer, out.byteOffset, whole / 4)
    rng.fillU32(words)
    for (let i = 0; i < words.length; i++) words[i] ^= 0x80808080
  } else
    for (let i = 0; i < whole; i += 4) {
      const u = rng.nextU32()
      out[i] = (u & 255) - 128
      out[i + 1] = ((u >>> 8) & 255) - 128
      out[i + 2] = ((u >>> 16) & 255) - 128
      out[i + 3] = (u >>> 24) - 128
    }
  for (let i = whole; i < n; i++) out[i] = (rng.nextU32() & 255) - 128
}

/** The generator state each drawn column was drawn from (see `drawCentredBytes`). */
const drawnFrom = new WeakMap<Int8Array, RngState>()

/**
 * Most values drawn columns may redraw while one log line is decoded: 2^27 (134 MB; the economy
 * allows 10^7 firms, one byte each). A drawn form is a few dozen characters, so without a bound a
 * hand-made line of many of them would ask for unbounded memory instead of being refused.
 */
export const MAX_DRAWN_PER_LINE = 2 ** 27

/** What drawn columns may still redraw in the line being decoded; undefined outside one (see `withDrawBudget`). */
let drawBudget: number | undefined

/**
 * Runs `decode` (the decoding of one log line's events) with a fresh budget of MAX_DRAWN_PER_LINE
 * values for its drawn columns; outside it each drawn column gets that budget alone.
 *
 * @example
 * const events = withDrawBudget(() => rec.events.map((e) => catalogue.decode(e)))
 */
export const withDrawBudget = <T>(decode: () => T): T => {
  const saved = drawBudget
  drawBudget = MAX_DRAWN_PER_LINE
  try {
    return decode()
  } finally {
    drawBudget = saved
  }
}

/**
 * Fills `out` with uniform random bytes centred on 0 from `rng` (see `fillCentredBytes`) and
 * remembers the generator state they were drawn from, so a `Column.drawnI8` field holding `out`
 * is logged as that state and the count (a few dozen bytes) instead of the bytes (4/3 of `n` as
 * base64: 1.33 MB a month for 1M firms). `out` must not be written afterwards.
 *
 * @example
 * const shock = drawCentredBytes(rng, new Int8Array(nFirms)) // then FirmsStepped.make({ shock, ... })
 */
export const drawCentredBytes = <A extends Int8Array>(rng: Rng, out: A): A => {
  drawnFrom.set(out, rng.state)
  fillCentredBytes(rng, out)
  return out
}

const U32_MAX = 0xffffffff
const isU32 = (u: unknown): u is number => typeof u === "number" && Number.isInteger(u) && u >= 0 && u <= U32_MAX

/** The logged form of a drawn column: the sfc32 state it was drawn from and how many values. */
export interface DrawnForm {
  readonly sfc32: RngState
  readonly n: number
}

const DRAWN_EXPECTED = `expected base64 of Int8Array bytes, or {sfc32: [4 integers in 0..${U32_MAX}], n: an integer in 0..${MAX_DRAWN_PER_LINE}}`

/** Redraws a logged drawn column, or says why its form is not one. */
const redraw = (u: unknown): Int8Array | string => {
  if (typeof u !== "object" || u === null) return DRAWN_EXPECTED
  const { sfc32, n } = u as { sfc32?: unknown; n?: unknown }
  if (!Array.isArray(sfc32) || sfc32.length !== 4 || !sfc32.every(isU32)) return `sfc32: ${DRAWN_EXPECTED}`
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_DRAWN_PER_LINE) return `n: ${DRAWN_EXPECTED}`
  if (drawBudget !== undefined) {
    if (n > drawBudget)
      return `n: ${n} more values would take this line's drawn columns over ${MAX_DRAWN_PER_LINE} (${MAX_DRAWN_PER_LINE - drawBudget} drawn already)`
    drawBudget -= n
  }
  return drawCentredBytes(Rng.fromState(sfc32 as unknown as RngState), new Int8Array(n))
}

/**
 * An Int8Array column of uniform random bytes centred on 0. A column made by `drawCentredBytes` is
 * logged as `{sfc32, n}` (the generator state it was drawn from and the count; decoding redraws
 * the same bytes with `fillCentredBytes`); any other Int8Array as base64 like `Column.i8`, which
 * also decodes, so events logged with an explicit column still replay.
 */
const drawnI8 = Schema.Union([Schema.String, Schema.Struct({ sfc32: Schema.Unknown, n: Schema.Unknown })]).pipe(
  Schema.decodeTo(
    Schema.declare<Int8Array>((u): u is Int8Array => u instanceof Int8Array, { expected: "Int8Array" }),
    {
      decode: SchemaGetter.transformEffect((e: string | { readonly sfc32: unknown; readonly n: unknown }, options) => {
        const r = typeof e === "string" ? decodeCanonical(Int8Array, e) : redraw(e)
        return typeof r === "string"
          ? Effect.fail(new SchemaIssue.InvalidValue({ message: r }, e, options))
          : Effect.succeed(r)
      }),
      encode: SchemaGetter.transform((a: Int8Array): string | DrawnForm => {
        const from = drawnFrom.get(a)
        return from === undefined ? toBase64(a) : { sfc32: from, n: a.length }
      }),
    },
  ),
)

export const Column = {
  f64: column("Float64Array", Float64Array),
  f32: column("Float32Array", Float32Array),
  i32: column("Int32Array", Int32Array),
  u32: column("Uint32Array", Uint32Array),
  i8: column("Int8Array", Int8Array),
  u8: column("Uint8Array", Uint8Array),
  /** Random bytes from `drawCentredBytes`, logged as the generator state they came from. */
  drawnI8,
} as const

/**
 * `column` that must hold exactly `n` values (one per sector, occupation, decile, supplier...):
 * a logged event whose column has another length is refused at its line, naming the field,
 * instead of being folded into the state. Checked when encoding too, so a model that writes the
 * wrong length fails its own run at once.
 *
 * @example
 * Schema.Struct({ wage: sized(Column.f64, K) }) // one wage per occupation
 */
export const sized = <S extends Schema.Top>(column: S, n: number): S =>
  (column as unknown as { check: (f: unknown) => S }).check(
    Schema.makeFilter((a: ArrayLike<number>) => a.length === n || `expected ${n} values, got ${a.length}`),
  )

export const columnToBase64 = toBase64
export const columnFromBase64 = fromBase64
