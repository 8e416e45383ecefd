/**
 * The Gram XᵀX against the machine's peak and against numpy (docs/architecture.md §5),
 * printed as GFLOP/s and ratios; not a test:
 *
 * 1. the peak of each path: bench/peak.wat, twelve independent f64x2 chains in registers,
 *    as relaxed-SIMD fused multiply-adds and as a multiply then an add, on one thread and on
 *    two at once (this thread and a worker);
 * 2. the product's micro-kernel alone (`panels` on a 32 x 32-panel product of kc = 256 rows,
 *    which stays in L2), per backend, one thread;
 * 3. one block of a d = 2048 Gram (2048 rows, packed), per backend, on one thread and
 *    shared with the helper thread;
 * 4. the whole `sslexp moments` process on a 20,000 x 2,048 float32 .npy against a python3
 *    process accumulating XᵀX in float64 with numpy over np.load(mmap_mode='r') in blocks
 *    (numpy's X.T @ X is a BLAS SYRK), in alternating rounds: medians, the range of the
 *    back-to-back ratios, and the load average around them (the machine may be shared).
 *
 * Flops count what a symmetric product needs, n d (d + 1) (d (d + 1) / 2 multiply-adds per
 * row), for ours and numpy's alike; the kernel rows count the multiply-adds run.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Rng } from '../src/core/numerics/rng';
import { kernelHelperReady, kernels, setKernelBackend, setKernelHelperEnabled, type KernelBackendName } from '../src/core/numerics/dense/kernels';
import { enableRelaxedSimd, kernelThreadsReady, startKernelThreads } from '../src/node/kernelThreads';
import peakPlain from './peak.wat';
import peakRelaxed from './peak.wat?relaxed';
import { median } from './timing';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const N = 20_000;
const D = 2048;

type PeakLoop = (n: number, x: number) => number;

/** GFLOP/s of `loop` (12 chains x 2 lanes x 2 flops per iteration), best of 5 after a warm-up that lets V8 tier it up. */
function peakRate(loop: PeakLoop): number {
  for (let i = 0; i < 200; i++) loop(1000, 1);
  let best = Infinity;
  for (let t = 0; t < 5; t++) {
    const t0 = performance.now();
    loop(2_000_000, 1);
    best = Math.min(best, performance.now() - t0);
  }
  return (2_000_000 * 48) / best / 1e6;
}

const PEAK_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const loop = new WebAssembly.Instance(workerData.module).exports[workerData.name];
for (let i = 0; i < 200; i++) loop(1000, 1);
const go = new Int32Array(workerData.go);
parentPort.postMessage('ready');
Atomics.wait(go, 0, 0);
let best = Infinity;
for (let t = 0; t < 5; t++) { const t0 = performance.now(); loop(2000000, 1); best = Math.min(best, performance.now() - t0); }
parentPort.postMessage(2000000 * 48 / best / 1e6);
`;

/** The same loop on this thread and a worker at once: the two rates. */
async function peakRate2(module: WebAssembly.Module, name: string): Promise<[number, number]> {
  const go = new SharedArrayBuffer(4);
  const w = new Worker(PEAK_WORKER, { eval: true, workerData: { module, name, go } });
  try {
    const messages: unknown[] = [];
    let wake: () => void = () => undefined;
    w.on('message', (m) => {
      messages.push(m);
      wake();
    });
    const next = async (): Promise<unknown> => {
      while (messages.length === 0) await new Promise<void>((r) => (wake = r));
      return messages.shift();
    };
    await next();
    const loop = new WebAssembly.Instance(module).exports[name] as PeakLoop;
    for (let i = 0; i < 200; i++) loop(1000, 1);
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const mine = peakRate(loop);
    return [mine, (await next()) as number];
  } finally {
    await w.terminate();
  }
}

/** Multiply-adds of an upper-triangular `panels` call over np x np panels of kc rows, chunks chunks. */
function upperMacs(np: number, kc: number, chunks: number): number {
  return ((np * (np + 1)) / 2) * 16 * kc * chunks;
}

/** GFLOP/s of `panels` over packed random panels (np x np, upper, kc rows, `chunks` chunks), best of `reps`. */
function kernelRate(np: number, kc: number, chunks: number, reps: number): number {
  const ker = kernels();
  const pack = 4 * kc * np * chunks;
  const cSize = 16 * np * np;
  ker.reserve(cSize + pack);
  const H = ker.heap();
  const rng = new Rng(5);
  const u = new Float64Array(pack);
  rng.fillUniform(u, -1, 1);
  H.set(u, cSize);
  H.fill(0, 0, cSize);
  ker.panels(cSize, cSize, kc, chunks, np, np, 0, true, 0, np);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    ker.panels(cSize, cSize, kc, chunks, np, np, 0, true, 0, np);
    best = Math.min(best, performance.now() - t0);
  }
  return (2 * upperMacs(np, kc, chunks)) / best / 1e6;
}

const NUMPY_MOMENTS = `
import sys
import numpy as np
x = np.load(sys.argv[1], mmap_mode='r')
n, d = x.shape
s = np.zeros(d); g = np.zeros((d, d))
B = 4096
for i in range(0, n, B):
    c = np.asarray(x[i:i + B], dtype=np.float64)
    s += c.sum(0); g += c.T @ c
