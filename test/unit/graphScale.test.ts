/**
 * Graph mode through the engine at scale and at the ends of the double range
 * (docs/theory.md §7.10): rings read from an edge-list file (N = 10,000 with K = 2 and
 * N = 20,000 with K = 16, whose repeated, clustered eigenvalues once stopped Lanczos),
 * explicit weights of 5e-324 and of 1e308 given twice (inline and from a file; exact values
 * or an exact, located refusal), and the exact k-d tree in D = 16 against the brute force.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import type { SpectralEmbeddingEngineResult } from '../../src/core/theories/spectralEmbedding/types';
import { SparseError, knnGraph, nearestNeighbors } from '../../src/core/numerics/sparse';
import { Rng } from '../../src/core/numerics/rng';
import { npy } from './support/npy';
import { swissRoll } from './support/swissRoll';

const GUARD = { timeout: 600_000 };

/** An engine result with the spec text it came from (to read problem spans back). */
type Result = SpectralEmbeddingEngineResult & { text: string };

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'sslexp-graph-scale-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function engine(text: string, dir: string): Result {
  const r = analyzeText(text, { fileName: join(dir, 'g.sslexp.yaml'), baseDir: dir, readFile: (p: string) => readFileSync(p) });
  assert.equal(r.theory, 'spectralEmbedding');
  return Object.assign(r as SpectralEmbeddingEngineResult, { text });
}

function errors(r: Result): Array<{ code: string; message: string; text: string }> {
  return r.problems.filter((p) => p.severity === 'error').map((p) => ({ code: p.code, message: p.message, text: r.text.slice(p.start, p.end) }));
}

function randomRows(seed: number, n: number, d: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n * d }, () => rng.normal());
}

