/**
 * `simulate` on data read in blocks (issue 14; docs/theory.md §6.1, "The finite-n
 * experiment"): after the streamed analysis the simulation reads a seeded sample of
 * max(simulate.n) rows — by position from a .npy or a stored .npz member, by a reservoir
 * pass from a CSV — and projects it with the analysis' PCA basis. With m ≥ N it equals the
 * in-memory simulation; with m < N the sample is uniform, seeded, and costs a fraction of
 * the file's bytes.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import { simulateSpecText } from '../../src/core/engine/simulate';
import type { AlignmentEngineResult, EngineOptions } from '../../src/core/engine/types';
import { npyBytes, writeNpz } from '../../src/core/io/npzWrite';
import { readRowsAt, reservoirRows, sampleIndices } from '../../src/core/io/sampleRows';
import { arrayRowStream, bytesSource, type RowAccess } from '../../src/core/io/stream';
import { npyRowAccess, openNpyStream } from '../../src/core/io/npyStream';
import { Matrix } from '../../src/core/numerics/dense';
import { samplePipelineRows, SampleMismatch, type SampleSources } from '../../src/core/theories/alignment/data/rowSample';
import { Rng } from '../../src/core/numerics/rng';
import { alignmentTheory } from '../../src/core/theories/alignment/theory';
import { simulationCost, simulationRefusal } from '../../src/core/theories/alignment/simulateSpec';
import { SimulationCancelled, type SimulationResult } from '../../src/core/theories/alignment/simulation';
import type { DataSpec } from '../../src/core/spec/model';
import { asAlignment } from '../support/engine';
import { npy } from './support/npy';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const EXAMPLES = path.join(root, 'examples');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-streamsim-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (name: string, bytes: Uint8Array | string): string => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
};

/** Positioned reads that count the bytes they hand out. */
function countingReads() {
  const c = {
    bytes: 0,
    reads: 0,
    fileSize: (p: string) => fs.statSync(p).size,
    readRange: (p: string, pos: number, len: number) => {
      const fd = fs.openSync(p, 'r');
      try {
        const buf = Buffer.alloc(Math.max(0, Math.min(len, fs.fstatSync(fd).size - pos)));
        const got = fs.readSync(fd, buf, 0, buf.length, pos);
        c.bytes += got;
        c.reads++;
        return new Uint8Array(buf.buffer, buf.byteOffset, got);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
  return c;
}

function options(baseDir: string, extra: Partial<EngineOptions> = {}): EngineOptions {
  return { fileName: path.join(baseDir, 's.sslexp.yaml'), baseDir, readFile: (p) => fs.readFileSync(p), ...extra };
}

const STREAM = { always: true, blockRows: 97 } as const;

function analyze(text: string, baseDir: string, extra: Partial<EngineOptions> = {}): AlignmentEngineResult {
  return asAlignment(analyzeText(text, options(baseDir, extra)));
}

async function simulate(text: string, baseDir: string, extra: Partial<EngineOptions> = {}): Promise<SimulationResult> {
  const out = await simulateSpecText<SimulationResult>(text, options(baseDir, extra));
  assert.deepEqual(
    out.problems.filter((p) => p.severity === 'error'),
    [],
  );
  return out.result!;
}

/**
 * Every number of two simulation results agrees to `rel` relative to the larger magnitude,
 * floored at `floor`: the gaps are differences of probe losses and solutions of order 1e-3
 * and more, so a gap of 1e-6 carries their rounding (about 1e-16 absolute), not its own.
 */
function sameResult(a: SimulationResult, b: SimulationResult, rel: number, floor: number, what: string): void {
  assert.deepEqual(a.n, b.n);
  assert.deepEqual(a.alpha, b.alpha);
  assert.deepEqual(a.dimensions, b.dimensions);
  assert.deepEqual(a.notes, b.notes);
  assert.equal(a.series.length, b.series.length);
  const cmp = (x: number, y: number, where: string) => {
    const e = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), floor);
    assert.ok(e <= rel, `${what} ${where}: ${x} vs ${y} (relative ${e.toExponential(2)})`);
  };
  a.series.forEach((s, i) => {
    const t = b.series[i];
    assert.equal(s.paradigm, t.paradigm);
    assert.equal(s.alpha, t.alpha);
    assert.equal(s.predictedRecovery, t.predictedRecovery);
    s.values.forEach((row, ni) => row.forEach((v, r) => cmp(v, t.values[ni][r], `${s.paradigm} α=${s.alpha} n=${a.n[ni]} repeat ${r}`)));
  });
  a.extra.forEach((e, i) =>
    e.jeGramError.forEach((v, ni) => {
      cmp(v, b.extra[i].jeGramError[ni], `JE Gram error α=${e.alpha} n=${a.n[ni]}`);
      cmp(e.rcBestTResidual[ni], b.extra[i].rcBestTResidual[ni], `RC best-T α=${e.alpha} n=${a.n[ni]}`);
    }),
  );
}

/** x (rows × cols, row-major) with correlated columns of different scales and a shift, seeded. */
function dataMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const z = rng.normal();
    for (let j = 0; j < cols; j++) x[i * cols + j] = 0.3 * (j + 1) + (3 / (1 + j)) * rng.normal() + 0.5 * z;
  }
  return x;
}

