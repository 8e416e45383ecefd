/**
 * The engine against the independent numpy oracles of test/oracle (docs/theory.md §8–§9):
 * the numbers each script wrote (test/oracle/*.json) are asserted here, and, when python3
 * with numpy is installed, every script is run again and must reproduce its stored numbers
 * (otherwise that check is reported as skipped, never passed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import { asAlignment } from '../support/engine';
import thresholdOracle from '../oracle/thresholds.json';
import digitsViews from '../oracle/digits_views.json';
import solverOracle from '../oracle/solvers.json';
import { Matrix } from '../../src/core/numerics/dense';
import { augmentationMoments, solveJointEmbedding, solveReconstruction } from '../../src/core/theories/alignment/solvers';

const root = path.resolve(__dirname, '../../..');
const ORACLE = path.join(root, 'test', 'oracle');

interface ThresholdRow {
  delta: number;
  eta: number;
  boundary: number;
  alpha2RC: number;
  alpha2JE: number;
  alphaRC: number;
  alphaJE: number;
  alpha?: number;
  scoresAtAlpha0: { rcImportant: number[]; jeImportant: number[]; rcNoise: number[]; jeNoise: number[] };
}
const THRESHOLDS = thresholdOracle as Record<string, ThresholdRow>;

/** |a − b| ≤ rel · max(|a|, |b|), or both tiny (exact zeros of the oracle). */
function close(actual: number, expected: number, rel: number, what: string): void {
  const ok =
    actual === expected || Math.abs(actual - expected) <= rel * Math.max(Math.abs(actual), Math.abs(expected), 1e-300) || Math.abs(actual - expected) < 1e-13;
  assert.ok(ok, `${what}: ${actual} vs the oracle's ${expected}`);
}

/** The inline spectral spec of an oracle case given by its lists (cases A–E, scenario M). */
const CASE_LISTS: Record<string, [number[], number[], number[], number[]]> = {
  A: [[4], [0], [9], [0]],
  B: [[4], [4], [1], [0]],
  C: [
    [10, 2],
    [1, 1],
    [3, 0.5],
    [2, 0],
  ],
  D: [
    [1, 1],
    [0, 0],
    [0.5, 0.25],
    [0, 0],
  ],
  E: [[1], [1], [100], [0]],
  'M-weak': [
    [3e5, 5e4, 1.5e4],
    [1e4, 5e3, 1e4],
    [1e3, 500, 100],
    [5e3, 1e4, 2e3],
  ],
  'M-strong': [
    [3e5, 5e4, 1.5e4],
    [1e4, 5e3, 1e4],
    [1e6, 5e5, 1e5],
    [5e3, 1e4, 2e3],
  ],
};

function thresholdsOf(name: string) {
  if (name in CASE_LISTS) {
    const [c, ti, g, tn] = CASE_LISTS[name];
    const text = `sslexp: 1\nsignal: {variance: [${c}], augmentation: [${ti}]}\nnoise: {variance: [${g}], augmentation: [${tn}]}\nalpha: 0\n`;
    return asAlignment(analyzeText(text, { fileName: '/x/case.sslexp.yaml', baseDir: '/x', components: true }));
  }
  const file = path.join(root, 'examples', name);
  return asAlignment(analyzeText(fs.readFileSync(file, 'utf8'), { fileName: file, baseDir: path.dirname(file), readFile: (p) => fs.readFileSync(p) }));
}

test('thresholds (docs/theory.md §8.1 cases A–E, §8.2 scenario M, the spectral examples) equal the numpy oracle to 1e-12', () => {
  const names = Object.keys(THRESHOLDS);
  assert.ok(names.length >= 15, names.join());
  for (const name of names) {
    const o = THRESHOLDS[name];
    const r = thresholdsOf(name);
    assert.ok(r.thresholds, `${name}: ${JSON.stringify(r.problems)}`);
    for (const key of ['delta', 'eta', 'boundary', 'alpha2RC', 'alpha2JE', 'alphaRC', 'alphaJE'] as const)
      close(r.thresholds[key], o[key], 1e-12, `${name} ${key}`);
    if (name in CASE_LISTS) {
      // the population scores at alpha = 0 (§4.2), per component
      const comp = r.atAlpha?.components;
      assert.ok(comp, name);
      const s = o.scoresAtAlpha0;
      for (const [got, want, what] of [
        [comp.reconstruction.important, s.rcImportant, 'RC important'],
        [comp.jointEmbedding.important, s.jeImportant, 'JE important'],
        [comp.reconstruction.noise, s.rcNoise, 'RC noise'],
        [comp.jointEmbedding.noise, s.jeNoise, 'JE noise'],
      ] as const) {
        assert.equal(got.length, want.length, `${name} ${what}`);
        got.forEach((v, i) => close(v, want[i], 1e-12, `${name} ${what} ${i + 1}`));
      }
    }
  }
});

