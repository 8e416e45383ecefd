/** `sslexp analyze FILE [--json] [--alpha A] [--components]`: the analysis as text or one JSON object. */
import { formatNumber as f, toJson } from '../core/format/format';
import { requirement } from '../core/theories/alignment/recommendation';
import { viewsFitText } from '../core/theories/alignment/viewsAdvice';
import type { AlignmentEngineResult } from '../core/engine/types';
import { graphAnalysisJson, graphAnalysisText } from './graphText';
import * as fs from 'node:fs';
import { solutionsNpz } from '../core/theories/alignment/data/solutionsFile';
import { hasError, loadAndAnalyze, locate, progressReporter, safeText, type CliIo, type Loaded } from './io';

/** The JSON document of `analyze --json` (issue 2 contract; issue 3 adds `solutions`). */
export function analysisJson(loaded: Loaded): Record<string, unknown> {
  const r = loaded.result;
  if (r.theory === 'spectralEmbedding') return graphAnalysisJson(loaded, r, locate(loaded.text, r.problems));
  return {
    file: loaded.file,
    mode: r.mode ?? null,
    name: r.spec?.name ?? null,
    dimensions: r.dimensions ?? null,
    thresholds: r.thresholds ?? null,
    atAlpha: r.atAlpha ?? null,
    recommendation: r.recommendation ?? null,
    ...(r.mode === 'data' ? { pipeline: r.pipeline ?? null, solutions: r.solutions ?? null } : {}),
    ...(r.fit ? { fit: r.fit, strength: r.strength ?? null } : {}),
    problems: locate(loaded.text, r.problems),
  };
}

export function analyzeCommand(file: string, opts: { json: boolean; alpha?: number; components: boolean; output?: string }, io: CliIo): number {
  const onProgress = progressReporter(io, 'analyze');
  const loaded = loadAndAnalyze(file, { alpha: opts.alpha, components: opts.components, ...(onProgress ? { onProgress } : {}) });
  const r = loaded.result;
  if (opts.output !== undefined && writeSolutions(opts.output, loaded, io) !== 0) return 1;
  if (opts.json) {
    io.out(toJson(analysisJson(loaded)));
    return hasError(r) ? 1 : 0;
  }
  const located = locate(loaded.text, r.problems);
  const lines = r.theory === 'spectralEmbedding' ? graphAnalysisText(loaded, r, located) : alignmentText(loaded, r, located);
  io.out(lines.join('\n'));
  return hasError(r) ? 1 : 0;
}

/** `--output F.npz`: every solution matrix and vector of a data-mode analysis, for numpy.load (README "The sslexp command"). */
function writeSolutions(output: string, loaded: Loaded, io: CliIo): number {
  const r = loaded.result;
  if (r.theory !== 'alignment' || r.mode !== 'data' || !r.solutions) {
    const why = hasError(r)
      ? 'the spec has errors'
      : r.theory !== 'alignment' || r.mode !== 'data'
        ? 'only a data-mode analysis has solution matrices'
        : 'no solutions were computed';
    io.err(`sslexp analyze: --output: nothing written to '${safeText(output)}': ${why}.`);
    return 1;
  }
  try {
    fs.writeFileSync(output, solutionsNpz(r.solutions));
  } catch (e) {
    io.err(`sslexp analyze: cannot write '${safeText(output)}': ${safeText((e as Error).message)}`);
    return 1;
  }
  return 0;
}

