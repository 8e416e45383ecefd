/**
 * The finite-n experiment of a spec's `simulate` block: analyse, then hand the spec to its
 * theory's `simulate`. Shared by the CLI and the worker; returns problems instead of
 * throwing on user input.
 */
import type { Problem } from '../problems/problems';
import { problem } from '../problems/problems';
import { analyzeText } from './analyze';
import { theoryFor } from './theories';
import type { EngineOptions, SimulationRunOptions } from './types';

export interface SpecSimulationOutcome<Sim = unknown> {
  problems: Problem[];
  result?: Sim;
  /** The theory that ran the simulation (its face posts and prints the result). */
  theory?: string;
}

export async function simulateSpecText<Sim = unknown>(
  text: string,
  options: EngineOptions,
  run: SimulationRunOptions = {},
): Promise<SpecSimulationOutcome<Sim>> {
  const analysis = analyzeText(text, options);
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (errors.length || !analysis.spec) return { problems: errors.length ? errors : analysis.problems };
  const spec = analysis.spec;
  const theory = theoryFor(spec);
  if (!theory.simulate) {
    return {
      problems: [problem('simulation-unsupported', 'error', `This spec's mode (${spec.mode}) has no finite-n simulation.`, spec.span.start, spec.span.start)],
    };
  }
  const out = (await theory.simulate(spec, analysis, options, run)) as SpecSimulationOutcome<Sim>;
  return { ...out, theory: theory.id };
}
