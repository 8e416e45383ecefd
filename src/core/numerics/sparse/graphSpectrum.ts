/**
 * The ends of a graph's spectra that graph mode needs (docs/theory.md §7.5, §7.6): the
 * smallest eigenvalues of the Laplacian L = D_G − G and the largest of the normalised
 * adjacency D_G^-1/2 G D_G^-1/2 (rows of degree 0 are 0).
 *
 * Both operators are block diagonal over the connected components, so each component is
 * solved on its own and the results merged:
 * - the trivial pairs are exact and free: every component gives L the eigenvalue 0 (its
 *   indicator), every component of two or more rows gives the normalised adjacency the
 *   eigenvalue 1 (D^1/2 1 on it), every isolated row gives it 0 (e_i);
 * - only when these do not fill the request are the next eigenvalues of the components
 *   computed, on the complement of the trivial vector: in closed form for a complete
 *   component with equal weights (L: w s, s − 1 times; normalised: −1/(s − 1), s − 1 times;
 *   views and label graphs are of this kind), densely for a small component, else by
 *   Lanczos (lanczos.ts) on the component's own submatrix within a budget worth one
 *   shift-invert run, and by shift-invert (shiftInvert.ts: Lanczos on (L + σI)^-1 or
 *   D^1/2 (L + σD)^-1 D^1/2 through a sparse Cholesky factor) when that does not converge
 *   (docs/theory.md §7.10: clustered or repeated small eigenvalues, paths, rings, grids).
 * No N × N dense matrix is formed beyond {@link DENSE_MAX_ROWS} rows.
 */
import { Matrix } from '../dense/matrix';
import { symmetricEigenTopK, symmetricEigenvalues } from '../dense/eigen';
import { connectedComponents, componentRows, type Components } from './components';
import { CsrMatrix, SparseError, inverseSqrtDegrees } from './csr';
import type { ScaledCsr } from './vectorKernels';
import { symmetricEigs } from './lanczos';
import { analyzeCholesky, type CholeskySymbolic } from './cholesky';
import { shiftInvertPairs } from './shiftInvert';

export type GraphOperatorKind = 'laplacian' | 'normalized-adjacency';

export interface GraphSpectrumOptions {
  /** Eigenvectors wanted (length n each; default false). */
  vectors?: boolean;
  /** Precomputed components / degrees of g. */
  components?: Components;
  degrees?: Float64Array;
  /** Components of at most this many rows are solved densely (default {@link DENSE_COMPONENT_ROWS}). */
  denseRows?: number;
  /** Forces the solver of the components that are not solved densely (tests); default: chosen per component (docs/theory.md §7.10). */
  solver?: 'lanczos' | 'shift-invert';
  /** Lanczos residual tolerance relative to ‖A‖ (default 1e-10). */
  tol?: number;
  seed?: number;
}

export interface GraphSpectrum {
  /** Laplacian: ascending; normalised adjacency: descending. */
  values: Float64Array;
  vectors?: Float64Array[];
  /** Products with the operator spent by Lanczos (0 when everything was closed form or dense). */
  matvecs: number;
}

/** Components up to this size are solved densely by default. */
export const DENSE_COMPONENT_ROWS = 400;
/** Never a dense matrix with more rows than this. */
export const DENSE_MAX_ROWS = 4000;
/** Most doubles a Lanczos workspace may take (rows × (basis + 2): the basis, the residual vector, the trivial vector). */
export const MAX_BASIS_DOUBLES = 80_000_000;
/**
 * Most doubles the sparse Cholesky factorisation for shift-invert may hold: the factor's entries,
 * its largest front and the stack of update matrices (1.2 GB; a kNN graph of a 2-D surface of
 * 10⁶ rows needs about 8·10⁷).
 */
export const FACTOR_MAX_ENTRIES = 150_000_000;

/** The `count` smallest eigenvalues of L = D_G − G, ascending. */
export function laplacianSmallest(g: CsrMatrix, count: number, opts: GraphSpectrumOptions = {}): GraphSpectrum {
  return graphSpectrum(g, count, 'laplacian', opts);
}

