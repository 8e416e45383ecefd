/**
 * The closed-form solvers of docs/theory.md §2 on one data matrix (supervised,
 * reconstruction, joint-embedding), with the analytic reference of A7 for a singular
 * clean pipeline, and their JSON-friendly form (`sslexp analyze --json`).
 */
import { gram, LinalgError, Matrix, padColumns, takeColumns } from '../../../numerics/dense';
import {
  augmentationMoments,
  solveJointEmbedding,
  solveReconstruction,
  solveSupervised,
  solveSupervisedFromCross,
  type Augmentation,
  type JointEmbeddingSolution,
  type Moments,
  type ReconstructionSolution,
} from '../solvers';
import { gramError, relativeError, sinLargestPrincipalAngle } from '../metrics';

/** The solutions as JSON-friendly arrays (`sslexp analyze --json`, issue contract). */
export interface SolutionSet {
  /** Present when the data have targets (labels or Y). */
  supervised?: { V: number[][]; singular: boolean };
  reconstruction: { phi: number[]; map: number[][]; rowProjector: number[][]; objective: number };
  jointEmbedding: { omega: number[]; gram: number[][]; objective: number };
}

export interface RawSolutions {
  rc: ReconstructionSolution;
  je: JointEmbeddingSolution;
  sl?: { v: Matrix; singular: boolean };
}

export interface Solved {
  set: SolutionSet;
  raw: RawSolutions;
  note?: string;
}

/** Clean vs corrupted solutions (docs/theory.md §4.4): SL relative error, sin θ_max of RC and JE, JE Gram error. */
export interface Discrepancy {
  supervised?: number;
  reconstruction: number;
  jointEmbedding: number;
  jointEmbeddingGram: number;
}

/** The discrepancy of P1's pipeline between its clean and its corrupted solutions (data mode, in memory and streamed). */
export function discrepancyBlock(clean: RawSolutions, corrupted: RawSolutions): Discrepancy {
  return {
    ...(clean.sl && corrupted.sl ? { supervised: relativeError(corrupted.sl.v, clean.sl.v) } : {}),
    reconstruction: sinLargestPrincipalAngle(clean.rc.e, corrupted.rc.e),
    jointEmbedding: sinLargestPrincipalAngle(clean.je.w, corrupted.je.w),
    jointEmbeddingGram: gramError(clean.je.w, corrupted.je.w),
  };
}

/**
 * Supervised, RC and JE on one data matrix. When `importantCount` is given (the clean
 * pipeline) and S is singular, the analytic reference of docs/theory.md A7 is used: the clean data
 * live in the first k coordinates and Σ is diagonal, so the k x k problem solved there and
 * padded with zeros is the solution (the noise block, with no data and no augmentation
 * variance, never competes).
 */
