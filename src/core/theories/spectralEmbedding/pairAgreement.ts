/**
 * How far G agrees with the labels (docs/theory.md §7.8): the share of G's pair weight on
 * pairs with the same label, Σ_{i≠j} G_ij 1[y_i = y_j] / Σ_{i≠j} G_ij. G is "aligned" with the
 * downstream task when it is at least {@link ALIGNED_THRESHOLD}.
 */
import type { PairGraph } from './graphBuild';
import type { PairAlignment } from './types';

export const ALIGNED_THRESHOLD = 0.9;

/** Pair agreement of G with the labels (0 for a graph without pairs). */
export function pairAgreement(pg: PairGraph, labels: Float64Array): PairAlignment {
  const { n, rowPtr, col, val } = pg.g;
  let same = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const j = col[p];
      if (j === i) continue;
      total += val[p];
      if (labels[i] === labels[j]) same += val[p];
    }
  }
  const agreement = total > 0 ? same / total : 0;
  return { pairAgreement: agreement, aligned: agreement >= ALIGNED_THRESHOLD };
}
