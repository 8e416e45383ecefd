/**
 * The advice for your own views (docs/theory.md §6.4.9, a project rule): the recommendation
 * from P1's model fitted to the views, with what was measured, how well the model fits and
 * the linear probe's evidence; the finding placed on the views; and the lines the CLI prints.
 */
import { formatNumber as f } from '../../format/format';
import { problem, type Problem } from '../../problems/problems';
import type { DataSpec } from '../../spec/model';
import type { ProbeResult } from './data/probe';
import type { StrengthWhatIf } from './data/viewsAnalysis';
import type { ViewsFit } from './data/viewsFit';
import { regimeSentence, requirement } from './recommendation';
import type { AlignmentEngineResult } from './result';
import { recoversAt } from './thresholds';
import type { Paradigm, Recommendation, Thresholds } from './types';
import { POOR_FIT_RESIDUAL, PROBE_SIGNIFICANCE } from './viewsCuts';

export { POOR_FIT_RESIDUAL, PROBE_SIGNIFICANCE };

const pct = (v: number) => `${f(100 * v, 3)}%`;
const range = (r: readonly [number, number], fmt: (v: number) => string = (v) => f(v, 3)) => `${fmt(r[0])}–${fmt(r[1])}`;

/** What the important subspace is, in words (docs/theory.md §6.4.2). */
export function importantText(fit: ViewsFit): string {
  const { dimension: k, rule, labelDirections: r } = fit.important;
  if (rule === 'labels') return `the ${k} label-carrying directions (Fisher directions of the class means)`;
  if (rule === 'labels+invariance')
    return `${r} label-carrying directions (the labels give no more) and the ${k - r} directions your views change least relative to the data`;
  return `the ${k} directions your views change least relative to the data (no labels: the augmentation is trusted to leave the important directions alone)`;
}

/** "α̂ = 0.237 (95% interval 0.1–0.35)" */
export function alphaText(fit: ViewsFit): string {
  const hi = fit.alphaInterval[1];
  return `α̂ = ${f(fit.alpha)} (95% interval ${f(fit.alphaInterval[0])}–${Number.isFinite(hi) ? f(hi) : '∞'})`;
}

/** The fit-quality sentence; flags a poor fit. */
export function fitQualityText(fit: ViewsFit): string {
  const r = f(fit.residual, 2);
  return fit.residual > POOR_FIT_RESIDUAL
    ? `The views are far from P1's shared-diagonal form (fit residual ${r} > ${POOR_FIT_RESIDUAL}), so these thresholds are a rough guide.`
    : `The views are close to P1's shared-diagonal form (fit residual ${r} ≤ ${POOR_FIT_RESIDUAL}).`;
}

/** The probe's evidence: accuracies with intervals and the paired comparison of RC and JE. */
export function probeEvidenceText(p: ProbeResult): string {
  const iv = p.intervals;
  const one = (name: string, v: number, r?: [number, number]) => `${name} ${pct(v)}${r ? ` (${range(r, pct)})` : ''}`;
  const parts = [
    one('reconstruction', p.reconstruction, iv?.reconstruction),
    one('joint-embedding', p.jointEmbedding, iv?.jointEmbedding),
    ...(p.supervised !== undefined ? [one('supervised', p.supervised, iv?.supervised)] : []),
  ];
  let paired = '';
  if (p.paired) {
    const q = p.paired;
    const points = (v: number) => `${v >= 0 ? '+' : '−'}${f(Math.abs(100 * v), 2)}`;
    const verdict =
      q.pValue < PROBE_SIGNIFICANCE ? `${q.difference > 0 ? 'reconstruction' : 'joint-embedding'} is significantly better` : 'no significant difference';
    paired = `; reconstruction − joint-embedding = ${points(q.difference)} points (95% interval ${points(q.interval[0])} to ${points(q.interval[1])}; McNemar p = ${f(q.pValue, 2)}): ${verdict}`;
  }
  return `Linear probe on ${p.test} test samples: ${parts.join(', ')}${paired}.`;
}

/**
 * The recommendation for your own views at `alpha` (the measured α̂ unless the options gave one,
 * `given`): P1's rule of docs/theory.md §5 on the fitted thresholds; when the fit is poor and
 * the probe's paired comparison is significant, the better probe decides (§6.4.9).
 */
