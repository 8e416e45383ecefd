/**
 * Dense linear algebra and closed-form solver timings (docs/theory.md §2): ours vs ml-matrix
 * vs numpy/LAPACK (bench/numpy_bench.py, when python3 + numpy are available).
 * n = 4000 samples, d in {64, 256, 784}, latent k = 16, masking p = 0.7, fixed seed.
 * Medians of repeated runs (one warm-up). Never a pass/fail test.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { EigenvalueDecomposition, Matrix as MlMatrix, SingularValueDecomposition, QrDecomposition } from 'ml-matrix';
import { Rng } from '../src/core/numerics/rng';
import { Matrix, gram, symmetricEigen, svd } from '../src/core/numerics/dense';
import { augmentationMoments, solveJointEmbedding, solveReconstruction, type Moments } from '../src/core/theories/alignment/solvers';
import { timeIt } from './timing';

const N = 4000;
const K = 16;
const KEEP = 0.7;
const DIMS = [64, 256, 784];
const OPS = ['gram', 'eig', 'svd', 'je', 'rc', 'whole'] as const;
type Op = (typeof OPS)[number];
const LABEL: Record<Op, string> = {
  gram: 'Gram X^T X',
  eig: 'sym eig (full)',
  svd: 'SVD (d x d)',
  je: 'JE solve',
  rc: 'RC solve',
  whole: 'masking solve',
};

function randomMatrix(rng: Rng, r: number, c: number): Matrix {
  const m = new Matrix(r, c);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

function toMl(m: Matrix): MlMatrix {
  return new MlMatrix(m.toArray());
}

// ---- the same formulas with ml-matrix (docs/theory.md §2.3, §2.4 as written in the paper) ----
function mlInvSqrt(s: MlMatrix): MlMatrix {
  const e = new EigenvalueDecomposition(s, { assumeSymmetric: true });
  const v = e.eigenvectorMatrix;
  const w = e.realEigenvalues;
  const vs = v.clone();
  for (let i = 0; i < vs.rows; i++) for (let j = 0; j < vs.columns; j++) vs.set(i, j, v.get(i, j) / Math.sqrt(w[j]));
  return vs.mmul(v.transpose());
}

function topColumns(vectors: MlMatrix, values: number[], k: number): MlMatrix {
  const order = values
    .map((v, i) => [v, i])
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map((x) => x[1]);
  const out = new MlMatrix(vectors.rows, k);
  order.forEach((src, j) => {
    for (let i = 0; i < vectors.rows; i++) out.set(i, j, vectors.get(i, src));
  });
  return out;
}

function mlJE(g: MlMatrix, s: MlMatrix, k: number): unknown {
  const sh = mlInvSqrt(s);
  const e = new EigenvalueDecomposition(sh.mmul(g).mmul(sh), { assumeSymmetric: true });
  const q = topColumns(e.eigenvectorMatrix, e.realEigenvalues, k);
  const w = q.transpose().mmul(sh);
  return w.transpose().mmul(w);
}

function mlRC(cross: MlMatrix, s: MlMatrix, k: number): unknown {
  const ch = mlInvSqrt(s);
  const a = cross.mmul(ch);
  const r = new SingularValueDecomposition(a);
  const pk = r.rightSingularVectors.subMatrix(0, a.rows - 1, 0, k - 1);
  const rk = r.leftSingularVectors.subMatrix(0, a.rows - 1, 0, k - 1);
  const e = pk.transpose().mmul(ch);
  const dec = rk.clone();
  for (let i = 0; i < dec.rows; i++) for (let j = 0; j < k; j++) dec.set(i, j, dec.get(i, j) * r.diagonal[j]);
  const map = dec.mmul(e);
  const q = new QrDecomposition(e.transpose()).orthogonalMatrix.subMatrix(0, a.rows - 1, 0, k - 1);
  return [map, q.mmul(q.transpose())];
}

function mlMoments(x: MlMatrix): { g: MlMatrix; s: MlMatrix; cross: MlMatrix } {
  const n = x.rows;
  const gx = x.transpose().mmul(x).div(n);
  const g = gx.clone().mul(KEEP * KEEP);
  const cross = gx.clone().mul(KEEP);
  const s = g.clone();
  for (let j = 0; j < s.rows; j++) s.set(j, j, s.get(j, j) + KEEP * (1 - KEEP) * gx.get(j, j));
  return { g, s, cross };
}

function ourWhole(x: Matrix): void {
  const m = augmentationMoments(x, { kind: 'masking', keep: KEEP });
  solveJointEmbedding(m, K);
  solveReconstruction(m, K);
}

function numpyTimes(reps: Record<string, number>): Record<string, Record<Op, number>> | undefined {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const candidates = [
    path.join(__dirname, 'numpy_bench.py'),
    path.join(__dirname, '..', 'bench', 'numpy_bench.py'),
    path.join(process.cwd(), 'bench', 'numpy_bench.py'),
  ];
  const script = candidates.find((p) => existsSync(p));
  if (!script) return undefined;
  const out = execFileSync('python3', [script, String(N), String(K), DIMS.join(','), JSON.stringify(reps)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Record<string, Record<Op, number>>;
}

export interface LinalgRow {
  d: number;
  op: Op;
  ours: number;
  ml: number;
  numpy?: number;
}

export function runLinalgBench(out: (s: string) => void): LinalgRow[] {
  const rows: LinalgRow[] = [];
  const reps: Record<string, number> = {};
  for (const d of DIMS) reps[String(d)] = d <= 64 ? 9 : d <= 256 ? 5 : 3;
  const np = numpyTimes(reps);
  for (const d of DIMS) {
    const rng = new Rng(20240607 + d);
    const x = randomMatrix(rng, N, d);
    const a = randomMatrix(rng, d, d);
    const m: Moments = augmentationMoments(x, { kind: 'masking', keep: KEEP });
    const r = reps[String(d)];
    const mlR = d >= 784 ? 1 : d >= 256 ? 3 : 5;
    const mlWarm = d < 784;
    const xm = toMl(x);
    const am = toMl(a);
    const mm = { g: toMl(m.g), s: toMl(m.s), cross: toMl(m.cross) };
    const gxm = toMl(gram(x, 1 / N));
    const ours: Record<Op, number> = {
      gram: timeIt(() => gram(x, 1 / N), r),
      eig: timeIt(() => symmetricEigen(m.g), r),
      svd: timeIt(() => svd(a), r),
      je: timeIt(() => solveJointEmbedding(m, K), r),
      rc: timeIt(() => solveReconstruction(m, K), r),
      whole: timeIt(() => ourWhole(x), r),
    };
    const ml: Record<Op, number> = {
      gram: timeIt(() => xm.transpose().mmul(xm), mlR, mlWarm),
      eig: timeIt(() => new EigenvalueDecomposition(gxm, { assumeSymmetric: true }), mlR, mlWarm),
      svd: timeIt(() => new SingularValueDecomposition(am), mlR, mlWarm),
      je: timeIt(() => mlJE(mm.g, mm.s, K), mlR, mlWarm),
      rc: timeIt(() => mlRC(mm.cross, mm.s, K), mlR, mlWarm),
      whole: timeIt(
        () => {
          const mo = mlMoments(xm);
          mlJE(mo.g, mo.s, K);
          mlRC(mo.cross, mo.s, K);
        },
        mlR,
        mlWarm,
      ),
    };
    for (const op of OPS) rows.push({ d, op, ours: ours[op], ml: ml[op], numpy: np?.[String(d)]?.[op] });
  }
  const pad = (s: string | number, w: number) => String(s).padStart(w);
  out('');
  out(`Dense linear algebra (n = ${N}, k = ${K}, masking p = ${KEEP}; median ms; ratio = ours / reference)`);
  out(`${pad('d', 4)} ${'routine'.padEnd(15)} ${pad('ours', 10)} ${pad('ml-matrix', 10)} ${pad('ours/ml', 8)} ${pad('numpy', 9)} ${pad('ours/np', 8)}`);
  for (const row of rows) {
    const npCol = row.numpy === undefined ? pad('n/a', 9) : pad(row.numpy.toFixed(2), 9);
    const npRatio = row.numpy === undefined ? pad('n/a', 8) : pad((row.ours / row.numpy).toFixed(2), 8);
    out(
      `${pad(row.d, 4)} ${LABEL[row.op].padEnd(15)} ${pad(row.ours.toFixed(2), 10)} ${pad(row.ml.toFixed(1), 10)} ${pad((row.ours / row.ml).toFixed(3), 8)} ${npCol} ${npRatio}`,
    );
  }
  if (!np) out('(numpy not available: `python3 -c "import numpy"` failed; install python3-numpy for the LAPACK column)');
  return rows;
}

// Runs by itself when built as its own entry point (not when bundled into bench/bench.ts,
// where `require.main === module` also holds for the bundle).
if (require.main === module && path.basename(process.argv[1] ?? '') !== 'bench.js') {
  runLinalgBench((s) => process.stdout.write(s + '\n'));
}
