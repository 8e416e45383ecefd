/**
 * The result types of data mode, shared by the in-memory analysis (dataMode.ts) and the one
 * that reads data in blocks or from a moments file (streamed.ts).
 */
import type { Matrix } from '../../../numerics/dense';
import type { Problem } from '../../../problems/problems';
import type { Dimensions, ResolvedSpectra, Thresholds } from '../types';
import type { PipelineData } from './pipeline';
import type { ProbeResult } from './probe';
import type { SolutionSet } from './solutions';

export interface DataSolutions extends SolutionSet {
  /** Which problem the solutions solve. */
  problem: string;
  /** Pipeline only: the same solvers on one corrupted draw of the noise coordinates. */
  corrupted?: SolutionSet & { seed: number };
  /** Pipeline only: clean vs corrupted at this n (docs/theory.md §4.4). */
  discrepancy?: { supervised?: number; reconstruction: number; jointEmbedding: number; jointEmbeddingGram: number };
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
