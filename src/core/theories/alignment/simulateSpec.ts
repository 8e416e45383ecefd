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
import { dataSimulationSetup, runSimulation, spectralSimulationSetup, type SimulationResult, type SimulationSetup } from './simulation';
import { LIMITS, type DataSpec, type SpectralSpec } from '../../spec/model';
import { computeThresholds } from './thresholds';

export interface SpecSimulationOutcome {
  problems: Problem[];
  result?: SimulationResult;
}

/**
 * Why `simulate` refuses the spec's `simulate` block, located on the block, or undefined
 * when it runs (or the spec has none). `dimensions` are the analysis' (d, k, latent), when
 * it got that far: data mode's come from P1's pipeline. One definition for the refusal of
 * {@link simulateAlignment} and the problem of the analysis (theory.ts).
 */
export function simulationRefusal(spec: SpectralSpec | DataSpec, dimensions: Dimensions | undefined): Problem | undefined {
  const sim = spec.simulate;
  if (!sim) return undefined;
  const at = (code: string, message: string) => problem(code, 'error', message, sim.span.start, sim.span.end);
  if (spec.mode === 'data') {
    const aug = spec.augmentation;
    if (aug && aug.kind !== 'additive') return at('simulation-unsupported', `simulate: the finite-n experiment uses P1's augmentation family Θ + α²Γ over the simulate.alpha grid; a ${aug.kind} augmentation has no α.`);
    if (spec.data.moments) return at('simulation-unsupported', 'simulate: data.moments holds sums over the samples, not the rows the finite-n simulation draws; point data.file at the rows to simulate.');
    if (spec.data.pca === undefined) return at('simulation-unsupported', "simulate: data mode simulates P1's pipeline (docs/theory.md §6.1); add 'data.pca' (the important components) and 'data.noise'.");
  }
  if (!dimensions) return undefined;
  const { d, k, latent } = dimensions;
  if (d > LIMITS.maxSimulationDimension) return at('simulation-too-large', `simulate: d = ${d} exceeds the simulation limit of ${LIMITS.maxSimulationDimension} dimensions.`);
  const components = spec.mode === 'spectral' ? 'important components' : 'principal components';
  if (latent > k) return at('out-of-range', `simulate: latent = ${latent} exceeds the ${k} ${components}; the clean solution is then not unique (docs/theory.md A14).`);
  return undefined;
}

/**
 * The `simulate` of {@link alignmentTheory}: `analysis` is the error-free analysis of `spec`;
 * in data mode it carries the prepared data, which are not read and prepared again.
 */
export async function simulateAlignment(spec: SpectralSpec | DataSpec, analysis: AlignmentEngineResult, _options: EngineOptions, run: SimulationRunOptions = {}): Promise<SpecSimulationOutcome> {
  const sim = spec.simulate;
  if (!sim) {
    return { problems: [problem('missing-field', 'error', "The spec has no 'simulate' block: add one (n, alpha, repeats, seed, metric) to run the finite-n experiment.", spec.span.start, spec.span.start)] };
  }
  const refusal = simulationRefusal(spec, analysis.dimensions);
  if (refusal) return { problems: [refusal] };
  const setup = simulationSetup(spec, analysis);
  if (!setup) return { problems: analysis.problems };
  try {
    const result = await runSimulation(setup, { n: sim.n.values, alpha: sim.alpha, repeats: sim.repeats, seed: sim.seed, metric: sim.metric }, run);
    return { problems: [], result };
  } catch (e) {
    if (e instanceof LinalgError) return { problems: [problem(e.code, 'error', `simulate: ${e.message}`, sim.span.start, sim.span.end)] };
    throw e;
  }
}

/** The simulation setup of an analysed spec, or undefined when the analysis did not get that far. */
function simulationSetup(spec: SpectralSpec | DataSpec, analysis: AlignmentEngineResult): SimulationSetup | undefined {
  const dims = analysis.dimensions;
  if (!dims) return undefined;
  if (spec.mode === 'spectral') {
    const spectra = analysis.spectra;
    return spectra ? spectralSimulationSetup(spectra, dims.latent, analysis.thresholds ?? null, spec.regularize) : undefined;
  }
  const prepared = analysis.prepared;
  return prepared?.pipeline ? pipelineSimulationSetup(prepared.pipeline, prepared.y, dims.latent, spec.regularize) : undefined;
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
