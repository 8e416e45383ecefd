/**
 * Data of any size (docs/spec.md "Data mode", "Moments as a file"): the block readers against the
 * whole-file readers, the sufficient statistics against a direct computation, the streamed
 * analysis against the in-memory one (1e-12 relative), shards merged against the whole, the
 * moments file re-read by the project's reader and by numpy, and `sslexp moments` /
 * `analyze --output` end to end.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import type { AlignmentEngineResult, EngineOptions } from '../../src/core/engine/types';
import { readCsv } from '../../src/core/io/csv';
import { openCsvStream } from '../../src/core/io/csvStream';
import { readNpy } from '../../src/core/io/npy';
import { openNpyStream } from '../../src/core/io/npyStream';
import { npzMembers } from '../../src/core/io/npzStream';
import { npyBytes, writeNpz } from '../../src/core/io/npzWrite';
import { bytesSource, type ByteSource, type RowStream } from '../../src/core/io/stream';
import { readArray } from '../../src/core/io/readArray';
import { computeLineStarts, offsetToLineColumn } from '../../src/core/problems/problems';
import { momentsNpz, readMomentsNpz } from '../../src/core/theories/alignment/data/momentsFile';
import { mergeStats, StatsAccumulator, type SufficientStats } from '../../src/core/theories/alignment/data/sufficient';
import { Rng } from '../../src/core/numerics/rng';
import { asAlignment } from '../support/engine';
import { npy } from './support/npy';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const EXAMPLES = path.join(root, 'examples');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-moments-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
/** python3 with numpy (PATH's, else Debian's); CI installs it, so there a missing one fails instead of skipping. */
const python: string | undefined = ['python3', '/usr/bin/python3'].find(
  (exe) => spawnSync(exe, ['-c', 'import numpy'], { encoding: 'utf8', timeout: 30_000 }).status === 0,
);
const NO_PYTHON = 'python3 with numpy is not installed (apt-get install python3-numpy)';
const skipWithoutPython = python || process.env.CI ? false : NO_PYTHON;
const needPython = (): string => python ?? assert.fail(`${NO_PYTHON}: CI must have it (.ci/run)`);

function sslexp(args: string[], cwd = tmp) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const write = (name: string, bytes: Uint8Array | string): string => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
};

/** A source that hands out at most `chunk` bytes per read from an odd offset of a larger buffer (unaligned views). */
function awkwardSource(bytes: Uint8Array, chunk = Infinity): ByteSource & { reads: number } {
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  const view = padded.subarray(3);
  const src = {
    size: bytes.length,
    reads: 0,
    read(position: number, length: number) {
      src.reads++;
      return view.subarray(position, Math.min(bytes.length, position + Math.min(length, chunk)));
    },
  };
  return src;
}

function drain(s: RowStream, block: number): { data: number[]; rows: number } {
  const data: number[] = [];
  let rows = 0;
  for (let b = s.next(block); b; b = s.next(block)) {
    data.push(...b.data);
    rows += b.rows;
  }
  return { data, rows };
}

function randomMatrix(rows: number, cols: number, seed: number, shift = 0): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: rows * cols }, (_, i) => shift * ((i % cols) + 1) + rng.normal() * (1 + (i % cols)));
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

const flat = (m: number[][] | number[]): number[] => (Array.isArray(m[0]) ? (m as number[][]).flat() : (m as number[]));

/** Every member of a moments file, in file order: dtype (from the .npy header), shape and values. */
function fileMembers(bytes: Uint8Array, name = 'm.npz'): [string, { dtype: string; shape: number[]; data: Float64Array }][] {
  return [...npzMembers(bytesSource(bytes), name)].map(([key, m]) => {
    const raw = m.source.read(0, m.source.size);
    const dtype = /'descr': '([^']+)'/.exec(new TextDecoder().decode(raw.subarray(0, 128)))![1];
    return [key, { dtype, ...readNpy(raw, `${name}[${key}]`) }];
  });
}

/** Two moments files hold the same members in the same order, dtypes and shapes, every value within `tol` relative to the member's largest. */
function sameMembers(a: Uint8Array, b: Uint8Array, tol: number, what: string): string[] {
  const ma = fileMembers(a);
  const mb = fileMembers(b);
  assert.deepEqual(
    ma.map(([k, v]) => [k, v.dtype, v.shape]),
    mb.map(([k, v]) => [k, v.dtype, v.shape]),
    `${what}: members`,
  );
  ma.forEach(([k, v], i) => assert.ok(relErr(v.data, mb[i][1].data) <= tol, `${what}: ${k} differs by ${relErr(v.data, mb[i][1].data)}`));
  return ma.map(([k]) => k);
}

const ALL_MEMBERS = ['version', 'n', 'sum_x', 'xtx', 'views', 'sum_xbar', 'xbar_t_xbar', 'x_t_xbar', 'scatter', 'classes', 'class_counts', 'y_t_x', 'y_t_xbar'];

// ------------------------------------------------------------------ block readers

