/**
 * The only wall-clock bound the tests keep: a guard against hangs, generous for a loaded
 * 2-core CI machine (30 s, where the work takes milliseconds to a second). How fast things
 * are is measured by `npm run bench` (bench/refusalBench.ts and the others), which prints
 * figures and never fails.
 */
import assert from 'node:assert/strict';

export const HANG_GUARD_MS = 30_000;

/** `fn`'s value and its wall-clock milliseconds. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

/** Fails when `ms` passes the hang guard (a hang, not a slow machine). */
export function assertNoHang(ms: number, what: string): void {
  assert.ok(ms < HANG_GUARD_MS, `${what}: ${ms.toFixed(0)} ms, over the ${HANG_GUARD_MS / 1000} s guard against hangs`);
}
