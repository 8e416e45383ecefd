import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decodeEmbeddedJson,
  encodeEmbeddedJson,
  isChartId,
  isHostToWebviewMessage as isHostToWebviewShape,
  isOlderResult,
  isPanelModel as isPanelEnvelope,
  isWebviewToHostMessage as isWebviewToHostShape,
  MAX_DATA_URL_LENGTH,
  MAX_REASON_LENGTH,
  thinSeries,
} from '../../src/shared/webviewProtocol';
import { thinIndices } from '../../src/core/numerics/thin';
import { chartIds } from '../../src/core/engine/index';
import { alignmentPanel } from '../../src/core/theories/alignment/index';
import { graphPanel } from '../../src/core/theories/spectralEmbedding/index';
import { CHART_ORDER, isRenderable } from '../../src/webview/theories';

/** The checks as the host and the panel run them: against the registry's charts. */
const isWebviewToHostMessage = (x: unknown): boolean => isWebviewToHostShape(x, chartIds());
const isHostToWebviewMessage = (x: unknown): boolean => isHostToWebviewShape(x, CHART_ORDER);

/** What the panel renders: the protocol's envelope and the shape its theory's view accepts. */
const isPanelModel = (m: unknown): boolean => isPanelEnvelope(m) && isRenderable(m);
const ALIGNMENT_CHART_IDS = alignmentPanel.charts;
const GRAPH_CHART_IDS = graphPanel.charts;

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

test('valid webview -> host messages are accepted', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'toggleLock' },
    { type: 'openSource' },
    { type: 'openSource', offset: 120 },
    { type: 'setAlpha', alpha: 0.82 },
    { type: 'export', format: 'png', chart: 'spectrum', dataUrl: PNG },
    { type: 'export', format: 'csv', chart: 'scores', content: 'a,b\r\n1,2\r\n' },
    { type: 'export', format: 'json', content: '{}' },
    { type: 'export', format: 'json' },
    { type: 'export', format: 'html', content: '<!DOCTYPE html><html></html>' },
  ]) {
    assert.ok(isWebviewToHostMessage(m), JSON.stringify(m));
  }
});

test('malformed webview -> host messages are rejected', () => {
  const bad: unknown[] = [
    null,
    undefined,
    42,
    'ready',
    [],
    {},
    { type: 'nope' },
    { type: 'ready', extra: 1 },
    { type: 'toggleLock', locked: true },
    { type: 'openSource', offset: -1 },
    { type: 'openSource', offset: 1.5 },
    { type: 'openSource', offset: '3' },
    { type: 'openSource', offset: 2 ** 40 },
    { type: 'setAlpha' },
    { type: 'setAlpha', alpha: NaN },
    { type: 'setAlpha', alpha: Infinity },
    { type: 'setAlpha', alpha: -1 },
    { type: 'setAlpha', alpha: '1' },
    { type: 'export', format: 'pdf', content: 'x' },
    { type: 'export', format: 'png', chart: 'spectrum' },
    { type: 'export', format: 'png', dataUrl: PNG },
    { type: 'export', format: 'png', chart: 'nope', dataUrl: PNG },
    { type: 'export', format: 'png', chart: 'spectrum', dataUrl: 'data:image/svg+xml;base64,PHN2Zz4=' },
    { type: 'export', format: 'png', chart: 'spectrum', dataUrl: 'javascript:alert(1)' },
    { type: 'export', format: 'png', chart: 'spectrum', dataUrl: 'data:image/png;base64,@@@@' },
    { type: 'export', format: 'png', chart: 'spectrum', dataUrl: PNG, content: 'x' },
    { type: 'export', format: 'png', chart: 'spectrum', dataUrl: PNG + 'A'.repeat(MAX_DATA_URL_LENGTH) },
    { type: 'export', format: 'csv', content: 12 },
    { type: 'export', format: 'csv', dataUrl: PNG },
    { type: 'export', format: 'html' },
    { type: 'export', format: 'html', content: '' },
    { type: 'export', format: 'html', chart: 'spectrum', content: '<html>' },
  ];
  for (const m of bad) assert.equal(isWebviewToHostMessage(m), false, JSON.stringify(m)?.slice(0, 120));
});

