/**
 * The vector kernels of the Lanczos iteration (lanczos.ts) on one workspace of doubles: the
 * Gram–Schmidt pass against the basis, the level-1 operations of the recurrence and the graph
 * operators; and the candidate filter of the exact kNN search (knn.ts).
 *
 * - `wasm-simd`: ./wasm/lanczos.wat (f64x2), assembled at build time (esbuild.config.mjs)
 *   and compiled synchronously here, with its own (unshared) memory holding the workspace;
 * - `js`: the same in scalar JavaScript, when WebAssembly SIMD is not available (or the
 *   memory cannot grow), and selectable for tests.
 * Offsets and lengths are in doubles. A workspace is valid until the next call of
 * {@link vectorWorkspace} or {@link knnKernel} (they share the module's memory: one at a
 * time; everything here is synchronous).
 */
import wasmBytes from './wasm/lanczos.wat';
import type { CsrMatrix } from './csr';

/**
 * A graph operator y = α (d ∘ x) + β (s ∘ (A (s ∘ x))) for a CSR matrix A: the Laplacian
 * D_G − G is α = 1, d = the degrees, β = −1; the normalised adjacency D^-1/2 G D^-1/2 is
 * α = 0, β = 1, s = d^-1/2.
 */
export interface ScaledCsr {
  matrix: CsrMatrix;
  alpha: number;
  diag?: Float64Array;
  beta: number;
  scale?: Float64Array;
}

export interface VectorWorkspace {
  readonly name: 'wasm-simd' | 'js';
  /** The workspace's doubles. */
  readonly heap: Float64Array;
  /** One classical Gram–Schmidt pass: c = V w, w −= Vᵀ c, for the `count` rows of length n from offset v. */
  gs(v: number, count: number, n: number, w: number, c: number): void;
  dot(x: number, y: number, n: number): number;
  nrm2sq(x: number, n: number): number;
  /** y += a x */
  axpy(y: number, x: number, a: number, n: number): void;
  /** y *= a */
  scal(y: number, a: number, n: number): void;
  /** y = op x for the operator the workspace was made with (offsets of n doubles). */
  apply(x: number, y: number): void;
}

interface WasmExports {
  memory: WebAssembly.Memory;
  gs(v: number, count: number, len: number, w: number, c: number): void;
  dot(x: number, y: number, len: number): number;
  nrm2sq(x: number, len: number): number;
  axpy(y: number, x: number, a: number, len: number): void;
  scal(y: number, a: number, len: number): void;
  csrmv(n: number, rp: number, col: number, val: number, x: number, y: number): void;
  vmul(out: number, d: number, x: number, len: number): void;
  dxpby(y: number, d: number, x: number, a: number, b: number, len: number): void;
  knn(xr: number, xt: number, ld: number, d: number, i0: number, i1: number, j0: number, j1: number, low: number, thr: number, cand: number): number;
}

let wasm: WasmExports | undefined | null = null; // null: not tried yet
let backend: 'wasm-simd' | 'js' = 'wasm-simd';

function instance(): WasmExports | undefined {
  if (wasm === null) {
    try {
      wasm =
        typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes)
          ? (new WebAssembly.Instance(new WebAssembly.Module(wasmBytes), {}).exports as unknown as WasmExports)
          : undefined;
    } catch {
      wasm = undefined;
    }
  }
  return wasm;
}

/** Selects the backend (tests compare them); returns the one in use afterwards. */
export function setVectorBackend(name: 'wasm-simd' | 'js'): 'wasm-simd' | 'js' {
  backend = name === 'wasm-simd' && instance() ? 'wasm-simd' : 'js';
  return backend;
}

/**
 * A workspace of at least `doubles` doubles (zeroed), with the operator `op` copied in
 * after them when given (its n-vectors: d, s and a scratch vector; then the CSR arrays).
 */
