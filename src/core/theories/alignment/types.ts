/**
 * Result types of the spectral analysis (docs/theory.md §4–§5). Shared by the CLI, the
 * worker, the editor features and the panel; everything here is structured-clone
 * and JSON friendly (typed arrays only inside `ResolvedSpectra`).
 */

/** Per-component spectra in the shared basis Q (docs/theory.md §3). */
export interface ResolvedSpectra {
  /** c_i = kappa_i^2 / n, important components (length k). */
  c: Float64Array;
  /** lambda^Theta_i on the important components (length k). */
  thetaImportant: Float64Array;
  /** lambda^Gamma_j on the noise components (length d - k). */
  gamma: Float64Array;
  /** lambda^Theta_j on the noise components (length d - k). */
  thetaNoise: Float64Array;
}

/** Regime of Corollary 4.5; `no-noise` when no noise component has lambda^Gamma > 0. */
export type Regime = 'low-noise' | 'high-noise' | 'mixed' | 'no-noise';

export interface Thresholds {
  /** delta: the latent-th largest important JE score (min over important when latent = k). */
  delta: number;
  /** eta: the latent-th largest important RC score. */
  eta: number;
  /** Squared thresholds; may be negative, +Infinity (never recovers) or -Infinity (always). */
  alpha2RC: number;
  alpha2JE: number;
  /** Effective thresholds sqrt(max(0, alpha2)) (docs/theory.md A2). */
  alphaRC: number;
  alphaJE: number;
  /** eta^2 / delta (Corollary 4.5); NaN when delta = 0. */
  boundary: number;
  regime: Regime;
}

export interface ScoreSummary {
  /** The deciding important score (the latent-th largest; the min when latent = k). */
  minImportant: number;
  /** The deciding noise score (the max when latent <= k). */
  maxNoise: number;
}

export interface ComponentScores {
  important: number[];
  noise: number[];
}

export interface AtAlpha {
  alpha: number;
  recovers: { supervised: boolean; reconstruction: boolean; jointEmbedding: boolean };
  scores: { reconstruction: ScoreSummary; jointEmbedding: ScoreSummary };
  /** Present only when per-component arrays were requested. */
  components?: { reconstruction: ComponentScores; jointEmbedding: ComponentScores };
}

export type Paradigm = 'joint-embedding' | 'reconstruction' | 'either';

export interface Recommendation {
  paradigm: Paradigm;
  reason: string;
}

/** alpha2RC(t), alpha2JE(t) when every lambda^Gamma is multiplied by t (docs/theory.md §5 fact 3). */
export interface NoiseScalingCurve {
  t: number[];
  alpha2RC: number[];
  alpha2JE: number[];
  /** t where alpha2RC(t) = alpha2JE(t), if one lies in the grid's range. */
  crossing: number | null;
  /** Upper bound (1 - delta) / delta of alpha2JE(t). */
  jeBound: number;
}

export interface Dimensions {
  d: number;
  k: number;
  latent: number;
}
