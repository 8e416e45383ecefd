/**
 * Which joint-embedding method, and which invariance weight, for this pair graph
 * (docs/theory.md §7.8 in the later arXiv wording, A13; the measured rules of §7.9):
 * - labels, G aligned (pair agreement and class coverage ≥ 0.9) and few data (N < 10 D): VICReg
 *   with a high invariance weight, advised as a number g that shrinks the directions off the
 *   class span (λ_k, k ≥ C for C classes) to σ_k ≤ 0.01;
 * - labels, G aligned, enough data: any method recovers the supervised span;
 * - labels, G not aligned: VICReg with a small invariance weight, advised as the largest g that
 *   keeps every σ_k = 1;
 * - no labels: VICReg when SimCLR or Barlow Twins collapses (rank below K), otherwise any.
 * Every number in a reason is the field it names, to 3 significant figures; "raise" and
 * "lower" follow the sign of the change from the spec's g.
 */
import { ceilSignificant, floorSignificant, formatNumber as f } from '../../format/format';
import type { GraphRecommendation, PairAlignment } from './types';
import { ALIGNED_THRESHOLD } from './pairAgreement';
import { vicregCut, vicregKnee } from './vicreg';

/** Fewer rows than this many per feature is the low-data regime (docs/theory.md §7.9.2). */
export const LOW_DATA_ROWS_PER_FEATURE = 10;
/** The advised high weight shrinks the off-class directions to σ_k ≤ this (their standard deviation to a tenth). */
export const SHRUNK_SIGMA = 0.01;

export interface ContrastiveRank {
  method: 'SimCLR' | 'Barlow Twins';
  regime: 'representation' | 'linear';
  rank: number;
}

export interface RecommendationInput {
  K: number;
  /** Rows and features of the data (the linear regime's N × D). */
  N: number;
  D: number;
  /** VICReg's weights a (variance) and g (invariance). */
  a: number;
  g: number;
  /** λ_1..K of the Laplacian on the complement of the constant vector. */
  lambda: readonly number[];
  alignment: PairAlignment | null;
  /** The ranks of the contrastive solutions computed (SimCLR / Barlow Twins; on the graph or linear). */
  ranks: ContrastiveRank[];
  /** VICReg's representation rank: K in the b → ∞ limit, the finite-b optimum's rank when b is given. */
  vicregRank: number;
  /** b, when the spec gives it. */
  covariance?: number;
  /** C, the distinct labels (with labels). */
  classes?: number;
}

/** N < 10 D (docs/theory.md §7.9.2). */
export function isLowData(N: number, D: number): boolean {
  return N < LOW_DATA_ROWS_PER_FEATURE * D;
}

/** "raise g from 0.05 to 0.625", "lower g from 25 to 0.0625", "keep g = 25". */
export function changeText(from: number, to: number): string {
  if (to > from) return `raise g from ${f(from)} to ${f(to)}`;
  if (to < from) return `lower g from ${f(from)} to ${f(to)}`;
  return `keep g = ${f(from)}`;
}

function lowDataText(r: RecommendationInput, low: boolean): string {
  const per = f(r.N / r.D, 3);
  return low
    ? `the data are few (N = ${r.N} rows for D = ${r.D} features, ${per} per feature < ${LOW_DATA_ROWS_PER_FEATURE})`
    : `the data are not few (N = ${r.N} rows for D = ${r.D} features, ${per} per feature ≥ ${LOW_DATA_ROWS_PER_FEATURE})`;
}

