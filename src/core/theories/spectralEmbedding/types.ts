/**
 * Result types of graph mode (docs/theory.md §7): which joint-embedding method, from the
 * positive-pair graph G. Everything here is plain JSON (numbers, arrays, nulls), so the
 * CLI prints it as is and the worker posts it without conversion.
 */
import type { TheoryResultBase } from '../theory';
import type { GraphSpec } from '../../spec/model';

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
  /** σ_k = 1 when λ_k ≤ a/(4g), else (a/(4gλ_k))² */
  sigma: number[];
  /** Σ_k [2gλ_kσ_k + a(1 − √σ_k)] */
  loss: number;
  /** #{σ_k > 0} */
  rank: number;
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
  /** W Wᵀ (D × D) */
  gram: number[][];
  rank: number;
}

/** Linear spectral-contrastive solution (docs/theory.md §7.6). */
export interface SimclrLinear {
  /** λ⁺ of the top K eigenpairs of Uᵀ(D^-1/2 G D^-1/2)U, descending */
  eigenvalues: number[];
  gram: number[][];
  rank: number;
}

/** Linear Barlow Twins as CCA of the two views (docs/theory.md §7.7). */
export interface BarlowLinear {
  /** the K largest generalized eigenvalues of (G_s, S), descending */
  correlations: number[];
  gram: number[][];
  /** #{correlation > 1e-9} */
  rank: number;
}

export interface PairAlignment {
  /** Σ_{i≠j} G_ij 1[y_i = y_j] / Σ_{i≠j} G_ij */
  pairAgreement: number;
  /** pairAgreement ≥ 0.9 */
  aligned: boolean;
}

export type GraphMethod = 'vicreg' | 'simclr' | 'barlow' | 'any';

export interface GraphRecommendation {
  method: GraphMethod;
  invariance: 'high' | 'low' | null;
  reason: string;
}

/** Everything graph mode reports (the `analyze --json` fields besides file, mode, name, problems). */
export interface GraphAnalysis {
  dimensions: GraphDimensions;
  graph: GraphSummary;
  representation: { vicreg: VicregRepresentation | null; simclr: SimclrRepresentation | null };
  linear: { vicreg: VicregLinear | null; simclr: SimclrLinear | null; barlow: BarlowLinear | null };
  alignment: PairAlignment | null;
  recommendation: GraphRecommendation;
  /** VICReg's weights used (a, g), for display. */
  weights: { variance: number; invariance: number } | null;
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
