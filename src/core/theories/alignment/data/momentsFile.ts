/**
 * The moments file (README "Moments as a file"): the sufficient statistics of sufficient.ts
 * as a `.npz` that numpy reads and writes, so that shards computed anywhere (one machine,
 * Dask, Spark) add up exactly. Version 1; every sum is uncentred and over samples:
 *
 *   version      <i8 ()        1
 *   n            <i8 ()        samples
 *   sum_x        <f8 (d,)      Σ x
 *   xtx          <f8 (d, d)    Σ x xᵀ
 *   views        <i8 ()        V                                   } with views
 *   sum_xbar     <f8 (d,)      Σ x̄                                 }
 *   xbar_t_xbar  <f8 (d, d)    Σ x̄ x̄ᵀ                              }
 *   x_t_xbar     <f8 (d, d)    Σ x x̄ᵀ                              }
 *   scatter      <f8 (d, d)    Σ_i 1/(V−1) Σ_v (v − x̄_i)(v − x̄_i)ᵀ  }
 *   classes      <f8 (c,)      the distinct label values, increasing } with labels
 *   class_counts <i8 (c,)      samples per class                    }
 *   y_t_x        <f8 (c, d)    per class Σ x  (Σ y xᵀ, y one-hot)    }
 *   y_t_xbar     <f8 (c, d)    per class Σ x̄ (with views)           }
 *
 * The reader accepts any numeric dtype for each array (numpy's defaults included).
 */
import { DataFileError, readNpy, shapeText } from '../../../io/npy';
import { npzMembers } from '../../../io/npzStream';
import { writeNpz, type NpzEntry } from '../../../io/npzWrite';
import type { ByteSource } from '../../../io/stream';
import { LIMITS } from '../../../spec/model';
import { checkMoments } from './momentsCheck';
import { MAX_CLASSES, type SufficientStats } from './sufficient';

export const MOMENTS_VERSION = 1;

/** The .npz bytes of `stats` (dense targets and the per-pass noise and probe sums are not part of the format). */
export function momentsNpz(stats: SufficientStats): Uint8Array {
  const { n, d } = stats;
  const e: NpzEntry[] = [
    { name: 'version', dtype: '<i8', shape: [], data: [MOMENTS_VERSION] },
    { name: 'n', dtype: '<i8', shape: [], data: [n] },
    { name: 'sum_x', dtype: '<f8', shape: [d], data: stats.sumX },
    { name: 'xtx', dtype: '<f8', shape: [d, d], data: stats.xtx },
  ];
  const v = stats.views;
  if (v) {
    e.push(
      { name: 'views', dtype: '<i8', shape: [], data: [v.count] },
      { name: 'sum_xbar', dtype: '<f8', shape: [d], data: v.sumXbar },
      { name: 'xbar_t_xbar', dtype: '<f8', shape: [d, d], data: v.xbtxb },
      { name: 'x_t_xbar', dtype: '<f8', shape: [d, d], data: v.xtxb },
      { name: 'scatter', dtype: '<f8', shape: [d, d], data: v.scatter },
    );
  }
  const t = stats.targets;
  if (t?.classes) {
    const c = t.classes.length;
    e.push(
      { name: 'classes', dtype: '<f8', shape: [c], data: t.classes },
      { name: 'class_counts', dtype: '<i8', shape: [c], data: t.sumY },
      { name: 'y_t_x', dtype: '<f8', shape: [c, d], data: t.ytx },
    );
    if (t.ytxb) e.push({ name: 'y_t_xbar', dtype: '<f8', shape: [c, d], data: t.ytxb });
  }
  return writeNpz(e);
}

/**
 * A count read from the file: an integer ≥ `min` that float64 holds exactly. Counts above
 * 2⁵³ − 1 are refused as such: from 2⁵³ on, float64 no longer holds every integer, so the
 * count read may not be the count written.
 */
function countValue(v: number, where: string, min: number): number {
  if (Number.isInteger(v) && v > Number.MAX_SAFE_INTEGER)
    throw new DataFileError(
      `${where} is above 2^53 − 1 = 9007199254740991 (it reads as ${v.toExponential(4)}): expected an integer from ${min} to 2^53 − 1; float64 does not hold every integer beyond.`,
    );
  if (!Number.isSafeInteger(v) || v < min) throw new DataFileError(`${where} is ${v}, expected an integer >= ${min}.`);
  return v;
}

/**
 * Reads a moments file (any size: members are read by range); failures throw `DataFileError`
 * naming the array, and so do moments that no samples can have (momentsCheck.ts).
 */
