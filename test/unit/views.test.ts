/**
 * Your own augmentations (docs/spec.md "Your own augmentations (views)"): `augmentation: {views}`
 * through the spec — the empirical moments of docs/theory.md §2.1 against a direct
 * computation, the closed forms on them, the linear probe against an independent fit,
 * located errors for views that do not fit the data, the schema and the validator, the
 * refusal of `simulate`, and the bundled digits example.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { analyzeText } from '../../src/core/engine/analyze';
import type { AlignmentEngineResult } from '../../src/core/engine/types';
import { simulateSpecText } from '../../src/core/engine/simulate';
import { npyBytes, writeNpz } from '../../src/core/io/npzWrite';
import { Matrix } from '../../src/core/numerics/dense';
import { Rng } from '../../src/core/numerics/rng';
import { computeLineStarts, offsetToLineColumn } from '../../src/core/problems/problems';
import { parseSpec } from '../../src/core/spec/parseSpec';
import { inTrainingSplit } from '../../src/core/theories/alignment/data/sufficient';
import { empiricalMoments, solveJointEmbedding, solveReconstruction, solveSupervisedFromCross } from '../../src/core/theories/alignment/solvers';
import { asAlignment } from '../support/engine';
import { npy } from './support/npy';

const root = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(root, 'examples');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-views-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, bytes: Uint8Array | string): string => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
};
const ranges = {
  fileSize: (p: string) => fs.statSync(p).size,
  readRange: (p: string, pos: number, len: number) => new Uint8Array(fs.readFileSync(p).subarray(pos, pos + len)),
};

function analyze(text: string, opts: { ranges?: boolean; blockRows?: number } = {}): AlignmentEngineResult {
  return asAlignment(
    analyzeText(text, {
      fileName: path.join(tmp, 'spec.sslexp.yaml'),
      baseDir: tmp,
      readFile: (p) => fs.readFileSync(p),
      ...(opts.ranges === false ? {} : ranges),
      ...(opts.blockRows ? { streamData: { blockRows: opts.blockRows } } : {}),
    }),
  );
}

function where(text: string, p: { start: number; end: number }): [number, number, number, number] {
  const ls = computeLineStarts(text);
  const a = offsetToLineColumn(ls, p.start);
  const b = offsetToLineColumn(ls, p.end);
  return [a.line, a.column, b.line, b.column];
}

/** A B for A⁻¹ (k × k, Gauss–Jordan with partial pivoting) and B (k × m). */
function solveSmall(a: number[][], b: number[][]): number[][] {
  const k = a.length;
  const m = a.map((row, i) => [...row, ...b[i]]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let j = c; j < m[r].length; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row, i) => row.slice(k).map((v) => v / m[i][i]));
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / (den || 1);
}

// A small problem: n = 40 samples of d = 5 features, V = 3 views each (the sample plus anisotropic noise), 3 classes.
const n = 40;
const d = 5;
const V = 3;
const rng = new Rng(2024);
const X = Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => (i % 3) * (j === i % d ? 3 : 0) + rng.normal() * (1 + j / 2)));
const VIEWS = X.map((x) => Array.from({ length: V }, () => x.map((v, j) => v + rng.normal() * (0.3 + 0.2 * j) + (j === 0 ? 0.5 * rng.normal() : 0))));
const LABELS = X.map((_, i) => [7, 1, 4][i % 3]);
write('x.npy', npyBytes({ dtype: '<f8', shape: [n, d], data: X.flat() }));
write('v.npy', npyBytes({ dtype: '<f8', shape: [n, V, d], data: VIEWS.flat(2) }));
write('v32.npy', npy(VIEWS.flat(2), { dtype: 'f4', shape: [n, V, d] }));
write(
  'v.npz',
  writeNpz([
    { name: 'other', dtype: '<f8', shape: [1], data: [0] },
    { name: 'views', dtype: '<f8', shape: [n, V, d], data: VIEWS.flat(2) },
  ]),
);
write('y.npy', npy(LABELS, { dtype: 'i4' }));
const SPEC = 'sslexp: 1\ndata:\n  file: x.npy\n  labels: {file: y.npy}\naugmentation:\n  views: {file: v.npy}\nlatent: 2\n';