const PIPELINE = (file: string, labels: string, sim: string) =>
  `sslexp: 1\ndata:\n  file: ${file}\n${labels}  pca: 4\n  noise: {count: 3, variance: [0.5, 2, 8], augmentation: [0.1, 0.2, 0.3]}\n` +
  `augmentation: {additive: {alpha: 1, theta: {uniform: {low: 0, high: 1, seed: 1}}}}\nsimulate: ${sim}\n`;

// ------------------------------------------------------------------ m >= N: the in-memory simulation

test('m ≥ N: simulate on forced-streamed data equals the in-memory simulation (digits CSV with a label column, reservoir pass)', async () => {
  const name = path.join(EXAMPLES, 'digits-weak-noise.sslexp.yaml');
  const text = fs.readFileSync(name, 'utf8').replace('n: {from: 100, to: 30000, points: 6}', 'n: [200, 1797, 2500]').replace('repeats: 3', 'repeats: 2');
  assert.match(text, /n: \[200, 1797, 2500\]/);
  const mem = await simulate(text, EXAMPLES);
  const streamed = analyze(text, EXAMPLES, { streamData: STREAM });
  assert.equal(streamed.prepared, undefined, 'streamed: no rows in memory after the analysis');
  assert.ok(streamed.rowSampler, 'streamed: a lazy sampler for simulate');
  assert.equal(streamed.rowSampler!.samples, 1797);
  const str = await simulate(text, EXAMPLES, { streamData: STREAM });
  sameResult(str, mem, 1e-12, 1e-3, 'digits');
});

test('m ≥ N: the same for a .npy with a labels file (positioned reads), a stored .npz and a Fortran-order .npy without labels', async () => {
  const N = 300;
  const F = 9;
  const x = dataMatrix(N, F, 3);
  write('a.npy', npyBytes({ dtype: '<f8', shape: [N, F], data: x }));
  write('a-labels.npy', npyBytes({ dtype: '<i8', shape: [N], data: Array.from({ length: N }, (_, i) => (i * 7) % 4) }));
  write('a.npz', writeNpz([{ name: 'x', dtype: '<f8', shape: [N, F], data: x }]));
  // Fortran order: no positioned rows, so the decoded array is sampled by the reservoir pass
  const xF = new Array<number>(N * F);
  for (let i = 0; i < N; i++) for (let j = 0; j < F; j++) xF[i + j * N] = x[i * F + j];
  write('a-fortran.npy', npy(xF, { shape: [N, F], fortran: true }));
  const sim = '{n: [40, 300, 450], alpha: [0.5, 3], repeats: 2, seed: 7}';
  for (const text of [PIPELINE('a.npy', '  labels: {file: a-labels.npy}\n', sim), PIPELINE('a.npz', '', sim), PIPELINE('a-fortran.npy', '', sim)]) {
    const ranges = countingReads();
    const mem = await simulate(text, tmp);
    const str = await simulate(text, tmp, { ...ranges, streamData: STREAM });
    sameResult(str, mem, 1e-12, 1e-3, text.split('\n')[2]);
    assert.ok(ranges.bytes > 0, 'read by position');
  }
});

// ------------------------------------------------------------------ m < N: a seeded uniform sample

