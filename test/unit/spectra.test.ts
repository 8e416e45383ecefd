import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateSpectrum, resolveSpectra, type SpectrumContext } from '../../src/core/theories/alignment/spectra';
import { parseSpec } from '../../src/core/spec/parseSpec';
import { Rng } from '../../src/core/numerics/rng';
import { PROBLEM_CODES } from '../../src/core/problems/codes';
import { computeLineStarts, offsetToLineColumn, type Problem } from '../../src/core/problems/problems';
import type { SpectralSpec, SpectrumSpec } from '../../src/core/spec/model';
import { assertNoHang, timed } from '../support/hangGuard';

const seen = new Map<string, Problem['severity']>();
const span = { start: 0, end: 0 };
function ev(s: SpectrumSpec, count: number | undefined, ctx: SpectrumContext = {}) {
  const r = evaluateSpectrum(s, count, ctx);
  for (const p of r.problems) seen.set(p.code, p.severity);
  return r;
}
function close(a: number, b: number, rel = 1e-14): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)), `${a} != ${b}`);
}

/** Parses a spectral spec (must be valid) and resolves it with `files` as the file system. */
function resolve(text: string, files?: Record<string, Uint8Array | Error>) {
  const parsed = parseSpec(text, { fileName: 'x.sslexp.yaml', baseDir: '/specs' });
  assert.ok(parsed.spec, JSON.stringify(parsed.problems));
  const ctx: SpectrumContext = { baseDir: '/specs' };
  if (files) {
    ctx.readFile = (abs) => {
      const f = files[abs];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${abs}'`), { code: 'ENOENT' });
      if (f instanceof Error) throw f;
      return f;
    };
  }
  const r = resolveSpectra(parsed.spec as SpectralSpec, ctx);
  for (const p of r.problems) seen.set(p.code, p.severity);
  return r;
}

function at(text: string, p: Problem): [number, number, string] {
  const lc = offsetToLineColumn(computeLineStarts(text), p.start);
  return [lc.line, lc.column, text.slice(p.start, p.end)];
}

const csv = (s: string): Uint8Array => new TextEncoder().encode(s);

// ------------------------------------------------------------------ families

test('flat and list, with scale', () => {
  assert.deepEqual(Array.from(ev({ kind: 'flat', value: 2.5, span }, 3).values!), [2.5, 2.5, 2.5]);
  assert.deepEqual(Array.from(ev({ kind: 'flat', value: 2, scale: 3, span }, 2).values!), [6, 6]);
  assert.deepEqual(Array.from(ev({ kind: 'list', values: [3, 2, 1], span }, 3).values!), [3, 2, 1]);
  assert.deepEqual(Array.from(ev({ kind: 'list', values: [3, 2, 1], scale: 0.5, span }, undefined).values!), [1.5, 1, 0.5]);
  const bad = ev({ kind: 'list', values: [3, 2, 1], span: { start: 4, end: 9 } }, 4);
  assert.deepEqual(
    bad.problems.map((p) => [p.code, p.message, p.start, p.end]),
    [['count-mismatch', 'spectrum lists 3 values but the block has 4 components.', 4, 9]],
  );
  assert.equal(ev({ kind: 'flat', value: 1, span }, 0).values!.length, 0);
});

