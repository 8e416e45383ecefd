/**
 * Data mode (docs/architecture.md §1): the closed-form solvers of docs/theory.md §2 on real data or explicit
 * matrices, and P1's linear pipeline (docs/theory.md §6.1): centre, PCA to `pca` important
 * components, append `noise.count` noise coordinates with the spec's spectra. In the
 * pipeline every covariance is diagonal in the PCA basis (Q = I), so the thresholds of §4
 * apply; for a general problem they do not (A6) and only the solutions are reported.
 */
import type { Dimensions, ResolvedSpectra, Thresholds } from '../types';
import { gram, LinalgError, matmul, Matrix, padColumns, symmetricEigen, takeColumns, topSymmetricEigen } from '../../../numerics/dense';
import { gramError, relativeError, sinLargestPrincipalAngle } from '../metrics';
import { problem, type Problem } from '../../../problems/problems';
import { Rng } from '../../../numerics/rng';
import { corrupt } from '../simulation';
import {
  augmentationMoments,
  solveJointEmbedding,
  solveReconstruction,
  solveSupervised,
  type Augmentation,
  type JointEmbeddingSolution,
  type Moments,
  type ReconstructionSolution,
} from '../solvers';
import { DataFileError, readMatrix, readVector } from '../../../io/readArray';
import { LIMITS, type DataSpec, type Span, type SpectrumSpec } from '../../../spec/model';
import { evaluateSpectrum, readReferencedFile, type SpectrumContext } from '../spectra';
import { computeThresholds } from '../thresholds';

/** The solutions as JSON-friendly arrays (`sslexp analyze --json`, issue contract). */
export interface SolutionSet {
  /** Present when the data have targets (labels or Y). */
  supervised?: { V: number[][]; singular: boolean };
  reconstruction: { phi: number[]; map: number[][]; rowProjector: number[][]; objective: number };
  jointEmbedding: { omega: number[]; gram: number[][]; objective: number };
}

export interface DataSolutions extends SolutionSet {
  /** Which problem the solutions solve. */
  problem: string;
  /** Pipeline only: the same solvers on one corrupted draw of the noise coordinates. */
  corrupted?: SolutionSet & { seed: number };
  /** Pipeline only: clean vs corrupted at this n (docs/theory.md §4.4). */
  discrepancy?: { supervised?: number; reconstruction: number; jointEmbedding: number; jointEmbeddingGram: number };
}

export interface DataAnalysis {
  problems: Problem[];
  dimensions?: Dimensions;
  /** null when the problem is not in the paper's form (A6). */
  thresholds?: Thresholds | null;
  spectra?: ResolvedSpectra;
  solutions?: DataSolutions;
  /** What the pipeline did, for summaries. */
  pipeline?: { samples: number; features: number; pca: number; noise: number; explainedVariance: number; centered: boolean; classes?: number };
}

/** The loaded and prepared problem, shared by the analysis and the simulation. */
export interface PreparedData {
  /** Samples x features (after removing a label column and centring). */
  x: Matrix;
  /** Targets (one-hot labels or Y), when known. */
  y?: Matrix;
  classes?: number;
  centered: boolean;
  /** The pipeline, when `pca` is given. */
  pipeline?: {
    /** Clean data in PCA coordinates (samples x pca). */
    xp: Matrix;
    spectra: ResolvedSpectra;
    explainedVariance: number;
  };
}

const isErr = (ps: readonly Problem[]) => ps.some((p) => p.severity === 'error');

function spanOr(s: Span | undefined, fallback: Span): Span {
  return s ?? fallback;
}

