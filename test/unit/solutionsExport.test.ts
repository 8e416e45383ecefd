/**
 * The panel's "Solutions (.npz)" export and the worker's progress (docs/architecture.md §5): the analysis
 * worker (dist/worker.js, run in a worker thread as the extension host runs it) answers a
 * `solutions` request with the bytes `sslexp analyze FILE --output F.npz` writes — the same
 * bytes, since both call `solutionsNpz` (src/core/theories/alignment/data/solutionsFile.ts) —
 * and posts the core's progress of a streamed read as throttled `progress` messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { npzKeys, readNpz } from '../../src/core/io/npz';
import digitsViews from '../oracle/digits_views.json';
import {
  isHostToWorkerMessage,
  isWorkerToHostMessage,
  PROGRESS_PER_SECOND,
  type AnalyzeRequest,
  type ProgressMessage,
  type SolutionsRequest,
  type WorkerToHostMessage,
} from '../../src/shared/workerProtocol';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(ROOT, 'examples');

function request<T extends 'analyze' | 'solutions'>(type: T, runId: number, spec: string): T extends 'analyze' ? AnalyzeRequest : SolutionsRequest {
  const file = path.join(EXAMPLES, spec);
  return {
    type,
    runId,
    uri: `file://${file}`,
    version: 1,
    text: readFileSync(file, 'utf8'),
    fileName: file,
    baseDir: path.dirname(file),
    trusted: true,
  } as T extends 'analyze' ? AnalyzeRequest : SolutionsRequest;
}

/** The run's final message and the progress messages before it (with their arrival times). */
function ask(
  worker: Worker,
  message: AnalyzeRequest | SolutionsRequest,
): Promise<{ last: WorkerToHostMessage; progress: (ProgressMessage & { at: number })[] }> {
  assert.ok(isHostToWorkerMessage(message));
  return new Promise((resolve) => {
    const progress: (ProgressMessage & { at: number })[] = [];
    const on = (m: unknown): void => {
      assert.ok(isWorkerToHostMessage(m), JSON.stringify(m).slice(0, 200));
      if (m.runId !== message.runId) return;
      if (m.type === 'progress') {
        progress.push({ ...m, at: performance.now() });
        return;
      }
      worker.off('message', on);
      resolve({ last: m, progress });
    };
    worker.on('message', on);
    worker.postMessage(message);
  });
}

