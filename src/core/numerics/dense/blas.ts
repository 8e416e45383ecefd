/**
 * The one level-3 product every dense routine goes through: C = alpha op(A)^T op(B)
 * (Gram, products, the trailing updates of the blocked Cholesky and triangular solves).
 *
 * op(A) is a K x m view of a row-major matrix (or of its transpose). Each chunk of KC
 * rows of op(A) and op(B) is packed into panels of 4 columns interleaved by row, so the
 * micro-kernel (kernels.ts: WebAssembly SIMD or scalar JS) reads two contiguous streams
 * and keeps a 4x4 block of C in registers. When A and B are the same operand the product
 * is symmetric and only block pairs q >= p are computed.
 */
import { deferKernelJoin, kernels, kernelsWithHeap, ownsKernels, settleKernels, type Kernels } from './kernels';

/**
 * A K x m view of the row-major `data` (leading dimension `ld`) starting at (row0, col0):
 * op[k][j] = trans ? data[(row0 + j) ld + col0 + k] : data[(row0 + k) ld + col0 + j].
 */
export interface Operand {
  data: Float64Array;
  ld: number;
  row0: number;
  col0: number;
  k: number;
  m: number;
  trans: boolean;
}

export function operand(data: Float64Array, ld: number, row0: number, col0: number, k: number, m: number, trans: boolean): Operand {
  return { data, ld, row0, col0, k, m, trans };
}

/** Rows per packed chunk: a 4-column panel of KC rows is 8 KB and stays in L1. */
const KC = 256;
/** Doubles of packed operands per kernel call (32 MB): n = 4000, d = 784 fits in one call. */
const PACK_BUDGET = 1 << 22;

/**
 * Packs rows [k0, k0 + rows) of op(o) into ceil(m/4) panels of kc x 4 at H[dst..]: zero
 * padded to 4-wide panels, and rows [rows, kc) zero (a short last chunk).
 */
function pack(H: Float64Array, o: Operand, k0: number, rows: number, kc: number, dst: number): void {
  const np = (o.m + 3) >> 2;
  const stride = 4 * kc;
  if (rows < kc) for (let p = 0; p < np; p++) H.fill(0, dst + p * stride + 4 * rows, dst + (p + 1) * stride);
  const M = o.data;
  const ld = o.ld;
  if (!o.trans) {
    const full = o.m >> 2;
    for (let i = 0; i < rows; i++) {
      const ro = (o.row0 + k0 + i) * ld + o.col0;
      let d = dst + 4 * i;
      for (let p = 0; p < full; p++, d += stride) {
        const s = ro + 4 * p;
        H[d] = M[s];
        H[d + 1] = M[s + 1];
        H[d + 2] = M[s + 2];
        H[d + 3] = M[s + 3];
      }
      if (full < np) for (let t = 0; t < 4; t++) H[d + t] = 4 * full + t < o.m ? M[ro + 4 * full + t] : 0;
    }
  } else {
    // op[k][j] = M[row0 + j][col0 + k]: row j of M is contiguous along k
    for (let j = 0; j < 4 * np; j++) {
      const d0 = dst + (j >> 2) * stride + (j & 3);
      if (j >= o.m) {
        for (let i = 0; i < rows; i++) H[d0 + 4 * i] = 0;
        continue;
      }
      const so = (o.row0 + j) * ld + o.col0 + k0;
      for (let i = 0; i < rows; i++) H[d0 + 4 * i] = M[so + i];
    }
  }
}

export interface ProductOptions {
  /** out += result instead of out = result. */
  accumulate?: boolean;
  /** Write result (i, j) at out[o + j ldo + i] (the transpose). */
  transOut?: boolean;
  /** Symmetric product (a === b): also write the mirrored triangle (default true). */
  mirror?: boolean;
}

/**
 * out[o + i ldo + j] (=|+=) alpha (op(A)^T op(B))[i][j] for i < a.m, j < b.m. Passing the
 * same object as `a` and `b` makes it a symmetric rank-K update: half the work; with
 * `mirror: false` only j >= i is written.
 */
export function gemmTN(alpha: number, a: Operand, b: Operand, out: Float64Array, o: number, ldo: number, opts: ProductOptions = {}): void {
  if (a.k !== b.k) throw new RangeError(`gemmTN: inner dimensions ${a.k} and ${b.k} differ`);
  const sym = a === b;
  let tr = opts.transOut === true;
  if (tr && !sym) {
    // (op(A)^T op(B))^T = op(B)^T op(A): swap instead of writing with a stride
    const t = a;
    a = b;
    b = t;
    tr = false;
  }
  const np = (a.m + 3) >> 2;
  const nq = (b.m + 3) >> 2;
  const K = a.k;
  // chunks of kc rows (all the same kc, the last one zero padded); as many chunks as fit
  // in PACK_BUDGET go to the kernel in one call (one fork/join with the helper thread)
  const kc = Math.max(1, Math.min(KC, K));
  const perChunk = 4 * kc * (np + (sym ? 0 : nq));
  const group = Math.max(1, Math.min(Math.ceil(K / kc), Math.floor(PACK_BUDGET / perChunk)));
  const cSize = 16 * np * nq;
  const paOff = cSize;
  const pbOff = paOff + 4 * kc * np * group;
  const ker = kernelsWithHeap(pbOff + (sym ? 0 : 4 * kc * nq * group));
  const H = ker.heap();
  H.fill(0, 0, cSize);
  for (let g0 = 0; g0 < K; g0 += kc * group) {
    let chunks = 0;
    for (let k0 = g0; k0 < Math.min(K, g0 + kc * group); k0 += kc, chunks++) {
      const rows = Math.min(kc, K - k0);
      pack(H, a, k0, rows, kc, paOff + chunks * 4 * kc * np);
      if (!sym) pack(H, b, k0, rows, kc, pbOff + chunks * 4 * kc * nq);
    }
    ker.panels(paOff, sym ? paOff : pbOff, kc, chunks, np, nq, 0, sym, 0, np);
  }
  const ldc = 4 * nq;
  const mirror = sym && opts.mirror !== false;
  // symmetric: only blocks q >= p were computed; fill the lower triangle of C when needed
  if (sym && (mirror || tr)) mirrorUpper(H, a.m, ldc);
  const acc = opts.accumulate === true;
  for (let i = 0; i < a.m; i++) {
    // columns written in row i: all, or the upper (j >= i) / lower (j <= i) triangle
    const j0 = sym && !mirror && !tr ? i : 0;
    const j1 = sym && !mirror && tr ? i + 1 : b.m;
    const ci = i * ldc;
    const oi = o + i * ldo;
    if (acc) for (let j = j0; j < j1; j++) out[oi + j] += alpha * H[ci + j];
    else if (alpha === 1) for (let j = j0; j < j1; j++) out[oi + j] = H[ci + j];
    else for (let j = j0; j < j1; j++) out[oi + j] = alpha * H[ci + j];
  }
}

