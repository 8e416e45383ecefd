/**
 * The solver worker's life as the extension host sees it (src/host/solver/workerProcess.ts),
 * on fake threads: lazy start with the heap limit, restart when the limit changes, the hard
 * cancel after the grace period, the crash report (log, one warning per session, the culprit
 * run) and the crash budget (more than MAX_CRASHES within CRASH_WINDOW_MS is a crash loop).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToWorkerMessage, WorkerToHostMessage } from '../../src/shared/workerProtocol';
import { english } from '../../src/core/engine/index';
import type { WorkerCrash } from '../../src/host/solver/runs';
import {
  CRASH_WINDOW_MS,
  CrashBudget,
  HARD_CANCEL_GRACE_MS,
  MAX_CRASHES,
  WorkerProcess,
  type SolverThread,
  type SpawnOptions,
} from '../../src/host/solver/workerProcess';

type Listener = (value: never) => void;

class FakeThread implements SolverThread {
  static nextId = 1;
  readonly threadId = FakeThread.nextId++;
  readonly posted: HostToWorkerMessage[] = [];
  terminated = false;
  readonly output: Record<'stdout' | 'stderr', ((text: string) => void) | undefined> = { stdout: undefined, stderr: undefined };
  private readonly listeners = new Map<string, Listener[]>();
  readonly stdout = { setEncoding: () => ({ on: (_event: 'data', l: (text: string) => void) => (this.output.stdout = l) }) };
  readonly stderr = { setEncoding: () => ({ on: (_event: 'data', l: (text: string) => void) => (this.output.stderr = l) }) };

  postMessage(message: HostToWorkerMessage): void {
    this.posted.push(message);
  }
  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: 'message' | 'error' | 'exit', value: unknown): void {
    for (const l of this.listeners.get(event) ?? []) (l as (v: unknown) => void)(value);
  }
}

/** A WorkerProcess on fake threads, recording what it does. */
class Harness {
  readonly threads: FakeThread[] = [];
  readonly spawned: { script: string; options: SpawnOptions }[] = [];
  readonly messages: WorkerToHostMessage[] = [];
  readonly crashes: WorkerCrash[] = [];
  restarts = 0;
  readonly warnings: { message: string; actions: string[] }[] = [];
  readonly logs: string[] = [];
  /** log.show(preserveFocus) calls. */
  readonly shown: boolean[] = [];
  memoryMB = 512;
  readonly wp: WorkerProcess;

  /** `answer`: the button the user picks in the warning. */
  constructor(answer?: string) {
    const line = (level: string) => (text: string) => this.logs.push(`${level} ${text}`);
    this.wp = new WorkerProcess({
      script: '/ext/dist/worker.js',
      memoryMB: () => this.memoryMB,
      onMessage: (m) => this.messages.push(m),
      onCrash: (c) => this.crashes.push(c),
      onRestart: () => this.restarts++,
      runName: (runId) => (runId === 7 ? 'hostile.sslexp.yaml' : undefined),
      warn: (message, ...actions) => {
        this.warnings.push({ message, actions });
        return Promise.resolve(answer);
      },
      log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), show: (keep?: boolean) => this.shown.push(!!keep) } as never,
      t: english,
      spawn: (script, options) => {
        const thread = new FakeThread();
        this.threads.push(thread);
        this.spawned.push({ script, options });
        return thread;
      },
    });
  }
}

const analyze = (runId: number): HostToWorkerMessage => ({
  type: 'analyze',
  runId,
  uri: 'file:///w/a.sslexp.yaml',
  version: 1,
  text: '',
  fileName: 'a.sslexp.yaml',
  trusted: true,
});
const progress = (runId: number, fraction: number): WorkerToHostMessage => ({ type: 'progress', runId, fraction, message: '' });
const result = (runId: number): WorkerToHostMessage => ({
  type: 'result',
  runId,
  uri: 'file:///w/a.sslexp.yaml',
  version: 1,
  elapsedMs: 1,
  result: { theory: 'alignment', problems: [] },
});

