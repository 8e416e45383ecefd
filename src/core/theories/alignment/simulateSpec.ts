/**
 * Runs a spec's `simulate` block (docs/theory.md §6.1, §8.3): builds the simulation setup from a
 * spectral spec (Gaussian clean data with the signal variances) or from data mode (rows
 * of P1's pipeline), then {@link runSimulation}. Shared by the CLI and the worker; returns
 * problems instead of throwing on user input. {@link simulationRefusal} is also what the
 * analysis reports on the `simulate` block, so `sslexp check` finds a refused block.
 */
import type { EngineOptions, SimulationRunOptions } from '../theory';
import type { AlignmentEngineResult } from './result';
import type { Dimensions } from './types';
import type { PipelineData } from './data/pipeline';
import { LinalgError, Matrix } from '../../numerics/dense';
import { problem, type Problem } from '../../problems/problems';
import {
  dataSimulationSetup,
  ROTATE_MAX_DIMENSION,
  runSimulation,
  SimulationCancelled,
  spectralSimulationSetup,
  type SimulationResult,
  type SimulationSetup,
} from './simulation';
import { LIMITS, type DataSpec, type SpectralSpec } from '../../spec/model';
import { computeThresholds } from './thresholds';

export interface SpecSimulationOutcome {
  problems: Problem[];
  result?: SimulationResult;
}

/** What a simulate run costs, estimated before it starts: CPU seconds on the reference machine and peak bytes. */
export interface SimulationCost {
  seconds: number;
  bytes: number;
}

/** The problem a simulation runs on: (d, k, latent), the number of probe targets and, in data mode, the rows held. */
export interface SimulationShape {
  d: number;
  k: number;
  latent: number;
  /** probe targets per sample: the k important coordinates (spectral), the classes or the k PCA coordinates (data) */
  targets: number;
  /** spectral mode below ROTATE_MAX_DIMENSION: a random orthogonal basis per repeat */
  rotate: boolean;
  /** data mode: the rows of the pipeline kept in memory during the run */
  rows?: number;
  /** data read in blocks: the features each of those rows is read with and projected from (once, before the run) */
  sampledFeatures?: number;
}

/** What the budget needs of a data-mode analysis: the probe targets (classes), the rows and, for data read in blocks, the sampled features. */
export interface SimulationData {
  classes?: number;
  samples?: number;
  /** Data read in blocks: the simulation samples at most max(simulate.n) rows of `samples`, each projected from this many features. */
  sampledFeatures?: number;
}

/** The {@link SimulationData} of an analysis (theory.ts reports the refusal with it, simulateAlignment checks it). */
export function simulationData(analysis: AlignmentEngineResult): SimulationData | undefined {
  const p = analysis.pipeline;
  if (!p) return undefined;
  return {
    ...(p.classes !== undefined ? { classes: p.classes } : {}),
    samples: p.samples,
    ...(analysis.rowSampler ? { sampledFeatures: analysis.rowSampler.features } : {}),
  };
}

/**
 * Coefficients of {@link simulationCost}, fitted to runs of `sslexp simulate` on the reference
 * machine (2 cores; CPU time of both threads; README "Robustness"): estimates are within a
 * factor of 2 of what was measured, mostly above (test/unit/hostile.test.ts keeps the table).
 */
const COST = {
  /** s per multiply-add of the n-row products (Gram matrices n d², probes and supervised maps n d (latent + targets)) */
  madd: 4.5e-10,
  /** s per d³ of a dense factorisation (eigendecompositions, pseudo-inverses, QR, a basis change) */
  cube: 8.5e-9,
  /** s per Gaussian draw */
  normal: 5e-8,
  /** s per byte of the n-row matrices of a unit (allocation, page faults, garbage collection) */
  byte: 8e-9,
  /** s of fixed overhead per solved (n, alpha) pair */
  overhead: 5e-4,
  /** live bytes per row and per column of d + k + targets + latent (the unit's n-row matrices and their temporaries) */
  rowBytes: 8 * 2.7,
  /** live bytes per d² (the moments, Σ(α), the solvers' workspaces) */
  squareBytes: 8 * 24,
  /** the engine itself */
  baseBytes: 100e6,
} as const;

