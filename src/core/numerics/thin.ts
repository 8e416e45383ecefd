/**
 * Min/max-preserving decimation of long per-component series for display (the panel
 * draws at most a few thousand points; a spec may have 10^6 components). Pure, no DOM.
 *
 * The input is cut into equal buckets and, in each, the positions of the minimum and of
 * the maximum are kept (in index order), so an isolated spike or dip survives thinning —
 * which matters on the panel's log-scale charts, where a single large noise variance is
 * exactly what decides the thresholds. NaN values are ignored when choosing extrema.
 */

export interface ThinnedSeries {
  /** 0-based positions into the input, strictly increasing. */
  index: number[];
  /** `values[index[i]]`. */
  values: number[];
}

/** Keep at most `maxPoints` points of `values`, preserving every bucket's min and max. */
export function thinSeries(values: ArrayLike<number>, maxPoints: number): ThinnedSeries {
  const index = thinIndices([values], maxPoints);
  return { index, values: pick(values, index) };
}

/**
 * Shared positions for several series of the same length (e.g. c_i and lambda^Theta_i of
 * the important block, drawn against one index axis): the union of every series'
 * per-bucket min and max positions, at most `maxPoints` in total.
 */
export function thinIndices(series: readonly ArrayLike<number>[], maxPoints: number): number[] {
  if (series.length === 0) return [];
  const n = series[0].length;
  for (const s of series) {
    if (s.length !== n) throw new RangeError('thinIndices: series must have the same length');
  }
  const limit = Number.isFinite(maxPoints) ? Math.floor(maxPoints) : n;
  if (limit <= 0 || n === 0) return [];
  if (n <= limit) return Array.from({ length: n }, (_, i) => i);
  const perBucket = 2 * series.length;
  if (limit < perBucket) {
    // Too few points for a min and a max per series: keep the global maxima only.
    const keep = new Set<number>();
    for (const s of series) {
      if (keep.size >= limit) break;
      keep.add(extrema(s, 0, n).max);
    }
    return [...keep].sort((a, b) => a - b);
  }
  const buckets = Math.floor(limit / perBucket);
  const out: number[] = [];
  const picked: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    picked.length = 0;
    for (const s of series) {
      const e = extrema(s, lo, hi);
      picked.push(e.min, e.max);
    }
    picked.sort((a, c) => a - c);
    for (let i = 0; i < picked.length; i++) if (i === 0 || picked[i] !== picked[i - 1]) out.push(picked[i]);
  }
  return out;
}

/** `values[index[i]]` as a plain array. */
export function pick(values: ArrayLike<number>, index: readonly number[]): number[] {
  const out = new Array<number>(index.length);
  for (let i = 0; i < index.length; i++) out[i] = values[index[i]];
  return out;
}

function extrema(values: ArrayLike<number>, lo: number, hi: number): { min: number; max: number } {
  let min = -1;
  let max = -1;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (let i = lo; i < hi; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (min < 0 || v < vMin) {
      vMin = v;
      min = i;
    }
    if (max < 0 || v > vMax) {
      vMax = v;
      max = i;
    }
  }
  if (min < 0) return { min: lo, max: lo }; // all NaN: keep the bucket's first position
  return { min, max };
}