export function readMomentsNpz(src: ByteSource, name: string): SufficientStats {
  const members = npzMembers(src, name);
  const get = (key: string, required = true): { data: Float64Array; shape: number[] } | undefined => {
    const m = members.get(key);
    if (!m) {
      if (!required) return undefined;
      throw new DataFileError(
        `${name} is not a moments file: it has no array '${key}' (available: ${[...members.keys()].join(', ') || 'none'}; write one with \`sslexp moments\`).`,
      );
    }
    const s = m.source;
    return readNpy(s.read(0, s.size), `${name}[${key}]`);
  };
  const shapeIs = (key: string, a: { shape: number[] }, want: number[]): void => {
    if (a.shape.length !== want.length || a.shape.some((v, i) => v !== want[i]))
      throw new DataFileError(`${name}[${key}] has shape ${shapeText(a.shape)}, expected ${shapeText(want)}.`);
  };
  const integer = (key: string, min: number, required = true): number | undefined => {
    const a = get(key, required);
    if (!a) return undefined;
    if (a.shape.length > 1 || a.data.length !== 1) throw new DataFileError(`${name}[${key}] has shape ${shapeText(a.shape)}, expected a single number ().`);
    return countValue(a.data[0], `${name}[${key}]`, min);
  };
  const finite = (key: string, a: { data: Float64Array }): Float64Array => {
    for (let i = 0; i < a.data.length; i++)
      if (!Number.isFinite(a.data[i])) throw new DataFileError(`${name}[${key}] holds a non-finite value (${a.data[i]}) at index ${i}.`);
    return a.data;
  };
  const version = integer('version', 1)!;
  if (version !== MOMENTS_VERSION)
    throw new DataFileError(`${name} is a moments file of version ${version}; this version of sslexp reads version ${MOMENTS_VERSION}.`);
  const n = integer('n', 1)!;
  const sumX = get('sum_x')!;
  if (sumX.shape.length !== 1) throw new DataFileError(`${name}[sum_x] has shape ${shapeText(sumX.shape)}, expected (d,).`);
  const d = sumX.shape[0];
  if (d < 1) throw new DataFileError(`${name}[sum_x] is empty (d = 0).`);
  if (d > LIMITS.maxDataDimension)
    throw new DataFileError(`${name}: d = ${d} features, over the limit of ${LIMITS.maxDataDimension} dimensions for the dense solvers.`);
  const square = (key: string): Float64Array => {
    const a = get(key)!;
    shapeIs(key, a, [d, d]);
    return finite(key, a);
  };
  const stats: SufficientStats = { n, d, sumX: finite('sum_x', sumX), xtx: square('xtx') };
  const V = integer('views', 2, false);
  if (V !== undefined) {
    const sumXbar = get('sum_xbar')!;
    shapeIs('sum_xbar', sumXbar, [d]);
    stats.views = { count: V, sumXbar: finite('sum_xbar', sumXbar), xbtxb: square('xbar_t_xbar'), xtxb: square('x_t_xbar'), scatter: square('scatter') };
  }
  const classes = get('classes', false);
  if (classes) {
    if (classes.shape.length !== 1 || classes.shape[0] < 1)
      throw new DataFileError(`${name}[classes] has shape ${shapeText(classes.shape)}, expected (c,) with c >= 1.`);
    const c = classes.shape[0];
    if (c > MAX_CLASSES) throw new DataFileError(`${name}[classes]: ${c} classes, over the limit of ${MAX_CLASSES}.`);
    const counts = get('class_counts')!;
    shapeIs('class_counts', counts, [c]);
    let total = 0;
    counts.data.forEach((v, i) => {
      total += countValue(v, `${name}[class_counts][${i}]`, 0);
    });
    if (total !== n) throw new DataFileError(`${name}: the class counts add up to ${total} but n = ${n}.`);
    const ytx = get('y_t_x')!;
    shapeIs('y_t_x', ytx, [c, d]);
    const ytxbA = stats.views ? get('y_t_xbar')! : undefined;
    if (ytxbA) shapeIs('y_t_xbar', ytxbA, [c, d]);
    const cl = finite('classes', classes);
    for (let i = 1; i < c; i++)
      if (!(cl[i] > cl[i - 1])) throw new DataFileError(`${name}[classes] must be strictly increasing (index ${i}: ${cl[i - 1]} then ${cl[i]}).`);
    stats.targets = { classes: cl, width: c, sumY: counts.data, ytx: finite('y_t_x', ytx), ...(ytxbA ? { ytxb: finite('y_t_xbar', ytxbA) } : {}) };
  }
  checkMoments(stats, name);
  return stats;
}
