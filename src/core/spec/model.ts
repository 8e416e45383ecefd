/**
 * The typed model of a `*.sslexp.{yaml,yml,json}` spec (design.md §1), produced by
 * `parseSpec` together with problems. Every node keeps its source span so features
 * (hover, quick fixes, CodeLens) can point back into the text.
 */

export interface Span {
  start: number;
  end: number;
}

/** A spectrum as written in the spec; evaluate it with `evaluateSpectrum` (spectra.ts). */
export type SpectrumSpec =
  | { kind: 'flat'; value: number; scale?: number; span: Span }
  | { kind: 'list'; values: number[]; scale?: number; span: Span }
  | { kind: 'power_law'; first: number; exponent: number; offset: number; scale?: number; span: Span }
  | { kind: 'exponential'; first: number; rate: number; scale?: number; span: Span }
  | { kind: 'uniform'; low: number; high: number; seed: number; scale?: number; span: Span }
  /** `path` as written (relative to the spec); `resolved` is filled by the parser when a base dir is known. */
  | { kind: 'file'; path: string; scale?: number; span: Span; pathSpan: Span; resolved?: string };

export interface BlockSpec {
  /** Number of components; equals the list length for explicit lists. */
  count: number;
  countSpan?: Span;
  /**
   * True when `count` was omitted and only a `file` spectrum can tell it: `count` is then 0
   * until `resolveSpectra` reads the file (spectra.ts).
   */
  countFromFile?: boolean;
  /** Span of the block's key (`signal:` / `noise:`). */
  keySpan?: Span;
  variance: SpectrumSpec;
  /** lambda^Theta; a flat 0 when omitted. */
  augmentation: SpectrumSpec;
  span: Span;
}

export interface NGrid {
  values: number[];
  span: Span;
}

export type SimulationMetric = 'probe-gap' | 'subspace-angle';

export interface SimulateSpec {
  n: NGrid;
  alpha: number[];
  alphaSpan: Span;
  repeats: number;
  seed: number;
  metric: SimulationMetric;
  span: Span;
}

export interface SpecCommon {
  sslexp: 1;
  name?: string;
  /** Alignment alpha >= 0 of the augmentation with the noise (math.md §3). */
  alpha?: number;
  /** Span of the alpha *value* (for quick fixes and hover). */
  alphaSpan?: Span;
  /** Span of the `alpha` key (for hover). */
  alphaKeySpan?: Span;
  /** Latent dimension; defaults to the number of important components (math.md A14). */
  latent?: number;
  latentSpan?: Span;
  simulate?: SimulateSpec;
  /** Opt-in eps for S + eps I in the dense solvers (math.md §2.5). */
  regularize?: number;
  /** Span of the whole document's root mapping. */
  span: Span;
}

export interface SpectralSpec extends SpecCommon {
  mode: 'spectral';
  signal: BlockSpec;
  noise: BlockSpec;
}

/** Data mode (design.md §1); consumed by the dense solvers (issue 3). */
export type AugmentationSpec =
  | { kind: 'additive'; alpha: number; theta?: number[][] | SpectrumSpec; gamma?: number[][] | SpectrumSpec; span: Span }
  | { kind: 'masking'; keep: number; span: Span }
  | { kind: 'covariance'; matrix: number[][]; span: Span };

export interface DataSourceSpec {
  file?: string;
  fileSpan?: Span;
  /** `file` resolved against the parser's `baseDir` (no existence check in the parser). */
  fileResolved?: string;
  key?: string;
  X?: number[][];
  Y?: number[][];
  labels?: { column: number } | { file: string; key?: string; span: Span };
  center: boolean;
  pca?: number;
  noise?: { count: number; variance: SpectrumSpec; augmentation: SpectrumSpec; span: Span };
  span: Span;
}

export interface DataSpec extends SpecCommon {
  mode: 'data';
  data: DataSourceSpec;
  augmentation?: AugmentationSpec;
}

export type Spec = SpectralSpec | DataSpec;

/** Limits (documented in README). Beyond them the parser reports `limit-exceeded`. */
export const LIMITS = {
  /** components per block in spectral mode */
  maxComponentsPerBlock: 10_000_000,
  /** bytes of a spectrum or data file */
  maxFileBytes: 512 * 1024 * 1024,
  /** nesting depth of the document */
  maxDepth: 64,
  /** explicit simulate grid sizes */
  maxSimulationPoints: 64,
  maxSimulationRepeats: 100,
  maxSimulationN: 1_000_000,
  maxSimulationDimension: 2_000,
  /** data mode: samples, dimension (features after the label column) and values of the data matrix */
  maxDataSamples: 1_000_000,
  maxDataDimension: 4_096,
  maxDataValues: 50_000_000,
} as const;