/** The moments of docs/theory.md §2.1 with the views' means, computed directly from the arrays. */
function directMoments(): { sigma: number[][]; g: number[][]; cross: number[][]; yx: number[][]; trace: number } {
  const zero = () => Array.from({ length: d }, () => new Array(d).fill(0));
  const sigma = zero();
  const g = zero();
  const cross = zero();
  const classes = [1, 4, 7];
  const yx = classes.map(() => new Array(d).fill(0));
  let trace = 0;
  for (let i = 0; i < n; i++) {
    const xb = X[i].map((_, j) => VIEWS[i].reduce((s, v) => s + v[j], 0) / V);
    for (let a = 0; a < d; a++) {
      trace += (X[i][a] * X[i][a]) / n;
      yx[classes.indexOf(LABELS[i])][a] += xb[a] / n;
      for (let b = 0; b < d; b++) {
        g[a][b] += (xb[a] * xb[b]) / n;
        cross[a][b] += (X[i][a] * xb[b]) / n;
        for (const v of VIEWS[i]) sigma[a][b] += ((v[a] - xb[a]) * (v[b] - xb[b])) / (V - 1) / n;
      }
    }
  }
  return { sigma, g, cross, yx, trace };
}

test('views: the solutions are the closed forms on the empirical moments of docs/theory.md §2.1 (direct computation, 1e-12)', () => {
  const r = analyze(SPEC);
  // the only finding: P1's model fitted to the views (docs/theory.md §6.4; viewsFit.test.ts checks the fit)
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['views-fit'],
  );
  assert.ok(r.fit && r.thresholds && r.recommendation);
  assert.deepEqual(r.dimensions, { d, k: 2, latent: 2 });
  const m = directMoments();
  const mo = empiricalMoments(n, Matrix.fromArray(m.sigma), Matrix.fromArray(m.g), Matrix.fromArray(m.cross), m.trace);
  const rc = solveReconstruction(mo, 2);
  const je = solveJointEmbedding(mo, 2);
  const sl = solveSupervisedFromCross(Matrix.fromArray(m.yx), mo);
  const s = r.solutions!;
  assert.match(s.problem, /^40 samples × 5 features, your own views \(V = 3 per sample\)$/);
  assert.ok(maxRel(s.reconstruction.phi, rc.phi) < 1e-12);
  assert.ok(maxRel(s.reconstruction.map.flat(), rc.map.data) < 1e-12);
  assert.ok(maxRel(s.reconstruction.rowProjector.flat(), rc.rowProjector.data) < 1e-12);
  assert.ok(Math.abs(s.reconstruction.objective - rc.objective) < 1e-12 * Math.abs(rc.objective));
  assert.ok(maxRel(s.jointEmbedding.omega, je.omega) < 1e-12);
  assert.ok(maxRel(s.jointEmbedding.gram.flat(), je.gram.data) < 1e-12);
  assert.ok(maxRel(s.supervised!.V.flat(), sl.v.data) < 1e-12);
  // Σ = (1/n) Σ_i 1/(V−1) Σ_v (v − x̄)(v − x̄)ᵀ is what the analysis used: ω from G, S = G + Σ directly
  for (const w of s.jointEmbedding.omega) assert.ok(w >= 0 && w <= 1);
});

test('views: .npy (float64 or float32) and .npz with key, any block size, with or without positioned reads: the same numbers', () => {
  const ref = analyze(SPEC).solutions!;
  const variants = [
    [SPEC.replace('v.npy', 'v.npz, key: views'), {}],
    [SPEC, { blockRows: 1 }],
    [SPEC, { blockRows: 7 }],
    [SPEC, { ranges: false }],
  ] as const;
  for (const [text, opts] of variants) {
    const s = analyze(text, opts).solutions!;
    assert.ok(maxRel(s.jointEmbedding.gram.flat(), ref.jointEmbedding.gram.flat()) < 1e-12, text);
    assert.ok(maxRel(s.reconstruction.map.flat(), ref.reconstruction.map.flat()) < 1e-12, text);
    assert.deepEqual(s.probe, ref.probe, `${text} ${JSON.stringify(opts)}`);
  }
  const f32 = analyze(SPEC.replace('v.npy', 'v32.npy')).solutions!;
  assert.ok(maxRel(f32.jointEmbedding.omega, ref.jointEmbedding.omega) < 1e-5, 'float32 views: the same to float32 precision');
});

