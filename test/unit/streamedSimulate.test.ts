/**
 * `simulate` on data read in blocks (docs/architecture.md §5; docs/theory.md §6.1, "The finite-n
 * experiment"): every (n, repeat) draw is a fresh uniform subset of n distinct rows of the
 * whole file, as in memory. From a .npy or a stored .npz member each draw reads just its rows
 * by position (the in-memory draw's rows, in its order: the result equals the in-memory one);
 * a CSV keeps one reservoir of repeats × max(n) rows, a disjoint part per repeat, or, when
 * that does not fit the memory budget, one shared sample with an info problem. With m ≥ N it
 * equals the in-memory simulation.
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
import { directDraws, samplePipelineRows, SampleMismatch, type SampleSources } from '../../src/core/theories/alignment/data/rowSample';
import { Rng } from '../../src/core/numerics/rng';
import { alignmentTheory } from '../../src/core/theories/alignment/theory';
import { simulationCost, simulationNotice, simulationRefusal, simulationSetup, streamedRows } from '../../src/core/theories/alignment/simulateSpec';
import { drawRowIndices, SimulationCancelled, type SimulationResult, type SimulationSetup } from '../../src/core/theories/alignment/simulation';
import type { Problem } from '../../src/core/problems/problems';
import { PROBLEM_CODES } from '../../src/core/problems/codes';
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
  // each sampled row is that row of the in-memory pipeline's PCA coordinates (x − μ) V_k (both
  // paths orient V_k alike: no sign to align), with its label one-hot
  const mem = analyze(text, tmp);
  const all = mem.prepared!.pipeline!.xp;
  const k = 4;
  const xp = s.pipeline.xp;
  assert.deepEqual([xp.rows, xp.cols], [200, k]);
  for (let j = 0; j < k; j++) {
    const sign = 1;
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
  // every draw reads its own rows by position: no sample is taken before the run
  assert.doesNotMatch(r.stderr, /sampling/);
  assert.match(r.stderr, /n = 1000, repeat 2\/2/);
  // the text table too
  const t = spawnSync(process.execPath, [cli, 'simulate', spec], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(t.status, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /finite-n simulation, data mode, d = 4 \(2 important\), latent 2; 2 repeats, seed 1/);
  assert.match(t.stdout, /joint-embedding +4 /);
});

// ------------------------------------------------------------------ m < N: every (n, repeat) draw its own rows

/** The rows a setup's draw took, read off one-hot targets whose class is the row's index (labels = 0 … N − 1). */
function drawnRows(y: Matrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < y.rows; i++) {
    let at = -1;
    for (let c = 0; c < y.cols; c++) if (y.get(i, c) === 1) at = c;
    assert.ok(at >= 0, `row ${i} has a class`);
    out.push(at);
  }
  return out;
}

/** The setup of a streamed analysis' simulate block (with another seed when given), and its notices. */
function streamedSetup(r: AlignmentEngineResult, seed?: number) {
  const spec = r.spec as DataSpec;
  const s = seed === undefined ? spec : { ...spec, simulate: { ...spec.simulate!, seed } };
  const notices: Problem[] = [];
  const setup = simulationSetup(s, r, {}, notices);
  assert.ok(setup && !Array.isArray(setup), JSON.stringify(setup));
  return { setup: setup as SimulationSetup, notices };
}

