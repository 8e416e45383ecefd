/**
 * Graph-mode advice that is measured (docs/theory.md §7.9): VICReg at a finite covariance weight
 * against an independent scipy oracle (test/oracle/vicreg_finite_b.py) and the frame-potential
 * bound; class coverage; the low-data regime; the advised invariance weight and the direction
 * words of its text; the invariance sweep scored by k-NN; the bundled graph examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import type { SpectralEmbeddingEngineResult } from '../../src/core/theories/spectralEmbedding/types';
import { changeText, isLowData, recommend, type RecommendationInput } from '../../src/core/theories/spectralEmbedding/recommendation';
import { sweepGrid } from '../../src/core/theories/spectralEmbedding/sweep';
import { vicregCut, vicregFiniteB, vicregHinge, vicregSigma } from '../../src/core/theories/spectralEmbedding/vicreg';

const root = path.resolve(__dirname, '../../..');
const GRAPH = path.join(root, 'examples', 'graph');

function example(name: string, edit?: (text: string) => string): SpectralEmbeddingEngineResult {
  const file = path.join(GRAPH, name);
  const text = fs.readFileSync(file, 'utf8');
  const r = analyzeText(edit ? edit(text) : text, { fileName: file, baseDir: GRAPH, readFile: (p) => fs.readFileSync(p) });
  assert.equal(r.theory, 'spectralEmbedding');
  return r as SpectralEmbeddingEngineResult;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const RING = [2 - 2 * Math.cos((2 * Math.PI) / 12), 2 - 2 * Math.cos((2 * Math.PI) / 12), 1];

test('one home for the closed form: the cut a/(4g), σ_k and the hinge solution (docs/theory.md §7.5 (b), §8.5)', () => {
  assert.equal(vicregCut(25, 25), 0.25);
  assert.equal(vicregCut(1, 0), Infinity);
  assert.equal(vicregSigma(2, 25, 25), 0.015625);
  assert.equal(vicregSigma(0.25, 25, 25), 1, 'at the cut σ = 1');
  // K_3: a = 1, g = 0.1: σ = 0.694444, loss 2 (1 − 1/2.4)
  const k3 = vicregHinge([3, 3], 1, 0.1);
  assert.ok(Math.abs(k3.sigma[0] - 0.694444) < 1e-6 && Math.abs(k3.loss - 1.166667) < 1e-6 && k3.rank === 2);
});

test('VICReg at a finite b against the scipy oracle (test/oracle/vicreg_finite_b.py): the ring loses rank at b = 1 and b = 10', () => {
  // python3 test/oracle/vicreg_finite_b.py
  const cases: [number, number, number][] = [
    [1, 41.0243633823, 2],
    [10, 45.5743707101, 2],
    [1000, 48.5496824527, 3],
  ];
  for (const [b, loss, rank] of cases) {
    const r = vicregFiniteB(RING, 25, b, 25);
    assert.ok(rel(r.loss, loss) < 1e-9, `b = ${b}: ${r.loss} vs ${loss}`);
    assert.equal(r.rank, rank, `b = ${b}`);
    assert.ok(Math.abs(r.limitLoss - 48.5496824527) < 1e-9);
    assert.ok(r.loss <= r.limitLoss + 1e-9, 'the closed form is one of the starts: never worse');
  }
  // docs/theory.md §8.5: K_3 with a = 1, b = 1000 reaches the closed form's 1.166667 (g = 0.1) and 0.6 (g = 0.05)
  assert.ok(Math.abs(vicregFiniteB([3, 3], 1, 1000, 0.1).loss - 1.1666666667) < 1e-9);
  assert.ok(Math.abs(vicregFiniteB([3, 3], 1, 1000, 0.05).loss - 0.6) < 1e-9);
});

test('VICReg at b = 1 on a label graph: 16 features in the 9 zero-energy directions form a tight frame (loss 16²/9 − 16, rank 9)', () => {
  // the hinge wants ‖a_k‖ = 1; b Σ_{k≠l}(a_kᵀa_l)² over 16 unit vectors in ℝ⁹ is at least 16²/9 − 16 (frame potential),
  // reached by a tight frame; any use of the λ = 100 directions costs 2gλ = 5000 per unit of variance
  const r = vicregFiniteB([...Array(9).fill(0), ...Array(7).fill(100)], 25, 1, 25);
  assert.ok(Math.abs(r.loss - (256 / 9 - 16)) < 1e-8, `${r.loss}`);
  assert.equal(r.rank, 9);
  assert.ok(r.loss < r.limitLoss / 10);
});

test('the ring example at b = 1: the finite-b rank and loss reach the result and its text; the limit is named where a rank is shown', () => {
  const r = example('ring-finite-b.sslexp.yaml');
  const v = r.analysis!.representation.vicreg!;
  assert.equal(v.rank, 3, 'the b → ∞ closed form keeps rank K');
  assert.equal(v.finite!.rank, 2);
  assert.ok(rel(v.finite!.loss, 41.0243633823) < 1e-9);
  assert.equal(r.analysis!.weights!.covariance, 1);
  assert.equal(r.analysis!.linear.vicreg!.finite!.covariance, 1);
  assert.match(r.analysis!.recommendation.reason, /VICReg rank 2 at b = 1/);
  // without b, the same spec has no finite-b result
  const limit = example('ring-edges.sslexp.yaml');
  assert.equal(limit.analysis!.representation.vicreg!.finite, undefined);
  assert.match(limit.analysis!.recommendation.reason, /VICReg rank 3 \(b → ∞\)/);
});

test('class coverage: 500 disconnected same-label pairs are not aligned (digit-views); a label graph is', () => {
  const views = example('digit-views.sslexp.yaml').analysis!;
  // 1000 rows, 10 digits × 100 rows: 500 pairs connect 500 · 2 of the 10 · 100 · 99 ordered same-label pairs
  assert.equal(views.alignment!.pairAgreement, 1);
  assert.equal(views.alignment!.classCoverage, 1000 / 99000);
  assert.equal(views.alignment!.aligned, false);
  assert.equal(views.graph.components, 500);
  assert.doesNotMatch(views.recommendation.reason, /every method recovers the supervised span/);
  assert.match(views.recommendation.reason, /class coverage 0\.0101 < 0\.9/);
  const labels = example('digit-labels.sslexp.yaml').analysis!;
  assert.deepEqual(labels.alignment, { pairAgreement: 1, classCoverage: 1, aligned: true });
});

test('low data is measured (N < 10 D) and the advice depends on it: the same aligned graph with N = 1000 and N = 12', () => {
  assert.equal(isLowData(6, 3), true);
  assert.equal(isLowData(1000, 64), false);
  assert.equal(isLowData(30, 3), false, 'exactly 10 rows per feature is not few');
  const base: RecommendationInput = {
    K: 4,
    N: 1000,
    D: 64,
    a: 25,
    g: 25,
    lambda: [0, 0, 4, 4],
    alignment: { pairAgreement: 1, classCoverage: 1, aligned: true },
    ranks: [],
    vicregRank: 4,
    classes: 3,
  };
  const many = recommend(base);
  const few = recommend({ ...base, N: 12 });
  assert.equal(many.lowData, false);
  assert.equal(few.lowData, true);
  assert.notEqual(many.reason, few.reason);
  assert.equal(many.method, 'any');
  assert.equal(few.method, 'vicreg');
  assert.equal(few.invariance, 'high');
});

/** The advised g of a reason: the text's last "raise/lower g from X to Y" or "keep g = X", checked against the fields. */
function checkWeightText(rec: { g: number | null; reason: string }, specG: number): void {
  const num = String.raw`(\d+(?:\.\d+)?(?:e[+-]?\d+)?)`;
  const change = new RegExp(`(raise|lower) g from ${num} to ${num}`).exec(rec.reason);
  const keep = new RegExp(`keep g = ${num}`).exec(rec.reason);
  assert.ok(change || keep, rec.reason);
  assert.doesNotMatch(rec.reason, /g ≤ g =/, 'no expression in place of a number');
  if (change) {
    const [, word, from, to] = change;
    assert.equal(Number(from), Number(specG.toPrecision(3)));
    assert.equal(Number(to), Number(rec.g!.toPrecision(3)));
    assert.equal(word === 'raise', rec.g! > specG, `${word} while g goes from ${specG} to ${rec.g}`);
  } else {
    assert.equal(Number(keep![1]), Number(specG.toPrecision(3)));
    assert.equal(rec.g, specG);
  }
}