/** C[j][i] = C[i][j] for j > i, i, j < m (row stride ldc), in cache-sized tiles. */
function mirrorUpper(C: Float64Array, m: number, ldc: number): void {
  const T = 32;
  for (let i0 = 0; i0 < m; i0 += T) {
    const i1 = Math.min(m, i0 + T);
    for (let j0 = i0; j0 < m; j0 += T) {
      const j1 = Math.min(m, j0 + T);
      for (let i = i0; i < i1; i++) {
        const ci = i * ldc;
        for (let j = Math.max(j0, i + 1); j < j1; j++) C[j * ldc + i] = C[ci + j];
      }
    }
  }
}

/** Room for one block's packed rows in a {@link GramStream} (two of them: double-buffered). */
const STREAM_PACK = PACK_BUDGET + (PACK_BUDGET >> 3);

/** Grows the kernels' heap to `doubles`, or tells that it cannot. */
function tryReserve(ker: Kernels, doubles: number): boolean {
  try {
    ker.reserve(doubles);
    return true;
  } catch {
    return false;
  }
}

/**
 * `out += XᵀX` block after block (data read in blocks, docs/architecture.md §5). Each block
 * is packed into one of two pack buffers and its product posted for both threads
 * (`startPanels`): this thread returns at once to read and decode the next block while the
 * helper computes, packs it into the other buffer, then joins the running block (runs the
 * tiles the helper has not claimed, waits for the rest) and posts the new one. Neither
 * thread waits for the other beyond one tile. The blocks' products accumulate into one C
 * on the kernels' heap, added to `out` when the stream is settled: at `finish`, or before
 * any other use of the kernels.
 */
export class GramStream {
  private slot = 0;
  /** The running block's join, if it was posted for both threads. */
  private join: (() => void) | undefined;
  /** The kernels holding C, while C holds sums not yet added to `out`. */
  private live: Kernels | undefined;
  private readonly token = {};

  constructor(
    private readonly out: Float64Array,
    private readonly d: number,
  ) {}

  add(x: Float64Array, rows: number): void {
    const d = this.d;
    if (rows === 0 || d === 0) return;
    const np = (d + 3) >> 2;
    const kc = Math.max(1, Math.min(KC, rows));
    const chunks = Math.ceil(rows / kc);
    const cSize = 16 * np * np;
    const a = operand(x, d, 0, 0, rows, d, false);
    // anyone else's work left running uses its own layout of the heap: settle it first
    if (!ownsKernels(this.token)) settleKernels();
    const ker = kernels();
    // growing the shared memory leaves a running block where it is
    if (4 * kc * np * chunks > STREAM_PACK || !tryReserve(ker, cSize + 2 * STREAM_PACK)) {
      settleKernels();
      gemmTN(1, a, a, this.out, 0, d, { accumulate: true });
      return;
    }
    // pack this block into the buffer the running block does not read, then join that block
    const off = cSize + this.slot * STREAM_PACK;
    this.slot ^= 1;
    const H = ker.heap();
    for (let ch = 0; ch < chunks; ch++) pack(H, a, ch * kc, Math.min(kc, rows - ch * kc), kc, off + ch * 4 * kc * np);
    this.join?.();
    this.join = undefined;
    if (this.live !== ker) {
      ker.heap().fill(0, 0, cSize);
      this.live = ker;
    }
    if (ker.startPanels) this.join = ker.startPanels(off, off, kc, chunks, np, np, 0, true, 0, np);
    else ker.panels(off, off, kc, chunks, np, np, 0, true, 0, np);
    deferKernelJoin(this.token, () => this.settle(np));
  }

  /** Settles the last block: `out` then holds every block's product. */
  finish(): void {
    settleKernels();
  }

  /** Joins the running block and adds C to `out` (the upper triangle computed, mirrored), as gemmTN's accumulate. */
  private settle(np: number): void {
    this.join?.();
    this.join = undefined;
    const ker = this.live;
    this.live = undefined;
    if (!ker) return;
    const H = ker.heap();
    const d = this.d;
    const ldc = 4 * np;
    mirrorUpper(H, d, ldc);
    const out = this.out;
    for (let i = 0; i < d; i++) {
      const ci = i * ldc;
      const oi = i * d;
      for (let j = 0; j < d; j++) out[oi + j] += 1 * H[ci + j];
    }
  }
}
