/**
 * Result types of graph mode (docs/theory.md §7): which joint-embedding method, from the
 * positive-pair graph G. Everything here is plain JSON (numbers, arrays, nulls), so the
 * CLI prints it as is and the worker posts it without conversion.
 */
import type { TheoryResultBase } from '../theory';
import type { GraphSpec } from '../../spec/model';
import type { VicregFiniteB } from './vicreg';

export type GraphKind = 'views' | 'labels' | 'knn' | 'edges';

export interface GraphDimensions {
  /** rows (every view its own row) */
  N: number;
  /** features per row */
  D: number;
  /** representation dimension */
  K: number;
}

export interface GraphSummary {
  kind: GraphKind;
  /** unordered pairs i ≠ j with G_ij > 0 */
  edges: number;
  /** connected components (isolated rows count) */
  components: number;
  /** the min(N, K + 1) smallest eigenvalues of L = D_G − G, ascending */
  laplacian: number[];
}

/** VICReg / Laplacian Eigenmaps on the graph (docs/theory.md §7.5 (a)(b)). */
export interface VicregRepresentation {
  /** λ_1..K: the K smallest eigenvalues of L on the complement of the constant vector */
  eigenvalues: number[];
  /** σ_k = 1 when λ_k ≤ a/(4g), else (a/(4gλ_k))² (the covariance weight b → ∞) */
  sigma: number[];
  /** Σ_k [2gλ_kσ_k + a(1 − √σ_k)] (b → ∞) */
  loss: number;
  /** #{σ_k > 0}: always K in the b → ∞ limit */
  rank: number;
  /** With `methods.vicreg.covariance` (b): the finite-b optimum, whose rank can be below K (docs/theory.md §7.9.4). */
  finite?: VicregFiniteB;
}

/** Spectral-contrastive surrogate (SimCLR) on the graph (docs/theory.md §7.6). */
export interface SimclrRepresentation {
  /** the K largest eigenvalues of D^-1/2 G D^-1/2, descending */
  eigenvalues: number[];
  /** #{λ_k > 1e-9 max(1, λ_1)} */
  rank: number;
}

/** Linear VICReg / LPP with a covariance constraint (docs/theory.md §7.5 (c)). */
export interface VicregLinear {
  /** the K smallest eigenvalues of C^-1/2 L_x C^-1/2, ascending */
  mu: number[];
  sigma: number[];
  /** W Wᵀ (D × D, b → ∞) */
  gram: number[][];
  /** b → ∞: always K */
  rank: number;
  /** False when μ_K ties with μ_{K+1}: any K directions of that eigenspace are optimal, and `gram` is one of them (linear.ts `uniqueAtCut`). */
  unique: boolean;
  /** With `methods.vicreg.covariance` (b): the finite-b optimum on the μ_k (docs/theory.md §7.9.4). */
  finite?: VicregFiniteB;
}

/** Linear spectral-contrastive solution (docs/theory.md §7.6). */
export interface SimclrLinear {
  /** λ⁺ of the top K eigenpairs of Uᵀ(D^-1/2 G D^-1/2)U, descending */
  eigenvalues: number[];
  gram: number[][];
  rank: number;
  /** False when the K-th positive eigenvalue ties with the next: `gram` is one of many optimal ones. */
  unique: boolean;
}

/** Linear Barlow Twins as CCA of the two views (docs/theory.md §7.7). */
export interface BarlowLinear {
  /** the K largest generalized eigenvalues of (G_s, S), descending */
  correlations: number[];
  gram: number[][];
  /** #{correlation > 1e-9} */
  rank: number;
  /** False when the K-th correlation ties with the next: `gram` is one of many optimal ones. */
  unique: boolean;
}

export interface PairAlignment {
  /** Σ_{i≠j} G_ij 1[y_i = y_j] / Σ_{i≠j} G_ij */
  pairAgreement: number;
  /** the share of same-label row pairs i ≠ j that G connects by a path (docs/theory.md §7.9.1) */
  classCoverage: number;
  /** pairAgreement ≥ 0.9 and classCoverage ≥ 0.9 */
  aligned: boolean;
}

export type GraphMethod = 'vicreg' | 'simclr' | 'barlow' | 'any';

export interface GraphRecommendation {
  method: GraphMethod;
  invariance: 'high' | 'low' | null;
  /** The advised invariance weight g (docs/theory.md §7.9.3); null when the advice does not depend on it. */
  g: number | null;
  /** N < 10 D: fewer than 10 rows per feature of the linear regime (docs/theory.md §7.9.2). */
  lowData: boolean;
  reason: string;
}

/**
 * VICReg's representation on the graph scored against the labels as the invariance weight g
 * varies (docs/theory.md §7.9.5): leave-one-out k-NN accuracy, which rescaling the
 * directions changes (a least-squares probe would not).
 */
export interface InvarianceSweep {
  /** log-spaced invariance weights, ascending (the spec's g among them) */
  g: number[];
  /** leave-one-out k-NN accuracy of Z(g) = U_K diag(√σ(g)) at each g */
  knn: number[];
  /** k of the k-NN vote: min(5, the smallest class size − 1), at least 1 */
  k: number;
  /** rows scored (all N, or a seeded sample of 500) */
  rows: number;
  /** the smallest g with the best accuracy */
  best: number;
}

/** Everything graph mode reports (the `analyze --json` fields besides file, mode, name, problems). */
export interface GraphAnalysis {
  dimensions: GraphDimensions;
  graph: GraphSummary;
  representation: { vicreg: VicregRepresentation | null; simclr: SimclrRepresentation | null };
  linear: { vicreg: VicregLinear | null; simclr: SimclrLinear | null; barlow: BarlowLinear | null };
  alignment: PairAlignment | null;
  recommendation: GraphRecommendation;
  /** With labels and VICReg: the representation scored by k-NN as g varies (docs/theory.md §7.9.5). */
  invarianceSweep: InvarianceSweep | null;
  /** VICReg's weights used (a, g, and b when the spec gives it), for display. */
  weights: { variance: number; invariance: number; covariance?: number } | null;
}

/** P2, which joint-embedding method from the pair graph: graph mode (docs/theory.md §7). */
export interface SpectralEmbeddingEngineResult extends TheoryResultBase {
  theory: 'spectralEmbedding';
  spec?: GraphSpec;
  /** Absent when the spec did not parse. */
  mode?: 'graph';
  /** Absent when a problem stopped the analysis. */
  analysis?: GraphAnalysis;
}