test('views with labels: the probe accuracies equal an independent least-squares fit on the seeded 80% split', () => {
  const r = analyze(SPEC);
  const s = r.solutions!;
  const p = s.probe!;
  const train = X.map((_, i) => inTrainingSplit(i, 0));
  assert.equal(p.train, train.filter(Boolean).length);
  assert.equal(p.test, n - p.train);
  assert.ok(p.train > 20 && p.test > 3, `${p.train} / ${p.test}`);
  const classes = [1, 4, 7];
  const accuracy = (scores: (x: number[]) => number[]) => {
    let ok = 0;
    X.forEach((x, i) => {
      if (train[i]) return;
      const sc = scores(x);
      let best = 0;
      for (let q = 1; q < sc.length; q++) if (sc[q] > sc[best]) best = q;
      if (classes[best] === LABELS[i]) ok++;
    });
    return ok / p.test;
  };
  // every encoder the same way (docs/theory.md §6.4.7): features z = F x, least squares of the
  // one-hot labels on z over the training split (normal equations, Gauss–Jordan), argmax on the test split
  const probeOf = (basis: number[][]) => {
    const z = (x: number[]) => basis.map((b) => b.reduce((a, v, j) => a + v * x[j], 0));
    const k = basis.length;
    const A = Array.from({ length: k }, () => new Array(k).fill(0));
    const B = Array.from({ length: k }, () => new Array(3).fill(0));
    X.forEach((x, i) => {
      if (!train[i]) return;
      const zi = z(x);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) A[a][b] += zi[a] * zi[b];
        B[a][classes.indexOf(LABELS[i])] += zi[a];
      }
    });
    const P = solveSmall(A, B); // k × 3
    return accuracy((x) => {
      const zi = z(x);
      return [0, 1, 2].map((c) => zi.reduce((a, v, r) => a + v * P[r][c], 0));
    });
  };
  // supervised: the probe on V x, like the encoders (not argmax V x)
  assert.ok(Math.abs(p.supervised! - probeOf(s.supervised!.V)) < 1e-12);
  const basisOf = (proj: number[][]) => {
    // Gram–Schmidt on the columns of a rank-2 projector-like matrix
    const cols = proj[0].map((_, j) => proj.map((row) => row[j]));
    const out: number[][] = [];
    for (const c of cols.sort((a, b) => b.reduce((s, v) => s + v * v, 0) - a.reduce((s, v) => s + v * v, 0))) {
      let v = c.slice();
      for (const u of out) {
        const dot = u.reduce((s, x, i) => s + x * v[i], 0);
        v = v.map((x, i) => x - dot * u[i]);
      }
      const norm = Math.hypot(...v);
      if (norm > 1e-8 * Math.hypot(...c) && out.length < 2) out.push(v.map((x) => x / norm));
    }
    return out;
  };
  assert.ok(Math.abs(p.reconstruction - probeOf(basisOf(s.reconstruction.rowProjector))) < 1e-12);
  assert.ok(Math.abs(p.jointEmbedding - probeOf(basisOf(s.jointEmbedding.gram))) < 1e-12);
  assert.equal(p.seed, 0);
  // no labels, no probe
  assert.equal(analyze(SPEC.replace('  labels: {file: y.npy}\n', '')).solutions!.probe, undefined);
  // the split follows simulate.seed
  const seeded = analyze(SPEC + 'simulate: {n: [10], alpha: 1, seed: 5}\n');
  assert.equal(seeded.solutions!.probe!.seed, 5);
});

