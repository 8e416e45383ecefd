import { test } from 'node:test';
import { mulberry32 } from '../support/mulberry32';
import { rthLargest } from '../../src/core/numerics/select';
import assert from 'node:assert/strict';
import type { ResolvedSpectra } from '../../src/core/theories/alignment/types';
import { computeThresholds, noiseScalingCurve, recoversAt, scoresAtAlpha } from '../../src/core/theories/alignment/thresholds';
import { recommend } from '../../src/core/theories/alignment/recommendation';
import { proposedAlpha } from '../../src/core/theories/alignment/findings';

const mk = (c: number[], thetaImportant: number[], gamma: number[], thetaNoise: number[]): ResolvedSpectra => ({
  c: Float64Array.from(c),
  thetaImportant: Float64Array.from(thetaImportant),
  gamma: Float64Array.from(gamma),
  thetaNoise: Float64Array.from(thetaNoise),
});

function close(actual: number, expected: number, tol: number, what: string): void {
  if (!Number.isFinite(expected)) {
    assert.equal(actual, expected, what);
    return;
  }
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  assert.ok(err <= tol, `${what}: ${actual} vs ${expected} (rel err ${err})`);
}

/** docs/theory.md §8.1, cases A–E; exact values derived by hand in the same section. */
const CASES = {
  A: { s: mk([4], [0], [9], [0]), delta: 1, eta: 2, boundary: 4, a2rc: 1.25, a2je: 0, regime: 'high-noise' },
  B: { s: mk([4], [4], [1], [0]), delta: 0.5, eta: Math.SQRT2, boundary: 4, a2rc: -0.5, a2je: 1, regime: 'low-noise' },
  C: { s: mk([10, 2], [1, 1], [3, 0.5], [2, 0]), delta: 2 / 3, eta: 2 / Math.sqrt(3), boundary: 2, a2rc: 3 * 0.75 - 2 / 3 - 1, a2je: 0.5, regime: 'mixed' },
  D: { s: mk([1, 1], [0, 0], [0.5, 0.25], [0, 0]), delta: 1, eta: 1, boundary: 1, a2rc: -0.5, a2je: 0, regime: 'low-noise' },
  E: { s: mk([1], [1], [100], [0]), delta: 0.5, eta: Math.SQRT1_2, boundary: 1, a2rc: 199, a2je: 1, regime: 'high-noise' },
} as const;

for (const [name, k] of Object.entries(CASES)) {
  test(`docs/theory.md §8.1 case ${name}: delta, eta, boundary, squared and effective thresholds, regime`, () => {
    const t = computeThresholds(k.s);
    close(t.delta, k.delta, 1e-9, 'delta');
    close(t.eta, k.eta, 1e-9, 'eta');
    close(t.boundary, k.boundary, 1e-9, 'boundary');
    close(t.alpha2RC, k.a2rc, 1e-9, 'alpha2RC');
    close(t.alpha2JE, k.a2je, 1e-9, 'alpha2JE');
    close(t.alphaRC, Math.sqrt(Math.max(0, k.a2rc)), 1e-9, 'alphaRC');
    close(t.alphaJE, Math.sqrt(Math.max(0, k.a2je)), 1e-9, 'alphaJE');
    assert.equal(t.regime, k.regime);
  });
}

test('docs/theory.md §8.1 oracle values to 6 significant digits (table column)', () => {
  close(computeThresholds(CASES.A.s).alphaRC, 1.118034, 1e-6, 'A alphaRC');
  close(computeThresholds(CASES.C.s).alpha2RC, 0.583333, 1e-6, 'C alpha2RC');
  close(computeThresholds(CASES.C.s).alphaRC, 0.763763, 1e-6, 'C alphaRC');
  close(computeThresholds(CASES.C.s).alphaJE, 0.707107, 1e-6, 'C alphaJE');
  close(computeThresholds(CASES.E.s).alphaRC, 14.106736, 1e-6, 'E alphaRC');
});

