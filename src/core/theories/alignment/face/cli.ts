/**
 * P1 in the `sslexp` command (docs/architecture.md §2 "CLI"): `analyze --json`'s fields, the
 * readable lines of `analyze`, the finite-n simulation's JSON and table, and the `.npz` of the
 * closed-form solutions (`analyze --output`).
 */
import { formatNumber as f } from '../../../format/format';
import type { CliContext, SolutionsFile } from '../../face';
import { solutionsNpz } from '../data/solutionsFile';
import { requirement } from '../recommendation';
import { viewsFitText } from '../viewsAdvice';
import type { AlignmentEngineResult } from '../result';
import type { SimulationResult } from '../simulation';

/** The JSON document of `analyze --json` (besides `file` and `problems`). */
export function alignmentJson(r: AlignmentEngineResult): Record<string, unknown> {
  return {
    mode: r.mode ?? null,
    name: r.spec?.name ?? null,
    dimensions: r.dimensions ?? null,
    thresholds: r.thresholds ?? null,
    atAlpha: r.atAlpha ?? null,
    recommendation: r.recommendation ?? null,
    ...(r.mode === 'data' ? { pipeline: r.pipeline ?? null, solutions: r.solutions ?? null } : {}),
    ...(r.fit ? { fit: r.fit, strength: r.strength ?? null } : {}),
  };
}

/** `--output F.npz`: every solution matrix and vector of a data-mode analysis (docs/architecture.md §2 "CLI"). */
export function alignmentSolutionsFile(r: AlignmentEngineResult): SolutionsFile {
  if (r.mode === 'data' && r.solutions) return { bytes: solutionsNpz(r.solutions) };
  if (r.problems.some((p) => p.severity === 'error')) return { reason: 'the spec has errors' };
  return { reason: r.mode !== 'data' ? 'only a data-mode analysis has solution matrices' : 'no solutions were computed' };
}

/** `simulate --json`'s `simulation` object. */
export function simulationJson(r: SimulationResult, elapsedMs: number): Record<string, unknown> {
  return {
    mode: r.mode,
    metric: r.metric,
    metricDescription: r.metricDescription,
    n: r.n,
    alpha: r.alpha,
    repeats: r.repeats,
    seed: r.seed,
    dimensions: r.dimensions,
    series: r.series.map((s) => ({
      paradigm: s.paradigm,
      alpha: s.alpha,
      mean: s.mean,
      spread: s.spread,
      ...(s.predictedRecovery !== undefined ? { predictedRecovery: s.predictedRecovery } : {}),
    })),
    extra: r.extra,
    notes: r.notes,
    elapsedMs,
  };
}

/** `simulate`'s table: one row per paradigm and α, one column per n. */
export function simulationText(r: SimulationResult, context: CliContext, elapsedMs: number): string[] {
  const lines: string[] = [];
  lines.push(
    `${context.safe(context.file)}: finite-n simulation, ${r.mode} mode, d = ${r.dimensions.d} (${r.dimensions.k} important), latent ${r.dimensions.latent}; ${r.repeats} repeat${r.repeats === 1 ? '' : 's'}, seed ${r.seed}`,
  );
  lines.push(`metric ${r.metric}: mean over repeats (± standard deviation)`);
  const width = 20;
  const header = ['paradigm', 'α', ...r.n.map((n) => `n=${n}`)];
  lines.push(header.map((h, i) => (i < 2 ? h.padEnd(i === 0 ? 16 : 7) : h.padStart(width))).join(''));
  for (const s of r.series) {
    const cells = s.mean.map((m, i) => `${f(m, 3)} ±${f(s.spread[i], 2)}`.padStart(width));
    const pred =
      s.predictedRecovery === undefined || s.paradigm === 'supervised' ? '' : s.predictedRecovery ? '   (theory: recovers)' : '   (theory: does not recover)';
    lines.push(`${s.paradigm.padEnd(16)}${f(s.alpha, 3).padEnd(7)}${cells.join('')}${pred}`);
  }
  for (const [p, what] of Object.entries(r.metricDescription)) lines.push(`  ${p}: ${what}`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  lines.push(`(${(elapsedMs / 1000).toFixed(1)} s)`);
  return lines;
}

/** `analyze` as readable lines. */
export function alignmentText(r: AlignmentEngineResult, context: CliContext): string[] {
  const safeText = context.safe;
  const lines: string[] = [];
  lines.push(`${safeText(context.file)}${r.spec?.name ? ` — ${safeText(r.spec.name)}` : ''}`);
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
  const shown = context.problems.filter((q) => q.code !== 'regime');
  if (shown.length) {
    lines.push('  problems:');
    for (const q of shown) lines.push(`    ${q.line}:${q.column}: ${q.severity} ${q.code}: ${q.message}`);
  }
  return lines;
}