/** Reads, validates and prepares the data of a data-mode spec (files only through `ctx.readFile`). */
export function prepareData(spec: DataSpec, ctx: SpectrumContext): { prepared?: PreparedData; problems: Problem[] } {
  const problems: Problem[] = [];
  const data = spec.data;
  const fileSpan = spanOr(data.fileSpan, data.span);
  const report = (code: string, message: string, span: Span, severity: 'error' | 'warning' | 'info' = 'error') => problems.push(problem(code, severity, message, span.start, span.end));

  // ---- the matrix
  let raw: { data: Float64Array; rows: number; cols: number };
  if (data.X) {
    const rows = data.X.length;
    const cols = data.X[0].length;
    raw = { data: Float64Array.from(data.X.flat()), rows, cols };
  } else {
    const read = readReferencedFile(data.file!, data.fileResolved, ctx, fileSpan, 'the data cannot be analysed');
    if ('problem' in read) return { problems: [...problems, read.problem] };
    const bytes = read.bytes;
    try {
      const a = readMatrix(bytes, data.file!, data.key);
      raw = { data: a.data, rows: a.shape[0], cols: a.shape[1] };
    } catch (e) {
      if (e instanceof DataFileError) {
        report('file-parse-error', `Cannot read '${data.file}': ${e.message}`, fileSpan);
        return { problems };
      }
      throw e;
    }
  }
  if (raw.rows > LIMITS.maxDataSamples) report('limit-exceeded', `The data have ${raw.rows} samples, over the limit of ${LIMITS.maxDataSamples}.`, fileSpan);
  if (raw.cols > LIMITS.maxDataDimension + 1) report('limit-exceeded', `The data have ${raw.cols} columns, over the limit of ${LIMITS.maxDataDimension} dimensions for the dense solvers.`, fileSpan);
  if (raw.rows * raw.cols > LIMITS.maxDataValues) report('limit-exceeded', `The data hold ${raw.rows} × ${raw.cols} values, over the limit of ${LIMITS.maxDataValues}.`, fileSpan);
  if (isErr(problems)) return { problems };
  for (let i = 0; i < raw.data.length; i++) {
    // v - v is NaN for NaN and ±Infinity, 0 otherwise (cheaper than Number.isFinite)
    if (raw.data[i] - raw.data[i] !== 0) {
      report('invalid-value', `The data hold a non-finite value (${raw.data[i]}) at row ${Math.floor(i / raw.cols) + 1}, column ${(i % raw.cols) + 1}.`, fileSpan);
      return { problems };
    }
  }

  // ---- labels and targets
  let labelValues: Float64Array | undefined;
  let labelCol: number | undefined;
  if (data.labels && 'column' in data.labels) {
    labelCol = data.labels.column < 0 ? raw.cols + data.labels.column : data.labels.column;
    if (labelCol < 0 || labelCol >= raw.cols) {
      report('out-of-range', `data.labels.column: ${data.labels.column} is outside the ${raw.cols} columns of the data.`, data.span);
      return { problems };
    }
    labelValues = new Float64Array(raw.rows);
    for (let i = 0; i < raw.rows; i++) labelValues[i] = raw.data[i * raw.cols + labelCol];
  } else if (data.labels && 'file' in data.labels) {
    const lab = data.labels;
    const read = readReferencedFile(lab.file, undefined, ctx, lab.span, 'the labels cannot be analysed');
    if ('problem' in read) return { problems: [...problems, read.problem] };
    const bytes = read.bytes;
    try {
      labelValues = readVector(bytes, lab.file, lab.key).data;
    } catch (e) {
      if (e instanceof DataFileError) {
        report('file-parse-error', `Cannot read '${lab.file}': ${e.message}`, lab.span);
        return { problems };
      }
      throw e;
    }
    if (labelValues.length !== raw.rows) {
      report('dimension-mismatch', `'${lab.file}' has ${labelValues.length} labels but the data have ${raw.rows} samples.`, lab.span);
      return { problems };
    }
  }
  const features = raw.cols - (labelCol !== undefined ? 1 : 0);
  if (features < 1) {
    report('dimension-mismatch', 'The data have no feature column besides the labels.', fileSpan);
    return { problems };
  }
  // without a label column the decoded array (owned here) is the data matrix
  const x = labelCol === undefined ? new Matrix(raw.rows, features, raw.data) : new Matrix(raw.rows, features);
  if (labelCol !== undefined) {
    for (let i = 0; i < raw.rows; i++) {
      let jj = 0;
      for (let j = 0; j < raw.cols; j++) if (j !== labelCol) x.data[i * features + jj++] = raw.data[i * raw.cols + j];
    }
  }
  let y: Matrix | undefined;
  let classes: number | undefined;
  if (labelValues) {
    // One-hot labels (A10): the classes are the distinct label values, sorted.
    const distinct = [...new Set(labelValues)].sort((a, b) => a - b);
    if (distinct.length > 1000) {
      report('limit-exceeded', `The labels take ${distinct.length} distinct values; one-hot targets are limited to 1000 classes.`, data.labels && 'span' in data.labels ? data.labels.span : data.span);
      return { problems };
    }
    classes = distinct.length;
    const index = new Map(distinct.map((v, i) => [v, i]));
    y = new Matrix(raw.rows, classes);
    for (let i = 0; i < raw.rows; i++) y.data[i * classes + index.get(labelValues[i])!] = 1;
  } else if (data.Y) {
    if (data.Y.length !== raw.rows) {
      report('dimension-mismatch', `data.Y has ${data.Y.length} rows but the data have ${raw.rows} samples.`, data.span);
      return { problems };
    }
    y = Matrix.fromArray(data.Y);
  }

  // ---- centring (docs/theory.md §1: only when asked; the pipeline's PCA centres)
  if (data.center) {
    for (let j = 0; j < features; j++) {
      let mu = 0;
      for (let i = 0; i < x.rows; i++) mu += x.data[i * features + j];
      mu /= x.rows;
      for (let i = 0; i < x.rows; i++) x.data[i * features + j] -= mu;
    }
  }
  const prepared: PreparedData = { x, ...(y ? { y } : {}), ...(classes !== undefined ? { classes } : {}), centered: data.center };
  if (data.pca === undefined) return { prepared, problems };

  // ---- the pipeline (docs/theory.md §6.1)
  if (data.pca > features) {
    report('out-of-range', `data.pca: ${data.pca} components requested but the data have ${features} features.`, data.span);
    return { problems };
  }
  const cov = gram(x, 1 / x.rows);
  const top = data.pca === features ? symmetricEigen(cov) : topSymmetricEigen(cov, data.pca);
  let total = 0;
  for (let j = 0; j < features; j++) total += cov.get(j, j);
  const k = data.pca;
  const c = new Float64Array(k);
  let kept = 0;
  for (let j = 0; j < k; j++) {
    c[j] = Math.max(0, top.values[j]);
    kept += c[j];
  }
  // PCA coordinates X V_k (samples x k); their second moment is diag(c) (A5: uncentred
  // moments of the centred data).
  const xp = matmul(x, takeColumns(top.vectors, k));
  if (c[k - 1] <= 1e-12 * (c[0] || 1)) {
    report('zero-signal-variance', `data.pca: principal component ${k} has variance ${c[k - 1].toPrecision(3)}: the data have fewer than ${k} non-degenerate directions, so the thresholds are infinite (docs/theory.md §4.5). Lower 'pca'.`, data.span, 'warning');
  }
  const noise = data.noise;
  const m = noise?.count ?? 0;
  let gamma: Float64Array = new Float64Array(m);
  let thetaNoise: Float64Array = new Float64Array(m);
  if (noise) {
    const gv = evaluateSpectrum(noise.variance, m, ctx, 'data.noise.variance');
    const tv = evaluateSpectrum(noise.augmentation, m, ctx, 'data.noise.augmentation');
    problems.push(...gv.problems, ...tv.problems);
    if (!gv.values || !tv.values) return { problems };
    gamma = gv.values;
    thetaNoise = tv.values;
  }
  let thetaImportant: Float64Array = new Float64Array(k);
  const aug = spec.augmentation;
  if (aug?.kind === 'additive' && aug.theta !== undefined) {
    if (Array.isArray(aug.theta)) {
      report('dimension-mismatch', 'augmentation.additive.theta: with data.pca the augmentation of the important components is a spectrum over the pca components (a number, a list or a family), not a matrix.', aug.span);
      return { problems };
    }
    const tv = evaluateSpectrum(aug.theta as SpectrumSpec, k, ctx, 'augmentation.additive.theta');
    problems.push(...tv.problems);
    if (!tv.values) return { problems };
    thetaImportant = tv.values;
  }
  if (aug?.kind === 'additive' && aug.gamma !== undefined) {
    report('conflicting-keys', 'augmentation.additive.gamma: with data.pca the noise covariance Γ is data.noise.variance; remove gamma.', aug.span);
    return { problems };
  }
  prepared.pipeline = { xp, spectra: { c, thetaImportant, gamma, thetaNoise }, explainedVariance: total > 0 ? kept / total : 1 };
  return { prepared, problems };
}