test('m < N from a wide .npy: distinct sorted indices, seeded, the projected rows and labels of exactly those rows, a fraction of the bytes', () => {
  const N = 2000;
  const F = 600;
  const x = dataMatrix(N, F, 11);
  const labels = Array.from({ length: N }, (_, i) => (i * 13) % 5);
  const file = write('wide.npy', npyBytes({ dtype: '<f8', shape: [N, F], data: x }));
  write('wide-labels.npy', npyBytes({ dtype: '<i8', shape: [N], data: labels }));
  const size = fs.statSync(file).size;
  const text = PIPELINE('wide.npy', '  labels: {file: wide-labels.npy}\n', '{n: [50, 200], alpha: [1], repeats: 1, seed: 3}');
  const ranges = countingReads();
  const r = analyze(text, tmp, { ...ranges, streamData: { always: true } });
  assert.deepEqual(
    r.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const analysisBytes = ranges.bytes;
  assert.ok(analysisBytes >= size, 'the analysis reads the file once');
  // the analysis does not sample: the same bytes with and without a simulate block
  const without = countingReads();
  analyze(text.replace(/^simulate:.*$/m, ''), tmp, { ...without, streamData: { always: true } });
  assert.equal(analysisBytes, without.bytes, 'the editor analysis reads nothing for simulate');

  const sampler = r.rowSampler!;
  const before = ranges.bytes;
  const got = sampler.sample(200, 3, {});
  assert.deepEqual(got.problems, []);
  const s = got.sample!;
  const read = ranges.bytes - before;
  assert.equal(s.indices.length, 200);
  for (let i = 1; i < s.indices.length; i++) assert.ok(s.indices[i] > s.indices[i - 1], 'distinct and increasing');
  assert.ok(s.indices[0] >= 0 && s.indices[199] < N);
  // besides the rows: the .npy header (at most 12 + 10⁴ bytes, numpy's limit) and the labels file, read whole
  const labelsSize = fs.statSync(path.join(tmp, 'wide-labels.npy')).size;
  assert.ok(read >= s.bytesRead && read <= s.bytesRead + 10_012 + labelsSize, `${read} bytes read, ${s.bytesRead} of them rows`);
  assert.ok(read < 0.2 * size, `read ${read} bytes of ${size} (${((100 * read) / size).toFixed(1)}%)`);
  assert.ok(read >= 200 * F * 8, 'at least the sampled rows');
  // the same seed, the same rows; another seed, other rows
  assert.deepEqual(sampler.sample(200, 3, {}).sample!.indices, s.indices);
  const other = sampler.sample(200, 4, {}).sample!.indices;
  assert.notDeepEqual(other, s.indices);
  // each sampled row is that row of the in-memory pipeline's PCA coordinates (x − μ) V_k (up to
  // the sign of each component), with its label one-hot
  const mem = analyze(text, tmp);
  const all = mem.prepared!.pipeline!.xp;
  const k = 4;
  const xp = s.pipeline.xp;
  assert.deepEqual([xp.rows, xp.cols], [200, k]);
  for (let j = 0; j < k; j++) {
    const sign = Math.sign(xp.get(0, j) * all.get(s.indices[0], j));
    let worst = 0;
    let scale = 0;
    for (let t = 0; t < 200; t++) {
      worst = Math.max(worst, Math.abs(xp.get(t, j) - sign * all.get(s.indices[t], j)));
      scale = Math.max(scale, Math.abs(all.get(s.indices[t], j)));
    }
    assert.ok(worst <= 1e-10 * scale, `component ${j + 1}: ${worst} of ${scale}`);
  }
  for (let t = 0; t < 200; t++) {
    const i = s.indices[t];
    for (let c = 0; c < 5; c++) assert.equal(s.y!.get(t, c), c === labels[i] ? 1 : 0, `row ${i}, class ${c}`);
  }
});

test('m < N from a CSV: one reservoir pass keeps m rows in file order, seeded, each the projection of its row', () => {
  const N = 700;
  const F = 6;
  const x = dataMatrix(N, F, 5);
  const lines = ['a,b,c,d,e,f,label'];
  for (let i = 0; i < N; i++) lines.push([...x.subarray(i * F, (i + 1) * F)].map((v) => v.toPrecision(17)).join(',') + `,${i % 3}`);
  write('r.csv', lines.join('\n') + '\n');
  const text = PIPELINE('r.csv', '  labels: {column: -1}\n', '{n: [20, 60], alpha: [1], repeats: 1}');
  const ranges = countingReads();
  const r = analyze(text, tmp, { ...ranges, streamData: STREAM });
  const sampler = r.rowSampler!;
  const one = sampler.sample(60, 0, {}).sample!;
  assert.equal(one.indices.length, 60);
  assert.equal(one.pipeline.xp.rows, 60);
  for (let i = 1; i < 60; i++) assert.ok(one.indices[i] > one.indices[i - 1], 'distinct, in file order');
  assert.equal(one.bytesRead, 0, 'no positioned reads: a pass over the text');
  assert.deepEqual(sampler.sample(60, 0, {}).sample!.indices, one.indices, 'deterministic for a seed');
  const two = sampler.sample(60, 1, {}).sample!;
  assert.notDeepEqual(two.indices, one.indices, 'another seed, another sample');
  assert.deepEqual(two.pipeline.xp.data.length, 60 * 4);
  // the rows against the in-memory pipeline (the CSV is within the in-memory limits), up to each component's sign
  const all = analyze(text, tmp).prepared!.pipeline!.xp;
  for (let j = 0; j < 4; j++) {
    const sign = Math.sign(one.pipeline.xp.get(0, j) * all.get(one.indices[0], j));
    for (let t = 0; t < 60; t++) {
      const want = sign * all.get(one.indices[t], j);
      assert.ok(Math.abs(one.pipeline.xp.get(t, j) - want) <= 1e-10 * (1 + Math.abs(want)), `row ${one.indices[t]}, component ${j + 1}`);
    }
  }
  for (let t = 0; t < 60; t++) for (let c = 0; c < 3; c++) assert.equal(one.y!.get(t, c), c === one.indices[t] % 3 ? 1 : 0);
  // m ≥ N: every row, in file order
  const every = sampler.sample(N + 5, 0, {}).sample!;
  assert.deepEqual(
    [...every.indices],
    Array.from({ length: N }, (_, i) => i),
  );
});

test('labels come with their rows however they are read: whole, by position, or a stream picked in order (and in lockstep with a reservoir)', () => {
  const N = 500;
  const F = 5;
  const x = dataMatrix(N, F, 31);
  const lab = Array.from({ length: N }, (_, i) => (i * 11) % 3);
  const xBytes = npyBytes({ dtype: '<f8', shape: [N, F], data: x });
  const lBytes = npyBytes({ dtype: '<i8', shape: [N], data: lab });
  const mu = new Float64Array(F);
  for (let i = 0; i < N; i++) for (let j = 0; j < F; j++) mu[j] += x[i * F + j] / N;
  // a basis that keeps components 2 and 4: the sample must hold x − μ in those columns
  const basis = new Matrix(F, 2);
  basis.set(1, 0, 1);
  basis.set(3, 1, 1);
  const pb = {
    basis,
    mu,
    spectra: { c: new Float64Array(2), thetaImportant: new Float64Array(2), gamma: new Float64Array(0), thetaNoise: new Float64Array(0) },
    explainedVariance: 1,
    classes: Float64Array.from([0, 1, 2]),
    samples: N,
  };
  const rowsAt = () => ({ access: npyRowAccess(bytesSource(xBytes), 'x.npy') });
  const rowsStream = () => ({ stream: openNpyStream(bytesSource(xBytes), 'x.npy') });
  const variants: [string, SampleSources][] = [
    ['whole', { rows: rowsAt(), labels: { values: Float64Array.from(lab) } }],
    ['by position', { rows: rowsAt(), labels: { access: npyRowAccess(bytesSource(lBytes), 'l.npy') } }],
    ['picked', { rows: rowsAt(), labels: { stream: openNpyStream(bytesSource(lBytes), 'l.npy') } }],
    ['reservoir, lockstep', { rows: rowsStream(), labels: { stream: openNpyStream(bytesSource(lBytes), 'l.npy') } }],
  ];
  for (const [what, src] of variants) {
    const s = samplePipelineRows(src, pb, 80, 9, { blockRows: 13 });
    assert.equal(s.indices.length, 80, what);
    for (let t = 0; t < 80; t++) {
      const i = s.indices[t];
      assert.ok(t === 0 || i > s.indices[t - 1], what);
      assert.equal(s.pipeline.xp.get(t, 0), x[i * F + 1] - mu[1], `${what}: row ${i}`);
      assert.equal(s.pipeline.xp.get(t, 1), x[i * F + 3] - mu[3], `${what}: row ${i}`);
      for (let c = 0; c < 3; c++) assert.equal(s.y!.get(t, c), c === lab[i] ? 1 : 0, `${what}: row ${i}, class ${c}`);
    }
  }
  // a labels file one row short (changed since the analysis): located by the caller as a mismatch on the labels
  const short = npyBytes({ dtype: '<i8', shape: [N - 1], data: lab.slice(0, N - 1) });
  const shortVariants: SampleSources[] = [
    { rows: rowsAt(), labels: { stream: openNpyStream(bytesSource(short), 'l.npy') } },
    { rows: rowsAt(), labels: { access: npyRowAccess(bytesSource(short), 'l.npy') } },
    { rows: rowsAt(), labels: { values: Float64Array.from(lab.slice(0, N - 1)) } },
    { rows: rowsStream(), labels: { stream: openNpyStream(bytesSource(short), 'l.npy') } },
  ];
  for (const src of shortVariants)
    assert.throws(
      () => samplePipelineRows(src, pb, 80, 9, { blockRows: 13 }),
      (e: unknown) => e instanceof SampleMismatch && e.on === 'labels' && /499/.test(e.message),
    );
});

// ------------------------------------------------------------------ uniformity

/** Each of N rows is kept with probability m/N: over `seeds` samples the counts are Binomial(seeds, m/N), checked within 5σ. */
function checkInclusion(counts: number[], seeds: number, m: number, what: string): void {
  const N = counts.length;
  const p = m / N;
  const mean = seeds * p;
  const sd = Math.sqrt(seeds * p * (1 - p));
  counts.forEach((c, i) => assert.ok(Math.abs(c - mean) <= 5 * sd, `${what}: row ${i} kept ${c} times, expected ${mean} ± ${(5 * sd).toFixed(1)}`));
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    seeds * m,
  );
}

