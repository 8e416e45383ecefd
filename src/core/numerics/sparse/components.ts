/**
 * Connected components of a graph stored as a symmetric CSR matrix (an entry (i, j) with
 * a non-zero value is an edge; isolated rows are components of their own). Breadth-first
 * search; components are numbered in the order of their smallest row.
 */
import type { CsrMatrix } from './csr';

export interface Components {
  count: number;
  /** component of every row */
  label: Int32Array;
  /** rows grouped by component, increasing within each: component c is members[start[c] .. start[c+1]) */
  members: Int32Array;
  start: Int32Array;
}

export function connectedComponents(g: CsrMatrix): Components {
  const { n, rowPtr, col, val } = g;
  const label = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  const sizes: number[] = [];
  for (let s = 0; s < n; s++) {
    if (label[s] >= 0) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    label[s] = count;
    while (head < tail) {
      const i = queue[head++];
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const j = col[p];
        if (label[j] < 0 && val[p] !== 0) {
          label[j] = count;
          queue[tail++] = j;
        }
      }
    }
    sizes.push(tail);
    count++;
  }
  const start = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) start[c + 1] = start[c] + sizes[c];
  const members = new Int32Array(n);
  const cursor = start.slice(0, count);
  for (let i = 0; i < n; i++) members[cursor[label[i]]++] = i; // increasing rows within each component
  return { count, label, members, start };
}

/** Rows of component c (a view into `members`). */
export function componentRows(c: Components, k: number): Int32Array {
  return c.members.subarray(c.start[k], c.start[k + 1]);
}
