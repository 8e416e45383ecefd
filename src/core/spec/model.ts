/**
 * The typed model of a `*.sslexp.{yaml,yml,json}` spec (docs/architecture.md §1), produced by
 * `parseSpec` together with problems. Every node keeps its source span so features
 * (hover, quick fixes, CodeLens) can point back into the text.
 */
import { IO_LIMITS } from '../io/limits';

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
  /** Alignment alpha >= 0 of the augmentation with the noise (docs/theory.md §3). */
  alpha?: number;
  /** Span of the alpha *value* (for quick fixes and hover). */
  alphaSpan?: Span;
  /** Span of the `alpha` key (for hover). */
  alphaKeySpan?: Span;
  /** Latent dimension; defaults to the number of important components (docs/theory.md A14). */
  latent?: number;
  latentSpan?: Span;
  simulate?: SimulateSpec;
  /** Opt-in eps for S + eps I in the dense solvers (docs/theory.md §2.5). */
  regularize?: number;
  /** Span of the whole document's root mapping. */
  span: Span;
}

export interface SpectralSpec extends SpecCommon {
  mode: 'spectral';
  signal: BlockSpec;
  noise: BlockSpec;
}

/** Data mode (docs/architecture.md §1); consumed by the dense solvers (docs/theory.md §2). */
export type AugmentationSpec =
  /** `alphaSpan`: the span of `augmentation.additive.alpha`'s value when written (else alpha is the top-level one or 0). */
  | { kind: 'additive'; alpha: number; alphaSpan?: Span; theta?: number[][] | SpectrumSpec; gamma?: number[][] | SpectrumSpec; span: Span }
  | { kind: 'masking'; keep: number; span: Span }
  | { kind: 'covariance'; matrix: number[][]; span: Span }
  /** Your own augmentations (docs/spec.md "Your own augmentations (views)"): an n × V × d array of views of the n samples. */
  | { kind: 'views'; file: string; fileSpan: Span; fileResolved?: string; key?: string; span: Span };

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
  /** The data as sufficient statistics (a .npz written by `sslexp moments`), instead of `file` / `X`. */
  moments?: { file: string; fileSpan: Span; fileResolved?: string; span: Span };
  span: Span;
}

export interface DataSpec extends SpecCommon {
  mode: 'data';
  data: DataSourceSpec;
  augmentation?: AugmentationSpec;
}

/**
 * Graph mode (docs/theory.md §7): the positive-pair relation G over the N rows of the data
 * (every augmented view its own row). Exactly one kind.
 */
export type GraphRelationSpec =
  /** rows come in consecutive groups of `views` views of one sample: G = I_n ⊗ (11ᵀ − I) */
  | { kind: 'views'; views: number; valueSpan: Span; span: Span }
  /** G_ij = 1[y_i = y_j], i ≠ j (needs data.labels) */
  | { kind: 'labels'; span: Span }
  /** each row's k nearest other rows (Euclidean; ties to the lower index), symmetrised by "or", weight 1 */
  | { kind: 'knn'; k: number; valueSpan: Span; span: Span }
  /** explicit 0-based pairs [i, j, w?] (w > 0, default 1); symmetrised, duplicates summed */
  | { kind: 'edges'; edges: Array<[number, number, number]>; span: Span }
  /** pairs from a CSV file "i,j[,w]" with an optional header, relative to the spec */
  | { kind: 'edges-file'; path: string; pathSpan: Span; resolved?: string; span: Span };

export interface GraphMethodsSpec {
  /**
   * VICReg with hinge variance weight a (`variance`) and invariance weight g (`invariance`);
   * covariance weight b (`covariance`) when given, else the b → ∞ closed form.
   */
  vicreg?: {
    variance: number;
    invariance: number;
    covariance?: number;
    varianceSpan?: Span;
    invarianceSpan?: Span;
    covarianceSpan?: Span;
    span: Span;
  };
  /** Spectral-contrastive surrogate with the kernel D^-1/2 G D^-1/2. */
  simclr?: { span: Span };
  /** Linear CCA of the two views (needs graph.views = 2). */
  barlow?: { span: Span };
  /** Span of the `methods` key when written (absent: all three with defaults). */
  keySpan?: Span;
}

export interface GraphSpec extends SpecCommon {
  mode: 'graph';
  /** The N × D rows (file or inline X; labels optional). `pca`/`noise` are not allowed here. */
  data: DataSourceSpec;
  graph: GraphRelationSpec;
  /** Span of the `graph` key. */
  graphKeySpan: Span;
  /** K, the representation dimension. */
  embedding: number;
  embeddingSpan: Span;
  embeddingKeySpan: Span;
  methods: GraphMethodsSpec;
}

/** Defaults of graph mode's methods (VICReg's original weights a = g = 25). */
export const GRAPH_DEFAULTS = { variance: 25, invariance: 25 } as const;

/**
 * A spec of a theory registered at run time (docs/architecture.md §3.5): `sslexp`, `name` and
 * the theory's own root key, whose value its section checked (spec/extensions.ts).
 */
export interface ExtensionSpec extends SpecCommon {
  mode: 'extension';
  /** The id of the registered theory. */
  theory: string;
  /** Its root key and the value its section returned. */
  key: string;
  value: unknown;
}

export type Spec = SpectralSpec | DataSpec | GraphSpec | ExtensionSpec;

/** Limits (documented in README). Beyond them the parser reports `limit-exceeded`. */
export const LIMITS = {
  /** components per block in spectral mode */
  maxComponentsPerBlock: 10_000_000,
  /** components (d) whose per-component scores are written out (`analyze --components`) */
  maxComponentOutput: 1_000_000,
  /** bytes of a spectrum or data file */
  maxFileBytes: IO_LIMITS.maxFileBytes,
  /** nesting depth of the document */
  maxDepth: 64,
  /**
   * scalars (keys, numbers, strings) written in one spec, counted by a linear pre-scan before
   * any parser sees the text: long spectra and matrices belong in a .npy / .csv file
   */
  maxSpecScalars: 100_000,
  /** explicit simulate grid sizes */
  maxSimulationPoints: 64,
  maxSimulationRepeats: 100,
  maxSimulationN: 1_000_000,
  /** (a single unit of d = 1000 takes about 10 s; the budget below decides the rest) */
  maxSimulationDimension: 1_000,
  /**
   * the estimated run of a simulate block (simulateSpec.ts `simulationCost`, measured on a
   * 2-core machine): refused before it starts above these
   */
  maxSimulationSeconds: 60,
  maxSimulationBytes: 2 * 1024 ** 3,
  /** data mode: samples, dimension (features after the label column) and values of the data matrix */
  maxDataSamples: 1_000_000,
  maxDataDimension: 4_096,
  maxDataValues: 50_000_000,
  /** data mode and graph mode: |value| of the data, so that second moments (sums of squares over every value) stay finite */
  maxDataMagnitude: 1e150,
  /** data mode, files read in blocks (any size the disk holds): samples (the dimension limit is the same) */
  maxStreamedSamples: 1_000_000_000,
} as const;