test('docs/theory.md §8.1 predicate checks: A flips between 1.117 and 1.119; C at 0.73 / 0.706 / 0.765', () => {
  const a = CASES.A.s;
  assert.equal(scoresAtAlpha(a, 1.117).recovers.reconstruction, false);
  assert.equal(scoresAtAlpha(a, 1.119).recovers.reconstruction, true);
  assert.equal(scoresAtAlpha(a, 0).recovers.jointEmbedding, false, 'tie 1 = 1 at alpha 0 is not a recovery');
  assert.equal(scoresAtAlpha(a, 1e-3).recovers.jointEmbedding, true);
  const c = CASES.C.s;
  assert.deepEqual(scoresAtAlpha(c, 0.73).recovers, { supervised: true, reconstruction: false, jointEmbedding: true });
  assert.deepEqual(scoresAtAlpha(c, 0.706).recovers, { supervised: true, reconstruction: false, jointEmbedding: false });
  assert.deepEqual(scoresAtAlpha(c, 0.765).recovers, { supervised: true, reconstruction: true, jointEmbedding: true });
});

test('docs/theory.md §8.1 population scores at alpha = 0 for cases A and C', () => {
  const a = scoresAtAlpha(CASES.A.s, 0, 1, true).components!;
  close(a.reconstruction.important[0], 2, 1e-12, 'A rc imp');
  close(a.reconstruction.noise[0], 3, 1e-12, 'A rc noise');
  close(a.jointEmbedding.important[0], 1, 1e-12, 'A je imp');
  close(a.jointEmbedding.noise[0], 1, 1e-12, 'A je noise');
  const c = scoresAtAlpha(CASES.C.s, 0, 2, true).components!;
  const want = { rc: [3.01511, 1.1547, 1.34164, 0.70711], je: [0.90909, 0.66667, 0.6, 1] };
  const got = {
    rc: [...c.reconstruction.important, ...c.reconstruction.noise],
    je: [...c.jointEmbedding.important, ...c.jointEmbedding.noise],
  };
  want.rc.forEach((v, i) => close(got.rc[i], v, 1e-5, `C rc[${i}]`));
  want.je.forEach((v, i) => close(got.je[i], v, 1e-5, `C je[${i}]`));
});

test('docs/theory.md §8.2 scenario M, weak and strong noise, to 1e-9', () => {
  const c = [3e5, 5e4, 1.5e4];
  const ti = [1e4, 5e3, 1e4];
  const tn = [5e3, 1e4, 2e3];
  const weak = computeThresholds(mk(c, ti, [1e3, 500, 100], tn));
  close(weak.delta, 0.6, 1e-12, 'delta');
  close(weak.eta, Math.sqrt(9000), 1e-12, 'eta');
  close(weak.boundary, 15000, 1e-12, 'boundary');
  close(weak.alpha2RC, 1e3 / 9000 - 5 - 1, 1e-9, 'weak alpha2RC');
  close(weak.alpha2RC, -5.88889, 1e-6, 'weak alpha2RC oracle');
  close(weak.alpha2JE, 0.4 / 0.6 - 5, 1e-9, 'weak alpha2JE');
  close(weak.alpha2JE, -4.33333, 1e-6, 'weak alpha2JE oracle');
  assert.equal(weak.regime, 'low-noise');
  assert.ok(weak.alpha2JE > weak.alpha2RC, 'low noise: squared JE above RC');
  const strong = computeThresholds(mk(c, ti, [1e6, 5e5, 1e5], tn));
  close(strong.alpha2RC, 1e6 / 9000 - 5e3 / 1e6 - 1, 1e-9, 'strong alpha2RC');
  close(strong.alpha2RC, 110.106, 5e-6, 'strong alpha2RC oracle'); // 6 significant digits
  close(strong.alphaRC, 10.4931, 1e-5, 'strong alphaRC oracle');
  close(strong.alpha2JE, 0.4 / 0.6 - 5e3 / 1e6, 1e-9, 'strong alpha2JE');
  close(strong.alphaJE, 0.813429, 1e-6, 'strong alphaJE oracle');
  assert.equal(strong.regime, 'high-noise');
  for (const alpha of [0.1, 1, 10]) {
    const w = scoresAtAlpha(mk(c, ti, [1e3, 500, 100], tn), alpha).recovers;
    assert.ok(w.reconstruction && w.jointEmbedding, `weak: both recover at ${alpha}`);
  }
  const s = mk(c, ti, [1e6, 5e5, 1e5], tn);
  assert.deepEqual(scoresAtAlpha(s, 0.1).recovers, { supervised: true, reconstruction: false, jointEmbedding: false });
  assert.deepEqual(scoresAtAlpha(s, 1).recovers, { supervised: true, reconstruction: false, jointEmbedding: true });
  assert.deepEqual(scoresAtAlpha(s, 10).recovers, { supervised: true, reconstruction: false, jointEmbedding: true });
});

