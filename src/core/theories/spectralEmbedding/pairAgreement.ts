/**
 * How far G agrees with the labels (docs/theory.md §7.8, §7.9.1):
 * - pair agreement, the share of G's pair weight on pairs with the same label,
 *   Σ_{i≠j} G_ij 1[y_i = y_j] / Σ_{i≠j} G_ij;
 * - class coverage, the share of same-label row pairs (i ≠ j) that G connects by a path,
 *   Σ_components Σ_labels m(m − 1) / Σ_labels n_y(n_y − 1).
 * G is "aligned" with the downstream task when both are at least {@link ALIGNED_THRESHOLD}:
 * agreement alone calls a graph of disconnected same-label pairs aligned, though its Laplacian
 * then has as many zero eigenvalues as pairs and says nothing about the classes.
 */
import type { PairGraph } from './graphBuild';
import type { PairAlignment } from './types';

export const ALIGNED_THRESHOLD = 0.9;

/** Pair agreement (0 for a graph without pairs), class coverage (1 when no label has two rows) and the verdict. */
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
  const coverage = classCoverage(pg, labels);
  return { pairAgreement: agreement, classCoverage: coverage, aligned: agreement >= ALIGNED_THRESHOLD && coverage >= ALIGNED_THRESHOLD };
}

/** The share of same-label pairs i ≠ j in one connected component of G (docs/theory.md §7.9.1). */
export function classCoverage(pg: PairGraph, labels: Float64Array): number {
  const comp = pg.components.label;
  const inComponent = new Map<string, number>();
  const perLabel = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const key = `${comp[i]}:${labels[i]}`;
    inComponent.set(key, (inComponent.get(key) ?? 0) + 1);
    perLabel.set(labels[i], (perLabel.get(labels[i]) ?? 0) + 1);
  }
  let connected = 0;
  for (const m of inComponent.values()) connected += m * (m - 1);
  let all = 0;
  for (const m of perLabel.values()) all += m * (m - 1);
  return all > 0 ? connected / all : 1;
}