/** The `count` largest eigenvalues of D_G^-1/2 G D_G^-1/2, descending. */
export function normalizedAdjacencyLargest(g: CsrMatrix, count: number, opts: GraphSpectrumOptions = {}): GraphSpectrum {
  return graphSpectrum(g, count, 'normalized-adjacency', opts);
}

interface Candidate {
  value: number;
  comp: number;
  vector?: Float64Array;
  /** global row of an isolated row's e_i */
  row?: number;
}

function graphSpectrum(g: CsrMatrix, count: number, kind: GraphOperatorKind, opts: GraphSpectrumOptions): GraphSpectrum {
  const n = g.n;
  if (!Number.isInteger(count) || count < 0 || count > n)
    throw new SparseError('dimension-mismatch', `${count} eigenvalues requested of a graph with ${n} rows`);
  const comps = opts.components ?? connectedComponents(g);
  const degrees = opts.degrees ?? g.rowSums();
  const lap = kind === 'laplacian';
  const wantVectors = opts.vectors === true;
  const better = (a: number, b: number): boolean => (lap ? a < b : a > b);
  // the trivial pairs, in component order
  const trivial: Candidate[] = [];
  const isolated: number[] = [];
  for (let c = 0; c < comps.count; c++) {
    const rows = componentRows(comps, c);
    if (lap) trivial.push({ value: 0, comp: c });
    else if (rows.length >= 2) trivial.push({ value: 1, comp: c });
    else isolated.push(c);
  }
  let matvecs = 0;
  let chosen: Candidate[];
  if (trivial.length >= count) {
    chosen = trivial.slice(0, count);
  } else {
    const need = count - trivial.length;
    const cands: Candidate[] = [];
    for (let t = 0; t < Math.min(need, isolated.length); t++) cands.push({ value: 0, comp: isolated[t], row: componentRows(comps, isolated[t])[0] });
    for (let c = 0; c < comps.count; c++) {
      const rows = componentRows(comps, c);
      const s = rows.length;
      if (s < 2) continue;
      const want = Math.min(need, s - 1);
      // a complete component with one weight w (views, label classes): closed form, no copy
      const w = completeWeight(g, rows);
      const r =
        w !== undefined
          ? { values: new Float64Array(want).fill(lap ? w * s : -1 / (s - 1)), ...(wantVectors ? { vectors: helmert(s, want) } : {}), matvecs: 0 }
          : componentSpectrum(
              comps.count === 1 ? g : g.submatrix(rows),
              comps.count === 1 ? degrees : pick(degrees, rows),
              want,
              kind,
              wantVectors,
              opts,
              c,
              g,
            );
      matvecs += r.matvecs;
      for (let i = 0; i < want; i++) cands.push({ value: r.values[i], comp: c, ...(r.vectors ? { vector: r.vectors[i] } : {}) });
    }
    // stable: ties keep component order
    cands.sort((a, b) => (a.value === b.value ? a.comp - b.comp : better(a.value, b.value) ? -1 : 1));
    chosen = [...trivial, ...cands.slice(0, need)];
    chosen.sort((a, b) => (a.value === b.value ? 0 : better(a.value, b.value) ? -1 : 1));
  }
  const values = Float64Array.from(chosen, (c) => c.value);
  if (!wantVectors) return { values, matvecs };
  const vectors = chosen.map((c) => globalVector(n, comps, c, kind, degrees));
  return { values, vectors, matvecs };
}

function pick(a: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) out[t] = a[rows[t]];
  return out;
}

/** A candidate's eigenvector as a length-n vector (trivial ones built here). */
function globalVector(n: number, comps: Components, c: Candidate, kind: GraphOperatorKind, degrees: Float64Array): Float64Array {
  const v = new Float64Array(n);
  const rows = componentRows(comps, c.comp);
  if (c.row !== undefined) {
    v[c.row] = 1;
  } else if (c.vector) {
    for (let t = 0; t < rows.length; t++) v[rows[t]] = c.vector[t];
  } else if (kind === 'laplacian') {
    const x = 1 / Math.sqrt(rows.length);
    for (let t = 0; t < rows.length; t++) v[rows[t]] = x;
  } else {
    let s = 0;
    for (let t = 0; t < rows.length; t++) s += degrees[rows[t]];
    const inv = 1 / Math.sqrt(s);
    for (let t = 0; t < rows.length; t++) v[rows[t]] = Math.sqrt(degrees[rows[t]]) * inv;
  }
  return v;
}