test('§4.5 edge: k = d (no noise components) gives -Infinity thresholds, always recovered, regime no-noise', () => {
  const t = computeThresholds(mk([1, 2], [0.5, 0], [], []));
  assert.equal(t.alpha2RC, -Infinity);
  assert.equal(t.alpha2JE, -Infinity);
  assert.equal(t.alphaRC, 0);
  assert.equal(t.regime, 'no-noise');
  assert.equal(scoresAtAlpha(mk([1, 2], [0.5, 0], [], []), 0).recovers.reconstruction, true);
});

test('§4.5 edge: a zero signal variance makes delta = eta = 0 and both thresholds +Infinity', () => {
  const s = mk([0, 3], [1, 1], [1], [1]);
  const t = computeThresholds(s);
  assert.equal(t.delta, 0);
  assert.equal(t.eta, 0);
  assert.equal(t.alpha2RC, Infinity);
  assert.equal(t.alpha2JE, Infinity);
  assert.equal(t.alphaRC, Infinity);
  assert.ok(Number.isNaN(t.boundary));
  assert.equal(scoresAtAlpha(s, 1e6).recovers.jointEmbedding, false);
  assert.equal(recoversAt(1e9, t.alpha2RC), false);
});

test('§4.5 edge: no augmentation on important components gives delta = 1, eta = sqrt(min c), boundary = min c', () => {
  const t = computeThresholds(mk([9, 4, 16], [0, 0, 0], [3, 7], [1, 2]));
  assert.equal(t.delta, 1);
  close(t.eta, 2, 1e-15, 'eta');
  close(t.boundary, 4, 1e-15, 'boundary');
  // Fact 4: with λΘ_imp = 0, α²_JE = −min λΘ/λΓ ≤ 0.
  close(t.alpha2JE, -Math.min(1 / 3, 2 / 7), 1e-12, 'alpha2JE');
});

test('§4.5 edge: a noise component with zero variance is excluded from the max', () => {
  const with0 = computeThresholds(mk([4], [0], [9, 0], [0, 0]));
  const without = computeThresholds(mk([4], [0], [9], [0]));
  assert.equal(with0.alpha2RC, without.alpha2RC);
  assert.equal(with0.alpha2JE, without.alpha2JE);
  assert.equal(with0.regime, 'high-noise', 'the zero component does not make the regime mixed');
  const onlyZero = computeThresholds(mk([4], [0], [0], [1]));
  assert.equal(onlyZero.alpha2RC, -Infinity);
  assert.equal(onlyZero.regime, 'no-noise');
});

test('§4.5 edge: λΓ > 0 with λΘ = 0 gives α²_JE = (1−δ)/δ independent of the noise magnitude', () => {
  for (const g of [1e-3, 1, 1e6]) {
    const t = computeThresholds(mk([2, 5], [2, 1], [g], [0]));
    close(t.alpha2JE, (1 - t.delta) / t.delta, 1e-12, `g=${g}`);
    close(t.delta, 0.5, 1e-12, 'delta');
  }
});

