/**
 * What a moments file must satisfy to be the sums of real samples (docs/theory.md §2.1.1):
 * every second-moment member symmetric and positive semi-definite, also once centred by its
 * first moments (per class with labels), and the cross moment within the Cauchy–Schwarz
 * bound, each up to the rounding of float64 sums accumulated over n samples. A file that
 * fails is refused with a `DataFileError` naming the member, so the analysis and
 * `sslexp moments --merge` never compute from impossible moments.
 *
 * Cost: one Cholesky factorisation per symmetric block (Σ x xᵀ, and with views Σ x̄ x̄ᵀ and
 * the scatter), d³/3 multiply-adds each, in the blocked kernel; eigenvalues only for a
 * refusal's message.
 */
import { DataFileError } from '../../../io/npy';
import { Matrix, symmetricEigenvalues, tryCholesky } from '../../../numerics/dense';
import { gemmTN, operand } from '../../../numerics/dense/blas';
import type { SufficientStats } from './sufficient';

const EPS = 2 ** -52;

/**
 * δ = 4 (N + c + d) ε m: the rounding bound of one entry of a sum of N products (each entry
 * within γ_N √(a_ii a_jj) ≤ N ε m of the exact sum), centred by c group sums and factored
 * in d dimensions (docs/theory.md §2.1.1). Eigenvalues are allowed down to −τ = −d δ.
 */
export function entryTolerance(terms: number, groups: number, d: number, maxDiagonal: number): number {
  return 4 * (terms + groups + d) * EPS * maxDiagonal;
}

function maxDiagonal(a: Float64Array, d: number): number {
  let m = 0;
  for (let j = 0; j < d; j++) m = Math.max(m, Math.abs(a[j * d + j]));
  return m;
}

const fmt = (v: number): string => (v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(3));

/** The member's symmetry: the worst pair beyond δ is reported. */
function checkSymmetric(a: Float64Array, d: number, delta: number, where: string): void {
  let worst = 0;
  let at: [number, number] | undefined;
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const gap = Math.abs(a[i * d + j] - a[j * d + i]);
      if (gap > delta && gap > worst) {
        worst = gap;
        at = [i, j];
      }
    }
  if (at) {
    const [i, j] = at;
    throw new DataFileError(
      `${where} is not symmetric: entry [${i}, ${j}] is ${fmt(a[i * d + j])} but entry [${j}, ${i}] is ${fmt(a[j * d + i])} (tolerance ${fmt(delta)}, docs/theory.md §2.1.1).`,
    );
  }
}

function checkDiagonal(a: Float64Array, d: number, delta: number, where: string, what: string): void {
  for (let j = 0; j < d; j++)
    if (a[j * d + j] < -delta)
      throw new DataFileError(
        `${where} is not positive semi-definite: its diagonal entry [${j}, ${j}] is ${fmt(a[j * d + j])}, but as ${what} it holds sums of squares.`,
      );
}

/**
 * The smallest eigenvalue of the symmetric `a` (d × d, in units where its entries are O(1);
 * a scratch copy, shifted in place) when it is below −τ, else undefined. A Cholesky
 * factorisation of a + 2τI is the cheap test; only when it fails are the eigenvalues
 * computed (docs/theory.md §2.1.1).
 */
function eigenvalueBelow(a: Float64Array, d: number, tau: number): number | undefined {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return -Infinity;
  for (let j = 0; j < d; j++) a[j * d + j] += 2 * tau;
  if ('l' in tryCholesky(new Matrix(d, d, a), 0)) return undefined;
  for (let j = 0; j < d; j++) a[j * d + j] -= 2 * tau;
  const smallest = symmetricEigenvalues(new Matrix(d, d, a))[d - 1];
  return smallest < -tau ? smallest : undefined;
}

/** A group of samples: its count and the sum of its rows (the whole file, or one class). */
interface Group {
  count: number;
  sum: Float64Array;
}

/** (a − Σ_g s_g s_gᵀ / n_g) / σ, the centred (within-group) matrix in units of σ: one product of the scaled sums. */
function centred(a: Float64Array, d: number, groups: Group[], sigma: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) out[i] = a[i] / sigma;
  const used = groups.filter((g) => g.count > 0);
  if (!used.length) return out;
  const u = new Float64Array(used.length * d);
  used.forEach((g, r) => {
    const scale = Math.sqrt(g.count * sigma);
    for (let j = 0; j < d; j++) u[r * d + j] = g.sum[j] / scale;
  });
  const op = operand(u, d, 0, 0, used.length, d, false);
  gemmTN(-1, op, op, out, 0, d, { accumulate: true });
  return out;
}

