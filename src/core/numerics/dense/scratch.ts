/**
 * Work arrays the dense routines use for their own duration (an eigensolver's n x n work
 * matrix, its rotations), kept for the next call instead of allocated afresh: the first
 * touch of a fresh page costs more than a pass over it (docs/architecture.md §5), and a
 * data-mode analysis runs several eigensolvers of the same size. A taken array holds
 * garbage; `giveScratch` returns it when the routine is done with it.
 */

/** Arrays kept for reuse, and the most doubles they may hold together (32 MB). */
const kept: Float64Array[] = [];
const KEPT_DOUBLES = 1 << 22;

/** An array of `length` doubles (not zeroed): a kept one when one is large enough. */
export function takeScratch(length: number): Float64Array {
  let best = -1;
  for (let i = 0; i < kept.length; i++) if (kept[i].length >= length && (best < 0 || kept[i].length < kept[best].length)) best = i;
  if (best < 0) return new Float64Array(length);
  const [buf] = kept.splice(best, 1);
  return buf.length === length ? buf : buf.subarray(0, length);
}

/** Returns an array from `takeScratch` (its whole buffer) for a later call; the caller must not use it afterwards. */
export function giveScratch(a: Float64Array): void {
  const whole = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : new Float64Array(a.buffer);
  if (whole.length > KEPT_DOUBLES || kept.some((k) => k.buffer === whole.buffer)) return;
  kept.push(whole);
  // the largest ones that fit in the budget stay
  kept.sort((x, y) => y.length - x.length);
  let total = 0;
  const stay = kept.filter((k) => (total + k.length <= KEPT_DOUBLES ? ((total += k.length), true) : false));
  kept.length = 0;
  kept.push(...stay);
}
