/** Timing shared by the benchmarks: medians of repeated runs, after a warm-up (JIT) unless told otherwise. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function timeIt(fn: () => unknown, repeats: number, warm = true): number {
  if (warm) fn();
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}
