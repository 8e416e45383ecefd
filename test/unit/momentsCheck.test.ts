/**
 * Moments files that no samples can have are refused (docs/theory.md §2.1.1): every
 * second-moment member symmetric and positive semi-definite, also centred by its first
 * moments (per class with labels), the cross moment within Cauchy–Schwarz, counts within
 * 2^53 − 1, up to the documented rounding tolerance δ = 4 (N + c + d) ε m, τ = d δ. Exact
 * messages from the reader, the analysis (located on `data.moments.file`), `sslexp check`
 * and `sslexp moments --merge`; legitimate files at the edges of the tolerance pass.
 * Oracles are analytic (eigenvalues of [[4, 5], [5, 4]] and of a I − b J).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import { writeNpz, type NpzEntry } from '../../src/core/io/npzWrite';
import { bytesSource } from '../../src/core/io/stream';
import { Rng } from '../../src/core/numerics/rng';
import { computeLineStarts, offsetToLineColumn } from '../../src/core/problems/problems';
import { entryTolerance } from '../../src/core/theories/alignment/data/momentsCheck';
import { momentsNpz, readMomentsNpz } from '../../src/core/theories/alignment/data/momentsFile';
import { mergeStats, StatsAccumulator, type SufficientStats } from '../../src/core/theories/alignment/data/sufficient';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-moments-check-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const EPS = 2 ** -52;
/** The brief's six samples of three features. */
const X = [
  [1, 2.1, 3.3],
  [2.2, 1, 0.1],
  [0.3, 1.4, 2],
  [5.1, 4, 3.7],
  [4.2, 5.9, 6.1],
  [6.3, 5.2, 4],
];

function xtxOf(rows: number[][]): number[] {
  const d = rows[0].length;
  const out = new Array(d * d).fill(0);
  for (const r of rows) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] += r[i] * r[j];
  return out;
}
const sumOf = (rows: number[][]): number[] => rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0));

type Members = Record<string, { dtype: '<f8' | '<i8'; shape: number[]; data: number[] }>;

function base(n: number, sumX: number[], xtx: number[]): Members {
  const d = sumX.length;
  return {
    version: { dtype: '<i8', shape: [], data: [1] },
    n: { dtype: '<i8', shape: [], data: [n] },
    sum_x: { dtype: '<f8', shape: [d], data: sumX },
    xtx: { dtype: '<f8', shape: [d, d], data: xtx },
  };
}

const npz = (m: Members): Uint8Array => writeNpz(Object.entries(m).map(([name, e]): NpzEntry => ({ name, ...e })));

