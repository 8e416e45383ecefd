/**
 * Data mode (docs/architecture.md §1): the closed-form solvers of docs/theory.md §2 on real data or explicit
 * matrices, and P1's linear pipeline (docs/theory.md §6.1): centre, PCA to `pca` important
 * components, append `noise.count` noise coordinates with the spec's spectra. In the
 * pipeline every covariance is diagonal in the PCA basis (Q = I), so the thresholds of §4
 * apply; for a general problem they do not (A6) and only the solutions are reported.
 */
import { LinalgError, padColumns, type Matrix } from '../../../numerics/dense';
import { problem, type Problem, type Severity } from '../../../problems/problems';
import { Rng } from '../../../numerics/rng';
import { corrupt } from '../simulation';
import type { DataSpec, Span } from '../../../spec/model';
import type { SpectrumContext } from '../spectra';
import { computeThresholds } from '../thresholds';
import { describeAugmentation, generalAugmentation, pipelineAugmentation } from './augmentation';
import { centerColumns, dataFileSpan, featureMatrix, readDataMatrix, readLabels, readTargets } from './loadData';
import { buildPipeline, type PipelineData } from './pipeline';
import { discrepancyBlock, solveAll, type SolutionSet } from './solutions';
import { resolveAlpha } from '../alpha';
import type { DataAnalysis, DataSolutions, PreparedData } from './types';
import { analyzeStreamed, shouldStream, type DataContext } from './streamed';

export type { SolutionSet };
export type { DataAnalysis, DataSolutions, PipelineSummary, PreparedData, RowSampler } from './types';

const isErr = (ps: readonly Problem[]) => ps.some((p) => p.severity === 'error');

/** Pushes a located problem (the analysis' argument order: severity before the message). */
function report(problems: Problem[], code: string, severity: Severity, message: string, span: Span): void {
  problems.push(problem(code, severity, message, span.start, span.end));
}

/** Reads, validates and prepares the data of a data-mode spec (files only through `ctx.readFile`). */
export function prepareData(spec: DataSpec, ctx: SpectrumContext): { prepared?: PreparedData; problems: Problem[] } {
  const problems: Problem[] = [];
  const data = spec.data;
  // ---- the matrix
  const raw = readDataMatrix(data, ctx, problems);
  if (!raw) return { problems };
  // ---- labels and targets
  const labels = readLabels(data, raw, ctx, problems);
  if (!labels) return { problems };
  const features = featureMatrix(raw, labels.column, dataFileSpan(data), problems);
  if (!features) return { problems };
  // centred in place below: not in the file's bytes, which the matrix may be a view of (loadData.ts)
  const x = data.center && features.data === raw.data ? features.clone() : features;
  const targets = readTargets(data, labels.values, raw.rows, problems);
  if (!targets) return { problems };
  // ---- centring (docs/theory.md §1: only when asked; the pipeline's PCA centres)
  if (data.center) centerColumns(x);
  const { y, classes } = targets;
  const prepared: PreparedData = { x, ...(y ? { y } : {}), ...(classes !== undefined ? { classes } : {}), centered: data.center };
  if (data.pca === undefined) return { prepared, problems };
  // ---- the pipeline (docs/theory.md §6.1)
  let pipeline: PipelineData | undefined;
  try {
    pipeline = buildPipeline(spec, x, ctx, problems);
  } catch (e) {
    // the PCA's eigensolver on data it cannot take (docs/architecture.md §6): a located problem, not an internal error
    if (!(e instanceof LinalgError)) throw e;
    report(problems, e.code, 'error', `data.pca: ${e.message}`, spec.data.span);
    return { problems };
  }
  if (!pipeline) return { problems };
  prepared.pipeline = pipeline;
  return { prepared, problems };
}

/**
 * The analysis of a data-mode spec: solutions, and thresholds for the pipeline. Your own
 * views, a moments file and data beyond the in-memory limits go through the streamed
 * analysis (data/streamed.ts: sufficient statistics in one pass); the rest is read whole.
 */
export function analyzeData(spec: DataSpec, ctx: DataContext, alphaOverride?: number): DataAnalysis {
  if (spec.data.moments || spec.augmentation?.kind === 'views' || shouldStream(spec, ctx)) {
    const s = analyzeStreamed(spec, ctx, resolveAlpha(spec, { alpha: alphaOverride }) ?? 0);
    return {
      problems: s.problems,
      ...(s.dimensions ? { dimensions: s.dimensions } : {}),
      ...(s.thresholds !== undefined ? { thresholds: s.thresholds } : {}),
      ...(s.spectra ? { spectra: s.spectra } : {}),
      ...(s.solutions ? { solutions: s.solutions } : {}),
      ...(s.pipeline ? { pipeline: s.pipeline } : {}),
      ...(s.rowSampler ? { rowSampler: s.rowSampler } : {}),
      ...(s.viewsFit ? { viewsFit: s.viewsFit } : {}),
      ...(s.strength ? { strength: s.strength } : {}),
    };
  }
  const { prepared, problems } = prepareData(spec, ctx);
  if (!prepared || isErr(problems)) return { problems };
  const out: DataAnalysis = { problems };
  const alpha = resolveAlpha(spec, { alpha: alphaOverride }) ?? 0;
  try {
    if (prepared.pipeline) analyzePipeline(spec, prepared, prepared.pipeline, alpha, out);
    else analyzeGeneral(spec, prepared, alpha, ctx, out);
    out.prepared = prepared;
    return out;
  } catch (e) {
    if (e instanceof LinalgError) {
      const hint =
        e.code === 'not-positive-definite' && spec.regularize === undefined
          ? " Add 'regularize: 1e-8' (an opt-in ε I, docs/theory.md §2.5) or an augmentation with variance on every direction."
          : '';
      report(problems, e.code, 'error', `${e.message}${hint}`, augmentationSpan(spec));
      return { problems, ...(out.dimensions ? { dimensions: out.dimensions } : {}) };
    }
    throw e;
  }
}