test('power_law: lambda_i = first * ((i + offset) / (1 + offset))^(-exponent)', () => {
  const v = ev({ kind: 'power_law', first: 3e5, exponent: 1, offset: 0, span }, 4).values!;
  assert.equal(v[0], 3e5);
  assert.equal(v[1], 1.5e5);
  assert.equal(v[2], 1e5);
  assert.equal(v[3], 7.5e4);
  const w = ev({ kind: 'power_law', first: 9, exponent: 2, offset: 1, span }, 3).values!;
  close(w[0], 9);
  close(w[1], 9 * (2 / 3) ** 2); // ((2 + 1) / 2)^-2 = 4/9
  close(w[2], 9 * (2 / 4) ** 2);
  const u = ev({ kind: 'power_law', first: 1, exponent: 0.5, offset: 0.5, scale: 10, span }, 3).values!;
  close(u[0], 10);
  close(u[1], 10 * (2.5 / 1.5) ** -0.5);
  close(u[2], 10 * (3.5 / 1.5) ** -0.5);
  assert.deepEqual(Array.from(ev({ kind: 'power_law', first: 4, exponent: 0, offset: 0, span }, 2).values!), [4, 4]);
  // the fast recurrence agrees with Math.pow everywhere (general exponents, long spectra)
  for (const [e, off] of [
    [1.3, 2],
    [-0.7, 0],
    [3.9, 0.25],
    [0.5, 10],
    [7, 0],
  ]) {
    const x = ev({ kind: 'power_law', first: 2, exponent: e, offset: off, span }, 200_000).values!;
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] / (2 * Math.pow((i + 1 + off) / (1 + off), -e)) - 1));
    assert.ok(worst < 2e-14, `exponent ${e}: relative error ${worst}`);
  }
  // an increasing spectrum that overflows is reported, not returned
  const o = ev({ kind: 'power_law', first: 1, exponent: -400, offset: 0, span: { start: 1, end: 2 } }, 10);
  assert.equal(o.values, undefined);
  assert.deepEqual(
    o.problems.map((p) => [p.code, p.message]),
    [['invalid-value', 'spectrum: component 6 is Infinity; every variance must be a finite number.']],
  );
});

test('exponential: lambda_i = first * exp(-rate (i - 1))', () => {
  const v = ev({ kind: 'exponential', first: 100, rate: 0.5, span }, 4).values!;
  assert.equal(v[0], 100);
  close(v[1], 100 * Math.exp(-0.5));
  close(v[2], 100 * Math.exp(-1));
  close(v[3], 100 * Math.exp(-1.5));
  // no drift after many components
  const long = ev({ kind: 'exponential', first: 1, rate: 1e-5, span }, 1_000_000).values!;
  let worst = 0;
  for (let i = 0; i < long.length; i++) worst = Math.max(worst, Math.abs(long[i] / Math.exp(-1e-5 * i) - 1));
  assert.ok(worst < 1e-14, `relative error ${worst}`);
});

test('Rng: golden numbers for seed 1 (cross-checked with an independent Python implementation)', () => {
  const r = new Rng(1);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], [1905135405, 1280658582, 4077258325]);
  const g = new Rng(1);
  assert.deepEqual(
    Array.from({ length: 5 }, () => g.next()),
    [0.4435739017887157, 0.9493106761135195, 0.14163341669650165, 0.4962525240940926, 0.4876736186618498],
  );
  const big = new Rng(2 ** 40 + 7);
  assert.deepEqual([big.next(), big.next()], [0.11141417544552501, 0.49837341907705335]);
  assert.notDeepEqual([new Rng(2).next()], [new Rng(1).next()]);
});

test('Rng: uniform in [0, 1) with the right moments; normal() has mean 0, variance 1', () => {
  const r = new Rng(7);
  const n = 200_000;
  let s = 0;
  let s2 = 0;
  let min = 1;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    s += u;
    s2 += u * u;
    if (u < min) min = u;
    if (u > max) max = u;
  }
  const mean = s / n;
  const variance = s2 / n - mean * mean;
  assert.ok(min >= 0 && max < 1);
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
  let t = 0;
  let t2 = 0;
  let t4 = 0;
  const g = new Rng(8);
  for (let i = 0; i < n; i++) {
    const z = g.normal();
    t += z;
    t2 += z * z;
    t4 += z ** 4;
  }
  assert.ok(Math.abs(t / n) < 5 / Math.sqrt(n), `normal mean ${t / n}`);
  assert.ok(Math.abs(t2 / n - 1) < 0.02, `normal variance ${t2 / n}`);
  assert.ok(Math.abs(t4 / n - 3) < 0.1, `normal kurtosis ${t4 / n}`);
  // deterministic
  const a = new Rng(3);
  const b = new Rng(3);
  for (let i = 0; i < 10; i++) assert.equal(a.normal(), b.normal());
});