function refusal(m: Members | Uint8Array, name = 'm.npz'): string {
  try {
    readMomentsNpz(bytesSource(m instanceof Uint8Array ? m : npz(m)), name);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

/** The members of a legitimate file with views and labels: the brief's rows, views x and x + 1 (+ a wobble), labels 0, 1, 0, … */
function withViews(): Members {
  const acc = new StatsAccumulator(3, { views: 2, targets: 'labels' });
  const views = X.flatMap((r, i) => [...r.map((v) => v + 0.1 * i), ...r.map((v, j) => v + 1 - 0.1 * j)]);
  acc.add(Float64Array.from(X.flat()), 6, 0, { views: Float64Array.from(views), labels: Float64Array.from([0, 1, 0, 1, 0, 1]) });
  return membersOf(acc.finish());
}

function membersOf(s: SufficientStats): Members {
  const out: Members = {};
  // re-read the writer's own bytes: the members exactly as `sslexp moments` writes them
  const text = momentsNpz(s);
  const st = readMomentsNpz(bytesSource(text), 'w.npz');
  const d = st.d;
  Object.assign(out, base(st.n, [...st.sumX], [...st.xtx]));
  const v = st.views;
  if (v) {
    out.views = { dtype: '<i8', shape: [], data: [v.count] };
    out.sum_xbar = { dtype: '<f8', shape: [d], data: [...v.sumXbar] };
    out.xbar_t_xbar = { dtype: '<f8', shape: [d, d], data: [...v.xbtxb] };
    out.x_t_xbar = { dtype: '<f8', shape: [d, d], data: [...v.xtxb] };
    out.scatter = { dtype: '<f8', shape: [d, d], data: [...v.scatter] };
  }
  const t = st.targets!;
  const c = t.classes!.length;
  out.classes = { dtype: '<f8', shape: [c], data: [...t.classes!] };
  out.class_counts = { dtype: '<i8', shape: [c], data: [...t.sumY] };
  out.y_t_x = { dtype: '<f8', shape: [c, d], data: [...t.ytx] };
  if (t.ytxb) out.y_t_xbar = { dtype: '<f8', shape: [c, d], data: [...t.ytxb] };
  return out;
}

const maxDiag = (a: number[], d: number): number => Math.max(...Array.from({ length: d }, (_, j) => Math.abs(a[j * d + j])));
const exp3 = (v: number): string => v.toExponential(3);

// ------------------------------------------------------------------ the reader

test('the tolerance is the documented δ = 4 (N + c + d) ε m', () => {
  assert.equal(entryTolerance(6, 1, 3, 100), 4 * 10 * EPS * 100);
  assert.equal(entryTolerance(1e9, 10, 4096, 1), 4 * (1e9 + 10 + 4096) * EPS);
});

test('xtx: not symmetric, a negative diagonal, indefinite: refused naming the member, with the numbers', () => {
  const xtx = xtxOf(X);
  const m = maxDiag(xtx, 3);
  const nonsym = xtx.map((v, i) => (i === 1 ? v + 5 : v));
  assert.equal(
    refusal(base(6, sumOf(X), nonsym), 'nonsym.npz'),
    `nonsym.npz[xtx] is not symmetric: entry [0, 1] is 87.66 but entry [1, 0] is 82.66 (tolerance ${exp3(4 * (6 + 1 + 3) * EPS * m)}, docs/theory.md §2.1.1).`,
  );
  assert.equal(
    refusal(base(6, sumOf(X), [50, 0, 0, 0, 40, 0, 0, 0, -30]), 'indefinite.npz'),
    'indefinite.npz[xtx] is not positive semi-definite: its diagonal entry [2, 2] is -30, but as Σ x xᵀ it holds sums of squares.',
  );
  // [[4, 5], [5, 4]] ⊕ [1]: eigenvalues 9, 1, −1 (analytic); τ = d δ in the unit 2^round(log2 m) = 4
  const tau = 3 * 4 * (6 + 1 + 3) * EPS * 4;
  assert.equal(
    refusal(base(6, [0, 0, 0], [4, 5, 0, 5, 4, 0, 0, 0, 1])),
    `m.npz[xtx] is not positive semi-definite: it has the eigenvalue -1, below −τ = ${exp3(-tau)} (docs/theory.md §2.1.1); Σ x xᵀ has no negative eigenvalue.`,
  );
});

test('sum_x that does not fit xtx and n: beyond Cauchy–Schwarz, or a centred covariance that is not PSD', () => {
  const xtx = xtxOf(X);
  assert.equal(
    refusal(
      base(
        6,
        sumOf(X).map((v) => 10 * v),
        xtx,
      ),
      'big.npz',
    ),
    'big.npz[sum_x] does not fit xtx and n: |sum_x[0]| = 191 exceeds √(n · xtx[0, 0]) = 23.1435 (Cauchy–Schwarz; docs/theory.md §2.1.1).',
  );
  // n = 2, xtx = 2 I, sum_x = (1.9, 1.9): each |s_j| ≤ 2, but 2 I − 1.805 J has the eigenvalue 2 − 3.61 = −1.61
  const tau = 2 * 4 * (2 + 1 + 2) * EPS * 2;
  assert.equal(
    refusal(base(2, [1.9, 1.9], [2, 0, 0, 2])),
    `m.npz[sum_x] does not fit xtx and n: xtx − sum_x sum_xᵀ / n (n times the samples' covariance) has the eigenvalue -1.61, below −τ = ${exp3(-tau)} (docs/theory.md §2.1.1); the sums of real samples give a positive semi-definite covariance.`,
  );
});

test('per-class sums that do not fit: within-class scatter not PSD, classes not adding up, a class of no sample', () => {
  const labelled = (counts: number[], ytx: number[]): Members => ({
    ...base(4, [0, 0], [4, 0, 0, 4]),
    classes: { dtype: '<f8', shape: [2], data: [0, 1] },
    class_counts: { dtype: '<i8', shape: [2], data: counts },
    y_t_x: { dtype: '<f8', shape: [2, 2], data: ytx },
  });
  // 4 I − Σ_c r_c r_cᵀ / 2 = 4 I − 3.61 J: eigenvalue 4 − 7.22 = −3.22; the overall covariance 4 I is fine
  const tau = 2 * 4 * (4 + 2 + 2) * EPS * 4;
  assert.equal(
    refusal(labelled([2, 2], [1.9, 1.9, -1.9, -1.9])),
    `m.npz[y_t_x] does not fit xtx and class_counts: xtx − Σ_c y_t_x[c] y_t_x[c]ᵀ / class_counts[c] (the within-class scatter) has the eigenvalue -3.22, below −τ = ${exp3(-tau)} (docs/theory.md §2.1.1); the sums of real samples give a positive semi-definite one.`,
  );
  assert.equal(
    refusal(labelled([2, 2], [1, 0, 0, 0])),
    `m.npz[y_t_x] does not add up to sum_x: column 0 sums to 1 over the classes but sum_x[0] is 0 (tolerance ${exp3(4 * (4 + 2) * EPS * 4)}).`,
  );
  assert.equal(
    refusal(labelled([4, 0], [0, 0, 1, 0])),
    'm.npz[y_t_x] does not fit xtx and class_counts: |y_t_x[1, 0]| = 1 exceeds √(class_counts[1] · xtx[0, 0]) = 0 (Cauchy–Schwarz; docs/theory.md §2.1.1).',
  );
});

test('view statistics: scatter, xbar_t_xbar, sum_xbar, x_t_xbar and y_t_xbar are each checked', () => {
  const good = withViews();
  assert.equal(refusal(good), 'accepted');
  const edit = (key: string, f: (v: number, i: number) => number): Members => ({ ...good, [key]: { ...good[key], data: good[key].data.map(f) } });
  const cases: [string, Members, RegExp][] = [
    ['scatter not symmetric', edit('scatter', (v, i) => (i === 2 ? v + 1 : v)), /^m\.npz\[scatter\] is not symmetric: entry \[0, 2\] is /],
    [
      'scatter negative diagonal',
      edit('scatter', (v, i) => (i === 4 ? -1 : v)),
      /^m\.npz\[scatter\] is not positive semi-definite: its diagonal entry \[1, 1\] is -1, but as Σ_i 1\/\(V−1\) Σ_v/,
    ],
    [
      'scatter indefinite',
      edit('scatter', (_, i) => [4, 5, 0, 5, 4, 0, 0, 0, 1][i]),
      /^m\.npz\[scatter\] is not positive semi-definite: it has the eigenvalue -1, below −τ = -\d\.\d{3}e-\d+ \(docs\/theory\.md §2\.1\.1\)/,
    ],
    ['xbar_t_xbar not symmetric', edit('xbar_t_xbar', (v, i) => (i === 5 ? v * 1.01 : v)), /^m\.npz\[xbar_t_xbar\] is not symmetric: entry \[1, 2\]/],
    [
      'xbar_t_xbar indefinite',
      edit('xbar_t_xbar', (v, i) => (i % 4 === 0 ? v : v * 3)),
      /^m\.npz\[xbar_t_xbar\] is not positive semi-definite: it has the eigenvalue -/,
    ],
    ['sum_xbar', edit('sum_xbar', (v) => v * 10), /^m\.npz\[sum_xbar\] does not fit xbar_t_xbar and n: \|sum_xbar\[0\]\| = /],
    ['y_t_xbar', edit('y_t_xbar', (v, i) => (i === 0 ? v + 1 : v)), /^m\.npz\[y_t_xbar\] does not add up to sum_xbar: column 0 sums to /],
    [
      'x_t_xbar',
      edit('x_t_xbar', (v) => v * 3),
      /^m\.npz\[x_t_xbar\] does not fit xtx and xbar_t_xbar: centred, entry \[\d, \d\] is .*, beyond the Cauchy–Schwarz bound/,
    ],
  ];
  for (const [what, m, re] of cases) assert.match(refusal(m), re, what);
});

test('counts above 2^53 − 1 are refused as such', () => {
  const xtx = xtxOf(X);
  // n as '<f8' (the reader takes any numeric dtype; the writer here takes only safe integers for
  // '<i8'); numpy's own '<i8' 2^62 is refused the same way in python/tests/test_crosscheck.py
  const n62 = { ...base(1, sumOf(X), xtx), n: { dtype: '<f8' as const, shape: [], data: [2 ** 62] } };
  assert.equal(
    refusal(n62, 'n62.npz'),
    'n62.npz[n] is above 2^53 − 1 = 9007199254740991 (it reads as 4.6117e+18): expected an integer from 1 to 2^53 − 1; float64 does not hold every integer beyond.',
  );
  assert.equal(refusal(base(0, sumOf(X), xtx)), 'm.npz[n] is 0, expected an integer >= 1.');
  assert.equal(refusal(base(2 ** 53 - 1, sumOf(X), xtx)), 'accepted');
  const counts: Members = {
    ...base(6, sumOf(X), xtx),
    classes: { dtype: '<f8', shape: [2], data: [0, 1] },
    class_counts: { dtype: '<f8', shape: [2], data: [2 ** 60, 6] },
    y_t_x: { dtype: '<f8', shape: [2, 3], data: [0, 0, 0, ...sumOf(X)] },
  };
  assert.match(
    refusal(counts),
    /^m\.npz\[class_counts\]\[0\] is above 2\^53 − 1 = 9007199254740991 \(it reads as 1\.1529e\+18\): expected an integer from 0 to 2\^53 − 1/,
  );
});

// ------------------------------------------------------------------ legitimate files pass

function statsOf(rows: Float64Array, n: number, d: number, opts: { V?: number; views?: Float64Array; labels?: Float64Array } = {}): SufficientStats {
  const acc = new StatsAccumulator(d, { ...(opts.V ? { views: opts.V } : {}), ...(opts.labels ? { targets: 'labels' as const } : {}) });
  acc.add(rows, n, 0, { ...(opts.views ? { views: opts.views } : {}), ...(opts.labels ? { labels: opts.labels } : {}) });
  return acc.finish();
}

test('legitimate files at the edges of the tolerance pass: d > n with a large mean, n = 1, zeros, singletons, float32, merged shards', () => {
  const rng = new Rng(7);
  const accepted = (s: SufficientStats, what: string) => assert.equal(refusal(momentsNpz(s)), 'accepted', what);
  for (let seed = 0; seed < 40; seed++) {
    const n = 1 + (seed % 7);
    const d = 1 + ((seed * 5) % 13);
    const V = 2 + (seed % 3);
    const shift = [0, 1e4, -3e7][seed % 3];
    const x = Float64Array.from({ length: n * d }, () => shift + rng.normal() * (seed % 2 ? 1e-3 : 10));
    const f32 = seed % 4 === 0 ? Float64Array.from(new Float32Array(x)) : x;
    const views = Float64Array.from({ length: n * V * d }, (_, i) => f32[Math.floor(i / (V * d)) * d + (i % d)] + (seed % 5 === 0 ? 0 : rng.normal()));
    const labels = Float64Array.from({ length: n }, (_, i) => (seed % 3 === 0 ? i : i % 2)); // singletons: within-class scatter 0
    accepted(statsOf(f32, n, d, { V, views, labels }), `seed ${seed}: n ${n}, d ${d}, shift ${shift}`);
  }
  accepted(statsOf(new Float64Array(12), 3, 4), 'all zeros');
  // shards merged: a large mean, many shards of one row each
  let merged: SufficientStats | undefined;
  for (let i = 0; i < 30; i++) {
    const s = statsOf(
      Float64Array.from({ length: 5 }, () => 1e6 + rng.normal()),
      1,
      5,
    );
    merged = merged ? mergeStats(merged, s) : s;
  }
  accepted(merged!, 'merged singletons');
});

test('the eigenvalue tolerance is the documented τ = d δ: −3τ is refused, −τ/2 passes', () => {
  // rank-deficient data (n = 3 < d = 8): the centred covariance has exact zero eigenvalues
  const rng = new Rng(2);
  const d = 8;
  const s = statsOf(
    Float64Array.from({ length: 3 * d }, () => 5 + rng.normal()),
    3,
    d,
  );
  const m = maxDiag([...s.xtx], d);
  const tau = d * entryTolerance(3, 1, d, m);
  const shifted = (by: number): Uint8Array => momentsNpz({ ...s, xtx: s.xtx.map((v, i) => (i % (d + 1) === 0 ? v - by : v)) });
  assert.equal(refusal(shifted(tau / 2)), 'accepted');
  assert.match(refusal(shifted(3 * tau)), /^m\.npz\[(xtx|sum_x)\] (is not positive semi-definite|does not fit xtx and n): .*has the eigenvalue -/);
});

// ------------------------------------------------------------------ the analysis, check and --merge

const write = (name: string, bytes: Uint8Array | string): void => fs.writeFileSync(path.join(tmp, name), bytes);
const sslexp = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });

