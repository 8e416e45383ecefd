/**
 * Your own views, read as P1's model (docs/theory.md §6.4): the fit of viewsFit.ts, its
 * thresholds, and the what-if of the augmentation's strength (§6.4.8): every view's deviation
 * from its sample's mean scaled by s, so Σ → s²Σ while X̄, G and the cross moment stay; the
 * closed forms are solved again at each s, the fitted model gives α(s) = s α̂ and the
 * thresholds with Θ → s²Θ, and the probe (streamed.ts) scores every s in its one pass.
 */
import { LinalgError, type Matrix } from '../../../numerics/dense';
import { problem, type Problem } from '../../../problems/problems';
import type { DataSpec } from '../../../spec/model';
import { empiricalMoments, type Moments } from '../solvers';
import { computeThresholds, recoversAt } from '../thresholds';
import type { ResolvedSpectra, Thresholds } from '../types';
import type { ProbeAccuracies } from './probe';
import { solveAllFromMoments, type RawSolutions } from './solutions';
import type { SufficientStats } from './sufficient';
import { fitViews, type ViewsFitResult } from './viewsFit';

/** The strengths s of the what-if (docs/theory.md §6.4.8). */
export const STRENGTH_SCALES: readonly number[] = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4];
/** Above this d the what-if keeps the fitted model's thresholds but does not solve the closed forms at every s. */
export const STRENGTH_MAX_SOLVED_DIMENSION = 1024;

/** The what-if of the augmentation's strength (`analyze --json` `strength`). */
export interface StrengthWhatIf {
  /** s: every view's deviation from its sample's mean multiplied by s (Σ → s²Σ). */
  scale: number[];
  /** The fitted model's α at each s: s α̂. */
  alpha: number[];
  /** The fitted model's squared thresholds at each s (Θ → s²Θ). */
  alpha2RC: number[];
  alpha2JE: number[];
  recovers: { reconstruction: boolean[]; jointEmbedding: boolean[] };
  /** The first s in (0, 4] at which each paradigm's recovery changes (bisection to 1e-6); null when it does not. */
  crossing: { reconstruction: number | null; jointEmbedding: number | null };
  /**
   * The closed forms' optimal values at each s (null where S = G + s²Σ is singular or d is above
   * the what-if's limit; joint-embedding's also where its solution is not unique, as at s = 0).
   */
  objective: { reconstruction: (number | null)[]; jointEmbedding: (number | null)[] };
  /** The linear probe's test accuracy at each s (null without labels, without the rows, or where not solved or not unique). */
  probe: { supervised: (number | null)[]; reconstruction: (number | null)[]; jointEmbedding: (number | null)[] } | null;
}

/** The fit, its thresholds and the solutions at every strength, before the probe's pass. */
export interface ViewsPlan {
  fitted: ViewsFitResult;
  thresholds: Thresholds;
  latent: number;
  /** The closed forms at each s of STRENGTH_SCALES (null where not solved). */
  solved: (RawSolutions | null)[];
  /** Whether joint-embedding's solution is unique at each s (ω_latent > ω_latent+1; not at s = 0, where every ω = 1). */
  jeUnique: boolean[];
}

/**
 * Fits P1's model to the statistics (docs/theory.md §6.4) and solves the closed forms at
 * every strength; `base` is the analysis' own solution (s = 1). A fit that cannot be made
 * is an info problem on the views, and undefined.
 */
export function planViews(
  spec: DataSpec,
  stats: SufficientStats,
  moments: Moments,
  yx: Matrix | undefined,
  latent: number,
  base: RawSolutions,
  problems: Problem[],
): ViewsPlan | undefined {
  let fitted: ViewsFitResult;
  try {
    fitted = fitViews(stats, latent, spec.data.center);
  } catch (e) {
    if (!(e instanceof LinalgError)) throw e;
    const at = spec.augmentation?.kind === 'views' ? spec.augmentation.fileSpan : spec.data.span;
    problems.push(problem('views-fit-skipped', 'info', `P1's model is not fitted to your views (docs/theory.md §6.4): ${e.message}.`, at.start, at.end));
    return undefined;
  }
  const solveAt = (s: number): RawSolutions | null => {
    if (s === 1) return base;
    if (stats.d > STRENGTH_MAX_SOLVED_DIMENSION) return null;
    try {
      return solveAllFromMoments(scaledMoments(moments, s, spec.regularize), yx, latent).raw;
    } catch (e) {
      if (e instanceof LinalgError) return null; // S = G + s²Σ singular (s = 0 without a regulariser)
      throw e;
    }
  };
  const solved = STRENGTH_SCALES.map(solveAt);
  return { fitted, thresholds: computeThresholds(fitted.spectra, latent), latent, solved, jeUnique: solved.map((r) => !!r && uniqueTop(r.je.omega, latent)) };
}

