/**
 * Runs a spec's `simulate` block (docs/theory.md §6.1, §8.3): builds the simulation setup from a
 * spectral spec (Gaussian clean data with the signal variances) or from data mode (rows
 * of P1's pipeline), then {@link runSimulation}. Shared by the CLI and the worker; returns
 * problems instead of throwing on user input.
 */
import type { EngineOptions, SimulationRunOptions } from '../theory';
import type { AlignmentEngineResult } from './result';
import { prepareData } from './data/dataMode';
import { LinalgError, Matrix } from '../../numerics/dense';
import { problem, type Problem } from '../../problems/problems';
import { dataSimulationSetup, runSimulation, spectralSimulationSetup, type SimulationResult, type SimulationSetup } from './simulation';
import { LIMITS, type DataSpec, type SpectralSpec } from '../../spec/model';
import { computeThresholds } from './thresholds';

export interface SpecSimulationOutcome {
  problems: Problem[];
  result?: SimulationResult;
}

/** The `simulate` of {@link alignmentTheory}: `analysis` is the error-free analysis of `spec`. */
export async function simulateAlignment(spec: SpectralSpec | DataSpec, analysis: AlignmentEngineResult, options: EngineOptions, run: SimulationRunOptions = {}): Promise<SpecSimulationOutcome> {
  const sim = spec.simulate;
  if (!sim) {
    return { problems: [problem('missing-field', 'error', "The spec has no 'simulate' block: add one (n, alpha, repeats, seed, metric) to run the finite-n experiment.", spec.span.start, spec.span.start)] };
  }
  const at = (code: string, message: string): SpecSimulationOutcome => ({ problems: [problem(code, 'error', message, sim.span.start, sim.span.end)] });
  let setup: SimulationSetup;
  if (spec.mode === 'spectral') {
    const spectra = analysis.spectra;
    const dims = analysis.dimensions;
    if (!spectra || !dims) return { problems: analysis.problems };
    if (dims.d > LIMITS.maxSimulationDimension) return at('simulation-too-large', `simulate: d = ${dims.d} exceeds the simulation limit of ${LIMITS.maxSimulationDimension} dimensions.`);
    if (dims.latent > dims.k) return at('out-of-range', `simulate: latent = ${dims.latent} exceeds the ${dims.k} important components; the clean solution is then not unique (docs/theory.md A14).`);
    setup = spectralSimulationSetup(spectra, dims.latent, analysis.thresholds ?? null, spec.regularize);
  } else {
    const aug = spec.augmentation;
    if (aug && aug.kind !== 'additive') return at('simulation-unsupported', `simulate: the finite-n experiment uses P1's augmentation family Θ + α²Γ over the simulate.alpha grid; a ${aug.kind} augmentation has no α.`);
    const { prepared, problems } = prepareData(spec, { baseDir: options.baseDir, readFile: options.readFile });
    if (!prepared || problems.some((p) => p.severity === 'error') || !prepared.pipeline) {
      if (prepared && !prepared.pipeline) return at('simulation-unsupported', "simulate: data mode simulates P1's pipeline (docs/theory.md §6.1); add 'data.pca' (the important components) and 'data.noise'.");
      return { problems };
    }
    const { xp, spectra } = prepared.pipeline;
    const k = xp.cols;
    const latent = spec.latent ?? k;
    const d = k + spectra.gamma.length;
    if (d > LIMITS.maxSimulationDimension) return at('simulation-too-large', `simulate: d = ${d} exceeds the simulation limit of ${LIMITS.maxSimulationDimension} dimensions.`);
    if (latent > k) return at('out-of-range', `simulate: latent = ${latent} exceeds the ${k} principal components; the clean solution is then not unique (docs/theory.md A14).`);
    const theta = new Float64Array(d);
    theta.set(spectra.thetaImportant, 0);
    theta.set(spectra.thetaNoise, k);
    // Without labels the probe targets are the PCA coordinates themselves.
    const targets = prepared.y ?? new Matrix(xp.rows, k, Float64Array.from(xp.data));
    setup = dataSimulationSetup(xp, targets, theta, spectra.gamma, latent, computeThresholds(spectra, latent), spec.regularize);
  }
  try {
    const result = await runSimulation(setup, { n: sim.n.values, alpha: sim.alpha, repeats: sim.repeats, seed: sim.seed, metric: sim.metric }, run);
    return { problems: [], result };
  } catch (e) {
    if (e instanceof LinalgError) return at(e.code, `simulate: ${e.message}`);
    throw e;
  }
}
