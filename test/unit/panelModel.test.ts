import { test } from 'node:test';
import { asAlignment } from '../support/engine';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/core/engine/analyze';
import type { Problem } from '../../src/core/problems/problems';
import { MAX_PANEL_PROBLEMS, panelProblems, toPanelModel } from '../../src/preview/panelModel';
import type { SerializableEngineResult } from '../../src/shared/workerProtocol';
import type { PanelSimulation, PanelSpectra } from '../../src/shared/webviewProtocol';

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

/** What the worker posts: the engine result without the typed arrays. */
function serializable(text: string): SerializableEngineResult {
  const { spectra, ...rest } = asAlignment(analyzeText(text, { fileName: 'm.sslexp.yaml', curve: true }));
  const out: SerializableEngineResult = rest;
  if (spectra) {
    const idx = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i + 1);
    const thinned: PanelSpectra = {
      important: { index: idx(spectra.c.length, 0), c: [...spectra.c], theta: [...spectra.thetaImportant] },
      noise: { index: idx(spectra.gamma.length, spectra.c.length), gamma: [...spectra.gamma], theta: [...spectra.thetaNoise] },
      thinned: false,
      total: { k: spectra.c.length, noise: spectra.gamma.length },
    };
    out.spectra = thinned;
  }
  return out;
}

test('maps an analysis: name, dimensions, thresholds, alpha, recommendation, spectra, curve', () => {
  const result = serializable(SCENARIO_M);
  const m = toPanelModel({ result, text: SCENARIO_M });
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
  const m = toPanelModel({ result: serializable(text), text });
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
  assert.deepEqual(out.map((x) => [x.code, x.line, x.offset]), [['e', 2, 3], ['w', 3, 6], ['i1', 1, 0], ['i2', 2, 3]]);
  void text;
  const many = Array.from({ length: 200 }, (_, i) => p(`w${i}`, 'warning', i));
  assert.equal(panelProblems(many, [0]).length, MAX_PANEL_PROBLEMS);
});

test('the latest simulation is included', () => {
  const simulation: PanelSimulation = { metric: 'probe-gap', n: [100, 1000], series: [{ paradigm: 'joint-embedding', alpha: 1, mean: [0.5, 0.1], spread: [0.1, 0.01] }] };
  const m = toPanelModel({ result: serializable(SCENARIO_M), text: SCENARIO_M, simulation });
  assert.deepEqual(m.simulation, simulation);
  assert.equal('simulation' in toPanelModel({ result: serializable(SCENARIO_M), text: SCENARIO_M, simulation: null }), false);
});