test('§4.5 squared threshold 0 needs alpha > 0 strictly; a negative one accepts alpha = 0', () => {
  assert.equal(recoversAt(0, 0), false);
  assert.equal(recoversAt(1e-3, 0), true);
  assert.equal(recoversAt(0, -0.5), true);
  assert.equal(recoversAt(1, 1), false, 'tie at alpha^2 = threshold');
  assert.equal(recoversAt(1 + 1e-9, 1), true);
});

test('A14: latent < k compares the latent-th largest important score; latent > k the (latent-k+1)-th noise score', () => {
  const s = mk([10, 1], [0, 0], [4, 2, 1], [0, 0, 0]);
  // latent = k = 2: eta = sqrt(1) = 1; latent = 1: eta = sqrt(10).
  close(computeThresholds(s, 2).eta, 1, 1e-12, 'eta k');
  close(computeThresholds(s, 1).eta, Math.sqrt(10), 1e-12, 'eta latent 1');
  // latent = 1: RC α² = max(4/10 − 1, ...) = −0.6
  close(computeThresholds(s, 1).alpha2RC, -0.6, 1e-12, 'alpha2RC latent 1');
  // latent = 3 > k: all important selected iff min imp RC score (1) > 2nd largest noise score: α² > 2/1 − 1 = 1
  close(computeThresholds(s, 3).alpha2RC, 1, 1e-12, 'alpha2RC latent 3');
  assert.equal(scoresAtAlpha(s, 1.01, 3).recovers.reconstruction, true);
  assert.equal(scoresAtAlpha(s, 0.99, 3).recovers.reconstruction, false);
});

test('rthLargest matches a sort on random data', () => {
  const rng = mulberry32(7);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rng() * 50);
    const a = Float64Array.from({ length: n }, () => Math.floor(rng() * 10));
    const sorted = Array.from(a).sort((x, y) => y - x);
    const r = 1 + Math.floor(rng() * n);
    assert.equal(rthLargest(a, r), sorted[r - 1]);
  }
  assert.equal(rthLargest(new Float64Array(0), 1), -Infinity);
});

// ---- properties of docs/theory.md §5 over random spectra -----------------------------------------

function randomSpectra(rng: () => number): ResolvedSpectra {
  const k = 1 + Math.floor(rng() * 6);
  const m = 1 + Math.floor(rng() * 6);
  const logU = () => 10 ** (rng() * 6 - 3);
  return mk(
    Array.from({ length: k }, logU),
    Array.from({ length: k }, () => (rng() < 0.2 ? 0 : logU())),
    Array.from({ length: m }, logU),
    Array.from({ length: m }, () => (rng() < 0.2 ? 0 : logU())),
  );
}

const scale = (s: ResolvedSpectra, f: number, onlyGamma = false): ResolvedSpectra => ({
  c: onlyGamma ? s.c : s.c.map((v) => v * f),
  thetaImportant: onlyGamma ? s.thetaImportant : s.thetaImportant.map((v) => v * f),
  gamma: s.gamma.map((v) => v * f),
  thetaNoise: onlyGamma ? s.thetaNoise : s.thetaNoise.map((v) => v * f),
});

test('§5 fact 2: scale invariance of delta and the squared thresholds; eta scales by sqrt(s), boundary by s', () => {
  const rng = mulberry32(1);
  for (let i = 0; i < 500; i++) {
    const s = randomSpectra(rng);
    const f = 10 ** (rng() * 8 - 4);
    const a = computeThresholds(s);
    const b = computeThresholds(scale(s, f));
    close(b.delta, a.delta, 1e-9, 'delta');
    close(b.alpha2RC, a.alpha2RC, 1e-9, 'alpha2RC');
    close(b.alpha2JE, a.alpha2JE, 1e-9, 'alpha2JE');
    close(b.eta / Math.sqrt(f), a.eta, 1e-9, 'eta');
    close(b.boundary / f, a.boundary, 1e-9, 'boundary');
    assert.equal(b.regime, a.regime);
  }
});

