/** Shared checks of the closed-form solvers (docs/theory.md §2.3–2.5). */
import { LinalgError, Matrix, assertFinite } from '../../../numerics/dense/matrix';
import { spdTolerance, tryCholesky } from '../../../numerics/dense/factor';
import { symmetricEigenvalues } from '../../../numerics/dense/eigen';
import type { Moments } from './moments';

export function checkK(k: number, d: number): void {
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new LinalgError('dimension-mismatch', `latent dimension k = ${k} must be an integer with 1 <= k <= d = ${d}`);
  }
}

/** Moments already checked (JE, RC and SL check the same moments; they are never modified). */
const checked = new WeakSet<Moments>();

export function checkMoments(m: Moments): void {
  if (checked.has(m)) return;
  const d = m.d;
  for (const [name, mat] of [
    ['S', m.s],
    ['G', m.g],
    ['Σ', m.sigma],
    ['cross moment', m.cross],
  ] as const) {
    if (mat.rows !== d || mat.cols !== d) throw new LinalgError('dimension-mismatch', `${name} is ${mat.rows} x ${mat.cols}, expected ${d} x ${d}`);
    assertFinite(mat, name);
  }
  if (!Number.isFinite(m.traceXtX)) throw new LinalgError('not-finite', `traceXtX is ${m.traceXtX}`);
  checked.add(m);
}

/**
 * The Cholesky attempt on S, once per S: the supervised, RC and JE solvers of one set of
 * moments all factor the same S (moments are never modified after augmentationMoments).
 */
const factors = new WeakMap<Matrix, ReturnType<typeof tryCholesky>>();
export function factorS(s: Matrix): ReturnType<typeof tryCholesky> {
  let r = factors.get(s);
  if (!r) {
    r = tryCholesky(s);
    factors.set(s, r);
  }
  return r;
}

/**
 * Cholesky factor of S = G + Σ (docs/theory.md §2.3: C = S; §2.4: S ≻ 0), or a typed error
 * naming S, its smallest eigenvalue and the tolerance (docs/theory.md §2.5, A7).
 */
export function choleskyOfS(s: Matrix): Matrix {
  const r = factorS(s);
  if ('l' in r) return r.l;
  const d = s.rows;
  const ev = symmetricEigenvalues(s);
  const lmin = ev[d - 1];
  const lmax = Math.max(Math.abs(ev[0]), Math.abs(lmin));
  const tol = Math.max(r.fail.tolerance, spdTolerance(d) * lmax);
  throw new LinalgError(
    'not-positive-definite',
    `S = G + Σ is not positive definite (smallest eigenvalue ${lmin.toExponential(2)} ≤ tolerance ${tol.toExponential(2)}); add \`regularize: eps\` to the spec`,
  );
}

/** A value of {@link withLazy} computed when first read. */
export class Lazy<V> {
  constructor(readonly compute: () => V) {}
}

/**
 * An object of `fields` in their order, each {@link Lazy} one an enumerable property
 * computed when first read: the d × d matrices only `analyze --json` and the panel read
 * (docs/architecture.md §5), not the text output. A write replaces the value.
 */
export function withLazy<T extends object>(fields: { [K in keyof T]: T[K] | Lazy<T[K]> }): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(fields)) {
    if (!(v instanceof Lazy)) {
      out[key] = v;
      continue;
    }
    const lazy = v as Lazy<unknown>;
    let value: unknown;
    let done = false;
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!done) {
          value = lazy.compute();
          done = true;
        }
        return value;
      },
      set: (x: unknown) => {
        value = x;
        done = true;
      },
    });
  }
  return out as T;
}
