/**
 * The finite-n experiment (docs/theory.md §6.1 and §8.3; P1's Fig. 3): for every alpha, n and
 * repeat, draw clean data, corrupt it, solve supervised, reconstruction and
 * joint-embedding on the clean and on the corrupted data with the same augmentation
 * T(alpha), and record the discrepancy between the two solutions.
 *
 * Work is done in the canonical coordinates of the shared basis Q (important components
 * first), then rotated by a random orthogonal Q (spectral mode) so that the dense solvers
 * see a non-diagonal problem. Pure and seeded: the same setup and seed give the same
 * numbers on every machine. Asynchronous only to yield between units of work, so that a
 * worker can deliver a cancellation.
 */
import type { SimulationRunOptions } from '../theory';
import type { Thresholds } from './types';
import { bestTResidual, gramError, probeLoss, relativeError, sinLargestPrincipalAngle, supervisedLoss } from './metrics';
import { gram, LinalgError, matmul, Matrix, padColumns, qr } from '../../numerics/dense';
import { Rng } from '../../numerics/rng';
import { augmentationMoments, solveJointEmbedding, solveReconstruction, solveSupervised, type Moments } from './solvers';
import { recoversAt } from './thresholds';

export type SimulationMetricName = 'probe-gap' | 'subspace-angle';
export type SimulatedParadigm = 'supervised' | 'reconstruction' | 'joint-embedding';

/** What the simulation needs to know about a problem, in canonical coordinates. */
export interface SimulationSetup {
  mode: 'spectral' | 'data';
  /** Number of important components (the clean data live in the first k coordinates). */
  k: number;
  /** Total dimension d = k + noise components. */
  d: number;
  /** Latent dimension of the SSL encoders (<= k here, docs/theory.md A14). */
  latent: number;
  /** lambda^Theta for all d components. */
  theta: Float64Array;
  /** lambda^Gamma for the d - k noise components. */
  gamma: Float64Array;
  /** Rotate by a random orthogonal basis (spectral mode; d small enough). */
  rotate: boolean;
  /** Draws n clean samples of a repeat: their k important coordinates and the probe targets. */
  draw(n: number, rng: Rng, repeat: number): { x1: Matrix; y: Matrix };
  /** Closed-form thresholds of the setup, when known: the predicted outcome per alpha. */
  thresholds?: Thresholds | null;
  /** Added to S when it is singular (spec `regularize`), docs/theory.md §2.5. */
  regularize?: number;
}

export interface SimulationPlan {
  n: number[];
  alpha: number[];
  repeats: number;
  seed: number;
  metric: SimulationMetricName;
}

export interface SimulationSeries {
  paradigm: SimulatedParadigm;
  alpha: number;
  /** Mean of the metric over the repeats, one per n. */
  mean: number[];
  /** Sample standard deviation over the repeats (0 with one repeat), one per n. */
  spread: number[];
  /** Every repeat's value: values[nIndex][repeat]. */
  values: number[][];
  /** The closed-form prediction (as n grows) at this alpha, when thresholds are known. */
  predictedRecovery?: boolean;
}

export interface SimulationResult {
  mode: 'spectral' | 'data';
  metric: SimulationMetricName;
  /** How each paradigm's discrepancy is measured (for legends and the CLI). */
  metricDescription: Record<SimulatedParadigm, string>;
  n: number[];
  alpha: number[];
  repeats: number;
  seed: number;
  dimensions: { d: number; k: number; latent: number };
  series: SimulationSeries[];
  /** Extra diagnostics of the SSL solutions (always computed): JE Gram error and RC best-T residual, mean per alpha x n. */
  extra: { alpha: number; jeGramError: number[]; rcBestTResidual: number[] }[];
  /** Notes such as "S was singular at n = 10 and was regularised". */
  notes: string[];
}

export type { SimulationRunOptions };

/** Thrown when `signal` aborts the run. */
export class SimulationCancelled extends Error {
  constructor() {
    super('simulation cancelled');
  }
}

const PARADIGMS: readonly SimulatedParadigm[] = ['supervised', 'reconstruction', 'joint-embedding'];