test('§5 fact 2: invariance to permutations within each block', () => {
  const rng = mulberry32(2);
  for (let i = 0; i < 200; i++) {
    const s = randomSpectra(rng);
    const rev = mk(Array.from(s.c).reverse(), Array.from(s.thetaImportant).reverse(), Array.from(s.gamma).reverse(), Array.from(s.thetaNoise).reverse());
    const a = computeThresholds(s);
    const b = computeThresholds(rev);
    assert.equal(b.alpha2RC, a.alpha2RC);
    assert.equal(b.alpha2JE, a.alpha2JE);
  }
});

test('§5 fact 1: min c <= eta^2/delta <= c at argmin of c/(c+theta)', () => {
  const rng = mulberry32(3);
  for (let i = 0; i < 500; i++) {
    const s = randomSpectra(rng);
    const t = computeThresholds(s);
    let iDelta = 0;
    for (let j = 1; j < s.c.length; j++) if (s.c[j] / (s.c[j] + s.thetaImportant[j]) < s.c[iDelta] / (s.c[iDelta] + s.thetaImportant[iDelta])) iDelta = j;
    const minC = Math.min(...s.c);
    assert.ok(t.boundary >= minC * (1 - 1e-12), `boundary ${t.boundary} >= min c ${minC}`);
    assert.ok(t.boundary <= s.c[iDelta] * (1 + 1e-12), `boundary ${t.boundary} <= c_idelta ${s.c[iDelta]}`);
  }
});

test('§5 Corollary 4.5: low noise => alpha2JE > alpha2RC; high noise => alpha2JE < alpha2RC (strict, squared)', () => {
  const rng = mulberry32(4);
  let low = 0;
  let high = 0;
  for (let i = 0; i < 2000; i++) {
    const t = computeThresholds(randomSpectra(rng));
    if (t.regime === 'low-noise') {
      low++;
      assert.ok(t.alpha2JE > t.alpha2RC, `low: ${t.alpha2JE} > ${t.alpha2RC}`);
      assert.ok(t.alphaJE >= t.alphaRC, 'effective thresholds weakly ordered');
    } else if (t.regime === 'high-noise') {
      high++;
      assert.ok(t.alpha2JE < t.alpha2RC, `high: ${t.alpha2JE} < ${t.alpha2RC}`);
    }
  }
  assert.ok(low > 50 && high > 50, `both regimes sampled (low ${low}, high ${high})`);
});

test('§5 fact 3: alpha2RC(t) strictly increasing and unbounded; alpha2JE(t) non-decreasing, bounded by (1-delta)/delta', () => {
  const rng = mulberry32(5);
  for (let i = 0; i < 200; i++) {
    const s = randomSpectra(rng);
    const curve = noiseScalingCurve(s, s.c.length, { tMin: 1e-2, tMax: 1e6, points: 40 });
    for (let p = 1; p < curve.t.length; p++) {
      assert.ok(curve.alpha2RC[p] > curve.alpha2RC[p - 1], 'RC strictly increasing');
      assert.ok(curve.alpha2JE[p] >= curve.alpha2JE[p - 1] - 1e-12, 'JE non-decreasing');
      assert.ok(curve.alpha2JE[p] <= curve.jeBound + 1e-12, 'JE bounded');
    }
    // The curve agrees with recomputing the thresholds on the scaled spectrum.
    const p = 17;
    const direct = computeThresholds(scale(s, curve.t[p], true));
    close(curve.alpha2RC[p], direct.alpha2RC, 1e-9, 'curve RC');
    close(curve.alpha2JE[p], direct.alpha2JE, 1e-9, 'curve JE');
    if (curve.crossing !== null) {
      const x = computeThresholds(scale(s, curve.crossing, true));
      close(x.alpha2RC, x.alpha2JE, 1e-6, 'crossing equalises the thresholds');
    }
  }
  // RC grows roughly like t max λΓ / η² (unbounded).
  const big = noiseScalingCurve(CASES.A.s, 1, { tMin: 1, tMax: 1e6, points: 7 });
  close(big.alpha2RC[6], (1e6 * 9) / 4 - 1, 1e-9, 'RC at t = 1e6');
});