test('npy blocks: every dtype and byte order, any block size, unaligned buffers: the same values as readNpy', () => {
  const values = randomMatrix(13, 5, 1).map((v) => Math.round(v * 8) / 8);
  const ints = values.map((v) => Math.round(Math.abs(v) * 3));
  const cases: [string, Uint8Array][] = [
    ['<f8', npy(values, { shape: [13, 5] })],
    ['<f4', npy(values, { dtype: 'f4', shape: [13, 5] })],
    ['>f8', npy(values, { big: true, shape: [13, 5] })],
    ['>f4', npy(values, { dtype: 'f4', big: true, shape: [13, 5] })],
    ['<i2', npy(ints, { dtype: 'i2', shape: [13, 5] })],
    ['|u1', npy(ints, { dtype: 'u1', shape: [13, 5] })],
    ['<i8', npy(ints, { dtype: 'i8', shape: [13, 5] })],
    ['3-D <f4', npy(values.slice(0, 60), { dtype: 'f4', shape: [4, 3, 5] })],
    ['v2 header', npy(values, { shape: [13, 5], version: 2 })],
  ];
  for (const [what, bytes] of cases) {
    const whole = readNpy(bytes, what);
    for (const block of [1, 2, 5, 13, 100]) {
      const s = openNpyStream(awkwardSource(bytes), what);
      assert.equal(s.rows, whole.shape[0]);
      assert.equal(s.width, whole.data.length / whole.shape[0]);
      const got = drain(s, block);
      assert.equal(got.rows, whole.shape[0], `${what} block ${block}`);
      assert.deepEqual(got.data, [...whole.data], `${what} block ${block}`);
    }
  }
});

test("npy blocks: truncated files are refused with the whole-file reader's words; Fortran order is read in blocks too", () => {
  const bytes = npy(randomMatrix(4, 3, 2), { shape: [4, 3] });
  assert.throws(
    () => openNpyStream(bytesSource(bytes.subarray(0, bytes.length - 8)), 't.npy'),
    /t\.npy is truncated: shape \(4, 3\) of <f8 needs 96 bytes of data, the file has 88/,
  );
  const f = npy([1, 2, 3, 4, 5, 6], { shape: [2, 3], fortran: true });
  assert.deepEqual([...readArray(f, 'f.npy').data], [1, 3, 5, 2, 4, 6]);
  assert.deepEqual(drain(openNpyStream(awkwardSource(f), 'f.npy'), 1).data, [1, 3, 5, 2, 4, 6]);
});

test('CSV blocks: header, comments, blank lines, CRLF, BOM, quotes and multi-byte text across read boundaries, as readCsv', () => {
  const text = '\ufeff# a comment\r\n"x","y é",z\r\n\r\n1,2,3  # trailing\r\n4.5,-6e-3,"7"\r\n\r\n# another\r\nnan,inf,-inf\r\n8,9,10';
  const bytes = new TextEncoder().encode(text);
  const whole = readCsv(bytes, 'c.csv');
  for (const readBytes of [1, 2, 3, 7, 16, 1 << 20]) {
    for (const block of [1, 2, 10]) {
      const s = openCsvStream(awkwardSource(bytes), 'c.csv', readBytes);
      assert.equal(s.width, 3);
      const got = drain(s, block);
      assert.equal(got.rows, whole.shape[0]);
      assert.deepEqual(got.data, [...whole.data], `read ${readBytes}, block ${block}`);
      assert.equal(s.rows, whole.shape[0]);
    }
  }
  // tabs and whitespace delimiters, no header, no final newline
  for (const t of ['1\t2\n3\t4', '1 2\n 3   4 \n']) {
    const b = new TextEncoder().encode(t);
    assert.deepEqual(drain(openCsvStream(bytesSource(b), 't.csv', 2), 1).data, [...readCsv(b, 't.csv').data]);
  }
});

test('CSV blocks: ragged rows, bad cells, binary and empty files fail as readCsv does (same line and column)', () => {
  const cases = ['a,b\n1,2\n3,4\n5\n', '1,2\n3,x\n', '1,2\n,4\n', '# only a comment\n\n', 'h1,h2\n'];
  for (const t of cases) {
    const b = new TextEncoder().encode(t);
    let expected = '';
    try {
      readCsv(b, 'e.csv');
    } catch (e) {
      expected = (e as Error).message;
    }
    assert.ok(expected, t);
    assert.throws(
      () => drain(openCsvStream(bytesSource(b), 'e.csv', 3), 2),
      (e: Error) => e.message === expected,
      `${JSON.stringify(t)}: ${expected}`,
    );
  }
  assert.throws(() => drain(openCsvStream(bytesSource(Uint8Array.from([0x31, 0x2c, 0xff, 0x0a])), 'b.csv'), 1), /not UTF-8 text/);
  assert.throws(() => drain(openCsvStream(bytesSource(Uint8Array.from([0x31, 0x00, 0x0a])), 'b.csv'), 1), /NUL bytes/);
});

// ------------------------------------------------------------------ sufficient statistics