export function vectorWorkspace(doubles: number, op?: ScaledCsr): VectorWorkspace {
  const n = op ? op.matrix.n : 0;
  const nnz = op ? op.matrix.nnz : 0;
  // doubles: the caller's, then d, s, scratch (n each) and the values (nnz); then i32 row pointers and columns
  const dOff = doubles;
  const sOff = dOff + n;
  const tOff = sOff + n;
  const vOff = tOff + n;
  const fTotal = vOff + nnz;
  const iBase = fTotal * 2; // in i32 units
  const total32 = iBase + (op ? n + 1 + nnz : 0);
  const fill = (H: Float64Array, I: Int32Array): void => {
    if (!op) return;
    H.fill(1, dOff, tOff);
    if (op.diag) H.set(op.diag, dOff);
    if (op.scale) H.set(op.scale, sOff);
    H.set(op.matrix.val, vOff);
    I.set(op.matrix.rowPtr, iBase);
    I.set(op.matrix.col, iBase + n + 1);
  };
  const ex = backend === 'wasm-simd' ? instance() : undefined;
  if (ex) {
    try {
      const bytes = 4 * total32;
      const have = ex.memory.buffer.byteLength;
      if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
      const heap = new Float64Array(ex.memory.buffer, 0, fTotal);
      heap.fill(0);
      fill(heap, new Int32Array(ex.memory.buffer, 0, total32));
      const rp = 4 * iBase;
      const col = 4 * (iBase + n + 1);
      return {
        name: 'wasm-simd',
        heap: heap.subarray(0, doubles),
        gs: (v, count, len, w, c) => ex.gs(8 * v, count, len, 8 * w, 8 * c),
        dot: (x, y, len) => ex.dot(8 * x, 8 * y, len),
        nrm2sq: (x, len) => ex.nrm2sq(8 * x, len),
        axpy: (y, x, a, len) => ex.axpy(8 * y, 8 * x, a, len),
        scal: (y, a, len) => ex.scal(8 * y, a, len),
        apply(x, y) {
          if (!op) throw new Error('vectorWorkspace: no operator');
          if (op.scale) {
            ex.vmul(8 * tOff, 8 * sOff, 8 * x, n);
            ex.csrmv(n, rp, col, 8 * vOff, 8 * tOff, 8 * y);
            ex.vmul(8 * y, 8 * sOff, 8 * y, n);
          } else {
            ex.csrmv(n, rp, col, 8 * vOff, 8 * x, 8 * y);
          }
          if (op.alpha !== 0 || op.beta !== 1) ex.dxpby(8 * y, 8 * dOff, 8 * x, op.alpha, op.beta, n);
        },
      };
    } catch {
      // the memory cannot grow that far: the JS kernels on a JS array
    }
  }
  const buf = new ArrayBuffer(4 * total32);
  const H = new Float64Array(buf, 0, fTotal);
  fill(H, new Int32Array(buf));
  return jsWorkspace(H, doubles, op ? { n, dOff, sOff, tOff, vOff, rp: iBase, col: iBase + n + 1, I: new Int32Array(buf), op } : undefined);
}

interface JsOperator {
  n: number;
  dOff: number;
  sOff: number;
  tOff: number;
  vOff: number;
  rp: number;
  col: number;
  I: Int32Array;
  op: ScaledCsr;
}

function jsWorkspace(H: Float64Array, doubles: number, o: JsOperator | undefined): VectorWorkspace {
  const dot = (x: number, y: number, n: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += H[x + i] * H[y + i];
    return s;
  };
  return {
    name: 'js',
    heap: H.subarray(0, doubles),
    gs(v, count, n, w, c) {
      let r = 0;
      for (; r + 4 <= count; r += 4) {
        const o0 = v + r * n;
        const o1 = o0 + n;
        const o2 = o1 + n;
        const o3 = o2 + n;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let t = 0; t < n; t++) {
          const x = H[w + t];
          s0 += H[o0 + t] * x;
          s1 += H[o1 + t] * x;
          s2 += H[o2 + t] * x;
          s3 += H[o3 + t] * x;
        }
        H[c + r] = s0;
        H[c + r + 1] = s1;
        H[c + r + 2] = s2;
        H[c + r + 3] = s3;
      }
      for (; r < count; r++) H[c + r] = dot(v + r * n, w, n);
      r = 0;
      for (; r + 4 <= count; r += 4) {
        const o0 = v + r * n;
        const o1 = o0 + n;
        const o2 = o1 + n;
        const o3 = o2 + n;
        const c0 = H[c + r];
        const c1 = H[c + r + 1];
        const c2 = H[c + r + 2];
        const c3 = H[c + r + 3];
        for (let t = 0; t < n; t++) H[w + t] -= c0 * H[o0 + t] + c1 * H[o1 + t] + c2 * H[o2 + t] + c3 * H[o3 + t];
      }
      for (; r < count; r++) {
        const o = v + r * n;
        const cr = H[c + r];
        for (let t = 0; t < n; t++) H[w + t] -= cr * H[o + t];
      }
    },
    dot,
    nrm2sq: (x, n) => dot(x, x, n),
    axpy(y, x, a, n) {
      for (let i = 0; i < n; i++) H[y + i] += a * H[x + i];
    },
    scal(y, a, n) {
      for (let i = 0; i < n; i++) H[y + i] *= a;
    },
    apply(x, y) {
      if (!o) throw new Error('vectorWorkspace: no operator');
      const { n, dOff, sOff, tOff, vOff, rp, col, I, op } = o;
      const scaled = op.scale !== undefined;
      const src = scaled ? tOff : x;
      if (scaled) for (let i = 0; i < n; i++) H[tOff + i] = H[sOff + i] * H[x + i];
      for (let i = 0; i < n; i++) {
        let s = 0;
        const e = I[rp + i + 1];
        for (let p = I[rp + i]; p < e; p++) s += H[vOff + p] * H[src + I[col + p]];
        H[y + i] = scaled ? H[sOff + i] * s : s;
      }
      const { alpha, beta } = op;
      if (alpha !== 0 || beta !== 1) for (let i = 0; i < n; i++) H[y + i] = alpha * H[dOff + i] * H[x + i] + beta * H[y + i];
    },
  };
}

