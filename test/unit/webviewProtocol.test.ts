import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeEmbeddedJson,
  encodeEmbeddedJson,
  isHostToWebviewMessage,
  isOlderResult,
  isWebviewToHostMessage,
  MAX_DATA_URL_LENGTH,
  thinSeries,
} from '../../src/shared/webviewProtocol';
import { thinIndices } from '../../src/core/numerics/thin';

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
  const model = { dimensions: { d: 2, k: 1, latent: 1 }, problems: [] };
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

test('thinIndices shares positions across series and keeps each series\' extrema', () => {
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
  assert.ok(isHostToWebviewMessage({ type: 'requestExport', format: 'png', chart: 'spectrum' }));
  assert.ok(isHostToWebviewMessage({ type: 'requestExport', format: 'html' }));
  assert.equal(isHostToWebviewMessage({ type: 'requestExport', format: 'pdf' }), false);
  assert.equal(isHostToWebviewMessage({ type: 'requestExport', format: 'png', chart: 'nope' }), false);
});
