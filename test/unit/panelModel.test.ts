import { test } from 'node:test';
import { asAlignment, asGraph } from '../support/engine';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeText, faceOf, panelProblems } from '../../src/core/engine/index';
import type { Problem } from '../../src/core/problems/problems';
import { MAX_PANEL_PROBLEMS } from '../../src/core/problems/panelProblems';
import { toPanelModel } from '../../src/preview/panelModel';
import type { GraphSpec } from '../../src/core/spec/model';
import type { PanelSimulation } from '../../src/core/theories/alignment/index';
import { MAX_SIGMA_CURVES } from '../../src/core/theories/spectralEmbedding/index';
import { vicregSigma } from '../../src/core/theories/spectralEmbedding/vicreg';
import type { GraphAnalysis, SpectralEmbeddingEngineResult } from '../../src/core/theories/spectralEmbedding/types';
import type { PostedResult } from '../../src/shared/workerProtocol';
import { isPanelModel as isPanelEnvelope } from '../../src/shared/webviewProtocol';
import { isRenderable } from '../../src/webview/theories';

const isPanelModel = (m: unknown): boolean => isPanelEnvelope(m) && isRenderable(m);
import digitsViews from '../oracle/digits_views.json';

const SCENARIO_M = `# Scenario M, strong noise
sslexp: 1
name: MNIST-scale scenario M, strong noise
signal:
  variance: [3.0e5, 5.0e4, 1.5e4]
  augmentation: [1.0e4, 5.0e3, 1.0e4]
noise:
  variance: [1.0e6, 5.0e5, 1.0e5]
  augmentation: [5.0e3, 1.0e4, 2.0e3]
alpha: 1
`;

/** What the worker posts: the engine result as its theory's face posts it (the spectra are short: not thinned). */
function serializable(text: string): PostedResult {
  const result = analyzeText(text, { fileName: 'm.sslexp.yaml', curve: true });
  return faceOf(result.theory).post(result, { maxPoints: 4000, detail: false });
}

test('maps an analysis: name, dimensions, thresholds, alpha, recommendation, spectra, curve', () => {
  const result = serializable(SCENARIO_M);
  const m = asAlignment(toPanelModel({ result, text: SCENARIO_M }));
  assert.equal(m.theory, 'alignment');
  assert.equal(m.name, 'MNIST-scale scenario M, strong noise');
  assert.deepEqual(m.dimensions, { d: 6, k: 3, latent: 3 });
  assert.equal(Number(m.thresholds!.alphaRC.toPrecision(4)), 10.49);
  assert.equal(Number(m.thresholds!.alphaJE.toPrecision(3)), 0.813);
  assert.equal(m.atAlpha!.alpha, 1);
  assert.equal(m.recommendation!.paradigm, 'joint-embedding');
  assert.deepEqual(m.spectra!.important.c, [3e5, 5e4, 1.5e4]);
  assert.ok(m.curve && m.curve.t.length > 0);
  assert.equal(m.scores, null);
  assert.equal('simulation' in m, false);
  // The alpha finding points at line 10 (1-based) with its offset.
  const below = m.problems.find((p) => p.code === 'alpha-below-rc');
  assert.ok(below, JSON.stringify(m.problems));
  assert.equal(below.line, 10);
  assert.equal(below.offset, SCENARIO_M.indexOf('1', SCENARIO_M.indexOf('alpha:')));
  // Structured-clone and JSON friendly: no typed arrays, no functions.
  assert.doesNotThrow(() => structuredClone(m));
});

test('a spec with errors: no thresholds, zero dimensions, the errors first', () => {
  const text = 'sslexp: 1\nsignal:\n  varaince: [1]\n';
  const m = asAlignment(toPanelModel({ result: serializable(text), text }));
  assert.equal(m.thresholds, null);
  assert.equal(m.recommendation, null);
  assert.equal(m.atAlpha, null);
  assert.equal(m.spectra, null);
  assert.deepEqual(m.dimensions, { d: 0, k: 0, latent: 0 });
  assert.ok(m.problems.length > 0);
  assert.equal(m.problems[0].severity, 'error');
  assert.equal(m.problems.find((p) => p.code === 'unknown-key')?.line, 3);
});

test('problems: hints dropped, most severe first (stable by offset), capped, CRLF lines', () => {
  const text = 'a\r\nb\r\nc\r\n';
  const p = (code: string, severity: Problem['severity'], start: number): Problem => ({ code, severity, message: code, start, end: start + 1 });
  const out = panelProblems([p('i1', 'info', 0), p('h', 'hint', 0), p('w', 'warning', 6), p('e', 'error', 3), p('i2', 'info', 3)], [0, 3, 6, 9]);
  assert.deepEqual(
    out.map((x) => [x.code, x.line, x.offset]),
    [
      ['e', 2, 3],
      ['w', 3, 6],
      ['i1', 1, 0],
      ['i2', 2, 3],
    ],
  );
  void text;
  const many = Array.from({ length: 200 }, (_, i) => p(`w${i}`, 'warning', i));
  assert.equal(panelProblems(many, [0]).length, MAX_PANEL_PROBLEMS);
});