function close(actual: readonly number[], expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`);
}

for (const [N, K] of [
  [10_000, 2],
  [20_000, 16],
] as const) {
  test(`a ring of N = ${N} from an edge-list file, K = ${K}: the analytic eigenvalues 2 − 2cos(2πk/N) (each twice) and cos(2πk/N), no problem`, GUARD, () => {
    withDir((dir) => {
      writeFileSync(join(dir, 'x.npy'), npy(randomRows(N + K, N, K), { shape: [N, K] }));
      writeFileSync(join(dir, 'ring.csv'), `i,j\n${Array.from({ length: N }, (_, i) => `${i},${(i + 1) % N}`).join('\n')}\n`);
      const r = engine(`sslexp: 1\ndata: {file: x.npy}\ngraph:\n  edges: {file: ring.csv}\nembedding: ${K}\n`, dir);
      assert.deepEqual(
        r.problems.filter((p) => p.severity !== 'info'),
        [],
      );
      const a = r.analysis!;
      assert.equal(a.graph.edges, N);
      assert.equal(a.graph.components, 1);
      const ks = [0, ...Array.from({ length: K / 2 + 1 }, (_, t) => [t + 1, t + 1]).flat()].slice(0, K + 1);
      close(
        a.graph.laplacian,
        ks.map((k) => 2 - 2 * Math.cos((2 * Math.PI * k) / N)),
        1e-8,
        'L',
      );
      close(
        a.representation.simclr!.eigenvalues,
        ks.slice(0, K).map((k) => Math.cos((2 * Math.PI * k) / N)),
        1e-8,
        'D^-1/2 G D^-1/2',
      );
    });
  });
}

/** A path of four rows with every weight w, each pair listed `times` times. */
function pathEdges(w: string, times: number): Array<[number, number, string]> {
  const out: Array<[number, number, string]> = [];
  for (let i = 0; i < 3; i++) for (let t = 0; t < times; t++) out.push([i, i + 1, w]);
  return out;
}

const ROWS = '[[1, 0.2], [0.1, 1.3], [-0.7, 0.4], [0.3, -1.1]]';

/** The same spec with the pairs inline and from a CSV file: [inline, file] results. */
function bothWays(dir: string, pairs: Array<[number, number, string]>, K: number): [Result, Result, string, string] {
  const inline = `sslexp: 1\ndata:\n  X: ${ROWS}\ngraph:\n  edges: [${pairs.map((p) => `[${p.join(', ')}]`).join(', ')}]\nembedding: ${K}\n`;
  writeFileSync(join(dir, 'pairs.csv'), `i,j,w\n${pairs.map((p) => p.join(',')).join('\n')}\n`);
  const file = `sslexp: 1\ndata:\n  X: ${ROWS}\ngraph:\n  edges: {file: pairs.csv}\nembedding: ${K}\n`;
  return [engine(inline, dir), engine(file, dir), inline, file];
}

test('weights 5e-324: analysed scaled, the eigenvalues of the user’s G reported (subnormal: w (2 − √2) rounds to 5e-324), no problem', () => {
  withDir((dir) => {
    for (const r of bothWays(dir, pathEdges('5e-324', 1), 2).slice(0, 2) as Result[]) {
      assert.deepEqual(errors(r), []);
      const a = r.analysis!;
      // the path of four: L = w · (2 − 2cos(πk/4)) = w · (0, 0.586, 2, 3.41); D^-1/2 G D^-1/2: cos(πk/3)
      assert.deepEqual(a.graph.laplacian, [0, 5e-324, 1e-323]);
      close(a.representation.simclr!.eigenvalues, [1, 0.5], 1e-12, 'SimCLR');
      assert.deepEqual(a.representation.vicreg!.sigma, [1, 1]);
      assert.equal(a.linear.vicreg!.rank, 2);
    }
  });
});

test('weights 1e308 given twice: λ_1 = 2e308 (2 − √2) is reported; with K = 2, λ_2 = 4e308 is refused on the edges (inline and file)', () => {
  withDir((dir) => {
    const [inline, file] = bothWays(dir, pathEdges('1e308', 2), 1);
    for (const r of [inline, file]) {
      assert.deepEqual(errors(r), []);
      const [l0, l1] = r.analysis!.graph.laplacian;
      assert.equal(l0, 0);
      assert.ok(Math.abs(l1 / ((4 - 2 * Math.SQRT2) * 1e308) - 1) <= 1e-14, `λ_1 = ${l1}`);
      close(r.analysis!.representation.simclr!.eigenvalues, [1], 1e-15, 'SimCLR');
    }
    const [i2, f2, inlineText] = bothWays(dir, pathEdges('1e308', 2), 2);
    const message =
      "graph.edges: with these weights the Laplacian has eigenvalues beyond the largest double (1.798e+308); divide every weight by a common factor (the methods' answers do not change, the eigenvalues scale with it).";
    // located on the edges: the inline list's entry, or the file's path
    assert.deepEqual(errors(i2), [
      { code: 'limit-exceeded', message, text: inlineText.slice(inlineText.indexOf('edges: ['), inlineText.lastIndexOf(']]\n') + 3) },
    ]);
    assert.deepEqual(errors(f2), [{ code: 'limit-exceeded', message, text: 'pairs.csv' }]);
    assert.equal(i2.analysis, undefined);
  });
});

test('kNN in D = 16: the k-d tree over principal axes finds exactly the brute-force neighbours (swiss roll, Gaussian, ties on a lattice)', GUARD, () => {
  const cases: Array<[string, Float64Array, number, number]> = [
    ['swiss roll', swissRoll(6000, 16, 5), 6000, 16],
    ['Gaussian', Float64Array.from(randomRows(6, 3000, 16)), 3000, 16],
  ];
  // a lattice embedded in 16 coordinates: many exactly equal distances
  const side = 12;
  const lattice = new Float64Array(side * side * side * 16);
  for (let i = 0; i < side ** 3; i++) {
    lattice[i * 16 + 2] = i % side;
    lattice[i * 16 + 7] = Math.floor(i / side) % side;
    lattice[i * 16 + 11] = Math.floor(i / side / side);
  }
  cases.push(['lattice', lattice, side ** 3, 16]);
  for (const [what, x, n, d] of cases) {
    for (const k of [1, 10]) {
      const brute = nearestNeighbors(x, n, d, k, 'brute');
      assert.deepEqual(nearestNeighbors(x, n, d, k, 'tree'), brute, `${what}, k = ${k}: tree`);
      assert.deepEqual(nearestNeighbors(x, n, d, k), brute, `${what}, k = ${k}: automatic choice`);
    }
  }
});

test('kNN: data that fill 16 dimensions fall back to the brute force, refused (limit-exceeded) above its work limit', () => {
  const n = 4000;
  const x = Float64Array.from(randomRows(8, n, 16));
  assert.throws(
    () => knnGraph(x, n, 16, 10, 1e8),
    (e: unknown) =>
      e instanceof SparseError &&
      e.code === 'limit-exceeded' &&
      e.message ===
        'the exact neighbours of N = 4000 rows in D = 16 fill too many dimensions for the k-d tree, and the brute force takes N² D = 2.56e+8 operations, over the limit of 1e+8',
  );
  // the swiss roll of the same size is searched by the tree, whatever that limit
  assert.equal(knnGraph(swissRoll(n, 16, 9), n, 16, 10, 1e8).n, n);
});