test('uniform: low + (high - low) u with the seeded generator, reproducible, times scale', () => {
  const v = ev({ kind: 'uniform', low: 2, high: 5, seed: 1, span }, 5).values!;
  const golden = [0.4435739017887157, 0.9493106761135195, 0.14163341669650165, 0.4962525240940926, 0.4876736186618498];
  for (let i = 0; i < 5; i++) assert.equal(v[i], 2 + 3 * golden[i]);
  const w = ev({ kind: 'uniform', low: 0, high: 1e4, seed: 1, scale: 2, span }, 5).values!;
  for (let i = 0; i < 5; i++) assert.equal(w[i], 1e4 * golden[i] * 2);
  const big = ev({ kind: 'uniform', low: 0, high: 1e6, seed: 2, span }, 100_000).values!;
  let m = 0;
  for (const x of big) {
    assert.ok(x >= 0 && x < 1e6);
    m += x;
  }
  assert.ok(Math.abs(m / big.length - 5e5) < 5e5 * 0.01);
  const again = ev({ kind: 'uniform', low: 0, high: 1e6, seed: 2, span }, 100_000).values!;
  assert.deepEqual(again, big);
});

test('10^6 components per family evaluate to finite values (their speed: npm run bench)', () => {
  const families: SpectrumSpec[] = [
    { kind: 'power_law', first: 3e5, exponent: 1, offset: 0, span },
    { kind: 'power_law', first: 3e5, exponent: 1.3, offset: 2, span },
    { kind: 'exponential', first: 3e5, rate: 1e-3, span },
    { kind: 'uniform', low: 0, high: 1e6, seed: 2, span },
    { kind: 'flat', value: 1, scale: 2, span },
  ];
  // how fast: bench/refusalBench.ts (npm run bench); here only that 10^6 components come out finite, without hanging
  for (const f of families) {
    const { value: r, ms } = timed(() => ev(f, 1_000_000));
    assert.equal(r.values!.length, 1_000_000);
    assert.ok(r.values!.every(Number.isFinite), f.kind);
    assertNoHang(ms, `${f.kind}, 10^6 components`);
  }
});

// ------------------------------------------------------------------ files