function alignmentText(al: PairAlignment): string {
  const pa = f(al.pairAgreement, 3);
  const cc = f(al.classCoverage, 3);
  if (al.aligned)
    return `G agrees with the labels (pair agreement ${pa} ≥ ${ALIGNED_THRESHOLD}) and connects the classes (class coverage ${cc} ≥ ${ALIGNED_THRESHOLD})`;
  if (al.pairAgreement < ALIGNED_THRESHOLD && al.classCoverage < ALIGNED_THRESHOLD)
    return `G is misaligned with the labels (pair agreement ${pa} < ${ALIGNED_THRESHOLD}, class coverage ${cc} < ${ALIGNED_THRESHOLD})`;
  if (al.pairAgreement < ALIGNED_THRESHOLD) return `G is misaligned with the labels (pair agreement ${pa} < ${ALIGNED_THRESHOLD})`;
  return `G's pairs agree with the labels (pair agreement ${pa}) but connect only ${f(100 * al.classCoverage, 3)}% of the same-label pairs (class coverage ${cc} < ${ALIGNED_THRESHOLD}), so G alone does not determine the classes (its Laplacian has one zero eigenvalue per connected component)`;
}

/**
 * The high weight for an aligned G with few data (docs/theory.md §7.9.3). With C classes the
 * C − 1 smallest λ_k span (exactly for a label graph, nearly for an aligned one) the class
 * indicators; the directions off the class span, λ_k for k ≥ C, shrink (σ_k < 1) exactly when
 * g > a/(4λ₊) with λ₊ = λ_C. The advice is the smallest 3-significant-figure g ≥ 2.5a/λ₊
 * (σ(λ₊) ≤ 0.01), capped so that the class directions keep σ_k = 1 (g ≤ a/(4λ_{C−1})); the
 * spec's g when it already lies in that range.
 */
function highWeight(r: RecommendationInput): { g: number | null; text: string } {
  const C = Math.max(1, r.classes ?? 1);
  const inSpan = Math.min(r.K, C - 1);
  if (inSpan >= r.K)
    return { g: null, text: `the K = ${r.K} directions all lie in the span of the C = ${C} class indicators, so a higher weight has nothing to shrink` };
  const lp = r.lambda[inSpan];
  if (!(lp > 0))
    return { g: null, text: `direction ${inSpan + 1}, the first off the class span, has λ = 0 (G leaves it undetermined), so no weight shrinks it` };
  const top = inSpan > 0 ? r.lambda[inSpan - 1] : 0;
  const keep = vicregKnee(r.a, top);
  let target = ceilSignificant(vicregKnee(r.a, lp) / Math.sqrt(SHRUNK_SIGMA), 3);
  const capped = target > keep;
  if (capped) target = floorSignificant(keep, 3);
  const g = r.g >= target && r.g <= keep ? r.g : target;
  const spanText =
    inSpan === 0
      ? ''
      : inSpan === 1
        ? `the class direction (λ_1 = ${f(top)}) keeps σ_1 = 1 while g ≤ a/(4λ_1) = ${f(keep)}; `
        : `the ${inSpan} class directions (λ_1..λ_${inSpan} ≤ ${f(top)}) keep σ_k = 1 while g ≤ a/(4λ_${inSpan}) = ${f(keep)}; `;
  const off = r.K - inSpan;
  const offText = `${off === 1 ? 'the one direction' : `the ${off} directions`} of K = ${r.K} off the class span (λ_k ≥ λ_${inSpan + 1} = ${f(lp)}) ${off === 1 ? 'shrinks' : 'shrink'}`;
  return {
    g,
    text: `${spanText}${offText} (σ_k < 1) once g > a/(4λ_${inSpan + 1}) = ${f(r.a)}/(4 × ${f(lp)}) = ${f(vicregKnee(r.a, lp))}, ${capped ? `and as far as the class directions allow at g = ${f(target)}` : `to σ_k ≤ ${SHRUNK_SIGMA} from g = ${f(target)}`}: ${changeText(r.g, g)}`,
  };
}

/**
 * The small weight for a G that is not aligned (docs/theory.md §7.9.3): every σ_k = 1 while
 * g ≤ a/(4λ_K); the advice is the spec's g when it is already that small, else the largest
 * 3-significant-figure g at or below a/(4λ_K).
 */