function alignmentText(loaded: Loaded, r: AlignmentEngineResult, located: ReturnType<typeof locate>): string[] {
  const lines: string[] = [];
  lines.push(`${safeText(loaded.file)}${r.spec?.name ? ` — ${safeText(r.spec.name)}` : ''}`);
  if (r.dimensions && r.thresholds) {
    const { d, k, latent } = r.dimensions;
    const t = r.thresholds;
    lines.push(`  ${r.mode} mode: d = ${d} (${k} important, ${d - k} noise), latent ${latent}`);
    lines.push(`  δ = ${f(t.delta, 6)}   η = ${f(t.eta, 6)}   η²/δ = ${f(t.boundary, 6)}   regime: ${t.regime}`);
    lines.push(`  reconstruction:  α²_RC = ${f(t.alpha2RC, 6)}   needs ${requirement(t.alpha2RC)}`);
    lines.push(`  joint-embedding: α²_JE = ${f(t.alpha2JE, 6)}   needs ${requirement(t.alpha2JE)}`);
    if (r.atAlpha) {
      const a = r.atAlpha;
      const mark = (b: boolean) => (b ? 'recovers' : 'does not recover');
      lines.push(`  at α = ${f(a.alpha, 6)}:`);
      lines.push(
        `    reconstruction  ${mark(a.recovers.reconstruction)} (weakest important score ${f(a.scores.reconstruction.minImportant, 4)} vs strongest noise score ${f(a.scores.reconstruction.maxNoise, 4)})`,
      );
      lines.push(
        `    joint-embedding ${mark(a.recovers.jointEmbedding)} (weakest important score ${f(a.scores.jointEmbedding.minImportant, 4)} vs strongest noise score ${f(a.scores.jointEmbedding.maxNoise, 4)})`,
      );
      lines.push(`    supervised      recovers (Prop 4.2: any α as n grows)`);
      if (a.components) {
        lines.push('    per-component scores (RC, JE):');
        a.components.reconstruction.important.forEach((v, i) =>
          lines.push(`      important ${i + 1}: ${f(v, 6)}  ${f(a.components!.jointEmbedding.important[i], 6)}`),
        );
        a.components.reconstruction.noise.forEach((v, j) => lines.push(`      noise ${j + 1}: ${f(v, 6)}  ${f(a.components!.jointEmbedding.noise[j], 6)}`));
      }
    }
  }
  if (r.pipeline) {
    const pl = r.pipeline;
    lines.push(
      `  P1's pipeline: ${pl.samples} samples × ${pl.features} features${pl.centered ? ', centred' : ''}; PCA to ${pl.pca} components (${f(100 * pl.explainedVariance, 3)}% of the variance) + ${pl.noise} noise coordinates${pl.classes !== undefined ? `; ${pl.classes} classes` : ''}`,
    );
  }
  if (r.mode === 'data' && r.dimensions && !r.thresholds) {
    lines.push(`  data mode: d = ${r.dimensions.d}, latent ${r.dimensions.latent}; closed-form thresholds do not apply (docs/theory.md A6)`);
  }
  if (r.solutions) {
    const sol = r.solutions;
    const k = r.dimensions?.latent ?? 0;
    lines.push(`  closed-form solutions (${sol.problem}):`);
    lines.push(
      `    reconstruction:  objective ${f(sol.reconstruction.objective, 6)}; φ_1..${k} = ${sol.reconstruction.phi
        .slice(0, Math.min(k, 6))
        .map((v) => f(v, 4))
        .join(', ')}${k > 6 ? ', …' : ''}`,
    );
    lines.push(
      `    joint-embedding: objective ${f(sol.jointEmbedding.objective, 6)}; ω_1..${k} = ${sol.jointEmbedding.omega
        .slice(0, Math.min(k, 6))
        .map((v) => f(v, 4))
        .join(', ')}${k > 6 ? ', …' : ''}`,
    );
    if (sol.supervised)
      lines.push(
        `    supervised:      V is ${sol.supervised.V.length} × ${sol.supervised.V[0]?.length ?? 0}${sol.supervised.singular ? ' (minimum-norm: S is singular, docs/theory.md A7)' : ''}`,
      );
    if (sol.probe) {
      const p = sol.probe;
      const pct = (v: number) => `${f(100 * v, 3)}%`;
      lines.push(
        `    linear probe (test accuracy, ${p.train} train / ${p.test} test samples, seed ${p.seed}): ${p.supervised !== undefined ? `supervised ${pct(p.supervised)}, ` : ''}reconstruction ${pct(p.reconstruction)}, joint-embedding ${pct(p.jointEmbedding)}`,
      );
    }
    if (sol.discrepancy) {
      const q = sol.discrepancy;
      lines.push(
        `    clean vs one corrupted draw (seed ${sol.corrupted?.seed ?? 0}): sin θ_max RC ${f(q.reconstruction, 3)}, JE ${f(q.jointEmbedding, 3)}; JE Gram error ${f(q.jointEmbeddingGram, 3)}${q.supervised !== undefined ? `; SL relative error ${f(q.supervised, 3)}` : ''}`,
      );
    }
  }
  lines.push(...viewsFitText(r));
  if (r.recommendation) {
    lines.push(`  recommendation: ${r.recommendation.paradigm}`);
    lines.push(`    ${r.recommendation.reason}`);
  }
  const shown = located.filter((q) => q.code !== 'regime');
  if (shown.length) {
    lines.push('  problems:');
    for (const q of shown) lines.push(`    ${q.line}:${q.column}: ${q.severity} ${q.code}: ${q.message}`);
  }
  return lines;
}