test('the samples are uniform: every row is kept with probability m/N (Floyd by position, Algorithm R in one pass), and sample means are unbiased', () => {
  const N = 60;
  const m = 12;
  const seeds = 3000;
  const values = Float64Array.from({ length: N }, (_, i) => (i * i) % 17);
  const popMean = values.reduce((a, b) => a + b, 0) / N;
  const byPosition = new Array<number>(N).fill(0);
  const byReservoir = new Array<number>(N).fill(0);
  let meanP = 0;
  let meanR = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const rngP = new Rng(seed);
    const idx = sampleIndices(N, m, () => rngP.next());
    assert.equal(new Set(idx).size, m);
    for (const i of idx) {
      byPosition[i]++;
      meanP += values[i] / (m * seeds);
    }
    const rngR = new Rng(seed);
    const res = reservoirRows(
      [arrayRowStream({ data: values, shape: [N, 1] }, 'v')],
      m,
      () => rngR.next(),
      () => undefined,
      { blockRows: 7 },
    );
    assert.equal(res.total, N);
    assert.equal(new Set(res.indices).size, m);
    for (const i of res.indices) {
      byReservoir[i]++;
      meanR += values[i] / (m * seeds);
    }
  }
  checkInclusion(byPosition, seeds, m, 'sampleIndices');
  checkInclusion(byReservoir, seeds, m, 'reservoirRows');
  // the mean of the sample means: within 5 standard errors of the population mean
  const popVar = values.reduce((a, v) => a + (v - popMean) ** 2, 0) / (N - 1);
  const se = Math.sqrt(((popVar / m) * (1 - m / N)) / seeds);
  assert.ok(Math.abs(meanP - popMean) <= 5 * se, `by position: ${meanP} vs ${popMean} ± ${5 * se}`);
  assert.ok(Math.abs(meanR - popMean) <= 5 * se, `reservoir: ${meanR} vs ${popMean} ± ${5 * se}`);
});