/**
 * The `want` next eigenpairs of one connected component (s ≥ 2 rows, local indices, not
 * complete) on the complement of its trivial vector: Laplacian ascending, normalised
 * adjacency descending; the solver chosen as in docs/theory.md §7.10.
 */
function componentSpectrum(
  sub: CsrMatrix,
  deg: Float64Array,
  want: number,
  kind: GraphOperatorKind,
  wantVectors: boolean,
  opts: GraphSpectrumOptions,
  comp: number,
  parent: CsrMatrix,
): { values: Float64Array; vectors?: Float64Array[]; matvecs: number } {
  const s = sub.n;
  const lap = kind === 'laplacian';
  const denseRows = opts.denseRows ?? DENSE_COMPONENT_ROWS;
  const m = Math.max(2 * want + 24, want + 30); // lanczos.ts's basis
  if (s <= denseRows || (m >= (s - 1) / 2 && s <= DENSE_MAX_ROWS)) return denseComponent(sub, deg, want, kind, wantVectors);
  if ((m + 2) * s > MAX_BASIS_DOUBLES) {
    throw new SparseError(
      'limit-exceeded',
      `${want} eigenpairs of a connected component of ${s} rows need a Lanczos workspace of ${m + 2} × ${s} values, over the limit of ${MAX_BASIS_DOUBLES}`,
    );
  }
  const seed = (opts.seed ?? 1) + 31 * comp;
  const tol = opts.tol ?? 1e-10;
  const sym = opts.solver === 'lanczos' ? undefined : symbolicFor(parent, comp, sub);
  if (sym && opts.solver !== 'shift-invert') {
    // Lanczos first when it may be cheaper: a budget of products worth one shift-invert run
    // both runs pay the same reorthogonalisation per step (2 m s): only the product itself differs
    const perProduct = sub.nnz + 2 * m * s;
    const budget = Math.max(m, Math.ceil(shiftInvertCost(sym, 2 * m * s) / perProduct));
    try {
      return lanczosPairs(sub, deg, want, lap, wantVectors, { tol: opts.tol, seed, maxMatvecs: budget, giveUpEarly: s >= GIVE_UP_EARLY_ROWS });
    } catch (e) {
      if (!(e instanceof SparseError && e.code === 'no-convergence')) throw e;
    }
  }
  if (sym) return shiftInvertPairs(sub, deg, want, lap, sym, { vectors: wantVectors, tol, seed });
  return lanczosPairs(sub, deg, want, lap, wantVectors, { tol: opts.tol, seed });
}

/**
 * Multiply-adds of a shift-invert run: the factorisation and about {@link SHIFT_INVERT_SOLVES}
 * Lanczos steps, each a solve (2 × entries) plus `perStep` (the step's reorthogonalisation).
 */
export function shiftInvertCost(sym: CholeskySymbolic, perStep = 0): number {
  return sym.flops + SHIFT_INVERT_SOLVES * (2 * sym.entries + perStep);
}
/** From this many rows the budgeted Lanczos also stops as soon as its convergence so far says the budget will not do (lanczos.ts). */
const GIVE_UP_EARLY_ROWS = 20_000;
/** Solves of a typical shift-invert run (measured 85–115 for 16 pairs; more with many repeated eigenvalues). */
const SHIFT_INVERT_SOLVES = 100;

/** The symbolic factorisation of component `comp` of g, computed once for both operators; undefined when over {@link FACTOR_MAX_ENTRIES}. */
const symbolicCache = new WeakMap<CsrMatrix, Map<number, CholeskySymbolic | null>>();
function symbolicFor(g: CsrMatrix, comp: number, sub: CsrMatrix): CholeskySymbolic | undefined {
  let perGraph = symbolicCache.get(g);
  if (!perGraph) symbolicCache.set(g, (perGraph = new Map()));
  let sym = perGraph.get(comp);
  if (sym === undefined) perGraph.set(comp, (sym = analyzeCholesky(sub, FACTOR_MAX_ENTRIES) ?? null));
  return sym ?? undefined;
}