/** A power of two near the largest diagonal entry: the unit the eigenvalue tests work in (exact scaling). */
const unitOf = (m: number): number => (m > 0 ? 2 ** Math.round(Math.log2(m)) : 1);

/** One Gram member of the file: its values, how many products it sums, its first moments, and its names for the messages. */
interface Block {
  /** the member (`xtx`, `xbar_t_xbar`, `scatter`) */
  key: string;
  /** what it is a sum of, e.g. "Σ x xᵀ" */
  what: string;
  a: Float64Array;
  /** N, the products summed (n, or n·V for the scatter) */
  terms: number;
  /** the first-moment member and its groups (one per class with labels), when the block has them */
  first?: { key: string; sum: Float64Array; n: number; classKey?: string; classes?: Group[] };
}

const eigenText = (lambda: number, sigma: number, tau: number): string =>
  Number.isFinite(lambda * sigma)
    ? `has the eigenvalue ${fmt(lambda * sigma)}, below −τ = ${fmt(-tau * sigma)} (docs/theory.md §2.1.1)`
    : `has entries far beyond its diagonal, so a negative eigenvalue too large for float64 (docs/theory.md §2.1.1)`;

/** Symmetric, non-negative diagonal, and positive semi-definite once centred; returns the block's rounding tolerance. */
function checkBlock(b: Block, d: number, file: string): number {
  const where = `${file}[${b.key}]`;
  const m = maxDiagonal(b.a, d);
  const groups = b.first?.classes?.length ?? 1;
  const delta = entryTolerance(b.terms, groups, d, m);
  checkSymmetric(b.a, d, delta, where);
  checkDiagonal(b.a, d, delta, where, b.what);
  const sigma = unitOf(m);
  const tau = (d * delta) / sigma;
  if (!b.first) {
    const lambda = eigenvalueBelow(centred(b.a, d, [], sigma), d, tau);
    if (lambda !== undefined)
      throw new DataFileError(`${where} is not positive semi-definite: it ${eigenText(lambda, sigma, tau)}; ${b.what} has no negative eigenvalue.`);
    return delta;
  }
  const f = b.first;
  checkFirstMoment(b, d, delta, file);
  const whole: Group[] = [{ count: f.n, sum: f.sum }];
  const lambda = eigenvalueBelow(centred(b.a, d, f.classes ?? whole, sigma), d, tau);
  if (lambda === undefined) return delta;
  // name the member at fault: the block itself, its first moment, or the per-class sums
  const own = eigenvalueBelow(centred(b.a, d, [], sigma), d, tau);
  if (own !== undefined)
    throw new DataFileError(`${where} is not positive semi-definite: it ${eigenText(own, sigma, tau)}; ${b.what} has no negative eigenvalue.`);
  const overall = f.classes ? eigenvalueBelow(centred(b.a, d, whole, sigma), d, tau) : lambda;
  if (overall !== undefined)
    throw new DataFileError(
      `${file}[${f.key}] does not fit ${b.key} and n: ${b.key} − ${f.key} ${f.key}ᵀ / n (n times the samples' covariance) ${eigenText(overall, sigma, tau)}; the sums of real samples give a positive semi-definite covariance.`,
    );
  throw new DataFileError(
    `${file}[${f.classKey}] does not fit ${b.key} and class_counts: ${b.key} − Σ_c ${f.classKey}[c] ${f.classKey}[c]ᵀ / class_counts[c] (the within-class scatter) ${eigenText(lambda, sigma, tau)}; the sums of real samples give a positive semi-definite one.`,
  );
}

/**
 * The first moments against the block's diagonal, group by group: |s_j| ≤ √(n_g a_jj)
 * (Cauchy–Schwarz, so a class of no sample sums to zero), and the per-class sums add up to
 * the whole's. Each sum of n values is within γ_n Σ|x_j| ≤ n ε √(n a_jj) of its exact value.
 */
