/**
 * Alignment thresholds of P1 (docs/theory.md §4.2–§4.5, §5) on spectra given in a shared
 * basis. Everything is O(d) over typed arrays: a million components take a few ms.
 */
import type { AtAlpha, ComponentScores, NoiseScalingCurve, Regime, ResolvedSpectra, ScoreSummary, Thresholds } from './types';
import { rthLargest, strictlyGreater } from '../../numerics/select';

/** Does alpha^2 exceed a squared threshold (docs/theory.md §4.5 table; a tie does not recover)? */
export function recoversAt(alpha: number, alpha2Threshold: number): boolean {
  if (Number.isNaN(alpha2Threshold)) return false;
  return strictlyGreater(alpha * alpha, alpha2Threshold);
}

/** Per-component important scores (docs/theory.md §4.2 table): RC c/sqrt(c+θ), JE c/(c+θ). */
export function importantScores(spectra: ResolvedSpectra): { rc: Float64Array; je: Float64Array } {
  const { c, thetaImportant } = spectra;
  const k = c.length;
  const rc = new Float64Array(k);
  const je = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const ci = c[i];
    const s = ci + thetaImportant[i];
    // c_i = 0 (assumption violated, §4.5) gives score 0 rather than 0/0.
    rc[i] = ci > 0 ? ci / Math.sqrt(s) : 0;
    je[i] = ci > 0 ? ci / s : 0;
  }
  return { rc, je };
}

/**
 * Noise scores at alpha (docs/theory.md §4.2): s_j = λΘ_j + (1+α²) λΓ_j. A component with
 * λΓ_j = 0 has score 0 and never competes (§4.5).
 */
export function noiseScores(spectra: ResolvedSpectra, alpha: number): { rc: Float64Array; je: Float64Array } {
  const { gamma, thetaNoise } = spectra;
  const m = gamma.length;
  const rc = new Float64Array(m);
  const je = new Float64Array(m);
  const f = 1 + alpha * alpha;
  for (let j = 0; j < m; j++) {
    const g = gamma[j];
    if (g > 0) {
      const s = thetaNoise[j] + f * g;
      rc[j] = g / Math.sqrt(s);
      je[j] = g / s;
    }
  }
  return { rc, je };
}

/**
 * Which important score decides and which noise score it must beat, for a latent
 * dimension `latent` (docs/theory.md A14, extended): with latent <= k the latent-th largest
 * important score must exceed the largest noise score; with latent > k every important
 * component must be selected, so the smallest important score must exceed the
 * (latent-k+1)-th largest noise score.
 */
function decidingRanks(k: number, latent: number): { importantRank: number; noiseRank: number } {
  return latent <= k ? { importantRank: latent, noiseRank: 1 } : { importantRank: k, noiseRank: latent - k + 1 };
}

