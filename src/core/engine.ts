/**
 * The one entry point the CLI, the worker and the tests use: text in, problems and
 * analysis out. Pure: no vscode, no global state; file access only through
 * `options.readFile` (absent in untrusted workspaces).
 */
import type { Problem } from './problems';
import type { Spec } from './spec/model';
import type { AtAlpha, Dimensions, NoiseScalingCurve, Recommendation, ResolvedSpectra, Thresholds } from './analysisTypes';
import type { DataAnalysis, DataSolutions } from './dataMode';

export interface EngineOptions {
  /** Used to choose YAML or JSON and in messages. */
  fileName: string;
  /** Directory that relative paths in the spec resolve against. */
  baseDir?: string;
  /** Reads a file given its absolute path; undefined disables file access (untrusted workspace). */
  readFile?: (absPath: string) => Uint8Array;
  /** Overrides the spec's alpha (CLI `--alpha`). */
  alpha?: number;
  /** Include per-component score arrays in `atAlpha.components`. */
  components?: boolean;
  /** Include the noise-scaling curve alpha2(t). */
  curve?: boolean;
}

export interface EngineResult {
  /** Parse, validation and theory problems, sorted by offset. */
  problems: Problem[];
  spec?: Spec;
  mode?: 'spectral' | 'data';
  dimensions?: Dimensions;
  /** null when the problem is not in the paper's form (math.md A6). */
  thresholds?: Thresholds | null;
  /** null when neither the spec nor the options give alpha. */
  atAlpha?: AtAlpha | null;
  recommendation?: Recommendation;
  curve?: NoiseScalingCurve;
  /** The evaluated spectra (heavy; the worker thins them before posting). */
  spectra?: ResolvedSpectra;
  /** Data mode: the closed-form solutions of math.md §2 (heavy d x d matrices). */
  solutions?: DataSolutions;
  /** Data mode with `pca`: what P1's pipeline did (math.md §6.1). */
  pipeline?: DataAnalysis['pipeline'];
}

export { analyzeText } from './analyze';
