/**
 * Test and benchmark data: a swiss roll (scikit-learn's make_swiss_roll: t uniform in
 * [1.5π, 4.5π], height uniform in [0, 21], point (t cos t, height, t sin t) plus Gaussian noise
 * 0.05 in those three coordinates), rotated into D coordinates by a random orthonormal
 * D × 3 map, plus isotropic Gaussian noise 1e-3 in all D: a surface of low intrinsic
 * dimension in many coordinates, seeded (numerics/rng.ts).
 */
import { Rng } from '../../../src/core/numerics/rng';

/** n rows of the swiss roll in D ≥ 3 coordinates, row-major. */
export function swissRoll(n: number, D: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const q: Float64Array[] = [];
  for (let c = 0; c < 3; c++) {
    const v = Float64Array.from({ length: D }, () => rng.normal());
    for (const w of q) {
      let s = 0;
      for (let i = 0; i < D; i++) s += v[i] * w[i];
      for (let i = 0; i < D; i++) v[i] -= s * w[i];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < D; i++) v[i] /= norm;
    q.push(v);
  }
  const x = new Float64Array(n * D);
  for (let r = 0; r < n; r++) {
    const t = 1.5 * Math.PI * (1 + 2 * rng.next());
    const p = [t * Math.cos(t) + 0.05 * rng.normal(), 21 * rng.next() + 0.05 * rng.normal(), t * Math.sin(t) + 0.05 * rng.normal()];
    for (let i = 0; i < D; i++) x[r * D + i] = p[0] * q[0][i] + p[1] * q[1][i] + p[2] * q[2][i] + 1e-3 * rng.normal();
  }
  return x;
}
