import { createHash } from "node:crypto"
import { chainHash, MAX_JSON_DEPTH } from "./log.js"

/**
 * Tick lines as pieces (docs: README "Logging cost"): a tick line of 1M firms carries a 1.33 MB
 * base64 column, which `JSON.stringify` would escape and copy and `chainHash` would copy again as
 * UTF-8. `linePieces` builds the same text as pieces, keeping long verbatim strings whole, and
 * `chainHashPieces` hashes the pieces; same bytes and hashes as `JSON.stringify` and `chainHash`
 * (property test in log.test.ts).
 */

/** A line's text and the pieces it was joined from (see `linePieces`). */
export interface LinePieces {
  readonly line: string
  readonly pieces: ReadonlyArray<string>
  /** Whether every piece is ASCII. */
  readonly ascii: boolean
}

/**
 * chainHash of a line given as pieces: hashed piece by piece as latin1 when they are all ASCII
 * (then those are the line's UTF-8 bytes), so neither the line nor its UTF-8 is built as a copy,
 * which cost four times the hash on the 1.34 MB tick line of 1M firms.
 */
export const chainHashPieces = (prevHash: string, tick: number, text: LinePieces): string => {
  if (!text.ascii) return chainHash(prevHash, tick, text.line)
  const h = createHash("sha256").update(prevHash).update(`\n${tick}\n`)
  for (const p of text.pieces) h.update(p, "latin1")
  return h.digest("hex")
}

/** Any character outside ASCII (a surrogate is one too). */
const NON_ASCII = /[\u0080-\uffff]/
/** Strings this long are checked once and kept whole rather than copied by JSON.stringify. */
const LONG_STRING = 1024
/** A string JSON.stringify writes unchanged between quotes, and in ASCII: printable, no quote or backslash. */
const VERBATIM = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/

const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol"
const plainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v)
  return (proto === Object.prototype || proto === null) && !("toJSON" in v)
}

/**
 * Whether `v` is plain JSON data (arrays, objects of Object's or no prototype without toJSON, and
 * scalars) holding a string of LONG_STRING characters or more; false for anything else.
 */
const holdsLongString = (v: unknown, depth = 0): boolean => {
  if (typeof v === "string") return v.length >= LONG_STRING
  if (typeof v !== "object" || v === null || depth > MAX_JSON_DEPTH) return false
  if (!Array.isArray(v) && !plainObject(v)) return false
  let long = false
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    if (typeof x === "object" && x !== null && !Array.isArray(x) && !plainObject(x)) return false
    if (holdsLongString(x, depth + 1)) long = true
  }
  return long
}

/** Appends the JSON of `v` to `out`: small text to `small`, a long verbatim string as a piece of its own. */
const appendJson = (v: unknown, out: string[], small: string[]): void => {
  if (typeof v === "string" && v.length >= LONG_STRING && VERBATIM.test(v)) {
    small.push('"')
    out.push(small.join(""), v)
    small.length = 0
    small.push('"')
  } else if (typeof v !== "object" || v === null || !holdsLongString(v)) small.push(JSON.stringify(v))
  else if (Array.isArray(v)) {
    small.push("[")
    v.forEach((x, i) => {
      if (i > 0) small.push(",")
      if (omitted(x)) small.push("null")
      else appendJson(x, out, small)
    })
    small.push("]")
  } else {
    small.push("{")
    let first = true
    for (const [k, x] of Object.entries(v)) {
      if (omitted(x)) continue
      small.push(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`)
      first = false
      appendJson(x, out, small)
    }
    small.push("}")
  }
}

/**
 * JSON.stringify(value) as pieces whose concatenation is its text, for the records the engine writes:
 * each long verbatim ASCII string (a column's base64: 1.33 MB a tick at 1M firms) is a piece of its
 * own, checked with one pattern instead of being copied and escaped by JSON.stringify, and `line`
 * joins the pieces without copying them. Anything else (no long string, a toJSON, a class instance)
 * is JSON.stringify's text in one piece.
 *
 * @example
 * linePieces({ kind: "tick", tick, rng, events }).line === JSON.stringify({ kind: "tick", tick, rng, events })
 */
export const linePieces = (value: unknown): LinePieces => {
  if (!holdsLongString(value)) {
    const line = JSON.stringify(value)
    return { line, pieces: [line], ascii: !NON_ASCII.test(line) }
  }
  const pieces: string[] = []
  const small: string[] = []
  appendJson(value, pieces, small)
  pieces.push(small.join(""))
  let line = ""
  // The long pieces (odd places) passed VERBATIM, which is ASCII; the JSON between them is tested.
  let ascii = true
  for (let i = 0; i < pieces.length; i++) {
    line += pieces[i]
    if (i % 2 === 0 && ascii) ascii = !NON_ASCII.test(pieces[i])
  }
  return { line, pieces, ascii }
}