test('the threshold predicate agrees with the population score predicate within ±1e-3 of sqrt(threshold)', () => {
  const rng = mulberry32(6);
  let checked = 0;
  for (let i = 0; i < 1000; i++) {
    const s = randomSpectra(rng);
    const t = computeThresholds(s);
    for (const [a2, key] of [
      [t.alpha2RC, 'reconstruction'],
      [t.alpha2JE, 'jointEmbedding'],
    ] as const) {
      if (!(a2 > 1e-2) || !Number.isFinite(a2)) continue;
      const a = Math.sqrt(a2);
      assert.equal(scoresAtAlpha(s, a * (1 - 1e-3)).recovers[key], false, `${key} below`);
      assert.equal(scoresAtAlpha(s, a * (1 + 1e-3)).recovers[key], true, `${key} above`);
      checked++;
    }
  }
  assert.ok(checked > 200, `checked ${checked}`);
});

// ---- recommendation rule (docs/theory.md §5) --------------------------------------------------------

test('recommendation with alpha: exactly one recovers, both, neither', () => {
  const c = computeThresholds(CASES.C.s); // RC 0.764, JE 0.707
  const one = recommend(c, 0.73);
  assert.equal(one.paradigm, 'joint-embedding');
  assert.match(one.reason, /At α = 0\.73 only joint-embedding recovers the clean encoder; reconstruction needs α > 0\.764\./);
  assert.match(one.reason, /straddles η²\/δ = 2/);
  assert.equal(recommend(c, 1).paradigm, 'either');
  const neither = recommend(c, 0.5);
  assert.equal(neither.paradigm, 'joint-embedding');
  assert.match(neither.reason, /neither paradigm recovers/);
  assert.match(neither.reason, /Raise α above 0\.707 for joint-embedding\./);
  const b = computeThresholds(CASES.B.s); // RC any alpha, JE alpha > 1
  assert.equal(recommend(b, 0.5).paradigm, 'reconstruction');
});

test('recommendation without alpha: either when both squared thresholds negative, else the smaller one', () => {
  const weak = computeThresholds(mk([3e5, 5e4, 1.5e4], [1e4, 5e3, 1e4], [1e3, 500, 100], [5e3, 1e4, 2e3]));
  const r = recommend(weak);
  assert.equal(r.paradigm, 'either');
  assert.match(r.reason, /any alignment α ≥ 0/);
  assert.match(r.reason, /Low-noise regime: every noise variance is below η²\/δ = 15000/);
  assert.equal(recommend(computeThresholds(CASES.A.s)).paradigm, 'joint-embedding');
  assert.equal(recommend(computeThresholds(CASES.B.s)).paradigm, 'reconstruction');
  // A tie of squared thresholds (both 0 would need an exact tie; construct one): RC = JE.
  const tie = { delta: 1, eta: 1, alpha2RC: 0.3, alpha2JE: 0.3, alphaRC: 0, alphaJE: 0, boundary: 1, regime: 'mixed' as const };
  assert.equal(recommend(tie).paradigm, 'either');
  assert.equal(recommend(tie, 0.1).paradigm, 'either');
});

test('proposed alpha is rounded up to 3 significant figures and strictly recovers', () => {
  assert.equal(proposedAlpha(0.583333), 0.764);
  assert.equal(proposedAlpha(0.5), 0.708);
  assert.equal(proposedAlpha(1), 1.01, 'exactly 1 would tie');
  assert.equal(proposedAlpha(110.106111), 10.5);
  assert.equal(proposedAlpha(0), 0.01);
  assert.equal(proposedAlpha(-3), 0);
  assert.equal(proposedAlpha(Infinity), undefined);
  const rng = mulberry32(9);
  for (let i = 0; i < 1000; i++) {
    const a2 = 10 ** (rng() * 10 - 5);
    const v = proposedAlpha(a2)!;
    assert.ok(recoversAt(v, a2), `${v} recovers for ${a2}`);
    assert.ok(v <= Math.sqrt(a2) * 1.011, `${v} is just above sqrt(${a2})`);
    assert.equal(Number(v.toPrecision(3)), v, '3 significant figures');
  }
});