/** Spectral mode rotates by a random orthogonal basis up to this dimension (simulateSpec.ts counts its cost). */
export const ROTATE_MAX_DIMENSION = 400;

/** A seed per (n index, repeat), all distinct for distinct inputs below 2^20 each. */
function unitSeed(seed: number, nIndex: number, repeat: number): number {
  return (seed * 1_048_576 + nIndex * 1024 + repeat) % 9007199254740991;
}

/**
 * The seed of the sample of rows a data set read in blocks lends the simulation
 * (docs/theory.md §6.1): a stream of its own (n index 1022, never a sample size's; 1023 is
 * the repeats' bases).
 */
export function rowSampleSeed(seed: number): number {
  return unitSeed(seed, 1022, 0);
}

/**
 * The seed of the split of a reservoir of rows into one part per repeat (docs/theory.md
 * §6.1, data read in one pass): the stream after {@link rowSampleSeed}'s.
 */
export function rowPartsSeed(seed: number): number {
  return unitSeed(seed, 1022, 1);
}

/**
 * [x1, N]: the clean rows with the noise coordinates appended, N ~ N(0, diag(gamma)) drawn
 * row by row from `rng` (docs/theory.md §3: the corruption lives in span(Q2)).
 */
export function corrupt(x1: Matrix, gamma: Float64Array, rng: Rng): Matrix {
  const k = x1.cols;
  const d = k + gamma.length;
  // padColumns allocates whenever there are noise coordinates; without any, a copy still
  // keeps the corrupted data independent of x1.
  const out = gamma.length ? padColumns(x1, d) : x1.clone();
  for (let i = 0; i < x1.rows; i++) for (let j = 0; j < gamma.length; j++) out.data[i * d + k + j] = Math.sqrt(gamma[j]) * rng.normal();
  return out;
}

/** A Haar-random orthogonal d x d matrix: QR of a Gaussian matrix with the signs of R's diagonal fixed (Mezzadri 2007). */
export function randomOrthogonal(d: number, rng: Rng): Matrix {
  const g = new Matrix(d, d);
  for (let i = 0; i < g.data.length; i++) g.data[i] = rng.normal();
  const { q, r } = qr(g);
  for (let j = 0; j < d; j++) {
    if (r.get(j, j) < 0) for (let i = 0; i < d; i++) q.set(i, j, -q.get(i, j));
  }
  return q;
}

/** Q diag(v) Q^T. */
function conjugateDiagonal(q: Matrix, v: Float64Array): Matrix {
  const d = q.rows;
  const qs = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) qs.data[i * d + j] = q.data[i * d + j] * v[j];
  const out = matmul(qs, q.transpose());
  // exact symmetry for the solvers' PD checks
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const m = 0.5 * (out.data[i * d + j] + out.data[j * d + i]);
      out.data[i * d + j] = m;
      out.data[j * d + i] = m;
    }
  return out;
}

/**
 * Supervised, RC and JE from one set of moments, built once. SL takes the pseudo-inverse
 * when S is singular (docs/theory.md A7); RC and JE need S ≻ 0, so for them a singular S at this
 * n is regularised once, with a note (docs/theory.md §2.5).
 */
function solveParadigms(x: Matrix, y: Matrix, latent: number, build: (eps?: number) => Moments, notes: Set<string>, where: string) {
  const m = build();
  const sl = solveSupervised(x, y, m);
  try {
    return { rc: solveReconstruction(m, latent), je: solveJointEmbedding(m, latent), sl };
  } catch (err) {
    if (!(err instanceof LinalgError) || err.code !== 'not-positive-definite') throw err;
    let tr = 0;
    for (let i = 0; i < m.d; i++) tr += m.s.get(i, i);
    const eps = Math.max(1e-300, 1e-10 * (tr / m.d));
    notes.add(`${where}: S was singular and was regularised with eps = ${eps.toPrecision(3)} (docs/theory.md §2.5)`);
    const mr = build(eps);
    return { rc: solveReconstruction(mr, latent), je: solveJointEmbedding(mr, latent), sl };
  }
}

