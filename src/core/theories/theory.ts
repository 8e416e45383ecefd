/**
 * The seam between the engine and the theories: what a theory is given (a parsed spec and
 * the engine options) and what it must provide. Every theory folder implements
 * {@link Theory}; engine/theories.ts lists them. Nothing here imports a theory.
 */
import type { Problem } from '../problems/problems';
import type { Spec } from '../spec/model';
import type { PanelModelBase, PostedResultBase, TheoryFace } from './face';

export interface EngineOptions {
  /** Used to choose YAML or JSON and in messages. */
  fileName: string;
  /** Directory that relative paths in the spec resolve against. */
  baseDir?: string;
  /** Reads a file given its absolute path; undefined disables file access (untrusted workspace). */
  readFile?: (absPath: string) => Uint8Array;
  /**
   * Size in bytes of a file, and a positioned read of at most `length` bytes of it (fewer
   * only at its end): together they let data mode read data files of any size in blocks
   * (docs/architecture.md §5). Absent: files are read whole through `readFile`. Never used
   * without `readFile` (an untrusted workspace reads nothing). `into`, when given and large
   * enough, is a buffer the read may fill and return a view of (one block reused block after block).
   */
  fileSize?: (absPath: string) => number;
  readRange?: (absPath: string, position: number, length: number, into?: Uint8Array) => Uint8Array;
  /** Progress of a long analysis (data read in blocks): a fraction in [0, 1] and a message. */
  onProgress?: (fraction: number, message: string) => void;
  /** Data mode: read data files in blocks even within the in-memory limits, `blockRows` rows at a time (tests, benchmarks). */
  streamData?: { always?: boolean; blockRows?: number };
  /** Overrides the spec's alpha (CLI `--alpha`). */
  alpha?: number;
  /** Include per-component score arrays in `atAlpha.components`. */
  components?: boolean;
  /** Include the noise-scaling curve alpha2(t). */
  curve?: boolean;
}

/**
 * A theory's id: its folder under core/theories for the built-in ones (`alignment`,
 * `spectralEmbedding`); results, posted results and panel models are tagged with it.
 */
export type TheoryId = string;

/** What every theory's result carries. */
export interface TheoryResultBase {
  theory: TheoryId;
  /** Parse, validation and theory problems, sorted by offset. */
  problems: Problem[];
}

/** Options of a simulation run (progress, cancellation). */
export interface SimulationRunOptions {
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

/**
 * One theory: the spec modes it owns, what it computes from a parsed spec and its public face
 * (what the editor, the panel and the CLI show of its results). The engine dispatches through
 * this interface (engine/theories.ts); a theory never imports another.
 */
export interface Theory<
  S extends Spec,
  R extends TheoryResultBase,
  Sim = unknown,
  P extends PostedResultBase = PostedResultBase,
  M extends PanelModelBase = PanelModelBase,
> {
  id: TheoryId;
  /** The spec modes (root shapes) this theory analyses. */
  modes: readonly S['mode'][];
  /** Analyses a parsed, error-free spec; user-input failures become problems in `problems`. */
  analyze(spec: S, options: EngineOptions, problems: Problem[]): R;
  /**
   * A spec the parser returned with errors is not analysed; this may still attach quick
   * fixes to those errors that need the theory (an invalid α: the values at which each
   * paradigm recovers). Must be cheap: no data files are read.
   */
  repair?(spec: S, options: EngineOptions, problems: Problem[]): void;
  /** The finite-n experiment of a spec's `simulate` block, when the theory has one. */
  simulate?(spec: S, analysis: R, options: EngineOptions, run: SimulationRunOptions): Promise<{ problems: Problem[]; result?: Sim }>;
  /** What the outer layers show of the results (face.ts). */
  face: TheoryFace<R, P, Sim, M>;
}
