/**
 * Extreme eigenpairs of a large symmetric operator given only as y = A x: thick-restart
 * Lanczos (Wu & Simon, SIAM J. Matrix Anal. Appl. 22 (2000)) with full
 * reorthogonalisation, used by graph mode for the bottom of the Laplacian and the top of the
 * normalised adjacency (docs/theory.md §7.5, §7.6).
 *
 * - Each step removes the three-term (after a restart: arrowhead) recurrence explicitly,
 *   then runs one classical Gram–Schmidt pass against the whole basis, and a second one
 *   when that pass cancelled more than 30 % of the norm ("twice is enough"). The basis
 *   stays orthonormal to roundoff, so the projected matrix is exactly the
 *   arrowhead-plus-tridiagonal T of thick restart.
 * - The basis and these passes live in one workspace of vectorKernels.ts (WebAssembly SIMD,
 *   scalar JS as the fallback); the operator is any JS function on views of it.
 * - A known invariant subspace (a Laplacian's constant vector, the Perron vector of a
 *   normalised adjacency, pairs already found) is deflated: its vectors sit in front of the
 *   basis and every Gram–Schmidt pass includes them, so roundoff along them cannot grow.
 * - Breakdown (β ≈ 0: the Krylov space is invariant, as for a complete graph) continues
 *   with a random vector orthogonal to the basis, so exact multiplicities are found; a
 *   space spanned entirely ends the iteration with exact Ritz values.
 * - Restart keeps the nev + 0.3 (m − nev) best Ritz vectors plus the residual vector.
 * - A single-vector Krylov method can miss a copy of a repeated eigenvalue that its start
 *   vector does not excite (a cycle or a grid graph). {@link symmetricEigs} therefore checks
 *   the result with one more run from a fresh random vector, deflated against the pairs
 *   found: when its top Ritz value beats the worst pair found, that pair is swapped in and
 *   the check repeats; the check stops as soon as its top Ritz value is below the worst
 *   pair by twice its residual (it then cannot beat it).
 */
import { Matrix } from '../dense/matrix';
import { symmetricEigen } from '../dense/eigen';
import { gemmTN, operand } from '../dense/blas';
import { Rng } from '../rng';
import { SparseError } from './csr';
import { vectorWorkspace, type ScaledCsr, type VectorWorkspace } from './vectorKernels';

export type Apply = (x: Float64Array, y: Float64Array) => void;
/** The operator: a JS function y = A x, or a graph operator run by the vector kernels. */
export type Operator = Apply | ScaledCsr;

export interface EigsOptions {
  /** Which end of the spectrum. */
  which: 'smallest' | 'largest';
  /** Orthonormal vectors spanning an invariant subspace to leave out (eigenvectors already known). */
  deflate?: readonly Float64Array[];
  /** Also removes a known invariant subspace from a vector in place (after every product). */
  project?: (v: Float64Array) => void;
  /** Dimension of the space left (default n − deflate.length). */
  dimension?: number;
  /** Eigenvectors wanted (default false: values only). */
  vectors?: boolean;
  /** Residual tolerance relative to the estimated ‖A‖ (default 1e-10). */
  tol?: number;
  /** Basis size m (default max(2 nev + 24, nev + 30), at most the dimension). */
  basis?: number;
  /** Products A x allowed per run before `no-convergence` (default max(20000, 200 m)). */
  maxMatvecs?: number;
  /** Seed of the random start vectors (default 1). */
  seed?: number;
  /** Check for missed copies of repeated eigenvalues (default true). */
  verify?: boolean;
  /** With maxMatvecs as a budget: give up early when the convergence so far says it will not suffice. */
  giveUpEarly?: boolean;
}

export interface EigsResult {
  /** Ascending for 'smallest', descending for 'largest'. */
  values: Float64Array;
  /** Unit eigenvectors, one per value (when asked for). */
  vectors?: Float64Array[];
  /** Products A x used, and the estimate of ‖A‖ (largest |Ritz value| seen). */
  matvecs: number;
  anorm: number;
}

/**
 * The nev eigenvalues of the symmetric operator `apply` at one end of its spectrum (on the
 * complement of `deflate` and the range of `project` when given).
 */
