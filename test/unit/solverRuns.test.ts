/**
 * The solver client's run bookkeeping (src/host/solver/runs.ts) without VS Code: run ids,
 * answers routed by run id, cancelling (and why), the document run that a newer one
 * supersedes, one-off keys, files read by the host on `needFiles` (and up front next time),
 * and what queued runs become when the worker stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { AnalyzeRequest, HostToWorkerMessage, ResultMessage, WorkerToHostMessage } from '../../src/shared/workerProtocol';
import { english } from '../../src/core/engine/index';
import { documentKey, oneOffUri, Runs, type CancelReason, type HostFile } from '../../src/host/solver/runs';
import type { ProgressEvent } from '../../src/host/solver/types';

class Cancelled extends Error {
  constructor() {
    super('Canceled');
  }
}

const DOC = 'memfs:/proj/a.sslexp.yaml';

/** A Runs whose worker records what is posted; files under /proj/ exist (their bytes are their path), others are missing. */
class Harness {
  readonly posted: HostToWorkerMessage[] = [];
  readonly cancelled: [number, CancelReason][] = [];
  readonly reads: [string, string, number][] = [];
  readonly progress: ProgressEvent[] = [];
  readonly errors: string[] = [];
  postError: Error | undefined;
  readonly runs = new Runs({
    post: (m) => {
      if (this.postError) throw this.postError;
      this.posted.push(structuredClone(m));
    },
    cancelInWorker: (runId, reason) => this.cancelled.push([runId, reason]),
    readHostFile: async (documentUri, path, limit): Promise<HostFile> => {
      this.reads.push([documentUri, path, limit]);
      return path.startsWith('/proj/') ? { bytes: new TextEncoder().encode(path) } : { error: { code: 'ENOENT', message: `${path} not found` } };
    },
    progressed: (e) => this.progress.push(e),
    cancellationError: () => new Cancelled(),
    log: { error: (text: string) => this.errors.push(text) } as never,
    t: english,
  });

  request(runId: number, extra: Partial<AnalyzeRequest> = {}): AnalyzeRequest {
    return { type: 'analyze', runId, uri: DOC, version: 1, text: 'sslexp: 1\n', fileName: 'a.sslexp.yaml', baseDir: '/proj', trusted: true, ...extra };
  }
}

const result = (runId: number, uri = DOC): ResultMessage => ({
  type: 'result',
  runId,
  uri,
  version: 1,
  elapsedMs: 2,
  result: { theory: 'alignment', problems: [] },
});
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A cancellation token that `cancel()` cancels. */
function token(): { token: vscode.CancellationToken; cancel(): void } {
  const listeners: (() => void)[] = [];
  let cancelled = false;
  const tok = {
    get isCancellationRequested() {
      return cancelled;
    },
    onCancellationRequested: (l: () => void) => {
      listeners.push(l);
      return { dispose: () => listeners.splice(listeners.indexOf(l) >>> 0, 1) };
    },
  } as unknown as vscode.CancellationToken;
  return {
    token: tok,
    cancel: () => {
      cancelled = true;
      for (const l of [...listeners]) l();
    },
  };
}

test('one-off keys: a one-off run has its own uri; its document is the uri without the suffix', () => {
  assert.equal(oneOffUri(DOC, 12), `${DOC}#oneoff-12`);
  assert.equal(documentKey(oneOffUri(DOC, 12)), DOC);
  assert.equal(documentKey(DOC), DOC);
  // only a trailing `#oneoff-<digits>` is a one-off suffix
  assert.equal(documentKey('untitled:Untitled-1#oneoff-x'), 'untitled:Untitled-1#oneoff-x');
  assert.equal(documentKey('file:///a%23oneoff-3/b.sslexp.yaml'), 'file:///a%23oneoff-3/b.sslexp.yaml');
});

test('run ids increase; each answer settles the run with its id; stale answers are dropped', async () => {
  const h = new Harness();
  assert.deepEqual([h.runs.newRunId(), h.runs.newRunId(), h.runs.newRunId()], [1, 2, 3]);
  const one = h.runs.send(h.request(1));
  const two = h.runs.send(h.request(2));
  assert.deepEqual(
    h.posted.map((m) => m.type === 'analyze' && m.runId),
    [1, 2],
  );
  assert.equal(h.runs.isPending(2), true);
  h.runs.dispatch(result(2));
  h.runs.dispatch({ type: 'error', runId: 1, message: 'the spec could not be read' });
  assert.equal((await two).runId, 2);
  await assert.rejects(one, { message: 'the spec could not be read' });
  assert.equal(h.runs.isPending(2), false);
  h.runs.dispatch(result(2)); // a late duplicate: ignored
  h.runs.dispatch({ type: 'error', runId: 99, message: 'out of the blue' });
  assert.deepEqual(h.errors, ['solver worker: out of the blue']);
});