export function solveAll(x: Matrix, y: Matrix | undefined, aug: Augmentation, latent: number, regularize: number | undefined, importantCount?: number): Solved {
  const g = gram(x, 1 / x.rows);
  try {
    const raw = solveWith(x, y, augmentationMoments(x, aug, { gramOfX: g, consumeGram: true, ...(regularize !== undefined ? { regularize } : {}) }), latent);
    return { set: solutionSet(raw), raw };
  } catch (e) {
    if (!(e instanceof LinalgError) || e.code !== 'not-positive-definite' || importantCount === undefined || aug.kind !== 'additive' || latent > importantCount)
      throw e;
    const k = importantCount;
    const x1 = takeColumns(x, k);
    const sig1 = new Matrix(k, k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sig1.data[i * k + j] = aug.theta.get(i, j) + aug.alpha * aug.alpha * aug.gamma.get(i, j);
    const m1 = augmentationMoments(x1, { kind: 'covariance', sigma: sig1 }, { gramOfX: gram(x1, 1 / x1.rows) });
    const raw = padSolutions(solveWith(x1, y, m1, latent), x.cols);
    return {
      set: solutionSet(raw),
      raw,
      note: 'The clean S = G + Σ is singular on the noise coordinates (no data there and no augmentation variance at this α), which Thms 3.1/3.2 exclude; the clean solutions are the analytic reference of docs/theory.md A7, solved on the important coordinates and padded with zeros.',
    };
  }
}

/**
 * Supervised, RC and JE from moments alone (streamed and moments-file analyses): `yx` is
 * (1/n) Yᵀ X̄. `reference` builds the k × k problem of the important coordinates for the
 * analytic reference of docs/theory.md A7 when the clean S is singular (as in solveAll).
 */
export function solveAllFromMoments(
  m: Moments,
  yx: Matrix | undefined,
  latent: number,
  reference?: { k: number; build: () => { m: Moments; yx?: Matrix } },
): Solved {
  try {
    const raw = solveWithMoments(m, yx, latent);
    return { set: solutionSet(raw), raw };
  } catch (e) {
    if (!(e instanceof LinalgError) || e.code !== 'not-positive-definite' || !reference || latent > reference.k) throw e;
    const r = reference.build();
    const raw = padSolutions(solveWithMoments(r.m, r.yx, latent), m.d);
    return {
      set: solutionSet(raw),
      raw,
      note: 'The clean S = G + Σ is singular on the noise coordinates (no data there and no augmentation variance at this α), which Thms 3.1/3.2 exclude; the clean solutions are the analytic reference of docs/theory.md A7, solved on the important coordinates and padded with zeros.',
    };
  }
}

function solveWithMoments(m: Moments, yx: Matrix | undefined, latent: number): RawSolutions {
  const rc = solveReconstruction(m, latent);
  const je = solveJointEmbedding(m, latent);
  return { rc, je, ...(yx ? { sl: solveSupervisedFromCross(yx, m) } : {}) };
}

function solveWith(x: Matrix, y: Matrix | undefined, m: Moments, latent: number): RawSolutions {
  const rc = solveReconstruction(m, latent);
  const je = solveJointEmbedding(m, latent);
  return { rc, je, ...(y ? { sl: solveSupervised(x, y, m) } : {}) };
}

/**
 * The JSON-friendly arrays of `analyze --json` (the contract of docs/architecture.md §2 "CLI"). The d × d matrices
 * become nested arrays when first read (JSON output, the panel, a copy to another thread),
 * not for the text output, which prints only the spectra and objectives.
 */
function solutionSet({ rc, je, sl }: RawSolutions): SolutionSet {
  return {
    ...(sl
      ? {
          supervised: lazyArrays<SupervisedSet>([
            ['V', () => sl.v],
            ['singular', sl.singular],
          ]),
        }
      : {}),
    reconstruction: lazyArrays<SolutionSet['reconstruction']>([
      ['phi', Array.from(rc.phi)],
      ['map', () => rc.map],
      ['rowProjector', () => rc.rowProjector],
      ['objective', rc.objective],
    ]),
    jointEmbedding: lazyArrays<SolutionSet['jointEmbedding']>([
      ['omega', Array.from(je.omega)],
      ['gram', () => je.gram],
      ['objective', je.objective],
    ]),
  };
}

type SupervisedSet = NonNullable<SolutionSet['supervised']>;

/**
 * An object of `entries` in their order; a function value gives a Matrix (computed only
 * then: docs/architecture.md §5) and is an enumerable property whose nested array is built
 * when first read.
 */
function lazyArrays<T>(entries: [string, unknown][]): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    if (typeof v !== 'function') {
      out[key] = v;
      continue;
    }
    const matrix = v as () => Matrix;
    let value: number[][] | undefined;
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => (value ??= matrix().toArray()),
      set: (x: number[][]) => {
        value = x;
      },
    });
  }
  return out as T;
}

/**
 * Embeds a solution of the first k coordinates into d: matrices padded with zeros, spectra
 * with zeros (the noise block scores 0). The padded supervised V is the minimum-norm one of
 * the singular full problem.
 */
function padSolutions(s: RawSolutions, d: number): RawSolutions {
  const k = s.rc.phi.length;
  const padSquare = (a: Matrix): Matrix => {
    const out = new Matrix(d, d);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out.data[i * d + j] = a.data[i * k + j];
    return out;
  };
  const padVec = (v: Float64Array): Float64Array => {
    const out = new Float64Array(d);
    out.set(v.subarray(0, k), 0);
    return out;
  };
  const rc: ReconstructionSolution = {
    ...s.rc,
    e: padColumns(s.rc.e, d),
    dec: padRows(s.rc.dec, d),
    map: padSquare(s.rc.map),
    phi: padVec(s.rc.phi),
    rowProjector: padSquare(s.rc.rowProjector),
  };
  const je: JointEmbeddingSolution = { ...s.je, w: padColumns(s.je.w, d), omega: padVec(s.je.omega), gram: padSquare(s.je.gram) };
  return { rc, je, ...(s.sl ? { sl: { v: padColumns(s.sl.v, d), singular: true } } : {}) };
}

function padRows(a: Matrix, d: number): Matrix {
  const out = new Matrix(d, a.cols);
  out.data.set(a.data.subarray(0, Math.min(a.data.length, out.data.length)));
  return out;
}
