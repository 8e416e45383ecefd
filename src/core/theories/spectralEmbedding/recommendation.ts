/**
 * Which joint-embedding method for this pair graph (docs/theory.md §7.8, the later arXiv
 * wording, A13):
 * - labels and G aligned with them (pair agreement ≥ 0.9): any method recovers the
 *   supervised span; with few samples VICReg's invariance weight should be high, as high as
 *   g = a/(4λ_K), the largest at which every σ_k = 1 (docs/theory.md §7.5 (b));
 * - labels and G misaligned: VICReg with a low invariance weight (it relies on G less);
 * - no labels: VICReg when SimCLR or Barlow Twins collapses (rank below K, docs/theory.md §7.6),
 *   otherwise any.
 * The reason names the numbers it used, to 3 significant figures.
 */
import { formatNumber as f } from '../../format/format';
import type { GraphRecommendation, PairAlignment } from './types';

export interface ContrastiveRank {
  method: 'SimCLR' | 'Barlow Twins';
  regime: 'representation' | 'linear';
  rank: number;
}

export interface RecommendationInput {
  K: number;
  /** VICReg's weights a (variance) and g (invariance). */
  a: number;
  g: number;
  /** λ_1..K of the Laplacian on the complement of the constant vector. */
  lambda: readonly number[];
  alignment: PairAlignment | null;
  /** The ranks of the contrastive solutions computed (SimCLR / Barlow Twins; on the graph or linear). */
  ranks: ContrastiveRank[];
  /** VICReg's representation rank (K unless a = 0). */
  vicregRank: number;
}

export function recommend(r: RecommendationInput): GraphRecommendation {
  const { K, a, g } = r;
  const lambdaK = r.lambda.length ? r.lambda[r.lambda.length - 1] : 0;
  const collapsed = r.ranks.filter((x) => x.rank < K);
  const collapseText = collapsed
    .map((x) => `${x.method}'s ${x.regime === 'linear' ? 'linear solution' : 'representation'} collapses to rank ${x.rank} < K = ${K}`)
    .join('; ');
  if (r.alignment) {
    const pa = f(r.alignment.pairAgreement, 3);
    if (r.alignment.aligned) {
      let gText: string;
      if (!(lambdaK > 0)) {
        gText = `λ_K = 0 (the K directions lie in the span of G's components), so every σ_k = 1 at any g`;
      } else {
        const gmax = a / (4 * lambdaK);
        const bound = `g = a/(4λ_K) = ${f(a, 3)}/(4 × ${f(lambdaK, 3)}) = ${f(gmax, 3)}`;
        const shrunk = r.lambda.filter((l) => l > a / (4 * g)).length;
        gText =
          g <= gmax
            ? `raise it up to ${bound}, the largest at which every σ_k = 1 (now g = ${f(g, 3)})`
            : `every σ_k = 1 needs g ≤ ${bound}, the highest such weight (now g = ${f(g, 3)}: ${shrunk} of K = ${K} directions have σ_k < 1)`;
      }
      return {
        method: 'any',
        invariance: 'high',
        reason: `G agrees with the labels (pair agreement ${pa} ≥ 0.9): every method recovers the supervised span; with few samples raise VICReg's invariance weight so that every σ_k = 1: ${gText}.${collapsed.length ? ` (${collapseText}: the supervised span has fewer than K directions.)` : ''}`,
      };
    }
    const cut = g > 0 ? a / (4 * g) : Infinity;
    const full = r.lambda.filter((l) => l <= cut).length;
    return {
      method: 'vicreg',
      invariance: 'low',
      reason: `G is misaligned with the labels (pair agreement ${pa} < 0.9): prefer VICReg with a small invariance weight, which relies on G less than SimCLR or Barlow Twins do; with a = ${f(a, 3)} and g = ${f(g, 3)}, ${full} of K = ${K} directions keep σ_k = 1 (λ_k ≤ a/(4g) = ${f(cut, 3)}) and a smaller g keeps more.${collapsed.length ? ` ${collapseText}.` : ''}`,
    };
  }
  if (collapsed.length) {
    return {
      method: 'vicreg',
      invariance: null,
      reason: `No labels to judge G by; ${collapseText} (dimensional collapse), while VICReg keeps rank ${r.vicregRank}: prefer VICReg.`,
    };
  }
  const shown = r.ranks.map((x) => `${x.method} ${x.regime === 'linear' ? 'linear' : 'representation'} rank ${x.rank}`).join(', ');
  return {
    method: 'any',
    invariance: null,
    reason: `No labels to judge G by, and no method collapses at K = ${K}${shown ? ` (${shown})` : ''}: any method recovers G's spectral embedding.`,
  };
}