/** Runs the experiment. Throws {@link SimulationCancelled} when aborted. */
export async function runSimulation(setup: SimulationSetup, plan: SimulationPlan, options: SimulationRunOptions = {}): Promise<SimulationResult> {
  const { k, latent } = setup;
  if (latent > k)
    throw new LinalgError(
      'dimension-mismatch',
      `the simulation needs latent <= k (latent ${latent}, k ${k}): with more latent dimensions than important components the clean solution is not unique (docs/theory.md A14)`,
    );
  const tally = newTally(plan);
  const progress = progressTracker(setup, plan, options);
  for (let r = 0; r < plan.repeats; r++) {
    const basis = repeatBasis(setup, plan, r);
    for (let ni = 0; ni < plan.n.length; ni++) {
      const n = plan.n[ni];
      await progress.checkpoint(`n = ${n}, repeat ${r + 1}/${plan.repeats}`);
      const unit = drawUnit(setup, plan, basis, n, r, new Rng(unitSeed(plan.seed, ni, r)), tally.notes);
      for (let ai = 0; ai < plan.alpha.length; ai++) {
        if (options.signal?.aborted) throw new SimulationCancelled();
        recordCorrupted(setup, plan, unit, basis.sigmas[ai], ai, ni, tally);
      }
      progress.advance(n);
    }
  }
  options.onProgress?.(1, 'done');
  return summarize(setup, plan, tally);
}

/** Every repeat's value per paradigm and alpha, the extra diagnostics and the notes. */
interface Tally {
  /** key paradigm|alphaIndex -> [nIndex][repeat] */
  values: Map<string, number[][]>;
  /** [alphaIndex][nIndex][repeat] */
  extraGram: number[][][];
  extraBestT: number[][][];
  notes: Set<string>;
}

function newTally(plan: SimulationPlan): Tally {
  const values = new Map<string, number[][]>();
  for (const p of PARADIGMS)
    plan.alpha.forEach((_, ai) =>
      values.set(
        `${p}|${ai}`,
        plan.n.map(() => []),
      ),
    );
  return {
    values,
    extraGram: plan.alpha.map(() => plan.n.map(() => [] as number[])),
    extraBestT: plan.alpha.map(() => plan.n.map(() => [] as number[])),
    notes: new Set<string>(),
  };
}

/**
 * Progress, cancellation and yielding between units of work: `checkpoint` reports the
 * fraction done, throws {@link SimulationCancelled} when aborted, and yields to the event
 * loop at most every 20 ms; `advance` counts a finished sample size.
 */
function progressTracker(setup: SimulationSetup, plan: SimulationPlan, options: SimulationRunOptions) {
  const d = setup.d;
  const totalWork = plan.n.reduce((s, n) => s + n * (1 + d / 64), 0) * plan.repeats * (1 + plan.alpha.length / 4);
  let done = 0;
  let lastYield = Date.now();
  return {
    async checkpoint(message: string): Promise<void> {
      options.onProgress?.(Math.min(0.999, done / totalWork), message);
      if (options.signal?.aborted) throw new SimulationCancelled();
      if (Date.now() - lastYield > 20) {
        // setImmediate where there is one (Node: no timer clamp); the core does not assume Node
        const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
        await new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
        lastYield = Date.now();
        if (options.signal?.aborted) throw new SimulationCancelled();
      }
    },
    advance(n: number): void {
      done += n * (1 + d / 64) * (1 + plan.alpha.length / 4);
    },
  };
}

/** One repeat's basis: a random orthogonal Q (when the setup rotates) and Σ(α) per alpha. */
interface RepeatBasis {
  qt: Matrix | null;
  sigmas: Matrix[];
}

function repeatBasis(setup: SimulationSetup, plan: SimulationPlan, r: number): RepeatBasis {
  const { k, d } = setup;
  const basisRng = new Rng(unitSeed(plan.seed, 1023, r));
  const q = setup.rotate ? randomOrthogonal(d, basisRng) : null;
  const qt = q ? q.transpose() : null;
  // Sigma(alpha) = Q diag(theta + alpha^2 [0; gamma]) Q^T, per alpha (does not depend on n).
  const sigmas = plan.alpha.map((alpha) => {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = setup.theta[i] + (i >= k ? alpha * alpha * setup.gamma[i - k] : 0);
    return q ? conjugateDiagonal(q, v) : Matrix.diag(v);
  });
  return { qt, sigmas };
}