/** The estimated cost of running `plan` on a problem of `shape` (docs/architecture.md §5). */
export function simulationCost(shape: SimulationShape, plan: { n: readonly number[]; alphas: number; repeats: number }): SimulationCost {
  const { d, k, latent, targets: l, rotate } = shape;
  const A = plan.alphas;
  const rot = rotate ? 1 : 0;
  const cols = d + k + l + latent;
  let perRepeat = rot * COST.cube * (1 + A) * d ** 3; // the random basis and Σ(α) in it
  let maxN = 0;
  for (const n of plan.n) {
    maxN = Math.max(maxN, n);
    const products = n * d * d * (1 + 2 * rot) + n * k * k + n * k * (2 * latent + l) + A * n * d * (2 * latent + 2 * l);
    perRepeat +=
      COST.madd * products +
      COST.cube * (k ** 3 + A * d ** 3 * (1 + rot)) +
      COST.normal * n * d +
      COST.byte * COST.rowBytes * n * cols +
      COST.overhead * (1 + A);
  }
  const bytes = COST.baseBytes + COST.rowBytes * maxN * cols + COST.squareBytes * d * d + 8 * (shape.rows ?? 0) * (k + l);
  // data read in blocks: the sample is read and projected to the k PCA coordinates once
  const sampling = shape.sampledFeatures ? (COST.madd * (k + 1) + COST.byte) * (shape.rows ?? 0) * shape.sampledFeatures : 0;
  return { seconds: plan.repeats * perRepeat + sampling, bytes };
}

/** The simulate block's estimated cost against the budget, as the refusal that says what to change, or undefined. */
function overBudget(sim: NonNullable<SpectralSpec['simulate']>, shape: SimulationShape): string | undefined {
  const plan = { n: sim.n.values, alphas: sim.alpha.length, repeats: sim.repeats };
  const cost = simulationCost(shape, plan);
  const maxS = LIMITS.maxSimulationSeconds;
  const maxB = LIMITS.maxSimulationBytes;
  if (cost.seconds <= maxS && cost.bytes <= maxB) return undefined;
  const maxN = Math.max(...plan.n);
  const gb = (b: number) => (b / 1024 ** 3).toFixed(b < 10 * 1024 ** 3 ? 1 : 0);
  const est = `about ${cost.seconds < 100 ? cost.seconds.toFixed(0) : cost.seconds.toPrecision(2)} s and ${gb(cost.bytes)} GB`;
  const hints: string[] = [];
  if (cost.bytes > maxB) {
    // data read in blocks hold a sample of the largest n rows: a smaller n holds fewer
    const held = (n: number): SimulationShape => (shape.sampledFeatures ? { ...shape, rows: Math.min(shape.rows ?? 0, n) } : shape);
    // the largest n that fits in memory
    let lo = 1;
    let hi = maxN;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (simulationCost(held(mid), { ...plan, n: [mid] }).bytes <= maxB) lo = mid;
      else hi = mid - 1;
    }
    hints.push(simulationCost(held(lo), { ...plan, n: [lo] }).bytes <= maxB ? `a largest n of at most ${lo} (now ${maxN})` : `a smaller d (now ${shape.d})`);
  }
  if (cost.seconds > maxS) {
    const factor = cost.seconds / maxS;
    const less = factor < 10 ? `${factor.toFixed(1)}×` : `${factor.toPrecision(2)}×`;
    const fewer = [`repeats (now ${plan.repeats})`, `sample sizes (now ${plan.n.length})`, `alpha values (now ${plan.alphas})`].filter(
      (_, i) => [plan.repeats, plan.n.length, plan.alphas][i] > 1,
    );
    const ways = [...(fewer.length ? [`fewer ${fewer.join(', ')}`] : []), `a smaller largest n (now ${maxN})`, `a smaller d (now ${shape.d})`];
    hints.push(`${less} less work: ${ways.slice(0, -1).join(', ')} or ${ways[ways.length - 1]}`);
  }
  return `simulate: the run is estimated at ${est} (d = ${shape.d}, ${plan.n.length} sample size${plan.n.length === 1 ? '' : 's'} up to n = ${maxN}, ${plan.alphas} alpha value${plan.alphas === 1 ? '' : 's'}, ${plan.repeats} repeat${plan.repeats === 1 ? '' : 's'}), over the budget of ${maxS} s and ${gb(maxB)} GB; it needs ${hints.join(', and ')}.`;
}