test('host -> webview messages: structural check', () => {
  const model = {
    theory: 'alignment',
    dimensions: { d: 2, k: 1, latent: 1 },
    thresholds: null,
    atAlpha: null,
    recommendation: null,
    spectra: null,
    curve: null,
    problems: [],
  };
  assert.ok(isHostToWebviewMessage({ type: 'analysis', runId: 1, documentUri: 'file:///a', documentVersion: 3, fileName: 'a', locked: false, model }));
  assert.ok(isHostToWebviewMessage({ type: 'busy', runId: 1, documentUri: 'file:///a', documentVersion: 3 }));
  assert.ok(isHostToWebviewMessage({ type: 'error', runId: 1, documentUri: 'file:///a', documentVersion: 3, message: 'x' }));
  assert.ok(isHostToWebviewMessage({ type: 'lock', locked: true }));
  assert.ok(!isHostToWebviewMessage({ type: 'analysis', runId: NaN, documentUri: 'a', documentVersion: 1, fileName: 'a', locked: false, model }));
  assert.ok(!isHostToWebviewMessage({ type: 'analysis', runId: 1, documentUri: 'a', documentVersion: 1, fileName: 'a', locked: false }));
  assert.ok(!isHostToWebviewMessage({ type: 'lock' }));
  assert.ok(!isHostToWebviewMessage({ type: 'ready' }));
});

test('isOlderResult orders by (documentVersion, runId)', () => {
  assert.ok(isOlderResult({ documentVersion: 1, runId: 9 }, { documentVersion: 2, runId: 3 }));
  assert.ok(isOlderResult({ documentVersion: 2, runId: 2 }, { documentVersion: 2, runId: 3 }));
  assert.ok(!isOlderResult({ documentVersion: 2, runId: 3 }, { documentVersion: 2, runId: 3 }));
  assert.ok(!isOlderResult({ documentVersion: 3, runId: 1 }, { documentVersion: 2, runId: 3 }));
});

test('embedded JSON round-trips non-finite numbers and escapes markup characters', () => {
  const v = { a: Infinity, b: -Infinity, c: NaN, s: '</script>&\u2028' };
  const text = encodeEmbeddedJson(v);
  assert.ok(!/[<>&\u2028\u2029]/.test(text));
  assert.deepEqual(decodeEmbeddedJson(text), v);
  assert.equal(decodeEmbeddedJson('{not json'), undefined);
});

test('thinSeries keeps spikes (per-bucket min and max) and respects maxPoints', () => {
  const n = 1_000_000;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = 1 + Math.sin(i / 1000) * 0.1;
  v[123_457] = 1e6; // a single spike
  v[876_543] = 1e-9; // a single dip
  const t = thinSeries(v, 2000);
  assert.ok(t.index.length <= 2000 && t.index.length > 1000, `length ${t.index.length}`);
  assert.ok(t.index.includes(123_457));
  assert.ok(t.index.includes(876_543));
  assert.equal(Math.max(...t.values), 1e6);
  assert.equal(Math.min(...t.values), 1e-9);
  for (let i = 1; i < t.index.length; i++) assert.ok(t.index[i] > t.index[i - 1], 'strictly increasing');
  for (let i = 0; i < t.index.length; i++) assert.equal(t.values[i], v[t.index[i]]);
});

test('thinSeries: short input unchanged; edge cases', () => {
  assert.deepEqual(thinSeries([3, 1, 2], 10), { index: [0, 1, 2], values: [3, 1, 2] });
  assert.deepEqual(thinSeries([], 10), { index: [], values: [] });
  assert.deepEqual(thinSeries([1, 2, 3], 0), { index: [], values: [] });
  assert.deepEqual(thinSeries([1, 5, 3, 2], 1), { index: [1], values: [5] });
  const withNaN = thinSeries([NaN, NaN, 1, NaN, 7, NaN], 2);
  assert.deepEqual(withNaN.index, [2, 4]);
});

