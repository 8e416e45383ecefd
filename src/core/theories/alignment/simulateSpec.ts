/**
 * Runs a spec's `simulate` block (docs/theory.md §6.1, §8.3): builds the simulation setup from a
 * spectral spec (Gaussian clean data with the signal variances) or from data mode (rows
 * of P1's pipeline), then {@link runSimulation}. Shared by the CLI and the worker; returns
 * problems instead of throwing on user input. {@link simulationRefusal} is also what the
 * analysis reports on the `simulate` block, so `sslexp check` finds a refused block.
 */
import type { EngineOptions, SimulationRunOptions } from '../theory';
import type { AlignmentEngineResult } from './result';
import type { Dimensions, ResolvedSpectra } from './types';
import { DrawFailed } from './data/rowSample';
import { Rng } from '../../numerics/rng';
import type { PipelineData } from './data/pipeline';
import { LinalgError, Matrix } from '../../numerics/dense';
import { problem, type Problem } from '../../problems/problems';
import {
  dataSimulationSetup,
  drawRowIndices,
  gatherRows,
  ROTATE_MAX_DIMENSION,
  rowPartsSeed,
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
  /** data read in blocks: the features each row read is read with and projected from */
  sampledFeatures?: number;
  /** data read in blocks: the rows read and projected over the run (the held rows, or every draw's rows when each draw reads its own); default `rows` */
  readRows?: number;
}

/** What the budget needs of a data-mode analysis: the probe targets (classes), the rows and, for data read in blocks, the sampled features. */
export interface SimulationData {
  classes?: number;
  samples?: number;
  /** Data read in blocks: the simulation reads rows of `samples`, each projected from this many features. */
  sampledFeatures?: number;
  /** Data read in blocks: whether its rows can be read by position (then every draw reads its own rows). */
  positioned?: boolean;
}

/** The {@link SimulationData} of an analysis (theory.ts reports the refusal with it, simulateAlignment checks it). */
export function simulationData(analysis: AlignmentEngineResult): SimulationData | undefined {
  const p = analysis.pipeline;
  if (!p) return undefined;
  return {
    ...(p.classes !== undefined ? { classes: p.classes } : {}),
    samples: p.samples,
    ...(analysis.rowSampler ? { sampledFeatures: analysis.rowSampler.features, positioned: analysis.rowSampler.positioned } : {}),
  };
}

/**
 * Where the draws of a simulation on data read in blocks take their rows
 * (docs/theory.md §6.1): `all` — every row held in file order, the in-memory draws (m ≥ N,
 * or a one-pass layout whose m × repeats rows cover the file); `direct` — every draw reads
 * its n rows of all N by position; `parts` — one pass keeps a reservoir of repeats × m rows,
 * one disjoint part of m rows per repeat; `shared` — one sample of m rows for every repeat,
 * when the reservoir would not fit the memory budget.
 */
export type StreamedRows =
  | { kind: 'all'; rows: number }
  | { kind: 'direct'; read: number }
  | { kind: 'parts'; rows: number; parts: number }
  | { kind: 'shared'; rows: number; wanted: number };

/** The {@link StreamedRows} of a plan: `fits(rows)` says whether holding that many rows fits the memory budget. */
export function streamedRows(
  plan: { n: readonly number[]; repeats: number },
  samples: number,
  positioned: boolean,
  fits: (rows: number) => boolean,
): StreamedRows {
  const m = Math.max(...plan.n);
  if (m >= samples) return { kind: 'all', rows: samples };
  if (positioned) return { kind: 'direct', read: plan.repeats * plan.n.reduce((s, n) => s + n, 0) };
  const wanted = Math.min(samples, plan.repeats * m);
  if (fits(wanted)) return wanted === samples ? { kind: 'all', rows: samples } : { kind: 'parts', rows: wanted, parts: plan.repeats };
  return { kind: 'shared', rows: m, wanted };
}

/** The rows a {@link StreamedRows} holds and reads, as fields of a {@link SimulationShape}. */
function streamedShape(rows: StreamedRows): { rows: number; readRows: number } {
  return rows.kind === 'direct' ? { rows: 0, readRows: rows.read } : { rows: rows.rows, readRows: rows.rows };
}

