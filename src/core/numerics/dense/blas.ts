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
/**
 * Doubles of one pack buffer (8 MB; two of them, with C, are a product's heap). Small on
 * purpose: the first touch of fresh memory costs far more than the packing (docs/architecture.md §5).
 */
const SLOT_DOUBLES = 1 << 20;
/** Multiply-adds per posted job (~10 ms on one thread): the fork/join's ~0.1 ms stays small next to it. */
const JOB_MACS = 1 << 27;

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
 * C += op(A)ᵀ op(B) over a pipeline of jobs (docs/architecture.md §5): the rows of the
 * operands are packed, a job of `jobChunks` chunks of kc rows at a time, alternately into
 * two pack buffers on the kernels' heap (after C, at offset 0); each job is posted for both
 * threads (`startPanels`) and left running while this thread packs the next, which then
 * joins it (running the tiles the helper has not claimed) before posting its own. Every
 * block of C sees the chunks in order, so the sums do not depend on the job size or the
 * split between the threads.
 */
class PackPipeline {
  /** Doubles of one pack buffer. */
  readonly slotDoubles: number;
  private slot = 0;
  private join: (() => void) | undefined;

  /** The job size for op(A) (np panels) and, unless symmetric, op(B) (nq panels). */
  static jobChunks(np: number, nq: number, sym: boolean): number {
    const perChunk = 4 * KC * (np + (sym ? 0 : nq));
    const macs = (sym ? (np * (np + 1)) / 2 : np * nq) * 16 * KC;
    if (macs === 0) return 1; // an empty product: one chunk per job, nothing computed
    return Math.max(1, Math.min(Math.ceil(JOB_MACS / macs), Math.floor(SLOT_DOUBLES / perChunk)));
  }

  constructor(
    private readonly ker: Kernels,
    private readonly np: number,
    private readonly nq: number,
    private readonly sym: boolean,
    private readonly jobChunks: number,
    /** Heap offset of the two pack buffers. */
    private readonly base: number,
  ) {
    this.slotDoubles = 4 * KC * (np + (sym ? 0 : nq)) * jobChunks;
  }

  /** Heap doubles of C (np x nq blocks of 4 x 4) and the two pack buffers. */
  get heapDoubles(): number {
    return this.base + 2 * this.slotDoubles;
  }

  /** Packs rows [k0, k0 + rows) of op(a), op(b) (at most jobChunks chunks of kc) as one job, then joins the running job and posts this one. */
  push(a: Operand, b: Operand, k0: number, rows: number, kc: number): void {
    const { np, nq, sym, ker } = this;
    const pa = this.base + this.slot * this.slotDoubles;
    const pb = pa + 4 * KC * np * this.jobChunks;
    this.slot ^= 1;
    const chunks = Math.ceil(rows / kc);
    const H = ker.heap();
    for (let ch = 0; ch < chunks; ch++) {
      const r = Math.min(kc, rows - ch * kc);
      pack(H, a, k0 + ch * kc, r, kc, pa + ch * 4 * kc * np);
      if (!sym) pack(H, b, k0 + ch * kc, r, kc, pb + ch * 4 * kc * nq);
    }
    this.drain();
    const q = sym ? pa : pb;
    if (ker.startPanels) this.join = ker.startPanels(pa, q, kc, chunks, np, nq, 0, sym, 0, np);
    else ker.panels(pa, q, kc, chunks, np, nq, 0, sym, 0, np);
  }

  /** Waits for the running job. */
  drain(): void {
    const join = this.join;
    this.join = undefined;
    join?.();
  }
}

/**
 * Zeroes the blocks of C (np x nq blocks, row stride 4 nq, at offset 0) a product
 * accumulates into, the upper ones when symmetric, below `fresh` (the heap is still zero
 * from there: its pages are left for the kernel threads to touch first).
 */
function zeroC(H: Float64Array, np: number, nq: number, sym: boolean, fresh: number): void {
  const ldc = 4 * nq;
  for (let r = 0; r < 4 * np; r++) {
    const start = r * ldc + (sym ? r & ~3 : 0);
    if (start >= fresh) break;
    H.fill(0, start, Math.min(fresh, (r + 1) * ldc));
  }
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
  // chunks of kc rows (all the same kc, the last one zero padded), jobChunks of them per job
  const kc = Math.max(1, Math.min(KC, K));
  const jobChunks = PackPipeline.jobChunks(np, nq, sym);
  const ker = kernelsWithHeap(16 * np * nq + 2 * 4 * KC * (np + (sym ? 0 : nq)) * jobChunks);
  const pipe = new PackPipeline(ker, np, nq, sym, jobChunks, 16 * np * nq);
  zeroC(ker.heap(), np, nq, sym, ker.freshFrom());
  for (let k0 = 0; k0 < K; k0 += kc * jobChunks) pipe.push(a, b, k0, Math.min(kc * jobChunks, K - k0), kc);
  pipe.drain();
  const H = ker.heap();
  const ldc = 4 * nq;
  const acc = opts.accumulate === true;
  if (sym) return writeSymmetric(H, ldc, a.m, alpha, out, o, ldo, acc, opts.mirror === false ? (tr ? 'lower' : 'upper') : 'full');
  for (let i = 0; i < a.m; i++) {
    const ci = i * ldc;
    const oi = o + i * ldo;
    if (acc) for (let j = 0; j < b.m; j++) out[oi + j] += alpha * H[ci + j];
    else if (alpha === 1) for (let j = 0; j < b.m; j++) out[oi + j] = H[ci + j];
    else for (let j = 0; j < b.m; j++) out[oi + j] = alpha * H[ci + j];
  }
}