test("thinIndices shares positions across series and keeps each series' extrema", () => {
  const n = 100_000;
  const a = new Float64Array(n).fill(1);
  const b = new Float64Array(n).fill(2);
  a[10] = 100;
  b[99_990] = 0;
  const idx = thinIndices([a, b], 400);
  assert.ok(idx.length <= 400);
  assert.ok(idx.includes(10) && idx.includes(99_990));
  assert.throws(() => thinIndices([a, new Float64Array(3)], 10));
});

test('the render acknowledgement and the export request are validated', () => {
  const ack = {
    type: 'rendered',
    runId: 7,
    documentVersion: 3,
    theory: 'alignment',
    paradigm: 'joint-embedding',
    charts: [{ id: 'thresholds', section: 'thresholds', datasets: [{ label: 'Spec α = 1', n: 2 }] }],
    renderMs: 12.5,
    theme: 'dark',
  };
  assert.ok(isWebviewToHostMessage(ack));
  assert.ok(isWebviewToHostMessage({ ...ack, paradigm: null, charts: [] }));
  const bad: unknown[] = [
    { ...ack, extra: 1 },
    { ...ack, runId: -1 },
    { ...ack, runId: 1.5 },
    { ...ack, renderMs: Infinity },
    { ...ack, paradigm: 3 },
    { ...ack, theme: 'x'.repeat(10_000) },
    { ...ack, charts: 'none' },
    { ...ack, charts: Array.from({ length: 33 }, () => ack.charts[0]) },
    { ...ack, charts: [{ ...ack.charts[0], section: 'nope' }] },
    { ...ack, charts: [{ ...ack.charts[0], datasets: [{ label: 'x', n: -1 }] }] },
    { ...ack, charts: [{ ...ack.charts[0], datasets: [{ label: 'x', n: 1, color: 'red' }] }] },
    { ...ack, charts: [{ ...ack.charts[0], datasets: Array.from({ length: 65 }, () => ({ label: 'x', n: 1 })) }] },
  ];
  for (const m of bad) assert.equal(isWebviewToHostMessage(m), false, JSON.stringify(m).slice(0, 160));
  assert.ok(isHostToWebviewMessage({ type: 'requestExport', requestId: 1, format: 'png', chart: 'spectrum' }));
  assert.ok(isHostToWebviewMessage({ type: 'requestExport', requestId: 2, format: 'html' }));
  assert.ok(isHostToWebviewMessage({ type: 'requestExport', requestId: 3, format: 'csv', chart: 'laplacian' }));
  assert.equal(isHostToWebviewMessage({ type: 'requestExport', requestId: 4, format: 'pdf' }), false);
  assert.equal(isHostToWebviewMessage({ type: 'requestExport', requestId: 5, format: 'png', chart: 'nope' }), false);
  assert.equal(isHostToWebviewMessage({ type: 'requestExport', format: 'html' }), false, 'a request carries its id');
  for (const requestId of [0, -1, 1.5, '1', NaN]) {
    assert.equal(isHostToWebviewMessage({ type: 'requestExport', requestId, format: 'html' }), false, String(requestId));
  }
});

// ---------------------------------------------------------------------------------------
// The panel model: a union tagged by theory; export replies matched by a request id

function fixtureModel(name: string): Record<string, unknown> {
  const root = path.resolve(__dirname, '../../..');
  const m = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'panel', `${name}.json`), 'utf8')) as { model: Record<string, unknown> };
  return m.model;
}