export function symmetricEigs(apply: Operator, n: number, nev: number, opts: EigsOptions): EigsResult {
  const deflate = opts.deflate ?? [];
  const dim = opts.dimension ?? n - deflate.length;
  if (!Number.isInteger(nev) || nev < 0 || nev > dim)
    throw new SparseError('dimension-mismatch', `symmetricEigs: ${nev} eigenpairs requested on a space of dimension ${dim}`);
  if (nev === 0) return { values: new Float64Array(0), ...(opts.vectors ? { vectors: [] } : {}), matvecs: 0, anorm: 0 };
  const sign = opts.which === 'smallest' ? -1 : 1;
  const op: Operator =
    sign === 1
      ? apply
      : typeof apply === 'function'
        ? (x, y) => {
            apply(x, y);
            for (let i = 0; i < n; i++) y[i] = -y[i];
          }
        : { ...apply, alpha: -apply.alpha, beta: -apply.beta };
  const tol = opts.tol ?? 1e-10;
  const seed = opts.seed ?? 1;
  const verify = opts.verify !== false && nev < dim;
  const main = largest(op, n, nev, {
    deflate,
    project: opts.project,
    dimension: dim,
    basis: opts.basis,
    tol,
    maxMatvecs: opts.maxMatvecs,
    seed,
    vectors: verify || opts.vectors === true,
    ...(opts.giveUpEarly ? { giveUpEarly: true } : {}),
  });
  const values = main.values;
  const vectors = main.vectors;
  let matvecs = main.matvecs;
  let anorm = main.anorm;
  if (verify) {
    for (let round = 0; round < nev; round++) {
      const worst = values[nev - 1];
      const check = largest(op, n, 1, {
        deflate: [...deflate, ...vectors!],
        project: opts.project,
        dimension: dim - nev,
        tol,
        maxMatvecs: opts.maxMatvecs,
        seed: seed + 7919 * (round + 1),
        vectors: true,
        basis: Math.min(dim - nev, Math.max(20, Math.min(nev + 10, 40))),
        below: worst,
      });
      matvecs += check.matvecs;
      anorm = Math.max(anorm, check.anorm);
      const mu = check.values[0];
      if (!(mu > worst + tol * anorm)) break;
      // a missed pair: swap it in for the worst and look again
      let pos = nev - 1;
      while (pos > 0 && values[pos - 1] < mu) {
        values[pos] = values[pos - 1];
        vectors![pos] = vectors![pos - 1];
        pos--;
      }
      values[pos] = mu;
      vectors![pos] = check.vectors![0];
    }
  }
  const out = new Float64Array(nev);
  for (let i = 0; i < nev; i++) out[i] = sign * values[i];
  return { values: out, ...(opts.vectors ? { vectors } : {}), matvecs, anorm };
}

interface LargestOptions {
  deflate: readonly Float64Array[];
  project?: (v: Float64Array) => void;
  dimension: number;
  basis?: number;
  tol: number;
  maxMatvecs?: number;
  seed: number;
  vectors: boolean;
  /** nev = 1 check runs: stop once the top Ritz value is provably below this. */
  below?: number;
  /** Give up (no-convergence) as soon as the residuals' decrease so far says maxMatvecs will not do. */
  giveUpEarly?: boolean;
}

/**
 * True when the residuals of the restart cycles, extrapolated geometrically over the last
 * three, would need more than four times the products left to reach tol (or have not
 * decreased over six cycles). Cautious: convergence speeds up as Ritz values settle.
 */
function hopeless(history: readonly number[], worst: number, tol: number, left: number, perCycle: number): boolean {
  if (history.length < 3 || worst <= tol) return false;
  const before = history[history.length - 3];
  if (!(worst < before)) return history.length >= 6;
  const cycles = (3 * Math.log(worst / tol)) / Math.log(before / worst);
  return cycles * perCycle > 4 * left;
}

/**
 * Share of the unconverged Ritz vectors kept at a restart (beyond the nev wanted): fewer
 * restarts, each combining fewer vectors, against less information carried over; measured
 * on kNN-graph Laplacians, 0.3 with a basis of 2 nev + 24 did best.
 */
const RESTART_KEEP = 0.3;

/** The state of one thick-restart Lanczos run (lanczos.ts's workspace layout). */
interface LanczosRun {
  apply: Operator;
  ws: VectorWorkspace;
  n: number;
  /** deflated vectors: workspace rows 0..L−1; basis vector j in row L + j (j = 0..m) */
  L: number;
  m: number;
  /** offset of the Gram–Schmidt coefficients, and of the scratch of a restart's combination ({@link CHUNK} columns of m rows) */
  coef: number;
  chunk: number;
  alpha: Float64Array;
  beta: Float64Array;
  /** kept Ritz values and their couplings to the residual vector (the arrowhead) */
  theta: Float64Array;
  sig: Float64Array;
  rng: Rng;
  project?: (v: Float64Array) => void;
  matvecs: number;
  anorm: number;
}