/**
 * Why `simulate` refuses the spec's `simulate` block, located on the block, or undefined
 * when it runs (or the spec has none). `dimensions` are the analysis' (d, k, latent), when
 * it got that far: data mode's come from P1's pipeline, with its `classes` (the probe
 * targets) and `samples` (the rows kept during the run). One definition for the refusal of
 * {@link simulateAlignment} and the problem of the analysis (theory.ts). Besides the hard
 * limits, the run's estimated time and memory ({@link simulationCost}) must fit the budget.
 */
export function simulationRefusal(spec: SpectralSpec | DataSpec, dimensions: Dimensions | undefined, pipeline?: SimulationData): Problem | undefined {
  const sim = spec.simulate;
  if (!sim) return undefined;
  const at = (code: string, message: string) => problem(code, 'error', message, sim.span.start, sim.span.end);
  if (spec.mode === 'data') {
    const aug = spec.augmentation;
    if (aug && aug.kind !== 'additive')
      return at(
        'simulation-unsupported',
        `simulate: the finite-n experiment uses P1's augmentation family Θ + α²Γ over the simulate.alpha grid; a ${aug.kind} augmentation has no α.`,
      );
    // a data file read in blocks is sampled (data/rowSample.ts); a moments file has no rows to sample
    if (spec.data.moments)
      return at(
        'simulation-unsupported',
        'simulate: data.moments holds sums over the samples, not the rows the finite-n simulation draws (no sample of rows can be taken from sums); point data.file at the rows to simulate.',
      );
    if (spec.data.pca === undefined)
      return at(
        'simulation-unsupported',
        "simulate: data mode simulates P1's pipeline (docs/theory.md §6.1); add 'data.pca' (the important components) and 'data.noise'.",
      );
  }
  if (!dimensions) return undefined;
  const { d, k, latent } = dimensions;
  if (d > LIMITS.maxSimulationDimension)
    return at('simulation-too-large', `simulate: d = ${d} exceeds the simulation limit of ${LIMITS.maxSimulationDimension} dimensions.`);
  const components = spec.mode === 'spectral' ? 'important components' : 'principal components';
  if (latent > k)
    return at('out-of-range', `simulate: latent = ${latent} exceeds the ${k} ${components}; the clean solution is then not unique (docs/theory.md A14).`);
  // data mode holds the pipeline's rows: all of them in memory, or the sample of at most max(simulate.n) rows of data read in blocks
  const sampled = pipeline?.sampledFeatures;
  const rows = pipeline?.samples === undefined ? undefined : sampled !== undefined ? Math.min(pipeline.samples, Math.max(...sim.n.values)) : pipeline.samples;
  const shape: SimulationShape =
    spec.mode === 'spectral'
      ? { d, k, latent, targets: k, rotate: d <= ROTATE_MAX_DIMENSION }
      : {
          d,
          k,
          latent,
          targets: pipeline?.classes ?? k,
          rotate: false,
          ...(rows !== undefined ? { rows } : {}),
          ...(sampled !== undefined ? { sampledFeatures: sampled } : {}),
        };
  const budget = overBudget(sim, shape);
  if (budget) return at('simulation-too-large', budget);
  return undefined;
}

