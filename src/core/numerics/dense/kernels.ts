/**
 * The inner kernels that carry the O(n d^2) and O(d^3) work of the solvers (packed
 * product, tridiagonalisation pass, triangular-block solve, reflector), behind one
 * interface with two backends:
 *
 * - `wasm-simd`: ./wasm/kernels.wat, assembled at build time (esbuild.config.mjs) and
 *   compiled synchronously here; f64x2 SIMD, about 4x the scalar JS rate on this
 *   machine (the speed target of docs/architecture.md §5: the whole data-mode analyze within 2x numpy/LAPACK).
 * - `js`: the same kernels in scalar JavaScript, used when WebAssembly SIMD is not
 *   available and selectable for tests (both backends must agree to roundoff).
 *
 * Both work on one growable heap of doubles; offsets below are in doubles. The heap is
 * scratch space owned by whichever linalg routine is running (everything here is
 * synchronous, so routines never interleave); `reserve` may move it, so views from
 * `heap()` must be re-taken after every `reserve`.
 */
import wasmBytes from './wasm/kernels.wat';

export type KernelBackendName = 'wasm-simd' | 'js';

export interface Kernels {
  readonly name: KernelBackendName;
  /** Ensures room for `doubles` doubles; invalidates earlier `heap()` views. */
  reserve(doubles: number): void;
  heap(): Float64Array;
  /**
   * For panel pairs p in [p0, p1) and q in [upper ? p : 0, nq): block (p, q) of C
   * (row-major, 4 nq doubles per row, at offset c) += sum over the chunks of A_p^T B_q,
   * where A_p and B_q are kc x 4 panels stored consecutively, chunk ch of A (np panels)
   * at pa + 4 kc np ch and of B (nq panels) at pb + 4 kc nq ch.
   */
  panels(pa: number, pb: number, kc: number, chunks: number, np: number, nq: number, c: number, upper: boolean, p0: number, p1: number): void;
  /**
   * One row of the fused tridiagonalisation pass over len entries from offset a:
   * a_j -= vi p_j + wi v_j; acc += a_j u_j; q_j += a_j ui (vectors at offsets p, v, u, q).
   * Returns acc.
   */
  trirow(a: number, len: number, vi: number, wi: number, ui: number, p: number, v: number, u: number, q: number): number;
  /**
   * The fused pass of one tridiagonalisation step over rows i0..n-1 of the n x n matrix at
   * offset a: v, u are the rows (offsets of column 0) of the current and next reflector,
   * w at p, q accumulates. a_ii -= 2 v_i w_i; trirow on j > i; q_i += a_ii u_i + acc.
   */
  trisweep(a: number, n: number, i0: number, v: number, u: number, p: number, q: number): void;
  /**
   * Forward substitution with a small lower-triangular block: the nb rows of x (len
   * entries each, row stride ldx) become L^{-1} x, for L nb x nb at offset l (stride ldl).
   */
  trsml(l: number, ldl: number, x: number, ldx: number, nb: number, len: number): void;
  /** Householder reflector on count rows (len entries from offset rows, stride ldr): r -= beta (v . r) v. */
  reflect(v: number, beta: number, rows: number, ldr: number, count: number, len: number): void;
  /**
   * `panels` with the helper thread's share left running: this thread computes its share
   * (the first panel rows, about 1 − `helperShare` of the blocks) and returns; the returned
   * function waits for the helper's share and tells whether it had already finished.
   * Undefined when everything ran on this thread (no helper, or a small product). Until
   * the wait, the operands and C must stay as they are and no other kernel may run
   * (`deferKernelJoin`). Absent on backends without a helper.
   */
  panelsDeferred?(
    pa: number,
    pb: number,
    kc: number,
    chunks: number,
    np: number,
    nq: number,
    c: number,
    upper: boolean,
    p0: number,
    p1: number,
    helperShare: number,
  ): (() => boolean) | undefined;
}

