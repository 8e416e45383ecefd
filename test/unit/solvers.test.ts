import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/numerics/rng';
import {
  LinalgError,
  Matrix,
  add,
  frobenius,
  generalizedSymmetricEigen,
  gram,
  invSqrtSPD,
  matmul,
  matmulTransA,
  pinv,
  qr,
  scale,
  symmetricEigen,
  symmetricEigenvalues,
} from '../../src/core/numerics/dense';
import {
  augmentationMoments,
  solveJointEmbedding,
  solveReconstruction,
  solveSupervised,
  type Augmentation,
  type Moments,
} from '../../src/core/theories/alignment/solvers';
import { randn } from './support/matrices';

const X84 = Matrix.fromArray([
  [2, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
  [-1, 2, 1],
]);
const SIGMA84 = Matrix.fromArray([
  [1, 0.5, 0],
  [0.5, 2, 0.3],
  [0, 0.3, 0.5],
]);

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

function nearArray(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) near(actual[i], expected[i], tol, `${what}[${i}]`);
}

function nearMatrix(actual: Matrix, expected: number[][], tol: number, what: string): void {
  assert.equal(actual.rows, expected.length, `${what}: rows`);
  for (let i = 0; i < expected.length; i++) nearArray(actual.row(i), expected[i], tol, `${what}[${i}]`);
}

function assertClose(a: Matrix, b: Matrix, tol: number, what: string): void {
  const e = frobenius(add(a, b, -1));
  const ref = Math.max(1, frobenius(b));
  assert.ok(e <= tol * ref, `${what}: error ${e} > ${tol} * ${ref}`);
}