test('the latest simulation is included', () => {
  const simulation: PanelSimulation = {
    metric: 'probe-gap',
    n: [100, 1000],
    series: [{ paradigm: 'joint-embedding', alpha: 1, mean: [0.5, 0.1], spread: [0.1, 0.01] }],
  };
  const m = asAlignment(toPanelModel({ result: serializable(SCENARIO_M), text: SCENARIO_M, simulation }));
  assert.deepEqual(m.simulation, simulation);
  assert.equal('simulation' in toPanelModel({ result: serializable(SCENARIO_M), text: SCENARIO_M, simulation: null }), false);
});

// ---------------------------------------------------------------------------------------
// Graph mode (docs/theory.md §7): the model's other member

/** Three disjoint pairs (N = 6, K = 4): L has eigenvalues 0, 0, 0, 2, 2, 2 (see graphText.test.ts). */
function graphResult(withAnalysis = true): SpectralEmbeddingEngineResult {
  const text = 'sslexp: 1\nname: Three pairs\n';
  const analysis: GraphAnalysis = {
    dimensions: { N: 6, D: 3, K: 4 },
    graph: { kind: 'labels', edges: 3, components: 3, laplacian: [0, 0, 0, 2, 2] },
    representation: {
      vicreg: { eigenvalues: [0, 0, 2, 2], sigma: [1, 1, 0.015625, 0.015625], loss: 46.875, rank: 4 },
      simclr: { eigenvalues: [1, 1, 1, -1], rank: 3 },
    },
    linear: {
      vicreg: {
        mu: [0.0125, 0.0131, 2],
        sigma: [1, 1, 0.015625],
        gram: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        rank: 3,
        unique: true,
      },
      simclr: {
        eigenvalues: [0.71, 0.64, 0],
        gram: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 0],
        ],
        rank: 2,
        unique: true,
      },
      barlow: {
        correlations: [0.9, 0.5, 0],
        gram: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 0],
        ],
        rank: 2,
        unique: true,
      },
    },
    alignment: { pairAgreement: 1, classCoverage: 1, aligned: true },
    recommendation: { method: 'vicreg', invariance: 'high', g: null, lowData: false, reason: 'Aligned.' },
    invarianceSweep: null,
    weights: { variance: 25, invariance: 25 },
  };
  return {
    theory: 'spectralEmbedding',
    mode: 'graph',
    spec: { name: 'Three pairs' } as GraphSpec,
    problems: [{ code: 'barlow-needs-two-views', severity: 'info', message: 'needs views: 2', start: text.indexOf('name'), end: text.indexOf('name') + 4 }],
    ...(withAnalysis ? { analysis } : {}),
  };
}

test('graph mode: a model tagged spectralEmbedding, the Gram matrices left out', () => {
  const m = asGraph(toPanelModel({ result: graphResult(), text: 'sslexp: 1\nname: Three pairs\n' }));
  assert.equal(m.name, 'Three pairs');
  assert.deepEqual(m.dimensions, { N: 6, D: 3, K: 4 });
  assert.deepEqual(m.graph, { kind: 'labels', edges: 3, components: 3, laplacian: [0, 0, 0, 2, 2] });
  assert.equal(m.representation.simclr?.rank, 3);
  assert.deepEqual(m.linear.vicreg, { mu: [0.0125, 0.0131, 2], sigma: [1, 1, 0.015625], rank: 3, unique: true });
  assert.deepEqual(m.linear.simclr, { eigenvalues: [0.71, 0.64, 0], rank: 2, unique: true });
  assert.deepEqual(m.linear.barlow, { correlations: [0.9, 0.5, 0], rank: 2, unique: true });
  for (const l of [m.linear.vicreg, m.linear.simclr, m.linear.barlow]) assert.equal('gram' in (l ?? {}), false);
  assert.deepEqual(m.alignment, { pairAgreement: 1, classCoverage: 1, aligned: true });
  assert.equal(m.recommendation?.method, 'vicreg');
  assert.deepEqual(m.problems, [{ severity: 'info', code: 'barlow-needs-two-views', message: 'needs views: 2', line: 2, offset: 10 }]);
  assert.equal('thresholds' in m, false, 'no alignment fields');
  assert.doesNotThrow(() => structuredClone(m));
  assert.ok(isPanelModel(m), 'passes the webview check');
});

