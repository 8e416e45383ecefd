// Progress of long reads in the editor (docs/architecture.md §3.4): a spec whose data are read
// in blocks (your own views always are) reports each block through the worker's `progress`
// messages; the host shows them in the cancellable notification once
// sslParadigm.worker.progressDelay has passed, and Cancel stops the run with a plain
// 'cancelled' state. The data (about 36 MB, int8) are generated here, in a scratch folder of
// the workspace: 2·10⁶ samples × 2 features and 8 views each, read in blocks of equal rows (the last shorter).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ProgressEvent, ProgressNotificationEvent, RunEvent } from '../../src/host/solverClient';
import { activatedApi, closeAllEditors, waitFor, workspaceRoot } from './helpers';
import { asAlignment } from '../support/engine';

const SCRATCH = ['.scratch', `progress-${process.pid}`];
const N = 2_000_000;
const D = 2;
const V = 8;

/** The header of a C-order int8 .npy of `shape` (numpy's layout: padded to 64 bytes, ending in a newline). */
function int8Header(shape: number[]): Uint8Array {
  let header = `{'descr': '|i1', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

/** `header` then `count` bytes: a seeded block of `period` bytes (multiple of a row) repeated (cheap for the extension host). */
function int8File(header: Uint8Array, count: number, period: number, value: (i: number, random: number) => number): Uint8Array {
  const out = new Uint8Array(header.length + count);
  out.set(header);
  const values = new Int8Array(out.buffer, header.length, count);
  let s = 12345;
  for (let i = 0; i < period; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = value(i, (s >>> 24) - 128);
  }
  for (let filled = period; filled < count; filled *= 2) values.copyWithin(filled, 0, Math.min(filled, count - filled));
  return out;
}

/** Samples in the repeated block: 4096 rows of x and their 4096 × 8 views. */
const PERIOD = 4096;

describe('progress of long reads', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let spec: vscode.Uri;

  before(async () => {
    api = await activatedApi();
    await closeAllEditors();
    await vscode.workspace.getConfiguration('sslParadigm').update('worker.progressDelay', 0, vscode.ConfigurationTarget.Global);
    const dir = vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH);
    const xs = new Int8Array(PERIOD * D);
    const x = int8File(int8Header([N, D]), N * D, PERIOD * D, (i, r) => (xs[i] = r >> 1));
    // each view: its sample's features plus a small seeded shift
    const views = int8File(int8Header([N, V, D]), N * V * D, PERIOD * V * D, (i, r) => xs[Math.floor(i / (V * D)) * D + (i % D)] + (r >> 5));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'x.npy'), x);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'views.npy'), views);
    spec = vscode.Uri.joinPath(dir, 'big.sslexp.yaml');
    await vscode.workspace.fs.writeFile(
      spec,
      new TextEncoder().encode('sslexp: 1\nname: Two million samples\ndata: {file: x.npy}\naugmentation: {views: {file: views.npy}}\nlatent: 1\n'),
    );
  });

  after(async () => {
    await vscode.workspace.getConfiguration('sslParadigm').update('worker.progressDelay', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH), { recursive: true, useTrash: false });
  });

  it('reports each block of the read to the host and its notification, the fraction rising to 1', async function () {
    const progress: ProgressEvent[] = [];
    const shown: ProgressNotificationEvent[] = [];
    const subs = [
      api.solver.onDidReportProgress((e) => e.uri === spec.toString() && progress.push(e)),
      api.solver.onDidUpdateProgressNotification((e) => shown.push(e)),
    ];
    try {
      // Opening the spec analyses it (the diagnostics feature): the run whose result is cached.
      const t0 = Date.now();
      const doc = await vscode.workspace.openTextDocument(spec);
      await vscode.window.showTextDocument(doc, { preview: false });
      const event = await waitFor(() => api.solver.latestFor(doc), 100_000, 'the analysis of the big spec', 100);
      const elapsed = Date.now() - t0;
      const r = event.result;
      assert.equal(r.theory, 'alignment');
      assert.deepEqual(
        r.problems.filter((p) => p.severity === 'error'),
        [],
      );
      const run = progress.filter((e) => e.runId === event.runId);
      // blocks of equal rows (the last shorter), at most 10 reports a second plus the last
      assert.ok(run.length >= 3, `${run.length} progress reports in ${elapsed} ms: ${JSON.stringify(run)}`);
      assert.ok(run.length <= Math.ceil(elapsed / 100) + 1, `${run.length} reports in ${elapsed} ms`);
      for (let i = 1; i < run.length; i++) assert.ok(run[i].fraction > run[i - 1].fraction, JSON.stringify(run.map((e) => e.fraction)));
      assert.equal(run.at(-1)!.fraction, 1);
      assert.equal(run.at(-1)!.message, `reading x.npy: ${N} samples`);
      for (const e of run) {
        assert.match(e.message, /^reading x\.npy: \d+ samples$/);
        assert.equal(e.kind, 'analyze');
      }
      const samples = run.map((e) => Number(/(\d+) samples/.exec(e.message)![1]));
      // each report after a whole block: the first is one block, every other a multiple of it
      const block = samples[0];
      assert.ok(block > 0 && block < N / 2, JSON.stringify(samples));
      assert.ok(
        samples.every((n) => n % block === 0 || n === N),
        JSON.stringify(samples),
      );
      // The notification (progressDelay 0) got the messages and a bar that advanced to 100%.
      const mine = shown.filter((e) => e.runId === event.runId);
      assert.ok(mine.length >= 2, JSON.stringify(shown));
      assert.match(mine[0].title, /^Analysing big\.sslexp\.yaml$/);
      assert.equal(mine.at(-1)!.message, `reading x.npy: ${N} samples`);
      const total = mine.reduce((a, e) => a + (e.increment ?? 0), 0);
      assert.ok(Math.abs(total - 100) < 1e-9, `increments sum to ${total}`);
      assert.ok(mine.every((e) => e.increment === undefined || e.increment > 0));
      this.test!.title += ` [${run.length} reports in ${elapsed} ms: ${run.map((e) => e.fraction.toFixed(2)).join(', ')}]`;
    } finally {
      subs.forEach((s) => s.dispose());
    }
  });

  it('Cancel stops the run: no result, no failure, a cancelled state; the next analysis runs', async () => {
    const doc = await vscode.workspace.openTextDocument(spec);
    const cts = new vscode.CancellationTokenSource();
    const cancelled: RunEvent[] = [];
    const failed: string[] = [];
    let firstReport: ProgressEvent | undefined;
    const subs = [
      api.solver.onDidCancelAnalysis((e) => cancelled.push(e)),
      api.solver.onDidFailAnalysis((e) => failed.push(e.message)),
      // Cancel once the read has started (what the notification's Cancel does: the same token path).
      api.solver.onDidReportProgress((e) => {
        if (e.uri !== spec.toString() || firstReport) return;
        firstReport = e;
        cts.cancel();
      }),
    ];
    try {
      const before = api.solver.latest(spec)?.runId ?? 0;
      const outcome = await api.solver.analyzeDocument(doc, cts.token);
      assert.equal(outcome, undefined, 'a cancelled run has no result');
      assert.ok(firstReport && firstReport.fraction < 1, JSON.stringify(firstReport));
      await waitFor(() => cancelled.length > 0, 5_000, 'the cancelled event');
      assert.equal(cancelled[0].uri.toString(), spec.toString());
      assert.equal(cancelled[0].runId, firstReport.runId);
      assert.deepEqual(failed, [], 'cancelling is not a failure');
      assert.equal(api.solver.latest(spec)?.runId ?? 0, before, 'the cached result is the previous one');
      assert.equal(api.solver.isBusy(spec), false);
      // The worker (restarted when the run did not stop in time) analyses again.
      const again = await api.solver.analyzeDocument(doc);
      assert.ok(again && asAlignment(again.result).solutionSummary, 'analysed after the cancel');
    } finally {
      subs.forEach((s) => s.dispose());
      cts.dispose();
    }
  });
});