/** Thick-restart Lanczos for the nev largest eigenpairs (values descending). */
function largest(
  apply: Operator,
  n: number,
  nev: number,
  o: LargestOptions,
): { values: Float64Array; vectors?: Float64Array[]; matvecs: number; anorm: number } {
  const run = startRun(apply, n, nev, o);
  const { m } = run;
  const maxMatvecs = o.maxMatvecs ?? Math.max(20000, 200 * m);
  const history: number[] = [];
  let k = 0;
  for (;;) {
    const { mEff, exhausted } = extend(run, k);
    const e = ritz(run, k, mEff);
    const Y = e.vectors.data;
    const bLast = exhausted ? 0 : run.beta[mEff - 1];
    for (let i = 0; i < mEff; i++) run.anorm = Math.max(run.anorm, Math.abs(e.values[i]));
    if (mEff < nev) throw new SparseError('dimension-mismatch', `symmetricEigs: the space has dimension ${mEff} < ${nev}`);
    let converged = true;
    for (let i = 0; i < nev && converged; i++) if (Math.abs(bLast * Y[(mEff - 1) * mEff + i]) > o.tol * run.anorm) converged = false;
    if (!converged && o.below !== undefined) {
      // a check run: the top Ritz value cannot reach `below` any more
      const res = Math.abs(bLast * Y[(mEff - 1) * mEff]);
      if (e.values[0] + 2 * res < o.below - o.tol * run.anorm) converged = true;
    }
    if (converged || exhausted) {
      const values = e.values.slice(0, nev);
      if (!o.vectors) return { values, matvecs: run.matvecs, anorm: run.anorm };
      combineInPlace(run, mEff, Y, nev);
      const V = run.ws.heap;
      const vectors: Float64Array[] = [];
      for (let i = 0; i < nev; i++) vectors.push(V.slice((run.L + i) * n, (run.L + i + 1) * n));
      return { values, vectors, matvecs: run.matvecs, anorm: run.anorm };
    }
    // the worst residual of the wanted pairs, relative to ‖A‖
    let worst = 0;
    for (let i = 0; i < nev; i++) worst = Math.max(worst, Math.abs(bLast * Y[(mEff - 1) * mEff + i]) / run.anorm);
    if (run.matvecs >= maxMatvecs || (o.giveUpEarly && hopeless(history, worst, o.tol, maxMatvecs - run.matvecs, mEff - k))) {
      throw new SparseError('no-convergence', `Lanczos did not converge to ${nev} eigenpairs in ${run.matvecs} products (basis ${m}, tolerance ${o.tol})`);
    }
    history.push(worst);
    k = restart(run, nev, mEff, e, bLast);
  }
}

/** The workspace (deflated vectors, the basis, the coefficients, a restart's chunk scratch) and a random start vector. */
function startRun(apply: Operator, n: number, nev: number, o: LargestOptions): LanczosRun {
  const dim = o.dimension;
  const m = Math.max(Math.min(dim, Math.max(o.basis ?? 0, 2 * nev + 24, nev + 30)), nev);
  const L = o.deflate.length;
  const coef = (L + m + 1) * n;
  const chunk = coef + L + m + 1;
  const ws = vectorWorkspace(chunk + m * Math.min(CHUNK, n), typeof apply === 'function' ? undefined : apply);
  for (let r = 0; r < L; r++) ws.heap.set(o.deflate[r], r * n);
  const run: LanczosRun = {
    apply,
    ws,
    n,
    L,
    m,
    coef,
    chunk,
    alpha: new Float64Array(m),
    beta: new Float64Array(m),
    theta: new Float64Array(0),
    sig: new Float64Array(0),
    rng: new Rng(o.seed),
    ...(o.project ? { project: o.project } : {}),
    matvecs: 0,
    anorm: 0,
  };
  if (!randomOrthogonal(ws, L, n, L * n, run.rng, o.project, coef)) {
    throw new SparseError('dimension-mismatch', 'symmetricEigs: the space left by the deflation is empty');
  }
  return run;
}

/**
 * Lanczos steps k..m−1: each removes the recurrence explicitly, then reorthogonalises against
 * the deflated vectors and the basis (twice when the first pass cancelled much). mEff < m when
 * the whole space was spanned (exhausted).
 */
