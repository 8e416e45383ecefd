/**
 * Data and views drawn from P1's own model (docs/theory.md §3), in a random rotation, for
 * the tests of the views fit (docs/theory.md §6.4). Seeded: the same arguments give the
 * same arrays on every machine.
 *
 * In the canonical coordinates z (before the rotation Q):
 * - important z_1..k: the class mean μ_y (10 classes, balanced: y_i = i mod classes) plus
 *   within-class noise N(0, diag(w)); their population second moment is
 *   C₁ = (1/classes) Σ_c μ_c μ_cᵀ + diag(w), whose eigenvalues are P1's c_i;
 * - noise z_{k+1..d}: N(0, diag(λΓ)) with unequal λΓ_j (P1's corruption);
 * - x = Q z, and each of the V views is x + Q(θ + αγ) with θ ~ N(0, diag(θ_imp 1_k, θ_noise 1_{d−k}))
 *   and γ ~ N(0, diag(0_k, λΓ)): P1's augmentation with a two-level Θ.
 * `dense: true` replaces the views' perturbation by N(0, S) with a dense random S: an
 * augmentation not of P1's form.
 */
import { Matrix, matmul, qr, symmetricEigenvalues } from '../../src/core/numerics/dense';
import { Rng } from '../../src/core/numerics/rng';
import type { ResolvedSpectra } from '../../src/core/theories/alignment/types';

export interface P1ViewsOptions {
  seed: number;
  alpha: number;
  n?: number;
  views?: number;
  d?: number;
  k?: number;
  classes?: number;
  thetaImportant?: number;
  thetaNoise?: number;
  /** The noise variances λΓ_j (default: evenly from 1 to 8). */
  gamma?: number[];
  /** Scale of the class means (default 2). */
  meanScale?: number;
  dense?: boolean;
}

export interface P1Views {
  n: number;
  d: number;
  k: number;
  V: number;
  /** n × d, row-major */
  x: Float64Array;
  /** n × V × d */
  views: Float64Array;
  labels: Float64Array;
  /** The population spectra of §3 (θ flat on each block). */
  spectra: ResolvedSpectra;
  /** The rotation Q (d × d); its first k columns span the important subspace. */
  q: Matrix;
}

export function p1Views(o: P1ViewsOptions): P1Views {
  const n = o.n ?? 20000;
  const V = o.views ?? 4;
  const d = o.d ?? 24;
  const k = o.k ?? 6;
  const classes = o.classes ?? 10;
  const thI = o.thetaImportant ?? 0.5;
  const thN = o.thetaNoise ?? 0.3;
  const gamma = o.gamma ?? Array.from({ length: d - k }, (_, j) => 1 + (7 * j) / Math.max(1, d - k - 1));
  const rng = new Rng(o.seed);
  const q = randomRotation(d, rng);
  const means = Array.from({ length: classes }, () => Array.from({ length: k }, () => (o.meanScale ?? 2) * rng.normal()));
  const within = Array.from({ length: k }, (_, i) => 0.5 + i / Math.max(1, k - 1));
  const x = new Float64Array(n * d);
  const labels = new Float64Array(n);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const y = i % classes;
    labels[i] = y;
    for (let j = 0; j < k; j++) z[j] = means[y][j] + Math.sqrt(within[j]) * rng.normal();
    for (let j = k; j < d; j++) z[j] = Math.sqrt(gamma[j - k]) * rng.normal();
    rotateInto(q, z, x, i * d);
  }
  const views = new Float64Array(n * V * d);
  const dense = o.dense ? denseFactor(d, rng) : undefined;
  const pert = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < V; v++) {
      const off = (i * V + v) * d;
      if (dense) {
        for (let j = 0; j < d; j++) z[j] = rng.normal();
        for (let r = 0; r < d; r++) {
          let s = 0;
          for (let j = 0; j <= r; j++) s += dense.data[r * d + j] * z[j];
          pert[r] = s;
        }
        for (let j = 0; j < d; j++) views[off + j] = x[i * d + j] + pert[j];
        continue;
      }
      for (let j = 0; j < k; j++) z[j] = Math.sqrt(thI) * rng.normal();
      for (let j = k; j < d; j++) z[j] = Math.sqrt(thN) * rng.normal() + o.alpha * Math.sqrt(gamma[j - k]) * rng.normal();
      rotateInto(q, z, pert, 0);
      for (let j = 0; j < d; j++) views[off + j] = x[i * d + j] + pert[j];
    }
  }
  const c1 = new Matrix(k, k);
  for (const mu of means) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) c1.data[a * k + b] += (mu[a] * mu[b]) / classes;
  for (let a = 0; a < k; a++) c1.data[a * k + a] += within[a];
  const spectra: ResolvedSpectra = {
    c: symmetricEigenvalues(c1),
    thetaImportant: new Float64Array(k).fill(thI),
    gamma: Float64Array.from(gamma).sort().reverse(),
    thetaNoise: new Float64Array(d - k).fill(thN),
  };
  return { n, d, k, V, x, views, labels, spectra, q };
}

/** A Haar-random orthogonal matrix (QR of a Gaussian matrix, signs of R's diagonal fixed). */
function randomRotation(d: number, rng: Rng): Matrix {
  const g = new Matrix(d, d);
  for (let i = 0; i < d * d; i++) g.data[i] = rng.normal();
  const { q, r } = qr(g);
  for (let j = 0; j < d; j++) if (r.data[j * d + j] < 0) for (let i = 0; i < d; i++) q.data[i * d + j] = -q.data[i * d + j];
  return q;
}

/** out[at..at+d) = Q z */
function rotateInto(q: Matrix, z: Float64Array, out: Float64Array, at: number): void {
  const d = q.rows;
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += q.data[r * d + j] * z[j];
    out[at + r] = s;
  }
}

/** The Cholesky factor of a dense random covariance S = AAᵀ·3/d (not diagonal in any basis shared with the data). */
function denseFactor(d: number, rng: Rng): Matrix {
  const a = new Matrix(d, d);
  for (let i = 0; i < d * d; i++) a.data[i] = rng.normal();
  const s = matmul(a, a.transpose());
  for (let i = 0; i < d * d; i++) s.data[i] *= 3 / d;
  const l = new Matrix(d, d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let v = s.data[i * d + j];
      for (let t = 0; t < j; t++) v -= l.data[i * d + t] * l.data[j * d + t];
      l.data[i * d + j] = i === j ? Math.sqrt(v) : v / l.data[j * d + j];
    }
  return l;
}
