/**
 * What the solver client keeps and shows without VS Code: the result store
 * (src/host/solver/resultStore.ts: latest, last good and how stale, simulations, the detail
 * reference counts, forget / invalidateAll) and the progress notification
 * (src/host/solver/progressNotification.ts: shown after the delay, a bar that only moves
 * forward, Cancel cancelling the run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { PostedResult } from '../../src/shared/workerProtocol';
import { english } from '../../src/core/engine/index';
import { ProgressNotification, type ProgressUpdate } from '../../src/host/solver/progressNotification';
import { ResultStore } from '../../src/host/solver/resultStore';
import type { AnalysisEvent, ProgressEvent, ProgressNotificationEvent, SimulationEvent } from '../../src/host/solver/types';

const uri = (s: string): vscode.Uri => ({ toString: () => s }) as unknown as vscode.Uri;
const A = 'file:///w/a.sslexp.yaml';
const B = 'file:///w/b.sslexp.yaml';

type Problem = PostedResult['problems'][number];
const problem = (code: string, severity: Problem['severity']): Problem => ({ code, severity, message: code, start: 0, end: 1 });
function analysis(key: string, runId: number, problems: Problem[] = [], detailed = false): AnalysisEvent {
  return { uri: uri(key), version: runId, runId, result: { theory: 'alignment', problems }, elapsedMs: 1, detailed };
}

test('latest and last good: an analysis with errors keeps the last good one, marked stale with the count and first error', () => {
  const store = new ResultStore();
  assert.equal(store.lastGood(A), undefined);
  const good = analysis(A, 1, [problem('alpha-below-rc', 'warning')]);
  store.recordAnalysis(good);
  assert.deepEqual(store.lastGood(A), { event: good, stale: false, errors: 0 });
  const broken = analysis(A, 2, [problem('yaml-syntax', 'error'), problem('alpha-below-rc', 'warning'), problem('missing-key', 'error')]);
  store.recordAnalysis(broken);
  assert.equal(store.latest(A), broken);
  assert.deepEqual(store.lastGood(A), { event: good, stale: true, errors: 2, firstError: broken.result.problems[0] });
  const fixed = analysis(A, 3);
  store.recordAnalysis(fixed);
  assert.deepEqual(store.lastGood(A), { event: fixed, stale: false, errors: 0 });
  // a document whose only analysis has errors has no last good one
  store.recordAnalysis(analysis(B, 4, [problem('yaml-syntax', 'error')]));
  assert.equal(store.lastGood(B), undefined);
});

test('detail references: counted per document, each release once; the count gates wantsDetail', () => {
  const store = new ResultStore();
  assert.equal(store.wantsDetail(A), false);
  const first = store.retainDetail(A);
  const second = store.retainDetail(A);
  first();
  first(); // a second release of the same holder does nothing
  assert.equal(store.wantsDetail(A), true, 'the second holder still wants detail');
  assert.equal(store.wantsDetail(B), false);
  second();
  assert.equal(store.wantsDetail(A), false);
});

test('forget drops one document (its simulation too); invalidateAll drops every analysis, one callback after each, and keeps simulations', () => {
  const store = new ResultStore();
  const sim = (key: string): SimulationEvent => ({ uri: uri(key), version: 1, runId: 9, simulation: {} as SimulationEvent['simulation'], elapsedMs: 1 });
  store.recordAnalysis(analysis(A, 1));
  store.recordAnalysis(analysis(B, 2));
  store.recordSimulation(sim(A));
  store.recordSimulation(sim(B));
  assert.equal(store.forget(A), true);
  assert.equal(store.forget(A), false, 'nothing left to forget');
  assert.deepEqual([store.latest(A), store.lastGood(A), store.latestSimulation(A)], [undefined, undefined, undefined]);
  store.recordAnalysis(analysis(A, 3));
  const dropped: [string, boolean, boolean][] = [];
  // each callback comes after its own document is dropped and before the next one is (events fired one by one)
  store.invalidateAll((e) => dropped.push([e.uri.toString(), store.latest(A) !== undefined, store.latest(B) !== undefined]));
  assert.deepEqual(dropped, [
    [B, true, false],
    [A, false, false],
  ]);
  assert.deepEqual([store.latest(A), store.latest(B), store.lastGood(B)], [undefined, undefined, undefined]);
  assert.equal(store.latestSimulation(B)?.runId, 9, 'simulations are not analyses: they stay');
});

/** A ProgressNotification whose withProgress records the bar; `pending` says which runs are still running. */
class ProgressHarness {
  readonly listeners = new Set<(e: ProgressEvent) => void>();
  readonly pending = new Set<number>();
  readonly titles: string[] = [];
  readonly bar: ProgressUpdate[] = [];
  readonly notified: ProgressNotificationEvent[] = [];
  readonly cancelled: number[] = [];
  cancelNotification: (() => void) | undefined;
  readonly notification = new ProgressNotification({
    onProgress: ((l: (e: ProgressEvent) => void) => {
      this.listeners.add(l);
      return { dispose: () => this.listeners.delete(l) };
    }) as unknown as vscode.Event<ProgressEvent>,
    isRunning: (runId) => this.pending.has(runId),
    cancel: (runId) => this.cancelled.push(runId),
    withProgress: (title, task) => {
      this.titles.push(title);
      const listeners: (() => void)[] = [];
      this.cancelNotification = () => listeners.forEach((l) => l());
      const tok = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => (listeners.push(l), { dispose: () => listeners.splice(0) }) };
      return task({ report: (u) => this.bar.push(u) }, tok as unknown as vscode.CancellationToken);
    },
    notified: (e) => this.notified.push(e),
    t: english,
  });

  report(runId: number, fraction: number, message: string): void {
    for (const l of [...this.listeners]) l({ uri: A, runId, kind: 'analyze', fraction, message });
  }
}