function createJsKernels(): Kernels {
  let buf = new Float64Array(1 << 13);
  return {
    name: 'js',
    reserve(doubles) {
      if (doubles > buf.length) {
        const next = new Float64Array(Math.max(doubles, 2 * buf.length));
        next.set(buf);
        buf = next;
      }
    },
    heap: () => buf,
    panels(pa0, pb0, kc, chunks, np, nq, c, upper, p0, p1) {
      const H = buf;
      const ldc = 4 * nq;
      const stride = 4 * kc;
      for (let ch = 0; ch < chunks; ch++) {
        const pa = pa0 + ch * stride * np;
        const pb = pb0 + ch * stride * nq;
        for (let p = p0; p < p1; p++) {
          for (let q = upper ? p : 0; q < nq; q++) {
            let c00 = 0,
              c01 = 0,
              c02 = 0,
              c03 = 0;
            let c10 = 0,
              c11 = 0,
              c12 = 0,
              c13 = 0;
            let c20 = 0,
              c21 = 0,
              c22 = 0,
              c23 = 0;
            let c30 = 0,
              c31 = 0,
              c32 = 0,
              c33 = 0;
            let ao = pa + p * stride;
            let bo = pb + q * stride;
            const end = ao + stride;
            for (; ao < end; ao += 4, bo += 4) {
              const a0 = H[ao],
                a1 = H[ao + 1],
                a2 = H[ao + 2],
                a3 = H[ao + 3];
              const b0 = H[bo],
                b1 = H[bo + 1],
                b2 = H[bo + 2],
                b3 = H[bo + 3];
              c00 += a0 * b0;
              c01 += a0 * b1;
              c02 += a0 * b2;
              c03 += a0 * b3;
              c10 += a1 * b0;
              c11 += a1 * b1;
              c12 += a1 * b2;
              c13 += a1 * b3;
              c20 += a2 * b0;
              c21 += a2 * b1;
              c22 += a2 * b2;
              c23 += a2 * b3;
              c30 += a3 * b0;
              c31 += a3 * b1;
              c32 += a3 * b2;
              c33 += a3 * b3;
            }
            let o = c + 4 * p * ldc + 4 * q;
            H[o] += c00;
            H[o + 1] += c01;
            H[o + 2] += c02;
            H[o + 3] += c03;
            o += ldc;
            H[o] += c10;
            H[o + 1] += c11;
            H[o + 2] += c12;
            H[o + 3] += c13;
            o += ldc;
            H[o] += c20;
            H[o + 1] += c21;
            H[o + 2] += c22;
            H[o + 3] += c23;
            o += ldc;
            H[o] += c30;
            H[o + 1] += c31;
            H[o + 2] += c32;
            H[o + 3] += c33;
          }
        }
      }
    },
    trirow(a, len, vi, wi, ui, p, v, u, q) {
      const H = buf;
      let acc = 0;
      for (let j = 0; j < len; j++) {
        const x = H[a + j] - (vi * H[p + j] + wi * H[v + j]);
        H[a + j] = x;
        acc += x * H[u + j];
        H[q + j] += x * ui;
      }
      return acc;
    },
    trisweep(a, n, i0, v, u, p, q) {
      const H = buf;
      for (let i = i0; i < n; i++) {
        const aii = a + i * n + i;
        const vi = H[v + i];
        const wi = H[p + i];
        const ui = H[u + i];
        const x = H[aii] - 2 * vi * wi;
        H[aii] = x;
        H[q + i] += x * ui + this.trirow(aii + 1, n - i - 1, vi, wi, ui, p + i + 1, v + i + 1, u + i + 1, q + i + 1);
      }
    },
    trsml(l, ldl, x, ldx, nb, len) {
      const H = buf;
      for (let i = 0; i < nb; i++) {
        const xi = x + i * ldx;
        const li = l + i * ldl;
        for (let p = 0; p < i; p++) {
          const c = H[li + p];
          if (c === 0) continue;
          const xp = x + p * ldx;
          for (let j = 0; j < len; j++) H[xi + j] -= c * H[xp + j];
        }
        const inv = 1 / H[li + i];
        for (let j = 0; j < len; j++) H[xi + j] *= inv;
      }
    },
    reflect(v, beta, rows, ldr, count, len) {
      const H = buf;
      for (let r = 0; r < count; r++) {
        const ro = rows + r * ldr;
        let dot = 0;
        for (let i = 0; i < len; i++) dot += H[v + i] * H[ro + i];
        const t = beta * dot;
        if (t !== 0) for (let i = 0; i < len; i++) H[ro + i] -= t * H[v + i];
      }
    },
  };
}

