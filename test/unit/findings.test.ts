/**
 * The α findings and their quick fixes (docs/theory.md §5, "Recommendation, findings and the
 * quick fix"): one fix per paradigm that does not recover, never below the current α, each at
 * the smallest 3-significant-figure α at which that paradigm recovers; a negative α gets fixes
 * too; data-mode specs get the findings on augmentation.additive.alpha; a zero signal variance
 * gives one answer in the thresholds and the scores; one rule for the α of an analysis; and
 * the reasons quote the numbers of the result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import { simulateSpecText } from '../../src/core/engine/simulate';
import { formatNumber as f } from '../../src/core/format/format';
import type { Problem } from '../../src/core/problems/problems';
import { parseSpec } from '../../src/core/spec/parseSpec';
import type { DataSpec, SpectralSpec } from '../../src/core/spec/model';
import { alphaValueSpan, resolveAlpha } from '../../src/core/theories/alignment/alpha';
import { proposedAlpha } from '../../src/core/theories/alignment/findings';
import { recommend } from '../../src/core/theories/alignment/recommendation';
import { computeThresholds, recoversAt, scoresAtAlpha } from '../../src/core/theories/alignment/thresholds';
import type { ResolvedSpectra } from '../../src/core/theories/alignment/types';
import type { SimulationResult } from '../../src/core/theories/alignment/simulation';
import { asAlignment } from '../support/engine';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

function run(name: string, edit?: (t: string) => string) {
  const file = path.join(EXAMPLES, name);
  const text = edit ? edit(fs.readFileSync(file, 'utf8')) : fs.readFileSync(file, 'utf8');
  return { text, r: asAlignment(analyzeText(text, { fileName: file, baseDir: path.dirname(file), readFile: (p) => fs.readFileSync(p) })) };
}

/** The α fixes of a result: [code, title, new text, preferred]. */
function fixes(problems: Problem[]): [string, string, string, boolean][] {
  return problems.flatMap((p) => (p.fixes ?? []).map((x) => [p.code, x.title, x.edits[0].newText, x.preferred === true] as [string, string, string, boolean]));
}

test('strong-noise at α = 1.5 (α_JE ≈ 1.09 < α < α_RC ≈ 18.9): one fix, for reconstruction, above the current α', () => {
  const { r } = run('strong-noise.sslexp.yaml');
  assert.deepEqual(fixes(r.problems), [['alpha-below-rc', 'Raise alpha to 19 so that reconstruction recovers', '19', false]]);
  // 19 is the smallest 3-significant-figure value above α_RC = 18.918…, and it recovers
  assert.ok(recoversAt(19, r.thresholds!.alpha2RC) && !recoversAt(18.9, r.thresholds!.alpha2RC));
});

test('straddling at α = 0.5: both fail, one fix each at its own threshold; the recommended (joint-embedding) is preferred', () => {
  const { r } = run('straddling.sslexp.yaml', (t) => t.replace('alpha: 0.73\n', 'alpha: 0.5\n'));
  assert.deepEqual(fixes(r.problems), [
    ['alpha-below-rc', 'Raise alpha to 0.764 so that reconstruction recovers', '0.764', false],
    ['alpha-below-je', 'Raise alpha to 0.708 so that joint-embedding recovers', '0.708', true],
  ]);
});

test('a fix never proposes a value at or below the current α; every proposed value recovers', () => {
  for (const alpha of [0, 0.3, 0.7, 0.72, 0.75, 0.9, 3]) {
    const { r } = run('straddling.sslexp.yaml', (t) => t.replace('alpha: 0.73\n', `alpha: ${alpha}\n`));
    for (const [code, title, value] of fixes(r.problems)) {
      assert.ok(Number(value) > alpha, `${title} at α = ${alpha}`);
      assert.match(title, /^Raise alpha to /);
      const a2 = code === 'alpha-below-rc' ? r.thresholds!.alpha2RC : r.thresholds!.alpha2JE;
      assert.ok(recoversAt(Number(value), a2));
      assert.equal(Number(value), proposedAlpha(a2));
    }
  }
});