/** The moments of one data matrix with Σ, rebuilt with eps I only for a singular S. */
function momentsOf(setup: SimulationSetup, x: Matrix, sigma: Matrix, gramOfX: Matrix): (eps?: number) => Moments {
  return (eps?: number) => {
    const regularize = eps ?? setup.regularize;
    return augmentationMoments(x, { kind: 'covariance', sigma }, { gramOfX, ...(regularize ? { regularize } : {}) });
  };
}

/** One draw at sample size n: the corrupted data and the clean reference it is measured against. */
interface DrawUnit {
  n: number;
  y: Matrix;
  /** Corrupted data in the (rotated) basis, and its Gram matrix. */
  xCorr: Matrix;
  gCorr: Matrix;
  /** Clean solutions lifted to d dimensions. */
  eClean: Matrix;
  wClean: Matrix;
  vClean: Matrix;
  /** Clean probe and supervised losses (probe-gap metric only, else 0). */
  probeCleanRC: number;
  probeCleanJE: number;
  slCleanLoss: number;
}

function drawUnit(setup: SimulationSetup, plan: SimulationPlan, basis: RepeatBasis, n: number, repeat: number, rng: Rng, notes: Set<string>): DrawUnit {
  const { d, latent } = setup;
  const qt = basis.qt;
  const { x1, y } = setup.draw(n, rng, repeat);
  // Corrupted data in canonical coordinates, [x1, N2] (the clean data [x1, 0] are only
  // needed through x1: see the reduced clean reference below).
  const xt = corrupt(x1, setup.gamma, rng);
  const xCorr = qt ? matmul(xt, qt) : xt;
  const gClean1 = gram(x1, 1 / n);
  const gCorr = gram(xCorr, 1 / n);

  // Clean reference in the k important coordinates (docs/theory.md A7 / §4.1): the clean S is
  // block diagonal in Q with the noise block free of data, so the clean solutions lie in
  // span(Q1) exactly; solving the k x k problem and lifting by Q1 avoids the singular
  // noise block at alpha = 0 with lambda^Theta_j = 0. Sigma restricted to span(Q1) is
  // diag(theta_important): it does not depend on alpha.
  const thetaImportant = setup.theta.subarray(0, setup.k);
  const {
    rc: rc1,
    je: je1,
    sl: sl1,
  } = solveParadigms(x1, y, latent, momentsOf(setup, x1, Matrix.diag(thetaImportant), gClean1), notes, `clean data, n = ${n}`);
  // a (r x k) in canonical important coordinates -> (r x d) in the rotated basis: [a, 0] Q^T
  const lift = (a: Matrix): Matrix => (qt ? matmul(padColumns(a, d), qt) : padColumns(a, d));
  const probe = plan.metric === 'probe-gap';
  return {
    n,
    y,
    xCorr,
    gCorr,
    eClean: lift(rc1.e),
    wClean: lift(je1.w),
    vClean: lift(sl1.v),
    probeCleanRC: probe ? probeLoss(x1, y, rc1.e) : 0,
    probeCleanJE: probe ? probeLoss(x1, y, je1.w) : 0,
    slCleanLoss: probe ? supervisedLoss(x1, y, sl1.v) : 0,
  };
}

