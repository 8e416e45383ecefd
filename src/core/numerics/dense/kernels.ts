/**
 * The inner kernels that carry the O(n d^2) and O(d^3) work of the solvers (packed
 * product, tridiagonalisation pass, triangular-block solve, reflector), behind one
 * interface with three backends (docs/architecture.md §5):
 *
 * - `wasm-fma`: ./wasm/kernels.wat as written, assembled at build time (esbuild.config.mjs)
 *   and compiled synchronously here; f64x2 SIMD with the fused multiply-add of relaxed SIMD
 *   in the product's micro-kernel. Used where the runtime validates it (VS Code's Electron;
 *   Node 20 once `enableRelaxedSimd` in src/node/kernelThreads.ts has turned it on).
 * - `wasm-simd`: the same module with each multiply-add a multiply then an add (rounded
 *   twice), for runtimes with WebAssembly SIMD but without relaxed SIMD.
 * - `js`: the same kernels in scalar JavaScript, used when WebAssembly SIMD is not
 *   available and selectable for tests (all backends must agree to roundoff).
 *
 * All work on one growable heap of doubles; offsets below are in doubles. The heap is
 * scratch space owned by whichever linalg routine is running (everything here is
 * synchronous, so routines never interleave); `reserve` may move it, so views from
 * `heap()` must be re-taken after every `reserve`.
 */
import simdBytes from './wasm/kernels.wat';
import relaxedBytes from './wasm/kernels.wat?relaxed';

export type KernelBackendName = 'wasm-fma' | 'wasm-simd' | 'js';

export interface Kernels {
  readonly name: KernelBackendName;
  /** Ensures room for `doubles` doubles; invalidates earlier `heap()` views. */
  reserve(doubles: number): void;
  heap(): Float64Array;
  /**
   * The heap offset from which the latest `reserve` gave memory no one has reserved before:
   * still zero there (a product's C need not be cleared, and its pages are first touched by
   * the threads that compute it).
   */
  freshFrom(): number;
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
   * `panels` shared with the helper thread: posted for both threads and left running; the
   * returned function claims the tiles still unclaimed, runs them on this thread and waits
   * for the helper's. Undefined when everything already ran on this thread (no helper, or a
   * small product). Until the join, the operands and C must stay as they are and no other
   * kernel may run (`deferKernelJoin`). Absent on backends without a helper.
   */
  startPanels?(
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
  ): (() => void) | undefined;
}

/** How much of a heap has ever been reserved, and where the latest reservation's never-reserved part starts. */
interface HeapMarks {
  reserved: number;
  fresh: number;
}

function reserved(marks: HeapMarks, doubles: number): void {
  marks.fresh = marks.reserved;
  marks.reserved = Math.max(marks.reserved, doubles);
}

/** `Kernels.panels` in scalar JavaScript on the heap H (offsets in doubles). */
function jsPanels(
  H: Float64Array,
  pa0: number,
  pb0: number,
  kc: number,
  chunks: number,
  np: number,
  nq: number,
  c: number,
  upper: boolean,
  p0: number,
  p1: number,
): void {
  const ldc = 4 * nq;
  const stride = 4 * kc;
  for (let ch = 0; ch < chunks; ch++) {
    const pa = pa0 + ch * stride * np;
    const pb = pb0 + ch * stride * nq;
    for (let p = p0; p < p1; p++)
      for (let q = upper ? p : 0; q < nq; q++) jsBlock4x4(H, pa + p * stride, pb + q * stride, stride, c + 4 * p * ldc + 4 * q, ldc);
  }
}