np.savez(sys.argv[2], n=n, sum_x=s, xtx=g)
`;

/** A float32 .npy of n x d values (uniform, columns of different scales) in `dir`. */
function writeFloat32Npy(file: string, n: number, d: number): void {
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`;
  h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
  const fd = openSync(file, 'w');
  try {
    const pre = Buffer.alloc(10);
    pre.write('\x93NUMPY', 0, 'latin1');
    pre[6] = 1;
    pre.writeUInt16LE(h.length, 8);
    writeSync(fd, pre);
    writeSync(fd, Buffer.from(h, 'latin1'));
    const rng = new Rng(9);
    const rows = 1024;
    const u = new Float64Array(rows * d);
    const f = new Float32Array(rows * d);
    for (let i = 0; i < n; i += rows) {
      const r = Math.min(rows, n - i);
      rng.fillUniform(u, -1, 1);
      for (let t = 0; t < r * d; t++) f[t] = u[t] * (1 + (t % d) / 256) + 0.25;
      writeSync(fd, new Uint8Array(f.buffer, 0, r * d * 4));
    }
  } finally {
    closeSync(fd);
  }
}

const loadavg = (): string => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
};

function wallMs(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(0, 400)}`);
  return ms;
}

/** Rounds of `sslexp moments` and the numpy script, alternating; medians and ratios. */
function wholeProcess(out: (s: string) => void, rounds: number): void {
  if (!existsSync(CLI)) return out('  whole process: dist/cli.js not built');
  const dir = mkdtempSync(path.join(tmpdir(), 'sslexp-gram-'));
  try {
    const file = path.join(dir, 'x.npy');
    writeFloat32Npy(file, N, D);
    const flops = N * D * (D + 1);
    const ours: number[] = [];
    const np: number[] = [];
    const before = loadavg();
    const runNumpy = () => wallMs('python3', ['-c', NUMPY_MOMENTS, file, path.join(dir, 'np.npz')]);
    let haveNumpy = true;
    try {
      runNumpy(); // warm the page cache and the interpreter's files
    } catch {
      haveNumpy = false;
    }
    wallMs(process.execPath, [CLI, 'moments', file, '-o', path.join(dir, 'ours.npz')]);
    for (let r = 0; r < rounds; r++) {
      ours.push(wallMs(process.execPath, [CLI, 'moments', file, '-o', path.join(dir, 'ours.npz')]));
      if (haveNumpy) np.push(runNumpy());
    }
    const gf = (ms: number) => (flops / ms / 1e6).toFixed(1);
    const o = median(ours);
    out(
      `  whole \`sslexp moments\`, ${N} x ${D} float32 .npy: ${(o / 1000).toFixed(2)} s (${gf(o)} GFLOP/s; rounds ${ours.map((t) => (t / 1000).toFixed(2)).join(', ')})`,
    );
    if (haveNumpy) {
      const p = median(np);
      const ratios = ours.map((t, i) => t / np[i]);
      out(
        `  python3 + numpy (float64 SYRK in blocks of 4096 rows): ${(p / 1000).toFixed(2)} s (${gf(p)} GFLOP/s; rounds ${np.map((t) => (t / 1000).toFixed(2)).join(', ')})`,
      );
      out(
        `  ours / numpy: ${(o / p).toFixed(2)} (medians of ${rounds} alternating rounds; pairs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; target <= 1.5); load average ${before} before, ${loadavg()} after`,
      );
    } else out('  python3 + numpy: n/a');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runGramBench(out: (s: string) => void): Promise<void> {
  const relaxed = WebAssembly.validate(peakRelaxed);
  out('');
  out(`The Gram X^T X: GFLOP/s against the measured peak (load average ${loadavg()})`);
  const plainModule = new WebAssembly.Module(peakPlain);
  const relaxedModule = relaxed ? new WebAssembly.Module(peakRelaxed) : undefined;
  const paths: { label: string; backend: KernelBackendName; module?: WebAssembly.Module; loop: string }[] = [
    { label: 'relaxed-SIMD FMA', backend: 'wasm-fma', ...(relaxedModule ? { module: relaxedModule } : {}), loop: 'fma' },
    { label: 'SIMD mul + add', backend: 'wasm-simd', module: plainModule, loop: 'muladd' },
  ];
  out(
    `  ${'path'.padEnd(18)} ${'peak 1 thread'.padStart(14)} ${'peak 2 threads'.padStart(16)} ${'kernel in L2'.padStart(13)} ${'block 1 thr'.padStart(12)} ${'block 2 thr'.padStart(12)}`,
  );
  for (const p of paths) {
    if (!p.module || setKernelBackend(p.backend) !== p.backend) {
      out(`  ${p.label.padEnd(18)} n/a (not in this runtime)`);
      continue;
    }
    const one = peakRate(new WebAssembly.Instance(p.module).exports[p.loop] as PeakLoop);
    const [a, b] = await peakRate2(p.module, p.loop);
    const inCache = kernelRate(32, 256, 1, 50);
    setKernelHelperEnabled(false);
    const block1 = kernelRate(D / 4, 256, 8, 3);
    setKernelHelperEnabled(true);
    const block2 = kernelHelperReady() ? kernelRate(D / 4, 256, 8, 3) : NaN;
    const pct = (x: number, of: number) => `${x.toFixed(1)} (${Math.round((100 * x) / of)}%)`;
    out(
      `  ${p.label.padEnd(18)} ${one.toFixed(1).padStart(14)} ${`${a.toFixed(1)} + ${b.toFixed(1)}`.padStart(16)} ${pct(inCache, one).padStart(13)} ${pct(block1, one).padStart(12)} ${(Number.isNaN(block2) ? 'n/a' : pct(block2, a + b)).padStart(12)}`,
    );
  }
  setKernelBackend('wasm-fma');
  out('  (GFLOP/s; kernel: 32 x 32 panels of 256 rows; block: 2048 rows at d = 2048; % of the peak of as many threads)');
  const rounds = Number(process.env.SSLEXP_BENCH_ROUNDS ?? 3);
  if (rounds > 0) wholeProcess(out, rounds);
}

// Runs by itself when built as its own entry point (not when bundled into bench/bench.ts).
if (require.main === module && path.basename(process.argv[1] ?? '') !== 'bench.js') {
  enableRelaxedSimd();
  startKernelThreads();
  void kernelThreadsReady().then(() => runGramBench((s) => process.stdout.write(s + '\n')));
}