test('crash budget: more than MAX_CRASHES within CRASH_WINDOW_MS is a loop; older crashes leave the window', () => {
  assert.deepEqual([MAX_CRASHES, CRASH_WINDOW_MS], [3, 60_000]);
  const budget = new CrashBudget();
  assert.deepEqual(
    [0, 10, 20, 60_000].map((t) => budget.record(t)),
    [false, false, false, true],
    'the 4th crash 60 s after the 1st is still within the window (it ends strictly after 60 s)',
  );
  // at 60 001 ms the crash at 0 has left the window: 10, 20, 60 000, 60 001 remain (4 > 3)
  assert.equal(budget.record(60_001), true);
  // at 120 011 ms only the crashes at 60 011 ms or later count: 60 000 and 60 001 have left
  assert.equal(budget.record(120_011), false);
  const small = new CrashBudget(1, 100);
  assert.deepEqual(
    [0, 50, 151, 200, 400].map((t) => small.record(t)),
    [false, true, false, true, false],
  );
});

test('the worker starts lazily, once, with the heap limit of the setting; its output goes to the log', () => {
  const h = new Harness();
  assert.equal(h.wp.started, false);
  assert.equal(h.threads.length, 0);
  h.wp.post(analyze(1));
  h.wp.post(analyze(2));
  assert.equal(h.wp.started, true);
  assert.deepEqual(h.spawned, [
    { script: '/ext/dist/worker.js', options: { name: 'ssl-paradigm-solver', stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: 512 } } },
  ]);
  assert.deepEqual(
    h.threads[0].posted.map((m) => m.runId),
    [1, 2],
  );
  h.threads[0].output.stdout!('stray line\n');
  h.threads[0].output.stderr!('a warning\n');
  assert.deepEqual(h.logs, [
    `info solver worker started (thread ${h.threads[0].threadId}, heap limit 512 MB)`,
    'info [worker] stray line',
    'warn [worker] a warning',
  ]);
});

test('a new heap limit restarts a running worker (the queued runs go to the new one); the same limit or no worker does not', () => {
  const h = new Harness();
  h.memoryMB = 1024;
  h.wp.memorySettingChanged();
  assert.equal(h.threads.length, 0, 'no worker is started by the setting');
  h.wp.post(analyze(1));
  h.wp.memorySettingChanged();
  assert.equal(h.restarts, 0, 'same limit: no restart');
  h.memoryMB = 2048;
  h.wp.memorySettingChanged();
  assert.equal(h.threads[0].terminated, true);
  assert.equal(h.restarts, 1);
  assert.equal(h.wp.started, false);
  assert.ok(h.logs.includes('info sslParadigm.worker.maxMemoryMB changed to 2048 MB: restarting the solver worker'), h.logs.join('\n'));
  h.threads[0].emit('exit', 1); // the retired worker's exit is not a crash
  assert.deepEqual(h.crashes, []);
  h.wp.post(analyze(2));
  assert.equal(h.spawned[1].options.resourceLimits.maxOldGenerationSizeMb, 2048);
});

test('messages: checked against the protocol and taken only from the current worker', () => {
  const h = new Harness();
  h.wp.post(analyze(1));
  const w = h.threads[0];
  w.emit('message', { type: 'result', runId: 'x' });
  assert.equal(h.messages.length, 0);
  assert.ok(h.logs.includes('error solver worker sent a malformed message; ignored'));
  w.emit('message', progress(1, 0));
  w.emit('message', result(1));
  assert.deepEqual(
    h.messages.map((m) => m.type),
    ['progress', 'result'],
  );
  h.memoryMB = 700;
  h.wp.memorySettingChanged();
  w.emit('message', result(2)); // a retired worker's late answer
  assert.equal(h.messages.length, 2);
});