interface WasmExports {
  panels(pa: number, pb: number, kc: number, chunks: number, np: number, nq: number, c: number, upper: number, p0: number, p1: number): void;
  trirow(a: number, len: number, vi: number, wi: number, ui: number, p: number, v: number, u: number, q: number): number;
  trisweep(a: number, n: number, i0: number, v: number, u: number, p: number, q: number): void;
  trsml(l: number, ldl: number, x: number, ldx: number, nb: number, len: number): void;
  reflect(v: number, beta: number, rows: number, ldr: number, count: number, len: number): void;
}

/** Largest heap the wasm32 backend takes (bytes; the module's memory maximum); larger problems use the JS backend. */
const WASM_MAX_BYTES = 2 ** 31;

/**
 * The second core. A helper thread (started by the Node entry points through
 * kernelThreads.ts; core itself never spawns threads) instantiates the same module on the
 * same shared memory and runs the upper part of the panel rows of large `panels` calls.
 * Protocol on the Int32Array `control`:
 *   [0] state: 0 idle, 1 job posted, 2 done, 3 failed (trap)
 *   [1] 1 once the helper is instantiated and waiting
 *   [2..11] the job: pa, pb, kc, chunks, np, nq, c, upper, p0, p1 (byte offsets, as the wasm export)
 */