test('m < N by position: every draw reads its own n distinct rows of all N — those and in that order the in-memory draw takes — and exactly their bytes', () => {
  const N = 400;
  const F = 1030; // 8240 bytes a row: more than the 8 KiB gap, so only adjacent rows share a read
  const rowBytes = F * 8;
  const x = dataMatrix(N, F, 41);
  write('own.npy', npyBytes({ dtype: '<f8', shape: [N, F], data: x }));
  write('own-labels.npy', npyBytes({ dtype: '<i8', shape: [N], data: Array.from({ length: N }, (_, i) => i) }));
  const nGrid = [30, 100];
  const repeats = 4;
  const text = PIPELINE('own.npy', '  labels: {file: own-labels.npy}\n', `{n: [${nGrid}], alpha: [1], repeats: ${repeats}, seed: 5}`);
  const ranges = countingReads();
  const r = analyze(text, tmp, { ...ranges, streamData: { always: true } });
  assert.deepEqual(
    // the theory findings of P1's pipeline (the regime, α below a threshold: docs/theory.md §5) aside
    r.problems
      .filter((p) => p.severity !== 'hint' && !['singular-clean-problem', 'regime', 'alpha-below-rc', 'alpha-below-je'].includes(p.code))
      .map((p) => p.code),
    [],
  );
  const { setup, notices } = streamedSetup(r);
  assert.deepEqual(notices, []);
  const memory = analyze(text, tmp);
  const all = memory.prepared!.pipeline!.xp;
  const mem = streamedSetup(memory).setup; // the in-memory pipeline's draws
  const before = ranges.bytes;
  let wantBytes = 0;
  const largest: number[][] = [];
  nGrid.forEach((n, ni) =>
    Array.from({ length: repeats }, (_, rep) => {
      const seed = 1000 * ni + rep + 1;
      const got = setup.draw(n, new Rng(seed), rep);
      const rows = drawnRows(got.y);
      assert.equal(rows.length, n);
      assert.equal(new Set(rows).size, n, `n = ${n}, repeat ${rep}: n distinct rows`);
      assert.deepEqual(rows, drawnRows(mem.draw(n, new Rng(seed), rep).y), `n = ${n}, repeat ${rep}: the in-memory draw's rows, in its order`);
      assert.deepEqual(rows, [
        ...drawRowIndices(
          N,
          n,
          (
            (g) => () =>
              g.next()
          )(new Rng(seed)),
        ),
      ]);
      // the projected rows are those rows' PCA coordinates (up to each component's sign)
      if (ni === 0 && rep === 0)
        for (let j = 0; j < 4; j++) {
          const sign = Math.sign(got.x1.get(0, j) * all.get(rows[0], j));
          rows.forEach((i, t) => assert.ok(Math.abs(got.x1.get(t, j) - sign * all.get(i, j)) <= 1e-10 * (1 + Math.abs(all.get(i, j)))));
        }
      // the read plan: sorted rows, adjacent ones in one read (gaps of more than 8 KiB are not read)
      wantBytes += n * rowBytes;
      if (n === Math.max(...nGrid)) largest.push(rows);
    }),
  );
  assert.equal(ranges.bytes - before, wantBytes, 'Σ over draws of n × row bytes, nothing else');
  assert.equal(wantBytes, repeats * (30 + 100) * rowBytes);
  // at the largest n (m = 100 < N = 400) the repeats hold different rows
  for (let a = 0; a < repeats; a++)
    for (let b = a + 1; b < repeats; b++) assert.notDeepEqual([...largest[a]].sort(), [...largest[b]].sort(), `repeats ${a} and ${b} at n = 100`);
});

test('m < N by position: the whole simulation equals the in-memory one (every (n, repeat) draw the same rows and noise), deterministic per seed', async () => {
  const N = 300;
  const F = 9;
  const x = dataMatrix(N, F, 43);
  write('eq.npy', npyBytes({ dtype: '<f8', shape: [N, F], data: x }));
  write('eq-labels.npy', npyBytes({ dtype: '<i8', shape: [N], data: Array.from({ length: N }, (_, i) => (i * 7) % 4) }));
  const sim = '{n: [40, 120], alpha: [0.5, 3], repeats: 3, seed: 9}';
  for (const text of [PIPELINE('eq.npy', '  labels: {file: eq-labels.npy}\n', sim), PIPELINE('eq.npy', '', sim)]) {
    const mem = await simulate(text, tmp);
    const ranges = countingReads();
    const str = await simulate(text, tmp, { ...ranges, streamData: STREAM });
    sameResult(str, mem, 1e-12, 1e-3, text.split('\n')[2]);
    // the spread at the largest n is over different rows: not zero, as in memory
    assert.ok(str.series.every((s) => s.spread[1] > 0));
    sameResult(await simulate(text, tmp, { ...countingReads(), streamData: STREAM }), str, 0, 1e-3, 'the same seed');
  }
});

test('direct draws are uniform: over many seeds every row is in a draw of n with probability n/N (within 5σ)', () => {
  const N = 50;
  const F = 3;
  const x = Float64Array.from({ length: N * F }, (_, i) => i);
  const basis = new Matrix(F, 1);
  basis.set(0, 0, 1);
  const pb = {
    basis,
    spectra: { c: new Float64Array(1), thetaImportant: new Float64Array(1), gamma: new Float64Array(0), thetaNoise: new Float64Array(0) },
    explainedVariance: 1,
    samples: N,
  };
  const draws = directDraws({ rows: { access: npyRowAccess(bytesSource(npyBytes({ dtype: '<f8', shape: [N, F], data: x })), 'u.npy') } }, pb);
  const n = 12;
  const seeds = 3000;
  const counts = new Array<number>(N).fill(0);
  for (let s = 0; s < seeds; s++) {
    const rng = new Rng(s + 1);
    const got = draws.draw(n, () => rng.next());
    assert.equal(new Set(got.indices).size, n);
    for (let t = 0; t < n; t++) {
      const i = got.indices[t];
      assert.equal(got.x1.get(t, 0), x[i * F], 'the row read is the row drawn');
      counts[i]++;
    }
  }
  checkInclusion(counts, seeds, n, 'directDraws');
  assert.equal(draws.rowsRead, seeds * n);
  assert.ok(draws.bytesRead >= seeds * n * F * 8);
});

