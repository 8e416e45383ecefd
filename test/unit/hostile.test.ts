/**
 * Nothing a spec or a data file contains can crash, hang or exhaust the engine (docs/architecture.md §6):
 * each reproducer of the issue, through the engine (as the editor's worker calls it) and,
 * where the CLI adds something (its exit status, its output), through `sslexp`. Every case
 * must end in a located problem, quickly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import { simulateSpecText } from '../../src/core/engine/simulate';
import { symmetricEigenvalues } from '../../src/core/numerics/dense/eigen';
import { Matrix } from '../../src/core/numerics/dense';
import { simulationCost } from '../../src/core/theories/alignment/simulateSpec';
import type { EngineResult } from '../../src/core/engine/types';
import { parseHeader, readNpy, DataFileError, ArrayTooLargeError } from '../../src/core/io/npy';
import { readNpz } from '../../src/core/io/npz';
import { readCsv } from '../../src/core/io/csv';
import { computeLineStarts, offsetToLineColumn } from '../../src/core/problems/problems';
import { LIMITS } from '../../src/core/spec/model';
import { readFileCapped } from '../../src/node/readCapped';
import { deepSpec, npyHeader, zipBombNpz } from '../support/hostile';
import { npy } from './support/npy';
import { assertNoHang } from '../support/hangGuard';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-hostile13-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (name: string, content: string | Uint8Array): string => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
};

/** The engine as the CLI and the worker call it: files read with the byte cap on what is read. */
function analyze(text: string, name = 'spec.sslexp.yaml', opts: { components?: boolean } = {}): { result: EngineResult; ms: number } {
  const t0 = performance.now();
  const result = analyzeText(text, { fileName: path.join(tmp, name), baseDir: tmp, readFile: (p) => readFileCapped(p, LIMITS.maxFileBytes), ...opts });
  return { result, ms: performance.now() - t0 };
}

interface Located {
  code: string;
  severity: string;
  line: number;
  column: number;
  text: string;
  message: string;
}

/** The problems with 1-based line:column and the text they cover. */
function located(text: string, result: EngineResult): Located[] {
  const starts = computeLineStarts(text);
  return result.problems.map((p) => {
    const { line, column } = offsetToLineColumn(starts, p.start);
    return { code: p.code, severity: p.severity, line, column, text: text.slice(p.start, p.end), message: p.message };
  });
}

/** Exactly one error with `code`, no internal error; returns it. */
function oneError(text: string, result: EngineResult, code: string): Located {
  const ps = located(text, result);
  assert.ok(!ps.some((p) => p.code === 'internal-error'), JSON.stringify(ps));
  const errors = ps.filter((p) => p.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0].code, code, JSON.stringify(errors));
  return errors[0];
}