/** The analysis of a data-mode spec: solutions, and thresholds for the pipeline. */
export function analyzeData(spec: DataSpec, ctx: SpectrumContext, alphaOverride?: number): DataAnalysis {
  const { prepared, problems } = prepareData(spec, ctx);
  if (!prepared || isErr(problems)) return { problems };
  const out: DataAnalysis = { problems };
  const augSpan = spec.augmentation?.span ?? spec.data.span;
  const alpha = alphaOverride ?? (spec.augmentation?.kind === 'additive' ? spec.augmentation.alpha : spec.alpha) ?? 0;
  const report = (code: string, severity: 'error' | 'warning' | 'info', message: string, span: Span) => problems.push(problem(code, severity, message, span.start, span.end));

  try {
    if (prepared.pipeline) {
      const { xp, spectra } = prepared.pipeline;
      const k = xp.cols;
      const m = spectra.gamma.length;
      const d = k + m;
      const latent = spec.latent ?? k;
      if (latent > d) {
        report('out-of-range', 'error', `latent = ${latent} exceeds d = ${d} (pca + noise.count).`, spec.latentSpan ?? spec.span);
        return out;
      }
      out.dimensions = { d, k, latent };
      out.spectra = spectra;
      out.pipeline = {
        samples: xp.rows,
        features: prepared.x.cols,
        pca: k,
        noise: m,
        explainedVariance: prepared.pipeline.explainedVariance,
        centered: prepared.centered,
        ...(prepared.classes !== undefined ? { classes: prepared.classes } : {}),
      };
      const kind = spec.augmentation?.kind ?? 'additive';
      if (kind === 'additive') {
        out.thresholds = computeThresholds(spectra, latent);
      } else {
        out.thresholds = null;
        report(
          'thresholds-not-applicable',
          'info',
          `The closed-form thresholds need P1's augmentation family Θ + α²Γ (docs/theory.md §3); a ${kind} augmentation is not of that form, so only the closed-form solutions are computed (docs/theory.md A6).`,
          augSpan,
        );
      }
      // Clean data [xp, 0] and one corrupted draw [xp, N] with the same augmentation.
      const xClean = padColumns(xp, d);
      const seed = spec.simulate?.seed ?? 0;
      const xCorr = corrupt(xp, spectra.gamma, new Rng(seed));
      const augmentation = pipelineAugmentation(spec, spectra, alpha, d);
      const clean = solveAll(xClean, prepared.y, augmentation, latent, spec.regularize, k);
      const corrupted = solveAll(xCorr, prepared.y, augmentation, latent, spec.regularize);
      if (clean.note) report('singular-clean-problem', 'info', clean.note, augSpan);
      out.solutions = {
        problem: `P1's pipeline (docs/theory.md §6.1): ${xp.rows} samples, ${k} principal components + ${m} noise coordinates, ${describeAugmentation(spec, alpha)}`,
        ...clean.set,
        corrupted: { ...corrupted.set, seed },
        discrepancy: {
          ...(clean.raw.sl && corrupted.raw.sl ? { supervised: relativeError(corrupted.raw.sl.v, clean.raw.sl.v) } : {}),
          reconstruction: sinLargestPrincipalAngle(clean.raw.rc.e, corrupted.raw.rc.e),
          jointEmbedding: sinLargestPrincipalAngle(clean.raw.je.w, corrupted.raw.je.w),
          jointEmbeddingGram: gramError(clean.raw.je.w, corrupted.raw.je.w),
        },
      };
      return out;
    }

    // A general problem: the solvers of docs/theory.md §2 on X itself.
    const x = prepared.x;
    const d = x.cols;
    const latent = spec.latent;
    if (latent === undefined) {
      report('missing-field', 'error', "Data mode without 'data.pca' needs 'latent': the number of features the encoders keep (k of docs/theory.md §2).", spec.span);
      return out;
    }
    if (latent > d) {
      report('out-of-range', 'error', `latent = ${latent} exceeds the data dimension d = ${d}.`, spec.latentSpan ?? spec.span);
      return out;
    }
    if (!spec.augmentation) {
      report('missing-field', 'error', "Data mode without 'data.pca' needs an 'augmentation' (additive, masking or covariance) to define Σ (docs/theory.md §2.1).", spec.span);
      return out;
    }
    out.dimensions = { d, k: latent, latent };
    out.thresholds = null;
    report(
      'thresholds-not-applicable',
      'info',
      "Closed-form thresholds need the paper's form: important components and noise spectra in one shared basis (docs/theory.md §3, A6). This spec gives a general data problem, so only the closed-form solutions are computed; use data.pca with data.noise for P1's pipeline.",
      spec.data.span,
    );
    const augmentation = generalAugmentation(spec, alpha, d, ctx, problems);
    if (!augmentation) return out;
    const solved = solveAll(x, prepared.y, augmentation, latent, spec.regularize);
    out.solutions = { problem: `${x.rows} samples × ${d} features, ${describeAugmentation(spec, alpha)}`, ...solved.set };
    return out;
  } catch (e) {
    if (e instanceof LinalgError) {
      const hint = e.code === 'not-positive-definite' && spec.regularize === undefined ? " Add 'regularize: 1e-8' (an opt-in ε I, docs/theory.md §2.5) or an augmentation with variance on every direction." : '';
      report(e.code, 'error', `${e.message}${hint}`, augSpan);
      return { problems, ...(out.dimensions ? { dimensions: out.dimensions } : {}) };
    }
    throw e;
  }
}