function expectLinalgError(fn: () => unknown, code: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LinalgError, `expected LinalgError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (re) assert.match(e.message, re);
    return true;
  });
}

function trace(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.get(i, i);
  return s;
}

function randomSPD(rng: Rng, d: number, ridge: number): Matrix {
  return add(gram(randn(rng, d + 3, d), 1 / (d + 3)), Matrix.identity(d), ridge);
}

function orthogonal(rng: Rng, n: number): Matrix {
  return qr(randn(rng, n, n)).q;
}

/** Lemma B.1 form of the RC objective: (1/n)||X - Xbar M^T||_F^2 + Tr(M Σ M^T). */
function rcObjective(x: Matrix, m: Moments, map: Matrix): number {
  const xbar = scale(x, m.xbarScale);
  const r = add(x, matmul(xbar, map.transpose()), -1);
  const f = frobenius(r);
  return (f * f) / x.rows + trace(matmul(matmul(map, m.sigma), map.transpose()));
}

/** JE objective 2 Tr(W Σ W^T) (docs/theory.md §2.4 proof idea, 1/n convention A15). */
function jeObjective(w: Matrix, m: Moments): number {
  return 2 * trace(matmul(matmul(w, m.sigma), w.transpose()));
}

test('docs/theory.md §8.4 (i) additive augmentation: S, G, ω, W^T W, JE objective, φ, M*, row projector, RC objective', () => {
  const aug: Augmentation = { kind: 'additive', theta: SIGMA84, gamma: Matrix.identity(3), alpha: 0 };
  const m = augmentationMoments(X84, aug);
  nearMatrix(
    m.s,
    [
      [2.5, 0.25, 0.25],
      [0.25, 3.5, 1.05],
      [0.25, 1.05, 1.25],
    ],
    1e-12,
    'S',
  );
  nearMatrix(
    m.g,
    [
      [1.5, -0.25, 0.25],
      [-0.25, 1.5, 0.75],
      [0.25, 0.75, 0.75],
    ],
    1e-12,
    'G',
  );
  nearMatrix(m.cross, m.g.toArray(), 1e-15, 'cross = G when Xbar = X');
  assert.equal(m.xbarScale, 1);
  near(m.traceXtX, 3.75, 1e-12, 'traceXtX');
  // the 'covariance' kind with the same Σ gives the same moments
  const mc = augmentationMoments(X84, { kind: 'covariance', sigma: SIGMA84 });
  nearMatrix(mc.s, m.s.toArray(), 1e-15, 'covariance kind');
  // additive with alpha: Σ = Θ + α² Γ
  const ma = augmentationMoments(X84, { kind: 'additive', theta: Matrix.identity(3), gamma: SIGMA84, alpha: 2 });
  nearMatrix(ma.sigma, add(Matrix.identity(3), SIGMA84, 4).toArray(), 1e-15, 'Θ + α² Γ');

  const je = solveJointEmbedding(m, 2);
  nearArray(je.omega, [0.69278, 0.61151, 0.179452], 1e-5, 'ω');
  near(je.objective, 1.391418, 1e-6, 'JE objective');
  nearMatrix(
    je.gram,
    [
      [0.327834, -0.158229, 0.117341],
      [-0.158229, 0.094848, 0.046451],
      [0.117341, 0.046451, 0.617076],
    ],
    1e-6,
    'W^T W',
  );
  assert.equal(je.w.rows, 2);
  assert.equal(je.w.cols, 3);

  const rc = solveReconstruction(m, 2);
  nearArray(rc.phi, [1.100062, 1.009005, 0.193912], 1e-6, 'φ');
  near(rc.objective, 1.521774, 1e-6, 'RC objective');
  near(rc.objective, 3.75 - rc.phi[0] ** 2 - rc.phi[1] ** 2, 1e-12, 'V-RC');
  nearMatrix(
    rc.map,
    [
      [0.579983, -0.214584, 0.282437],
      [-0.197145, 0.277976, 0.44067],
      [0.078561, 0.122314, 0.43449],
    ],
    1e-6,
    'M*',
  );
  nearMatrix(
    rc.rowProjector,
    [
      [0.787531, -0.382117, 0.145988],
      [-0.382117, 0.312777, 0.262553],
      [0.145988, 0.262553, 0.899692],
    ],
    1e-6,
    'row projector',
  );
  assert.equal(rc.e.rows, 2);
  assert.equal(rc.dec.cols, 2);
  assertClose(matmul(rc.dec, rc.e), rc.map, 1e-14, 'M = D E');
});

test('docs/theory.md §8.4 (ii) Bernoulli masking p = 0.5: S, G, Σ, ω, W^T W, JE objective, φ, M*, RC objective', () => {
  const m = augmentationMoments(X84, { kind: 'masking', keep: 0.5 });
  nearMatrix(
    m.sigma,
    [
      [0.375, 0, 0],
      [0, 0.375, 0],
      [0, 0, 0.1875],
    ],
    1e-12,
    'Σ',
  );
  nearMatrix(
    m.s,
    [
      [0.75, -0.0625, 0.0625],
      [-0.0625, 0.75, 0.1875],
      [0.0625, 0.1875, 0.375],
    ],
    1e-12,
    'S',
  );
  nearMatrix(
    m.g,
    [
      [0.375, -0.0625, 0.0625],
      [-0.0625, 0.375, 0.1875],
      [0.0625, 0.1875, 0.1875],
    ],
    1e-12,
    'G',
  );
  nearMatrix(m.cross, matmulTransA(X84, scale(X84, 0.5), 1 / 4).toArray(), 1e-14, 'cross = (1/n) X^T Xbar');
  assert.equal(m.xbarScale, 0.5);
  const je = solveJointEmbedding(m, 2);
  nearArray(je.omega, [0.631099, 0.523081, 0.161394], 1e-6, 'ω');
  near(je.objective, 1.69164, 1e-6, 'JE objective');
  nearMatrix(
    je.gram,
    [
      [1.129278, -0.293935, 0.381994],
      [-0.293935, 0.580278, 0.596983],
      [0.381994, 0.596983, 1.09193],
    ],
    1e-6,
    'W^T W',
  );
  const rc = solveReconstruction(m, 2);
  nearArray(rc.phi, [1.106293, 0.911754, 0.178637], 1e-6, 'φ');
  near(rc.objective, 1.694821, 1e-6, 'RC objective');
  nearMatrix(
    rc.map,
    [
      [0.944451, -0.193506, 0.317808],
      [-0.192957, 0.744352, 0.750032],
      [0.189979, 0.438636, 0.616119],
    ],
    1e-6,
    'M*',
  );
  near(rcObjective(X84, m, rc.map), rc.objective, 1e-12, 'direct RC objective');
  near(jeObjective(je.w, m), je.objective, 1e-12, 'direct JE objective');
});

interface Problem {
  x: Matrix;
  theta: Matrix;
  gamma: Matrix;
  alpha: number;
}

function randomProblem(seed: number, n: number, d: number): Problem {
  const rng = new Rng(seed);
  const mix = randn(rng, d, d);
  const x = matmul(randn(rng, n, d), mix); // correlated features
  return { x, theta: randomSPD(rng, d, 0.05), gamma: randomSPD(rng, d, 0.05), alpha: 0.3 + rng.next() };
}

function additive(p: Problem): Augmentation {
  return { kind: 'additive', theta: p.theta, gamma: p.gamma, alpha: p.alpha };
}

for (const [seed, n, d, k] of [
  [11, 50, 6, 2],
  [12, 200, 17, 5],
  [13, 400, 64, 8],
  [14, 600, 200, 6],
] as const) {
  test(`properties on a random problem (seed ${seed}, n ${n}, d ${d}, k ${k}): constraint, ω ∈ [0,1], generalized eig, φ², objectives`, () => {
    const p = randomProblem(seed, n, d);
    for (const aug of [additive(p), { kind: 'masking', keep: 0.7 } as Augmentation]) {
      const m = augmentationMoments(p.x, aug);
      const je = solveJointEmbedding(m, k);
      assertClose(matmul(matmul(je.w, m.s), je.w.transpose()), Matrix.identity(k), 1e-9, `${aug.kind}: W S W^T = I_k`);
      assert.equal(je.omega.length, d);
      for (let j = 0; j < d; j++) {
        assert.ok(je.omega[j] >= 0 && je.omega[j] <= 1, `ω[${j}] = ${je.omega[j]}`);
        if (j > 0) assert.ok(je.omega[j - 1] >= je.omega[j], 'ω descending');
      }
      const ge = generalizedSymmetricEigen(m.g, m.s, k);
      nearArray(je.omega.slice(0, k), Array.from(ge.values), 1e-10, `${aug.kind}: top-k generalized eigenvalues of (G, S)`);
      const geAll = generalizedSymmetricEigen(m.g, m.s);
      nearArray(
        je.omega,
        Array.from(geAll.values).map((v) => Math.min(1, Math.max(0, v))),
        1e-10,
        `${aug.kind}: all ω`,
      );
      assertClose(je.gram, matmulTransA(je.w, je.w), 1e-14, 'gram = W^T W');
      near(je.objective, 2 * (k - je.omega.slice(0, k).reduce((a, b) => a + b, 0)), 1e-12, 'V-JE');
      near(jeObjective(je.w, m), je.objective, 1e-8 * Math.max(1, je.objective), `${aug.kind}: JE objective = 2 Tr(W Σ W^T)`);

      const rc = solveReconstruction(m, k);
      assert.equal(rc.phi.length, d);
      for (let j = 1; j < d; j++) assert.ok(rc.phi[j - 1] >= rc.phi[j], 'φ descending');
      near(rc.objective, m.traceXtX - rc.phi.slice(0, k).reduce((a, b) => a + b * b, 0), 1e-9 * m.traceXtX, 'V-RC');
      near(rcObjective(p.x, m, rc.map), rc.objective, 1e-8 * m.traceXtX, `${aug.kind}: RC objective (Lemma B.1 form)`);
      assertClose(matmul(rc.dec, rc.e), rc.map, 1e-12, 'M = D E');
      assertClose(matmul(rc.rowProjector, rc.rowProjector), rc.rowProjector, 1e-10, 'projector idempotent');
      near(trace(rc.rowProjector), k, 1e-9, 'projector rank k');
      if (aug.kind === 'additive') {
        // φ_j² = eigenvalues of S^{-1/2} G² S^{-1/2} (docs/theory.md §2.3 unified view)
        const sh = invSqrtSPD(m.s);
        const ev = symmetricEigenvalues(matmul(matmul(sh, matmul(m.g, m.g)), sh));
        nearArray(
          Array.from(rc.phi).map((f) => f * f),
          Array.from(ev),
          1e-9 * ev[0],
          'φ² = eig(S^{-1/2} G² S^{-1/2})',
        );
        // the paper's form S^{-1/2} G S^{-1/2} gives the same ω
        const om = symmetricEigenvalues(matmul(matmul(sh, m.g), sh));
        nearArray(je.omega.slice(0, k), Array.from(om.slice(0, k)), 1e-9, 'ω = eig(S^{-1/2} G S^{-1/2})');
      }
    }
  });
}

test('invariances: (T E, D T^{-1}) same map and objective; U W same gram, constraint, objective', () => {
  const p = randomProblem(21, 80, 7);
  const m = augmentationMoments(p.x, additive(p));
  const k = 3;
  const rng = new Rng(22);
  const rc = solveReconstruction(m, k);
  const t = add(randn(rng, k, k), Matrix.identity(k), 2);
  const tinv = pinv(t);
  const e2 = matmul(t, rc.e);
  const d2 = matmul(rc.dec, tinv);
  const map2 = matmul(d2, e2);
  assertClose(map2, rc.map, 1e-10, 'T-invariant map');
  near(rcObjective(p.x, m, map2), rc.objective, 1e-10 * m.traceXtX, 'T-invariant objective');
  // a different rank-k map has a strictly larger objective: the check can fail
  const perturbed = matmul(rc.dec, add(rc.e, randn(rng, k, 7), 1e-3));
  assert.ok(rcObjective(p.x, m, perturbed) > rc.objective + 1e-9, 'closed form is optimal');
  const je = solveJointEmbedding(m, k);
  const u = orthogonal(rng, k);
  const w2 = matmul(u, je.w);
  assertClose(matmulTransA(w2, w2), je.gram, 1e-12, 'U-invariant gram');
  assertClose(matmul(matmul(w2, m.s), w2.transpose()), Matrix.identity(k), 1e-10, 'U-invariant constraint');
  near(jeObjective(w2, m), je.objective, 1e-10, 'U-invariant objective');
});

test('basis change by an orthogonal R: W -> W R^T, E row space rotates, φ and ω unchanged', () => {
  const p = randomProblem(31, 60, 6);
  const rng = new Rng(32);
  const r = orthogonal(rng, 6);
  const rot = (a: Matrix) => matmul(matmul(r, a), r.transpose());
  const k = 2;
  for (const kind of ['additive', 'masking'] as const) {
    // masking Σ is diagonal in the data basis, so only the additive case rotates it; for
    // masking use the equivalent 'covariance' spec (Σ given) for the rotated problem
    const m = augmentationMoments(p.x, kind === 'additive' ? additive(p) : { kind: 'masking', keep: 0.6 });
    const xr = matmul(p.x, r.transpose()); // rows x -> R x
    const mr =
      kind === 'additive'
        ? augmentationMoments(xr, { kind: 'additive', theta: rot(p.theta), gamma: rot(p.gamma), alpha: p.alpha })
        : (() => {
            const base = augmentationMoments(xr, { kind: 'masking', keep: 0.6 });
            const s = add(base.g, rot(m.sigma));
            return { ...base, sigma: rot(m.sigma), s };
          })();
    const je = solveJointEmbedding(m, k);
    const jr = solveJointEmbedding(mr, k);
    nearArray(jr.omega, Array.from(je.omega), 1e-10, `${kind}: ω unchanged`);
    assertClose(jr.gram, rot(je.gram), 1e-9, `${kind}: (W R^T)^T (W R^T) = R W^T W R^T`);
    const rc = solveReconstruction(m, k);
    const rr = solveReconstruction(mr, k);
    nearArray(rr.phi, Array.from(rc.phi), 1e-10, `${kind}: φ unchanged`);
    assertClose(rr.rowProjector, rot(rc.rowProjector), 1e-9, `${kind}: row space of E R^T`);
    assertClose(rr.map, rot(rc.map), 1e-9, `${kind}: M -> R M R^T`);
    near(rr.objective, rc.objective, 1e-10 * m.traceXtX, `${kind}: objective`);
  }
});

test('SL matches the normal equations; the clean singular problem (docs/theory.md §8.3, λΘ_4 = 0, α = 0) uses the pseudo-inverse', () => {
  const p = randomProblem(41, 90, 5);
  const rng = new Rng(42);
  const y = randn(rng, 90, 3);
  const m = augmentationMoments(p.x, additive(p));
  const sl = solveSupervised(p.x, y, m);
  assert.equal(sl.singular, false);
  assert.equal(sl.v.rows, 3);
  assert.equal(sl.v.cols, 5);
  // V S = (1/n) Y^T Xbar
  assertClose(matmul(sl.v, m.s), matmulTransA(y, p.x, 1 / 90), 1e-12, 'normal equations');
  const mm = augmentationMoments(p.x, { kind: 'masking', keep: 0.4 });
  const slm = solveSupervised(p.x, y, mm);
  assertClose(matmul(slm.v, mm.s), matmulTransA(y, p.x, 0.4 / 90), 1e-12, 'masking normal equations');

  // §8.3 clean problem: case C in d = 4, random rotation Q, Θ = Q diag(1, 1, 2, 0) Q^T, α = 0
  const n = 200;
  const q = orthogonal(rng, 4);
  const z = new Matrix(n, 4);
  for (let i = 0; i < n; i++) {
    z.set(i, 0, Math.sqrt(10) * rng.normal());
    z.set(i, 1, Math.sqrt(2) * rng.normal());
  }
  const x = matmul(z, q.transpose());
  const theta = matmul(matmul(q, Matrix.diag([1, 1, 2, 0])), q.transpose());
  const gamma = matmul(matmul(q, Matrix.diag([3, 0.5, 0, 0])), q.transpose());
  const ys = randn(rng, n, 2);
  const mc = augmentationMoments(x, { kind: 'additive', theta, gamma, alpha: 0 });
  const sc = solveSupervised(x, ys, mc);
  assert.equal(sc.singular, true);
  for (let j = 0; j < 2; j++) {
    let s = 0;
    for (let c = 0; c < 4; c++) s += sc.v.get(j, c) * q.get(c, 3);
    assert.ok(Math.abs(s) < 1e-10, `minimum norm: V q4 = ${s}`);
  }
  // independent reference: (1/n) Y^T X S^+ with S^+ from the eigendecomposition
  const { values, vectors } = symmetricEigen(mc.s);
  const inv = values.map((v) => (v > 1e-10 * values[0] ? 1 / v : 0));
  const splus = matmul(matmul(vectors, Matrix.diag(inv)), vectors.transpose());
  assertClose(sc.v, matmul(matmulTransA(ys, x, 1 / n), splus), 1e-9, 'pseudo-inverse solution');
  assertClose(matmul(sc.v, mc.s), matmulTransA(ys, x, 1 / n), 1e-9, 'normal equations on the range');
  // the SSL solvers refuse the same S (A7) and accept it regularised
  expectLinalgError(
    () => solveJointEmbedding(mc, 2),
    'not-positive-definite',
    /S = G \+ Σ is not positive definite \(smallest eigenvalue .* ≤ tolerance .*\); add `regularize: eps`/,
  );
  expectLinalgError(() => solveReconstruction(mc, 2), 'not-positive-definite', /S = G \+ Σ/);
  const reg = augmentationMoments(x, { kind: 'additive', theta, gamma, alpha: 0 }, { regularize: 1e-6 });
  near(reg.s.get(0, 0), mc.s.get(0, 0) + 1e-6, 1e-15, 'S + eps I');
  const je = solveJointEmbedding(reg, 2);
  assertClose(matmul(matmul(je.w, reg.s), je.w.transpose()), Matrix.identity(2), 1e-8, 'regularised JE');
});

test('input validation: k range, non-finite data, shapes, masking probability, gramOfX reuse', () => {
  const m = augmentationMoments(X84, { kind: 'covariance', sigma: SIGMA84 });
  for (const k of [0, 4, 1.5, -1]) {
    expectLinalgError(() => solveJointEmbedding(m, k), 'dimension-mismatch', /latent dimension k/);
    expectLinalgError(() => solveReconstruction(m, k), 'dimension-mismatch');
  }
  assert.equal(solveJointEmbedding(m, 3).w.rows, 3);
  assert.equal(solveReconstruction(m, 1).e.rows, 1);
  const bad = X84.clone();
  bad.set(1, 2, NaN);
  expectLinalgError(() => augmentationMoments(bad, { kind: 'masking', keep: 0.5 }), 'not-finite', /\(1, 2\)/);
  expectLinalgError(() => augmentationMoments(X84, { kind: 'covariance', sigma: Matrix.identity(2) }), 'dimension-mismatch');
  expectLinalgError(() => augmentationMoments(X84, { kind: 'masking', keep: 1.5 }), 'dimension-mismatch');
  expectLinalgError(() => augmentationMoments(X84, { kind: 'additive', theta: SIGMA84, gamma: SIGMA84, alpha: NaN }), 'not-finite');
  expectLinalgError(
    () =>
      solveJointEmbedding(
        {
          ...m,
          s: Matrix.fromArray([
            [NaN, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ]),
        },
        1,
      ),
    'not-finite',
  );
  expectLinalgError(() => solveSupervised(X84, new Matrix(3, 1), m), 'dimension-mismatch');
  const pre = gram(X84, 1 / 4);
  const m2 = augmentationMoments(X84, { kind: 'masking', keep: 0.5 }, { gramOfX: pre });
  nearMatrix(m2.s, augmentationMoments(X84, { kind: 'masking', keep: 0.5 }).s.toArray(), 1e-15, 'gramOfX reuse');
  // masking with keep = 0: Xbar = 0 -> S = 0, refused by the solvers
  const m0 = augmentationMoments(X84, { kind: 'masking', keep: 0 });
  expectLinalgError(() => solveJointEmbedding(m0, 1), 'not-positive-definite');
});
