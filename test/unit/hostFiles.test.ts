/**
 * Files read by the host (virtual file systems, the browser build: docs/architecture.md §6): a request with
 * `files` makes the analysis worker read nothing itself. It answers `needFiles` with the
 * absolute paths the core resolved, serves `readFile` from the map once they are sent, and
 * reports a file the host could not read (`fileErrors`, node-style code) like node:fs would.
 * Runs the built worker (dist/worker.js) in a worker thread, as the extension host does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isHostToWorkerMessage, isWorkerToHostMessage, type AnalyzeRequest, type WorkerToHostMessage } from '../../src/shared/workerProtocol';
import { asAlignment } from '../support/engine';

const ROOT = path.resolve(__dirname, '../../..');
const SPEC =
  'sslexp: 1\nsignal:\n  variance: {file: spectra/signal.csv}\n  augmentation: 2\nnoise:\n  variance: {file: spectra/noise.csv}\n  augmentation: 1\nalpha: 0.5\n';

function request(runId: number, extra: Partial<AnalyzeRequest> = {}): AnalyzeRequest {
  return {
    type: 'analyze',
    runId,
    uri: 'memfs:/proj/a.sslexp.yaml',
    version: 1,
    text: SPEC,
    fileName: 'a.sslexp.yaml',
    baseDir: '/proj',
    trusted: true,
    files: {},
    ...extra,
  };
}

function ask(worker: Worker, message: AnalyzeRequest): Promise<WorkerToHostMessage> {
  return new Promise((resolve) => {
    const on = (m: unknown): void => {
      if (!isWorkerToHostMessage(m) || m.runId !== message.runId || m.type === 'progress') return;
      worker.off('message', on);
      resolve(m);
    };
    worker.on('message', on);
    worker.postMessage(message);
  });
}

test('the protocol validates files and fileErrors', () => {
  assert.ok(isHostToWorkerMessage(request(1, { files: { '/a': new Uint8Array(2) }, fileErrors: { '/b': { code: 'ENOENT', message: 'gone' } } })));
  assert.ok(!isHostToWorkerMessage({ ...request(1), files: { '/a': 'text' } }));
  assert.ok(!isHostToWorkerMessage({ ...request(1), fileErrors: { '/b': 'gone' } }));
  assert.ok(isWorkerToHostMessage({ type: 'needFiles', runId: 1, paths: ['/a'] }));
  assert.ok(!isWorkerToHostMessage({ type: 'needFiles', runId: 1, paths: [1] }));
});

test('the worker asks for the files a request lacks, then analyses with the bytes the host sent', async () => {
  const worker = new Worker(path.join(ROOT, 'dist', 'worker.js'));
  try {
    const first = await ask(worker, request(1));
    assert.equal(first.type, 'needFiles');
    assert.deepEqual(first.type === 'needFiles' ? [...first.paths].sort() : [], ['/proj/spectra/noise.csv', '/proj/spectra/signal.csv']);

    const enc = new TextEncoder();
    const files = { '/proj/spectra/signal.csv': enc.encode('9\n4\n2.5\n1\n'), '/proj/spectra/noise.csv': enc.encode('value\n12\n8\n3\n0.5\n0.25\n') };
    const second = await ask(worker, request(2, { files }));
    assert.equal(second.type, 'result');
    if (second.type !== 'result') return;
    const alignment = asAlignment(second.result);
    assert.deepEqual(
      second.result.problems.filter((p) => p.severity === 'error'),
      [],
    );
    // `sslexp analyze` of the same spectra on disk: α²_RC = 34.9167, α²_JE = 1.91667
    assert.ok(Math.abs(alignment.thresholds!.alpha2RC - 34.9167) < 1e-3, String(alignment.thresholds!.alpha2RC));
    assert.ok(Math.abs(alignment.thresholds!.alpha2JE - 1.91667) < 1e-4, String(alignment.thresholds!.alpha2JE));

    const third = await ask(
      worker,
      request(3, {
        files: { '/proj/spectra/noise.csv': files['/proj/spectra/noise.csv'] },
        fileErrors: { '/proj/spectra/signal.csv': { code: 'ENOENT', message: 'not found' } },
      }),
    );
    assert.equal(third.type, 'result');
    if (third.type !== 'result') return;
    assert.deepEqual(
      third.result.problems.map((p) => [p.code, p.message]),
      [['file-not-found', "File 'spectra/signal.csv' not found (looked for /proj/spectra/signal.csv)."]],
    );

    const small = await ask(worker, request(4, { files, maxFileBytes: 4 }));
    assert.equal(small.type, 'result');
    if (small.type !== 'result') return;
    assert.deepEqual(small.result.problems.map((p) => p.code).sort(), ['limit-exceeded', 'limit-exceeded']);
  } finally {
    await worker.terminate();
  }
});
