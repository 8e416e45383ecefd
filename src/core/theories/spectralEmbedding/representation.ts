/**
 * The optimal representations on the graph itself (non-parametric Z, docs/theory.md §7.5 (a)(b)
 * and §7.6):
 * - VICReg / Laplacian Eigenmaps: the K smallest eigenvalues λ_1..K of L on the complement of
 *   the constant vector, and with the hinge variance (covariance weight b → ∞)
 *   σ_k = 1 when λ_k ≤ a/(4g), else (a/(4gλ_k))²; loss Σ_k [2gλ_kσ_k + a(1 − √σ_k)];
 * - SimCLR as the spectral-contrastive surrogate with the kernel D^-1/2 G D^-1/2: its K
 *   largest eigenvalues; the representation has rank #{λ_k > 1e-9 max(1, λ_1)} (dimensional
 *   collapse when K exceeds it).
 * Eigenvalues come from numerics/sparse/graphSpectrum.ts (per component; exact trivial pairs).
 */
import { laplacianSmallest, normalizedAdjacencyLargest } from '../../numerics/sparse';
import { timesPowerOfTwo, type PairGraph } from './graphBuild';
import type { SimclrRepresentation, VicregRepresentation } from './types';

/** Relative threshold of the contrastive ranks (docs/theory.md §7.6). */
export const RANK_TOLERANCE = 1e-9;

/** VICReg's cut a/(4g): directions with λ_k at or below it keep σ_k = 1 (docs/theory.md §7.5 (b)). */
export function vicregCut(a: number, g: number): number {
  return g > 0 ? a / (4 * g) : Infinity;
}

/** σ_k of VICReg's hinge solution (b → ∞) for one energy λ: 1 while λ ≤ a/(4g), else (a/(4gλ))² (docs/theory.md §7.5 (b)). */
export function vicregSigmaAt(lambda: number, a: number, g: number): number {
  const cut = vicregCut(a, g);
  return lambda <= cut ? 1 : (cut / lambda) ** 2;
}

/** σ_k, the loss and the rank of VICReg's hinge solution for energies λ_k (docs/theory.md §7.5 (b)). */
export function vicregSigma(lambda: readonly number[], a: number, g: number): { sigma: number[]; loss: number; rank: number } {
  const sigma = lambda.map((l) => vicregSigmaAt(l, a, g));
  let loss = 0;
  for (let k = 0; k < lambda.length; k++) loss += 2 * g * lambda[k] * sigma[k] + a * (1 - Math.sqrt(sigma[k]));
  return { sigma, loss, rank: sigma.filter((s) => s > 0).length };
}

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

/** VICReg on the graph from the Laplacian's smallest eigenvalues (laplacian[0] is the constant vector's 0). */
export function vicregRepresentation(laplacian: readonly number[], K: number, a: number, g: number): VicregRepresentation {
  const eigenvalues = laplacian.slice(1, K + 1);
  const { sigma, loss, rank } = vicregSigma(eigenvalues, a, g);
  return { eigenvalues, sigma, loss, rank };
}

/** The spectral-contrastive representation: the K largest eigenvalues of D^-1/2 G D^-1/2. */
export function simclrRepresentation(pg: PairGraph, K: number): SimclrRepresentation {
  const r = normalizedAdjacencyLargest(pg.g, K, { components: pg.components, degrees: pg.degrees });
  const eigenvalues = Array.from(r.values);
  return { eigenvalues, rank: contrastiveRank(eigenvalues) };
}