/**
 * Coefficients of {@link simulationCost}, fitted to runs of `sslexp simulate` on the reference
 * machine (2 cores; CPU time of both threads; docs/development.md "Robustness"): estimates are within a
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
  // data read in blocks: every row read is projected to the k PCA coordinates (once per draw that reads it)
  const sampling = shape.sampledFeatures ? (COST.madd * (k + 1) + COST.byte) * (shape.readRows ?? shape.rows ?? 0) * shape.sampledFeatures : 0;
  return { seconds: plan.repeats * perRepeat + sampling, bytes };
}

/** The simulate block's estimated cost against the budget, as the refusal that says what to change, or undefined. */
function overBudget(
  sim: NonNullable<SpectralSpec['simulate']>,
  shape: SimulationShape,
  shapeAt: (n: number[]) => SimulationShape = () => shape,
): string | undefined {
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
    // data read in blocks hold rows in proportion to the largest n: a smaller n holds fewer
    const held = (n: number): SimulationShape => shapeAt([n]);
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
  const shapeAt = (n: number[]): SimulationShape => {
    if (spec.mode === 'spectral') return { d, k, latent, targets: k, rotate: d <= ROTATE_MAX_DIMENSION };
    const base: SimulationShape = { d, k, latent, targets: pipeline?.classes ?? k, rotate: false };
    // data mode holds the pipeline's rows: all of them in memory; data read in blocks, the rows of streamedRows
    if (pipeline?.samples === undefined) return base;
    if (pipeline.sampledFeatures === undefined) return { ...base, rows: pipeline.samples };
    const sampled = { ...base, sampledFeatures: pipeline.sampledFeatures };
    const fits = (rows: number) => simulationCost({ ...sampled, rows }, plan(n)).bytes <= LIMITS.maxSimulationBytes;
    return { ...sampled, ...streamedShape(streamedRows({ n, repeats: sim.repeats }, pipeline.samples, pipeline.positioned ?? false, fits)) };
  };
  const plan = (n: number[]) => ({ n, alphas: sim.alpha.length, repeats: sim.repeats });
  const shape = shapeAt(sim.n.values);
  const budget = overBudget(sim, shape, shapeAt);
  if (budget) return at('simulation-too-large', budget);
  return undefined;
}

/**
 * The rows a simulation on data read in blocks draws from ({@link streamedRows}), or
 * undefined for other specs; `positioned` overrides the layout the file's name promises.
 */
function dataRowsOf(
  spec: SpectralSpec | DataSpec,
  dimensions: Dimensions | undefined,
  pipeline: SimulationData | undefined,
  positioned?: boolean,
): StreamedRows | undefined {
  const sim = spec.simulate;
  if (!sim || spec.mode !== 'data' || !dimensions || pipeline?.samples === undefined || pipeline.sampledFeatures === undefined) return undefined;
  const { d, k, latent } = dimensions;
  const shape: SimulationShape = { d, k, latent, targets: pipeline.classes ?? k, rotate: false, sampledFeatures: pipeline.sampledFeatures };
  const plan = { n: sim.n.values, alphas: sim.alpha.length, repeats: sim.repeats };
  const fits = (rows: number) => simulationCost({ ...shape, rows }, plan).bytes <= LIMITS.maxSimulationBytes;
  return streamedRows(plan, pipeline.samples, positioned ?? pipeline.positioned ?? false, fits);
}

/**
 * The info problem on the `simulate` block when the repeats of a simulation on data read in
 * one pass share one sample of max(n) rows (docs/theory.md §6.1): the reservoir of
 * repeats × max(n) rows that would give each repeat its own rows does not fit the memory
 * budget. `positioned`: the layout as found (default: as the file's name promises).
 */
export function simulationNotice(
  spec: SpectralSpec | DataSpec,
  dimensions: Dimensions | undefined,
  pipeline?: SimulationData,
  positioned?: boolean,
): Problem | undefined {
  const rows = dataRowsOf(spec, dimensions, pipeline, positioned);
  const sim = spec.simulate;
  if (!sim || rows?.kind !== 'shared') return undefined;
  return problem(
    'simulation-shared-sample',
    'info',
    `simulate: the ${sim.repeats} repeats share one sample of ${rows.rows} of the ${pipeline!.samples} rows: this file is read in one pass (no rows by position), and a sample of ${rows.wanted} rows, one part per repeat, would exceed the memory budget of ${(LIMITS.maxSimulationBytes / 1024 ** 3).toFixed(1)} GB. At n = ${rows.rows} every repeat holds the same rows, so the spread there comes from the noise draws alone; fewer repeats or a smaller largest n give each repeat its own rows.`,
    sim.span.start,
    sim.span.end,
  );
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
  const notices: Problem[] = [];
  const setup = simulationSetup(spec, analysis, run, notices);
  if (!setup) return { problems: analysis.problems };
  if (Array.isArray(setup)) return { problems: setup };
  try {
    const result = await runSimulation(setup, { n: sim.n.values, alpha: sim.alpha, repeats: sim.repeats, seed: sim.seed, metric: sim.metric }, run);
    return { problems: notices, result };
  } catch (e) {
    if (e instanceof LinalgError) return { problems: [problem(e.code, 'error', `simulate: ${e.message}`, sim.span.start, sim.span.end)] };
    if (e instanceof DrawFailed) return { problems: e.problems };
    throw e;
  }
}