/** C (row stride ldc) 4x4 block at c += the sum over the kc rows of a 4-wide panel pair (stride = 4 kc). */
function jsBlock4x4(H: Float64Array, ao: number, bo: number, stride: number, c: number, ldc: number): void {
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
  let o = c;
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

/** `Kernels.trirow` in scalar JavaScript. */
function jsTrirow(H: Float64Array, a: number, len: number, vi: number, wi: number, ui: number, p: number, v: number, u: number, q: number): number {
  let acc = 0;
  for (let j = 0; j < len; j++) {
    const x = H[a + j] - (vi * H[p + j] + wi * H[v + j]);
    H[a + j] = x;
    acc += x * H[u + j];
    H[q + j] += x * ui;
  }
  return acc;
}

/** `Kernels.trisweep` in scalar JavaScript. */
function jsTrisweep(H: Float64Array, a: number, n: number, i0: number, v: number, u: number, p: number, q: number): void {
  for (let i = i0; i < n; i++) {
    const aii = a + i * n + i;
    const vi = H[v + i];
    const wi = H[p + i];
    const ui = H[u + i];
    const x = H[aii] - 2 * vi * wi;
    H[aii] = x;
    H[q + i] += x * ui + jsTrirow(H, aii + 1, n - i - 1, vi, wi, ui, p + i + 1, v + i + 1, u + i + 1, q + i + 1);
  }
}

/** `Kernels.trsml` in scalar JavaScript. */
function jsTrsml(H: Float64Array, l: number, ldl: number, x: number, ldx: number, nb: number, len: number): void {
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
}

/** `Kernels.reflect` in scalar JavaScript. */
function jsReflect(H: Float64Array, v: number, beta: number, rows: number, ldr: number, count: number, len: number): void {
  for (let r = 0; r < count; r++) {
    const ro = rows + r * ldr;
    let dot = 0;
    for (let i = 0; i < len; i++) dot += H[v + i] * H[ro + i];
    const t = beta * dot;
    if (t !== 0) for (let i = 0; i < len; i++) H[ro + i] -= t * H[v + i];
  }
}

function createJsKernels(): Kernels {
  let buf = new Float64Array(1 << 13);
  const marks = { reserved: 0, fresh: 0 };
  return {
    name: 'js',
    reserve(doubles) {
      if (doubles > buf.length) {
        const next = new Float64Array(Math.max(doubles, 2 * buf.length));
        next.set(buf);
        buf = next;
      }
      reserved(marks, doubles);
    },
    heap: () => buf,
    freshFrom: () => marks.fresh,
    panels: (pa, pb, kc, chunks, np, nq, c, upper, p0, p1) => jsPanels(buf, pa, pb, kc, chunks, np, nq, c, upper, p0, p1),
    trirow: (a, len, vi, wi, ui, p, v, u, q) => jsTrirow(buf, a, len, vi, wi, ui, p, v, u, q),
    trisweep: (a, n, i0, v, u, p, q) => jsTrisweep(buf, a, n, i0, v, u, p, q),
    trsml: (l, ldl, x, ldx, nb, len) => jsTrsml(buf, l, ldl, x, ldx, nb, len),
    reflect: (v, beta, rows, ldr, count, len) => jsReflect(buf, v, beta, rows, ldr, count, len),
  };
}

interface WasmExports {
  panels(pa: number, pb: number, kc: number, chunks: number, np: number, nq: number, c: number, upper: number, p0: number, p1: number): void;
  tiles(p0: number, p1: number, nq: number): number;
  work(gen: number): number;
  trirow(a: number, len: number, vi: number, wi: number, ui: number, p: number, v: number, u: number, q: number): number;
  trisweep(a: number, n: number, i0: number, v: number, u: number, p: number, q: number): void;
  trsml(l: number, ldl: number, x: number, ldx: number, nb: number, len: number): void;
  reflect(v: number, beta: number, rows: number, ldr: number, count: number, len: number): void;
}

/** Largest heap the wasm32 backends take (bytes; the module's memory maximum); larger problems use the JS backend. */
const WASM_MAX_BYTES = 2 ** 31;
/** Bytes at address 0 of the memory that hold the job block; the heap of doubles starts after them. */
const JOB_BYTES = 128;
/** Words of the job block (kernels.wat, `work`). */
const JOB = { claim: 0, gen: 1, finished: 2, failed: 3, ready: 4, params: 5, module: 15, helperTiles: 16, started: 17 } as const;

/**
 * The second core. A helper thread (started by the Node entry points through
 * kernelThreads.ts; core itself never spawns threads) instantiates the same modules on the
 * same shared memory. A large product is posted in the job block at address 0 of the memory
 * (JOB: its operands, the generation, which module) and cut into tiles that both threads
 * claim (`work` in kernels.wat) until none is left; every tile computes its blocks of C
 * whole, chunk after chunk, so the results do not depend on who ran which tile.
 * `modules[JOB.module]` is the module of the posted job: 0 without relaxed SIMD, 1 with.
 */
export interface KernelHelperLink {
  modules: WebAssembly.Module[];
  memory: WebAssembly.Memory;
}

/** The helper thread's code (CommonJS, run with `new Worker(HELPER_SOURCE, { eval: true, workerData: link })`). */
export const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { modules, memory } = workerData;
const ctl = new Int32Array(memory.buffer, 0, ${JOB_BYTES / 4});
const ex = modules.map((module) => new WebAssembly.Instance(module, { env: { memory } }).exports);
// -1: the job posted while this thread was starting, if any, is joined at once
let seen = -1;
Atomics.store(ctl, ${JOB.ready}, 1);
for (;;) {
  Atomics.wait(ctl, ${JOB.gen}, seen);
  seen = Atomics.load(ctl, ${JOB.gen});
  try {
    Atomics.add(ctl, ${JOB.helperTiles}, ex[ctl[${JOB.module}]].work(seen));
  } catch {
    Atomics.store(ctl, ${JOB.failed}, 1);
    Atomics.notify(ctl, ${JOB.finished});
  }
}
`;

/** Below this many multiply-adds a product stays on one thread (fork/join costs ~0.05 ms). */
const SPLIT_MIN_FMA = 1 << 21;
/** A helper that has not finished its tiles after this long is considered gone. */
const HELPER_TIMEOUT_MS = 120_000;

/** Byte address of heap offset o (doubles). */
const at = (o: number): number => JOB_BYTES + 8 * o;

/** The fork/join of products over the job block: one per memory, shared by both modules. */
interface JobBoard {
  /** Posts `panels(...)` of module `moduleIndex` for both threads; returns the join (claim what is left, wait for the rest). */
  post(ex: WasmExports, moduleIndex: number, args: number[]): () => void;
  /** A helper thread is ready or starting, and allowed to take work. */
  helping(): boolean;
  setEnabled(on: boolean): void;
}

function createJobBoard(memory: WebAssembly.Memory): JobBoard {
  const ctl = new Int32Array(memory.buffer, 0, JOB_BYTES / 4);
  let gen = Atomics.load(ctl, JOB.gen);
  let enabled = true;
  const fail = (why: string): never => {
    enabled = false;
    throw new Error(why);
  };
  return {
    // a helper still starting joins the posted job when it is ready (HELPER_SOURCE)
    helping: () => enabled && (Atomics.load(ctl, JOB.ready) === 1 || Atomics.load(ctl, JOB.started) === 1),
    setEnabled(on) {
      enabled = on;
    },
    post(ex, moduleIndex, args) {
      const [, , , , , nq, , , p0, p1] = args;
      const tiles = ex.tiles(p0, p1, nq);
      gen = (gen + 1) & 0xffff;
      const mine = gen;
      ctl.set(args, JOB.params);
      ctl[JOB.module] = moduleIndex;
      Atomics.store(ctl, JOB.finished, 0);
      Atomics.store(ctl, JOB.claim, mine << 16);
      Atomics.store(ctl, JOB.gen, mine);
      Atomics.notify(ctl, JOB.gen);
      return () => {
        ex.work(mine);
        const t0 = Date.now();
        for (let done = Atomics.load(ctl, JOB.finished); done < tiles; done = Atomics.load(ctl, JOB.finished)) {
          if (Atomics.load(ctl, JOB.failed) !== 0) fail('the kernel helper thread failed');
          Atomics.wait(ctl, JOB.finished, done, 1000);
          if (Atomics.load(ctl, JOB.finished) < tiles && Date.now() - t0 > HELPER_TIMEOUT_MS) fail('the kernel helper thread stopped responding');
        }
      };
    },
  };
}

/** Multiply-adds of `panels(…, p0, p1)`: 16 kc per 4x4 block per chunk. */
function productSize(kc: number, chunks: number, nq: number, upper: boolean, p0: number, p1: number): number {
  let blocks = 0;
  for (let p = p0; p < p1; p++) blocks += upper ? Math.max(0, nq - p) : nq;
  return blocks * kc * chunks * 16;
}

/** The kernels of one instance of kernels.wat on the shared memory (`moduleIndex` as in KernelHelperLink). */
function wasmKernels(name: KernelBackendName, ex: WasmExports, moduleIndex: number, memory: WebAssembly.Memory, board: JobBoard, marks: HeapMarks): Kernels {
  let view = new Float64Array(memory.buffer, JOB_BYTES);
  const fresh = () => (view.length === (memory.buffer.byteLength - JOB_BYTES) / 8 ? view : (view = new Float64Array(memory.buffer, JOB_BYTES)));
  const startPanels: NonNullable<Kernels['startPanels']> = (pa, pb, kc, chunks, np, nq, c, upper, p0, p1) => {
    const big = productSize(kc, chunks, nq, upper, p0, p1) >= SPLIT_MIN_FMA;
    if (big && helperWanted) {
      // first product worth splitting: have the entry point start the helper (it joins
      // this product if it is ready before the product is done)
      const start = helperWanted;
      helperWanted = undefined;
      start();
    }
    const args = [at(pa), at(pb), kc, chunks, np, nq, at(c), upper ? 1 : 0, p0, p1];
    if (big && board.helping()) return board.post(ex, moduleIndex, args);
    ex.panels(...(args as Parameters<WasmExports['panels']>));
    return undefined;
  };
  return {
    name,
    reserve(doubles) {
      const bytes = JOB_BYTES + doubles * 8;
      if (bytes > WASM_MAX_BYTES) throw new RangeError(`kernel heap of ${bytes} bytes exceeds the WebAssembly limit`);
      const have = memory.buffer.byteLength;
      if (bytes > have) memory.grow(Math.ceil((Math.min(WASM_MAX_BYTES, Math.max(bytes, 2 * have)) - have) / 65536));
      fresh();
      reserved(marks, doubles);
    },
    heap: fresh,
    freshFrom: () => marks.fresh,
    panels: (pa, pb, kc, chunks, np, nq, c, upper, p0, p1) => startPanels(pa, pb, kc, chunks, np, nq, c, upper, p0, p1)?.(),
    startPanels,
    trirow: (a, len, vi, wi, ui, p, v, u, q) => ex.trirow(at(a), len, vi, wi, ui, at(p), at(v), at(u), at(q)),
    trisweep: (a, n, i0, v, u, p, q) => ex.trisweep(at(a), n, i0, at(v), at(u), at(p), at(q)),
    trsml: (l, ldl, x, ldx, nb, len) => ex.trsml(at(l), 8 * ldl, at(x), 8 * ldx, nb, len),
    reflect: (v, beta, rows, ldr, count, len) => ex.reflect(at(v), beta, at(rows), 8 * ldr, count, len),
  };
}

/** Self-check on a tiny product: a miscompiled or missing SIMD path must not give wrong numbers. */
function productIsRight(k: Kernels): boolean {
  k.reserve(64);
  const h = k.heap();
  for (let i = 0; i < 8; i++) {
    h[i] = i + 1;
    h[8 + i] = 2 - i;
  }
  h.fill(0, 16, 32);
  k.panels(0, 8, 2, 1, 1, 1, 16, false, 0, 1);
  // C[t][s] = a0[t] b0[s] + a1[t] b1[s]
  for (let t = 0; t < 4; t++) for (let s = 0; s < 4; s++) if (h[16 + 4 * t + s] !== (t + 1) * (2 - s) + (t + 5) * (2 - s - 4)) return false;
  return true;
}

interface WasmBackends {
  /** Without relaxed SIMD (multiply, then add). */
  simd: Kernels;
  /** With the fused multiply-add of relaxed SIMD, where the runtime has it. */
  fma?: Kernels;
  link: KernelHelperLink;
  board: JobBoard;
}

/** Both instances of kernels.wat on one shared memory, or undefined without WebAssembly SIMD or shared memory. */
function createWasmKernels(): WasmBackends | undefined {
  try {
    if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function') return undefined;
    if (!WebAssembly.validate(simdBytes)) return undefined;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: WASM_MAX_BYTES / 65536, shared: true });
    const board = createJobBoard(memory);
    // one memory, one heap: both modules' kernels share its marks
    const marks: HeapMarks = { reserved: 0, fresh: 0 };
    const instance = (m: WebAssembly.Module) => new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as WasmExports;
    const modules = [new WebAssembly.Module(simdBytes)];
    const simd = wasmKernels('wasm-simd', instance(modules[0]), 0, memory, board, marks);
    if (!productIsRight(simd)) return undefined;
    let fma: Kernels | undefined;
    if (WebAssembly.validate(relaxedBytes)) {
      modules.push(new WebAssembly.Module(relaxedBytes));
      fma = wasmKernels('wasm-fma', instance(modules[1]), 1, memory, board, marks);
      if (!productIsRight(fma)) {
        fma = undefined;
        modules.pop();
      }
    }
    return { simd, ...(fma ? { fma } : {}), link: { modules, memory }, board };
  } catch {
    return undefined;
  }
}

/** The work a `startPanels` call left running, and whose it is; settled before any other use of the kernels. */
let deferred: { owner: object; settle: () => void } | undefined;

/**
 * Registers `settle` (wait for the helper's tiles of a `startPanels` call, then use the
 * result) to run before the kernels or their heap are next used by anyone else (every
 * `kernelsWithHeap`), or at `settleKernels`. One at a time: another owner's is settled
 * first; the same owner's is replaced (the owner joins its own work itself).
 */
export function deferKernelJoin(owner: object, settle: () => void): void {
  if (deferred && deferred.owner !== owner) settleKernels();
  deferred = { owner, settle };
}

/** True when the deferred work is `owner`'s (the heap still holds its layout). */
export function ownsKernels(owner: object): boolean {
  return deferred?.owner === owner;
}

/** Settles the deferred work, if any (docs/architecture.md §5). */
export function settleKernels(): void {
  const d = deferred;
  deferred = undefined;
  d?.settle();
}

/** Set by kernelThreads.ts: starts the helper thread, called once, when a product is first worth splitting. */
let helperWanted: (() => void) | undefined;

/** Registers how to start the helper thread on demand (Node entry points, via kernelThreads.ts). */
export function onKernelHelperWanted(start: () => void): void {
  helperWanted = start;
}

/** Lets tests and the benchmark compare one and two threads; the helper is used by default once ready. */
export function setKernelHelperEnabled(on: boolean): void {
  settleKernels();
  wasm()?.board.setEnabled(on);
}

/** True when a helper thread is instantiated and waiting for work. */
export function kernelHelperReady(): boolean {
  const link = wasm()?.link;
  return link !== undefined && Atomics.load(new Int32Array(link.memory.buffer, 0, JOB_BYTES / 4), JOB.ready) === 1;
}

/** How many tiles of shared products the helper thread has run so far (tests, the benchmark). */
export function kernelHelperTiles(): number {
  const link = wasm()?.link;
  return link ? Atomics.load(new Int32Array(link.memory.buffer, 0, JOB_BYTES / 4), JOB.helperTiles) : 0;
}

/** Marks the helper as starting (kernelThreads.ts, once its thread is spawned): products are posted for it from now on. */
export function kernelHelperStarting(): void {
  const link = wasm()?.link;
  if (link) Atomics.store(new Int32Array(link.memory.buffer, 0, JOB_BYTES / 4), JOB.started, 1);
}

/** Marks the helper as gone (kernelThreads.ts, when its thread exits): products stay on this thread. */
export function kernelHelperGone(): void {
  const link = wasm()?.link;
  if (!link) return;
  const ctl = new Int32Array(link.memory.buffer, 0, JOB_BYTES / 4);
  Atomics.store(ctl, JOB.started, 0);
  Atomics.store(ctl, JOB.ready, 0);
}

const jsKernels = createJsKernels();
let wasmBackends: WasmBackends | undefined | null = null; // null: not tried yet
let active: Kernels | undefined;

function wasm(): WasmBackends | undefined {
  if (wasmBackends === null) wasmBackends = createWasmKernels();
  return wasmBackends;
}

/** The kernels in use: WebAssembly with relaxed-SIMD fused multiply-add, else WebAssembly SIMD, else scalar JS. */
export function kernels(): Kernels {
  if (!active) active = wasm()?.fma ?? wasm()?.simd ?? jsKernels;
  return active;
}

/**
 * What a helper thread needs to share the products of this thread (kernelThreads.ts
 * starts it), or undefined when the WebAssembly backends are unavailable.
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
 * Selects a backend (tests and `npm run bench` compare them). Returns the backend in use
 * afterwards: `wasm-fma` where relaxed SIMD is missing gives `wasm-simd`, and either where
 * WebAssembly SIMD is missing gives `js`.
 */
export function setKernelBackend(name: KernelBackendName): KernelBackendName {
  settleKernels();
  const w = wasm();
  active = name === 'js' ? jsKernels : ((name === 'wasm-fma' ? w?.fma : undefined) ?? w?.simd ?? jsKernels);
  return active.name;
}