/** Solves the corrupted problem at one alpha and records each paradigm's discrepancy from the clean reference. */
function recordCorrupted(setup: SimulationSetup, plan: SimulationPlan, unit: DrawUnit, sigma: Matrix, ai: number, ni: number, tally: Tally): void {
  const { n, y, xCorr } = unit;
  const { rc, je, sl } = solveParadigms(
    xCorr,
    y,
    setup.latent,
    momentsOf(setup, xCorr, sigma, unit.gCorr),
    tally.notes,
    `corrupted data, n = ${n}, α = ${plan.alpha[ai]}`,
  );
  let vRC: number;
  let vJE: number;
  let vSL: number;
  if (plan.metric === 'subspace-angle') {
    vRC = sinLargestPrincipalAngle(unit.eClean, rc.e);
    vJE = sinLargestPrincipalAngle(unit.wClean, je.w);
    vSL = relativeError(sl.v, unit.vClean);
  } else {
    // P1's metric: the corrupted model is probed on the corrupted inputs (A10).
    vRC = Math.abs(unit.probeCleanRC - probeLoss(xCorr, y, rc.e));
    vJE = Math.abs(unit.probeCleanJE - probeLoss(xCorr, y, je.w));
    vSL = Math.abs(unit.slCleanLoss - supervisedLoss(xCorr, y, sl.v));
  }
  tally.values.get(`supervised|${ai}`)![ni].push(vSL);
  tally.values.get(`reconstruction|${ai}`)![ni].push(vRC);
  tally.values.get(`joint-embedding|${ai}`)![ni].push(vJE);
  tally.extraGram[ai][ni].push(gramError(unit.wClean, je.w));
  tally.extraBestT[ai][ni].push(bestTResidual(unit.eClean, rc.e));
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

/** Sample standard deviation (0 with fewer than two values). */
function std(a: number[]): number {
  if (a.length < 2) return 0;
  const mu = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - mu) * (v - mu), 0) / (a.length - 1));
}

/** Mean and spread over the repeats per paradigm and alpha, with the closed-form prediction when thresholds are known. */
function summarize(setup: SimulationSetup, plan: SimulationPlan, tally: Tally): SimulationResult {
  const series: SimulationSeries[] = [];
  for (const p of PARADIGMS) {
    plan.alpha.forEach((alpha, ai) => {
      const vals = tally.values.get(`${p}|${ai}`)!;
      const t = setup.thresholds;
      const predicted = p === 'supervised' ? true : t ? recoversAt(alpha, p === 'reconstruction' ? t.alpha2RC : t.alpha2JE) : undefined;
      series.push({
        paradigm: p,
        alpha,
        mean: vals.map(mean),
        spread: vals.map(std),
        values: vals,
        ...(predicted === undefined ? {} : { predictedRecovery: predicted }),
      });
    });
  }
  return {
    mode: setup.mode,
    metric: plan.metric,
    metricDescription: { ...METRIC_DESCRIPTIONS[plan.metric] },
    n: plan.n.slice(),
    alpha: plan.alpha.slice(),
    repeats: plan.repeats,
    seed: plan.seed,
    dimensions: { d: setup.d, k: setup.k, latent: setup.latent },
    series,
    extra: plan.alpha.map((alpha, ai) => ({ alpha, jeGramError: tally.extraGram[ai].map(mean), rcBestTResidual: tally.extraBestT[ai].map(mean) })),
    notes: [...tally.notes],
  };
}

/** How each paradigm's discrepancy is measured, per metric (for legends and the CLI). */
const METRIC_DESCRIPTIONS: Record<SimulationMetricName, Record<SimulatedParadigm, string>> = {
  'subspace-angle': {
    supervised: '‖Ṽ − V‖_F / ‖V‖_F',
    reconstruction: 'sin θ_max between row(E) and row(Ẽ)',
    'joint-embedding': 'sin θ_max between row(W) and row(W̃)',
  },
  'probe-gap': {
    supervised: '|training MSE of V on x − of Ṽ on x̃|',
    reconstruction: '|linear-probe MSE on E x − on Ẽ x̃|',
    'joint-embedding': '|linear-probe MSE on W x − on W̃ x̃|',
  },
};

/**
 * Spectral mode (docs/architecture.md §1): clean rows are Gaussian with variances c in the important
 * coordinates; the probe targets are those k important coordinates themselves (there are
 * no labels in spectral mode; they are the features a downstream task would use).
 */
