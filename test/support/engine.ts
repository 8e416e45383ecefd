/** Narrows an engine or worker result to P1's theory, failing the test otherwise. */
import assert from 'node:assert/strict';

export function asAlignment<T extends { theory?: string }>(r: T): Extract<T, { theory: 'alignment' }> {
  assert.equal(r.theory, 'alignment', `expected a result of the alignment theory, got ${String(r.theory)}`);
  return r as Extract<T, { theory: 'alignment' }>;
}