test("one list of charts: every theory's, in display order, the same in the engine and the panel", () => {
  assert.deepEqual(chartIds(), [...ALIGNMENT_CHART_IDS, ...GRAPH_CHART_IDS]);
  assert.deepEqual([...CHART_ORDER], chartIds());
  assert.deepEqual([...GRAPH_CHART_IDS], ['laplacian', 'sigma', 'invariance', 'ranks', 'agreement']);
  assert.deepEqual([...ALIGNMENT_CHART_IDS], ['probe', 'strength', 'thresholds', 'spectrum', 'scores', 'scaling', 'convergence']);
  assert.equal(new Set(chartIds()).size, chartIds().length);
  for (const id of chartIds()) assert.ok(isChartId(id));
  // the protocol checks the shape of an id; which ids exist is the theories' business
  for (const x of ['', 3, null, 'Laplacian', 'a b', '1x', 'x'.repeat(65), '<b>']) assert.equal(isChartId(x), false, String(x));
});

test('panel models of both theories pass; untagged, mistagged or malformed ones do not', () => {
  for (const name of ['case-c', 'scenario-m-strong', 'scenario-m-weak', 'graph-knn', 'graph-labels']) {
    const m = fixtureModel(name);
    assert.ok(isPanelModel(m), name);
    const msg = { type: 'analysis', runId: 1, documentUri: 'file:///a', documentVersion: 1, fileName: 'a', locked: false, model: m };
    assert.ok(isHostToWebviewMessage(msg), `${name} as a message`);
  }
  const alignment = fixtureModel('case-c');
  const graph = fixtureModel('graph-knn');
  const { theory: _t, ...untagged } = alignment;
  const rec = graph.recommendation as Record<string, unknown>;
  const bad: [string, unknown][] = [
    ['untagged (a state saved before the union)', untagged],
    ['unknown theory', { ...alignment, theory: 'other' }],
    ['alignment model tagged as graph', { ...alignment, theory: 'spectralEmbedding' }],
    ['graph model tagged as alignment', { ...graph, theory: 'alignment' }],
    ['alignment without thresholds key', (({ thresholds: _x, ...rest }) => rest)(alignment)],
    ['alignment dimensions', { ...alignment, dimensions: { d: -1, k: 0, latent: 0 } }],
    ['graph dimensions', { ...graph, dimensions: { N: 1.5, D: 1, K: 1 } }],
    ['graph kind', { ...graph, graph: { ...(graph.graph as object), kind: 'ring' } }],
    ['laplacian', { ...graph, graph: { ...(graph.graph as object), laplacian: ['0'] } }],
    ['recommendation method', { ...graph, recommendation: { ...rec, method: 'dino' } }],
    ['recommendation invariance', { ...graph, recommendation: { ...rec, invariance: 'medium' } }],
    ['representation', { ...graph, representation: null }],
    ['vicreg rank', { ...graph, representation: { vicreg: { eigenvalues: [], sigma: [], rank: -1 }, simclr: null } }],
    ['linear', { ...graph, linear: { vicreg: null, simclr: null } }],
    ['alignment', { ...graph, alignment: { pairAgreement: '1', aligned: true } }],
    ['sweep', { ...graph, sigmaSweep: { g: [], curves: [] } }],
    ['problems', { ...graph, problems: [{ severity: 'fatal', code: 'x', message: 'y', line: 1 }] }],
    ['name', { ...graph, name: 3 }],
  ];
  for (const [why, m] of bad) assert.equal(isPanelModel(m), false, why);
});

test('export requests and their replies carry a request id', () => {
  assert.ok(isWebviewToHostMessage({ type: 'export', format: 'csv', chart: 'ranks', content: 'a\r\n', requestId: 3 }));
  assert.ok(isWebviewToHostMessage({ type: 'export', format: 'png', chart: 'laplacian', dataUrl: PNG, requestId: 1 }));
  assert.ok(isWebviewToHostMessage({ type: 'export', format: 'html', content: '<!DOCTYPE html>', requestId: 9 }));
  assert.ok(isWebviewToHostMessage({ type: 'exportFailed', requestId: 4, reason: 'the thresholds chart is not part of this analysis' }));
  const bad: unknown[] = [
    { type: 'export', format: 'csv', chart: 'ranks', content: 'a', requestId: 0 },
    { type: 'export', format: 'csv', chart: 'ranks', content: 'a', requestId: '3' },
    { type: 'export', format: 'csv', chart: 'ranks', content: 'a', requestId: 2.5 },
    { type: 'exportFailed', reason: 'x' },
    { type: 'exportFailed', requestId: 4 },
    { type: 'exportFailed', requestId: 4, reason: 'x'.repeat(MAX_REASON_LENGTH + 1) },
    { type: 'exportFailed', requestId: 4, reason: 'x', chart: 'ranks' },
  ];
  for (const m of bad) assert.equal(isWebviewToHostMessage(m), false, JSON.stringify(m).slice(0, 120));
});