function describeAugmentation(spec: DataSpec, alpha: number): string {
  const a = spec.augmentation;
  if (!a || a.kind === 'additive') return `additive augmentation Θ + α²Γ with α = ${alpha}`;
  if (a.kind === 'masking') return `Bernoulli masking with keep probability ${a.keep}`;
  return 'an explicit augmentation covariance';
}

/** Σ of the pipeline: additive diag(θ) + α² diag(0, γ), masking, or an explicit covariance. */
function pipelineAugmentation(spec: DataSpec, spectra: ResolvedSpectra, alpha: number, d: number): Augmentation {
  const a = spec.augmentation;
  if (a?.kind === 'masking') return { kind: 'masking', keep: a.keep };
  if (a?.kind === 'covariance') {
    if (a.matrix.length !== d) throw new LinalgError('dimension-mismatch', `augmentation.covariance is ${a.matrix.length} × ${a.matrix.length} but the pipeline has d = ${d} (pca + noise.count).`);
    return { kind: 'covariance', sigma: Matrix.fromArray(a.matrix) };
  }
  const k = spectra.c.length;
  const theta = new Float64Array(d);
  theta.set(spectra.thetaImportant, 0);
  theta.set(spectra.thetaNoise, k);
  const gamma = new Float64Array(d);
  gamma.set(spectra.gamma, k);
  return { kind: 'additive', theta: Matrix.diag(theta), gamma: Matrix.diag(gamma), alpha };
}