function extend(run: LanczosRun, k: number): { mEff: number; exhausted: boolean } {
  const { ws, n, L, m, coef, alpha, beta, sig, apply, project } = run;
  const V = ws.heap;
  const at = (j: number): number => (L + j) * n;
  const row = (j: number): Float64Array => V.subarray(at(j), at(j + 1));
  for (let j = k; j < m; j++) {
    const vj = at(j);
    const w = at(j + 1);
    if (typeof apply === 'function') apply(row(j), row(j + 1));
    else ws.apply(vj, w);
    run.matvecs++;
    if (project) project(row(j + 1));
    // the recurrence: the arrowhead couplings right after a restart, else β_{j-1} v_{j-1}
    if (j === k && k > 0) {
      for (let i = 0; i < k; i++) ws.axpy(w, at(i), -sig[i], n);
    } else if (j > 0 && beta[j - 1] !== 0) {
      ws.axpy(w, at(j - 1), -beta[j - 1], n);
    }
    let a = ws.dot(vj, w, n);
    ws.axpy(w, vj, -a, n);
    let b = Math.sqrt(ws.nrm2sq(w, n));
    for (let pass = 0; pass < 2; pass++) {
      const before = b;
      ws.gs(0, L + j + 1, n, w, coef);
      a += V[coef + L + j];
      if (project) project(row(j + 1));
      b = Math.sqrt(ws.nrm2sq(w, n));
      if (b > 0.7 * before) break;
    }
    alpha[j] = a;
    const ref = Math.max(run.anorm, Math.abs(a), j > 0 ? beta[j - 1] : 0);
    if (b > 1e-12 * ref && b > 1e-300) {
      beta[j] = b;
      ws.scal(w, 1 / b, n);
    } else {
      // invariant subspace: go on with a random direction orthogonal to everything so far
      beta[j] = 0;
      if (!randomOrthogonal(ws, L + j + 1, n, w, run.rng, project, coef)) return { mEff: j + 1, exhausted: true };
    }
  }
  return { mEff: m, exhausted: false };
}

/** Rayleigh–Ritz on T = Vᵀ A V: the arrowhead (kept Ritz values, couplings) plus the tridiagonal of steps k.. . */
function ritz(run: LanczosRun, k: number, mEff: number): { values: Float64Array; vectors: Matrix } {
  const { alpha, beta, theta, sig } = run;
  const T = new Matrix(mEff, mEff);
  const t = T.data;
  for (let i = 0; i < k; i++) {
    t[i * mEff + i] = theta[i];
    t[i * mEff + k] = sig[i];
    t[k * mEff + i] = sig[i];
  }
  for (let j = k; j < mEff; j++) {
    t[j * mEff + j] = alpha[j];
    if (j + 1 < mEff) {
      t[j * mEff + j + 1] = beta[j];
      t[(j + 1) * mEff + j] = beta[j];
    }
  }
  return symmetricEigen(T);
}

/** Thick restart: the kNew best Ritz vectors in basis rows 0..kNew−1, the residual vector v_m after them; returns kNew. */
function restart(run: LanczosRun, nev: number, mEff: number, e: { values: Float64Array; vectors: Matrix }, bLast: number): number {
  const { n, L } = run;
  const Y = e.vectors.data;
  const kNew = Math.min(mEff - 1, nev + Math.floor(RESTART_KEEP * (mEff - nev)));
  combineInPlace(run, mEff, Y, kNew);
  run.ws.heap.copyWithin((L + kNew) * n, (L + mEff) * n, (L + mEff + 1) * n);
  run.theta = e.values.slice(0, kNew);
  run.sig = new Float64Array(kNew);
  for (let i = 0; i < kNew; i++) run.sig[i] = bLast * Y[(mEff - 1) * mEff + i];
  return kNew;
}

/** Columns per packed product of {@link combineInPlace} (the chunk scratch holds m of them). */
const CHUNK = 8192;

/**
 * Basis rows 0..cols−1 replaced by the combinations Σ_r Y[r][i] v_r (r < rows), column chunk by
 * column chunk through the chunk scratch: the packed product of each chunk only reads that
 * chunk, so no second copy of the basis is needed.
 */
function combineInPlace(run: LanczosRun, rows: number, Y: Float64Array, cols: number): void {
  const { n, L, chunk } = run;
  const V = run.ws.heap;
  const a = operand(Y, rows, 0, 0, rows, cols, false);
  for (let c0 = 0; c0 < n; c0 += CHUNK) {
    const len = Math.min(CHUNK, n - c0);
    gemmTN(1, a, operand(V, n, L, c0, rows, len, false), V, chunk, len);
    for (let i = 0; i < cols; i++) V.copyWithin((L + i) * n + c0, chunk + i * len, chunk + (i + 1) * len);
  }
}

/**
 * A random unit vector orthogonal to the workspace's first `count` rows (and in the range of
 * `project`), written at offset w; false when none is left (the space is spanned).
 */
function randomOrthogonal(
  ws: VectorWorkspace,
  count: number,
  n: number,
  w: number,
  rng: Rng,
  project: ((v: Float64Array) => void) | undefined,
  c: number,
): boolean {
  const v = ws.heap.subarray(w, w + n);
  for (let attempt = 0; attempt < 3; attempt++) {
    rng.fillUniform(v, -0.5, 0.5);
    if (project) project(v);
    const before = Math.sqrt(ws.nrm2sq(w, n));
    if (!(before > 0)) continue;
    for (let pass = 0; pass < 3; pass++) {
      ws.gs(0, count, n, w, c);
      if (project) project(v);
    }
    const after = Math.sqrt(ws.nrm2sq(w, n));
    if (after > 1e-8 * before) {
      ws.scal(w, 1 / after, n);
      return true;
    }
  }
  v.fill(0);
  return false;
}
