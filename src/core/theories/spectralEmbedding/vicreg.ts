/**
 * VICReg's closed form and its finite covariance weight (docs/theory.md §7.5 (b), §7.9.4): the
 * one home of the cut a/(4g) and of σ_k, used by the representation on the graph, the linear
 * regime, the recommendation and (through these exports) the editor.
 *
 * With the hinge variance term and decorrelated features (covariance weight b → ∞), direction
 * k of energy λ_k gets σ_k = 1 while λ_k ≤ a/(4g), else (a/(4gλ_k))², and contributes
 * 2gλ_kσ_k + a(1 − √σ_k). At a finite b the exact loss, written in the eigenbasis of the K
 * smallest energies with Z = √N U_K A (A ∈ ℝ^{K×K}, Cov(Z) = AᵀA), is
 *   L(A) = a Σ_k max(0, 1 − ‖a_k‖) + b Σ_{k≠l} (a_kᵀa_l)² + 2g Σ_i λ_i ‖row_i A‖²,
 * minimised numerically here (the optimum never needs higher-energy directions: for a given
 * Cov(Z) the energy is least on the smallest λ, by von Neumann's trace inequality).
 */
import { Matrix, symmetricEigenvalues } from '../../numerics/dense';
import { lbfgs } from '../../numerics/lbfgs';
import { Rng } from '../../numerics/rng';

/** a/(4g): directions with λ_k at or below it keep σ_k = 1 (∞ for g = 0). */
export function vicregCut(a: number, g: number): number {
  return g > 0 ? a / (4 * g) : Infinity;
}

/** The largest g at which a direction of energy λ keeps σ = 1, a/(4λ) (∞ for λ = 0): the same cut seen from g. */
export function vicregKnee(a: number, lambda: number): number {
  return lambda > 0 ? a / (4 * lambda) : Infinity;
}

/** σ_k of VICReg's hinge solution (b → ∞) for one energy λ: 1 while λ ≤ a/(4g), else (a/(4gλ))². */
export function vicregSigma(lambda: number, a: number, g: number): number {
  const cut = vicregCut(a, g);
  return lambda <= cut ? 1 : (cut / lambda) ** 2;
}

/** σ_k, the loss and the rank of VICReg's hinge solution (b → ∞) for energies λ_k (docs/theory.md §7.5 (b)). */
export function vicregHinge(lambda: readonly number[], a: number, g: number): { sigma: number[]; loss: number; rank: number } {
  const sigma = lambda.map((l) => vicregSigma(l, a, g));
  let loss = 0;
  for (let k = 0; k < lambda.length; k++) loss += 2 * g * lambda[k] * sigma[k] + a * (1 - Math.sqrt(sigma[k]));
  return { sigma, loss, rank: sigma.filter((s) => s > 0).length };
}

/** VICReg at a finite covariance weight b (docs/theory.md §7.9.4). */
export interface VicregFiniteB {
  /** b, the covariance weight the spec gives (`methods.vicreg.covariance`). */
  covariance: number;
  /** The smallest loss found (the exact loss of §7.3). */
  loss: number;
  /** rank Z = #{singular values of A above 1e-6 of the largest}. */
  rank: number;
  /** The eigenvalues of Cov(Z) at that optimum, descending. */
  variances: number[];
  /** The b → ∞ closed form's loss on the same energies, for comparison. */
  limitLoss: number;
  /** Starts tried (the closed form and seeded random ones). */
  starts: number;
}

/** Relative singular value below which a direction of Z counts as lost. */
export const FINITE_B_RANK_TOLERANCE = 1e-6;

/**
 * Minimises the finite-b loss from the closed form and `starts` seeded random starts, each by
 * block coordinate descent on A = U diag(r) (unit directions u_k, norms r_k): the hinge makes
 * the exact minimisation over each r_k closed-form, r_k = min(1, a/(2β_k)) with
 * β_k = 2b Σ_{l≠k} r_l²(u_kᵀu_l)² + 2g u_kᵀΛu_k, so its kink at r_k = 1 (where optima often sit)
 * is handled exactly; for fixed r the rest is smooth in the directions and minimised by L-BFGS
 * (numerics/lbfgs.ts). The best of the starts is reported.
 */
