import { createHash, type Hash } from "node:crypto"
import { endianness } from "node:os"
import { worldHash } from "./log.js"
import type { Model } from "./model.js"
import type { RngState } from "./rng.js"

/**
 * The state as seals hash it (log format 3): named typed-array columns and scalars, e.g.
 * `{ pos: Int32Array, teleports: 3 }`. Names are hashed in sorted order, so the order a model
 * builds the object in does not matter.
 */
export type StateColumns = Readonly<Record<string, ArrayBufferView | number | string | boolean | null>>

/** Type tags of the canonical encoding; a column's tag names its element type. */
const TAG = {
  Float64Array: 1,
  Float32Array: 2,
  Int32Array: 3,
  Uint32Array: 4,
  Int16Array: 5,
  Uint16Array: 6,
  Int8Array: 7,
  Uint8Array: 8,
  Uint8ClampedArray: 9,
  BigInt64Array: 10,
  BigUint64Array: 11,
  number: 20,
  string: 21,
  true: 22,
  false: 23,
  null: 24,
} as const

/** The first log format whose seals hash the state's bytes. */
export const STATE_BYTES_FORMAT = 3

const DOMAIN = Buffer.from("takeoff-state/3\n", "latin1")
const LITTLE_ENDIAN = endianness() === "LE"

/** Bytes of a typed array, little-endian (a copy, swapped, only on a big-endian host). */
const littleEndianBytes = (a: ArrayBufferView, width: number): Uint8Array => {
  const view = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  if (LITTLE_ENDIAN || width === 1) return view
  const copy = Buffer.from(view)
  if (width === 2) copy.swap16()
  else if (width === 4) copy.swap32()
  else copy.swap64()
  return copy
}

const u32 = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(4)
  b.writeUInt32LE(n)
  return b
}

const f64 = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(8)
  b.writeDoubleLE(n)
  return b
}

const updateText = (h: Hash, s: string) => {
  const bytes = Buffer.from(s, "utf8")
  h.update(u32(bytes.length)).update(bytes)
}

/**
 * sha256 over the canonical bytes of the world after a tick: a domain prefix, the tick (float64)
 * and the four RNG words (uint32), then every column by sorted name: name (uint32 byte length,
 * UTF-8), type tag (one byte), and for a typed array its element count (uint32) and its bytes
 * little-endian; for a number its float64, for a string its UTF-8 with its length. All integers
 * little-endian. The columns are hashed where they lie (incremental updates, no string built),
 * which took the state hash from most of a logged 1M-firm tick to a fraction of it.
 *
 * @example
 * worldBytesHash(11, rng.state, { pos: new Int32Array([1, -2]), teleports: 3 })
 */
export const worldBytesHash = (tick: number, rng: RngState, columns: StateColumns): string => {
  const h = createHash("sha256").update(DOMAIN).update(f64(tick))
  const words = Buffer.allocUnsafe(16)
  for (let i = 0; i < 4; i++) words.writeUInt32LE(rng[i] >>> 0, i * 4)
  h.update(words)
  for (const name of Object.keys(columns).sort()) {
    updateText(h, name)
    const v = columns[name]
    if (ArrayBuffer.isView(v)) {
      const type = v.constructor.name as keyof typeof TAG
      const tag = TAG[type]
      if (tag === undefined || v instanceof DataView) {
        throw new TypeError(`state column ${name}: ${type} is not a typed array the state hash knows`)
      }
      const width = (v as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT
      h.update(Buffer.of(tag))
        .update(u32(v.byteLength / width))
        .update(littleEndianBytes(v, width))
    } else if (typeof v === "number") h.update(Buffer.of(TAG.number)).update(f64(v))
    else if (typeof v === "string") {
      h.update(Buffer.of(TAG.string))
      updateText(h, v)
    } else if (v === true) h.update(Buffer.of(TAG.true))
    else if (v === false) h.update(Buffer.of(TAG.false))
    else if (v === null) h.update(Buffer.of(TAG.null))
    else throw new TypeError(`state column ${name}: expected a typed array or a scalar, got ${typeof v}`)
  }
  return h.digest("hex")
}

/**
 * The state hash the seals of a log of `formatVersion` hold for a world: over the columns' bytes
 * from format 3, over the JSON of the encoded world (`worldHash`) in formats 1 and 2, so older logs
 * still verify.
 */
export const sealedStateHash = <S>(
  formatVersion: number,
  model: Pick<Model<S, any, any>, "encodeState" | "stateColumns">,
  tick: number,
  rng: RngState,
  state: S,
): string =>
  formatVersion >= STATE_BYTES_FORMAT
    ? worldBytesHash(tick, rng, model.stateColumns(state))
    : worldHash({ tick, rng, state: model.encodeState(state) })