test('positioned reads coalesce neighbouring rows (gaps of at most 8 KiB) and decode exactly the wanted rows', () => {
  const rows = 1000;
  const rowBytes = 1000; // 125 float64 values
  const width = rowBytes / 8;
  const data = Float64Array.from({ length: rows * width }, (_, i) => i);
  const bytes = new Uint8Array(data.buffer);
  const reads: [number, number][] = [];
  const access: RowAccess = {
    rows,
    width,
    rowBytes,
    name: 't.npy',
    read(first, count) {
      reads.push([first, count]);
      return bytes.subarray(first * rowBytes, (first + count) * rowBytes);
    },
    decode(b, offset, out) {
      out.set(new Float64Array(b.buffer.slice(b.byteOffset + offset, b.byteOffset + offset + rowBytes)));
    },
  };
  const indices = Float64Array.from([0, 1, 2, 10, 19, 100, 999]);
  const seen: number[] = [];
  const total = readRowsAt(access, indices, (slot, row, index) => {
    assert.equal(index, indices[slot]);
    assert.equal(row[0], index * width);
    assert.equal(row[width - 1], index * width + width - 1);
    seen.push(index);
  });
  assert.deepEqual(seen, [...indices]);
  // 2 → 10 leaves 7 rows (7000 bytes ≤ 8 KiB) between them: one read; 19 → 100 and 100 → 999 do not
  assert.deepEqual(reads, [
    [0, 20],
    [100, 1],
    [999, 1],
  ]);
  assert.equal(total, 22 * rowBytes);
  // a read is never longer than readBytes
  reads.length = 0;
  readRowsAt(
    access,
    Float64Array.from({ length: 50 }, (_, i) => i),
    () => undefined,
    { readBytes: 16_000 },
  );
  assert.deepEqual(
    reads.map(([, c]) => c),
    [16, 16, 16, 2],
  );
  assert.throws(() => readRowsAt(access, Float64Array.from([5, 3]), () => undefined), /out of order/);
});

