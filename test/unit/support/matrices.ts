/** Random and reference matrices shared by the linear-algebra test suites. */
import { Rng } from '../../../src/core/numerics/rng';
import { Matrix } from '../../../src/core/numerics/dense';

/** r x c with independent standard normal entries. */
export function randn(rng: Rng, r: number, c: number): Matrix {
  const m = new Matrix(r, c);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

/** a b by the textbook triple loop (the reference for the packed kernels). */
export function naiveMul(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.data[i * a.cols + p] * b.data[p * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  return out;
}