/** Thick-restart Lanczos on L or D^-1/2 G D^-1/2 itself, on the complement of the trivial (exact) eigenvector. */
function lanczosPairs(
  sub: CsrMatrix,
  deg: Float64Array,
  want: number,
  lap: boolean,
  wantVectors: boolean,
  o: { tol?: number; seed: number; maxMatvecs?: number; giveUpEarly?: boolean },
): { values: Float64Array; vectors?: Float64Array[]; matvecs: number } {
  const s = sub.n;
  const u = new Float64Array(s);
  if (lap) u.fill(1 / Math.sqrt(s));
  else {
    let tot = 0;
    for (let i = 0; i < s; i++) tot += deg[i];
    for (let i = 0; i < s; i++) u[i] = Math.sqrt(deg[i] / tot);
  }
  const apply: ScaledCsr = lap ? { matrix: sub, alpha: 1, diag: deg, beta: -1 } : { matrix: sub, alpha: 0, beta: 1, scale: inverseSqrtDegrees(deg) };
  const r = symmetricEigs(apply, s, want, {
    which: lap ? 'smallest' : 'largest',
    deflate: [u],
    vectors: wantVectors,
    ...(o.tol !== undefined ? { tol: o.tol } : {}),
    ...(o.maxMatvecs !== undefined ? { maxMatvecs: o.maxMatvecs } : {}),
    ...(o.giveUpEarly ? { giveUpEarly: true } : {}),
    seed: o.seed,
  });
  return { values: r.values, ...(r.vectors ? { vectors: r.vectors } : {}), matvecs: r.matvecs };
}

/**
 * The weight w when the component on `rows` (a whole connected component of g) is a complete
 * graph with every entry w, else undefined: each row then holds exactly the s − 1 others.
 */
function completeWeight(g: CsrMatrix, rows: Int32Array): number | undefined {
  const s = rows.length;
  const w = g.val[g.rowPtr[rows[0]]];
  for (const i of rows) {
    const p0 = g.rowPtr[i];
    const p1 = g.rowPtr[i + 1];
    if (p1 - p0 !== s - 1) return undefined;
    for (let p = p0; p < p1; p++) if (g.val[p] !== w || g.col[p] === i) return undefined;
  }
  return w;
}

/** The first `count` Helmert vectors: an orthonormal basis of the complement of 1 in R^s. */
function helmert(s: number, count: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let t = 1; t <= count; t++) {
    const v = new Float64Array(s);
    const a = 1 / Math.sqrt(t * (t + 1));
    for (let i = 0; i < t; i++) v[i] = a;
    v[t] = -t * a;
    out.push(v);
  }
  return out;
}

/** Dense solve of a small component; the extreme eigenvalue (the trivial one) is dropped. */
function denseComponent(
  sub: CsrMatrix,
  deg: Float64Array,
  want: number,
  kind: GraphOperatorKind,
  wantVectors: boolean,
): { values: Float64Array; vectors?: Float64Array[]; matvecs: number } {
  const s = sub.n;
  const a = sub.toDense(DENSE_MAX_ROWS);
  const lap = kind === 'laplacian';
  if (lap) {
    // −L = G − D_G, so that the wanted end is the top
    for (let i = 0; i < s; i++) a[i * s + i] -= deg[i];
  } else {
    const dh = inverseSqrtDegrees(deg);
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) a[i * s + j] *= dh[i] * dh[j];
  }
  const mat = new Matrix(s, s, a);
  const sign = lap ? -1 : 1;
  if (!wantVectors) {
    const ev = symmetricEigenvalues(mat);
    const values = new Float64Array(want);
    for (let i = 0; i < want; i++) values[i] = sign * ev[i + 1];
    return { values, matvecs: 0 };
  }
  const e = symmetricEigenTopK(mat, want + 1);
  const values = new Float64Array(want);
  const vectors: Float64Array[] = [];
  for (let i = 0; i < want; i++) {
    values[i] = sign * e.values[i + 1];
    vectors.push(e.vectors.col(i + 1));
  }
  return { values, vectors, matvecs: 0 };
}
