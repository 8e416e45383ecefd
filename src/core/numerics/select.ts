/**
 * Order statistics and tolerant comparisons used by every theory: the r-th largest value
 * in O(n), and a strict comparison that treats values within a relative tolerance as a tie.
 */

/** Relative tolerance of every strict comparison (a tie is not a strict inequality; docs/theory.md A3). */
export const RELATIVE_TOLERANCE = 1e-12;

/** a > b strictly, beyond a relative tolerance; ±Infinity compare exactly. */
export function strictlyGreater(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a > b;
  return a - b > RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The r-th largest value (1-based) of `values`; -Infinity when r exceeds the length. O(n) average. */
export function rthLargest(values: Float64Array, r: number): number {
  const n = values.length;
  if (r < 1) return Infinity;
  if (r > n) return -Infinity;
  if (r === 1) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (values[i] > m) m = values[i];
    return m;
  }
  if (r === n) {
    let m = Infinity;
    for (let i = 0; i < n; i++) if (values[i] < m) m = values[i];
    return m;
  }
  // Quickselect on a copy (Hoare partition, median-of-three pivot).
  const a = Float64Array.from(values);
  let lo = 0;
  let hi = n - 1;
  const target = r - 1; // index in descending order
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const pivot = median3(a[lo], a[mid], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