/** Σ of a general problem from the spec's augmentation (matrices, or spectra as diagonals). */
function generalAugmentation(spec: DataSpec, alpha: number, d: number, ctx: SpectrumContext, problems: Problem[]): Augmentation | undefined {
  const a = spec.augmentation!;
  if (a.kind === 'masking') return { kind: 'masking', keep: a.keep };
  const sizeError = (what: string, got: number) => {
    problems.push(problem('dimension-mismatch', 'error', `${what} is ${got} × ${got} but the data have d = ${d} features.`, a.span.start, a.span.end));
    return undefined;
  };
  if (a.kind === 'covariance') {
    if (a.matrix.length !== d) return sizeError('augmentation.covariance', a.matrix.length);
    return { kind: 'covariance', sigma: Matrix.fromArray(a.matrix) };
  }
  const part = (name: 'theta' | 'gamma', v: number[][] | SpectrumSpec | undefined): Matrix | undefined | null => {
    if (v === undefined) return new Matrix(d, d);
    if (Array.isArray(v)) return v.length === d ? Matrix.fromArray(v) : (sizeError(`augmentation.additive.${name}`, v.length), null);
    const r = evaluateSpectrum(v, d, ctx, `augmentation.additive.${name}`);
    problems.push(...r.problems);
    return r.values ? Matrix.diag(r.values) : null;
  };
  const theta = part('theta', a.theta);
  const gamma = part('gamma', a.gamma);
  if (!theta || !gamma) return undefined;
  return { kind: 'additive', theta, gamma, alpha };
}

