/**
 * Zeroed typed arrays for the columns of events, cut from shared chunks. V8 keeps a typed array of
 * up to 64 bytes on the heap; a larger one gets its own off-heap buffer, which costs ~0.4 us to
 * allocate and collect (a dozen a month were ~4% of a sweep run), while a view into a chunk costs
 * ~20 ns. A chunk is handed out once and never reused, so every array is still a fresh value that
 * no other array overlaps, and events stay immutable values. Arrays of more than a quarter of a
 * chunk (a large model's per-firm columns) get their own buffer. The log encodes a column from its
 * byteOffset and byteLength, so its bytes are the same either way.
 */

const CHUNK_BYTES = 16384
let chunk = new ArrayBuffer(CHUNK_BYTES)
let used = 0

/** `bytes` of zeroes at an 8-byte aligned offset: in the current chunk, a new one, or alone. */
const take = (bytes: number): { readonly buffer: ArrayBuffer; readonly offset: number } => {
  const aligned = (bytes + 7) & ~7
  if (aligned > CHUNK_BYTES / 4) return { buffer: new ArrayBuffer(bytes), offset: 0 }
  if (used + aligned > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES)
    used = 0
  }
  const offset = used
  used += aligned
  return { buffer: chunk, offset }
}

/**
 * A zeroed Float64Array of `n` values for an event's column.
 *
 * @example
 * const units = freshF64(p.gens.length) // all 0, as new Float64Array(p.gens.length)
 */
export const freshF64 = (n: number): Float64Array<ArrayBuffer> => {
  const { buffer, offset } = take(n * 8)
  return new Float64Array(buffer, offset, n)
}

/**
 * A copy of `a` for an event's column (as `a.slice()`).
 *
 * @example
 * const allocL = copyF64(st.allocL)
 */
export const copyF64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
  const out = freshF64(a.length)
  out.set(a)
  return out
}

/**
 * A zeroed Int8Array of `n` values for an event's column, its byteOffset a multiple of 8.
 *
 * @example
 * const shock = freshI8(st.p.nFirms)
 */
export const freshI8 = (n: number): Int8Array<ArrayBuffer> => {
  const { buffer, offset } = take(n)
  return new Int8Array(buffer, offset, n)
}