export function vicregFiniteB(
  lambda: readonly number[],
  a: number,
  b: number,
  g: number,
  opts: { starts?: number; seed?: number; rounds?: number } = {},
): VicregFiniteB {
  const K = lambda.length;
  const lam = Float64Array.from(lambda);
  const limit = vicregHinge(lambda, a, g);
  const starts = opts.starts ?? 8;
  const rng = new Rng(opts.seed ?? 1);
  let best: State | undefined;
  for (let s = 0; s <= starts; s++) {
    const st = stateOf(s === 0 ? closedFormStart(limit.sigma) : randomStart(K, rng), K);
    alternate(st, lam, a, b, g, opts.rounds ?? 60);
    if (!best || st.loss < best.loss) best = st;
  }
  const variances = K ? covarianceEigenvalues(best!) : [];
  const top = variances.length ? Math.max(variances[0], 0) : 0;
  const rank = variances.filter((v) => Math.sqrt(Math.max(v, 0)) > FINITE_B_RANK_TOLERANCE * Math.sqrt(top)).length;
  return { covariance: b, loss: K ? best!.loss : 0, rank, variances, limitLoss: limit.loss, starts: starts + 1 };
}

/**
 * Block coordinate descent: the exact minimisation over the norms r (Gauss–Seidel sweeps until
 * they settle), then L-BFGS over the directions (u_k = v_k/‖v_k‖, smooth for fixed r), until a
 * round gains less than a relative 1e-14.
 */
function alternate(st: State, lam: Float64Array, a: number, b: number, g: number, rounds: number): void {
  const { K } = st;
  let f = Infinity;
  for (let round = 0; round < rounds; round++) {
    for (let sweep = 0; sweep < 50 && normStep(st, lam, a, b, g) > 1e-15; sweep++);
    const v = lbfgs((x, grad) => directionLoss(x, grad, st.r, K, lam, b, g), st.u, { iterations: 400 }).x;
    normalizeColumns(v, K);
    st.u.set(v);
    for (let sweep = 0; sweep < 50 && normStep(st, lam, a, b, g) > 1e-15; sweep++);
    const next = lossOf(st.u, st.r, K, lam, a, b, g);
    const done = f - next <= 1e-14 * Math.max(1, Math.abs(next));
    f = next;
    if (done) break;
  }
  st.loss = f;
}

/**
 * The smooth part of the loss for fixed norms r as a function of unnormalised directions v_k
 * (u_k = v_k/‖v_k‖): b Σ_{k≠l} r_k²r_l²(u_kᵀu_l)² + 2g Σ_k r_k² u_kᵀΛu_k, and its gradient.
 */
function directionLoss(v: Float64Array, grad: Float64Array, r: Float64Array, K: number, lam: Float64Array, b: number, g: number): number {
  const u = Float64Array.from(v);
  const norms = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < K; i++) s += v[i * K + k] ** 2;
    norms[k] = Math.sqrt(s) || 1;
    for (let i = 0; i < K; i++) u[i * K + k] /= norms[k];
  }
  const { dots, energy } = products(u, K, lam);
  let f = 0;
  for (let k = 0; k < K; k++) {
    const rk2 = r[k] * r[k];
    f += 2 * g * rk2 * energy[k];
    for (let l = 0; l < K; l++) if (l !== k) f += b * rk2 * r[l] * r[l] * dots[k * K + l] ** 2;
    // ∂f/∂u_k, projected off u_k and divided by ‖v_k‖
    let along = 0;
    for (let i = 0; i < K; i++) {
      let d = 4 * g * rk2 * lam[i] * u[i * K + k];
      for (let l = 0; l < K; l++) if (l !== k) d += 4 * b * rk2 * r[l] * r[l] * dots[k * K + l] * u[i * K + l];
      grad[i * K + k] = d;
      along += d * u[i * K + k];
    }
    for (let i = 0; i < K; i++) grad[i * K + k] = (grad[i * K + k] - along * u[i * K + k]) / norms[k];
  }
  return f;
}