test('graph mode: the σ_k sweep over the invariance weight g (docs/theory.md §7.5 (b))', () => {
  const m = asGraph(toPanelModel({ result: graphResult(), text: '' }));
  const sw = m.sigmaSweep!;
  assert.equal(sw.variance, 25);
  assert.equal(sw.invariance, 25);
  assert.equal(sw.cut, 0.25);
  assert.equal(sw.full, 2);
  assert.equal(sw.gAllFull, 25 / 8, 'a/(4 max λ) with max λ = 2');
  // One curve per distinct λ: directions 1-2 (λ = 0) and 3-4 (λ = 2).
  assert.deepEqual(
    sw.curves.map((c) => [c.lambda, c.directions]),
    [
      [0, [1, 2]],
      [2, [3, 4]],
    ],
  );
  assert.equal(sw.capped, false);
  // A log grid covering g and the knee a/(4λ) = 3.125, ascending, and σ(g) from the formula.
  assert.ok(sw.g[0] <= 0.3125 && sw.g[sw.g.length - 1] >= 250, `${sw.g[0]}..${sw.g.at(-1)}`);
  for (let i = 1; i < sw.g.length; i++) assert.ok(sw.g[i] > sw.g[i - 1]);
  sw.g.forEach((g, i) => {
    assert.equal(sw.curves[0].sigma[i], 1, 'λ = 0 keeps σ = 1 at every g');
    assert.equal(sw.curves[1].sigma[i], g <= 3.125 ? 1 : (25 / (4 * g * 2)) ** 2);
  });
  // At the spec's g the sweep agrees with the engine's σ.
  assert.equal(vicregSigma(2, 25, 25), 0.015625);
  assert.equal(vicregSigma(0, 25, 25), 1);
  assert.equal(vicregSigma(0.2, 25, 25), 1);
});

test('graph mode: many distinct eigenvalues are subsampled to a legible family of curves', () => {
  const r = graphResult();
  const K = 40;
  const eigenvalues = Array.from({ length: K }, (_, i) => 0.01 * (i + 1));
  r.analysis!.dimensions.K = K;
  r.analysis!.representation.vicreg = { eigenvalues, sigma: eigenvalues.map((l) => vicregSigma(l, 25, 25)), loss: 0, rank: K };
  const m = asGraph(toPanelModel({ result: r, text: '' }));
  const sw = m.sigmaSweep!;
  assert.equal(sw.curves.length, MAX_SIGMA_CURVES);
  assert.equal(sw.capped, true);
  assert.deepEqual(sw.curves[0].directions, [1]);
  assert.deepEqual(sw.curves.at(-1)!.directions, [K], 'first and last kept');
  assert.equal(sw.full, 25, 'λ_k ≤ 0.25 for k ≤ 25');
});

test('graph mode without an analysis (errors): nulls, the problems kept', () => {
  const m = asGraph(toPanelModel({ result: graphResult(false), text: 'sslexp: 1\nname: x\n' }));
  assert.equal(m.dimensions, null);
  assert.equal(m.graph, null);
  assert.deepEqual(m.representation, { vicreg: null, simclr: null });
  assert.deepEqual(m.linear, { vicreg: null, simclr: null, barlow: null });
  assert.equal(m.alignment, null);
  assert.equal(m.recommendation, null);
  assert.equal(m.sigmaSweep, null);
  assert.equal(m.problems.length, 1);
  assert.ok(isPanelModel(m));
});

// ---------------------------------------------------------------------------------------
// Data mode with your own views and labels: the linear probe (docs/theory.md A10)

test('data mode with views and labels: the probe accuracies and split sizes reach the model, with the .npz flag', () => {
  const root = path.resolve(__dirname, '../../..');
  const file = path.join(root, 'examples', 'digits-views.sslexp.yaml');
  const text = readFileSync(file, 'utf8');
  const engine = asAlignment(analyzeText(text, { fileName: file, baseDir: path.dirname(file), readFile: (p) => readFileSync(p) }));
  assert.ok(engine.solutions?.probe, JSON.stringify(engine.problems));
  // What the worker posts (the face's `post`): the spectra and the probe, not the matrices.
  const result = faceOf(engine.theory).post(engine, { maxPoints: 4000, detail: false });
  assert.equal('solutions' in result, false);
  const m = asAlignment(toPanelModel({ result, text }));
  // the split and the correct test predictions as numpy computes them (test/oracle/digits_views.py)
  const { split, probeCorrect } = digitsViews;
  assert.deepEqual(m.probe, {
    supervised: probeCorrect.supervised / split.test,
    reconstruction: probeCorrect.reconstruction / split.test,
    jointEmbedding: probeCorrect.jointEmbedding / split.test,
    train: split.train,
    test: split.test,
    seed: split.seed,
  });
  assert.equal(m.solutions, true);
  assert.ok(isPanelModel(m));
  // Spectral mode: neither the probe nor the .npz offer.
  const spectral = asAlignment(toPanelModel({ result: serializable(SCENARIO_M), text: SCENARIO_M }));
  assert.equal('probe' in spectral, false);
  assert.equal('solutions' in spectral, false);
});