test('alpha: -1 is an error with fixes: the smallest valid α for each paradigm (spectral mode)', () => {
  const { r } = run('strong-noise.sslexp.yaml', (t) => t.replace('alpha: 1.5\n', 'alpha: -1\n'));
  const bad = r.problems.filter((p) => p.code === 'negative-alpha');
  assert.equal(bad.length, 1);
  assert.deepEqual(fixes(bad), [
    ['negative-alpha', 'Set alpha to 1.09 so that joint-embedding recovers', '1.09', true],
    ['negative-alpha', 'Set alpha to 19 so that reconstruction recovers', '19', false],
  ]);
  assert.equal(r.thresholds, undefined, 'a spec with an error is not analysed');
  // both thresholds negative: one fix, to 0
  const { r: weak } = run('mnist-scale-weak.sslexp.yaml', (t) => t.replace(/^alpha: .*$/m, 'alpha: -2'));
  assert.deepEqual(fixes(weak.problems.filter((p) => p.code === 'negative-alpha')), [
    ['negative-alpha', 'Set alpha to 0 so that both paradigms recover', '0', true],
  ]);
  // a negative α inside simulate.alpha is not the top-level one: no fixes there
  const { r: sim } = run('straddling.sslexp.yaml', (t) => t.replace('alpha: [0.5, 0.73, 1, 3]', 'alpha: [-0.5, 0.73]'));
  assert.deepEqual(fixes(sim.problems), []);
});

test('data mode: α below both thresholds gets the findings on augmentation.additive.alpha, with fixes, and the regime on data.noise.variance', () => {
  const { r, text } = run('digits-strong-noise.sslexp.yaml');
  const at = (p: Problem) => text.slice(p.start, p.end);
  const rc = r.problems.find((p) => p.code === 'alpha-below-rc')!;
  const je = r.problems.find((p) => p.code === 'alpha-below-je')!;
  assert.equal(at(rc), '1');
  assert.equal(text.slice(text.lastIndexOf('\n', rc.start) + 1, rc.end).trim(), 'alpha: 1');
  assert.equal(rc.severity, 'warning');
  assert.equal(je.severity, 'warning');
  assert.match(rc.message, /α = 1 is below α_RC = 30\.7/);
  assert.match(je.message, /α = 1 is below α_JE = 1\.39/);
  assert.deepEqual(
    fixes([rc, je]).map((x) => [x[1], x[3]]),
    [
      ['Raise alpha to 30.7 so that reconstruction recovers', false],
      ['Raise alpha to 1.39 so that joint-embedding recovers', true],
    ],
  );
  const regime = r.problems.find((p) => p.code === 'regime')!;
  assert.match(at(regime), /^\{uniform: \{low: 0, high: 4000, seed: 2\}\}$/);
  assert.match(regime.message, /^High-noise regime/);
  // with --alpha there are no findings about the spec's α
  const file = path.join(EXAMPLES, 'digits-strong-noise.sslexp.yaml');
  const opt = asAlignment(analyzeText(text, { fileName: file, baseDir: EXAMPLES, readFile: (p) => fs.readFileSync(p), alpha: 50 }));
  assert.equal(opt.atAlpha!.alpha, 50);
  assert.deepEqual(
    opt.problems.filter((p) => p.code.startsWith('alpha-below')),
    [],
  );
});

test('one rule for the α of an analysis: option, then augmentation.additive.alpha (defaulting to the top level), then the top level; views: measured', () => {
  const parse = (t: string) => parseSpec(t, { fileName: 's.sslexp.yaml', baseDir: '/x' }).spec as SpectralSpec | DataSpec;
  const d = 'sslexp: 1\ndata: {file: d.csv, pca: 2, noise: {count: 2, variance: 1}}\n';
  const own = parse(`${d}augmentation: {additive: {alpha: 2}}\nalpha: 3\n`);
  assert.equal(resolveAlpha(own), 2);
  assert.equal(resolveAlpha(own, { alpha: 7 }), 7);
  const top = parse(`${d}augmentation: {additive: {}}\nalpha: 3\n`);
  assert.equal(resolveAlpha(top), 3);
  assert.ok(alphaValueSpan(top), 'the top-level α is where a fix edits');
  const none = parse(`${d}augmentation: {additive: {}}\n`);
  assert.equal(resolveAlpha(none), 0);
  assert.equal(alphaValueSpan(none), undefined, 'a default α has no place to edit');
  const views = parse('sslexp: 1\ndata: {file: d.npy}\naugmentation: {views: {file: v.npy}}\nlatent: 2\nalpha: 3\n');
  assert.equal(resolveAlpha(views, {}, 0.4), 0.4);
  assert.equal(resolveAlpha(views, { alpha: 1 }, 0.4), 1);
  // a moments file's views are the augmentation when the spec names none: measured too
  const moments = parse('sslexp: 1\ndata: {moments: {file: m.npz}}\nlatent: 2\n');
  assert.equal(resolveAlpha(moments, {}, 0.25), 0.25);
  assert.equal(resolveAlpha(moments), undefined);
});