export interface KernelHelperLink {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

/** The helper thread's code (CommonJS, run with `new Worker(HELPER_SOURCE, { eval: true, workerData: link })`). */
export const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const ctl = new Int32Array(control);
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.store(ctl, 1, 1);
for (;;) {
  Atomics.wait(ctl, 0, 0);
  if (Atomics.load(ctl, 0) !== 1) continue;
  try {
    ex.panels(ctl[2], ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], ctl[9], ctl[10], ctl[11]);
    Atomics.store(ctl, 0, 2);
  } catch {
    Atomics.store(ctl, 0, 3);
  }
  Atomics.notify(ctl, 0);
}
`;

/** Below this many multiply-adds a `panels` call stays on one thread (fork/join costs ~0.05 ms). */
const SPLIT_MIN_FMA = 1 << 21;
/** A helper that has not finished its share after this long is considered gone. */
const HELPER_TIMEOUT_MS = 120_000;

interface WasmBackend {
  kernels: Kernels;
  link: KernelHelperLink;
}

function createWasmKernels(): WasmBackend | undefined {
  try {
    if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function') return undefined;
    if (!WebAssembly.validate(wasmBytes)) return undefined;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: WASM_MAX_BYTES / 65536, shared: true });
    const module = new WebAssembly.Module(wasmBytes);
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmExports;
    const control = new SharedArrayBuffer(16 * 4);
    const ctl = new Int32Array(control);
    let helperOk = true;
    useHelper = (on) => {
      helperOk = on;
    };
    let view = new Float64Array(memory.buffer);
    /** Waits for the helper's share; true when it had finished before the wait. */
    const joinHelper = (): boolean => {
      const early = Atomics.load(ctl, 0) !== 1;
      const t0 = Date.now();
      while (Atomics.load(ctl, 0) === 1) {
        Atomics.wait(ctl, 0, 1, 1000);
        if (Atomics.load(ctl, 0) === 1 && Date.now() - t0 > HELPER_TIMEOUT_MS) {
          helperOk = false;
          throw new Error('the kernel helper thread stopped responding');
        }
      }
      const state = Atomics.load(ctl, 0);
      Atomics.store(ctl, 0, 0);
      if (state !== 2) {
        helperOk = false;
        throw new Error('the kernel helper thread failed');
      }
      return early;
    };
    /**
     * Runs this thread's share of a `panels` call and hands the rest (about `share` of the
     * 4x4 blocks, the last panel rows) to the helper; undefined when it all ran here. Each
     * block of C is computed by one thread in the same order whatever the split, so the
     * results are bit-identical with or without the helper.
     */
    const startPanels: NonNullable<Kernels['panelsDeferred']> = (pa, pb, kc, chunks, np, nq, c, upper, p0, p1, share) => {
      const up = upper ? 1 : 0;
      let total = 0;
      for (let p = p0; p < p1; p++) total += upper ? nq - p : nq;
      const big = total * kc * chunks * 16 >= SPLIT_MIN_FMA;
      if (big && helperWanted) {
        // first product worth splitting: have the entry point start the helper (it is
        // ready for the next one; this one runs on this thread)
        const start = helperWanted;
        helperWanted = undefined;
        start();
      }
      if (!helperOk || Atomics.load(ctl, 1) !== 1 || !big) {
        ex.panels(8 * pa, 8 * pb, kc, chunks, np, nq, 8 * c, up, p0, p1);
        return undefined;
      }
      // split the panel rows so this thread gets about 1 - share of the 4x4 blocks
      let split = p0;
      for (let acc = 0; split < p1 && acc < (1 - share) * total; split++) acc += upper ? nq - split : nq;
      ctl.set([8 * pa, 8 * pb, kc, chunks, np, nq, 8 * c, up, split, p1], 2);
      Atomics.store(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      ex.panels(8 * pa, 8 * pb, kc, chunks, np, nq, 8 * c, up, p0, split);
      return joinHelper;
    };
    const runPanels = (pa: number, pb: number, kc: number, chunks: number, np: number, nq: number, c: number, upper: boolean, p0: number, p1: number): void => {
      startPanels(pa, pb, kc, chunks, np, nq, c, upper, p0, p1, 0.5)?.();
    };
    const k: Kernels = {
      name: 'wasm-simd',
      reserve(doubles) {
        const bytes = doubles * 8;
        if (bytes > WASM_MAX_BYTES) throw new RangeError(`kernel heap of ${bytes} bytes exceeds the WebAssembly limit`);
        const have = memory.buffer.byteLength;
        if (bytes > have) memory.grow(Math.ceil((Math.min(WASM_MAX_BYTES, Math.max(bytes, 2 * have)) - have) / 65536));
        if (view.length * 8 !== memory.buffer.byteLength) view = new Float64Array(memory.buffer);
      },
      heap: () => (view.length * 8 === memory.buffer.byteLength ? view : (view = new Float64Array(memory.buffer))),
      panels: runPanels,
      panelsDeferred: startPanels,
      trirow: (a, len, vi, wi, ui, p, v, u, q) => ex.trirow(8 * a, len, vi, wi, ui, 8 * p, 8 * v, 8 * u, 8 * q),
      trisweep: (a, n, i0, v, u, p, q) => ex.trisweep(8 * a, n, i0, 8 * v, 8 * u, 8 * p, 8 * q),
      trsml: (l, ldl, x, ldx, nb, len) => ex.trsml(8 * l, 8 * ldl, 8 * x, 8 * ldx, nb, len),
      reflect: (v, beta, rows, ldr, count, len) => ex.reflect(8 * v, beta, 8 * rows, 8 * ldr, count, len),
    };
    // self-check on a tiny problem: a miscompiled or missing SIMD path must not give wrong numbers
    k.reserve(64);
    const h = k.heap();
    for (let i = 0; i < 8; i++) {
      h[i] = i + 1;
      h[8 + i] = 2 - i;
    }
    h.fill(0, 16, 32);
    k.panels(0, 8, 2, 1, 1, 1, 16, false, 0, 1);
    // C[t][s] = a0[t] b0[s] + a1[t] b1[s]
    for (let t = 0; t < 4; t++)
      for (let s = 0; s < 4; s++) {
        if (h[16 + 4 * t + s] !== (t + 1) * (2 - s) + (t + 5) * (2 - s - 4)) return undefined;
      }
    return { kernels: k, link: { module, memory, control } };
  } catch {
    return undefined;
  }
}

/** The work a `panelsDeferred` call left running, settled before any other use of the kernels. */
let deferred: (() => void) | undefined;

/**
 * Registers `settle` (wait for the helper's share of a `panelsDeferred` call, then use its
 * result) to run before the kernels or their heap are next used by anyone (every
 * `kernelsWithHeap`), or at `settleKernels`. One at a time: an earlier one is settled first.
 */
export function deferKernelJoin(settle: () => void): void {
  settleKernels();
  deferred = settle;
}

/** Settles the deferred work, if any (docs/architecture.md §5). */
export function settleKernels(): void {
  const settle = deferred;
  deferred = undefined;
  settle?.();
}

/** Set by kernelThreads.ts: starts the helper thread, called once, when a product is first worth splitting. */
let helperWanted: (() => void) | undefined;

/** Registers how to start the helper thread on demand (Node entry points, via kernelThreads.ts). */
export function onKernelHelperWanted(start: () => void): void {
  helperWanted = start;
}

/** Turns the helper thread's share on or off (the wasm backend installs this). */
let useHelper: (on: boolean) => void = () => undefined;

/** Lets tests and the benchmark compare one and two threads; the helper is used by default once ready. */
export function setKernelHelperEnabled(on: boolean): void {
  settleKernels();
  useHelper(on);
}

/** True when a helper thread is instantiated and waiting for work. */
export function kernelHelperReady(): boolean {
  const link = wasm()?.link;
  return link !== undefined && Atomics.load(new Int32Array(link.control), 1) === 1;
}

const jsKernels = createJsKernels();
let wasmBackend: WasmBackend | undefined | null = null; // null: not tried yet
let active: Kernels | undefined;

function wasm(): WasmBackend | undefined {
  if (wasmBackend === null) wasmBackend = createWasmKernels();
  return wasmBackend;
}

/** The kernels in use: WebAssembly SIMD when this runtime has it, else scalar JS. */
export function kernels(): Kernels {
  if (!active) active = wasm()?.kernels ?? jsKernels;
  return active;
}

/**
 * What a helper thread needs to share the `panels` work of this thread (kernelThreads.ts
 * starts it), or undefined when the WebAssembly backend is unavailable.
 */
export function kernelHelperLink(): KernelHelperLink | undefined {
  return wasm()?.link;
}

/**
 * The kernels in use with room for `doubles` doubles. A heap the wasm32 memory cannot
 * give (over 2 GiB, or the grow refused) falls back to the JS backend for this call
 * instead of failing the analysis.
 */
export function kernelsWithHeap(doubles: number): Kernels {
  settleKernels();
  const k = kernels();
  try {
    k.reserve(doubles);
    return k;
  } catch {
    jsKernels.reserve(doubles);
    return jsKernels;
  }
}

/**
 * Selects a backend (tests and `npm run bench` compare them). Returns the backend in
 * use afterwards: asking for `wasm-simd` where it is unavailable keeps `js`.
 */
export function setKernelBackend(name: KernelBackendName): KernelBackendName {
  settleKernels();
  active = name === 'js' ? jsKernels : (wasm()?.kernels ?? jsKernels);
  return active.name;
}
