/**
 * The optimal representations on the graph itself (non-parametric Z, docs/theory.md §7.5 (a)(b)
 * and §7.6):
 * - VICReg / Laplacian Eigenmaps: the K smallest eigenvalues λ_1..K of L on the complement of
 *   the constant vector, and with the hinge variance (covariance weight b → ∞)
 *   σ_k = 1 when λ_k ≤ a/(4g), else (a/(4gλ_k))²; loss Σ_k [2gλ_kσ_k + a(1 − √σ_k)]
 *   (vicreg.ts; with a finite b, the numerical optimum there);
 * - SimCLR as the spectral-contrastive surrogate with the kernel D^-1/2 G D^-1/2: its K
 *   largest eigenvalues; the representation has rank #{λ_k > 1e-9 max(1, λ_1)} (dimensional
 *   collapse when K exceeds it).
 * Eigenvalues come from numerics/sparse/graphSpectrum.ts (per component; exact trivial pairs).
 */
import { laplacianSmallest, normalizedAdjacencyLargest } from '../../numerics/sparse';
import { timesPowerOfTwo, type PairGraph } from './graphBuild';
import type { SimclrRepresentation, VicregRepresentation } from './types';
import { vicregFiniteB, vicregHinge } from './vicreg';

/** Relative threshold of the contrastive ranks (docs/theory.md §7.6). */
export const RANK_TOLERANCE = 1e-9;

/** #{λ_k > 1e-9 max(1, λ_1)} for values sorted descending. */
export function contrastiveRank(values: readonly number[]): number {
  const top = values.length ? Math.max(1, values[0]) : 1;
  return values.filter((v) => v > RANK_TOLERANCE * top).length;
}

/**
 * The min(N, K + 1) smallest eigenvalues of the user's L, ascending (L ⪰ 0: roundoff below 0 is
 * clipped): those of the stored G, scaled back by 2^-weightExponent (graphBuild.ts).
 */
export function laplacianSpectrum(pg: PairGraph, K: number): number[] {
  const count = Math.min(pg.g.n, K + 1);
  const r = laplacianSmallest(pg.g, count, { components: pg.components, degrees: pg.degrees });
  return Array.from(r.values, (v) => userScale(pg, Math.max(0, v)));
}

/** A quantity linear in G, computed on the stored (scaled) G, in the user's units. */
export function userScale(pg: PairGraph, v: number): number {
  return pg.weightExponent ? timesPowerOfTwo(v, -pg.weightExponent) : v;
}

/**
 * VICReg on the graph from the Laplacian's smallest eigenvalues (laplacian[0] is the constant
 * vector's 0): the b → ∞ closed form, and with a covariance weight b the finite-b optimum.
 */
export function vicregRepresentation(laplacian: readonly number[], K: number, a: number, g: number, b?: number): VicregRepresentation {
  const eigenvalues = laplacian.slice(1, K + 1);
  const { sigma, loss, rank } = vicregHinge(eigenvalues, a, g);
  return { eigenvalues, sigma, loss, rank, ...(b !== undefined ? { finite: vicregFiniteB(eigenvalues, a, b, g) } : {}) };
}

/** The spectral-contrastive representation: the K largest eigenvalues of D^-1/2 G D^-1/2. */
export function simclrRepresentation(pg: PairGraph, K: number): SimclrRepresentation {
  const r = normalizedAdjacencyLargest(pg.g, K, { components: pg.components, degrees: pg.degrees });
  const eigenvalues = Array.from(r.values);
  return { eigenvalues, rank: contrastiveRank(eigenvalues) };
}