test('the accumulated statistics equal a direct computation (sums, XᵀX, views, labels, train split) for any block size', () => {
  const n = 23;
  const d = 4;
  const V = 3;
  const x = randomMatrix(n, d, 3, 2);
  const views = randomMatrix(n * V, d, 4).map((v, i) => v + x[Math.floor(i / (V * d)) * d + (i % d)]);
  const labels = Array.from({ length: n }, (_, i) => [5, -1, 2][i % 3]);
  const direct = () => {
    const sx = new Array(d).fill(0);
    const xtx = new Array(d * d).fill(0);
    const sxb = new Array(d).fill(0);
    const xbtxb = new Array(d * d).fill(0);
    const xtxb = new Array(d * d).fill(0);
    const scatter = new Array(d * d).fill(0);
    for (let i = 0; i < n; i++) {
      const xi = x.slice(i * d, i * d + d);
      const vs = Array.from({ length: V }, (_, v) => views.slice((i * V + v) * d, (i * V + v + 1) * d));
      const xb = xi.map((_, j) => vs.reduce((s, w) => s + w[j], 0) / V);
      for (let a = 0; a < d; a++) {
        sx[a] += xi[a];
        sxb[a] += xb[a];
        for (let b = 0; b < d; b++) {
          xtx[a * d + b] += xi[a] * xi[b];
          xbtxb[a * d + b] += xb[a] * xb[b];
          xtxb[a * d + b] += xi[a] * xb[b];
          for (const w of vs) scatter[a * d + b] += ((w[a] - xb[a]) * (w[b] - xb[b])) / (V - 1);
        }
      }
    }
    return { sx, xtx, sxb, xbtxb, xtxb, scatter };
  };
  const want = direct();
  for (const block of [1, 4, 23]) {
    const acc = new StatsAccumulator(d, { views: V, targets: 'labels', probeSeed: 0 });
    for (let i = 0; i < n; i += block) {
      const r = Math.min(block, n - i);
      acc.add(Float64Array.from(x.slice(i * d, (i + r) * d)), r, i, {
        views: Float64Array.from(views.slice(i * V * d, (i + r) * V * d)),
        labels: Float64Array.from(labels.slice(i, i + r)),
      });
    }
    const s = acc.finish();
    assert.equal(s.n, n);
    for (const [k, got, exp] of [
      ['sum_x', s.sumX, want.sx],
      ['xtx', s.xtx, want.xtx],
      ['sum_xbar', s.views!.sumXbar, want.sxb],
      ['xbar_t_xbar', s.views!.xbtxb, want.xbtxb],
      ['x_t_xbar', s.views!.xtxb, want.xtxb],
      ['scatter', s.views!.scatter, want.scatter],
    ] as const) {
      assert.ok(relErr(got, exp) < 1e-13, `${k} (block ${block}): ${relErr(got, exp)}`);
    }
    assert.deepEqual([...s.targets!.classes!], [-1, 2, 5]);
    assert.deepEqual([...s.targets!.sumY], [8, 7, 8]);
    for (let c = 0; c < 3; c++) {
      const label = [-1, 2, 5][c];
      for (let j = 0; j < d; j++) {
        let sum = 0;
        for (let i = 0; i < n; i++) if (labels[i] === label) sum += x[i * d + j];
        assert.ok(Math.abs(s.targets!.ytx[c * d + j] - sum) < 1e-12 * (1 + Math.abs(sum)));
      }
    }
    const train = s.probe!;
    assert.ok(train.n > 0 && train.n < n, `train split ${train.n} of ${n}`);
    assert.equal(
      [...train.sumY].reduce((p, q) => p + q, 0),
      train.n,
    );
  }
});

function statsOf(x: number[], n: number, d: number, labels?: number[], from = 0, to = n, views?: { V: number; data: number[] }): SufficientStats {
  const acc = new StatsAccumulator(d, { ...(labels ? { targets: 'labels' as const } : {}), ...(views ? { views: views.V } : {}) });
  acc.add(Float64Array.from(x.slice(from * d, to * d)), to - from, from, {
    ...(labels ? { labels: Float64Array.from(labels.slice(from, to)) } : {}),
    ...(views ? { views: Float64Array.from(views.data.slice(from * views.V * d, to * views.V * d)) } : {}),
  });
  return acc.finish();
}