/**
 * The `simulate` of {@link alignmentTheory}: `analysis` is the error-free analysis of `spec`;
 * in data mode it carries the prepared data, which are not read and prepared again, or, for
 * data read in blocks, the sampler that reads just the rows the run draws from.
 */
export async function simulateAlignment(
  spec: SpectralSpec | DataSpec,
  analysis: AlignmentEngineResult,
  _options: EngineOptions,
  run: SimulationRunOptions = {},
): Promise<SpecSimulationOutcome> {
  const sim = spec.simulate;
  if (!sim) {
    return {
      problems: [
        problem(
          'missing-field',
          'error',
          "The spec has no 'simulate' block: add one (n, alpha, repeats, seed, metric) to run the finite-n experiment.",
          spec.span.start,
          spec.span.start,
        ),
      ],
    };
  }
  const refusal = simulationRefusal(spec, analysis.dimensions, simulationData(analysis));
  if (refusal) return { problems: [refusal] };
  const setup = simulationSetup(spec, analysis, run);
  if (!setup) return { problems: analysis.problems };
  if (Array.isArray(setup)) return { problems: setup };
  try {
    const result = await runSimulation(setup, { n: sim.n.values, alpha: sim.alpha, repeats: sim.repeats, seed: sim.seed, metric: sim.metric }, run);
    return { problems: [], result };
  } catch (e) {
    if (e instanceof LinalgError) return { problems: [problem(e.code, 'error', `simulate: ${e.message}`, sim.span.start, sim.span.end)] };
    throw e;
  }
}

/**
 * The simulation setup of an analysed spec, or undefined when the analysis did not get
 * that far. Data read in blocks: the seeded sample of max(simulate.n) rows is read now
 * (data/rowSample.ts); its failures are the problems returned.
 */
function simulationSetup(spec: SpectralSpec | DataSpec, analysis: AlignmentEngineResult, run: SimulationRunOptions): SimulationSetup | Problem[] | undefined {
  const dims = analysis.dimensions;
  if (!dims) return undefined;
  if (spec.mode === 'spectral') {
    const spectra = analysis.spectra;
    return spectra ? spectralSimulationSetup(spectra, dims.latent, analysis.thresholds ?? null, spec.regularize) : undefined;
  }
  const prepared = analysis.prepared;
  if (prepared?.pipeline) return pipelineSimulationSetup(prepared.pipeline, prepared.y, dims.latent, spec.regularize);
  const sampler = analysis.rowSampler;
  const sim = spec.simulate;
  if (!sampler || !sim) return undefined;
  const drawn = sampler.sample(Math.max(...sim.n.values), sim.seed, {
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
    check: () => {
      if (run.signal?.aborted) throw new SimulationCancelled();
    },
  });
  if (!drawn.sample) return drawn.problems;
  return pipelineSimulationSetup(drawn.sample.pipeline, drawn.sample.y, dims.latent, spec.regularize);
}

/** Data mode: rows of P1's pipeline, probed against the labels (else the PCA coordinates themselves). */
function pipelineSimulationSetup(pipeline: PipelineData, y: Matrix | undefined, latent: number, regularize: number | undefined): SimulationSetup {
  const { xp, spectra } = pipeline;
  const k = xp.cols;
  const d = k + spectra.gamma.length;
  const theta = new Float64Array(d);
  theta.set(spectra.thetaImportant, 0);
  theta.set(spectra.thetaNoise, k);
  // Without labels the probe targets are the PCA coordinates themselves.
  const targets = y ?? new Matrix(xp.rows, k, Float64Array.from(xp.data));
  return dataSimulationSetup(xp, targets, theta, spectra.gamma, latent, computeThresholds(spectra, latent), regularize);
}
