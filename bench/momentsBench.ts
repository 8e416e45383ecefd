/**
 * Data of any size (README "Data mode", "Moments as a file"), printed as ratios; not a test:
 *
 * 1. the moments of an n = 4000 × d = 784 .npy, read in blocks and accumulated
 *    (StatsAccumulator) against read whole and reduced in memory (readMatrix + Gram), the
 *    in-memory path of data mode (target: streamed / in-memory <= 1.1);
 * 2. eight shards' moments files merged (`mergeStats`) against the moments of the whole
 *    (max relative difference; target 1e-12), and the time of `sslexp moments --merge`;
 * 3. with SSLEXP_BENCH_BIG=1 (a few minutes, 1 GB of temporary disk): a 1 GB float32 .npy
 *    (n = 10^6, d = 256) generated in os.tmpdir(), `sslexp analyze` on it as a child process
 *    (wall time and peak RSS from /usr/bin/time -v, else process.resourceUsage in a wrapper)
 *    against numpy reading the same file with np.load(mmap_mode='r') in blocks and forming
 *    the same sums (target <= 1.5x). The file is deleted afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gram, Matrix } from '../src/core/numerics/dense';
import { readMatrix } from '../src/core/io/readArray';
import { npyBytes } from '../src/core/io/npzWrite';
import { openRows } from '../src/core/io/openRows';
import type { ByteSource } from '../src/core/io/stream';
import { Rng } from '../src/core/numerics/rng';
import { analyzeText } from '../src/core/engine/analyze';
import { checkMoments } from '../src/core/theories/alignment/data/momentsCheck';
import { momentsNpz, readMomentsNpz } from '../src/core/theories/alignment/data/momentsFile';
import { mergeStats, StatsAccumulator, type SufficientStats } from '../src/core/theories/alignment/data/sufficient';
import { fileSizeOf, readRangeCapped } from '../src/node/readCapped';
import { median } from './timing';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const BLOCK_VALUES = 1 << 22;

function fileSource(file: string): ByteSource {
  return { size: fileSizeOf(file), read: (p, l) => readRangeCapped(file, p, l, 1 << 30) };
}

/** The moments of a file read in blocks: what the streamed analysis does. */
function streamed(file: string): SufficientStats {
  const rows = openRows(fileSource(file), file);
  const d = rows.width;
  const acc = new StatsAccumulator(d);
  const block = Math.max(1, Math.floor(BLOCK_VALUES / (d + 2)));
  for (let b = rows.next(block); b; b = rows.next(block)) acc.add(b.data, b.rows, b.first);
  return acc.finish();
}

/** The in-memory path: the whole file read and decoded, then the Gram and the column sums. */
function inMemory(file: string): { gx: Matrix; sums: Float64Array } {
  const a = readMatrix(readFileSync(file), file);
  const [n, d] = a.shape;
  const x = new Matrix(n, d, a.data);
  const sums = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sums[j] += a.data[i * d + j];
  return { gx: gram(x, 1 / n), sums };
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den ? num / den : num;
}

const NUMPY_BIG = `
import json, sys, time
import numpy as np
t0 = time.perf_counter()
x = np.load(sys.argv[1], mmap_mode='r')
n, d = x.shape
s = np.zeros(d); g = np.zeros((d, d))
B = 16384
for i in range(0, n, B):
    c = np.asarray(x[i:i + B], dtype=np.float64)
    s += c.sum(0); g += c.T @ c
gx = g / n
k = 16; p = 0.7
# the same closed forms as the masking spec (docs/theory.md §2.3-2.4), negligible next to the pass
sg = p * p * gx; cross = p * gx; S = sg + np.diag(p * (1 - p) * np.diag(gx))
w, v = np.linalg.eigh(S); sh = (v / np.sqrt(w)) @ v.T
om = np.linalg.eigvalsh(sh @ sg @ sh); phi = np.linalg.svd(cross @ sh, compute_uv=False)
ms = (time.perf_counter() - t0) * 1e3
import resource
print(json.dumps({'ms': ms, 'rssKB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'omega0': float(om[-1])}))
`;

