import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/numerics/rng';
import {
  LinalgError,
  Matrix,
  add,
  cholesky,
  frobenius,
  generalizedSymmetricEigen,
  gram,
  invSqrtSPD,
  matmul,
  matmulTransA,
  pinv,
  qr,
  scale,
  solveSPD,
  svd,
  symmetricEigen,
  symmetricEigenvalues,
  topSymmetricEigen,
} from '../../src/core/numerics/dense';
import { EigenvalueDecomposition, Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { naiveMul, randn } from './support/matrices';

function relErr(a: Matrix, b: Matrix): number {
  assert.equal(a.rows, b.rows);
  assert.equal(a.cols, b.cols);
  return frobenius(add(a, b, -1)) / Math.max(1e-300, frobenius(b));
}

function assertClose(a: Matrix, b: Matrix, tol: number, what: string): void {
  const e = frobenius(add(a, b, -1));
  const ref = Math.max(1, frobenius(b));
  assert.ok(e <= tol * ref, `${what}: error ${e} > ${tol} * ${ref}`);
}

function assertOrthonormalColumns(q: Matrix, tol: number, what: string): void {
  assertClose(matmulTransA(q, q), Matrix.identity(q.cols), tol, `${what}: Q^T Q = I`);
}

function orthogonal(rng: Rng, n: number): Matrix {
  return qr(randn(rng, n, n)).q;
}

/** Q diag(values) Q^T for a random orthogonal Q. */
function withSpectrum(rng: Rng, values: number[]): Matrix {
  const q = orthogonal(rng, values.length);
  return matmul(matmul(q, Matrix.diag(values)), q.transpose());
}

function expectLinalgError(fn: () => unknown, code: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LinalgError, `expected LinalgError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('Matrix: shape checks, fromArray/toArray, diag, identity, row/col copies, transpose', () => {
  expectLinalgError(() => new Matrix(2, 3, new Float64Array(5)), 'dimension-mismatch');
  expectLinalgError(() => Matrix.fromArray([[1, 2], [3]]), 'dimension-mismatch');
  const m = Matrix.fromArray([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(m.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(m.transpose().toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  assert.deepEqual(Array.from(m.row(1)), [4, 5, 6]);
  assert.deepEqual(Array.from(m.col(2)), [3, 6]);
  const r = m.row(0);
  r[0] = 99;
  assert.equal(m.get(0, 0), 1, 'row() returns a copy');
  const c = m.clone();
  c.set(0, 0, 7);
  assert.equal(m.get(0, 0), 1, 'clone() is deep');
  assert.deepEqual(Matrix.diag([1, 2]).toArray(), [
    [1, 0],
    [0, 2],
  ]);
  assert.deepEqual(Matrix.identity(2).toArray(), [
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(new Matrix(2, 2).toArray(), [
    [0, 0],
    [0, 0],
  ]);
  assert.equal(frobenius(Matrix.fromArray([[3, 4]])), 5);
  assert.deepEqual(scale(m, 2).toArray(), [
    [2, 4, 6],
    [8, 10, 12],
  ]);
  assert.deepEqual(add(m, m, -1).toArray(), [
    [0, 0, 0],
    [0, 0, 0],
  ]);
  expectLinalgError(() => add(m, m.transpose()), 'dimension-mismatch');
});

test('matmul, matmulTransA, gram agree with the naive triple loop (odd sizes, several row chunks)', () => {
  const rng = new Rng(1);
  for (const [n, p, q] of [
    [1, 1, 1],
    [5, 3, 7],
    [300, 13, 6],
    [530, 9, 9],
    [17, 22, 5],
  ]) {
    const a = randn(rng, n, p);
    const b = randn(rng, n, q);
    assert.ok(relErr(matmulTransA(a, b, 0.5), scale(naiveMul(a.transpose(), b), 0.5)) < 1e-13, `matmulTransA ${n}x${p}x${q}`);
    const g = gram(a, 1 / n);
    assert.ok(relErr(g, scale(naiveMul(a.transpose(), a), 1 / n)) < 1e-13, `gram ${n}x${p}`);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) assert.equal(g.get(i, j), g.get(j, i));
    const c = randn(rng, q, p);

    assert.ok(relErr(matmul(b, c), naiveMul(b, c)) < 1e-13, `matmul ${n}x${q}x${p}`);
  }
  expectLinalgError(() => matmul(new Matrix(2, 3), new Matrix(2, 3)), 'dimension-mismatch');
  expectLinalgError(() => matmulTransA(new Matrix(2, 3), new Matrix(3, 3)), 'dimension-mismatch');
});

function checkEigen(a: Matrix, what: string): void {
  const { values, vectors } = symmetricEigen(a);
  const n = a.rows;
  for (let i = 1; i < n; i++) assert.ok(values[i - 1] >= values[i], `${what}: descending`);
  assertOrthonormalColumns(vectors, 1e-12, what);
  const rec = matmul(matmul(vectors, Matrix.diag(values)), vectors.transpose());
  assertClose(rec, a, 1e-10, `${what}: V diag(w) V^T = A`);
}

test('symmetricEigen: random, repeated eigenvalues, zero, 1x1, diagonal, graded', () => {
  const rng = new Rng(2);
  const r = randn(rng, 40, 40);
  checkEigen(scale(add(r, r.transpose()), 0.5), 'random 40');
  const rep = withSpectrum(rng, [1, 1, 1, 2, 2, 3, -1, -1]);
  checkEigen(rep, 'repeated');
  assert.deepEqual(
    Array.from(symmetricEigen(rep).values).map((v) => Math.round(v * 1e9) / 1e9),
    [3, 2, 2, 1, 1, 1, -1, -1],
  );
  const z = symmetricEigen(new Matrix(5, 5));
  assert.deepEqual(Array.from(z.values), [0, 0, 0, 0, 0]);
  assertOrthonormalColumns(z.vectors, 0, 'zero matrix');
  const one = symmetricEigen(Matrix.fromArray([[-3]]));
  assert.deepEqual(Array.from(one.values), [-3]);
  assert.equal(Math.abs(one.vectors.get(0, 0)), 1);
  const dg = symmetricEigen(Matrix.diag([2, -5, 7, 0, 7]));
  assert.deepEqual(Array.from(dg.values), [7, 7, 2, 0, -5]);
  checkEigen(Matrix.diag([2, -5, 7, 0, 7]), 'diagonal');
  checkEigen(Matrix.identity(6), 'identity');
  checkEigen(withSpectrum(rng, [1e8, 1e4, 1, 1e-4, 1e-8, 3]), 'graded');
  // symmetrises (a + a^T)/2
  const ns = Matrix.fromArray([
    [2, 1],
    [0, 2],
  ]);
  assert.ok(Math.abs(symmetricEigen(ns).values[0] - 2.5) < 1e-14);
  assert.ok(Math.abs(symmetricEigenvalues(ns)[1] - 1.5) < 1e-14);
  assert.equal(symmetricEigen(new Matrix(0, 0)).values.length, 0);
});

test('symmetricEigen / svd / cholesky / qr reject NaN and Infinity with a LinalgError (no hang, no NaN)', () => {
  const bad = Matrix.fromArray([
    [1, NaN],
    [NaN, 1],
  ]);
  expectLinalgError(() => symmetricEigen(bad), 'not-finite');
  expectLinalgError(() => topSymmetricEigen(bad, 1), 'not-finite');
  expectLinalgError(() => svd(Matrix.fromArray([[1, Infinity]])), 'not-finite');
  expectLinalgError(() => cholesky(bad), 'not-finite');
  expectLinalgError(() => qr(Matrix.fromArray([[NaN], [1]])), 'not-finite');
  expectLinalgError(() => pinv(bad), 'not-finite');
  expectLinalgError(() => symmetricEigen(new Matrix(2, 3)), 'dimension-mismatch');
});

test('topSymmetricEigen equals the full eigendecomposition (inverse-iteration path, d = 150)', () => {
  const rng = new Rng(3);
  const vals = Array.from({ length: 150 }, (_, i) => 100 / (i + 1) + (i % 7) * 1e-3);
  const a = withSpectrum(rng, vals);
  const full = symmetricEigen(a);
  const top = topSymmetricEigen(a, 12);
  assert.equal(top.values.length, 12);
  assert.equal(top.vectors.rows, 150);
  assert.equal(top.vectors.cols, 12);
  for (let j = 0; j < 12; j++) {
    assert.ok(Math.abs(top.values[j] - full.values[j]) <= 1e-10 * Math.abs(full.values[0]), `value ${j}`);
    let dot = 0;
    for (let i = 0; i < 150; i++) dot += top.vectors.get(i, j) * full.vectors.get(i, j);
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-10, `vector ${j}: |dot| = ${Math.abs(dot)}`);
  }
  // repeated top eigenvalues: still an orthonormal basis of eigenvectors
  const rep = withSpectrum(
    rng,
    Array.from({ length: 120 }, (_, i) => (i < 4 ? 5 : i < 6 ? 3 : 1 / (i + 1))),
  );
  const t2 = topSymmetricEigen(rep, 6);
  assertOrthonormalColumns(t2.vectors, 1e-10, 'repeated top-k');
  assertClose(matmul(rep, t2.vectors), matmul(t2.vectors, Matrix.diag(t2.values)), 1e-10, 'A V = V diag(w)');
  assert.deepEqual(
    Array.from(t2.values).map((v) => Math.round(v * 1e8) / 1e8),
    [5, 5, 5, 5, 3, 3],
  );
  // small / k > d/4: full path
  const small = topSymmetricEigen(Matrix.diag([1, 4, 2]), 2);
  assert.deepEqual(Array.from(small.values), [4, 2]);
});

function checkSvd(a: Matrix, what: string): ReturnType<typeof svd> {
  const r = svd(a);
  const p = Math.min(a.rows, a.cols);
  assert.equal(r.s.length, p);
  assert.equal(r.u.rows, a.rows);
  assert.equal(r.v.rows, a.cols);
  for (let i = 1; i < p; i++) assert.ok(r.s[i - 1] >= r.s[i], `${what}: descending`);
  for (let i = 0; i < p; i++) assert.ok(r.s[i] >= 0);
  assertOrthonormalColumns(r.u, 1e-12, `${what} U`);
  assertOrthonormalColumns(r.v, 1e-12, `${what} V`);
  assertClose(matmul(matmul(r.u, Matrix.diag(r.s)), r.v.transpose()), a, 1e-12, `${what}: U S V^T = A`);
  return r;
}

test('svd: square, tall, wide, rank-deficient, zero; accurate small singular values', () => {
  const rng = new Rng(4);
  checkSvd(randn(rng, 9, 9), 'square');
  checkSvd(randn(rng, 12, 5), 'tall');
  checkSvd(randn(rng, 4, 11), 'wide');
  const lowRank = matmul(randn(rng, 8, 2), randn(rng, 2, 6));
  const r = checkSvd(lowRank, 'rank 2');
  for (let i = 2; i < 6; i++) assert.ok(r.s[i] < 1e-14 * r.s[0], `rank 2: s[${i}] = ${r.s[i]}`);
  const z = checkSvd(new Matrix(3, 4), 'zero');
  assert.deepEqual(Array.from(z.s), [0, 0, 0]);
  const withZeroCol = Matrix.fromArray([
    [1, 0, 2],
    [3, 0, 4],
    [5, 0, 6],
    [7, 0, 8],
  ]);
  assert.equal(checkSvd(withZeroCol, 'zero column').s[2], 0);
  // known spectrum with tiny values: U diag(s) V^T
  const sv = [3, 1, 1e-6, 1e-9];
  const u = orthogonal(rng, 4);
  const v = orthogonal(rng, 4);
  const a = matmul(matmul(u, Matrix.diag(sv)), v.transpose());
  const rs = checkSvd(a, 'graded');
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(rs.s[i] - sv[i]) <= 1e-15 * 3 * 10, `s[${i}] = ${rs.s[i]} vs ${sv[i]}`);
  // column-scaled matrix: Jacobi keeps high relative accuracy
  const b = matmul(randn(rng, 6, 4), Matrix.diag([1, 1e-5, 1e-10, 1e-15]));
  const sb = svd(b).s;
  const sEig = symmetricEigenvalues(matmulTransA(b, b)).map(Math.sqrt);
  assert.ok(Math.abs(sb[0] - sEig[0]) < 1e-12 * sb[0]);
  assert.ok(sb[3] > 1e-17 && sb[3] < 1e-14, `tiny singular value kept: ${sb[3]}`);
});

test('cholesky: L L^T = A, lower triangular; indefinite and singular inputs name the pivot', () => {
  const rng = new Rng(5);
  const b = randn(rng, 20, 7);
  const a = add(gram(b, 1 / 20), Matrix.identity(7), 0.1);
  const l = cholesky(a);
  for (let i = 0; i < 7; i++) for (let j = i + 1; j < 7; j++) assert.equal(l.get(i, j), 0);
  assertClose(matmul(l, l.transpose()), a, 1e-14, 'L L^T');
  expectLinalgError(
    () =>
      cholesky(
        Matrix.fromArray([
          [1, 2],
          [2, 1],
        ]),
      ),
    'not-positive-definite',
    /pivot 1 is -3/,
  );
  expectLinalgError(
    () =>
      cholesky(
        Matrix.fromArray([
          [1, 1],
          [1, 1],
        ]),
      ),
    'not-positive-definite',
    /pivot 1/,
  );
  const x = solveSPD(a, randn(rng, 7, 3));
  assert.equal(x.rows, 7);
  const rhs = randn(rng, 7, 2);
  assertClose(matmul(a, solveSPD(a, rhs)), rhs, 1e-13, 'solveSPD');
});

test('invSqrtSPD: symmetric, X A X = I, X^2 = A^{-1}; not-PD error', () => {
  const rng = new Rng(6);
  const a = withSpectrum(rng, [4, 2, 1, 0.25, 9]);
  const x = invSqrtSPD(a);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.equal(x.get(i, j), x.get(j, i));
  assertClose(matmul(matmul(x, a), x), Matrix.identity(5), 1e-13, 'X A X');
  const ev = symmetricEigenvalues(x);
  assert.ok(Math.abs(ev[0] - 2) < 1e-13 && Math.abs(ev[4] - 1 / 3) < 1e-13);
  expectLinalgError(() => invSqrtSPD(withSpectrum(rng, [1, 0, 2])), 'not-positive-definite', /smallest eigenvalue/);
});

test('generalizedSymmetricEigen: A W = B W diag(w), W^T B W = I, descending, top-k', () => {
  const rng = new Rng(7);
  const r = randn(rng, 6, 6);
  const a = scale(add(r, r.transpose()), 0.5);
  const b = add(gram(randn(rng, 30, 6), 1 / 30), Matrix.identity(6), 0.2);
  const { values, vectors } = generalizedSymmetricEigen(a, b);
  for (let i = 1; i < 6; i++) assert.ok(values[i - 1] >= values[i]);
  assertClose(matmul(a, vectors), matmul(matmul(b, vectors), Matrix.diag(values)), 1e-12, 'A W = B W Λ');
  assertClose(matmul(matmul(vectors.transpose(), b), vectors), Matrix.identity(6), 1e-12, 'W^T B W = I');
  const top = generalizedSymmetricEigen(a, b, 2);
  assert.equal(top.vectors.cols, 2);
  assert.ok(Math.abs(top.values[1] - values[1]) < 1e-12);
  expectLinalgError(() => generalizedSymmetricEigen(a, Matrix.diag([1, 1, 1, 1, 1, -1])), 'not-positive-definite', /B is not positive definite/);
});

test('qr: Q orthonormal columns, R upper triangular with r_ii >= 0, QR = A; m < n rejected', () => {
  const rng = new Rng(8);
  for (const [m, n] of [
    [7, 4],
    [5, 5],
    [30, 1],
  ]) {
    const a = randn(rng, m, n);
    const { q, r } = qr(a);
    assert.equal(q.rows, m);
    assert.equal(q.cols, n);
    assertOrthonormalColumns(q, 1e-13, `qr ${m}x${n}`);
    for (let i = 0; i < n; i++) {
      assert.ok(r.get(i, i) >= 0);
      for (let j = 0; j < i; j++) assert.equal(r.get(i, j), 0);
    }
    assertClose(matmul(q, r), a, 1e-13, 'QR = A');
  }
  expectLinalgError(() => qr(new Matrix(2, 3)), 'dimension-mismatch');
});

function checkPenrose(a: Matrix, what: string): void {
  const x = pinv(a);
  assert.equal(x.rows, a.cols);
  assert.equal(x.cols, a.rows);
  assertClose(matmul(matmul(a, x), a), a, 1e-12, `${what}: A X A = A`);
  assertClose(matmul(matmul(x, a), x), x, 1e-12, `${what}: X A X = X`);
  const ax = matmul(a, x);
  const xa = matmul(x, a);
  assertClose(ax.transpose(), ax, 1e-12, `${what}: (AX)^T = AX`);
  assertClose(xa.transpose(), xa, 1e-12, `${what}: (XA)^T = XA`);
}

test('pinv: Penrose conditions (rank-deficient rectangular, singular symmetric, invertible)', () => {
  const rng = new Rng(9);
  checkPenrose(matmul(randn(rng, 7, 3), randn(rng, 3, 5)), 'rank 3 of 7x5');
  checkPenrose(matmul(randn(rng, 4, 2), randn(rng, 2, 6)), 'rank 2 of 4x6');
  const sing = withSpectrum(rng, [3, 1, 0, 0]);
  checkPenrose(sing, 'singular symmetric');
  const inv = randn(rng, 4, 4);
  assertClose(matmul(inv, pinv(inv)), Matrix.identity(4), 1e-12, 'invertible');
  assert.deepEqual(pinv(new Matrix(2, 3)).toArray(), [
    [0, 0],
    [0, 0],
    [0, 0],
  ]);
});

// ---- an independent cross-check: ml-matrix (a separate, plain-JS implementation) ----

const toMl = (a: Matrix): MlMatrix => new MlMatrix(a.toArray());
const fromMl = (m: MlMatrix): Matrix => Matrix.fromArray(m.to2DArray());

function randomSymmetric(rng: Rng, n: number): Matrix {
  const a = randn(rng, n, n);
  return scale(add(a, a.transpose()), 0.5);
}

test('ml-matrix cross-check: matmul, matmulTransA and gram agree with ml-matrix mmul (1x1 up to blocked sizes)', () => {
  const rng = new Rng(20250611);
  for (const [m, k, n] of [
    [1, 1, 1],
    [7, 3, 5],
    [64, 64, 64],
    [130, 71, 97],
    [301, 257, 45],
  ]) {
    const a = randn(rng, m, k);
    const b = randn(rng, k, n);
    const c = randn(rng, m, n);
    assertClose(matmul(a, b), fromMl(toMl(a).mmul(toMl(b))), 1e-13, `matmul ${m}x${k} * ${k}x${n}`);
    assertClose(matmulTransA(a, c), fromMl(toMl(a).transpose().mmul(toMl(c))), 1e-13, `matmulTransA ${m}x${k}`);
    assertClose(
      gram(a, 1 / m),
      fromMl(
        toMl(a)
          .transpose()
          .mmul(toMl(a))
          .mul(1 / m),
      ),
      1e-13,
      `gram ${m}x${k}`,
    );
  }
});

test('ml-matrix cross-check: symmetricEigen and svd agree with ml-matrix on random matrices', () => {
  const rng = new Rng(77);
  for (const n of [1, 2, 5, 33, 96]) {
    const a = randomSymmetric(rng, n);
    const ours = symmetricEigen(a);
    const ml = new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true });
    // ml-matrix: ascending; ours: descending
    const mlValues = Float64Array.from(ml.realEigenvalues).reverse();
    const scaleA = Math.max(1, ...mlValues.map(Math.abs));
    for (let i = 0; i < n; i++)
      assert.ok(Math.abs(ours.values[i] - mlValues[i]) <= 1e-12 * scaleA, `n=${n}: eigenvalue ${i}: ${ours.values[i]} vs ${mlValues[i]}`);
    // eigenvectors agree up to sign where the eigenvalue is well separated (|cos| = 1 - O(eps / gap))
    const mlVectors = ml.eigenvectorMatrix;
    for (let i = 0; i < n; i++) {
      const gap = Math.min(i > 0 ? mlValues[i - 1] - mlValues[i] : Infinity, i < n - 1 ? mlValues[i] - mlValues[i + 1] : Infinity);
      if (gap < 1e-3 * scaleA) continue;
      let dot = 0;
      for (let r = 0; r < n; r++) dot += ours.vectors.get(r, i) * mlVectors.get(r, n - 1 - i);
      assert.ok(Math.abs(Math.abs(dot) - 1) <= 1e-9, `n=${n}: eigenvector ${i}: |cos| = ${Math.abs(dot)}`);
    }
  }
  for (const [m, n] of [
    [40, 40],
    [90, 31],
    [17, 60],
  ]) {
    const a = randn(rng, m, n);
    const ours = svd(a).s;
    const ml = new SingularValueDecomposition(toMl(a), { autoTranspose: true }).diagonal;
    for (let i = 0; i < Math.min(m, n); i++) assert.ok(Math.abs(ours[i] - ml[i]) <= 1e-12 * ml[0], `svd ${m}x${n}: sigma ${i}: ${ours[i]} vs ${ml[i]}`);
  }
});