test('shards merged through moments files equal the whole in every member to 1e-12 (sums added; classes united; views too)', () => {
  const n = 300;
  const d = 6;
  const V = 3;
  const x = randomMatrix(n, d, 5, 3);
  const views = { V, data: randomMatrix(n * V, d, 6, 2) };
  const labels = Array.from({ length: n }, (_, i) => (i < 100 ? i % 2 : i % 4)); // shard 1 has two classes, the others four
  const whole = momentsNpz(statsOf(x, n, d, labels, 0, n, views));
  const cuts = [0, 100, 170, 300];
  let merged: SufficientStats | undefined;
  for (let s = 0; s + 1 < cuts.length; s++) {
    const shard = readMomentsNpz(bytesSource(momentsNpz(statsOf(x, n, d, labels, cuts[s], cuts[s + 1], views))), `shard${s}.npz`);
    merged = merged ? mergeStats(merged, shard) : shard;
  }
  // every member the writer writes, each against the whole: a merge that kept one shard's
  // value of any sum (sum_xbar, xbar_t_xbar, … ) fails here
  assert.deepEqual(sameMembers(momentsNpz(merged!), whole, 1e-12, 'merged vs whole'), ALL_MEMBERS);
  assert.deepEqual([...merged!.targets!.classes!], [0, 1, 2, 3]);
  for (const s of [1, 2]) {
    // and no shard alone is the whole in any sum: the comparison above can tell them apart
    const part = fileMembers(momentsNpz(statsOf(x, n, d, labels, cuts[s], cuts[s + 1], views)));
    for (const [k, v] of part.filter(([k]) => ['sum_x', 'xtx', 'sum_xbar', 'xbar_t_xbar', 'x_t_xbar', 'scatter'].includes(k)))
      assert.ok(relErr(v.data, fileMembers(whole).find(([w]) => w === k)![1].data) > 1e-3, `${k} of shard ${s}`);
  }
  assert.throws(() => mergeStats(readMomentsNpz(bytesSource(whole), 'w.npz'), statsOf(randomMatrix(3, 2, 1), 3, 2)), /d = 6 and d = 2/);
});

test('readMomentsNpz: a file that is not a moments file, or is inconsistent, fails naming the array', () => {
  const good = statsOf(randomMatrix(5, 2, 6), 5, 2, [1, 1, 2, 2, 2]);
  const bytes = momentsNpz(good);
  assert.deepEqual([...readMomentsNpz(bytesSource(bytes), 'g.npz').xtx], [...good.xtx]);
  const base = [
    { name: 'version', dtype: '<i8' as const, shape: [], data: [1] },
    { name: 'n', dtype: '<i8' as const, shape: [], data: [5] },
    { name: 'sum_x', dtype: '<f8' as const, shape: [2], data: [1, 2] },
  ];
  assert.throws(() => readMomentsNpz(bytesSource(writeNpz(base)), 'm.npz'), /m\.npz is not a moments file: it has no array 'xtx'/);
  assert.throws(
    () => readMomentsNpz(bytesSource(writeNpz([...base, { name: 'xtx', dtype: '<f8', shape: [3, 3], data: new Array(9).fill(0) }])), 'm.npz'),
    /m\.npz\[xtx\] has shape \(3, 3\), expected \(2, 2\)/,
  );
  assert.throws(
    () => readMomentsNpz(bytesSource(writeNpz([{ ...base[0], data: [2] }, ...base.slice(1)])), 'm.npz'),
    /version 2; this version of sslexp reads version 1/,
  );
  assert.throws(
    () =>
      readMomentsNpz(
        bytesSource(
          writeNpz([
            ...base,
            { name: 'xtx', dtype: '<f8', shape: [2, 2], data: [1, 0, 0, 1] },
            { name: 'classes', dtype: '<f8', shape: [1], data: [0] },
            { name: 'class_counts', dtype: '<i8', shape: [1], data: [4] },
            { name: 'y_t_x', dtype: '<f8', shape: [1, 2], data: [0, 0] },
          ]),
        ),
        'm.npz',
      ),
    /class counts add up to 4 but n = 5/,
  );
});

// ------------------------------------------------------------------ streamed = in-memory

function analyze(text: string, baseDir: string, extra: Partial<EngineOptions> = {}): AlignmentEngineResult {
  return asAlignment(analyzeText(text, { fileName: path.join(baseDir, 'spec.sslexp.yaml'), baseDir, readFile: (p) => fs.readFileSync(p), ...extra }));
}