test('views that do not fit the data: n mismatch, V < 2, the wrong rank, d mismatch, non-finite values, each on the views path', () => {
  write('v-n.npy', npyBytes({ dtype: '<f8', shape: [n - 1, V, d], data: VIEWS.slice(1).flat(2) }));
  write('v-1.npy', npyBytes({ dtype: '<f8', shape: [n, 1, d], data: VIEWS.map((v) => v[0]).flat() }));
  write('v-2d.npy', npyBytes({ dtype: '<f8', shape: [n, d], data: X.flat() }));
  write(
    'v-d.npy',
    npyBytes({
      dtype: '<f8',
      shape: [n, V, d - 1],
      data: VIEWS.flat()
        .map((v) => v.slice(1))
        .flat(),
    }),
  );
  const nan = VIEWS.flat(2);
  nan[(7 * V + 2) * d + 3] = NaN;
  write('v-nan.npy', npyBytes({ dtype: '<f8', shape: [n, V, d], data: nan }));
  const cases: [string, string, RegExp][] = [
    [
      'v-n.npy',
      'dimension-mismatch',
      /augmentation\.views: 'v-n\.npy' has n = 39 samples \(shape \(39, 3, 5\)\) but the data have 40; the views must come in the order of the data's rows\./,
    ],
    ['v-1.npy', 'out-of-range', /augmentation\.views: 'v-1\.npy' has V = 1 view per sample \(shape \(40, 1, 5\)\); the empirical Σ needs V ≥ 2\./],
    [
      'v-2d.npy',
      'dimension-mismatch',
      /augmentation\.views: 'v-2d\.npy' has shape \(40, 5\); expected an n × V × d array \(samples × views × features\), e\.g\. numpy\.stack\(views, axis=1\)\./,
    ],
    ['v-d.npy', 'dimension-mismatch', /augmentation\.views: 'v-d\.npy' has d = 4 features per view \(shape \(40, 3, 4\)\) but the data have 5\./],
    ['v-nan.npy', 'invalid-value', /augmentation\.views: 'v-nan\.npy' holds a non-finite value \(NaN\) at sample 8, value 14\./],
    ['missing.npy', 'file-not-found', /File 'missing\.npy' not found/],
  ];
  for (const [file, code, message] of cases) {
    const text = SPEC.replace('v.npy', file);
    const r = analyze(text);
    const errs = r.problems.filter((p) => p.severity === 'error');
    assert.equal(errs.length, 1, `${file}: ${JSON.stringify(errs)}`);
    assert.equal(errs[0].code, code, file);
    assert.match(errs[0].message, message);
    // the range is the views file path: line 6, `views: {file: <path>}`
    assert.deepEqual(where(text, errs[0]), [6, 17, 6, 17 + file.length], file);
    assert.equal(r.solutions, undefined);
  }
  // the data as a CSV whose length is only known at its end: the mismatch is found there
  write(
    'x.csv',
    X.slice(0, n - 2)
      .map((r) => r.join(','))
      .join('\n') + '\n',
  );
  const csv = SPEC.replace('file: x.npy', 'file: x.csv').replace('  labels: {file: y.npy}\n', '');
  const e = analyze(csv, { blockRows: 8 }).problems.filter((p) => p.severity === 'error');
  assert.deepEqual(
    e.map((p) => p.code),
    ['dimension-mismatch'],
  );
  assert.match(e[0].message, /augmentation\.views: 'v\.npy' has more than 38 samples but the data have 38/);
  // labels of another length, on the labels
  write('y-short.npy', npy(LABELS.slice(0, 30), { dtype: 'i4' }));
  const lt = SPEC.replace('y.npy', 'y-short.npy');
  const le = analyze(lt).problems.filter((p) => p.severity === 'error');
  assert.equal(le[0].code, 'dimension-mismatch');
  assert.match(le[0].message, /data\.labels: 'y-short\.npy' has n = 30 samples but the data have 40/);
  assert.deepEqual(where(lt, le[0]), [4, 11, 4, 30]);
});