/** A run that `settle()` resolves. */
function run(): { promise: Promise<void>; settle(): void } {
  let settle!: () => void;
  const promise = new Promise<void>((r) => (settle = r));
  return { promise, settle };
}

test('progress notification: none for a run that ends within the delay or is no longer running', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const h = new ProgressHarness();
  const quick = run();
  h.pending.add(1);
  h.notification.showIfSlow(quick.promise, 1, 'Analysing a', 1000);
  quick.settle();
  await quick.promise;
  t.mock.timers.tick(1000);
  const gone = run();
  h.notification.showIfSlow(gone.promise, 2, 'Analysing b', 500); // run 2 is not pending (e.g. cancelled)
  t.mock.timers.tick(500);
  assert.deepEqual(h.titles, []);
  assert.equal(h.listeners.size, 1, 'the quick run stopped listening; run 2 still listens until it settles');
  gone.settle();
  await gone.promise;
  assert.equal(h.listeners.size, 0);
});

test('progress notification: after the delay, the latest report at once, then a bar that only moves forward; Cancel cancels the run', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const h = new ProgressHarness();
  const slow = run();
  h.pending.add(3);
  h.notification.showIfSlow(slow.promise, 3, 'Analysing big.sslexp.yaml', 1000);
  h.report(3, 0.1, 'reading x.npy: 1 samples');
  h.report(3, 0.2, 'reading x.npy: 2 samples');
  h.report(4, 0.9, 'another run');
  assert.equal(h.bar.length, 0, 'nothing is shown before the delay');
  t.mock.timers.tick(1000);
  assert.deepEqual(h.titles, ['SSL Paradigm: Analysing big.sslexp.yaml']);
  h.report(3, 0.5, 'reading x.npy: 5 samples');
  h.report(3, 0.1, 'reading views.npy: 1 samples'); // a new pass: the message alone
  h.report(3, 0.8, 'reading views.npy: 8 samples');
  h.report(3, 1, 'reading views.npy: 10 samples');
  const increments = h.bar.map((u) => u.increment);
  assert.deepEqual(
    increments.map((i) => i && Math.round(i * 1e9) / 1e9),
    [20, 30, undefined, 30, 20],
  );
  assert.deepEqual(
    h.bar.map((u) => u.message),
    ['reading x.npy: 2 samples', 'reading x.npy: 5 samples', 'reading views.npy: 1 samples', 'reading views.npy: 8 samples', 'reading views.npy: 10 samples'],
  );
  assert.deepEqual(
    h.notified.map((e) => [e.runId, e.title, e.message, e.increment]),
    h.bar.map((u) => [3, 'Analysing big.sslexp.yaml', u.message, u.increment]),
  );
  h.cancelNotification!();
  assert.deepEqual(h.cancelled, [3]);
  slow.settle();
  await slow.promise;
  await new Promise((r) => setImmediate(r));
  h.report(3, 1, 'after the end');
  assert.equal(h.bar.length, 5, 'a settled run reports nothing more');
});
