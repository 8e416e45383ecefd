import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { analyzeText } from '../../src/core/engine/analyze';
import type { AlignmentEngineResult } from '../../src/core/engine/types';
import { computeLineStarts, offsetToLineColumn } from '../../src/core/problems/problems';
import { simulateSpecText } from '../../src/core/engine/simulate';
import type { SimulationResult } from '../../src/core/theories/alignment/simulation';
import { asAlignment } from '../support/engine';
import { npy } from './support/npy';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const readFile = (p: string) => readFileSync(p);

// docs/theory.md §8.4: X (n = 4, d = 3), k = 2.
const X84 = [
  [2, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
  [-1, 2, 1],
];
const SIGMA84 = [
  [1, 0.5, 0],
  [0.5, 2, 0.3],
  [0, 0.3, 0.5],
];

function analyze(text: string, opts: { baseDir?: string; trusted?: boolean; name?: string } = {}): AlignmentEngineResult {
  return asAlignment(
    analyzeText(text, { fileName: opts.name ?? 'spec.sslexp.yaml', baseDir: opts.baseDir, readFile: opts.trusted === false ? undefined : readFile }),
  );
}

function close(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`);
}

function errors(r: AlignmentEngineResult) {
  return r.problems.filter((p) => p.severity === 'error');
}

/** line:column (1-based) of a problem's start and end. */
function where(text: string, p: { start: number; end: number }): [number, number, number, number] {
  const ls = computeLineStarts(text);
  const a = offsetToLineColumn(ls, p.start);
  const b = offsetToLineColumn(ls, p.end);
  return [a.line, a.column, b.line, b.column];
}

// ------------------------------------------------------------------ docs/theory.md §8.4 through the spec

test('docs/theory.md §8.4 (i): an inline additive problem through the spec gives the oracle to 1e-6', () => {
  const text = `sslexp: 1\nlatent: 2\ndata: {X: ${JSON.stringify(X84)}}\naugmentation: {covariance: ${JSON.stringify(SIGMA84)}}\n`;
  const r = analyze(text);
  assert.deepEqual(errors(r), []);
  assert.equal(r.mode, 'data');
  assert.equal(r.thresholds, null, 'a general problem has no thresholds (A6)');
  assert.ok(r.problems.some((p) => p.code === 'thresholds-not-applicable' && p.severity === 'info'));
  assert.deepEqual(r.dimensions, { d: 3, k: 2, latent: 2 });
  const s = r.solutions!;
  close(s.jointEmbedding.omega, [0.69278, 0.61151, 0.179452], 1e-5, 'omega');
  assert.ok(Math.abs(s.jointEmbedding.objective - 1.391418) < 1e-6);
  close(s.jointEmbedding.gram.flat(), [0.327834, -0.158229, 0.117341, -0.158229, 0.094848, 0.046451, 0.117341, 0.046451, 0.617076], 1e-6, 'W^T W');
  close(s.reconstruction.phi, [1.100062, 1.009005, 0.193912], 1e-6, 'phi');
  assert.ok(Math.abs(s.reconstruction.objective - 1.521774) < 1e-6);
  close(s.reconstruction.map.flat(), [0.579983, -0.214584, 0.282437, -0.197145, 0.277976, 0.44067, 0.078561, 0.122314, 0.43449], 1e-6, 'M');
  close(s.reconstruction.rowProjector.flat(), [0.787531, -0.382117, 0.145988, -0.382117, 0.312777, 0.262553, 0.145988, 0.262553, 0.899692], 1e-6, 'projector');
  // `center` defaults to false without pca (docs/theory.md §1: uncentred moments), so the oracle holds.
  assert.equal(r.spec!.mode === 'data' && r.spec!.data.center, false);
});

test('docs/theory.md §8.4 (ii): Bernoulli masking p = 0.5 through the spec', () => {
  const text = `sslexp: 1\nlatent: 2\ndata: {X: ${JSON.stringify(X84)}}\naugmentation: {masking: {keep: 0.5}}\n`;
  const r = analyze(text);
  assert.deepEqual(errors(r), []);
  const s = r.solutions!;
  close(s.jointEmbedding.omega, [0.631099, 0.523081, 0.161394], 1e-6, 'omega');
  assert.ok(Math.abs(s.jointEmbedding.objective - 1.69164) < 1e-6);
  close(s.jointEmbedding.gram.flat(), [1.129278, -0.293935, 0.381994, -0.293935, 0.580278, 0.596983, 0.381994, 0.596983, 1.09193], 1e-5, 'W^T W');
  close(s.reconstruction.phi, [1.106293, 0.911754, 0.178637], 1e-6, 'phi');
  assert.ok(Math.abs(s.reconstruction.objective - 1.694821) < 1e-6);
  close(s.reconstruction.map.flat(), [0.944451, -0.193506, 0.317808, -0.192957, 0.744352, 0.750032, 0.189979, 0.438636, 0.616119], 1e-6, 'M');
});

test('additive theta/gamma as matrices or spectra and alpha give Σ = Θ + α²Γ; labels give a supervised V', () => {
  // Θ + 2² Γ with Θ = SIGMA84 - 4 diag(0, 0, 0.1) and Γ = diag(0, 0, 0.1) equals SIGMA84.
  const theta = SIGMA84.map((row, i) => row.map((v, j) => (i === 2 && j === 2 ? v - 0.4 : v)));
  const text = `sslexp: 1\nlatent: 2\ndata: {X: ${JSON.stringify(X84)}, Y: [1, 0, 1, 0]}\naugmentation: {additive: {theta: ${JSON.stringify(theta)}, gamma: [0, 0, 0.1], alpha: 2}}\n`;
  const r = analyze(text);
  assert.deepEqual(errors(r), []);
  close(r.solutions!.jointEmbedding.omega, [0.69278, 0.61151, 0.179452], 1e-5, 'omega');
  const v = r.solutions!.supervised!.V;
  assert.equal(v.length, 1);
  assert.equal(v[0].length, 3);
  // V = (1/n) Y^T X S^{-1}: check S V^T = (1/n) X^T Y.
  const S = [
    [2.5, 0.25, 0.25],
    [0.25, 3.5, 1.05],
    [0.25, 1.05, 1.25],
  ];
  const xty = [0, 1, 2].map((j) => (X84[0][j] + X84[2][j]) / 4);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(S[i].reduce((acc, s, j) => acc + s * v[0][j], 0) - xty[i]) < 1e-12);
});

// ------------------------------------------------------------------ data files

test('every data-file format gives the same solutions: .npy (big-endian, Fortran order), .npz (deflated, key), .csv (header)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sslexp-data-'));
  try {
    // 6 samples x 3 features + a label column
    const rows = [
      [1, 2, 0.5, 0],
      [0, 1, 1, 1],
      [2, 0, 1, 0],
      [1, 1, 3, 1],
      [-1, 2, 0, 0],
      [0.5, -1, 2, 1],
    ];
    const flat = rows.flat();
    const colMajor: number[] = [];
    for (let j = 0; j < 4; j++) for (let i = 0; i < 6; i++) colMajor.push(rows[i][j]);
    writeFileSync(join(dir, 'le.npy'), npy(flat, { shape: [6, 4] }));
    writeFileSync(join(dir, 'be-fortran.npy'), npy(colMajor, { shape: [6, 4], big: true, fortran: true }));
    writeFileSync(join(dir, 'f4.npy'), npy(flat, { shape: [6, 4], dtype: 'f4' }));
    writeFileSync(join(dir, 'arch.npz'), zipSync({ 'other.npy': npy([1, 2, 3]), 'X.npy': npy(flat, { shape: [6, 4], big: true }) }, { level: 6 }));
    writeFileSync(join(dir, 'table.csv'), 'a,b,c,label\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
    const spec = (file: string, extra = '') =>
      `sslexp: 1\nlatent: 2\ndata: {file: ${file}${extra}, labels: {column: -1}}\naugmentation: {masking: {keep: 0.7}}\n`;
    const inline = analyze(`sslexp: 1\nlatent: 2\ndata: {X: ${JSON.stringify(rows)}, labels: {column: -1}}\naugmentation: {masking: {keep: 0.7}}\n`);
    assert.deepEqual(errors(inline), []);
    const ref = inline.solutions!;
    assert.equal(ref.supervised!.V.length, 2, 'two classes, one-hot');
    for (const [file, extra] of [
      ['le.npy', ''],
      ['be-fortran.npy', ''],
      ['f4.npy', ''],
      ['arch.npz', ', key: X'],
      ['table.csv', ''],
    ]) {
      const r = analyze(spec(file, extra), { baseDir: dir });
      assert.deepEqual(errors(r), [], file);
      close(r.solutions!.jointEmbedding.omega, ref.jointEmbedding.omega, 1e-12, `${file} omega`);
      close(r.solutions!.reconstruction.phi, ref.reconstruction.phi, 1e-12, `${file} phi`);
      close(r.solutions!.supervised!.V.flat(), ref.supervised!.V.flat(), 1e-12, `${file} V`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('data-file problems: missing, malformed, wrong shape, untrusted — each at the path with a clear message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sslexp-bad-'));
  try {
    writeFileSync(join(dir, 'bad.npy'), Buffer.from('\x93NUMPY garbage'));
    writeFileSync(join(dir, 'vec.npy'), npy([1, 2, 3]));
    writeFileSync(join(dir, 'nan.csv'), '1,2\n3,nan\n');
    const text = (f: string) => `sslexp: 1\nlatent: 1\ndata:\n  file: ${f}\naugmentation: {masking: {keep: 0.5}}\n`;
    const cases: [string, string, RegExp][] = [
      ['nope.npy', 'file-not-found', /File 'nope\.npy' not found/],
      ['bad.npy', 'file-parse-error', /Cannot read 'bad\.npy': /],
      ['vec.npy', 'file-parse-error', /expected a 2-D array \(samples × features\), got shape \(3,\)/],
      ['nan.csv', 'invalid-value', /non-finite value \(NaN\) at row 2, column 2/],
    ];
    for (const [file, code, re] of cases) {
      const t = text(file);
      const r = analyze(t, { baseDir: dir });
      const p = r.problems.find((q) => q.code === code);
      assert.ok(p, `${file}: ${JSON.stringify(r.problems)}`);
      assert.match(p!.message, re);
      assert.deepEqual(where(t, p!), [4, 9, 4, 9 + file.length], `${file}: range on the path`);
      assert.equal(r.solutions, undefined);
    }
    const untrusted = analyze(text('vec.npy'), { baseDir: dir, trusted: false });
    const u = untrusted.problems.find((q) => q.code === 'untrusted-file')!;
    assert.equal(u.severity, 'warning');
    assert.match(u.message, /not read in an untrusted workspace/);
    assert.deepEqual(errors(untrusted), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a singular S is a not-positive-definite error on the augmentation, and regularize fixes it', () => {
  // Rank-1 data and no augmentation variance: S = G is singular.
  const t = 'sslexp: 1\nlatent: 1\ndata: {X: [[1, 1], [2, 2], [3, 3]]}\naugmentation: {covariance: [[0, 0], [0, 0]]}\n';
  const r = analyze(t);
  const p = r.problems.find((q) => q.code === 'not-positive-definite');
  assert.ok(p, JSON.stringify(r.problems));
  assert.equal(p!.severity, 'error');
  assert.match(p!.message, /regularize/);
  assert.deepEqual(where(t, p!), [4, 15, 4, 45], 'the whole augmentation mapping');
  const ok = analyze(t.replace('latent: 1', 'latent: 1\nregularize: 1.0e-6'));
  assert.deepEqual(errors(ok), []);
  // JE picks the data direction (1, 1)/sqrt 2: omega_1 close to 1.
  assert.ok(ok.solutions!.jointEmbedding.omega[0] > 0.999);
});

test('data mode without pca needs latent and an augmentation', () => {
  const noLatent = analyze('sslexp: 1\ndata: {X: [[1, 0], [0, 1]]}\naugmentation: {masking: {keep: 0.5}}\n');
  assert.match(errors(noLatent)[0].message, /needs 'latent'/);
  const noAug = analyze('sslexp: 1\nlatent: 1\ndata: {X: [[1, 0], [0, 1]]}\n');
  assert.match(errors(noAug)[0].message, /needs an 'augmentation'/);
});

// ------------------------------------------------------------------ the digits experiment (docs/theory.md §6.1)

test('digits examples: the pipeline, thresholds, regime and recommendation', () => {
  const read = (name: string) => readFileSync(join(EXAMPLES, name), 'utf8');
  const weak = analyze(read('digits-weak-noise.sslexp.yaml'), { baseDir: EXAMPLES });
  const strong = analyze(read('digits-strong-noise.sslexp.yaml'), { baseDir: EXAMPLES });
  for (const r of [weak, strong]) {
    assert.deepEqual(errors(r), []);
    assert.deepEqual(r.dimensions, { d: 40, k: 20, latent: 20 });
    assert.deepEqual(
      { ...r.pipeline, explainedVariance: undefined },
      { samples: 1797, features: 64, pca: 20, noise: 20, centered: true, classes: 10, explainedVariance: undefined },
    );
    assert.ok(Math.abs(r.pipeline!.explainedVariance - 0.894) < 1e-3);
    // The PCA variances are those of the centred digits (numpy: 178.91, 163.63, 141.71, ...).
    assert.ok(Math.abs(r.spectra!.c[0] - 178.91) < 0.01 && Math.abs(r.spectra!.c[2] - 141.71) < 0.01);
    assert.equal(r.solutions!.jointEmbedding.omega.length, 40);
    assert.equal(r.solutions!.reconstruction.phi.length, 40);
    // V-JE (A15): 2 (k - sum of the top k omega).
    const om = r.solutions!.jointEmbedding.omega;
    assert.ok(Math.abs(r.solutions!.jointEmbedding.objective - 2 * (20 - om.slice(0, 20).reduce((a, b) => a + b, 0))) < 1e-9);
  }
  const tw = weak.thresholds!;
  assert.equal(tw.regime, 'low-noise');
  assert.ok(tw.alpha2RC < 0, 'weak noise: RC recovers at every alpha');
  assert.ok(tw.alphaJE > 1 && tw.alphaJE < 10, `weak noise: JE needs 1 < alpha_JE < 10, got ${tw.alphaJE}`);
  const ts = strong.thresholds!;
  assert.equal(ts.regime, 'high-noise');
  assert.ok(ts.alphaRC > 10, `strong noise: RC fails at every alpha of the grid, alpha_RC = ${ts.alphaRC}`);
  assert.ok(ts.alphaJE > 1 && ts.alphaJE < 10 && ts.alpha2JE <= (1 - ts.delta) / ts.delta);
  assert.equal(strong.recommendation!.paradigm, 'joint-embedding');
  // At the spec's alpha = 1 the single corrupted draw already separates the paradigms under strong noise.
  assert.ok(strong.solutions!.discrepancy!.reconstruction > 0.9);
});

test("digits experiment reproduces P1's Fig. 3 pattern (docs/theory.md §6.1)", async () => {
  const run = async (name: string): Promise<SimulationResult> => {
    const text = readFileSync(join(EXAMPLES, name), 'utf8').replace('to: 30000, points: 6', 'to: 10000, points: 5').replace('repeats: 3', 'repeats: 2');
    const out = await simulateSpecText<SimulationResult>(text, { fileName: join(EXAMPLES, name), baseDir: EXAMPLES, readFile });
    assert.deepEqual(out.problems, []);
    return out.result!;
  };
  const weak = await run('digits-weak-noise.sslexp.yaml');
  const strong = await run('digits-strong-noise.sslexp.yaml');
  const at = (r: SimulationResult, p: string, a: number) => r.series.find((s) => s.paradigm === p && s.alpha === a)!.mean;
  const last = (v: number[]) => v[v.length - 1];
  for (const r of [weak, strong]) {
    assert.deepEqual(r.n, [100, 316, 1000, 3162, 10000]);
    for (const a of [0.1, 1, 10]) {
      const sl = at(r, 'supervised', a);
      assert.ok(last(sl) < sl[0] / 30, `SL gap shrinks with n at alpha ${a}: ${sl.join(', ')}`);
    }
    // JE recovers only above its alpha: at alpha = 10 the gap vanishes, below it plateaus.
    assert.ok(last(at(r, 'joint-embedding', 10)) < 1e-5);
    assert.ok(last(at(r, 'joint-embedding', 0.1)) > 100 * last(at(r, 'joint-embedding', 10)));
    assert.ok(last(at(r, 'joint-embedding', 1)) > 100 * last(at(r, 'joint-embedding', 10)));
  }
  // Weak noise: RC is robust to alpha.
  for (const a of [0.1, 1, 10]) assert.ok(last(at(weak, 'reconstruction', a)) < 1e-4, `weak RC alpha ${a}`);
  // Strong noise: RC fails even at large n and alpha = 10: its gap does not shrink with n.
  const rc10 = at(strong, 'reconstruction', 10);
  assert.ok(last(rc10) > 0.01 && last(rc10) >= rc10[0], `strong RC at alpha 10: ${rc10.join(', ')}`);
  assert.ok(last(at(strong, 'reconstruction', 0.1)) > 0.3);
});

test("data-mode simulate runs on the analysis' prepared data (the data file is read once); they are never serialised", async () => {
  const name = join(EXAMPLES, 'digits-weak-noise.sslexp.yaml');
  const text = readFileSync(name, 'utf8')
    .replace('n: {from: 100, to: 30000, points: 6}', 'n: [50]')
    .replace('alpha: [0.1, 1, 10]', 'alpha: [1]')
    .replace('repeats: 3', 'repeats: 1');
  assert.match(text, /n: \[50\]/);
  const reads: string[] = [];
  const counting = (p: string) => {
    reads.push(p);
    return readFileSync(p);
  };
  const out = await simulateSpecText<SimulationResult>(text, { fileName: name, baseDir: EXAMPLES, readFile: counting });
  assert.deepEqual(out.problems, []);
  assert.deepEqual(out.result!.dimensions, { d: 40, k: 20, latent: 20 });
  assert.deepEqual(
    reads.map((p) => p.replace(/\\/g, '/').split('/').pop()),
    ['digits.csv'],
  );
  const r = analyze(text, { baseDir: EXAMPLES, name });
  assert.equal(r.prepared?.pipeline?.xp.cols, 20, 'the analysis keeps the prepared data for simulate');
  assert.ok(!Object.keys(r).includes('prepared'), 'not enumerable');
  assert.equal(JSON.stringify(r).includes('"prepared"'), false);
  assert.equal(structuredClone(r).prepared, undefined, 'not posted by the worker');
  assert.equal({ ...r }.prepared, undefined);
});