/**
 * out (offset o, row stride ldo) (=|+=) alpha C for the symmetric m x m C (row stride ldc)
 * of which only the upper triangle (j >= i) is read: written whole (`full`), as its upper
 * triangle, or as its lower triangle (`lower`: (i, j) at out[j][i]). In cache-sized tiles.
 */
function writeSymmetric(
  C: Float64Array,
  ldc: number,
  m: number,
  alpha: number,
  out: Float64Array,
  o: number,
  ldo: number,
  acc: boolean,
  part: 'full' | 'upper' | 'lower',
): void {
  const T = 32;
  const up = part !== 'lower';
  const down = part !== 'upper';
  for (let i0 = 0; i0 < m; i0 += T) {
    const i1 = Math.min(m, i0 + T);
    for (let j0 = i0; j0 < m; j0 += T) {
      const j1 = Math.min(m, j0 + T);
      for (let i = i0; i < i1; i++) {
        const ci = i * ldc;
        for (let j = Math.max(j0, i); j < j1; j++) {
          const v = C[ci + j];
          const ij = o + i * ldo + j;
          const ji = o + j * ldo + i;
          if (acc) {
            if (up) out[ij] += alpha * v;
            if (down && (j !== i || !up)) out[ji] += alpha * v;
          } else {
            const w = alpha === 1 ? v : alpha * v;
            if (up) out[ij] = w;
            if (down) out[ji] = w;
          }
        }
      }
    }
  }
}

/** Writes one value per 4 KB page of a[from, to) with its own value: its pages are mapped now (the values are unchanged). */
function touchPages(a: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i += 512) {
    const v = a[i];
    a[i] = v; // a write: a read alone would map the shared zero page
  }
}

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
 * `out += XᵀX` block after block (data read in blocks, docs/architecture.md §5). The
 * blocks go through one {@link PackPipeline} whose last job is left running when `add`
 * returns, so the helper computes while this thread reads and decodes the next block; the
 * products accumulate into one C on the kernels' heap, added to `out` when the stream is
 * settled: at `finish`, or before any other use of the kernels.
 */
export class GramStream {
  /** The pipeline holding C, while C holds sums not yet added to `out`. */
  private pipe: PackPipeline | undefined;
  private ker: Kernels | undefined;
  private readonly token = {};
  /** How much of `out` has had its pages touched (`touchPages`). */
  private touched = 0;

  constructor(
    private readonly out: Float64Array,
    private readonly d: number,
  ) {}

  add(x: Float64Array, rows: number): void {
    const d = this.d;
    if (rows === 0 || d === 0) return;
    const np = (d + 3) >> 2;
    const a = operand(x, d, 0, 0, rows, d, false);
    // anyone else's work left running uses its own layout of the heap: settle it first
    if (!ownsKernels(this.token)) settleKernels();
    if (!this.pipe) {
      const ker = kernels();
      const pipe = new PackPipeline(ker, np, np, true, PackPipeline.jobChunks(np, np, true), 16 * np * np);
      if (!tryReserve(ker, pipe.heapDoubles)) {
        gemmTN(1, a, a, this.out, 0, d, { accumulate: true });
        return;
      }
      zeroC(ker.heap(), np, np, true, ker.freshFrom());
      this.pipe = pipe;
      this.ker = ker;
    }
    const kc = Math.max(1, Math.min(KC, rows));
    const step = kc * Math.floor((KC * PackPipeline.jobChunks(np, np, true)) / kc);
    for (let k0 = 0; k0 < rows; k0 += step) this.pipe.push(a, a, k0, Math.min(step, rows - k0), kc);
    if (this.touched < this.out.length) {
      // a fresh `out` costs its page faults when first written: take them a sixteenth at a
      // time while the helper computes the job just posted, not in the final flush, when it idles
      const end = Math.min(this.out.length, this.touched + Math.max(512, Math.ceil(this.out.length / 16)));
      touchPages(this.out, this.touched, end);
      this.touched = end;
    }
    deferKernelJoin(this.token, () => this.settle());
  }

  /** Settles the last block: `out` then holds every block's product. */
  finish(): void {
    settleKernels();
  }

  /** Joins the running job and adds C to `out` (its upper triangle, mirrored), as gemmTN's accumulate. */
  private settle(): void {
    const { pipe, ker } = this;
    this.pipe = undefined;
    this.ker = undefined;
    if (!pipe || !ker) return;
    pipe.drain();
    writeSymmetric(ker.heap(), 4 * ((this.d + 3) >> 2), this.d, 1, this.out, 0, this.d, true, 'full');
  }
}