const SPEC = 'sslexp: 1\ndata: {moments: {file: nonsym.npz}, pca: 2, noise: {count: 2, variance: 1}}\naugmentation: {additive: {theta: 0.1}}\n';

test('in the analysis: one error on the data.moments.file value naming the member; sslexp check prints it located', () => {
  const xtx = xtxOf(X);
  write(
    'nonsym.npz',
    npz(
      base(
        6,
        sumOf(X),
        xtx.map((v, i) => (i === 1 ? v + 5 : v)),
      ),
    ),
  );
  write('indefinite.npz', npz(base(6, sumOf(X), [50, 0, 0, 0, 40, 0, 0, 0, -30])));
  write('spec.sslexp.yaml', SPEC);
  const r = analyzeText(SPEC, { fileName: path.join(tmp, 'spec.sslexp.yaml'), baseDir: tmp, readFile: (p) => fs.readFileSync(p) });
  const errors = r.problems.filter((p) => p.severity === 'error');
  const why = `nonsym.npz[xtx] is not symmetric: entry [0, 1] is 87.66 but entry [1, 0] is 82.66 (tolerance ${exp3(40 * EPS * maxDiag(xtx, 3))}, docs/theory.md §2.1.1).`;
  assert.deepEqual(
    errors.map((p) => [p.code, p.message, SPEC.slice(p.start, p.end)]),
    [['file-parse-error', `Cannot read 'nonsym.npz': ${why}`, 'nonsym.npz']],
  );
  const at = offsetToLineColumn(computeLineStarts(SPEC), errors[0].start);
  assert.deepEqual([at.line, at.column], [2, 24]);
  const check = sslexp(['check', 'spec.sslexp.yaml']);
  assert.equal(check.status, 1);
  assert.equal(check.stdout, `spec.sslexp.yaml:2:24: error file-parse-error: Cannot read 'nonsym.npz': ${why}\n`);
  const analyze = sslexp(['analyze', 'spec.sslexp.yaml']);
  assert.equal(analyze.status, 1);
  assert.doesNotMatch(analyze.stdout, /α²_RC/);
});