test('the advised invariance weight is a number, and "raise"/"lower"/"keep" follow it (aligned few data: high; not aligned: low)', () => {
  const aligned: RecommendationInput = {
    K: 4,
    N: 12,
    D: 11,
    a: 25,
    g: 25,
    lambda: [0, 0, 4, 4],
    alignment: { pairAgreement: 1, classCoverage: 1, aligned: true },
    ranks: [],
    vicregRank: 4,
    classes: 3,
  };
  // off-class λ₊ = 4: shrink once g > 25/16 = 1.5625; σ ≤ 0.01 from 2.5 · 25 / 4 = 15.625 → 15.7
  for (const [g, want] of [
    [0.05, 15.7],
    [25, 25],
    [15.7, 15.7],
  ] as const) {
    const rec = recommend({ ...aligned, g });
    assert.equal(rec.g, want, `g = ${g}`);
    checkWeightText(rec, g);
    const sigmaOff = vicregSigma(4, 25, rec.g!);
    assert.ok(sigmaOff <= 0.01 + 1e-12 && vicregSigma(0, 25, rec.g!) === 1, 'off-class directions shrink, class directions stay');
  }
  // a nearly aligned graph whose class direction has λ_1 = 0.5: its σ must stay 1, so g is capped at a/(4 · 0.5) = 12.5
  const capped = recommend({ ...aligned, g: 100, lambda: [0.5, 4, 4, 4], classes: 2 });
  assert.equal(capped.g, 12.5);
  checkWeightText(capped, 100);
  assert.equal(vicregSigma(0.5, 25, capped.g!), 1);
  // not aligned: the largest g keeping every σ_k = 1, a/(4 λ_K) = 25/16 → 1.56
  const mis: RecommendationInput = { ...aligned, alignment: { pairAgreement: 0.5, classCoverage: 1, aligned: false } };
  for (const [g, want] of [
    [25, 1.56],
    [1, 1],
  ] as const) {
    const rec = recommend({ ...mis, g });
    assert.equal(rec.invariance, 'low');
    assert.equal(rec.g, want);
    checkWeightText(rec, g);
    assert.ok(
      [4, 4].every((l) => vicregSigma(l, 25, rec.g!) === 1),
      'every σ_k = 1 at the advised g',
    );
  }
  assert.equal(changeText(2, 3), 'raise g from 2 to 3');
  assert.equal(changeText(3, 2), 'lower g from 3 to 2');
});