test('the spec language: views is a fourth augmentation kind; with pca or moments it conflicts; the schema agrees', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas/sslexp.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
  ajv.addKeyword('markdownDescription');
  ajv.addKeyword('defaultSnippets');
  const validate = ajv.compile(schema);
  const S = 'sslexp: 1\n';
  const cases: [string, string, boolean, string?][] = [
    ['views', S + 'latent: 2\ndata: {file: x.npy}\naugmentation: {views: {file: v.npy}}\n', true],
    ['views from a .npz with key', S + 'latent: 2\ndata: {file: x.npy}\naugmentation: {views: {file: v.npz, key: views}}\n', true],
    ['views key on a .npy', S + 'latent: 2\ndata: {file: x.npy}\naugmentation: {views: {file: v.npy, key: views}}\n', false, 'invalid-value'],
    ['views as a CSV', S + 'latent: 2\ndata: {file: x.npy}\naugmentation: {views: {file: v.csv}}\n', false, 'unsupported-file-type'],
    ['views without file', S + 'latent: 2\ndata: {file: x.npy}\naugmentation: {views: {}}\n', false, 'missing-parameter'],
    ['views and masking', S + 'latent: 2\ndata: {file: x.npy}\naugmentation: {views: {file: v.npy}, masking: {keep: 0.5}}\n', false, 'conflicting-keys'],
    ['views with pca', S + 'data: {file: x.npy, pca: 2}\naugmentation: {views: {file: v.npy}}\n', false, 'conflicting-keys'],
    ['views with moments', S + 'latent: 2\ndata: {moments: {file: m.npz}}\naugmentation: {views: {file: v.npy}}\n', false, 'conflicting-keys'],
    ['moments without augmentation', S + 'latent: 2\ndata: {moments: {file: m.npz}}\n', true],
    ['moments with pca', S + 'data: {moments: {file: m.npz}, pca: 3, noise: {count: 2, variance: 1}}\n', true],
    ['moments and file', S + 'latent: 2\ndata: {moments: {file: m.npz}, file: x.npy}\naugmentation: {masking: {keep: 0.5}}\n', false, 'conflicting-keys'],
    ['moments and labels', S + 'latent: 2\ndata: {moments: {file: m.npz}, labels: {file: y.npy}}\n', false, 'conflicting-keys'],
    ['moments and Y', S + 'latent: 2\ndata: {moments: {file: m.npz}, Y: [1]}\n', false, 'conflicting-keys'],
    ['moments as a .npy', S + 'latent: 2\ndata: {moments: {file: m.npy}}\n', false, 'unsupported-file-type'],
    ['moments in graph mode', S + 'data: {moments: {file: m.npz}}\ngraph: {views: 2}\nembedding: 2\n', false, 'unknown-key'],
  ];
  for (const [name, text, accepted, code] of cases) {
    const bySchema = validate(parseYaml(text)) as boolean;
    const errs = parseSpec(text, { fileName: 'x.sslexp.yaml' }).problems.filter((p) => p.severity === 'error');
    assert.equal(bySchema, accepted, `${name}: schema ${JSON.stringify(validate.errors)}`);
    assert.equal(errs.length === 0, accepted, `${name}: parser ${JSON.stringify(errs)}`);
    if (code)
      assert.ok(
        errs.some((p) => p.code === code),
        `${name}: ${errs.map((p) => p.code)}`,
      );
  }
  const pca = S + 'data: {file: x.npy, pca: 2}\naugmentation: {views: {file: v.npy}}\n';
  const p = parseSpec(pca, { fileName: 'x.sslexp.yaml' }).problems[0];
  assert.match(p.message, /augmentation\.views: your own views give Σ in the data's own coordinates, not in P1's PCA pipeline; remove data\.pca/);
  assert.deepEqual(where(pca, p), [3, 16, 3, 21]);
});

test('simulate with views is refused like masking (simulation-unsupported on the simulate block)', async () => {
  const text = SPEC + 'alpha: 1\nsimulate: {n: [10, 20]}\n';
  const r = analyze(text);
  const refusal = r.problems.find((p) => p.code === 'simulation-unsupported')!;
  assert.equal(refusal.severity, 'error');
  assert.match(refusal.message, /a views augmentation has no α/);
  assert.deepEqual(where(text, refusal), [9, 11, 9, 24]);
  const out = await simulateSpecText(text, { fileName: path.join(tmp, 's.sslexp.yaml'), baseDir: tmp, readFile: (p) => fs.readFileSync(p), ...ranges });
  assert.equal(out.result, undefined);
  assert.ok(out.problems.some((p) => p.code === 'simulation-unsupported'));
});

test('examples/digits-views.sslexp.yaml: data files as generated (< 1.5 MB), the analysis with a probe per encoder', () => {
  const gen = spawnSync(process.execPath, [path.join(root, 'scripts/make-digit-views.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stdout + gen.stderr);
  const files = ['digits-clean.npy', 'digits-augmented-views.npy', 'digits-augmented-labels.npy'].map((f) => path.join(EXAMPLES, 'data', f));
  assert.ok(files.reduce((s, f) => s + fs.statSync(f).size, 0) < 1.5e6);
  const spec = path.join(EXAMPLES, 'digits-views.sslexp.yaml');
  const r = asAlignment(analyzeText(fs.readFileSync(spec, 'utf8'), { fileName: spec, baseDir: EXAMPLES, readFile: (p) => fs.readFileSync(p), ...ranges }));
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['views-fit'],
  );
  assert.deepEqual(r.dimensions, { d: 64, k: 16, latent: 16 });
  assert.ok(r.recommendation && r.fit, 'your own views get a recommendation (docs/theory.md §6.4.9)');
  const p = r.solutions!.probe!;
  assert.equal(p.train + p.test, 1000);
  // the encoders keep what the probe needs: far above chance (10%) on held-out digits
  for (const a of [p.reconstruction, p.jointEmbedding]) assert.ok(a > 0.6, `${a}`);
});
