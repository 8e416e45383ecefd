/**
 * Spectral-mode timings (docs/architecture.md §5: thresholds for 10^6 components well under
 * 50 ms). Times the threshold calculator on evaluated spectra and the whole engine on a
 * spec text, as medians of repeated runs.
 */
import { analyzeText } from '../src/core/engine/analyze';
import { computeThresholds, noiseScalingCurve, scoresAtAlpha } from '../src/core/theories/alignment/thresholds';
import type { ResolvedSpectra } from '../src/core/theories/alignment/types';
import { timeIt } from './timing';

export interface SpectralRow {
  components: number;
  thresholdsMs: number;
  atAlphaMs: number;
  curveMs: number;
  engineMs: number;
}

function spectra(total: number): ResolvedSpectra {
  const k = Math.floor(total / 2);
  const m = total - k;
  const c = new Float64Array(k);
  const ti = new Float64Array(k);
  const g = new Float64Array(m);
  const tn = new Float64Array(m);
  for (let i = 0; i < k; i++) {
    c[i] = 3e5 / (i + 1);
    ti[i] = (i * 7919) % 10000;
  }
  for (let j = 0; j < m; j++) {
    g[j] = ((j * 104729) % 1000003) + 1;
    tn[j] = 1000;
  }
  return { c, thetaImportant: ti, gamma: g, thetaNoise: tn };
}

export function runSpectralBench(sizes = [1e3, 1e5, 1e6]): SpectralRow[] {
  return sizes.map((n) => {
    const s = spectra(n);
    const reps = n >= 1e6 ? 7 : 21;
    const half = Math.floor(n / 2);
    const text = `sslexp: 1\nsignal:\n  count: ${half}\n  variance: {power_law: {first: 3.0e5, exponent: 1}}\n  augmentation: {uniform: {low: 0, high: 1.0e4, seed: 1}}\nnoise:\n  count: ${n - half}\n  variance: {uniform: {low: 0, high: 1.0e6, seed: 2}}\n  augmentation: 1.0e3\nalpha: 1\n`;
    return {
      components: n,
      thresholdsMs: timeIt(() => computeThresholds(s), reps),
      atAlphaMs: timeIt(() => scoresAtAlpha(s, 1), reps),
      curveMs: timeIt(() => noiseScalingCurve(s), Math.min(reps, 5)),
      engineMs: timeIt(() => analyzeText(text, { fileName: 'bench.sslexp.yaml' }), Math.min(reps, 5)),
    };
  });
}