const ranges: Partial<EngineOptions> = {
  fileSize: (p) => fs.statSync(p).size,
  readRange: (p, pos, len) => {
    const fd = fs.openSync(p, 'r');
    try {
      const b = Buffer.alloc(len);
      const got = fs.readSync(fd, b, 0, len, pos);
      return new Uint8Array(b.buffer, b.byteOffset, got);
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** Every number of two `solutions` objects (and thresholds, spectra) agrees to `tol` relative, per array. */
function sameNumbers(a: unknown, b: unknown, tol: number, where = 'result'): void {
  if (typeof b === 'number') {
    assert.equal(typeof a, 'number', where);
    assert.ok(Math.abs((a as number) - b) <= tol * Math.max(1, Math.abs(b)), `${where}: ${a} vs ${b}`);
    return;
  }
  if (Array.isArray(b) || ArrayBuffer.isView(b)) {
    const x = flat(Array.from(a as ArrayLike<number>) as number[]);
    const y = flat(Array.from(b as ArrayLike<number>) as number[]);
    assert.ok(relErr(x, y) <= tol, `${where}: relative error ${relErr(x, y)}`);
    return;
  }
  if (b && typeof b === 'object') {
    for (const k of Object.keys(b))
      if (k !== 'problem') sameNumbers((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol, `${where}.${k}`);
    return;
  }
  assert.deepEqual(a, b, where);
}

test("streamed equals in-memory to 1e-12 relative: P1's pipeline on the digits CSV (label column, centring, PCA, noise draw)", () => {
  const text = fs.readFileSync(path.join(EXAMPLES, 'digits-strong-noise.sslexp.yaml'), 'utf8').replace(/^simulate:[\s\S]*$/m, '');
  const mem = analyze(text, EXAMPLES);
  assert.deepEqual(
    mem.problems.filter((p) => p.severity === 'error'),
    [],
  );
  for (const blockRows of [97, 5000]) {
    const str = analyze(text, EXAMPLES, { ...ranges, streamData: { always: true, blockRows } });
    assert.deepEqual(
      str.problems.map((p) => p.code),
      mem.problems.map((p) => p.code),
    );
    assert.deepEqual(str.pipeline!.samples, mem.pipeline!.samples);
    sameNumbers(str.pipeline, mem.pipeline, 1e-12, 'pipeline');
    sameNumbers(str.thresholds, mem.thresholds, 1e-12, 'thresholds');
    sameNumbers(str.spectra, mem.spectra, 1e-12, 'spectra');
    // Both paths orient the PCA basis alike (each column's largest entry positive): every matrix
    // of the clean and the corrupted problem agrees as it is, with no sign to align.
    sameNumbers(str.solutions, mem.solutions, 1e-12, 'solutions');
    assert.equal(str.recommendation!.paradigm, mem.recommendation!.paradigm);
  }
});

test('streamed equals in-memory to 1e-12 relative: general problems (masking, additive, covariance; centred or not) from a .npy', () => {
  const n = 500;
  const d = 12;
  const x = randomMatrix(n, d, 7, 0.5);
  const y = Array.from({ length: n }, (_, i) => i % 3);
  write('g.npy', npyBytes({ dtype: '<f8', shape: [n, d], data: x }));
  write('g-f4.npy', npy(x, { dtype: 'f4', shape: [n, d] }));
  write('gy.npy', npy(y, { dtype: 'i4' }));
  const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 2 + i : 0.1)));
  const augs = [
    '{masking: {keep: 0.7}}',
    '{additive: {alpha: 1.5, theta: 0.5, gamma: {uniform: {low: 0, high: 2, seed: 3}}}}',
    `{covariance: ${JSON.stringify(cov)}}`,
  ];
  for (const file of ['g.npy', 'g-f4.npy']) {
    for (const aug of augs) {
      for (const center of [false, true]) {
        const text = `sslexp: 1\nlatent: 4\ndata: {file: ${file}, labels: {file: gy.npy}, center: ${center}}\naugmentation: ${aug}\n`;
        const mem = analyze(text, tmp);
        assert.deepEqual(
          mem.problems.filter((p) => p.severity === 'error'),
          [],
          text,
        );
        const str = analyze(text, tmp, { ...ranges, streamData: { always: true, blockRows: 64 } });
        assert.deepEqual(
          str.problems.map((p) => p.code),
          mem.problems.map((p) => p.code),
          text,
        );
        sameNumbers(str.solutions, mem.solutions, 1e-12, `${file} ${aug} center ${center}`);
      }
    }
  }
});

test('a .npy beyond the in-memory limits is streamed without being asked (header over 10^6 samples)', () => {
  // 1,000,001 samples × 1 feature as float32 (4 MB): over LIMITS.maxDataSamples, so the old path refused it
  const n = 1_000_001;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (i % 7) - 3;
  const header = npy([], { dtype: 'f4', shape: [n, 1] });
  const bytes = new Uint8Array(header.length + 4 * n);
  bytes.set(header);
  bytes.set(new Uint8Array(data.buffer), header.length);
  write('big.npy', bytes);
  const text = 'sslexp: 1\nlatent: 1\ndata: {file: big.npy}\naugmentation: {masking: {keep: 0.5}}\nsimulate: {n: [10], alpha: 1}\n';
  const old = analyze(text, tmp);
  assert.ok(
    old.problems.some((p) => p.code === 'limit-exceeded' && /1000001 samples, over the limit of 1000000/.test(p.message)),
    'without positioned reads: the in-memory limit',
  );
  const r = analyze(text, tmp, ranges);
  const codes = r.problems.map((p) => `${p.severity} ${p.code}`);
  assert.ok(r.solutions, codes.join());
  let sq = 0;
  for (let i = 0; i < n; i++) sq += data[i] * data[i];
  // masking: G = p² (1/n) XᵀX, ω_1 = p²/(p² + p(1−p)) = p
  assert.ok(Math.abs(r.solutions!.jointEmbedding.omega[0] - 0.5) < 1e-12);
  assert.ok(Math.abs(r.solutions!.reconstruction.objective - (sq / n - r.solutions!.reconstruction.phi[0] ** 2)) < 1e-9);
  // a streamed file is no reason to refuse `simulate` (it samples the rows it draws, docs/architecture.md §5);
  // a masking augmentation still is (it has no α), located on the block
  assert.ok(!r.problems.some((p) => p.code === 'limit-exceeded'), codes.join());
  const refusal = r.problems.find((p) => p.code === 'simulation-unsupported')!;
  assert.match(refusal.message, /a masking augmentation has no α/);
  assert.equal(text.slice(refusal.start, refusal.end), '{n: [10], alpha: 1}');
});

// ------------------------------------------------------------------ data: {moments}

function lineCol(text: string, offset: number): [number, number] {
  const p = offsetToLineColumn(computeLineStarts(text), offset);
  return [p.line, p.column];
}

test('data: {moments} analyses from the statistics alone: the same solutions as the rows, an info on what is missing', () => {
  const n = 400;
  const d = 8;
  const x = randomMatrix(n, d, 9, 1);
  const labels = Array.from({ length: n }, (_, i) => (i * 7) % 5);
  write('mx.npy', npyBytes({ dtype: '<f8', shape: [n, d], data: x }));
  write('my.npy', npyBytes({ dtype: '<i8', shape: [n], data: labels }));
  write('m.npz', momentsNpz(statsOf(x, n, d, labels)));
  for (const [aug, extra] of [
    ['augmentation: {masking: {keep: 0.6}}\nlatent: 3\n', ''],
    ['augmentation: {additive: {theta: 0.3}}\n', 'pca: 5\n  noise: {count: 3, variance: 2, augmentation: 1}\n'],
  ]) {
    const rows = analyze(`sslexp: 1\ndata:\n  file: mx.npy\n  labels: {file: my.npy}\n${extra ? `  ${extra}` : ''}${aug}`, tmp);
    assert.deepEqual(
      rows.problems.filter((p) => p.severity === 'error'),
      [],
    );
    const text = `sslexp: 1\ndata:\n  moments: {file: m.npz}\n${extra ? `  ${extra}` : ''}${aug}`;
    const mom = analyze(text, tmp);
    assert.deepEqual(
      mom.problems.filter((p) => p.severity === 'error'),
      [],
    );
    const info = mom.problems.find((p) => p.code === 'moments-only')!;
    assert.equal(info.severity, 'info');
    assert.match(info.message, /n = 400, d = 8, 5 classes\): everything but the finite-n simulation, the linear probe and the pipeline's corrupted draw/);
    assert.deepEqual(lineCol(text, info.start), [3, 12]);
    const { corrupted, discrepancy, ...clean } = rows.solutions!;
    assert.ok(extra === '' || (corrupted && discrepancy));
    assert.equal(mom.solutions!.corrupted, undefined);
    sameNumbers(mom.solutions, clean, 1e-12, 'moments vs rows');
    sameNumbers(mom.thresholds, rows.thresholds, 1e-12);
  }
  // what the schema and the validator refuse next to moments, and what simulate refuses
  const bad = analyze('sslexp: 1\nlatent: 2\ndata: {moments: {file: m.npz}, labels: {column: 0}}\naugmentation: {masking: {keep: 0.5}}\n', tmp);
  assert.deepEqual(
    bad.problems.map((p) => p.code),
    ['conflicting-keys'],
  );
  const noAug = analyze('sslexp: 1\nlatent: 2\ndata: {moments: {file: m.npz}}\n', tmp);
  assert.match(noAug.problems.find((p) => p.severity === 'error')!.message, /'m\.npz' has no view statistics/);
  const sim = analyze('sslexp: 1\nalpha: 1\ndata: {moments: {file: m.npz}, pca: 2}\nsimulate: {n: [10]}\n', tmp);
  assert.ok(sim.problems.some((p) => p.code === 'simulation-unsupported' && /data\.moments holds sums/.test(p.message)));
});

// ------------------------------------------------------------------ the CLI end to end

const CLI_ROWS = { n: 60, d: 5, V: 3 };

test('sslexp moments DATA --views --labels, then --merge of shards: the merge equals the whole in every member', () => {
  const { n, d, V } = CLI_ROWS;
  const x = randomMatrix(n, d, 11);
  const views = randomMatrix(n * V, d, 12);
  const labels = Array.from({ length: n }, (_, i) => i % 4);
  write('cx.npy', npyBytes({ dtype: '<f8', shape: [n, d], data: x }));
  write('cv.npy', npy(views, { dtype: 'f4', shape: [n, V, d] }));
  write('cy.npy', npyBytes({ dtype: '<i8', shape: [n], data: labels }));
  const whole = sslexp(['moments', 'cx.npy', '--views', 'cv.npy', '--labels', 'cy.npy', '-o', 'whole.npz']);
  assert.equal(whole.code, 0, whole.stderr);
  assert.equal(whole.stdout.trim(), 'whole.npz: n = 60, d = 5, V = 3 views, 4 classes');
  // shards: the first 25 and the last 35 samples
  for (const [name, a, b] of [
    ['s1', 0, 25],
    ['s2', 25, 60],
  ] as const) {
    write(`${name}x.npy`, npyBytes({ dtype: '<f8', shape: [b - a, d], data: x.slice(a * d, b * d) }));
    write(`${name}v.npy`, npy(views.slice(a * V * d, b * V * d), { dtype: 'f4', shape: [b - a, V, d] }));
    write(`${name}y.csv`, labels.slice(a, b).join('\n') + '\n');
    const r = sslexp(['moments', `${name}x.npy`, `--views=${name}v.npy`, `--labels=${name}y.csv`, '--output', `${name}.npz`]);
    assert.equal(r.code, 0, r.stderr);
  }
  const merged = sslexp(['moments', '--merge', 's1.npz', 's2.npz', '-o', 'merged.npz']);
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal(merged.stdout.trim(), 'merged.npz: n = 60, d = 5, V = 3 views, 4 classes');
  const file = (f: string) => new Uint8Array(fs.readFileSync(path.join(tmp, f)));
  assert.deepEqual(sameMembers(file('merged.npz'), file('whole.npz'), 1e-12, 'merged vs whole'), ALL_MEMBERS);
});

test('sslexp moments errors: FILE: error CODE: message, for the data, views and labels files and every shard', () => {
  const { n } = CLI_ROWS;
  const labels = Array.from({ length: n }, (_, i) => i % 4);
  const err = (args: string[]) => {
    const r = sslexp(args);
    return [r.code, r.stderr];
  };
  assert.deepEqual(err(['moments', '--merge', 's1.npz', 'nope.npz', '-o', 'x.npz']), [1, 'nope.npz: error file-not-found: no such file\n']);
  write('c1.npy', npyBytes({ dtype: '<f8', shape: [n, 1], data: labels }));
  const other = sslexp(['moments', 'c1.npy', '-o', 'other.npz']);
  assert.equal(other.code, 0, other.stderr);
  assert.deepEqual(err(['moments', '--merge', 's1.npz', 'other.npz', '-o', 'x.npz']), [
    1,
    'other.npz: error dimension-mismatch: the shards have d = 5 and d = 1 features\n',
  ]);
  // (the archive reader's own words after the prefix)
  const notZip = err(['moments', '--merge', 's1.npz', 'cx.npy', '-o', 'x.npz']);
  assert.equal(notZip[0], 1);
  assert.match(String(notZip[1]), /^cx\.npy: error file-parse-error: cx\.npy is not a valid \.npz \(zip\) archive: [^\n]+\n$/);
  assert.deepEqual(err(['moments', 's1x.npy', '--views', 'cv.npy', '-o', 'x.npz']), [
    1,
    "cv.npy: error dimension-mismatch: augmentation.views: 'cv.npy' has n = 60 samples (shape (60, 3, 5)) but the data have 25; the views must come in the order of the data's rows.\n",
  ]);
  assert.deepEqual(err(['moments', 'cx.npy', '--labels', 's1y.csv', '-o', 'x.npz']), [
    1,
    "s1y.csv: error dimension-mismatch: data.labels: 's1y.csv' has n = 25 samples but the data have 60; one label per sample, in the data's order.\n",
  ]);
  assert.deepEqual(err(['moments', 'cx.npy', '--label-column', '9', '-o', 'x.npz']), [
    1,
    'cx.npy: error out-of-range: data.labels.column: 9 is outside the 5 columns of the data.\n',
  ]);
  assert.deepEqual(err(['moments', 'missing.npy', '-o', 'x.npz']), [
    1,
    `missing.npy: error file-not-found: File 'missing.npy' not found (looked for ${path.join(tmp, 'missing.npy')}).\n`,
  ]);
  assert.equal(fs.existsSync(path.join(tmp, 'x.npz')), false);
  // usage errors stay usage errors (exit 2)
  assert.equal(sslexp(['moments', 'cx.npy']).code, 2);
  assert.match(sslexp(['moments', 'cx.npy']).stderr, /'moments' needs -o FILE\.npz/);
  assert.match(sslexp(['analyze', 'x.yaml', '--views', 'cv.npy']).stderr, /--merge, --views, --labels and --label-column belong to 'moments'/);
});

test("numpy reads the merged file: every member equals numpy's sums of the rows", { skip: skipWithoutPython }, () => {
  // numpy recomputes every documented member from cx/cv/cy and prints its relative error
  const script = [
    'import numpy as np, sys',
    'z = np.load(sys.argv[1]); x = np.load(sys.argv[2]); v = np.load(sys.argv[3]).astype("f8"); y = np.load(sys.argv[4])',
    'xb = v.mean(1); dv = (v - xb[:, None, :]).reshape(-1, x.shape[1]); c = np.unique(y)',
    'want = dict(version=1, n=len(x), sum_x=x.sum(0), xtx=x.T @ x, views=v.shape[1], sum_xbar=xb.sum(0), xbar_t_xbar=xb.T @ xb,',
    '  x_t_xbar=x.T @ xb, scatter=dv.T @ dv / (v.shape[1] - 1), classes=c.astype("f8"), class_counts=np.array([(y == k).sum() for k in c]),',
    '  y_t_x=np.array([x[y == k].sum(0) for k in c]), y_t_xbar=np.array([xb[y == k].sum(0) for k in c]))',
    'print(" ".join(z.files) == " ".join(want), " ".join(f"{k}:{z[k].dtype.str}:{abs(z[k] - want[k]).max() / max(abs(np.asarray(want[k])).max(), 1e-300):.3g}" for k in z.files))',
  ].join('\n');
  const r = spawnSync(needPython(), ['-c', script, 'merged.npz', 'cx.npy', 'cv.npy', 'cy.npy'], { cwd: tmp, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [same, ...members] = r.stdout.trim().split(' ');
  assert.equal(same, 'True');
  assert.deepEqual(
    members.map((m) => m.split(':').slice(0, 2).join(':')),
    ALL_MEMBERS.map((k) => `${k}:${['version', 'n', 'views', 'class_counts'].includes(k) ? '<i8' : '<f8'}`),
  );
  for (const m of members) assert.ok(Number(m.split(':')[2]) < 1e-12, m);
});

test("sslexp analyze --output solutions.npz: every solution matrix for numpy.load and the project's reader; --json unchanged", () => {
  const spec = path.join(EXAMPLES, 'digits-weak-noise.sslexp.yaml');
  const out = path.join(tmp, 'sol.npz');
  const r = sslexp(['analyze', spec, '--json', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const plain = sslexp(['analyze', spec, '--json']);
  assert.equal(r.stdout, plain.stdout, '--output does not change --json');
  const json = JSON.parse(r.stdout);
  const bytes = fs.readFileSync(out);
  const get = (k: string) => readArray(bytes, 'sol.npz', k);
  assert.deepEqual([...get('reconstruction_map').data], json.solutions.reconstruction.map.flat());
  assert.deepEqual(get('reconstruction_map').shape, [40, 40]);
  assert.deepEqual([...get('joint_embedding_gram').data], json.solutions.jointEmbedding.gram.flat());
  assert.deepEqual([...get('joint_embedding_omega').data], json.solutions.jointEmbedding.omega);
  assert.deepEqual([...get('supervised_V').data], json.solutions.supervised.V.flat());
  assert.deepEqual([...get('corrupted_reconstruction_row_projector').data], json.solutions.corrupted.reconstruction.rowProjector.flat());
  assert.equal(get('discrepancy_joint_embedding').data[0], json.solutions.discrepancy.jointEmbedding);
  assert.equal(get('reconstruction_objective').data[0], json.solutions.reconstruction.objective);
  const spectral = sslexp(['analyze', path.join(EXAMPLES, 'straddling.sslexp.yaml'), '-o', path.join(tmp, 'none.npz')]);
  assert.equal(spectral.code, 1);
  assert.match(spectral.stderr, /--output: nothing written .*only a data-mode analysis has solution matrices/);
  assert.equal(fs.existsSync(path.join(tmp, 'none.npz')), false);
});

test("numpy.load reads the analysis' --output file: member names and shapes", { skip: skipWithoutPython }, () => {
  const p = spawnSync(
    needPython(),
    [
      '-c',
      'import numpy as np, sys; z = np.load(sys.argv[1]); print(" ".join(sorted(z.files))); print(z["reconstruction_phi"].shape, z["supervised_V"].shape)',
      path.join(tmp, 'sol.npz'),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(p.status, 0, p.stderr);
  const [names, shapes] = p.stdout.trim().split('\n');
  assert.ok(names.split(' ').includes('joint_embedding_objective') && names.split(' ').includes('corrupted_seed'), names);
  assert.equal(shapes, '(40,) (10, 40)');
});

test('data read in blocks: a non-finite value is located by its CSV line (or .npy row) and value, on data.file', () => {
  write('nan.csv', 'a,b,c\n1,2,0\n\n# comment\n3,4,1\n5,nan,0\n7,8,1\n');
  const text = 'sslexp: 1\nlatent: 1\ndata: {file: nan.csv, labels: {column: -1}}\naugmentation: {masking: {keep: 0.5}}\n';
  for (const blockRows of [1, 2, 100]) {
    const errs = analyze(text, tmp, { ...ranges, streamData: { always: true, blockRows } }).problems.filter((p) => p.severity === 'error');
    assert.deepEqual(
      errs.map((p) => p.code),
      ['invalid-value'],
    );
    assert.equal(errs[0].message, 'The data hold a non-finite value (NaN) at line 6, value 2.');
    assert.equal(text.slice(errs[0].start, errs[0].end), 'nan.csv');
  }
  const x = randomMatrix(6, 2, 1);
  x[9] = Infinity;
  write('inf.npy', npyBytes({ dtype: '<f8', shape: [6, 2], data: x }));
  const e = analyze(text.replace('nan.csv, labels: {column: -1}', 'inf.npy'), tmp, { ...ranges, streamData: { always: true, blockRows: 4 } }).problems.find(
    (p) => p.severity === 'error',
  )!;
  assert.equal(e.message, 'The data hold a non-finite value (Infinity) at row 5, value 2.');
});
