/** Graph mode in `sslexp analyze`: the pinned JSON document and the readable text. */
import type { SpectralEmbeddingEngineResult } from '../core/engine/types';
import type { Loaded, LocatedProblem } from './io';

/** `analyze --json` of a graph-mode spec (docs/theory.md §7; keys pinned by the CLI tests). */
export function graphAnalysisJson(loaded: Loaded, r: SpectralEmbeddingEngineResult, problems: LocatedProblem[]): Record<string, unknown> {
  const a = r.analysis;
  return {
    file: loaded.file,
    mode: r.mode ?? null,
    name: r.spec?.name ?? null,
    dimensions: a?.dimensions ?? null,
    graph: a?.graph ?? null,
    representation: a?.representation ?? null,
    linear: a?.linear ?? null,
    alignment: a?.alignment ?? null,
    recommendation: a?.recommendation ?? null,
    problems,
  };
}

/** The same in a few readable lines. */
export function graphAnalysisText(loaded: Loaded, r: SpectralEmbeddingEngineResult, problems: LocatedProblem[]): string[] {
  const lines = [`${loaded.file}${r.spec?.name ? ` — ${r.spec.name}` : ''}`];
  const a = r.analysis;
  if (a) {
    lines.push(`  graph mode: N = ${a.dimensions.N} rows, D = ${a.dimensions.D}, K = ${a.dimensions.K}; ${a.graph.kind} graph, ${a.graph.edges} edges, ${a.graph.components} components`);
    lines.push(`  recommendation: ${a.recommendation.method}${a.recommendation.invariance ? `, ${a.recommendation.invariance} invariance` : ''}`);
    lines.push(`    ${a.recommendation.reason}`);
  }
  if (problems.length) {
    lines.push('  problems:');
    for (const q of problems) lines.push(`    ${q.line}:${q.column}: ${q.severity} ${q.code}: ${q.message}`);
  }
  return lines;
}