test('the render acknowledgement names the theory and accepts graph sections', () => {
  const ack = {
    type: 'rendered',
    runId: 2,
    documentVersion: 1,
    theory: 'spectralEmbedding',
    paradigm: 'vicreg',
    charts: ['laplacian', 'sigma-k', 'sigma-g', 'ranks', 'ranks-spectra', 'agreement'].map((id) => ({
      id,
      section: id.replace(/-.*/, ''),
      datasets: [{ label: 'x', n: 2 }],
    })),
    renderMs: 3,
    theme: 'light',
  };
  assert.ok(isWebviewToHostMessage(ack));
  for (const theory of ['', 'a b', 3, '<script>', 'x'.repeat(65)]) assert.equal(isWebviewToHostMessage({ ...ack, theory }), false, String(theory));
  const { theory: _t, ...untagged } = ack;
  assert.equal(isWebviewToHostMessage(untagged), false);
});

test('the linear probe in an alignment model: accuracies in [0, 1], counts, no other keys', () => {
  const base = fixtureModel('case-c');
  const probe = { supervised: 0.6417910447761194, reconstruction: 0.8009950248756219, jointEmbedding: 0.7860696517412935, train: 799, test: 201, seed: 0 };
  assert.ok(isPanelModel({ ...base, probe, solutions: true }));
  assert.ok(isPanelModel({ ...base, probe: null }));
  const { supervised: _s, ...withoutSupervised } = probe;
  assert.ok(isPanelModel({ ...base, probe: withoutSupervised }));
  const bad: [string, unknown][] = [
    ['accuracy above 1', { ...probe, jointEmbedding: 1.5 }],
    ['negative accuracy', { ...probe, reconstruction: -0.1 }],
    ['NaN accuracy', { ...probe, supervised: NaN }],
    ['accuracy as text', { ...probe, reconstruction: '0.8' }],
    ['fractional test count', { ...probe, test: 200.5 }],
    ['missing train', (({ train: _t, ...rest }) => rest)(probe)],
    ['extra key', { ...probe, html: '<b>x</b>' }],
    ['not a record', [0.8, 0.7]],
  ];
  for (const [why, p] of bad) assert.equal(isPanelModel({ ...base, probe: p }), false, why);
  assert.equal(isPanelModel({ ...base, solutions: 'yes' }), false, 'solutions flag');
});

test('the .npz export carries nothing but its format (the host has the worker write it); the cancelled state is a run header', () => {
  assert.ok(isWebviewToHostMessage({ type: 'export', format: 'npz' }));
  assert.ok(isWebviewToHostMessage({ type: 'export', format: 'npz', requestId: 2 }));
  for (const m of [
    { type: 'export', format: 'npz', content: 'PK' },
    { type: 'export', format: 'npz', chart: 'probe' },
    { type: 'export', format: 'npz', dataUrl: PNG },
  ])
    assert.equal(isWebviewToHostMessage(m), false, JSON.stringify(m));
  assert.ok(isHostToWebviewMessage({ type: 'requestExport', requestId: 1, format: 'npz' }));
  assert.ok(isHostToWebviewMessage({ type: 'cancelled', runId: 4, documentUri: 'file:///a', documentVersion: 2 }));
  assert.equal(isHostToWebviewMessage({ type: 'cancelled', runId: 4, documentVersion: 2 }), false);
  assert.ok(isChartId('probe'));
  assert.equal(ALIGNMENT_CHART_IDS[0], 'probe');
});