function lowWeight(r: RecommendationInput): { g: number; text: string } {
  const lk = r.lambda.length ? Math.max(...r.lambda) : 0;
  if (!(lk > 0)) return { g: r.g, text: `every λ_k is 0, so every σ_k = 1 at any g: ${changeText(r.g, r.g)}` };
  const bound = vicregKnee(r.a, lk);
  const g = r.g <= bound ? r.g : floorSignificant(bound, 3);
  const full = r.lambda.filter((l) => l <= vicregCut(r.a, r.g)).length;
  return {
    g,
    text: `with a = ${f(r.a)} and g = ${f(r.g)}, ${full} of K = ${r.K} directions keep σ_k = 1 (λ_k ≤ a/(4g) = ${f(vicregCut(r.a, r.g))}); all of them do while g ≤ a/(4λ_K) = ${f(r.a)}/(4 × ${f(lk)}) = ${f(bound)}: ${changeText(r.g, g)}`,
  };
}

export function recommend(r: RecommendationInput): GraphRecommendation {
  const { K } = r;
  const lowData = isLowData(r.N, r.D);
  const collapsed = r.ranks.filter((x) => x.rank < K);
  const collapseText = collapsed
    .map((x) => `${x.method}'s ${x.regime === 'linear' ? 'linear solution' : 'representation'} collapses to rank ${x.rank} < K = ${K}`)
    .join('; ');
  const al = r.alignment;
  if (al?.aligned && lowData) {
    const w = highWeight(r);
    return {
      method: 'vicreg',
      invariance: 'high',
      g: w.g,
      lowData,
      reason: `${alignmentText(al)} and ${lowDataText(r, true)}: P2 advises VICReg with a high invariance weight, which trusts G over the few data; ${w.text}.${collapsed.length ? ` (${collapseText}: the supervised span has fewer than K directions.)` : ''}`,
    };
  }
  if (al?.aligned) {
    return {
      method: 'any',
      invariance: null,
      g: null,
      lowData,
      reason: `${alignmentText(al)}: every method recovers the supervised span, and ${lowDataText(r, false)}, so P2's advice of a high invariance weight for few data does not apply.${collapsed.length ? ` (${collapseText}: the supervised span has fewer than K directions.)` : ''}`,
    };
  }
  if (al) {
    const w = lowWeight(r);
    return {
      method: 'vicreg',
      invariance: 'low',
      g: w.g,
      lowData,
      reason: `${alignmentText(al)}: prefer VICReg with a small invariance weight, which relies on G less than SimCLR or Barlow Twins do; ${w.text}.${collapsed.length ? ` ${collapseText}.` : ''}`,
    };
  }
  const rankText = r.covariance !== undefined ? `rank ${r.vicregRank} at b = ${f(r.covariance)}` : `rank ${r.vicregRank} (b → ∞)`;
  const vicregCollapsed = r.vicregRank < K;
  const base = { invariance: null, g: null, lowData } as const;
  if (collapsed.length && !vicregCollapsed)
    return {
      method: 'vicreg',
      ...base,
      reason: `No labels to judge G by; ${collapseText} (dimensional collapse), while VICReg keeps ${rankText}: prefer VICReg.`,
    };
  const shown = [...r.ranks.map((x) => `${x.method} ${x.regime === 'linear' ? 'linear' : 'representation'} rank ${x.rank}`), `VICReg ${rankText}`].join(', ');
  if (collapsed.length)
    return {
      method: 'any',
      ...base,
      reason: `No labels to judge G by; every method loses rank at K = ${K} (${shown}): none keeps the whole spectral embedding.`,
    };
  if (vicregCollapsed)
    return {
      method: 'any',
      ...base,
      reason: `No labels to judge G by; at its covariance weight VICReg loses rank (${shown}) while the others keep K = ${K}: a larger b keeps VICReg's rank; any other method recovers G's spectral embedding.`,
    };
  return {
    method: 'any',
    ...base,
    reason: `No labels to judge G by, and no method collapses at K = ${K} (${shown}): any method recovers G's spectral embedding.`,
  };
}