test('every kind of impossible file, in one sslexp check: each spec gets its located error with the reader message', () => {
  const good = withViews();
  const edit = (key: string, f: (v: number, i: number) => number): Members => ({ ...good, [key]: { ...good[key], data: good[key].data.map(f) } });
  const files: [string, Members][] = [
    [
      'nonsym.npz',
      base(
        6,
        sumOf(X),
        xtxOf(X).map((v, i) => (i === 1 ? v + 5 : v)),
      ),
    ],
    ['indefinite.npz', base(6, sumOf(X), [50, 0, 0, 0, 40, 0, 0, 0, -30])],
    [
      'big.npz',
      base(
        6,
        sumOf(X).map((v) => 10 * v),
        xtxOf(X),
      ),
    ],
    ['scatter-nonsym.npz', edit('scatter', (v, i) => (i === 2 ? v + 1 : v))],
    ['scatter-indefinite.npz', edit('scatter', (_, i) => [4, 5, 0, 5, 4, 0, 0, 0, 1][i])],
    ['n62.npz', { ...base(1, sumOf(X), xtxOf(X)), n: { dtype: '<f8', shape: [], data: [2 ** 62] } }],
  ];
  const expected: string[] = [];
  files.forEach(([file, m], k) => {
    write(file, npz(m));
    const spec = `sslexp: 1\n# case ${k}\ndata: {moments: {file: ${file}}, pca: 2, noise: {count: 2, variance: 1}}\naugmentation: {additive: {theta: 0.1}}\n`;
    write(`case${k}.sslexp.yaml`, spec);
    expected.push(`case${k}.sslexp.yaml:3:24: error file-parse-error: Cannot read '${file}': ${refusal(m, file)}`);
  });
  const r = sslexp(['check', ...files.map((_, k) => `case${k}.sslexp.yaml`)]);
  assert.equal(r.status, 1);
  assert.deepEqual(r.stdout.trim().split('\n'), expected);
  assert.ok(expected.every((line) => !line.endsWith('accepted')));
});

test('sslexp moments --merge refuses an impossible shard, FILE: error CODE: message, and writes nothing', () => {
  const r = sslexp(['moments', '--merge', 'nonsym.npz', 'indefinite.npz', '-o', 'merged.npz']);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /^nonsym\.npz: error file-parse-error: nonsym\.npz\[xtx\] is not symmetric: entry \[0, 1\] is 87\.66 but entry \[1, 0\] is 82\.66 \(tolerance /,
  );
  const r2 = sslexp(['moments', '--merge', 'indefinite.npz', 'nonsym.npz', '-o', 'merged.npz']);
  assert.equal(
    r2.stderr,
    'indefinite.npz: error file-parse-error: indefinite.npz[xtx] is not positive semi-definite: its diagonal entry [2, 2] is -30, but as Σ x xᵀ it holds sums of squares.\n',
  );
  assert.equal(fs.existsSync(path.join(tmp, 'merged.npz')), false);
});