// ------------------------------------------------------------------ refusals, budget, failures

test('the old refusal is gone: a streamed pipeline simulates, with no limit-exceeded on simulate; data.moments is still refused', async () => {
  const N = 200;
  const x = dataMatrix(N, 5, 21);
  write('s.npy', npyBytes({ dtype: '<f8', shape: [N, 5], data: x }));
  const text = PIPELINE('s.npy', '', '{n: [30], alpha: [1], repeats: 1}');
  const r = analyze(text, tmp, { ...countingReads(), streamData: STREAM });
  assert.equal(r.problems.filter((p) => p.severity === 'error').length, 0, r.problems.map((p) => p.message).join('\n'));
  assert.ok(!r.problems.some((p) => /samples rows in memory|Simulate on a subsample/.test(p.message)));
  const out = await simulateSpecText<SimulationResult>(text, options(tmp, { ...countingReads(), streamData: STREAM }));
  assert.deepEqual(out.problems, []);
  assert.deepEqual(out.result!.dimensions, { d: 7, k: 4, latent: 4 });
  assert.ok(out.result!.series.every((s) => s.values.every((v) => v.every(Number.isFinite))));
  // data.moments: sums, no rows to sample
  const stats = 'sslexp: 1\ndata: {moments: {file: m.npz}, pca: 2}\nsimulate: {n: [10], alpha: [1]}\n';
  const refusal = simulationRefusal(parsedData(stats), { d: 2, k: 2, latent: 2 })!;
  assert.equal(refusal.code, 'simulation-unsupported');
  assert.match(refusal.message, /data\.moments holds sums over the samples, not the rows .*\(no sample of rows can be taken from sums\)/);
});

/** A parsed data-mode spec (the refusal needs only the spec). */
function parsedData(text: string): DataSpec {
  const r = asAlignment(analyzeText(text, { fileName: 'x.sslexp.yaml' }));
  assert.equal(r.spec?.mode, 'data');
  return r.spec as DataSpec;
}

test('the budget counts the rows held: the sample of max(simulate.n) rows of data read in blocks, not all N, plus its projection', () => {
  const spec = parsedData('sslexp: 1\ndata: {file: big.npy, pca: 10, noise: {count: 10, variance: 1}}\nsimulate: {n: [1000, 10000], alpha: [1], repeats: 2}\n');
  const dims = { d: 20, k: 10, latent: 10 };
  // 10⁹ rows in memory would need 8 · 10⁹ · (k + classes) bytes: refused
  const inMemory = simulationRefusal(spec, dims, { samples: 1e9, classes: 10 });
  assert.equal(inMemory?.code, 'simulation-too-large');
  // read in blocks: at most 10⁴ rows are held
  assert.equal(simulationRefusal(spec, dims, { samples: 1e9, classes: 10, sampledFeatures: 784 }), undefined);
  const shape = { d: 20, k: 10, latent: 10, targets: 10, rotate: false, rows: 10_000 };
  const plan = { n: [1000, 10000], alphas: 1, repeats: 2 };
  const plain = simulationCost(shape, plan);
  const sampled = simulationCost({ ...shape, sampledFeatures: 784 }, plan);
  assert.equal(sampled.bytes, plain.bytes);
  assert.ok(sampled.seconds > plain.seconds, 'the projection of the sample is counted');
  // 4096 features × 10⁶ sampled rows: the projection alone is over the 60 s budget
  const wide = simulationRefusal(
    parsedData('sslexp: 1\ndata: {file: big.npy, pca: 200, noise: {count: 10, variance: 1}}\nsimulate: {n: [1000000], alpha: [1], repeats: 1}\n'),
    { d: 210, k: 200, latent: 200 },
    { samples: 1e9, classes: 10, sampledFeatures: 4096 },
  );
  assert.equal(wide?.code, 'simulation-too-large');
});