test('m < N from a CSV: a reservoir of repeats × m rows gives each repeat a disjoint part; beyond N it holds every row (the in-memory draws)', () => {
  const N = 700;
  const F = 4;
  const x = dataMatrix(N, F, 47);
  const lines = ['a,b,c,d,label'];
  for (let i = 0; i < N; i++) lines.push([...x.subarray(i * F, (i + 1) * F)].map((v) => v.toPrecision(17)).join(',') + `,${i}`);
  write('parts.csv', lines.join('\n') + '\n');
  const text = (repeats: number) => PIPELINE('parts.csv', '  labels: {column: -1}\n', `{n: [20, 60], alpha: [1], repeats: ${repeats}, seed: 2}`);
  const r = analyze(text(5), tmp, { ...countingReads(), streamData: STREAM });
  assert.ok(!r.problems.some((p) => p.code === 'simulation-shared-sample'));
  const { setup, notices } = streamedSetup(r);
  assert.deepEqual(notices, []);
  const parts: Set<number>[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const whole = drawnRows(setup.draw(60, new Rng(100 + rep), rep).y);
    assert.equal(new Set(whole).size, 60, 'n distinct rows');
    const part = new Set(whole);
    const small = drawnRows(setup.draw(20, new Rng(200 + rep), rep).y);
    assert.equal(new Set(small).size, 20);
    assert.ok(
      small.every((i) => part.has(i)),
      'a smaller n draws from the repeat’s part',
    );
    for (const other of parts) assert.ok(![...part].some((i) => other.has(i)), `repeat ${rep}: disjoint from the earlier repeats' parts`);
    parts.push(part);
  }
  // deterministic per seed, other rows for another seed
  const again = streamedSetup(r).setup;
  assert.deepEqual(drawnRows(again.draw(60, new Rng(100), 0).y), [...parts[0]]);
  assert.notDeepEqual(new Set(drawnRows(streamedSetup(r, 3).setup.draw(60, new Rng(100), 0).y)), parts[0]);
  // 20 repeats × 60 rows > N: every row is held in file order and the draws are the in-memory ones
  const all = analyze(text(20), tmp, { ...countingReads(), streamData: STREAM });
  const mem = streamedSetup(analyze(text(20), tmp)).setup;
  const held = streamedSetup(all).setup;
  for (let rep = 0; rep < 3; rep++) assert.deepEqual(drawnRows(held.draw(60, new Rng(rep), rep).y), drawnRows(mem.draw(60, new Rng(rep), rep).y));
  // a Fortran-order .npy promises rows by position by its name but has none: the same parts, from one pass
  const NF = 300;
  const xf = dataMatrix(NF, 5, 49);
  const colMajor = new Array<number>(NF * 5);
  for (let i = 0; i < NF; i++) for (let j = 0; j < 5; j++) colMajor[i + j * NF] = xf[i * 5 + j];
  write('parts-f.npy', npy(colMajor, { shape: [NF, 5], fortran: true }));
  write('parts-f-labels.npy', npyBytes({ dtype: '<i8', shape: [NF], data: Array.from({ length: NF }, (_, i) => i) }));
  const ft = PIPELINE('parts-f.npy', '  labels: {file: parts-f-labels.npy}\n', '{n: [10, 50], alpha: [1], repeats: 4, seed: 6}');
  const fr = analyze(ft, tmp, { ...countingReads(), streamData: STREAM });
  assert.deepEqual(
    fr.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    [],
  );
  assert.equal(fr.rowSampler!.positioned, true, 'promised by the name');
  const fs4 = streamedSetup(fr).setup;
  const seen = new Set<number>();
  for (let rep = 0; rep < 4; rep++) {
    const rows = drawnRows(fs4.draw(50, new Rng(rep + 7), rep).y);
    assert.equal(new Set(rows).size, 50);
    for (const i of rows) {
      assert.ok(!seen.has(i), `Fortran order, repeat ${rep}: row ${i} in one part only`);
      seen.add(i);
    }
  }
});

test('the reservoir parts are uniform: over many seeds every row is in a repeat’s draw with probability n/N (within 5σ)', () => {
  const N = 40;
  const lines = ['a,b,label'];
  for (let i = 0; i < N; i++) lines.push(`${Math.sin(i)},${Math.cos(3 * i)},${i}`);
  write('upart.csv', lines.join('\n') + '\n');
  const text = `sslexp: 1\ndata:\n  file: upart.csv\n  labels: {column: -1}\n  pca: 1\n  noise: {count: 1, variance: 1}\naugmentation: {additive: {alpha: 1, theta: 0.5}}\nsimulate: {n: [5, 10], alpha: [1], repeats: 3}\n`;
  const r = analyze(text, tmp, { ...countingReads(), streamData: STREAM });
  const seeds = 1500;
  const counts = [0, 1, 2].map(() => new Array<number>(N).fill(0));
  for (let s = 0; s < seeds; s++) {
    const { setup } = streamedSetup(r, s);
    for (let rep = 0; rep < 3; rep++) for (const i of drawnRows(setup.draw(5, new Rng(s + 1), rep).y)) counts[rep][i]++;
  }
  counts.forEach((c, rep) => checkInclusion(c, seeds, 5, `repeat ${rep}`));
});