/**
 * The simulation setup of an analysed spec, or undefined when the analysis did not get
 * that far. Data read in blocks (docs/theory.md §6.1): with max(n) < N and rows read by
 * position, every draw reads its own rows from the file (data/rowSample.ts directDraws);
 * otherwise the rows of {@link streamedRows} are read now (a seeded sample or reservoir),
 * and the notice that the repeats share them goes to `notices`. Failures are the problems
 * returned. Exported for the tests (the draws of every layout).
 */
export function simulationSetup(
  spec: SpectralSpec | DataSpec,
  analysis: AlignmentEngineResult,
  run: SimulationRunOptions,
  notices: Problem[],
): SimulationSetup | Problem[] | undefined {
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
  const spectra = analysis.spectra;
  if (!sampler || !sim || !spectra) return undefined;
  const check = () => {
    if (run.signal?.aborted) throw new SimulationCancelled();
  };
  const data = simulationData(analysis);
  let rows = dataRowsOf(spec, dims, data);
  let positioned: boolean | undefined;
  if (rows?.kind === 'direct') {
    const got = sampler.draws({ check });
    if (got.problems.length) return got.problems;
    const draws = got.draws;
    if (draws) {
      return drawnSimulationSetup(spectra, dims.latent, spec.regularize, (n, rng) => {
        const { x1, y } = draws.draw(n, () => rng.next());
        return { x1, y };
      });
    }
    // the file's layout has no rows by position after all (Fortran order, a deflated member): one pass, within the budget
    const refusal = simulationRefusal(spec, dims, { ...data, positioned: false });
    if (refusal) return [refusal];
    positioned = false;
    rows = dataRowsOf(spec, dims, data, positioned);
  }
  const notice = simulationNotice(spec, dims, data, positioned);
  if (notice) notices.push(notice);
  const held = rows && rows.kind !== 'direct' ? rows.rows : Math.max(...sim.n.values);
  const drawn = sampler.sample(held, sim.seed, { ...(run.onProgress ? { onProgress: run.onProgress } : {}), check });
  if (!drawn.sample) return drawn.problems;
  const { pipeline, y } = drawn.sample;
  if (rows?.kind !== 'parts') return pipelineSimulationSetup(pipeline, y, dims.latent, spec.regularize);
  // one disjoint part of max(n) rows per repeat: a seeded shuffle of the reservoir, cut in parts
  const m = Math.max(...sim.n.values);
  const total = pipeline.xp.rows;
  const perm = Int32Array.from({ length: total }, (_, i) => i);
  const shuffle = new Rng(rowPartsSeed(sim.seed));
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(shuffle.next() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const clean = pipeline.xp;
  const targets = y ?? new Matrix(clean.rows, clean.cols, Float64Array.from(clean.data));
  return drawnSimulationSetup(spectra, dims.latent, spec.regularize, (n, rng, repeat) => {
    const part = perm.subarray((repeat % rows.parts) * m, (repeat % rows.parts) * m + m);
    const at = drawRowIndices(m, n, () => rng.next());
    return gatherRows(
      clean,
      targets,
      Float64Array.from(at, (i) => part[i]),
    );
  });
}

/** Data mode with its own draw (data read in blocks): the pipeline's spectra, thresholds and augmentation. */
function drawnSimulationSetup(spectra: ResolvedSpectra, latent: number, regularize: number | undefined, draw: SimulationSetup['draw']): SimulationSetup {
  const k = spectra.thetaImportant.length;
  const theta = new Float64Array(k + spectra.gamma.length);
  theta.set(spectra.thetaImportant, 0);
  theta.set(spectra.thetaNoise, k);
  return dataSimulationSetup(new Matrix(0, k), new Matrix(0, 0), theta, spectra.gamma, latent, computeThresholds(spectra, latent), regularize, draw);
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
