/**
 * Theory findings placed on the spec (docs/theory.md §5, "Recommendation, findings and the
 * quick fix"): α below a threshold, each with a quick fix to the smallest value at which
 * that paradigm recovers, and the regime.
 */
import { problem, type Problem, type ProblemFix } from '../../problems/problems';
import type { DataSpec, Span, SpectralSpec } from '../../spec/model';
import type { Paradigm, Thresholds } from './types';
import { recoversAt } from './thresholds';
import { recommend, regimeSentence, requirement } from './recommendation';
import { ceilSignificant, formatNumber as f, nextSignificant } from '../../format/format';

type Named = 'reconstruction' | 'joint-embedding';
const SHORT: Record<Named, string> = { reconstruction: 'RC', 'joint-embedding': 'JE' };

/**
 * The findings of an analysis at `alpha` (written at `alphaSpan`): one `alpha-below-rc` /
 * `alpha-below-je` per paradigm that does not recover, each with its own fix (the smallest
 * 3-significant-figure α above that paradigm's threshold; the recommended paradigm's fix is
 * the preferred one), and the regime on the noise variance (spectral mode, and P1's
 * pipeline in data mode).
 */
export function theoryFindings(spec: SpectralSpec | DataSpec, t: Thresholds, alpha: number | undefined, alphaSpan: Span | undefined): Problem[] {
  const out: Problem[] = [];
  if (alpha !== undefined && alphaSpan) out.push(...belowThresholdFindings(t, alpha, alphaSpan));
  const noiseSpan = spec.mode === 'spectral' ? spec.noise.variance.span : spec.data.noise?.variance.span;
  if (noiseSpan) out.push(problem('regime', 'info', regimeSentence(t), noiseSpan.start, noiseSpan.end));
  return out;
}

function belowThresholdFindings(t: Thresholds, alpha: number, span: Span): Problem[] {
  const out: Problem[] = [];
  const rc = recoversAt(alpha, t.alpha2RC);
  const je = recoversAt(alpha, t.alpha2JE);
  const recommended = recommend(t, alpha).paradigm;
  const below = (name: Named, alpha2: number, otherRecovers: boolean): Problem => {
    const th = alpha2 > 0 ? `α_${SHORT[name]} = ${f(Math.sqrt(alpha2))}` : `α²_${SHORT[name]} = ${f(alpha2)}`;
    const msg =
      alpha2 === Infinity || Number.isNaN(alpha2)
        ? `${capital(name)} cannot recover the clean encoder at any α: some signal variance is zero.`
        : `α = ${f(alpha)} is ${alpha2 > 0 && alpha * alpha < alpha2 ? 'below' : 'not above'} ${th}: ${name} will not recover the clean encoder (needs ${requirement(alpha2)}).`;
    const fix = alphaFix(name, alpha2, alpha, span, recommended === name || recommended === 'either');
    // A failure that does not change the recommendation is information; otherwise a warning.
    return problem(
      name === 'reconstruction' ? 'alpha-below-rc' : 'alpha-below-je',
      otherRecovers ? 'info' : 'warning',
      msg,
      span.start,
      span.end,
      fix ? [fix] : undefined,
    );
  };
  if (!rc) out.push(below('reconstruction', t.alpha2RC, je));
  if (!je) out.push(below('joint-embedding', t.alpha2JE, rc));
  return out;
}

/**
 * The quick fix for one paradigm at α = `current`: the smallest 3-significant-figure value
 * at which it recovers ({@link proposedAlpha}), offered only when it is above `current`
 * (a fix never lowers α); "Raise alpha to …".
 */
export function alphaFix(paradigm: Named, alpha2: number, current: number, span: Span, preferred: boolean): ProblemFix | undefined {
  const value = proposedAlpha(alpha2);
  if (value === undefined || !(value > current)) return undefined;
  return { title: `Raise alpha to ${f(value)} so that ${paradigm} recovers`, edits: [{ start: span.start, end: span.end, newText: String(value) }], preferred };
}

/**
 * Fixes for an α the parser refused (`negative-alpha`): for each paradigm the smallest
 * valid value at which it recovers; one fix when both paradigms get the same value. The
 * recommended paradigm's (at that value) is preferred.
 */
export function invalidAlphaFixes(t: Thresholds, span: Span): ProblemFix[] {
  const rc = proposedAlpha(t.alpha2RC);
  const je = proposedAlpha(t.alpha2JE);
  const edit = (v: number) => [{ start: span.start, end: span.end, newText: String(v) }];
  if (rc !== undefined && rc === je) return [{ title: `Set alpha to ${f(rc)} so that both paradigms recover`, edits: edit(rc), preferred: true }];
  const out: ProblemFix[] = [];
  const best: Paradigm | undefined =
    rc === undefined ? 'joint-embedding' : je === undefined ? 'reconstruction' : je < rc ? 'joint-embedding' : 'reconstruction';
  for (const [name, v] of [
    ['joint-embedding', je],
    ['reconstruction', rc],
  ] as const) {
    if (v !== undefined) out.push({ title: `Set alpha to ${f(v)} so that ${name} recovers`, edits: edit(v), preferred: best === name });
  }
  return out;
}

/**
 * The smallest α with 3 significant figures that strictly recovers for a squared threshold
 * (A3): 0 when it is negative, 0.01 when it is exactly 0; undefined when it is infinite.
 */
export function proposedAlpha(alpha2: number): number | undefined {
  if (alpha2 < 0) return 0; // −∞ included: always recovers
  if (!Number.isFinite(alpha2)) return undefined; // +∞ or NaN: never recovers
  if (alpha2 === 0) return 0.01; // any α > 0 recovers; a small, readable value
  let v = ceilSignificant(Math.sqrt(alpha2), 3);
  while (!recoversAt(v, alpha2)) v = nextSignificant(v, 3);
  return v;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