export function spectralSimulationSetup(
  spectra: { c: Float64Array; thetaImportant: Float64Array; gamma: Float64Array; thetaNoise: Float64Array },
  latent: number,
  thresholds: Thresholds | null,
  regularize?: number,
): SimulationSetup {
  const k = spectra.c.length;
  const d = k + spectra.gamma.length;
  const theta = new Float64Array(d);
  theta.set(spectra.thetaImportant, 0);
  theta.set(spectra.thetaNoise, k);
  const sd = Float64Array.from(spectra.c, (c) => Math.sqrt(c));
  return {
    mode: 'spectral',
    k,
    d,
    latent,
    theta,
    gamma: Float64Array.from(spectra.gamma),
    // A dense random basis costs O(d^3) per repeat; beyond a few hundred dimensions the
    // solvers are exercised in the canonical basis (their results are basis-equivariant).
    rotate: d <= ROTATE_MAX_DIMENSION,
    thresholds,
    ...(regularize !== undefined ? { regularize } : {}),
    draw(n: number, rng: Rng) {
      const x1 = new Matrix(n, k);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) x1.data[i * k + j] = sd[j] * rng.normal();
      return { x1, y: x1.clone() };
    },
  };
}

/**
 * n row numbers of [0, rows) as the in-memory draw picks them (docs/theory.md §6.1): a
 * uniformly random subset of n distinct rows in random order (partial Fisher–Yates, one
 * `random()` per row) while n ≤ rows, n uniform rows with replacement beyond. The swaps are
 * kept in a map, so memory is O(n) whatever `rows` (data read in blocks draw from all N
 * rows of the file, data/rowSample.ts): the same rows, in the same order, as the dense
 * permutation of {@link dataSimulationSetup} for the same `random`.
 */
export function drawRowIndices(rows: number, n: number, random: () => number): Float64Array {
  const idx = new Float64Array(n);
  if (n > rows) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(random() * rows);
    return idx;
  }
  const swapped = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (rows - i));
    const at = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    idx[i] = at;
  }
  return idx;
}

/** The clean rows `idx` of `clean` (k columns) and their targets, in that order. */
export function gatherRows(clean: Matrix, targets: Matrix, idx: ArrayLike<number>): { x1: Matrix; y: Matrix } {
  const n = idx.length;
  const k = clean.cols;
  const l = targets.cols;
  const x1 = new Matrix(n, k);
  const y = new Matrix(n, l);
  for (let i = 0; i < n; i++) {
    x1.data.set(clean.data.subarray(idx[i] * k, idx[i] * k + k), i * k);
    y.data.set(targets.data.subarray(idx[i] * l, idx[i] * l + l), i * l);
  }
  return { x1, y };
}

/**
 * Data mode (docs/theory.md §6.1): rows are sampled from the pipeline's clean data (its k PCA
 * coordinates), without replacement while n does not exceed the data set, with
 * replacement beyond. Targets: one-hot labels when the data set has labels (A10), else
 * the PCA coordinates. `draw` replaces that draw (data read in blocks: rows read from the
 * file per draw, or a part of a reservoir per repeat; simulateSpec.ts).
 */
export function dataSimulationSetup(
  clean: Matrix,
  targets: Matrix,
  theta: Float64Array,
  gamma: Float64Array,
  latent: number,
  thresholds: Thresholds | null,
  regularize?: number,
  draw?: SimulationSetup['draw'],
): SimulationSetup {
  const k = clean.cols;
  const d = k + gamma.length;
  const rows = clean.rows;
  return {
    mode: 'data',
    k,
    d,
    latent,
    theta,
    gamma,
    rotate: false, // P1's pipeline works in PCA coordinates, Q = I (docs/theory.md §6.1 step 1)
    thresholds,
    ...(regularize !== undefined ? { regularize } : {}),
    draw:
      draw ??
      ((n: number, rng: Rng) => {
        const idx = new Int32Array(n);
        if (n <= rows) {
          // partial Fisher-Yates: a uniformly random subset of n distinct rows
          const perm = Int32Array.from({ length: rows }, (_, i) => i);
          for (let i = 0; i < n; i++) {
            const j = i + Math.floor(rng.next() * (rows - i));
            const t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
            idx[i] = perm[i];
          }
        } else for (let i = 0; i < n; i++) idx[i] = Math.floor(rng.next() * rows);
        return gatherRows(clean, targets, idx);
      }),
  };
}
