/**
 * sfc32: a small, fast, seedable PRNG (Chris Doty-Humphrey's Small Fast Counting generator).
 * Its whole state is four uint32 words, which belong to the world state and are saved in every
 * snapshot and recorded after each tick's decide phase, so a replay never needs to draw.
 *
 * @example
 * const rng = Rng.fromSeed(7)
 * const u = rng.float() // in [0, 1)
 */
export type RngState = readonly [number, number, number, number]

export class Rng {
  /**
   * The four words as int32 bit patterns. A typed array rather than four number fields: words
   * above 2^30 in fields are boxed as heap numbers, so every draw allocated; here nothing does.
   */
  private readonly s = new Int32Array(4)

  private constructor(a: number, b: number, c: number, d: number) {
    const s = this.s
    s[0] = a
    s[1] = b
    s[2] = c
    s[3] = d
  }

  /** Seeds from any safe integer (splitmix32 expands it to four words), then discards 12 draws. */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`)
    let s = (seed ^ Math.floor(seed / 0x100000000)) >>> 0
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    const rng = new Rng(next(), next(), next(), next())
    for (let i = 0; i < 12; i++) rng.nextU32()
    return rng
  }

  static fromState(state: RngState): Rng {
    return new Rng(state[0], state[1], state[2], state[3])
  }

  get state(): RngState {
    const s = this.s
    return [s[0] >>> 0, s[1] >>> 0, s[2] >>> 0, s[3] >>> 0]
  }

  /** Next uniform uint32. Words are int32 patterns: every sum wraps mod 2^32 when stored. */
  nextU32(): number {
    const s = this.s
    const b = s[1]
    const c = s[2]
    const t = (s[0] + b + s[3]) | 0
    s[3] = s[3] + 1
    s[0] = b ^ (b >>> 9)
    s[1] = c + (c << 3)
    s[2] = ((c << 21) | (c >>> 11)) + t
    return t >>> 0
  }

  /**
   * Fills `out` with the next `out.length` draws of `nextU32`, in order (the same words and the same
   * state after), with the state in locals: a vector of draws without a call and four stores each.
   *
   * @example
   * rng.fillU32(new Uint32Array(shock.buffer, 0, n / 4)) // four random bytes a draw
   */
  fillU32(out: Uint32Array): void {
    const s = this.s
    let a = s[0]
    let b = s[1]
    let c = s[2]
    let d = s[3]
    for (let i = 0; i < out.length; i++) {
      const t = (a + b + d) | 0
      d = (d + 1) | 0
      a = b ^ (b >>> 9)
      b = (c + (c << 3)) | 0
      c = (((c << 21) | (c >>> 11)) + t) | 0
      out[i] = t
    }
    s[0] = a
    s[1] = b
    s[2] = c
    s[3] = d
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.nextU32() / 4294967296
  }

  /** Uniform integer in [0, n), n <= 2^32 (multiply-shift; bias below 2^-32 * n). */
  int(n: number): number {
    return Math.floor((this.nextU32() / 4294967296) * n)
  }

  /** Standard normal draw (Box-Muller, one value per call; deterministic). */
  normal(): number {
    const u1 = (this.nextU32() + 1) / 4294967297
    const u2 = this.nextU32() / 4294967296
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
  }

  /** Log-normal draw with the given median and log-space sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  /** A child generator seeded from this one (advances this one by four draws). */
  fork(): Rng {
    return new Rng(this.nextU32(), this.nextU32(), this.nextU32(), this.nextU32() | 1)
  }
}

/** Derives the seed of run `index` of an ensemble from the ensemble seed (stable across machines). */
export const deriveSeed = (seed: number, index: number): number => {
  const rng = Rng.fromSeed(seed)
  const mix = Rng.fromState([rng.nextU32() ^ index, rng.nextU32(), (index * 0x9e3779b9) >>> 0, rng.nextU32()])
  for (let i = 0; i < 8; i++) mix.nextU32()
  return mix.nextU32() * 0x200000 + (mix.nextU32() >>> 11)
}