function npyF8(values: number[]): Uint8Array {
  const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${values.length},), }`;
  const padded = header + ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + padded.length + values.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  out.set(new TextEncoder().encode(padded), 10);
  new Float64Array(out.buffer, 10 + padded.length).set(values);
  return out;
}

const FILE_SPEC = 'sslexp: 1\nsignal: {variance: {file: eig/sig.npy, scale: 2}}\nnoise: {count: 2, variance: {file: eig/noise.csv}}\n';

test('file spectra: the count comes from the file; scale applies; values are read from .npy and .csv', () => {
  const r = resolve(FILE_SPEC, { '/specs/eig/sig.npy': npyF8([4, 3, 2]), '/specs/eig/noise.csv': csv('lambda\n1.5\n0.5\n') });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(Array.from(r.spectra!.c), [8, 6, 4]);
  assert.deepEqual(Array.from(r.spectra!.thetaImportant), [0, 0, 0]);
  assert.deepEqual(Array.from(r.spectra!.gamma), [1.5, 0.5]);
  assert.deepEqual(Array.from(r.spectra!.thetaNoise), [0, 0]);
  // an augmentation list decides the length of a file-less variance
  const r2 = resolve('sslexp: 1\nsignal: {variance: 1, augmentation: {file: a.csv}}\nnoise: {count: 0}\n', { '/specs/a.csv': csv('1,2,3,4\n') });
  assert.deepEqual(Array.from(r2.spectra!.c), [1, 1, 1, 1]);
  assert.deepEqual(Array.from(r2.spectra!.thetaImportant), [1, 2, 3, 4]);
});

test('untrusted-file: a warning on the path, no values', () => {
  const r = resolve(FILE_SPEC);
  assert.equal(r.spectra, undefined);
  assert.equal(r.problems.length, 2);
  const p = r.problems[0];
  assert.equal(p.code, 'untrusted-file');
  assert.equal(p.severity, 'warning');
  assert.equal(p.message, "Data files are not read in an untrusted workspace: 'eig/sig.npy' is ignored and signal.variance cannot be evaluated.");
  assert.deepEqual(at(FILE_SPEC, p), [2, 27, 'eig/sig.npy']);
});

test('file-not-found, file-read-error and limit-exceeded on the path span', () => {
  const nf = resolve(FILE_SPEC, { '/specs/eig/noise.csv': csv('1\n2\n') });
  assert.deepEqual(
    nf.problems.map((p) => [p.code, p.message, ...at(FILE_SPEC, p)]),
    [['file-not-found', "File 'eig/sig.npy' not found (looked for /specs/eig/sig.npy).", 2, 27, 'eig/sig.npy']],
  );
  const denied = Object.assign(new Error("EACCES: permission denied, open '/specs/eig/sig.npy'"), { code: 'EACCES' });
  const rd = resolve(FILE_SPEC, { '/specs/eig/sig.npy': denied, '/specs/eig/noise.csv': csv('1\n2\n') });
  assert.deepEqual(
    rd.problems.map((p) => [p.code, p.message]),
    [['file-read-error', "Cannot read 'eig/sig.npy': EACCES: permission denied, open '/specs/eig/sig.npy'"]],
  );
  const big = resolve(FILE_SPEC, {
    '/specs/eig/sig.npy': new Error('/specs/eig/sig.npy is 600000000 bytes, over the limit of 536870912'),
    '/specs/eig/noise.csv': csv('1\n2\n'),
  });
  assert.deepEqual(
    big.problems.map((p) => [p.code, p.message]),
    [['limit-exceeded', "File 'eig/sig.npy' is larger than the limit of 536870912 bytes."]],
  );
  const huge = { length: 536870913 } as unknown as Uint8Array;
  const h = resolve(FILE_SPEC, { '/specs/eig/sig.npy': huge, '/specs/eig/noise.csv': csv('1\n2\n') });
  assert.deepEqual(
    h.problems.map((p) => [p.code, p.message]),
    [['limit-exceeded', "File 'eig/sig.npy' is 536870913 bytes, over the limit of 536870912."]],
  );
});

test('file-parse-error with the reason; count-mismatch; negative and NaN values name the index', () => {
  const bad = resolve(FILE_SPEC, { '/specs/eig/sig.npy': npyF8([1, 2]).slice(0, 140), '/specs/eig/noise.csv': csv('1\n2\n') });
  assert.deepEqual(
    bad.problems.map((p) => [p.code, p.message, ...at(FILE_SPEC, p)]),
    [['file-parse-error', "Cannot read 'eig/sig.npy': sig.npy is truncated: shape (2,) of <f8 needs 16 bytes of data, the file has 12.", 2, 27, 'eig/sig.npy']],
  );
  const matrix = resolve(FILE_SPEC, { '/specs/eig/sig.npy': npyF8([1]), '/specs/eig/noise.csv': csv('1,2\n3,4\n') });
  assert.deepEqual(
    matrix.problems.map((p) => [p.code, p.message]),
    [['file-parse-error', "Cannot read 'eig/noise.csv': noise.csv: expected a 1-D array of eigenvalues, got shape (2, 2)."]],
  );
  const mism = resolve(FILE_SPEC, { '/specs/eig/sig.npy': npyF8([1]), '/specs/eig/noise.csv': csv('1\n2\n3\n') });
  assert.deepEqual(
    mism.problems.map((p) => [p.code, p.message, ...at(FILE_SPEC, p)]),
    [['count-mismatch', "'eig/noise.csv' has 3 values but noise.variance needs 2 (the block's count).", 3, 36, 'eig/noise.csv']],
  );
  const neg = resolve(FILE_SPEC, { '/specs/eig/sig.npy': npyF8([1, -2, 3]), '/specs/eig/noise.csv': csv('1\nnan\n') });
  assert.deepEqual(
    neg.problems.map((p) => [p.code, p.message, ...at(FILE_SPEC, p)]),
    [
      ['negative-variance', "'eig/sig.npy': the value at index 1 (component 2) is -2; a variance must be ≥ 0.", 2, 27, 'eig/sig.npy'],
      ['invalid-value', "'eig/noise.csv': the value at index 1 (component 2) is NaN; every variance must be a finite number.", 3, 36, 'eig/noise.csv'],
    ],
  );
});

// ------------------------------------------------------------------ docs/theory.md §4.5 warnings

test('zero-signal-variance, zero-noise-variance and singular-noise-component warnings (docs/theory.md §4.5)', () => {
  const text = 'sslexp: 1\nsignal: {variance: [3, 0, 2, 0]}\nnoise:\n  variance: [1, 0, 0, 2]\n  augmentation: [1, 1, 0, 0]\n';
  const r = resolve(text);
  assert.ok(r.spectra, 'warnings do not block the spectra');
  assert.deepEqual(
    r.problems.map((p) => [p.code, p.severity, p.message, ...at(text, p)]),
    [
      [
        'zero-signal-variance',
        'warning',
        'Components 2, 4 have zero signal variance; the thresholds are infinite (never recovered) (docs/theory.md §4.5).',
        2,
        20,
        '[3, 0, 2, 0]',
      ],
      [
        'zero-noise-variance',
        'warning',
        'Noise component 2 has zero noise variance (lambda^Gamma = 0); excluded from the max in the thresholds (docs/theory.md §4.5).',
        4,
        13,
        '[1, 0, 0, 2]',
      ],
      [
        'singular-noise-component',
        'warning',
        'Noise component 3 has zero noise and zero augmentation variance; the corrupted second moment S is singular there (docs/theory.md §4.5).',
        4,
        13,
        '[1, 0, 0, 2]',
      ],
    ],
  );
  const many = resolve('sslexp: 1\nsignal: {count: 9, variance: 0}\nnoise: {count: 1, variance: 1}\n');
  assert.equal(
    many.problems[0].message,
    'Components 1, 2, 3, 4, 5 (and 4 more) have zero signal variance; the thresholds are infinite (never recovered) (docs/theory.md §4.5).',
  );
  const clean = resolve('sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 2, variance: 1}\n');
  assert.deepEqual(clean.problems, []);
});

test('resolveSpectra of 10^6 + 10^6 components (its speed: npm run bench)', () => {
  const text =
    'sslexp: 1\nsignal: {count: 1000000, variance: {power_law: {first: 3.0e5, exponent: 1}}, augmentation: {uniform: {low: 0, high: 1.0e4, seed: 1}}}\nnoise: {count: 1000000, variance: {uniform: {low: 1, high: 1.0e6, seed: 2}}, augmentation: 1.0e3}\n';
  const { value: r, ms } = timed(() => resolve(text));
  assert.equal(r.spectra!.c.length, 1_000_000);
  assert.equal(r.spectra!.gamma.length, 1_000_000);
  assertNoHang(ms, 'resolveSpectra of 2·10^6 components');
});

test('every code emitted here is in PROBLEM_CODES with the same severity; every spectra code is exercised', () => {
  for (const [code, severity] of seen) {
    assert.ok(code in PROBLEM_CODES, `code '${code}' missing from codes.ts`);
    assert.equal(PROBLEM_CODES[code].severity, severity, code);
  }
  for (const c of [
    'untrusted-file',
    'file-not-found',
    'file-read-error',
    'file-parse-error',
    'zero-signal-variance',
    'zero-noise-variance',
    'singular-noise-component',
    'count-mismatch',
    'negative-variance',
    'invalid-value',
    'limit-exceeded',
  ]) {
    assert.ok(seen.has(c), `no test emits '${c}'`);
  }
});
