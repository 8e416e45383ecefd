/**
 * A small, portable, seeded random number generator: the same seed gives the same
 * numbers on every machine and every JavaScript engine (docs/architecture.md §1: uniform spectra are
 * "reproducible across machines"; docs/theory.md §6.1 simulations reuse it).
 *
 * Algorithm (all arithmetic on unsigned 32-bit integers via Math.imul and >>>, no BigInt):
 *
 * - Seeding: the seed (a non-negative safe integer, < 2^53) is split into its low and high
 *   32-bit words. SplitMix32 (Steele, Lea & Flood's SplitMix with the 32-bit finalizer of
 *   MurmurHash3: z += 0x9e3779b9; z = (z ^ z>>>16) * 0x85ebca6b; z = (z ^ z>>>13) *
 *   0xc2b2ae35; z ^= z>>>16) is run from the low word to produce the four state words;
 *   each is then XORed with an output of a second SplitMix32 stream started at
 *   `high ^ 0x6a09e667`. An all-zero state (never produced in practice) is replaced by 1.
 * - Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018): output = rotl(s1 * 5, 7) * 9;
 *   t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11).
 * - `next()`: a double in [0, 1) with 53 random bits from two outputs a, b:
 *   ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53 (the construction of the xoshiro authors).
 * - `normal()`: Marsaglia's polar method on next() (pairs; the second value is cached).
 *   It uses only +, *, / (exact IEEE), Math.sqrt (correctly rounded) and Math.log; V8's
 *   Math.log is a port of fdlibm and therefore identical on every platform.
 */

function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  /** `seed`: a non-negative integer < 2^53 (other numbers are truncated / taken modulo 2^53). */
  constructor(seed: number) {
    const s = Number.isFinite(seed) ? Math.abs(Math.trunc(seed)) % TWO_POW_53 : 0;
    const lo = s % 4294967296;
    const hi = Math.floor(s / 4294967296);
    const a = { x: lo | 0 };
    const b = { x: (hi ^ 0x6a09e667) | 0 };
    this.s0 = (splitmix32(a) ^ splitmix32(b)) | 0;
    this.s1 = (splitmix32(a) ^ splitmix32(b)) | 0;
    this.s2 = (splitmix32(a) ^ splitmix32(b)) | 0;
    this.s3 = (splitmix32(a) ^ splitmix32(b)) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next raw 32-bit output (xoshiro128**), as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** A standard normal N(0, 1) draw (Marsaglia polar method, deterministic). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /**
   * Fills `out` with uniform draws low + (high - low) * u, u = next(); the generator is
   * inlined (same sequence as calling next() repeatedly, without the call overhead).
   */
  fillUniform(out: Float64Array, low: number, high: number): Float64Array {
    const w = high - low;
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < out.length; i++) {
      let m = Math.imul(s1, 5);
      const a = Math.imul((m << 7) | (m >>> 25), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      const b = Math.imul((m << 7) | (m >>> 25), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = low + w * ((a * TWO_POW_26 + b) / TWO_POW_53);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return out;
  }
}
