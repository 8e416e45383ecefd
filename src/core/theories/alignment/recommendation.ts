/**
 * The recommendation rule (docs/theory.md §5 "Recommendation", built on §4.3 and Corollary 4.5):
 * a paradigm recovers at α iff α² > its squared threshold (strict, A3).
 */
import type { Paradigm, Recommendation, Regime, Thresholds } from './types';
import { formatNumber as f } from '../../format/format';
import { strictlyGreater } from '../../numerics/select';
import { recoversAt } from './thresholds';

const NAME = { rc: 'reconstruction', je: 'joint-embedding' } as const;

/** The paradigm with the smaller squared threshold; `either` on a tie. */
function smallerThreshold(t: Thresholds): Paradigm {
  if (strictlyGreater(t.alpha2RC, t.alpha2JE)) return 'joint-embedding';
  if (strictlyGreater(t.alpha2JE, t.alpha2RC)) return 'reconstruction';
  return 'either';
}

/** "α > 0.764", "any α ≥ 0", "α > 0", or "no α" for one threshold. */
export function requirement(alpha2: number): string {
  if (alpha2 === Infinity || Number.isNaN(alpha2)) return 'no finite α';
  if (alpha2 < 0) return 'any α ≥ 0';
  if (alpha2 === 0) return 'α > 0';
  return `α > ${f(Math.sqrt(alpha2))}`;
}

export function regimeSentence(t: Thresholds): string {
  const b = f(t.boundary);
  switch (t.regime) {
    case 'low-noise':
      return `Low-noise regime: every noise variance is below η²/δ = ${b}, so reconstruction needs less alignment (Corollary 4.5).`;
    case 'high-noise':
      return `High-noise regime: every noise variance is above η²/δ = ${b}, so joint-embedding needs less alignment (Corollary 4.5).`;
    case 'mixed':
      return Number.isNaN(t.boundary)
        ? 'Some signal variance is zero, so the boundary η²/δ is undefined and Corollary 4.5 makes no claim.'
        : `The noise spectrum straddles η²/δ = ${b}, so Corollary 4.5 makes no claim.`;
    case 'no-noise':
      return 'No noise component has positive variance, so nothing competes with the signal.';
  }
}

export function recommend(t: Thresholds, alpha?: number | null): Recommendation {
  const regime = regimeSentence(t);
  const needs = `Reconstruction needs ${requirement(t.alpha2RC)}, joint-embedding ${requirement(t.alpha2JE)}.`;
  if (alpha === undefined || alpha === null) {
    if (t.alpha2RC < 0 && t.alpha2JE < 0) {
      return { paradigm: 'either', reason: `Both paradigms recover at any alignment α ≥ 0 (α²_RC = ${f(t.alpha2RC)}, α²_JE = ${f(t.alpha2JE)}). ${regime}` };
    }
    const p = smallerThreshold(t);
    if (p === 'either') return { paradigm: p, reason: `Both paradigms need the same alignment. ${needs} ${regime}` };
    return { paradigm: p, reason: `${capital(p)} needs less alignment: ${needs} ${regime}` };
  }
  const rc = recoversAt(alpha, t.alpha2RC);
  const je = recoversAt(alpha, t.alpha2JE);
  const at = `α = ${f(alpha)}`;
  if (rc && je) return { paradigm: 'either', reason: `At ${at} both paradigms recover the clean encoder. ${needs} ${regime}` };
  if (rc || je) {
    const ok = rc ? NAME.rc : NAME.je;
    const bad = rc ? NAME.je : NAME.rc;
    const badNeed = requirement(rc ? t.alpha2JE : t.alpha2RC);
    return { paradigm: ok, reason: `At ${at} only ${ok} recovers the clean encoder; ${bad} needs ${badNeed}. ${regime}` };
  }
  const p = smallerThreshold(t);
  if (p === 'either') {
    return { paradigm: p, reason: `At ${at} neither paradigm recovers; both need ${requirement(t.alpha2RC)}. ${regime}` };
  }
  const target = p === NAME.rc ? t.alpha2RC : t.alpha2JE;
  const rise =
    target === Infinity
      ? `${capital(p)} cannot recover at any α, but its squared threshold is the smaller one.`
      : `Raise α above ${f(effective(target))} for ${p}.`;
  return { paradigm: p, reason: `At ${at} neither paradigm recovers: ${needs.charAt(0).toLowerCase()}${needs.slice(1, -1)}. ${rise} ${regime}` };
}

function effective(alpha2: number): number {
  return alpha2 > 0 ? Math.sqrt(alpha2) : 0;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export type { Regime };