export function computeThresholds(spectra: ResolvedSpectra, latent: number = spectra.c.length): Thresholds {
  const k = spectra.c.length;
  const { importantRank, noiseRank } = decidingRanks(k, latent);
  const imp = importantScores(spectra);
  const delta = rthLargest(imp.je, importantRank);
  const eta = rthLargest(imp.rc, importantRank);

  // Per-component squared thresholds (docs/theory.md §4.3, the max applies to the whole
  // per-component expression): RC λΓ/η² − λΘ/λΓ − 1, JE (1−δ)/δ − λΘ/λΓ.
  const { gamma, thetaNoise } = spectra;
  const m = gamma.length;
  let active = 0;
  for (let j = 0; j < m; j++) if (gamma[j] > 0) active++;
  const rcPer = new Float64Array(active);
  const jePer = new Float64Array(active);
  const eta2 = eta * eta;
  const jeBase = (1 - delta) / delta; // +Infinity when delta = 0
  let gMin = Infinity;
  let gMax = -Infinity;
  for (let j = 0, a = 0; j < m; j++) {
    const g = gamma[j];
    if (!(g > 0)) continue; // λΓ_j = 0: excluded from the max (§4.5)
    const ratio = thetaNoise[j] / g;
    rcPer[a] = eta2 > 0 ? g / eta2 - ratio - 1 : Infinity; // η = 0: never recovered
    jePer[a] = delta > 0 ? jeBase - ratio : Infinity;
    if (g < gMin) gMin = g;
    if (g > gMax) gMax = g;
    a++;
  }
  // max over an empty set is -Infinity (k = d or no active noise: always recovered) ...
  let alpha2RC = rthLargest(rcPer, noiseRank);
  let alpha2JE = rthLargest(jePer, noiseRank);
  // ... except for a zero deciding important score, which ties with the score 0 of a noise
  // component without variance: never recovered, as the scores of scoresAtAlpha say (§4.5).
  if (m >= noiseRank) {
    if (!(eta2 > 0)) alpha2RC = Infinity;
    if (!(delta > 0)) alpha2JE = Infinity;
  }

  const boundary = delta > 0 ? eta2 / delta : NaN;
  let regime: Regime;
  if (m > 0 && Number.isNaN(boundary)) regime = 'mixed';
  else if (active === 0) regime = 'no-noise';
  else if (gMax < boundary) regime = 'low-noise';
  else if (gMin > boundary) regime = 'high-noise';
  else regime = 'mixed';

  return {
    delta,
    eta,
    alpha2RC,
    alpha2JE,
    alphaRC: effectiveAlpha(alpha2RC),
    alphaJE: effectiveAlpha(alpha2JE),
    boundary,
    regime,
  };
}

/** α_eff = sqrt(max(0, α²_th)) (docs/theory.md A2); +Infinity stays +Infinity. */
export function effectiveAlpha(alpha2: number): number {
  return alpha2 > 0 ? Math.sqrt(alpha2) : 0;
}

/** Scores and the recovery predicate at a given alpha (docs/theory.md §4.2, strict, A3). */
export function scoresAtAlpha(spectra: ResolvedSpectra, alpha: number, latent: number = spectra.c.length, withComponents = false): AtAlpha {
  const k = spectra.c.length;
  const { importantRank, noiseRank } = decidingRanks(k, latent);
  const imp = importantScores(spectra);
  const noise = noiseScores(spectra, alpha);
  // Components with λΓ = 0 have score 0 (§4.5): they decide only against a zero important
  // score (a tie, not recovered); without any noise component the deciding score is −∞.
  const rc: ScoreSummary = { minImportant: rthLargest(imp.rc, importantRank), maxNoise: rthLargest(noise.rc, noiseRank) };
  const je: ScoreSummary = { minImportant: rthLargest(imp.je, importantRank), maxNoise: rthLargest(noise.je, noiseRank) };
  const result: AtAlpha = {
    alpha,
    recovers: {
      // Prop 4.2(b): SL converges as n -> infinity for any fixed alpha >= 0.
      supervised: true,
      reconstruction: recoveredByScores(rc),
      jointEmbedding: recoveredByScores(je),
    },
    scores: { reconstruction: rc, jointEmbedding: je },
  };
  if (withComponents) {
    const pack = (i: Float64Array, n: Float64Array): ComponentScores => ({ important: Array.from(i), noise: Array.from(n) });
    result.components = { reconstruction: pack(imp.rc, noise.rc), jointEmbedding: pack(imp.je, noise.je) };
  }
  return result;
}

/**
 * The population recovery predicate: deciding important score > deciding noise score,
 * strictly; with no noise component to compete (deciding score −∞) always recovered.
 */
export function recoveredByScores(s: ScoreSummary): boolean {
  if (s.maxNoise === -Infinity) return true;
  return strictlyGreater(s.minImportant, s.maxNoise);
}

/**
 * α²_RC(t) and α²_JE(t) when Γ is replaced by tΓ (docs/theory.md §5 fact 3). α²_JE(t) =
 * (1−δ)/δ − min_j λΘ_j/(tλΓ_j) is closed-form in t; α²_RC(t) needs the upper envelope
 * of t·λΓ_j/η² − λΘ_j/(tλΓ_j) − 1 over j, computed per grid point (O(d) each).
 */