export function recommendViews(t: Thresholds, fit: ViewsFit, alpha: number, probe: ProbeResult | undefined, given: boolean): Recommendation {
  const rc = recoversAt(alpha, t.alpha2RC);
  const je = recoversAt(alpha, t.alpha2JE);
  const at = given ? `α = ${f(alpha)} (given; measured ${alphaText(fit)})` : `the measured ${alphaText(fit)}`;
  const needs = `reconstruction needs ${requirement(t.alpha2RC)}, joint-embedding ${requirement(t.alpha2JE)}`;
  let paradigm: Paradigm;
  let verdict: string;
  if (rc && je) [paradigm, verdict] = ['either', `both paradigms keep the important subspace (${needs})`];
  else if (rc || je) {
    paradigm = rc ? 'reconstruction' : 'joint-embedding';
    verdict = `only ${paradigm} keeps the important subspace (${needs})`;
  } else {
    paradigm = t.alpha2RC < t.alpha2JE ? 'reconstruction' : t.alpha2JE < t.alpha2RC ? 'joint-embedding' : 'either';
    verdict = `neither paradigm keeps the important subspace (${needs})${paradigm === 'either' ? '' : `; ${paradigm} needs less alignment`}`;
  }
  const head = `Measured from your views (docs/theory.md §6.4): with the important subspace taken as ${importantText(fit)}, at ${at} ${verdict}. ${regimeSentence(t)} ${fitQualityText(fit)}`;
  const evidence = probe ? ` ${probeEvidenceText(probe)}` : '';
  const q = probe?.paired;
  if (fit.residual > POOR_FIT_RESIDUAL && q && q.pValue < PROBE_SIGNIFICANCE && q.difference !== 0) {
    const better: Paradigm = q.difference > 0 ? 'reconstruction' : 'joint-embedding';
    if (better !== paradigm) return { paradigm: better, reason: `${head}${evidence} With a poor fit the measured probe decides: ${better}.` };
  }
  return { paradigm, reason: `${head}${evidence}` };
}

/** The info finding on the views file: what was measured (docs/theory.md §6.4). */
export function viewsFinding(spec: DataSpec, fit: ViewsFit, t: Thresholds): Problem | undefined {
  const aug = spec.augmentation;
  if (aug?.kind !== 'views') return undefined;
  const s = aug.fileSpan;
  const msg = `P1's model fitted to your views: ${alphaText(fit)}; reconstruction needs ${requirement(t.alpha2RC)}, joint-embedding ${requirement(t.alpha2JE)}. ${fitQualityText(fit)}`;
  return problem('views-fit', fit.residual > POOR_FIT_RESIDUAL ? 'warning' : 'info', msg, s.start, s.end);
}

/**
 * A top-level `alpha` beside your own views is not used: the analysis is evaluated at the α̂
 * measured from the views (docs/theory.md §6.4), so say so on the `alpha` line.
 */
export function alphaUnusedFinding(spec: DataSpec, fit: ViewsFit): Problem | undefined {
  if (spec.alpha === undefined || !spec.alphaSpan || spec.augmentation?.kind === 'additive') return undefined;
  const s = spec.alphaSpan;
  const msg = `alpha: ${f(spec.alpha, 6)} is not used: with your own views the analysis is evaluated at the α̂ = ${f(fit.alpha, 3)} measured from them (docs/theory.md §6.4). Remove it; for a what-if at another α run \`sslexp analyze --alpha A\`.`;
  return problem('alpha-unused', 'info', msg, s.start, s.end);
}

/** The CLI's lines for the fit and the strength what-if (`sslexp analyze`). */
export function viewsFitText(r: Pick<AlignmentEngineResult, 'fit' | 'strength' | 'solutions'>): string[] {
  const fit = r.fit;
  if (!fit) return [];
  const lines = [
    `  P1's model fitted to your views (docs/theory.md §6.4): important subspace = ${importantText(fit)}`,
    `    ${alphaText(fit)}; Θ levels: important ${f(fit.thetaImportant, 4)}, noise ${f(fit.thetaNoise, 4)}; fit residual ${f(fit.residual, 2)} (Σ ${f(fit.offDiagonal.augmentation, 2)}, C ${f(fit.offDiagonal.data, 2)}; one Θ level on the noise: ${f(fit.levelResidual, 2)})`,
  ];
  const p = r.solutions?.probe;
  if (p) lines.push(`    ${probeEvidenceText(p)}`);
  if (r.strength) lines.push(...strengthText(r.strength));
  return lines;
}

function strengthText(s: StrengthWhatIf): string[] {
  const cell = (v: number | null | undefined, w: number, fmt: (x: number) => string = (x) => f(x, 3)) =>
    (v === null || v === undefined ? '–' : fmt(v)).padStart(w);
  const eff = (a2: number) => (a2 > 0 ? Math.sqrt(a2) : 0);
  const out = [
    `  strength what-if (every view's deviation from its sample's mean × s, Σ → s²Σ; docs/theory.md §6.4.8):`,
    `    ${'s'.padStart(5)} ${'α(s)'.padStart(8)} ${'α_RC(s)'.padStart(9)} ${'α_JE(s)'.padStart(9)}${s.probe ? `  ${'probe RC'.padStart(9)} ${'JE'.padStart(7)} ${'SL'.padStart(7)}` : ''}`,
  ];
  s.scale.forEach((v, i) => {
    const acc = (x: number) => pct(x);
    const probe = s.probe
      ? `  ${cell(s.probe.reconstruction[i], 9, acc)} ${cell(s.probe.jointEmbedding[i], 7, acc)} ${cell(s.probe.supervised[i], 7, acc)}`
      : '';
    out.push(`    ${cell(v, 5)} ${cell(s.alpha[i], 8)} ${cell(eff(s.alpha2RC[i]), 9)} ${cell(eff(s.alpha2JE[i]), 9)}${probe}`);
  });
  const cross = (name: string, x: number | null) => (x === null ? `${name} does not change within s ≤ 4` : `${name} changes at s = ${f(x, 3)}`);
  out.push(`    recovery in the fitted model: ${cross('reconstruction', s.crossing.reconstruction)}; ${cross('joint-embedding', s.crossing.jointEmbedding)}`);
  return out;
}
