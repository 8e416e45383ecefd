/**
 * A small limited-memory BFGS minimiser (two-loop recursion, Armijo backtracking) for the
 * few-hundred-variable problems of the theories (VICReg at a finite covariance weight,
 * docs/theory.md §7.9.4). Deterministic; stops on a small gradient, a stalled loss or the
 * iteration budget.
 */

export interface LbfgsOptions {
  /** Iterations at most (default 2000). */
  iterations?: number;
  /** Pairs kept (default 10). */
  memory?: number;
  /** Stop when ‖∇f‖∞ is below this (default 1e-10). */
  gradientTolerance?: number;
  /** Stop when an iteration gains less than this relative amount, 5 times in a row (default 1e-15). */
  stallTolerance?: number;
}

/** `f(x, grad)` returns f(x) and writes ∇f(x) into grad. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export function lbfgs(f: Objective, x0: Float64Array, opts: LbfgsOptions = {}): { x: Float64Array; value: number; iterations: number } {
  const n = x0.length;
  const m = opts.memory ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xn = new Float64Array(n);
  const gn = new Float64Array(n);
  let stalled = 0;
  let it = 0;
  for (; it < (opts.iterations ?? 2000); it++) {
    if (maxAbs(g) < (opts.gradientTolerance ?? 1e-10)) break;
    direction(g, S, Y, rho, d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction (curvature lost at a kink): restart from the gradient
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = -dot(g, g);
    }
    let t = S.length ? 1 : 1 / Math.max(1, Math.sqrt(-slope));
    let fn = Infinity;
    for (let back = 0; back < 60; back++, t /= 2) {
      for (let i = 0; i < n; i++) xn[i] = x[i] + t * d[i];
      fn = f(xn, gn);
      if (fn <= fx + 1e-4 * t * slope) break;
    }
    if (!(fn <= fx + 1e-4 * t * slope)) break; // no decrease along d
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xn[i] - x[i];
      y[i] = gn[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    stalled = fx - fn <= (opts.stallTolerance ?? 1e-15) * Math.max(1, Math.abs(fx)) ? stalled + 1 : 0;
    x.set(xn);
    g.set(gn);
    fx = fn;
    if (stalled >= 5) break;
  }
  return { x, value: fx, iterations: it };
}

/** d = −H g by the two-loop recursion (H₀ = γ I with γ = sᵀy / yᵀy of the newest pair). */
function direction(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], d: Float64Array): void {
  const n = g.length;
  for (let i = 0; i < n; i++) d[i] = -g[i];
  const k = S.length;
  const alpha = new Array<number>(k);
  for (let j = k - 1; j >= 0; j--) {
    alpha[j] = rho[j] * dot(S[j], d);
    axpy(-alpha[j], Y[j], d);
  }
  if (k) {
    const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
    for (let i = 0; i < n; i++) d[i] *= gamma;
  }
  for (let j = 0; j < k; j++) {
    const beta = rho[j] * dot(Y[j], d);
    axpy(alpha[j] - beta, S[j], d);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