export function noiseScalingCurve(
  spectra: ResolvedSpectra,
  latent: number = spectra.c.length,
  options: { tMin?: number; tMax?: number; points?: number } = {},
): NoiseScalingCurve {
  const tMin = options.tMin ?? 1e-3;
  const tMax = options.tMax ?? 1e3;
  const points = Math.max(2, options.points ?? 61);
  const base = computeThresholds(spectra, latent);
  const evalAt = scaledThresholds(spectra, latent, base);
  const t: number[] = [];
  const rc: number[] = [];
  const je: number[] = [];
  const lmin = Math.log10(tMin);
  const step = (Math.log10(tMax) - lmin) / (points - 1);
  for (let p = 0; p < points; p++) {
    const tv = 10 ** (lmin + p * step);
    const [a, b] = evalAt(tv);
    t.push(tv);
    rc.push(a);
    je.push(b);
  }
  return { t, alpha2RC: rc, alpha2JE: je, crossing: curveCrossing(t, rc, je, evalAt), jeBound: (1 - base.delta) / base.delta };
}

/** [α²_RC(t), α²_JE(t)] as a function of the noise scale t (`base`: the thresholds at t = 1). */
function scaledThresholds(spectra: ResolvedSpectra, latent: number, base: Thresholds): (t: number) => [number, number] {
  const k = spectra.c.length;
  const { gamma, thetaNoise } = spectra;
  const m = gamma.length;
  const eta2 = base.eta * base.eta;
  // α²_JE(t) = (1−δ)/δ − min_j (λΘ_j/λΓ_j)/t: only the minimal ratio matters.
  let minRatio = Infinity;
  for (let j = 0; j < m; j++) if (gamma[j] > 0) minRatio = Math.min(minRatio, thetaNoise[j] / gamma[j]);
  const scaled: ResolvedSpectra = latent > k ? { ...spectra, gamma: new Float64Array(m) } : spectra;
  return (tv: number): [number, number] => {
    if (latent > k) {
      // Ranked (A14 extension): recompute on the scaled spectrum.
      for (let j = 0; j < m; j++) scaled.gamma[j] = gamma[j] * tv;
      const th = computeThresholds(scaled, latent);
      return [th.alpha2RC, th.alpha2JE];
    }
    if (minRatio === Infinity) return [-Infinity, -Infinity]; // no active noise component
    let best = -Infinity;
    if (eta2 > 0) {
      for (let j = 0; j < m; j++) {
        const g = gamma[j];
        if (g > 0) {
          const v = (tv * g) / eta2 - thetaNoise[j] / (tv * g);
          if (v > best) best = v;
        }
      }
      best -= 1;
    } else best = Infinity;
    const jeV = base.delta > 0 ? (1 - base.delta) / base.delta - minRatio / tv : Infinity;
    return [best, jeV];
  };
}

/** Crossing of α²_RC(t) − α²_JE(t): first sign change on the grid, refined by bisection in log t (null when none). */
function curveCrossing(t: number[], rc: number[], je: number[], evalAt: (t: number) => [number, number]): number | null {
  for (let p = 1; p < t.length; p++) {
    const f0 = rc[p - 1] - je[p - 1];
    const f1 = rc[p] - je[p];
    if (!Number.isFinite(f0) || !Number.isFinite(f1)) continue;
    if (f0 === 0) return t[p - 1];
    if (Math.sign(f0) !== Math.sign(f1)) {
      let lo = Math.log10(t[p - 1]);
      let hi = Math.log10(t[p]);
      for (let it = 0; it < 60; it++) {
        const mid = 0.5 * (lo + hi);
        const [a, b] = evalAt(10 ** mid);
        if (Math.sign(a - b) === Math.sign(f0)) lo = mid;
        else hi = mid;
      }
      return 10 ** (0.5 * (lo + hi));
    }
  }
  return null;
}