test('cancel rejects at once and tells the worker; only a document run remembers why', async () => {
  const h = new Harness();
  h.runs.setDocumentRun(DOC, 1);
  const doc = h.runs.send(h.request(1));
  const oneOff = h.runs.send(h.request(2, { uri: oneOffUri(DOC, 2) }));
  h.runs.cancel(1, 'superseded');
  h.runs.cancel(2, 'cancelled');
  h.runs.cancel(2, 'cancelled'); // twice: nothing more
  await assert.rejects(doc, Cancelled);
  await assert.rejects(oneOff, Cancelled);
  assert.deepEqual(h.cancelled, [
    [1, 'superseded'],
    [2, 'cancelled'],
  ]);
  assert.equal(h.runs.cancelReason(1), 'superseded');
  assert.equal(h.runs.cancelReason(2), undefined);
  // the worker's own 'cancelled' answer rejects the same way
  const three = h.runs.send(h.request(3));
  h.runs.dispatch({ type: 'cancelled', runId: 3, reason: 'cancelled' });
  await assert.rejects(three, Cancelled);
});

test('the document run: superseded by a newer one; ending a run forgets its reason and says whether the document is idle', () => {
  const h = new Harness();
  h.runs.setDocumentRun(DOC, 1);
  void h.runs.send(h.request(1)).catch(() => {});
  h.runs.cancel(1, 'superseded');
  h.runs.setDocumentRun(DOC, 2);
  assert.equal(h.runs.documentRun(DOC), 2);
  assert.equal(h.runs.endDocumentRun(DOC, 1), false, 'the superseded run ends: the newer one is still running');
  assert.equal(h.runs.cancelReason(1), undefined);
  assert.equal(h.runs.documentRun(DOC), 2);
  assert.equal(h.runs.endDocumentRun(DOC, 2), true);
  assert.equal(h.runs.documentRun(DOC), undefined);
});

test('a cancellation token: cancelled before sending, nothing is posted; cancelled later, the run is cancelled by the user', async () => {
  const h = new Harness();
  const before = token();
  before.cancel();
  await assert.rejects(h.runs.send(h.request(1), before.token), Cancelled);
  assert.deepEqual(h.posted, []);
  const later = token();
  h.runs.setDocumentRun(DOC, 2);
  const run = h.runs.send(h.request(2), later.token);
  later.cancel();
  await assert.rejects(run, Cancelled);
  assert.deepEqual(h.cancelled, [[2, 'cancelled']]);
  assert.equal(h.runs.cancelReason(2), 'cancelled');
});

test('progress: every report reaches the run; fractions above 0 are events, named by the document without the one-off suffix', async () => {
  const h = new Harness();
  const seen: [number, string][] = [];
  const run = h.runs.send(h.request(4, { uri: oneOffUri(DOC, 4) }), undefined, (fraction, message) => seen.push([fraction, message]));
  const reports: WorkerToHostMessage[] = [
    { type: 'progress', runId: 4, fraction: 0, message: '' },
    { type: 'progress', runId: 4, fraction: 0.5, message: 'reading x.npy: 10 samples' },
    { type: 'progress', runId: 5, fraction: 0.7, message: 'another run' },
  ];
  reports.forEach((m) => h.runs.dispatch(m));
  assert.deepEqual(seen, [
    [0, ''],
    [0.5, 'reading x.npy: 10 samples'],
  ]);
  assert.deepEqual(h.progress, [{ uri: DOC, runId: 4, kind: 'analyze', fraction: 0.5, message: 'reading x.npy: 10 samples' }]);
  h.runs.dispatch(result(4, oneOffUri(DOC, 4)));
  await run;
});

