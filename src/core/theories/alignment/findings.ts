/** Theory findings placed on the spec (docs/architecture.md §2): α below a threshold, the regime. */
import { problem, type Problem, type ProblemFix } from '../../problems/problems';
import type { Spec } from '../../spec/model';
import type { ResolvedSpectra, Thresholds } from './types';
import { recoversAt } from './thresholds';
import { recommend, regimeSentence, requirement } from './recommendation';
import { ceilSignificant, formatNumber as f, nextSignificant } from '../../format/format';

/**
 * Findings about the theory, placed on the spec: α below a threshold (with a quick fix
 * raising it just above the recommended paradigm's threshold) and the regime.
 */
export function theoryFindings(spec: Spec, t: Thresholds, spectra: ResolvedSpectra | undefined, alpha: number | undefined): Problem[] {
  const out: Problem[] = [];
  if (alpha !== undefined && spec.alphaSpan) {
    const { start, end } = spec.alphaSpan;
    const rc = recoversAt(alpha, t.alpha2RC);
    const je = recoversAt(alpha, t.alpha2JE);
    const rec = recommend(t, alpha);
    const fix = raiseAlphaFix(t, rec.paradigm, start, end);
    const below = (name: 'reconstruction' | 'joint-embedding', alpha2: number, other: boolean): Problem => {
      const th =
        alpha2 > 0 ? `α_${name === 'reconstruction' ? 'RC' : 'JE'} = ${f(Math.sqrt(alpha2))}` : `α²_${name === 'reconstruction' ? 'RC' : 'JE'} = ${f(alpha2)}`;
      const msg =
        alpha2 === Infinity
          ? `${capital(name)} cannot recover the clean encoder at any α: some signal variance is zero.`
          : `α = ${f(alpha)} is ${alpha2 > 0 && alpha * alpha < alpha2 ? 'below' : 'not above'} ${th}: ${name} will not recover the clean encoder (needs ${requirement(alpha2)}).`;
      // A failure that does not change the recommendation is information; otherwise a warning.
      return problem(name === 'reconstruction' ? 'alpha-below-rc' : 'alpha-below-je', other ? 'info' : 'warning', msg, start, end, fix ? [fix] : undefined);
    };
    if (!rc) out.push(below('reconstruction', t.alpha2RC, je));
    if (!je) out.push(below('joint-embedding', t.alpha2JE, rc));
  }
  if (spectra && spec.mode === 'spectral') {
    const s = spec.noise.variance.span;
    out.push(problem('regime', 'info', regimeSentence(t), s.start, s.end));
  }
  return out;
}

/** Quick fix: α rounded up to 3 significant figures, strictly above the threshold (docs/architecture.md §2). */
export function raiseAlphaFix(t: Thresholds, paradigm: string, start: number, end: number): ProblemFix | undefined {
  const alpha2 = paradigm === 'reconstruction' ? t.alpha2RC : paradigm === 'joint-embedding' ? t.alpha2JE : Math.max(t.alpha2RC, t.alpha2JE);
  const value = proposedAlpha(alpha2);
  if (value === undefined) return undefined;
  const who = paradigm === 'either' ? 'both paradigms' : paradigm;
  return { title: `Raise alpha to ${f(value)} so that ${who} recovers`, edits: [{ start, end, newText: String(value) }], preferred: true };
}

export function proposedAlpha(alpha2: number): number | undefined {
  if (!Number.isFinite(alpha2) || Number.isNaN(alpha2)) return undefined;
  if (alpha2 < 0) return 0;
  if (alpha2 === 0) return 0.01; // any α > 0 recovers; a small, readable value
  let v = ceilSignificant(Math.sqrt(alpha2), 3);
  while (!recoversAt(v, alpha2)) v = nextSignificant(v, 3);
  return v;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
