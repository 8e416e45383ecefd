/**
 * The result types of data mode, shared by the in-memory analysis (dataMode.ts) and the one
 * that reads data in blocks or from a moments file (streamed.ts).
 */
import type { Matrix } from '../../../numerics/dense';
import type { Problem } from '../../../problems/problems';
import type { Dimensions, ResolvedSpectra, Thresholds } from '../types';
import type { PipelineData } from './pipeline';
import type { ProbeResult } from './probe';
import type { DirectDraws, SampledPipeline } from './rowSample';
import type { Discrepancy, SolutionSet } from './solutions';
import type { StrengthWhatIf } from './viewsAnalysis';
import type { ViewsFit } from './viewsFit';

export interface DataSolutions extends SolutionSet {
  /** Which problem the solutions solve. */
  problem: string;
  /** Pipeline only: the same solvers on one corrupted draw of the noise coordinates. */
  corrupted?: SolutionSet & { seed: number };
  /** Pipeline only: clean vs corrupted at this n (docs/theory.md §4.4). */
  discrepancy?: Discrepancy;
  /** With labels and your own views: the linear probe's test accuracy per encoder (data/probe.ts). */
  probe?: ProbeResult;
}

/** What P1's pipeline did, for summaries. */
export interface PipelineSummary {
  samples: number;
  features: number;
  pca: number;
  noise: number;
  explainedVariance: number;
  centered: boolean;
  classes?: number;
}

export interface DataAnalysis {
  problems: Problem[];
  dimensions?: Dimensions;
  /** null when the problem is not in the paper's form (A6). */
  thresholds?: Thresholds | null;
  spectra?: ResolvedSpectra;
  solutions?: DataSolutions;
  /** What the pipeline did, for summaries. */
  pipeline?: PipelineSummary;
  /** The prepared data the analysis ran on (for the simulation; never serialised). */
  prepared?: PreparedData;
  /**
   * Data read in blocks with P1's pipeline and a `simulate` block: the sample of rows the
   * simulation runs on, read only when it runs (never serialised).
   */
  rowSampler?: RowSampler;
  /** Your own views: P1's model fitted to them (docs/theory.md §6.4). */
  viewsFit?: ViewsFit;
  /** Your own views: the what-if of the augmentation's strength (docs/theory.md §6.4.8). */
  strength?: StrengthWhatIf;
  /** How the data were read, when not whole: 'stream' (in blocks) or 'moments' (a moments file). */
  source?: 'stream' | 'moments';
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
  pipeline?: PipelineData;
}

/**
 * The rows of data read in blocks, for `simulate` (data/rowSample.ts, docs/theory.md §6.1):
 * nothing is read until {@link RowSampler.draws} or {@link RowSampler.sample} runs; failures are
 * located problems.
 */
export interface RowSampler {
  /** N, the rows of the data set. */
  readonly samples: number;
  /** Values per row the projection reads (features, without a label column). */
  readonly features: number;
  /**
   * Whether the file's name promises rows read by position (`.npy`, `.npz`), known without
   * reading anything (the analysis' budget check); {@link RowSampler.draws} finds out.
   */
  readonly positioned: boolean;
  /**
   * Draws read from the file per draw (docs/theory.md §6.1), when its rows (and labels) can
   * be read by position; `draws` undefined without problems when they cannot (text, a
   * Fortran-order `.npy`, a deflated `.npz` member, labels in a text file beyond the reader's limit).
   */
  draws(run: { check?: () => void }): { draws?: DirectDraws; problems: Problem[] };
  /** A seeded uniform sample of min(m, N) rows in PCA coordinates, with their targets. */
  sample(
    m: number,
    seed: number,
    run: { onProgress?: (fraction: number, message: string) => void; check?: () => void },
  ): { sample?: SampledPipeline; problems: Problem[] };
}