/** ω_latent strictly above ω_latent+1 (relative 1e-9): the top-`latent` eigenspace, hence JE's solution, is unique (docs/theory.md §2.4). */
function uniqueTop(omega: Float64Array, latent: number): boolean {
  if (latent >= omega.length) return true;
  return omega[latent - 1] - omega[latent] > 1e-9 * Math.max(1, Math.abs(omega[0]));
}

/** The moments with Σ → s²Σ (S = G + s²Σ; G and the cross moment unchanged). */
function scaledMoments(m: Moments, s: number, regularize: number | undefined): Moments {
  const sigma = m.sigma.clone();
  for (let i = 0; i < sigma.data.length; i++) sigma.data[i] *= s * s;
  return empiricalMoments(m.n, sigma, m.g, m.cross, m.traceXtX, regularize);
}

/** The fitted spectra at strength s: Θ → s²Θ (c and λΓ are the data's). */
export function spectraAtStrength(sp: ResolvedSpectra, s: number): ResolvedSpectra {
  const s2 = s * s;
  return { c: sp.c, thetaImportant: sp.thetaImportant.map((v) => v * s2), gamma: sp.gamma, thetaNoise: sp.thetaNoise.map((v) => v * s2) };
}

/** The what-if from the plan and, when the probe ran, the accuracies of set 1 + i at scale i. */
export function strengthWhatIf(plan: ViewsPlan, accuracies: (ProbeAccuracies | null)[] | undefined): StrengthWhatIf {
  const { spectra, fit } = plan.fitted;
  const scale = [...STRENGTH_SCALES];
  const at = scale.map((s) => computeThresholds(spectraAtStrength(spectra, s), plan.latent));
  const recovers = (which: 'alpha2RC' | 'alpha2JE') => scale.map((s, i) => recoversAt(s * fit.alpha, at[i][which]));
  const pick = <T>(f: (r: RawSolutions) => T) => plan.solved.map((r) => (r ? f(r) : null));
  const acc = (name: keyof ProbeAccuracies) => (accuracies ? accuracies.map((a) => a?.[name] ?? null) : []);
  return {
    scale,
    alpha: scale.map((s) => s * fit.alpha),
    alpha2RC: at.map((t) => t.alpha2RC),
    alpha2JE: at.map((t) => t.alpha2JE),
    recovers: { reconstruction: recovers('alpha2RC'), jointEmbedding: recovers('alpha2JE') },
    crossing: { reconstruction: crossing(plan, 'alpha2RC'), jointEmbedding: crossing(plan, 'alpha2JE') },
    objective: { reconstruction: pick((r) => r.rc.objective), jointEmbedding: pick((r) => r.je.objective).map((v, i) => (plan.jeUnique[i] ? v : null)) },
    probe: accuracies
      ? {
          supervised: acc('supervised'),
          reconstruction: acc('reconstruction'),
          jointEmbedding: acc('jointEmbedding').map((v, i) => (plan.jeUnique[i] ? v : null)),
        }
      : null,
  };
}

/**
 * The first s in (0, max s] (from 0.001) where the fitted model's recovery of a paradigm changes, refined by
 * bisection (60 steps) between the grid points that bracket it; null when it never changes.
 */
function crossing(plan: ViewsPlan, which: 'alpha2RC' | 'alpha2JE'): number | null {
  const { spectra, fit } = plan.fitted;
  const ok = (s: number) => recoversAt(s * fit.alpha, computeThresholds(spectraAtStrength(spectra, s), plan.latent)[which]);
  // from a small s: near 0 the sign of s²α̂² − α²_th(s) is that of its s² coefficient
  const grid = [1e-3, ...STRENGTH_SCALES.filter((s) => s > 0)];
  const prev = ok(grid[0]);
  for (let i = 1; i < grid.length; i++) {
    const cur = ok(grid[i]);
    if (cur === prev) continue;
    let lo = grid[i - 1];
    let hi = grid[i];
    for (let it = 0; it < 60 && hi - lo > 1e-9; it++) {
      const mid = 0.5 * (lo + hi);
      if (ok(mid) === prev) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }
  return null;
}