/** `sslexp analyze SPEC --output F.npz`, the bytes it wrote. */
function cliNpz(spec: string, dir: string): Buffer {
  const out = path.join(dir, `${spec.replace(/[/.]/g, '_')}.npz`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'analyze', path.join(EXAMPLES, spec), '--output', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(out);
}

function hasNumpy(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}

test("the worker's .npz of the solutions is byte-identical to sslexp analyze --output (views + labels; P1's pipeline)", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sslexp-npz-'));
  const worker = new Worker(path.join(ROOT, 'dist', 'worker.js'));
  try {
    for (const [i, spec] of ['digits-views.sslexp.yaml', 'digits-strong-noise.sslexp.yaml'].entries()) {
      const { last } = await ask(worker, request('solutions', 10 + i, spec));
      assert.equal(last.type, 'solutionsFile', JSON.stringify(last).slice(0, 300));
      if (last.type !== 'solutionsFile') return;
      assert.ok(last.bytes instanceof Uint8Array && last.reason === undefined);
      const cli = cliNpz(spec, dir);
      assert.ok(cli.length > 1000, `${spec}: ${cli.length} bytes`);
      assert.equal(Buffer.from(last.bytes).equals(cli), true, `${spec}: ${last.bytes.length} bytes from the worker, ${cli.length} from the CLI`);
    }
    // The views example: the arrays and the probe as the project's own reader sees them.
    const { last } = await ask(worker, request('solutions', 20, 'digits-views.sslexp.yaml'));
    assert.equal(last.type, 'solutionsFile');
    if (last.type !== 'solutionsFile' || !last.bytes) return;
    const bytes = last.bytes;
    const keys = npzKeys(bytes);
    const shape = (name: string): number[] => {
      assert.ok(keys.includes(name), `${name} in ${keys.join(', ')}`);
      return readNpz(bytes, 'solutions.npz', name).shape;
    };
    const value = (name: string): number => readNpz(bytes, 'solutions.npz', name).data[0];
    // d = 64: the maps, projectors and Grams are d × d, the spectra have d values, V is classes × d
    assert.deepEqual(shape('reconstruction_map'), [64, 64]);
    assert.deepEqual(shape('joint_embedding_gram'), [64, 64]);
    assert.deepEqual(shape('reconstruction_phi'), [64]);
    assert.deepEqual(shape('supervised_V'), [10, 64]);
    // the split and the probe as numpy computes them (test/oracle/digits_views.py)
    assert.equal(value('probe_train'), digitsViews.split.train);
    assert.equal(value('probe_test'), digitsViews.split.test);
    assert.equal(value('probe_joint_embedding'), digitsViews.probeCorrect.jointEmbedding / digitsViews.split.test);
    assert.equal(value('probe_reconstruction'), digitsViews.probeCorrect.reconstruction / digitsViews.split.test);
    assert.equal(value('probe_supervised'), digitsViews.probeCorrect.supervised / digitsViews.split.test);
    // A spectral spec has no solution matrices: a reason, no bytes.
    const spectral = await ask(worker, request('solutions', 30, 'strong-noise.sslexp.yaml'));
    assert.deepEqual(spectral.last.type === 'solutionsFile' ? [spectral.last.bytes, spectral.last.reason] : [], [
      undefined,
      'only a data-mode analysis has solution matrices',
    ]);
  } finally {
    await worker.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('numpy.load reads the panel’s .npz: names, shapes and the probe (skipped without python3 + numpy)', async (t) => {
  if (!hasNumpy()) {
    t.skip('python3 with numpy is not installed');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sslexp-npz-'));
  const worker = new Worker(path.join(ROOT, 'dist', 'worker.js'));
  try {
    const { last } = await ask(worker, request('solutions', 1, 'digits-views.sslexp.yaml'));
    assert.ok(last.type === 'solutionsFile' && last.bytes);
    const file = path.join(dir, 'panel.npz');
    writeFileSync(file, last.bytes);
    const script = [
      'import json, sys, numpy as np',
      'z = np.load(sys.argv[1])',
      'print(json.dumps({k: list(z[k].shape) for k in z.files} | {"acc": float(z["probe_reconstruction"]), "test": int(z["probe_test"])}))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(got.reconstruction_map, [64, 64]);
    assert.deepEqual(got.joint_embedding_omega, [64]);
    assert.deepEqual(got.supervised_V, [10, 64]);
    assert.deepEqual(got.version, []);
    assert.equal(got.acc, 161 / 201);
    assert.equal(got.test, 201);
  } finally {
    await worker.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a streamed read posts its progress: fractions in (0, 1] rising within a pass, the file and the sample count, throttled', async () => {
  const worker = new Worker(path.join(ROOT, 'dist', 'worker.js'));
  try {
    const t0 = performance.now();
    const { last, progress } = await ask(worker, request('analyze', 1, 'digits-views.sslexp.yaml'));
    const elapsed = performance.now() - t0;
    assert.equal(last.type, 'result');
    assert.equal(progress[0].fraction, 0); // the run's start
    const reports = progress.slice(1);
    assert.ok(reports.length >= 1, JSON.stringify(progress));
    for (const p of reports) assert.ok(p.fraction > 0 && p.fraction <= 1, String(p.fraction));
    assert.match(reports[0].message, /^reading .*digits-clean\.npy: \d+ samples$/);
    // Within a pass (the read, then the probe's scoring) the fraction never goes back.
    for (let i = 1; i < reports.length; i++) {
      const pass = (m: string): string => m.replace(/: \d+ samples$/, '');
      if (pass(reports[i].message) === pass(reports[i - 1].message))
        assert.ok(reports[i].fraction >= reports[i - 1].fraction, JSON.stringify(reports.map((p) => [p.fraction, p.message])));
    }
    // Every pass ends with its fraction 1 (always posted): the read, then the probe's scoring.
    assert.ok(reports.some((p) => p.fraction === 1 && /^reading /.test(p.message)));
    assert.ok(reports.some((p) => /^probe: scoring /.test(p.message)));
    // At most PROGRESS_PER_SECOND a second, plus the end of each pass.
    const passes = reports.filter((p) => p.fraction === 1).length;
    assert.ok(reports.length - passes <= Math.ceil((elapsed / 1000) * PROGRESS_PER_SECOND) + passes, `${reports.length} reports in ${elapsed.toFixed(0)} ms`);
  } finally {
    await worker.terminate();
  }
});
