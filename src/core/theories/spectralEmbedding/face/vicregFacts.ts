/**
 * What VICReg's weights (a, g) do to its directions (docs/theory.md §7.5 (b)), as the hovers,
 * the tooltips and the panel state them.
 */
import { vicregCut, vicregKnee } from '../vicreg';
import type { VicregRepresentation } from '../types';

/** σ_k = 1 up to rounding. */
export const isFullSigma = (sigma: number): boolean => sigma >= 1 - 1e-9;

export interface VicregFacts {
  variance: number;
  invariance: number;
  /** a/(4g) */
  cut: number;
  K: number;
  /** Directions with σ_k = 1. */
  full: number;
  /** The smallest σ_k (1 when K = 0). */
  minSigma: number;
  /** The largest λ_k (0 when K = 0). */
  maxLambda: number;
  /** The largest g with every σ_k = 1: a/(4 max λ_k); Infinity when every λ_k is 0. */
  gAllFull: number;
  /** The smallest a with every σ_k = 1 at the spec's g: 4 g max λ_k. */
  aAllFull: number;
}

export function vicregFacts(vicreg: VicregRepresentation, weights: { variance: number; invariance: number }): VicregFacts {
  const { variance: a, invariance: g } = weights;
  const maxLambda = vicreg.eigenvalues.reduce((m, v) => (v > m ? v : m), 0);
  return {
    variance: a,
    invariance: g,
    cut: vicregCut(a, g),
    K: vicreg.sigma.length,
    full: vicreg.sigma.filter(isFullSigma).length,
    minSigma: vicreg.sigma.reduce((m, v) => (v < m ? v : m), 1),
    maxLambda,
    gAllFull: maxLambda > 0 ? vicregKnee(a, maxLambda) : Infinity,
    aAllFull: 4 * g * maxLambda,
  };
}