test('a cancelled run the worker is executing restarts the worker after the grace period, unless it stops in time', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const h = new Harness();
  h.wp.post(analyze(5));
  const w = h.threads[0];
  w.emit('message', progress(5, 0)); // run 5 is executing
  h.wp.cancel(5, 'superseded');
  assert.deepEqual(w.posted.at(-1), { type: 'cancel', runId: 5 });
  t.mock.timers.tick(HARD_CANCEL_GRACE_MS - 1);
  assert.equal(w.terminated, false);
  t.mock.timers.tick(1);
  assert.equal(w.terminated, true);
  assert.equal(h.restarts, 1);
  assert.ok(h.logs.includes(`info run 5 (superseded) is still executing after ${HARD_CANCEL_GRACE_MS} ms: restarting the solver worker`), h.logs.join('\n'));

  // a run that answers within the grace period: no restart
  h.wp.post(analyze(6));
  const w2 = h.threads[1];
  w2.emit('message', progress(6, 0));
  h.wp.cancel(6, 'cancelled');
  w2.emit('message', { type: 'cancelled', runId: 6, reason: 'cancelled' });
  t.mock.timers.tick(HARD_CANCEL_GRACE_MS * 2);
  assert.equal(w2.terminated, false);
  // a queued run (not executing): only the message
  h.wp.cancel(9, 'cancelled');
  t.mock.timers.tick(HARD_CANCEL_GRACE_MS * 2);
  assert.deepEqual(w2.posted.at(-1), { type: 'cancel', runId: 9 });
  assert.equal(w2.terminated, false);
  assert.equal(h.restarts, 1);
});

test('a crash: logged with the culprit run, one warning per session, the worker forgotten; then a crash loop', async () => {
  const h = new Harness('Show Log');
  h.wp.post(analyze(7));
  h.threads[0].emit('message', progress(7, 0));
  h.threads[0].emit('exit', 1);
  assert.equal(h.wp.started, false);
  assert.deepEqual(h.crashes, [{ culprit: 7, reason: 'it exited with code 1', crashLoop: false }]);
  assert.ok(h.logs.includes('error solver worker stopped: it exited with code 1 while executing run 7 (hostile.sslexp.yaml)'), h.logs.join('\n'));
  assert.deepEqual(h.warnings, [
    {
      message:
        'SSL Paradigm Advisor: the analysis of hostile.sslexp.yaml stopped the solver worker (exit code 1); it was restarted and other specs are analysed as usual. Details are in the log.',
      actions: ['Show Log'],
    },
  ]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(h.shown, [true], 'Show Log shows the log, keeping the focus');

  // out of memory (reported as an 'error' event, then the exit), no run executing; no second warning
  h.wp.post(analyze(8));
  h.threads[1].emit(
    'error',
    Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }),
  );
  h.threads[1].emit('exit', 1);
  assert.deepEqual(h.crashes[1], {
    culprit: undefined,
    reason: "it ran out of memory (the worker's limit is 512 MB, setting sslParadigm.worker.maxMemoryMB)",
    crashLoop: false,
  });
  assert.equal(h.warnings.length, 1, 'one warning per session');

  h.wp.post(analyze(9));
  h.threads[2].emit('error', new Error('boom'));
  h.threads[2].emit('exit', 2);
  assert.deepEqual(h.crashes[2], { culprit: undefined, reason: 'it exited with code 2: boom', crashLoop: false });
  h.wp.post(analyze(10));
  h.threads[3].emit('exit', 3);
  assert.equal(h.crashes[3].crashLoop, true, 'the 4th crash within a minute');
  assert.equal(h.restarts, 0, 'a crash is not a restart on purpose');
});

test('the first crash without a culprit warns without a file name; a disposed worker neither crashes nor restarts', (t) => {
  const h = new Harness();
  h.wp.post(analyze(1));
  h.threads[0].emit('exit', 134);
  assert.equal(
    h.warnings[0].message,
    'SSL Paradigm Advisor: the solver worker stopped unexpectedly (exit code 134); it was restarted and other specs are analysed as usual. Details are in the log.',
  );
  h.wp.post(analyze(2));
  h.threads[1].emit('message', progress(2, 0));
  t.mock.timers.enable({ apis: ['setTimeout'] });
  h.wp.cancel(2, 'cancelled');
  h.wp.dispose();
  assert.equal(h.threads[1].terminated, true);
  h.threads[1].emit('exit', 1);
  t.mock.timers.tick(HARD_CANCEL_GRACE_MS);
  assert.equal(h.crashes.length, 1);
  assert.equal(h.restarts, 0);
  h.memoryMB = 4096;
  h.wp.memorySettingChanged();
  assert.equal(h.threads.length, 2);
});