/**
 * The candidate filter of the exact kNN search (knn.ts) on its own workspace: n rows of d
 * values padded to multiples of 4 (`rows`), stored row-major in `xr` and transposed in `xt`
 * (d rows of `rows` values); `low` and `thr` per row (padding: +∞ and −∞, so it never passes).
 * `run` writes every pair (i, j), j > i, of rows [i0, i1) × columns [j0, j1) (multiples of 4)
 * with low[j] − 2 x_i·x_j ≤ thr[i] or low[i] − 2 x_i·x_j ≤ thr[j] to `cand` as (i, j, x_i·x_j)
 * and returns their number; `cand` has room for `capacity` of them.
 */
export interface KnnKernel {
  readonly name: 'wasm-simd' | 'js';
  readonly rows: number;
  readonly xr: Float64Array;
  readonly xt: Float64Array;
  readonly low: Float64Array;
  readonly thr: Float64Array;
  readonly cand: Float64Array;
  run(i0: number, i1: number, j0: number, j1: number): number;
}

export function knnKernel(n: number, d: number, capacity: number): KnnKernel {
  const rows = (n + 3) & ~3;
  const xrOff = 0;
  const xtOff = rows * d;
  const lowOff = xtOff + rows * d;
  const thrOff = lowOff + rows;
  const candOff = thrOff + rows;
  const total = candOff + 3 * capacity;
  const views = (H: Float64Array) => ({
    xr: H.subarray(xrOff, xtOff),
    xt: H.subarray(xtOff, lowOff),
    low: H.subarray(lowOff, thrOff),
    thr: H.subarray(thrOff, candOff),
    cand: H.subarray(candOff, total),
  });
  const ex = backend === 'wasm-simd' ? instance() : undefined;
  if (ex) {
    try {
      const bytes = 8 * total;
      const have = ex.memory.buffer.byteLength;
      if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
      const H = new Float64Array(ex.memory.buffer, 0, total);
      H.fill(0);
      return {
        name: 'wasm-simd',
        rows,
        ...views(H),
        run: (i0, i1, j0, j1) => ex.knn(8 * xrOff, 8 * xtOff, rows, d, i0, i1, j0, j1, 8 * lowOff, 8 * thrOff, 8 * candOff),
      };
    } catch {
      // the memory cannot grow that far: the JS filter
    }
  }
  const H = new Float64Array(total);
  const v = views(H);
  return {
    name: 'js',
    rows,
    ...v,
    run(i0, i1, j0, j1) {
      const { xr, xt, low, thr, cand } = v;
      let count = 0;
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          let g = 0;
          for (let t = 0; t < d; t++) g += xr[i * d + t] * xt[t * rows + j];
          const g2 = g + g;
          if (low[j] - g2 <= thr[i] || low[i] - g2 <= thr[j]) {
            cand[3 * count] = i;
            cand[3 * count + 1] = j;
            cand[3 * count + 2] = g;
            count++;
          }
        }
      }
      return count;
    },
  };
}