test('the graph examples: advised weights and their text agree; no reason says "raise" while lowering', () => {
  for (const name of ['digit-labels', 'two-triangles', 'digit-views', 'digit-knn', 'ring-edges', 'ring-finite-b']) {
    const r = example(`${name}.sslexp.yaml`);
    const a = r.analysis!;
    const rec = a.recommendation;
    assert.doesNotMatch(rec.reason, /g ≤ g =/);
    if (rec.g !== null) checkWeightText(rec, a.weights!.invariance);
    assert.equal(rec.lowData, a.dimensions.N < 10 * a.dimensions.D, name);
  }
  // two triangles (N = 6, D = 3): aligned, few data → VICReg, high weight; the spec's g = 25 already shrinks
  // the off-class direction (λ_2 = 3) to σ ≤ 0.01 and keeps the class direction (λ_1 = 0.122) whole
  const tri = example('two-triangles.sslexp.yaml').analysis!;
  assert.equal(tri.recommendation.method, 'vicreg');
  assert.equal(tri.recommendation.g, 25);
  assert.match(tri.recommendation.reason, /keep g = 25/);
  // digit-knn: misaligned → g lowered to keep every σ_k = 1 (a/(4λ_K) = 25/(4 × 1.31))
  const knn = example('digit-knn.sslexp.yaml').analysis!;
  const lk = Math.max(...knn.representation.vicreg!.eigenvalues);
  assert.ok(knn.recommendation.g! <= 25 / (4 * lk) && knn.recommendation.g! > 0.99 * (25 / (4 * lk)));
  assert.match(knn.recommendation.reason, /lower g from 5 to /);
});

test('the invariance sweep is scored by k-NN, which rescaling changes: two triangles separate once g shrinks the off-class direction', () => {
  const a = example('two-triangles.sslexp.yaml').analysis!;
  const sw = a.invarianceSweep!;
  assert.equal(sw.k, 2, 'classes of 3 rows: k = 2');
  assert.equal(sw.rows, 6);
  assert.deepEqual(sw.g, sweepGrid(a.representation.vicreg!.eigenvalues, 25, 25));
  // while both σ_k = 1 (g ≤ a/(4 · 3) = 2.08) one row is misclassified; once σ(λ = 3) has shrunk enough (g ≥ 4.64
  // here) the rows of one triangle are each other's nearest: the accuracy rises with g and never falls
  sw.g.forEach((g, i) => {
    if (g <= 25 / 12) assert.equal(sw.knn[i], 5 / 6, `g = ${g}`);
    if (g >= 4.6) assert.equal(sw.knn[i], 1, `g = ${g}`);
    if (i > 0) assert.ok(sw.knn[i] >= sw.knn[i - 1]);
  });
  assert.ok(sw.best > 25 / 12);
  assert.ok(sw.g.includes(25), "the spec's g is on the grid");
  // a graph without labels or without VICReg has no sweep
  assert.equal(example('ring-edges.sslexp.yaml').analysis!.invarianceSweep, null);
});