test('needFiles: the host reads the files (within the limit) and posts the request again; next time it reads them up front', async () => {
  const h = new Harness();
  const first = h.runs.send(h.request(1, { uri: oneOffUri(DOC, 1), files: {}, fileErrors: {}, maxFileBytes: 1000 }));
  assert.equal(h.posted.length, 1);
  h.runs.dispatch({ type: 'needFiles', runId: 1, paths: ['/proj/x.npy', '/elsewhere/y.npy'] });
  await flush();
  assert.deepEqual(h.reads, [
    [DOC, '/proj/x.npy', 1000],
    [DOC, '/elsewhere/y.npy', 1000],
  ]);
  const again = h.posted[1] as AnalyzeRequest;
  assert.equal(again.runId, 1);
  assert.deepEqual(Object.keys(again.files!), ['/proj/x.npy']);
  assert.equal(new TextDecoder().decode(again.files!['/proj/x.npy']), '/proj/x.npy');
  assert.deepEqual(again.fileErrors, { '/elsewhere/y.npy': { code: 'ENOENT', message: '/elsewhere/y.npy not found' } });
  // asking again for what it was sent is a worker error, not a loop
  h.runs.dispatch({ type: 'needFiles', runId: 1, paths: ['/proj/x.npy'] });
  await assert.rejects(first, { message: 'the solver worker asked again for files it was sent: /proj/x.npy' });
  assert.equal(h.posted.length, 2);

  // the document's next run carries the files from its first post (the document key, not the one-off key)
  const second = h.runs.send(h.request(2, { files: {}, fileErrors: {} }));
  assert.equal(h.posted.length, 2, 'not posted before the files are read');
  await flush();
  const upFront = h.posted[2] as AnalyzeRequest;
  assert.deepEqual([upFront.runId, Object.keys(upFront.files!), Object.keys(upFront.fileErrors!)], [2, ['/proj/x.npy'], ['/elsewhere/y.npy']]);
  h.runs.dispatch(result(2));
  await second;

  // untrusted workspaces read nothing up front; a closed document forgets its files
  const reads = h.reads.length;
  void h.runs.send(h.request(3, { files: {}, trusted: false }));
  h.runs.forgetFiles(DOC);
  void h.runs.send(h.request(4, { files: {} }));
  await flush();
  assert.equal(h.reads.length, reads);
  assert.deepEqual(
    h.posted.slice(3).map((m) => m.type === 'analyze' && [m.runId, Object.keys(m.files ?? {}).length]),
    [
      [3, 0],
      [4, 0],
    ],
  );
});

test('a run cancelled while its files are read is not posted', async () => {
  const h = new Harness();
  void h.runs.send(h.request(1, { files: {} })).catch(() => {});
  h.runs.dispatch({ type: 'needFiles', runId: 1, paths: ['/proj/x.npy'] });
  h.runs.cancel(1, 'cancelled');
  await flush();
  assert.equal(h.posted.length, 1);
});

test('a worker that cannot start fails the run with its error', async () => {
  const h = new Harness();
  h.postError = new Error('cannot start the worker');
  await assert.rejects(h.runs.send(h.request(1)), { message: 'cannot start the worker' });
  assert.equal(h.runs.isPending(1), false);
});

test('after a crash: the culprit document run gets a worker-crashed result, a culprit one-off fails, the others are sent again in order', async () => {
  const h = new Harness();
  h.runs.setDocumentRun(DOC, 2);
  const other = h.runs.send(h.request(1, { uri: 'file:///b.sslexp.yaml' }));
  const culprit = h.runs.send(h.request(2));
  const later = h.runs.send(h.request(3, { uri: 'file:///c.sslexp.yaml' }));
  assert.equal(h.runs.runDocument(2), DOC);
  h.posted.length = 0;
  h.runs.afterCrash({ culprit: 2, reason: 'it exited with code 1', crashLoop: false });
  const crashed = (await culprit) as ResultMessage;
  assert.deepEqual(crashed.result.problems, [
    {
      code: 'worker-crashed',
      severity: 'error',
      message:
        'The analysis of this spec stopped the solver worker: it exited with code 1. The worker was restarted and other specs are analysed as usual; this spec is analysed again when it changes.',
      start: 0,
      end: 0,
    },
  ]);
  assert.deepEqual(
    h.posted.map((m) => m.type === 'analyze' && m.runId),
    [1, 3],
  );
  const oneOff = h.runs.send(h.request(4, { uri: oneOffUri(DOC, 4) }));
  h.runs.afterCrash({ culprit: 4, reason: 'it ran out of memory', crashLoop: false });
  await assert.rejects(oneOff, { message: 'the solver worker stopped while running this analysis: it ran out of memory' });
  // a crash loop fails every queued run and sends nothing
  h.posted.length = 0;
  h.runs.afterCrash({ culprit: undefined, reason: 'it exited with code 1', crashLoop: true });
  await assert.rejects(other, { message: 'the solver worker keeps stopping; see the log' });
  await assert.rejects(later, { message: 'the solver worker keeps stopping; see the log' });
  assert.deepEqual(h.posted, []);
});

test('dispose rejects every queued run as cancelled and sends nothing more', async () => {
  const h = new Harness();
  h.runs.setDocumentRun(DOC, 1);
  const run = h.runs.send(h.request(1));
  h.runs.dispose();
  await assert.rejects(run, Cancelled);
  assert.equal(h.runs.documentRun(DOC), undefined);
  await assert.rejects(h.runs.send(h.request(2)), Cancelled);
  h.runs.resend();
  assert.equal(h.posted.length, 1);
});