test('a sample that cannot be taken is a located problem: the file changed since the analysis; cancellation stops the sampling', async () => {
  const N = 400;
  const x = dataMatrix(N, 5, 8);
  write('c.npy', npyBytes({ dtype: '<f8', shape: [N, 5], data: x }));
  const text = PIPELINE('c.npy', '', '{n: [30, 100], alpha: [1], repeats: 1}');
  const opts = options(tmp, { ...countingReads(), streamData: STREAM });
  const r = analyze(text, tmp, { ...countingReads(), streamData: STREAM });
  const spec = r.spec as DataSpec;
  // cancelled before the first read
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(alignmentTheory.simulate!(spec, r, opts, { signal: controller.signal }), SimulationCancelled);
  // the file loses rows after the analysis
  write('c.npy', npyBytes({ dtype: '<f8', shape: [N - 10, 5], data: x.subarray(0, (N - 10) * 5) }));
  const out = await alignmentTheory.simulate!(spec, r, opts, {});
  assert.equal(out.result, undefined);
  assert.equal(out.problems.length, 1);
  const p = out.problems[0];
  assert.equal(p.code, 'file-read-error');
  assert.match(p.message, /c\.npy has 390 rows, the analysis read 400: the file changed/);
  assert.equal(text.slice(p.start, p.end), 'c.npy');
});

// ------------------------------------------------------------------ the CLI

test('sslexp simulate on a .npy beyond the in-memory limits (10⁶ + 1 samples) samples its rows and prints the result', () => {
  const n = 1_000_001;
  const F = 4;
  const data = new Float32Array(n * F);
  const rng = new Rng(1);
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    data[i * F] = z + 0.1 * rng.normal();
    data[i * F + 1] = 2 * rng.normal();
    data[i * F + 2] = z - 0.5 * rng.normal();
    data[i * F + 3] = i % 3; // the label column
  }
  const head = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${F}), }`;
  const padded = head + ' '.repeat(63 - ((10 + head.length) % 64)) + '\n';
  const bytes = new Uint8Array(10 + padded.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(new TextEncoder().encode(padded), 10);
  bytes.set(new Uint8Array(data.buffer), 10 + padded.length);
  write('huge.npy', bytes);
  const spec = write(
    'huge.sslexp.yaml',
    'sslexp: 1\ndata:\n  file: huge.npy\n  labels: {column: -1}\n  pca: 2\n  noise: {count: 2, variance: [1, 4]}\n' +
      'augmentation: {additive: {alpha: 1, theta: 0.5}}\nsimulate: {n: [100, 1000], alpha: [0.5, 4], repeats: 2, seed: 1}\n',
  );
  const check = spawnSync(process.execPath, [cli, 'check', spec], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  const r = spawnSync(process.execPath, [cli, 'simulate', spec, '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SSLEXP_PROGRESS: '1' },
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const json = JSON.parse(r.stdout.trim());
  assert.deepEqual(json.problems, []);
  const sim = json.simulation;
  assert.equal(sim.mode, 'data');
  assert.deepEqual(sim.n, [100, 1000]);
  assert.deepEqual(sim.dimensions, { d: 4, k: 2, latent: 2 });
  assert.equal(sim.series.length, 6);
  for (const s of sim.series)
    assert.ok(
      s.mean.every((v: number) => Number.isFinite(v) && v >= 0),
      JSON.stringify(s),
    );
  assert.match(r.stderr, /sampling 1000 of 1000001 rows of huge\.npy/);
  // the text table too
  const t = spawnSync(process.execPath, [cli, 'simulate', spec], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(t.status, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /finite-n simulation, data mode, d = 4 \(2 important\), latent 2; 2 repeats, seed 1/);
  assert.match(t.stdout, /joint-embedding +4 /);
});