function sslexp(args: string[], opts: { heapMb?: number; timeoutMs?: number } = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${opts.heapMb ?? 2048}`, cli, ...args], {
    cwd: tmp,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
  });
  return { ...r, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------- 1. nesting

test('1: a block mapping nested 100 to 4000 levels deep (8 MB) is too-deep at its 65th level, without recursion', () => {
  for (const levels of [100, 1000, 1840, 2000, 4000]) {
    const text = deepSpec(levels);
    const { result, ms } = analyze(text);
    const p = oneError(text, result, 'too-deep');
    // line i + 2 holds level i + 1 at column i + 1: the 65th level is on line 66
    assert.deepEqual([p.line, p.column], [66, 65], `${levels} levels: ${JSON.stringify(p)}`);
    assertNoHang(ms, `${levels} levels`);
  }
  // exactly at the limit: accepted as YAML (the spec itself then has an unknown key)
  const ok = deepSpec(63);
  assert.ok(!located(ok, analyze(ok).result).some((p) => p.code === 'too-deep'));
});

test('1: deep flow lists, compact sequences and mixed nesting are too-deep where they pass 64 levels', () => {
  const cases: [string, number][] = [
    ['sslexp: 1\nx: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', 2],
    ['sslexp: 1\nx:\n' + '- '.repeat(5000) + '1\n', 3],
    ['sslexp: 1\nx:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + '- ').join('\n') + '1\n', 3 + 63],
    ['sslexp: 1\nx: {a: [' + '{b: ['.repeat(2000) + ']}'.repeat(2000) + ']}\n', 2],
  ];
  for (const [text, line] of cases) {
    const { result, ms } = analyze(text);
    const p = oneError(text, result, 'too-deep');
    assert.ok(p.line >= 2 && p.line <= line, `${JSON.stringify(p)} (expected by line ${line})`);
    assertNoHang(ms, 'too-deep');
  }
});

test('1: a block scalar is text, however it is indented; nesting after one is still counted', () => {
  const scalar =
    'sslexp: 1\nname: |\n' +
    Array.from({ length: 400 }, (_, i) => ' '.repeat(i + 2) + 'text').join('\n') +
    '\nsignal:\n  variance: [4, 1]\nnoise:\n  variance: [2]\n';
  assert.ok(!located(scalar, analyze(scalar).result).some((p) => p.severity === 'error'), 'a deeply indented block scalar is fine');
  // a deep mapping after a block scalar inside a sequence item
  const lines = ['sslexp: 1', 'x:', '- a: |', '    text', '  b:'];
  for (let i = 0; i < 3000; i++) lines.push(' '.repeat(i + 3) + 'c:');
  const attack = lines.join('\n') + ' 1\n';
  const { result } = analyze(attack);
  oneError(attack, result, 'too-deep');
});

// ---------------------------------------------------------------------------- 2. long lists

test('2: a flow list of 4·10^6 numbers (8 MB) is refused before parsing, located, in YAML and JSON alike', () => {
  const nums = Array.from({ length: 4_000_000 }, (_, i) => (i % 9) + 1).join(',');
  for (const [name, text] of [
    ['big.sslexp.yaml', `sslexp: 1\nsignal:\n  variance: [${nums}]\nnoise:\n  count: 1\n  variance: 1\n`],
    ['big.sslexp.json', `{"sslexp": 1, "signal": {"variance": [${nums}]}, "noise": {"count": 1, "variance": 1}}`],
  ]) {
    const { result, ms } = analyze(text, name);
    const p = oneError(text, result, 'limit-exceeded');
    assert.match(p.message, /more than 100000 values .*\.npy or \.csv file/);
    assert.equal(p.line, name.endsWith('.json') ? 1 : 3);
    assertNoHang(ms, name);
  }
  // just within the limit the spec is analysed (keys and values count)
  const within = `sslexp: 1\nsignal:\n  variance: [${Array.from({ length: LIMITS.maxSpecScalars - 20 }, () => 1).join(', ')}]\nnoise:\n  count: 1\n  variance: 1\n`;
  const r = analyze(within);
  assert.ok(!r.result.problems.some((p) => p.severity === 'error'), JSON.stringify(r.result.problems.slice(0, 3)));
});

// ---------------------------------------------------------------------------- 3. sizes before decoding

test('3: a .npy or a deflated .npz declaring 500000 × 1000 values is refused from its header, before anything is decoded', () => {
  // the header alone (the reader must not need, or allocate, the 500 MB of data to refuse it)
  const header = npyHeader([500_000, 1000], '|u1');
  assert.throws(
    () => readNpy(header, 'big.npy', { maxValues: LIMITS.maxDataValues }),
    (e: unknown) => e instanceof ArrayTooLargeError && /shape \(500000, 1000\) holds 500000000 values, over the limit of 50000000/.test(e.message),
  );
  const bomb = zipBombNpz([500_000, 1000]);
  assert.ok(bomb.length < 1_000_000, `the bomb is ${bomb.length} bytes`);
  const rss0 = process.memoryUsage().rss;
  assert.throws(() => readNpz(bomb, 'bomb.npz', undefined, { maxValues: LIMITS.maxDataValues }), ArrayTooLargeError);
  assert.ok(process.memoryUsage().rss - rss0 < 100e6, 'nothing was inflated');
  // through the engine: data, labels and a spectrum each count their values
  write('d/bomb.npz', bomb);
  write('d/labels.npz', zipBombNpz([2_000_000], '|u1'));
  write('d/spectrum.npy', npyHeader([20_000_000], '|u1')); // the header alone: nothing past it is read
  write('d/x.npy', npy([1, 2, 3, 4, 5, 6], { shape: [3, 2] }));
  const cases: [string, RegExp][] = [
    [
      'sslexp: 1\ndata:\n  file: d/bomb.npz\n  pca: 2\n',
      /bomb\.npz\[x\]: shape \(500000, 1000\) holds 500000000 values, over the limit of 50000000 values of the data matrix/,
    ],
    ['sslexp: 1\ndata:\n  file: d/x.npy\n  labels: {file: d/labels.npz}\n  pca: 1\n', /holds 2000000 values, over the limit of 1000000 labels/],
    [
      'sslexp: 1\nsignal:\n  variance: {file: d/spectrum.npy}\nnoise:\n  variance: [1]\n',
      /holds 20000000 values, over the limit of 10000000 components per block/,
    ],
  ];
  for (const [text, message] of cases) {
    const { result, ms } = analyze(text);
    const p = oneError(text, result, 'limit-exceeded');
    assert.match(p.message, message);
    assert.match(p.text, /^d\/(bomb\.npz|spectrum\.npy)$|^\{file: d\/labels\.npz\}$/);
    assertNoHang(ms, 'refusal');
  }
});

test('3: the CLI refuses the zip bomb within a 200 MB heap', () => {
  write('cli/d/bomb.npz', zipBombNpz([500_000, 1000]));
  const spec = write('cli/bomb.sslexp.yaml', 'sslexp: 1\ndata:\n  file: d/bomb.npz\n  pca: 2\n');
  const r = sslexp(['check', spec], { heapMb: 200 });
  assert.equal(r.status, 1, r.stderr);
  // the CLI reads in blocks, so the bomb is refused by its inflate ratio before any inflation
  assert.match(
    r.stdout,
    /bomb\.sslexp\.yaml:3:9: error limit-exceeded: d\/bomb\.npz: member 'x\.npy' declares 500000128 bytes from \d+ compressed bytes \(\d+:1\); a member read in blocks may expand at most 100:1/,
  );
});

test('3: a CSV never grows past the value limit of its caller', () => {
  const csv = new TextEncoder().encode('1,2,3\n'.repeat(1000));
  assert.throws(
    () => readCsv(csv, 'x.csv', { maxValues: 2000, what: 'values' }),
    (e: unknown) => e instanceof ArrayTooLargeError && /more than 2000 values \(at line 667\)/.test(e.message),
  );
  assert.equal(readCsv(csv, 'x.csv', { maxValues: 3000 }).data.length, 3000);
});

// ---------------------------------------------------------------------------- 4. /proc through the engine

test(
  '4: a spectrum file that is a symlink to /proc/self/pagemap is a located read error within a second',
  { skip: !fs.existsSync('/proc/self/pagemap') },
  () => {
    fs.symlinkSync('/proc/self/pagemap', path.join(tmp, 'pagemap.npy'));
    const text = 'sslexp: 1\nsignal:\n  variance: {file: pagemap.npy}\nnoise:\n  variance: [1]\n';
    const { result, ms } = analyze(text);
    const p = oneError(text, result, 'file-read-error');
    assert.equal(p.text, 'pagemap.npy');
    assert.match(p.message, /reports a size of 0 but holds more than 1048576 bytes/);
    assertNoHang(ms, 'refusal');
  },
);

// ---------------------------------------------------------------------------- 5, 6, 11, 12: sizes the analysis creates

test('5: a zero-row data file is a located error, not a NaN in the eigensolver', () => {
  write('zero.npy', npy([], { shape: [0, 5] }));
  write('zero-cols.npy', npy([], { shape: [4, 0] }));
  for (const file of ['zero.npy', 'zero-cols.npy']) {
    const text = `sslexp: 1\ndata:\n  file: ${file}\n  pca: 1\n`;
    const p = oneError(text, analyze(text).result, 'invalid-value');
    assert.equal(p.text, file);
    assert.match(p.message, /The data are empty/);
  }
});

test('6: data.noise.count counts towards the 4096-feature limit (d = pca + noise.count), at parse time', () => {
  write(
    'small.npy',
    npy(
      Array.from({ length: 50 }, (_, i) => Math.sin(i)),
      { shape: [10, 5] },
    ),
  );
  for (const count of [4095, 5000, 20_000, 10_000_000]) {
    const text = `sslexp: 1\ndata:\n  file: small.npy\n  pca: 2\n  noise: {count: ${count}, variance: 1}\n`;
    const { result, ms } = analyze(text);
    const p = oneError(text, result, 'limit-exceeded');
    assert.equal(p.text, String(count));
    assert.match(p.message, new RegExp(`d = pca \\+ noise.count = 2 \\+ ${count} coordinates exceed the limit of 4096`));
    assertNoHang(ms, 'parse-time refusal');
  }
  // d = 4096 exactly is analysed
  const text = 'sslexp: 1\ndata:\n  file: small.npy\n  pca: 2\n  noise: {count: 4094, variance: 1}\n';
  assert.ok(!analyze(text).result.problems.some((p) => p.code === 'limit-exceeded'));
});

test('6: the pipeline refuses n × (pca + noise.count) beyond the value limit before creating it', () => {
  // 20000 samples × (2 + 4000) > 5·10^7: the clean and corrupted pipeline data would hold 8·10^7 values each
  const rows = 20_000;
  const bytes = Buffer.concat([npyHeader([rows, 2], '<f4'), Buffer.alloc(rows * 2 * 4, 1)]);
  for (let i = 0; i < rows; i++) bytes.writeFloatLE(Math.sin(i) + i * 1e-3, bytes.length - rows * 8 + i * 8);
  write('rows.npy', bytes);
  const text = 'sslexp: 1\ndata:\n  file: rows.npy\n  pca: 2\n  noise: {count: 4000, variance: 1}\n';
  const { result, ms } = analyze(text);
  const p = oneError(text, result, 'limit-exceeded');
  assert.match(p.message, /20000 samples × d = 4002 coordinates = 80040000 values, over the limit of 50000000/);
  assertNoHang(ms, 'pipeline refusal');
});

test('11: latent larger than d is refused once a file tells the count', () => {
  write('spectra/signal.npy', npy(Array.from({ length: 16 }, (_, i) => 16 - i)));
  for (const latent of [19, 100_000_000]) {
    const text = `sslexp: 1\nsignal:\n  variance: {file: spectra/signal.npy}\nnoise:\n  variance: [1, 2]\nlatent: ${latent}\n`;
    const p = oneError(text, analyze(text).result, 'out-of-range');
    assert.equal(p.text, String(latent));
    assert.match(p.message, /latent: must be between 1 and d = 18 \(16 signal \(from 'spectra\/signal\.npy'\) \+ 2 noise components\)/);
  }
  const ok = 'sslexp: 1\nsignal:\n  variance: {file: spectra/signal.npy}\nnoise:\n  variance: [1, 2]\nlatent: 18\n';
  assert.ok(!analyze(ok).result.problems.some((p) => p.severity === 'error'));
});

test('12: an empty 1-D .npy as the signal variance is refused like an empty inline list', () => {
  write('empty.npy', npy([]));
  const text = 'sslexp: 1\nsignal:\n  variance: {file: empty.npy}\nnoise:\n  variance: [1, 2]\n';
  const p = oneError(text, analyze(text).result, 'invalid-value');
  assert.equal(p.text, 'empty.npy');
  assert.match(p.message, /'empty\.npy' holds no values: the signal needs at least one important component/);
  // an empty noise block is allowed (count 0), from a file as inline
  const noise = 'sslexp: 1\nsignal:\n  variance: [4, 1]\nnoise:\n  variance: {file: empty.npy}\n';
  assert.ok(!analyze(noise).result.problems.some((p) => p.severity === 'error'));
});

// ---------------------------------------------------------------------------- 7. output size

test('7: --components above 10^6 components is refused before the output is built; the analysis is still reported', () => {
  const text = 'sslexp: 1\nsignal:\n  count: 5000000\n  variance: {power_law: {first: 10, exponent: 1}}\nnoise:\n  count: 5000000\n  variance: 1\nalpha: 1\n';
  const { result } = analyze(text, 'spec.sslexp.yaml', { components: true });
  const p = oneError(text, result, 'limit-exceeded');
  assert.equal(p.text, '5000000');
  assert.match(
    p.message,
    /Per-component scores \(--components\) for d = 10000000 components would be about 500 MB of output; .* at most 1000000 components\. Analyse without --components/,
  );
  assert.ok(result.theory === 'alignment' && result.thresholds && result.atAlpha && !result.atAlpha.components);
  const spec = write('components.sslexp.yaml', text);
  for (const json of [false, true]) {
    const r = sslexp(['analyze', spec, '--components', ...(json ? ['--json'] : [])], { heapMb: 1024 });
    assert.equal(r.status, 1, r.stderr);
    if (json) {
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.dimensions.d, 10_000_000);
      assert.equal(doc.atAlpha.components, undefined);
      assert.ok(doc.problems.some((q: { code: string; line: number }) => q.code === 'limit-exceeded' && q.line === 6));
    } else assert.match(r.stdout, /6:10: error limit-exceeded: Per-component scores/);
    assert.ok(r.stdout.length < 100_000);
  }
});

// ---------------------------------------------------------------------------- 8. simulation budget

const spectralSim = (k: number, m: number, sim: string) =>
  `sslexp: 1\nsignal:\n  count: ${k}\n  variance: {power_law: {first: 10, exponent: 1}}\n  augmentation: 0.1\nnoise:\n  count: ${m}\n  variance: 1\n  augmentation: 0.1\nalpha: 1\nsimulate:\n${sim}`;

test('8: a simulate block is refused before it runs when its estimate is over 60 s or 2 GiB, on the block, with the estimate and what to change', async () => {
  const cases: [string, RegExp][] = [
    // the n = 10^6 at d = 2000 is over the dimension limit (now 1000); at d = 1000 the budget refuses it
    [spectralSim(1000, 1000, '  n: [1000000]\n  repeats: 1\n'), /^simulate: d = 2000 exceeds the simulation limit of 1000 dimensions/],
    [
      spectralSim(500, 500, '  n: [1000000]\n  repeats: 1\n'),
      /estimated at about 2\.3e\+3 s and 51 GB .* over the budget of 60 s and 2\.0 GB; it needs a largest n of at most 34360 \(now 1000000\), and 38× less work/,
    ],
    // the largest grid (64 points × 100 repeats) at d = 1000
    [
      spectralSim(500, 500, '  n: {from: 100, to: 1000000, points: 64}\n  repeats: 100\n'),
      /over the budget of 60 s and 2\.0 GB; it needs a largest n of at most 34360 .* less work: fewer repeats \(now 100\), sample sizes \(now 64\), a smaller largest n/,
    ],
    // many small units: time, not memory
    [
      spectralSim(5, 5, '  n: {from: 100, to: 10000, points: 64}\n  alpha: [1, 2, 3]\n  repeats: 100\n'),
      /estimated at about 87 s and 0\.1 GB .* it needs 1\.5× less work: fewer repeats \(now 100\), sample sizes \(now 64\), alpha values \(now 3\)/,
    ],
  ];
  for (const [text, message] of cases) {
    const t0 = performance.now();
    const { result } = analyze(text);
    const refusal = result.problems.filter((p) => p.code === 'simulation-too-large');
    assert.equal(refusal.length, 1, JSON.stringify(result.problems));
    assert.equal(refusal[0].severity, 'warning', 'the analysis reports it (sslexp check)');
    assert.match(text.slice(refusal[0].start, refusal[0].start + 8), /^(n: |simulate)/, 'on the simulate block');
    const sim = await simulateSpecText(text, { fileName: path.join(tmp, 'sim.sslexp.yaml'), baseDir: tmp });
    assert.equal(sim.result, undefined);
    assert.equal(sim.problems.length, 1);
    assert.equal(sim.problems[0].severity, 'error');
    assert.match(sim.problems[0].message, message);
    assertNoHang(performance.now() - t0, 'simulation refusal');
  }
  // within the budget it runs (and the estimate of this small run is small)
  const small = spectralSim(20, 20, '  n: [200, 400]\n  repeats: 1\n');
  assert.ok(simulationCost({ d: 40, k: 20, latent: 20, targets: 20, rotate: true }, { n: [200, 400], alphas: 1, repeats: 1 }).seconds < 1);
  const ok = await simulateSpecText(small, { fileName: path.join(tmp, 'sim.sslexp.yaml'), baseDir: tmp });
  assert.ok(ok.result, JSON.stringify(ok.problems));
});

test('8: the estimate follows the measured runs (seconds of CPU and peak RSS on the reference machine) within a factor of 2', () => {
  // [d, k, n, alphas, measured CPU s, measured peak MB] from `sslexp simulate` runs (docs/development.md "Robustness")
  const measured: [number, number, number[], number, number, number][] = [
    [400, 200, [100], 4, 5.0, 164],
    [1600, 800, [100], 1, 42, 545],
    [600, 300, [20_000], 4, 43.5, 549],
    [100, 50, [1_000_000], 1, 87.7, 5148],
    [200, 100, [300_000], 1, 42.6, 3119],
    [1000, 500, [1000], 4, 44.7, 338],
    [20, 10, [900_000], 1, 8.2, 985],
  ];
  for (const [d, k, n, alphas, seconds, mb] of measured) {
    const c = simulationCost({ d, k, latent: k, targets: k, rotate: d <= 400 }, { n, alphas, repeats: 1 });
    assert.ok(c.seconds > seconds / 2 && c.seconds < seconds * 2, `d = ${d}, n = ${n}: estimated ${c.seconds.toFixed(1)} s, measured ${seconds} s`);
    assert.ok(c.bytes / 1e6 > mb / 2 && c.bytes / 1e6 < mb * 2, `d = ${d}, n = ${n}: estimated ${(c.bytes / 1e6).toFixed(0)} MB, measured ${mb} MB`);
  }
});

// ---------------------------------------------------------------------------- found by the fuzzer

test('fuzz findings: values whose squares overflow are located limits; subnormal rows do not make eigenvalues NaN', () => {
  const X = '[[1, 2, 3], [0.5, 1e308, 2], [3, 1, 0], [2, 2, 1], [1, 0, 1]]';
  for (const text of [`sslexp: 1\ndata: {X: ${X}, pca: 2}\n`, `sslexp: 1\ndata: {X: ${X}}\ngraph: {knn: {k: 2}}\nembedding: 1\n`]) {
    const p = oneError(text, analyze(text).result, 'limit-exceeded');
    assert.match(p.message, /The data hold 1e\+308 at row 2, column 2: values are limited to ±1e\+150/);
  }
  // a matrix with subnormal off-diagonal rows (noise variances that underflowed)
  const m = new Matrix(4, 4, Float64Array.from([1, 1e-310, 0, 0, 1e-310, 1e-310, 5e-324, 0, 0, 5e-324, 0, 0, 0, 0, 0, 2]));
  const ev = symmetricEigenvalues(m);
  assert.ok(
    ev.every((v) => Number.isFinite(v)),
    String(ev),
  );
  assert.ok(Math.abs(ev[0] - 2) < 1e-15 && Math.abs(ev[1] - 1) < 1e-15);
});

// ---------------------------------------------------------------------------- 13. CSV header detection

test('13: a CSV header is text in every cell; a first row with a typo is a located error', () => {
  const cases: [string, string][] = [
    ['1,2,x\n3,4,5\n', "x.csv, line 1, column 3: 'x' is not a number (a header row needs text, not numbers, in every column)."],
    ['1,NA,3\n3,4,5\n', "x.csv, line 1, column 2: 'NA' is not a number (a header row needs text, not numbers, in every column)."],
    ['0x10,2\n3,4\n', "x.csv, line 1, column 1: '0x10' is not a number (a header row needs text, not numbers, in every column)."],
    ['"1,5",2\n3,4\n', "x.csv, line 1, column 1: '\"1' is not a number (a header row needs text, not numbers, in every column)."],
    ['5..0\n3\n1\n', "x.csv, line 1, column 1: '5..0' is not a number (a header row needs text, not numbers, in every column)."],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => readCsv(new TextEncoder().encode(body), 'x.csv'),
      (e: unknown) => e instanceof DataFileError && e.message === message,
      body,
    );
  }
  // real headers still work, including pandas' unnamed index column
  const h = readCsv(new TextEncoder().encode(',a,b\n0,1,2\n1,3,4\n'), 'x.csv');
  assert.deepEqual(
    [h.shape, h.header],
    [
      [2, 3],
      ['', 'a', 'b'],
    ],
  );
  const h2 = readCsv(new TextEncoder().encode('x;y\n1;2\n'), 'x.csv');
  assert.deepEqual(h2.shape, [1, 2]);
  // the spectrum file of the issue, through the engine
  write('spec5.csv', '5..0\n3\n1\n');
  const text = 'sslexp: 1\nsignal:\n  variance: {file: spec5.csv}\nnoise:\n  variance: [1, 2]\n';
  const p = oneError(text, analyze(text).result, 'file-parse-error');
  assert.equal(p.text, 'spec5.csv');
});

// ---------------------------------------------------------------------------- 14. .npy headers as numpy reads them

test('14: .npy headers are Python literals: duplicate keys keep the last value, strings are strings, anything else is refused', () => {
  const h = (s: string) => parseHeader(s, 'x.npy');
  // a 'shape' inside another string value is not the shape
  assert.deepEqual(h(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }`).shape, [2]);
  assert.deepEqual(h(`{'descr': "<f8', 'shape': (99,), '", 'fortran_order': False, 'shape': (2,)}`), {
    descr: "<f8', 'shape': (99,), '",
    fortran: false,
    shape: [2],
  });
  assert.deepEqual(h(`{'fortran_order': False, 'descr': '<f8\\'shape\\': (99,)', 'shape': (2,)}`), { descr: "<f8'shape': (99,)", fortran: false, shape: [2] });
  // duplicated keys: the last wins, as in a Python dict
  assert.deepEqual(h(`{'descr': '<i4', 'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'shape': (2, 2)}`), {
    descr: '<f8',
    fortran: false,
    shape: [2, 2],
  });
  // literal forms numpy accepts: double quotes, no trailing comma, Python 2 longs, True in a shape, comments, (3) is 3
  assert.deepEqual(h(`{"descr": "<f8", "fortran_order": True, "shape": (3L, 4L)}`), { descr: '<f8', fortran: true, shape: [3, 4] });
  assert.deepEqual(h(`{'descr': '<f8', 'fortran_order': False, 'shape': (True, 2), } # numpy: bool is an int`), {
    descr: '<f8',
    fortran: false,
    shape: [1, 2],
  });
  assert.deepEqual(h(`{'descr': '<' 'f8', 'fortran_order': False, 'shape': ((3),)}`), { descr: '<f8', fortran: false, shape: [3] });
  assert.deepEqual(h(`{'descr': '<f8', 'fortran_order': False, 'shape': ()}`).shape, []);
  // refused: missing, extra or non-string keys; wrong value types; not a literal; trailing text
  for (const bad of [
    `{'descr': '<f8', 'shape': (2,)}`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}`,
    `{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': [2]}`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,)}`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 1: 2}`,
    `{'descr': b'<f8', 'fortran_order': False, 'shape': (2,)}`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (2,)`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'shape': open('x')}`,
    `['descr', '<f8']`,
    `{'descr': '<f8', 'fortran_order': False, 'shape': (2 2)}`,
  ]) {
    assert.throws(
      () => h(bad),
      (e: unknown) => e instanceof DataFileError && /malformed \.npy header/.test(e.message),
      bad,
    );
  }
  assert.throws(() => h(`{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}`), /structured \(record\) array/);
  assert.throws(() => h(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}` + ' '.repeat(10_000)), /over numpy's limit of 10000/);
  // a whole file: the duplicated descr decides how the data are decoded
  const dict = `{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'descr': '<f8', }`;
  const padded = dict + ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const bytes = Buffer.alloc(10 + padded.length + 16);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  bytes.writeUInt16LE(padded.length, 8);
  bytes.write(padded, 10, 'latin1');
  bytes.writeDoubleLE(1.5, 10 + padded.length);
  bytes.writeDoubleLE(-2, 18 + padded.length);
  assert.deepEqual(Array.from(readNpy(bytes).data), [1.5, -2]);
});

// ---------------------------------------------------------------------------- 15. tags

test('15: a core YAML tag that contradicts its node is an error on the tag', () => {
  for (const [tag, what] of [
    ['!!null [10, 2]', /'!!null' contradicts its node: it marks null .* but the node is a list/],
    ['!!str [1]', /'!!str' contradicts .* a list/],
    ['!!map [1, 2]', /'!!map' contradicts .* a list/],
    ['!!bool {flat: 1}', /'!!bool' contradicts .* a mapping/],
    ['!!seq {flat: 1}', /'!!seq' contradicts .* a mapping/],
    ['!!null 5', /'!!null' contradicts .* the scalar '5'/],
    ['!!bool 5', /'!!bool' contradicts .* the scalar '5'/],
    ['!!map 5', /'!!map' contradicts .* the scalar '5'/],
  ] as const) {
    const text = `sslexp: 1\nsignal:\n  variance: ${tag}\nnoise:\n  variance: [1, 2]\n`;
    const ps = located(text, analyze(text).result).filter((p) => p.code === 'tag-mismatch');
    assert.equal(ps.length, 1, `${tag}: ${JSON.stringify(located(text, analyze(text).result))}`);
    assert.equal(ps[0].text, tag.split(' ')[0]);
    assert.deepEqual([ps[0].line, ps[0].column], [3, 13]);
    assert.match(ps[0].message, what);
  }
  // fitting tags stay fine
  const fine = 'sslexp: 1\nsignal:\n  variance: !!seq [!!float 4, !!int "1"]\nnoise: !!map\n  variance: !!seq [2]\nname: !!str 5\n';
  assert.deepEqual(
    analyze(fine).result.problems.filter((p) => p.severity === 'error'),
    [],
  );
});

// ---------------------------------------------------------------------------- 16. paths and messages

test('16: Windows paths next to a POSIX spec are refused as not portable, on the path', () => {
  for (const p of ['C:/x.npy', 'c:x.npy', '\\\\\\\\server\\\\share\\\\x.npy', '\\\\x.npy']) {
    const text = `sslexp: 1\nsignal:\n  variance: {file: "${p}"}\nnoise:\n  variance: [1, 2]\n`;
    const e = oneError(text, analyze(text).result, 'invalid-value');
    assert.equal(e.text, `"${p}"`);
    assert.match(e.message, /is a Windows path .* relative to the spec's directory/);
  }
});

test('16: without labels, a data file without features says so without mentioning labels', () => {
  write('one.csv', '1\n2\n3\n');
  const labelled = 'sslexp: 1\ndata:\n  file: one.csv\n  labels: {column: 0}\n  pca: 1\n';
  assert.match(oneError(labelled, analyze(labelled).result, 'dimension-mismatch').message, /no feature column besides the labels/);
});