/** Unit directions u_k (columns of a K × K matrix, row-major) and their norms r_k; the loss when done. */
interface State {
  K: number;
  u: Float64Array;
  r: Float64Array;
  loss: number;
}

/** The b → ∞ solution: A = diag(√σ). */
function closedFormStart(sigma: number[]): Float64Array {
  const K = sigma.length;
  const x = new Float64Array(K * K);
  for (let k = 0; k < K; k++) x[k * K + k] = Math.sqrt(sigma[k]);
  return x;
}

/** Unit random columns. */
function randomStart(K: number, rng: Rng): Float64Array {
  const x = new Float64Array(K * K);
  for (let i = 0; i < K * K; i++) x[i] = rng.normal();
  normalizeColumns(x, K);
  return x;
}

/** A as unit directions and norms. */
function stateOf(x: Float64Array, K: number): State {
  const r = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < K; i++) s += x[i * K + k] ** 2;
    r[k] = Math.sqrt(s);
  }
  const u = Float64Array.from(x);
  normalizeColumns(u, K);
  return { K, u, r, loss: Infinity };
}

function normalizeColumns(u: Float64Array, K: number): void {
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < K; i++) s += u[i * K + k] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < K; i++) u[i * K + k] *= inv;
  }
}

/** Column dot products D_kl = u_kᵀu_l and energies e_k = u_kᵀΛu_k. */
function products(u: Float64Array, K: number, lam: Float64Array): { dots: Float64Array; energy: Float64Array } {
  const dots = new Float64Array(K * K);
  const energy = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    for (let l = k; l < K; l++) {
      let s = 0;
      for (let i = 0; i < K; i++) s += u[i * K + k] * u[i * K + l];
      dots[k * K + l] = s;
      dots[l * K + k] = s;
    }
    let e = 0;
    for (let i = 0; i < K; i++) e += lam[i] * u[i * K + k] ** 2;
    energy[k] = e;
  }
  return { dots, energy };
}

/** The exact loss at directions u and norms r. */
function lossOf(u: Float64Array, r: Float64Array, K: number, lam: Float64Array, a: number, b: number, g: number): number {
  const { dots, energy } = products(u, K, lam);
  let loss = 0;
  for (let k = 0; k < K; k++) {
    loss += a * Math.max(0, 1 - r[k]) + 2 * g * r[k] * r[k] * energy[k];
    for (let l = 0; l < K; l++) if (l !== k) loss += b * (r[k] * r[l] * dots[k * K + l]) ** 2;
  }
  return loss;
}

/** The exact minimisation over each r_k in turn (Gauss–Seidel), U fixed. */
function normStep(st: State, lam: Float64Array, a: number, b: number, g: number): number {
  const { K, u, r } = st;
  const { dots, energy } = products(u, K, lam);
  let change = 0;
  for (let k = 0; k < K; k++) {
    let beta = 2 * g * energy[k];
    for (let l = 0; l < K; l++) if (l !== k) beta += 2 * b * r[l] * r[l] * dots[k * K + l] ** 2;
    const next = beta > 0 ? Math.min(1, a / (2 * beta)) : 1;
    change = Math.max(change, Math.abs(next - r[k]));
    r[k] = next;
  }
  return change;
}

/** Eigenvalues of Cov(Z) = AᵀA (A = U diag(r)), descending. */
function covarianceEigenvalues(st: State): number[] {
  const { K, u, r } = st;
  const c = new Float64Array(K * K);
  const { dots } = products(u, K, new Float64Array(K));
  for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) c[k * K + l] = r[k] * r[l] * dots[k * K + l];
  return Array.from(symmetricEigenvalues(new Matrix(K, K, c)));
}