test('a zero signal variance with no active noise component: never recovered, in the thresholds, the scores and the findings alike', () => {
  const s: ResolvedSpectra = { c: Float64Array.of(4, 0), thetaImportant: Float64Array.of(0, 0), gamma: Float64Array.of(0), thetaNoise: Float64Array.of(1) };
  const t = computeThresholds(s);
  assert.equal(t.alpha2RC, Infinity);
  assert.equal(t.alpha2JE, Infinity);
  assert.equal(t.regime, 'mixed');
  const at = scoresAtAlpha(s, 5);
  assert.equal(at.recovers.reconstruction, false);
  assert.equal(at.recovers.jointEmbedding, false);
  assert.equal(at.scores.reconstruction.maxNoise, 0, 'the inactive noise component scores 0');
  // without any noise component nothing competes: always recovered, in both
  const alone: ResolvedSpectra = {
    c: Float64Array.of(4, 0),
    thetaImportant: Float64Array.of(0, 0),
    gamma: new Float64Array(0),
    thetaNoise: new Float64Array(0),
  };
  assert.equal(computeThresholds(alone).alpha2RC, -Infinity);
  assert.equal(scoresAtAlpha(alone, 0).recovers.reconstruction, true);
  // and the spec: thresholds and findings agree
  const r = asAlignment(
    analyzeText('sslexp: 1\nsignal: {variance: [4, 0]}\nnoise: {variance: [0], augmentation: [1]}\nalpha: 2\n', { fileName: 'z.sslexp.yaml' }),
  );
  const codes = r.problems.map((p) => p.code);
  assert.ok(codes.includes('alpha-below-rc') && codes.includes('alpha-below-je'), codes.join());
  assert.equal(r.atAlpha!.recovers.reconstruction, false);
  assert.equal(r.recommendation!.paradigm, 'either');
});

test('straddling.sslexp.yaml: its simulation shows what its comment claims at α = 0.73 (n = 10⁵: JE settles, RC does not)', async () => {
  const file = path.join(EXAMPLES, 'straddling.sslexp.yaml');
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /the separation shows at n = 100000/);
  const out = await simulateSpecText<SimulationResult>(text, { fileName: file, baseDir: EXAMPLES, readFile: (p) => fs.readFileSync(p) });
  const series = (paradigm: string) => out.result!.series.find((s) => s.paradigm === paradigm && s.alpha === 0.73)!;
  const last = out.result!.n.indexOf(100000);
  assert.ok(last >= 0);
  assert.ok(series('joint-embedding').mean[last] < 0.15, `JE ${series('joint-embedding').mean[last]}`);
  assert.ok(series('reconstruction').mean[last] > 0.7, `RC ${series('reconstruction').mean[last]}`);
});

test('the spectral reasons quote the thresholds: "Raise α above X" and "needs α > X" are the result\'s numbers, and X is above α', () => {
  for (const name of ['strong-noise', 'weak-noise', 'straddling', 'mnist-scale-strong', 'mnist-scale-weak', 'digits-strong-noise', 'digits-weak-noise']) {
    const { r } = run(`${name}.sslexp.yaml`);
    const t = r.thresholds!;
    const reason = r.recommendation!.reason;
    for (const [who, a2] of [
      ['reconstruction', t.alpha2RC],
      ['joint-embedding', t.alpha2JE],
    ] as const) {
      const m = new RegExp(`${who} (?:needs )?α > (\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)`).exec(reason);
      if (m) assert.equal(m[1], f(Math.sqrt(a2)), `${name}: ${reason}`);
    }
    const raise = /Raise α above (\d+(?:\.\d+)?(?:e[+-]?\d+)?) for ([\w-]+)/.exec(reason);
    if (raise) {
      const a = r.atAlpha!.alpha;
      assert.ok(Number(raise[1]) > a, `${name}: raise to ${raise[1]} from ${a}`);
      assert.equal(recommend(t, a).paradigm, raise[2]);
    }
  }
});