function checkFirstMoment(b: Block, d: number, delta: number, file: string): void {
  const f = b.first!;
  const c = f.classes?.length ?? 1;
  const colTol = (j: number): number => entryTolerance(f.n, c, 0, Math.sqrt(f.n) * Math.sqrt(Math.max(0, b.a[j * d + j])));
  const bounded = (g: Group, j: number): boolean =>
    Math.abs(g.sum[j]) <= Math.sqrt(g.count) * Math.sqrt(Math.max(0, b.a[j * d + j] + delta)) * (1 + 4 * EPS) + colTol(j);
  for (let j = 0; j < d; j++)
    if (!bounded({ count: f.n, sum: f.sum }, j))
      throw new DataFileError(
        `${file}[${f.key}] does not fit ${b.key} and n: |${f.key}[${j}]| = ${fmt(Math.abs(f.sum[j]))} exceeds √(n · ${b.key}[${j}, ${j}]) = ${fmt(Math.sqrt(f.n * Math.max(0, b.a[j * d + j])))} (Cauchy–Schwarz; docs/theory.md §2.1.1).`,
      );
  if (!f.classes) return;
  const total = new Float64Array(d);
  f.classes.forEach((g, k) => {
    for (let j = 0; j < d; j++) {
      total[j] += g.sum[j];
      if (!bounded(g, j))
        throw new DataFileError(
          `${file}[${f.classKey}] does not fit ${b.key} and class_counts: |${f.classKey}[${k}, ${j}]| = ${fmt(Math.abs(g.sum[j]))} exceeds √(class_counts[${k}] · ${b.key}[${j}, ${j}]) = ${fmt(Math.sqrt(g.count * Math.max(0, b.a[j * d + j])))} (Cauchy–Schwarz; docs/theory.md §2.1.1).`,
        );
    }
  });
  for (let j = 0; j < d; j++)
    if (!(Math.abs(total[j] - f.sum[j]) <= colTol(j)))
      throw new DataFileError(
        `${file}[${f.classKey}] does not add up to ${f.key}: column ${j} sums to ${fmt(total[j])} over the classes but ${f.key}[${j}] is ${fmt(f.sum[j])} (tolerance ${fmt(colTol(j))}).`,
      );
}

/**
 * Σ x x̄ᵀ against Σ x xᵀ and Σ x̄ x̄ᵀ, centred: |c_ij| ≤ √(c^x_ii c^x̄_jj) entry by entry
 * (a necessary condition of the joint second moment of (x, x̄) being positive
 * semi-definite; O(d²), the full 2d × 2d test would cost 8 factorisations).
 */
function checkCross(s: SufficientStats, deltaX: number, deltaXbar: number, file: string): void {
  const { n, d } = s;
  const v = s.views!;
  const rn = Math.sqrt(n);
  const cx = new Float64Array(d);
  const cb = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    cx[j] = Math.max(0, s.xtx[j * d + j] - (s.sumX[j] / rn) ** 2 + deltaX);
    cb[j] = Math.max(0, v.xbtxb[j * d + j] - (v.sumXbar[j] / rn) ** 2 + deltaXbar);
  }
  const delta = 4 * (n + 2) * EPS * Math.sqrt(maxDiagonal(s.xtx, d)) * Math.sqrt(maxDiagonal(v.xbtxb, d));
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const c = v.xtxb[i * d + j] - (s.sumX[i] / rn) * (v.sumXbar[j] / rn);
      const bound = Math.sqrt(cx[i]) * Math.sqrt(cb[j]) + delta;
      if (!(Math.abs(c) <= bound))
        throw new DataFileError(
          `${file}[x_t_xbar] does not fit xtx and xbar_t_xbar: centred, entry [${i}, ${j}] is ${fmt(c)}, beyond the Cauchy–Schwarz bound √(xtx[${i}, ${i}] · xbar_t_xbar[${j}, ${j}]) = ${fmt(bound)} (centred; docs/theory.md §2.1.1).`,
        );
    }
}

/** Per-class groups of a table of class sums (c × d). */
function classGroups(counts: Float64Array, table: Float64Array, d: number): Group[] {
  return Array.from(counts, (count, c) => ({ count, sum: table.subarray(c * d, (c + 1) * d) }));
}

/** Throws a `DataFileError` naming the member when `s` cannot be the sums of real samples (docs/theory.md §2.1.1). */
export function checkMoments(s: SufficientStats, file: string): void {
  const { n, d } = s;
  const t = s.targets?.classes ? s.targets : undefined;
  const deltaX = checkBlock(
    {
      key: 'xtx',
      what: 'Σ x xᵀ',
      a: s.xtx,
      terms: n,
      first: { key: 'sum_x', sum: s.sumX, n, ...(t ? { classKey: 'y_t_x', classes: classGroups(t.sumY, t.ytx, d) } : {}) },
    },
    d,
    file,
  );
  const v = s.views;
  if (!v) return;
  const deltaXbar = checkBlock(
    {
      key: 'xbar_t_xbar',
      what: 'Σ x̄ x̄ᵀ',
      a: v.xbtxb,
      terms: n,
      first: { key: 'sum_xbar', sum: v.sumXbar, n, ...(t?.ytxb ? { classKey: 'y_t_xbar', classes: classGroups(t.sumY, t.ytxb, d) } : {}) },
    },
    d,
    file,
  );
  checkBlock({ key: 'scatter', what: 'Σ_i 1/(V−1) Σ_v (v − x̄_i)(v − x̄_i)ᵀ', a: v.scatter, terms: n * v.count }, d, file);
  checkCross(s, deltaX, deltaXbar, file);
}