/** Runs `args` under /usr/bin/time -v when present: wall ms and peak RSS in KB. */
function measured(cmd: string, args: string[]): { ms: number; rssKB?: number; stdout: string; status: number | null } {
  const time = '/usr/bin/time';
  const useTime = existsSync(time);
  const t0 = performance.now();
  const r = useTime
    ? spawnSync(time, ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { ms, ...(m ? { rssKB: Number(m[1]) } : {}), stdout: r.stdout, status: r.status };
}

function bigBench(out: (s: string) => void): void {
  const n = 1_000_000;
  const d = 256;
  const dir = mkdtempSync(path.join(tmpdir(), 'sslexp-big-'));
  try {
    const file = path.join(dir, 'big.npy');
    out(`  generating ${file} (float32, ${n} × ${d}, ${((n * d * 4) / 2 ** 30).toFixed(2)} GiB) ...`);
    // a float32 header for shape (n, d), padded as numpy does
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
      const rng = new Rng(7);
      const rowsPer = 8192;
      const buf = new Float32Array(rowsPer * d);
      const u = new Float64Array(rowsPer * d);
      for (let i = 0; i < n; i += rowsPer) {
        const r = Math.min(rowsPer, n - i);
        rng.fillUniform(u, -1, 1);
        for (let t = 0; t < r * d; t++) buf[t] = u[t] * (1 + (t % d) / 64) + ((t % d) % 7) * 0.1;
        writeSync(fd, new Uint8Array(buf.buffer, 0, r * d * 4));
      }
    } finally {
      closeSync(fd);
    }
    const bytes = statSync(file).size;
    writeFileSync(path.join(dir, 'big.sslexp.yaml'), 'sslexp: 1\nlatent: 16\ndata: {file: big.npy}\naugmentation: {masking: {keep: 0.7}}\n');
    // warm the page cache for both (each reads the file once more from cache)
    execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 });
    // three alternating rounds (the first run of a process after the file was written is
    // the slowest); medians, and the range of the back-to-back ratios
    type Run = { ms: number; rssKB?: number; stdout: string; status: number | null };
    const runs: { ours: Run; mom: Run; np?: { ms: number; rssKB: number; omega0: number } }[] = [];
    for (let round = 0; round < 3; round++) {
      const o = measured(process.execPath, [CLI, 'analyze', path.join(dir, 'big.sslexp.yaml'), '--json']);
      if (o.status !== 0) throw new Error(`sslexp analyze failed: ${o.stdout.slice(0, 400)}`);
      const m = measured(process.execPath, [CLI, 'moments', file, '-o', path.join(dir, 'big-moments.npz')]);
      let p: { ms: number; rssKB: number; omega0: number } | undefined;
      try {
        p = JSON.parse(execFileSync('python3', ['-c', NUMPY_BIG, file], { encoding: 'utf8', timeout: 1_800_000 }));
      } catch {
        p = undefined;
      }
      runs.push({ ours: o, mom: m, ...(p ? { np: p } : {}) });
    }
    const mid = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];
    const ours = mid(runs, (r) => r.ours.ms).ours;
    const mom = mid(runs, (r) => r.mom.ms).mom;
    const omega0 = (JSON.parse(ours.stdout) as { solutions: { jointEmbedding: { omega: number[] } } }).solutions.jointEmbedding.omega;
    const np = runs.every((r) => r.np) ? mid(runs, (r) => r.np!.ms).np : undefined;
    const ratios = np ? runs.map((r) => r.ours.ms / r.np!.ms) : [];
    const mb = (kb?: number) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
    out(`  file: ${(bytes / 2 ** 30).toFixed(2)} GiB`);
    out(`  sslexp analyze (child process, median of 3):  ${(ours.ms / 1000).toFixed(2)} s, peak RSS ${mb(ours.rssKB)}`);
    out(`  sslexp moments (child process):  ${(mom.ms / 1000).toFixed(2)} s, peak RSS ${mb(mom.rssKB)}`);
    if (np) {
      out(
        `  numpy, np.load(mmap_mode='r') in blocks of 16384 rows, float64 sums and X^T X + the same solve: ${(np.ms / 1000).toFixed(2)} s, peak RSS ${mb(np.rssKB)}`,
      );
      out(
        `  analyze / numpy (medians of 3 alternating rounds): ${(ours.ms / np.ms).toFixed(2)}x (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; target <= 1.5x); moments / numpy: ${(mom.ms / np.ms).toFixed(2)}x; largest ω agrees to ${Math.abs(omega0[0] - np.omega0).toExponential(1)}`,
      );
    } else out('  numpy: n/a (python3 with numpy not found)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What refusing impossible moments (momentsCheck.ts) costs: reading a moments file with views
 * and labels (the check included) against the check alone and against the analysis of the
 * file (`data: {moments}`, views' own augmentation), at d = 256 and 784.
 */
function checkBench(out: (s: string) => void, dir: string): void {
  for (const d of [256, 784]) {
    const n = 2000;
    const V = 2;
    const rng = new Rng(5);
    const x = Float64Array.from({ length: n * d }, (_, i) => rng.normal() * (1 + (i % d) / d) + 0.3);
    const views = Float64Array.from({ length: n * V * d }, (_, i) => x[Math.floor(i / (V * d)) * d + (i % d)] + 0.5 * rng.normal());
    const acc = new StatsAccumulator(d, { views: V, targets: 'labels' });
    acc.add(x, n, 0, { views, labels: Float64Array.from({ length: n }, (_, i) => i % 10) });
    const file = path.join(dir, `views${d}.npz`);
    writeFileSync(file, momentsNpz(acc.finish()));
    const src = () => ({ size: fileSizeOf(file), read: (p: number, l: number) => readRangeCapped(file, p, l, 1 << 30) });
    const spec = `sslexp: 1\nlatent: 16\ndata: {moments: {file: ${path.basename(file)}}}\n`;
    const analyse = () => analyzeText(spec, { fileName: path.join(dir, 'm.sslexp.yaml'), baseDir: dir, readFile: (p) => readFileSync(p) });
    const [tr, tc, ta]: number[][] = [[], [], []];
    for (let r = 0; r < 5; r++) {
      let t0 = performance.now();
      const s = readMomentsNpz(src(), file);
      tr.push(performance.now() - t0);
      t0 = performance.now();
      checkMoments(s, file);
      tc.push(performance.now() - t0);
      t0 = performance.now();
      analyse();
      ta.push(performance.now() - t0);
    }
    const [read, check, analysis] = [median(tr), median(tc), median(ta)];
    out(
      `  moments file with views and labels, d = ${d}: read ${read.toFixed(1)} ms, of which the impossible-moments check ${check.toFixed(1)} ms (${((100 * check) / read).toFixed(0)}%); the analysis of the file ${analysis.toFixed(0)} ms (check ${((100 * check) / analysis).toFixed(0)}% of it)`,
    );
  }
}

export function runMomentsBench(out: (s: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'sslexp-moments-bench-'));
  try {
    out('');
    out('Data of any size: moments read in blocks vs in memory, shards merged (median ms)');
    const rng = new Rng(3);
    const n = 4000;
    const d = 784;
    const x = new Float64Array(n * d);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal() * (1 + (i % d) / d) + 0.5;
    const file = path.join(dir, 'x784.npy');
    writeFileSync(file, npyBytes({ dtype: '<f8', shape: [n, d], data: x }));
    // interleaved runs (the same machine state for both), medians
    const ts: number[] = [];
    const tm: number[] = [];
    streamed(file);
    inMemory(file);
    for (let r = 0; r < 9; r++) {
      let t0 = performance.now();
      streamed(file);
      ts.push(performance.now() - t0);
      t0 = performance.now();
      inMemory(file);
      tm.push(performance.now() - t0);
    }
    const tStream = median(ts);
    const tMem = median(tm);
    const s = streamed(file);
    const m = inMemory(file);
    const err = maxRel(
      s.xtx.map((v) => v / n),
      m.gx.data,
    );
    out(
      `  n = ${n}, d = ${d} (.npy float64): streamed ${tStream.toFixed(1)} ms, in memory ${tMem.toFixed(1)} ms, streamed / in-memory ${(tStream / tMem).toFixed(2)} (target <= 1.1); X^T X agrees to ${err.toExponential(1)}`,
    );
    // eight shards
    const shards = 8;
    const per = 1500;
    const ds = 128;
    const all = new Float64Array(shards * per * ds);
    for (let i = 0; i < all.length; i++) all[i] = rng.normal() + (i % ds) * 0.01;
    const labels = Float64Array.from({ length: shards * per }, (_, i) => (i * 7) % 10);
    const statsOf = (from: number, to: number) => {
      const acc = new StatsAccumulator(ds, { targets: 'labels' });
      acc.add(all.subarray(from * ds, to * ds), to - from, from, { labels: labels.subarray(from, to) });
      return acc.finish();
    };
    const whole = statsOf(0, shards * per);
    const files: string[] = [];
    for (let k = 0; k < shards; k++) {
      const f = path.join(dir, `shard${k}.npz`);
      writeFileSync(f, momentsNpz(statsOf(k * per, (k + 1) * per)));
      files.push(f);
    }
    const t0 = performance.now();
    let merged: SufficientStats | undefined;
    for (const f of files) {
      const sh = readMomentsNpz({ size: fileSizeOf(f), read: (p, l) => readRangeCapped(f, p, l, 1 << 30) }, f);
      merged = merged ? mergeStats(merged, sh) : sh;
    }
    const tMerge = performance.now() - t0;
    const e = Math.max(maxRel(merged!.xtx, whole.xtx), maxRel(merged!.sumX, whole.sumX), maxRel(merged!.targets!.ytx, whole.targets!.ytx));
    let cliMs = NaN;
    if (existsSync(CLI)) {
      const c0 = performance.now();
      const r = spawnSync(process.execPath, [CLI, 'moments', '--merge', ...files, '-o', path.join(dir, 'all.npz')], { encoding: 'utf8' });
      cliMs = r.status === 0 ? performance.now() - c0 : NaN;
    }
    out(
      `  merge of ${shards} shards (n = ${shards * per}, d = ${ds}, 10 classes): max relative difference to the whole ${e.toExponential(1)} (target <= 1e-12); in-process ${tMerge.toFixed(1)} ms, sslexp moments --merge ${Number.isNaN(cliMs) ? 'n/a' : `${cliMs.toFixed(0)} ms`}`,
    );
    checkBench(out, dir);
    if (process.env.SSLEXP_BENCH_BIG === '1') {
      out('  1 GB float32 .npy (n = 10^6, d = 256) through sslexp analyze vs numpy:');
      bigBench(out);
    } else out('  (set SSLEXP_BENCH_BIG=1 for the 1 GB float32 .npy through `sslexp analyze` vs numpy: a few minutes, 1 GB of temporary disk)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