function augmentationSpan(spec: DataSpec): Span {
  return spec.augmentation?.span ?? spec.data.span;
}

/** P1's pipeline: dimensions, spectra, thresholds (additive augmentation only) and the solutions. */
function analyzePipeline(spec: DataSpec, prepared: PreparedData, pipeline: PipelineData, alpha: number, out: DataAnalysis): void {
  const { xp, spectra } = pipeline;
  const k = xp.cols;
  const m = spectra.gamma.length;
  const d = k + m;
  const latent = spec.latent ?? k;
  if (latent > d) {
    report(out.problems, 'out-of-range', 'error', `latent = ${latent} exceeds d = ${d} (pca + noise.count).`, spec.latentSpan ?? spec.span);
    return;
  }
  out.dimensions = { d, k, latent };
  out.spectra = spectra;
  out.pipeline = {
    samples: xp.rows,
    features: prepared.x.cols,
    pca: k,
    noise: m,
    explainedVariance: pipeline.explainedVariance,
    centered: prepared.centered,
    ...(prepared.classes !== undefined ? { classes: prepared.classes } : {}),
  };
  const kind = spec.augmentation?.kind ?? 'additive';
  if (kind === 'additive') {
    out.thresholds = computeThresholds(spectra, latent);
  } else {
    out.thresholds = null;
    report(
      out.problems,
      'thresholds-not-applicable',
      'info',
      `The closed-form thresholds need P1's augmentation family Θ + α²Γ (docs/theory.md §3); a ${kind} augmentation is not of that form, so only the closed-form solutions are computed (docs/theory.md A6).`,
      augmentationSpan(spec),
    );
  }
  out.solutions = pipelineSolutions(spec, prepared.y, pipeline, alpha, latent, out.problems);
}

/** The solvers on the clean data [xp, 0] and on one corrupted draw [xp, N] with the same augmentation, and their discrepancy. */
function pipelineSolutions(spec: DataSpec, y: Matrix | undefined, pipeline: PipelineData, alpha: number, latent: number, problems: Problem[]): DataSolutions {
  const { xp, spectra } = pipeline;
  const k = xp.cols;
  const m = spectra.gamma.length;
  const d = k + m;
  const xClean = padColumns(xp, d);
  const seed = spec.simulate?.seed ?? 0;
  const xCorr = corrupt(xp, spectra.gamma, new Rng(seed));
  const augmentation = pipelineAugmentation(spec, spectra, alpha, d);
  const clean = solveAll(xClean, y, augmentation, latent, spec.regularize, k);
  const corrupted = solveAll(xCorr, y, augmentation, latent, spec.regularize);
  if (clean.note) report(problems, 'singular-clean-problem', 'info', clean.note, augmentationSpan(spec));
  return {
    problem: `P1's pipeline (docs/theory.md §6.1): ${xp.rows} samples, ${k} principal components + ${m} noise coordinates, ${describeAugmentation(spec, alpha)}`,
    ...clean.set,
    corrupted: { ...corrupted.set, seed },
    discrepancy: discrepancyBlock(clean.raw, corrupted.raw),
  };
}

/** A general problem: the solvers of docs/theory.md §2 on X itself (no thresholds, A6). */
function analyzeGeneral(spec: DataSpec, prepared: PreparedData, alpha: number, ctx: SpectrumContext, out: DataAnalysis): void {
  const problems = out.problems;
  const x = prepared.x;
  const d = x.cols;
  const latent = spec.latent;
  if (latent === undefined) {
    report(
      problems,
      'missing-field',
      'error',
      "Data mode without 'data.pca' needs 'latent': the number of features the encoders keep (k of docs/theory.md §2).",
      spec.span,
    );
    return;
  }
  if (latent > d) {
    report(problems, 'out-of-range', 'error', `latent = ${latent} exceeds the data dimension d = ${d}.`, spec.latentSpan ?? spec.span);
    return;
  }
  if (!spec.augmentation) {
    report(
      problems,
      'missing-field',
      'error',
      "Data mode without 'data.pca' needs an 'augmentation' (additive, masking, covariance or views) to define Σ (docs/theory.md §2.1).",
      spec.span,
    );
    return;
  }
  out.dimensions = { d, k: latent, latent };
  out.thresholds = null;
  report(
    problems,
    'thresholds-not-applicable',
    'info',
    "Closed-form thresholds need the paper's form: important components and noise spectra in one shared basis (docs/theory.md §3, A6). This spec gives a general data problem, so only the closed-form solutions are computed; use data.pca with data.noise for P1's pipeline.",
    spec.data.span,
  );
  const augmentation = generalAugmentation(spec, alpha, d, ctx, problems);
  if (!augmentation) return;
  const solved = solveAll(x, prepared.y, augmentation, latent, spec.regularize);
  out.solutions = { problem: `${x.rows} samples × ${d} features, ${describeAugmentation(spec, alpha)}`, ...solved.set };
}