test('the budget counts every row read: Σ n × repeats for draws by position; a one-pass file whose reservoir does not fit shares one sample, with an info problem', () => {
  // 1000 classes: 8 · 1002 bytes a held row; 26 repeats × 10⁴ rows = 2.6·10⁵ rows, about 2.2 GiB: over the 2 GiB budget
  const wideY = 'sslexp: 1\ndata: {file: big.csv, pca: 2, noise: {count: 2, variance: 1}}\nsimulate: {n: [10000], alpha: [1], repeats: REPEATS}\n';
  const spec = parsedData(wideY.replace('REPEATS', '26'));
  const dims = { d: 4, k: 2, latent: 1 };
  const data = { samples: 1e9, classes: 1000, sampledFeatures: 16 };
  assert.equal(simulationRefusal(spec, dims, { ...data, positioned: false }), undefined, 'the shared sample fits');
  const notice = simulationNotice(spec, dims, { ...data, positioned: false })!;
  assert.equal(notice.code, 'simulation-shared-sample');
  assert.equal(notice.severity, 'info');
  assert.match(
    notice.message,
    /^simulate: the 26 repeats share one sample of 10000 of the 1000000000 rows: .* a sample of 260000 rows, one part per repeat, would exceed the memory budget of 2\.0 GB\. At n = 10000 every repeat holds the same rows/,
  );
  assert.equal(PROBLEM_CODES['simulation-shared-sample'].severity, 'info');
  // 20 repeats: 2·10⁵ rows fit, each repeat gets its own part; by position no rows are held at all
  assert.equal(simulationNotice(parsedData(wideY.replace('REPEATS', '20')), dims, { ...data, positioned: false }), undefined);
  assert.equal(simulationNotice(spec, dims, { ...data, positioned: true }), undefined);
  assert.deepEqual(
    streamedRows({ n: [20000, 200000], repeats: 100 }, 1e9, false, (rows) => rows * 160 < 2 ** 31),
    { kind: 'shared', rows: 200000, wanted: 2e7 },
  );
  assert.deepEqual(
    streamedRows({ n: [20000, 200000], repeats: 10 }, 1e9, false, () => true),
    { kind: 'parts', rows: 2e6, parts: 10 },
  );
  assert.deepEqual(
    streamedRows({ n: [20000, 200000], repeats: 100 }, 1e9, true, () => false),
    { kind: 'direct', read: 2.2e7 },
  );
  // by position, 100 repeats of 10⁵ rows: reading and projecting 10⁷ rows of 4096 features is over 60 s, of 16 features not
  const many = parsedData('sslexp: 1\ndata: {file: big.npy, pca: 2, noise: {count: 2, variance: 1}}\nsimulate: {n: [100000], alpha: [1], repeats: 100}\n');
  const dims2 = { d: 4, k: 2, latent: 2 };
  const slow = simulationRefusal(many, dims2, { samples: 1e9, classes: 2, sampledFeatures: 4096, positioned: true })!;
  assert.equal(slow.code, 'simulation-too-large');
  assert.match(slow.message, /estimated at about 4\.0e\+2 s/);
  assert.equal(simulationRefusal(many, dims2, { samples: 1e9, classes: 2, sampledFeatures: 16, positioned: true }), undefined);
  // the time counts the rows read exactly: Σ n × repeats rows × features, at the projection's rate
  const shape = { d: 20, k: 10, latent: 10, targets: 10, rotate: false };
  const plan = { n: [1000, 10000], alphas: 1, repeats: 7 };
  const plain = simulationCost(shape, plan);
  const read = simulationCost({ ...shape, sampledFeatures: 784, rows: 0, readRows: 7 * 11000 }, plan);
  const once = simulationCost({ ...shape, sampledFeatures: 784, rows: 0, readRows: 11000 }, plan);
  assert.equal(read.bytes, plain.bytes, 'draws by position hold no rows beyond the draw');
  const perRow = (once.seconds - plain.seconds) / 11000;
  assert.ok(perRow > 0);
  assert.ok(Math.abs(read.seconds - plain.seconds - 7 * 11000 * perRow) <= 1e-9 * read.seconds);
  // m ≥ N: every row, whatever the layout
  assert.deepEqual(
    streamedRows({ n: [10, 500], repeats: 9 }, 400, true, () => true),
    { kind: 'all', rows: 400 },
  );
});
