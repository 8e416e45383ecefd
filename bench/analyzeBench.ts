/**
 * The whole `sslexp analyze` of a data-mode masking spec (the target of docs/architecture.md §5): an .npy of
 * n = 4000 samples x d features, `augmentation: {masking: {keep: 0.7}}`, `latent: 16`, run
 * in-process through the engine (file read, .npy parse, moments, JE, RC, the JSON-ready
 * solution arrays) against numpy doing the same (np.load + the same closed forms with
 * LAPACK). Printed as ratios; not a test. The last column is the same analysis on the
 * scalar JS kernels on one thread, what the WebAssembly SIMD kernels and the helper
 * thread are measured against. Then the whole process at d = 784 (docs/architecture.md §5).
 */
import { asAlignment } from '../test/support/engine';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../src/core/engine/analyze';
import { Rng } from '../src/core/numerics/rng';
import { npy } from '../test/unit/support/npy';
import { median, timeIt } from './timing';
import { setKernelBackend, setKernelHelperEnabled } from '../src/core/numerics/dense/kernels';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const N = 4000;
const K = 16;
const DIMS = [64, 256, 784];
/** The targets of docs/architecture.md §5 for ours / numpy. */
const TARGET: Record<number, number> = { 256: 1.5, 784: 2 };

const NUMPY = `
import json, sys, time
import numpy as np
def inv_sqrt(s):
    w, v = np.linalg.eigh(s)
    return (v / np.sqrt(w)) @ v.T
def analyze(f, p, k):
    x = np.load(f)
    n = x.shape[0]
    gx = x.T @ x / n
    g = p * p * gx; cross = p * gx
    s = g + np.diag(p * (1 - p) * np.diag(gx))
    sh = inv_sqrt(s)
    om, q = np.linalg.eigh(sh @ g @ sh); q = q[:, ::-1]
    w = q[:, :k].T @ sh; gram = w.T @ w
    r, phi, pt = np.linalg.svd(cross @ sh)
    e = pt[:k] @ sh; m = (r[:, :k] * phi[:k]) @ e
    qq, _ = np.linalg.qr(e.T); proj = qq @ qq.T
    return gram, m, proj
if len(sys.argv) > 2:
    analyze(sys.argv[1], 0.7, ${K})
    sys.exit(0)
out = {}
for f, reps in json.loads(sys.argv[1]):
    analyze(f, 0.7, ${K})
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); analyze(f, 0.7, ${K}); ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort(); out[f] = ts[len(ts) // 2]
print(json.dumps(out))
`;

export function runAnalyzeBench(out: (s: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'sslexp-bench-'));
  try {
    const rng = new Rng(42);
    const files: [string, number][] = [];
    const ours: number[] = [];
    const scalar: number[] = [];
    for (const d of DIMS) {
      const x = new Float64Array(N * d);
      for (let i = 0; i < x.length; i++) x[i] = rng.normal() * (1 + (i % d) / d);
      const file = path.join(dir, `x${d}.npy`);
      writeFileSync(file, npy(Array.from(x), { shape: [N, d] }));
      const text = `sslexp: 1\nlatent: ${K}\ndata: {file: x${d}.npy}\naugmentation: {masking: {keep: 0.7}}\n`;
      const reps = d <= 64 ? 7 : d <= 256 ? 5 : 3;
      files.push([file, reps]);
      const run = () => {
        const r = asAlignment(analyzeText(text, { fileName: path.join(dir, `s${d}.sslexp.yaml`), baseDir: dir, readFile: (p) => readFileSync(p) }));
        if (!r.solutions) throw new Error(`analyze failed: ${JSON.stringify(r.problems)}`);
      };
      ours.push(timeIt(run, reps));
      setKernelBackend('js');
      setKernelHelperEnabled(false);
      try {
        scalar.push(timeIt(run, d <= 256 ? reps : 1));
      } finally {
        setKernelBackend('wasm-simd');
        setKernelHelperEnabled(true);
      }
    }
    let np: Record<string, number> | undefined;
    try {
      np = JSON.parse(execFileSync('python3', ['-c', NUMPY, JSON.stringify(files)], { encoding: 'utf8', timeout: 600_000 }));
    } catch {
      np = undefined;
    }
    out('');
    out(`Whole analyze of a data-mode masking spec (.npy, n = ${N}, latent ${K}; median ms, in-process)`);
    out(
      `${'d'.padStart(4)} ${'ours'.padStart(10)} ${'numpy'.padStart(10)} ${'ours/np'.padStart(8)} ${'target'.padStart(7)} ${'scalar JS'.padStart(10)} ${'ours/JS'.padStart(8)}`,
    );
    DIMS.forEach((d, i) => {
      const n = np?.[files[i][0]];
      const target = TARGET[d] === undefined ? '-' : `${TARGET[d]}x`;
      out(
        `${String(d).padStart(4)} ${ours[i].toFixed(1).padStart(10)} ${(n === undefined ? 'n/a' : n.toFixed(1)).padStart(10)} ${(n === undefined ? 'n/a' : (ours[i] / n).toFixed(2)).padStart(8)} ${target.padStart(7)} ${scalar[i].toFixed(1).padStart(10)} ${(ours[i] / scalar[i]).toFixed(3).padStart(8)}`,
      );
    });
    wholeProcess(dir, files[files.length - 1][0], DIMS[DIMS.length - 1], out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The target of docs/architecture.md §5: the whole process, `sslexp analyze` (text output) of the d = 784 spec
 * as a user runs it (start-up, module load, file read, solves, text) against a python3
 * process doing the same with numpy (interpreter start-up and `import numpy` included).
 * Runs alternate, so both see the same machine state; medians and the median of the ratios
 * of back-to-back pairs.
 */
function wholeProcess(dir: string, file: string, d: number, out: (s: string) => void): void {
  if (!existsSync(CLI)) return;
  const spec = path.join(dir, `s${d}.sslexp.yaml`);
  writeFileSync(spec, `sslexp: 1\nlatent: ${K}\ndata: {file: ${path.basename(file)}}\naugmentation: {masking: {keep: 0.7}}\n`);
  const wall = (cmd: string, args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) return NaN;
    return performance.now() - t0;
  };
  const ours: number[] = [];
  const np: number[] = [];
  const ratios: number[] = [];
  wall(process.execPath, [CLI, 'analyze', spec]);
  wall('python3', ['-c', NUMPY, file, 'once']);
  for (let r = 0; r < 9; r++) {
    const a = wall(process.execPath, [CLI, 'analyze', spec]);
    const b = wall('python3', ['-c', NUMPY, file, 'once']);
    ours.push(a);
    np.push(b);
    ratios.push(a / b);
  }
  out(
    `  whole process, d = ${d}: sslexp analyze (text) ${median(ours).toFixed(0)} ms (${Math.min(...ours).toFixed(0)}–${Math.max(...ours).toFixed(0)}), ` +
      (np.some(Number.isNaN)
        ? 'python3 + numpy n/a'
        : `python3 + numpy ${median(np).toFixed(0)} ms (${Math.min(...np).toFixed(0)}–${Math.max(...np).toFixed(0)}); ours / numpy ${median(ratios).toFixed(2)} (pairs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; target 1.0)`),
  );
}