test('digits-views (data mode, your own views): the split, the probe counts, the objectives and the spectra equal the numpy oracle', () => {
  const file = path.join(root, 'examples', 'digits-views.sslexp.yaml');
  const r = asAlignment(analyzeText(fs.readFileSync(file, 'utf8'), { fileName: file, baseDir: path.dirname(file), readFile: (p) => fs.readFileSync(p) }));
  const sol = r.solutions;
  assert.ok(sol?.probe, JSON.stringify(r.problems));
  const o = digitsViews;
  assert.deepEqual([sol.probe.train, sol.probe.test, sol.probe.seed], [o.split.train, o.split.test, o.split.seed]);
  // the accuracies are counts over the test split: exact
  assert.equal(sol.probe.supervised, o.probeCorrect.supervised / o.split.test);
  assert.equal(sol.probe.reconstruction, o.probeCorrect.reconstruction / o.split.test);
  assert.equal(sol.probe.jointEmbedding, o.probeCorrect.jointEmbedding / o.split.test);
  close(sol.reconstruction.objective, o.reconstruction.objective, 1e-9, 'RC objective');
  close(sol.jointEmbedding.objective, o.jointEmbedding.objective, 1e-9, 'JE objective');
  // the leading values (the trailing ones are round-off in both: absolute 1e-9 of the largest)
  o.reconstruction.phi.forEach((v, i) =>
    assert.ok(Math.abs(sol.reconstruction.phi[i] - v) <= 1e-9 * o.reconstruction.phi[0], `phi ${i + 1}: ${sol.reconstruction.phi[i]} vs ${v}`),
  );
  o.jointEmbedding.omega.forEach((v, i) =>
    assert.ok(Math.abs(sol.jointEmbedding.omega[i] - v) <= 1e-9, `omega ${i + 1}: ${sol.jointEmbedding.omega[i]} vs ${v}`),
  );
  // the split's training share is the hash's 0.8, within three binomial standard deviations
  const n = o.split.train + o.split.test;
  assert.ok(Math.abs(o.split.train / n - 0.8) < 3 * Math.sqrt((0.8 * 0.2) / n), `${o.split.train} of ${n}`);
});

test('closed-form solvers on the deterministic example of docs/theory.md §8.4 equal the numpy oracle to 1e-10', () => {
  const x = Matrix.fromArray([
    [2, 0, 1],
    [0, 1, 1],
    [1, 1, 0],
    [-1, 2, 1],
  ]);
  const sigma = Matrix.fromArray(solverOracle.additive.Sigma);
  for (const [name, m] of [
    ['additive', augmentationMoments(x, { kind: 'additive', theta: sigma, gamma: Matrix.identity(3), alpha: 0 })],
    ['masking', augmentationMoments(x, { kind: 'masking', keep: 0.5 })],
  ] as const) {
    const o = solverOracle[name];
    const matrix = (got: Matrix, want: number[][], what: string) =>
      want.forEach((row, i) => row.forEach((v, j) => close(got.get(i, j), v, 1e-10, `${name} ${what}[${i}][${j}]`)));
    matrix(m.s, o.S, 'S');
    matrix(m.g, o.G, 'G');
    matrix(m.sigma, o.Sigma, 'Σ');
    const je = solveJointEmbedding(m, 2);
    o.omega.forEach((v, i) => close(je.omega[i], v, 1e-10, `${name} ω ${i + 1}`));
    close(je.objective, o.jeObjective, 1e-10, `${name} JE objective`);
    matrix(je.gram, o.gram, 'W^T W');
    const rc = solveReconstruction(m, 2);
    o.phi.forEach((v, i) => close(rc.phi[i], v, 1e-10, `${name} φ ${i + 1}`));
    close(rc.objective, o.rcObjective, 1e-10, `${name} RC objective`);
    matrix(rc.map, o.map, 'M*');
    matrix(rc.rowProjector, o.rowProjector, 'row projector');
  }
});

/** python3 with numpy, or why not. */
function python(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : 'python3 with numpy is not installed';
}

/** Numbers equal to `rel`; other values exactly. */
function sameNumbers(a: unknown, b: unknown, rel: number, where: string): void {
  if (typeof a === 'number' && typeof b === 'number') return close(a, b, rel, where);
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, where);
    return a.forEach((x, i) => sameNumbers(x, b[i], rel, `${where}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), where);
    for (const k of Object.keys(a)) sameNumbers((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${where}.${k}`);
    return;
  }
  assert.deepEqual(a, b, where);
}

for (const [script, stored, rel] of [
  ['thresholds.py', 'thresholds.json', 1e-14],
  ['digits_views.py', 'digits_views.json', 1e-9],
  ['solvers.py', 'solvers.json', 1e-12],
] as const) {
  test(`test/oracle/${script} reproduces test/oracle/${stored}`, (t) => {
    const missing = python();
    if (missing) {
      t.skip(`${missing}: the stored numbers were not regenerated`);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-oracle-'));
    try {
      const out = path.join(dir, stored);
      const r = spawnSync('python3', [path.join(ORACLE, script), out], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(r.status, 0, r.stderr);
      sameNumbers(JSON.parse(fs.readFileSync(out, 'utf8')), JSON.parse(fs.readFileSync(path.join(ORACLE, stored), 'utf8')), rel, stored);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