interface RawSolutions {
  rc: ReconstructionSolution;
  je: JointEmbeddingSolution;
  sl?: { v: Matrix; singular: boolean };
}

interface Solved {
  set: SolutionSet;
  raw: RawSolutions;
  note?: string;
}

/**
 * Supervised, RC and JE on one data matrix. When `importantCount` is given (the clean
 * pipeline) and S is singular, the analytic reference of docs/theory.md A7 is used: the clean data
 * live in the first k coordinates and Σ is diagonal, so the k x k problem solved there and
 * padded with zeros is the solution (the noise block, with no data and no augmentation
 * variance, never competes).
 */
function solveAll(x: Matrix, y: Matrix | undefined, aug: Augmentation, latent: number, regularize: number | undefined, importantCount?: number): Solved {
  const g = gram(x, 1 / x.rows);
  try {
    const raw = solveWith(x, y, augmentationMoments(x, aug, { gramOfX: g, ...(regularize !== undefined ? { regularize } : {}) }), latent);
    return { set: solutionSet(raw), raw };
  } catch (e) {
    if (!(e instanceof LinalgError) || e.code !== 'not-positive-definite' || importantCount === undefined || aug.kind !== 'additive' || latent > importantCount) throw e;
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

function solveWith(x: Matrix, y: Matrix | undefined, m: Moments, latent: number): RawSolutions {
  const rc = solveReconstruction(m, latent);
  const je = solveJointEmbedding(m, latent);
  return { rc, je, ...(y ? { sl: solveSupervised(x, y, m) } : {}) };
}

/** The JSON-friendly arrays of `analyze --json` (issue 3 contract). */
function solutionSet({ rc, je, sl }: RawSolutions): SolutionSet {
  return {
    ...(sl ? { supervised: { V: sl.v.toArray(), singular: sl.singular } } : {}),
    reconstruction: { phi: Array.from(rc.phi), map: rc.map.toArray(), rowProjector: rc.rowProjector.toArray(), objective: rc.objective },
    jointEmbedding: { omega: Array.from(je.omega), gram: je.gram.toArray(), objective: je.objective },
  };
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
  const rc: ReconstructionSolution = { ...s.rc, e: padColumns(s.rc.e, d), dec: padRows(s.rc.dec, d), map: padSquare(s.rc.map), phi: padVec(s.rc.phi), rowProjector: padSquare(s.rc.rowProjector) };
  const je: JointEmbeddingSolution = { ...s.je, w: padColumns(s.je.w, d), omega: padVec(s.je.omega), gram: padSquare(s.je.gram) };
  return { rc, je, ...(s.sl ? { sl: { v: padColumns(s.sl.v, d), singular: true } } : {}) };
}

function padRows(a: Matrix, d: number): Matrix {
  const out = new Matrix(d, a.cols);
  out.data.set(a.data.subarray(0, Math.min(a.data.length, out.data.length)));
  return out;
}
