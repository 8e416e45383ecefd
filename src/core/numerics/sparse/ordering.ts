/**
 * A fill-reducing ordering for the sparse Cholesky factorisation of a graph matrix
 * (cholesky.ts, docs/theory.md §7.10): nested dissection by level structures (George & Liu,
 * "Computer Solution of Large Sparse Positive Definite Systems", 1981, ch. 8).
 *
 * A part of the graph is split by a breadth-first search from a pseudo-peripheral row: one
 * level near the middle of the search, trimmed to the rows that touch the next level, is a
 * separator; the rows before it and after it are ordered first (recursively), the separator
 * last. Parts of at most {@link ND_LEAF} rows are ordered as the search met them. A part
 * that is not connected is first cut into its connected pieces. Paths and cycles get
 * separators of one or two rows (no fill at all), a √N × √N grid separators of about √N
 * rows (fill O(N log N)).
 */
import type { CsrMatrix } from './csr';

/** Parts of at most this many rows are not dissected further. */
export const ND_LEAF = 48;

interface Part {
  /** the part's rows */
  rows: Int32Array;
  /** first position of the part in the ordering */
  lo: number;
}

/**
 * The nested-dissection ordering of the symmetric pattern of g: `perm[p]` is the row placed
 * at position p (a permutation of 0..n−1).
 */
export function nestedDissection(g: CsrMatrix): Int32Array {
  const n = g.n;
  const perm = new Int32Array(n);
  // region[v]: the part v belongs to (parts get fresh ids); -1 once v is placed
  const region = new Int32Array(n);
  const level = new Int32Array(n);
  const queue = new Int32Array(n);
  const stack: Part[] = [{ rows: Int32Array.from({ length: n }, (_, i) => i), lo: 0 }];
  let nextId = 1;
  while (stack.length) {
    const part = stack.pop()!;
    const id = region[part.rows[0]];
    if (part.rows.length <= ND_LEAF) {
      place(part.rows, part.lo, perm, region);
      continue;
    }
    const pieces = connectedPieces(g, part.rows, id, region, queue);
    if (pieces.length > 1) {
      let lo = part.lo;
      for (const rows of pieces) {
        const pid = nextId++;
        for (const v of rows) region[v] = pid;
        stack.push({ rows, lo });
        lo += rows.length;
      }
      continue;
    }
    const split = levelSeparator(g, part.rows, id, region, level, queue);
    if (!split) {
      place(part.rows, part.lo, perm, region);
      continue;
    }
    const { before, sep, after } = split;
    place(sep, part.lo + before.length + after.length, perm, region);
    for (const [rows, lo] of [
      [before, part.lo],
      [after, part.lo + before.length],
    ] as const) {
      if (rows.length === 0) continue;
      const pid = nextId++;
      for (const v of rows) region[v] = pid;
      stack.push({ rows, lo });
    }
  }
  return perm;
}

function place(rows: Int32Array, lo: number, perm: Int32Array, region: Int32Array): void {
  for (let t = 0; t < rows.length; t++) {
    perm[lo + t] = rows[t];
    region[rows[t]] = -1;
  }
}

/** The connected pieces of the part (rows with region `id`), in breadth-first order. */
function connectedPieces(g: CsrMatrix, rows: Int32Array, id: number, region: Int32Array, queue: Int32Array): Int32Array[] {
  const { rowPtr, col } = g;
  const mark = -2 - id; // a temporary region value: "seen in this pass"
  const pieces: Int32Array[] = [];
  let tail = 0;
  for (const s of rows) {
    if (region[s] !== id) continue;
    const head0 = tail;
    region[s] = mark;
    queue[tail++] = s;
    for (let h = head0; h < tail; h++) {
      const v = queue[h];
      for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
        const w = col[p];
        if (region[w] === id) {
          region[w] = mark;
          queue[tail++] = w;
        }
      }
    }
    pieces.push(queue.slice(head0, tail));
  }
  for (const v of rows) region[v] = id;
  return pieces;
}

/** Breadth-first levels of the part from `start`: the rows in search order and where each level starts. */
function levels(g: CsrMatrix, start: number, id: number, region: Int32Array, level: Int32Array, queue: Int32Array, size: number): Int32Array {
  const { rowPtr, col } = g;
  const mark = -2 - id;
  const starts: number[] = [0];
  let tail = 0;
  region[start] = mark;
  level[start] = 0;
  queue[tail++] = start;
  for (let h = 0; h < tail; h++) {
    const v = queue[h];
    if (level[v] === starts.length) starts.push(h);
    for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
      const w = col[p];
      if (region[w] === id) {
        region[w] = mark;
        level[w] = level[v] + 1;
        queue[tail++] = w;
      }
    }
  }
  starts.push(tail);
  for (let h = 0; h < size; h++) region[queue[h]] = id;
  return Int32Array.from(starts);
}

/**
 * Splits a connected part at one level of a breadth-first search from a pseudo-peripheral
 * row (the search is repeated from a row of least degree in the last level while that makes
 * the search deeper). Undefined when the part has fewer than three levels (nearly complete).
 */
function levelSeparator(
  g: CsrMatrix,
  rows: Int32Array,
  id: number,
  region: Int32Array,
  level: Int32Array,
  queue: Int32Array,
): { before: Int32Array; sep: Int32Array; after: Int32Array } | undefined {
  const size = rows.length;
  const degree = (v: number): number => g.rowPtr[v + 1] - g.rowPtr[v];
  let start = rows[0];
  let starts = levels(g, start, id, region, level, queue, size);
  for (let round = 0; round < 4; round++) {
    const last = starts.length - 2;
    let best = queue[starts[last]];
    for (let h = starts[last]; h < starts[last + 1]; h++) if (degree(queue[h]) < degree(best)) best = queue[h];
    const again = levels(g, best, id, region, level, queue, size);
    if (again.length <= starts.length) {
      if (best !== start) starts = levels(g, start, id, region, level, queue, size);
      break;
    }
    start = best;
    starts = again;
  }
  const depth = starts.length - 1;
  if (depth < 3) return undefined;
  // the level where half the rows are reached, or a smaller one nearby that keeps both sides ≥ 1/4
  let mid = 1;
  while (mid < depth - 2 && starts[mid + 1] < size / 2) mid++;
  let sepLevel = mid;
  const width = (l: number): number => starts[l + 1] - starts[l];
  for (let l = 1; l < depth - 1; l++) {
    if (starts[l] < size / 4 || size - starts[l + 1] < size / 4) continue;
    if (width(l) < width(sepLevel)) sepLevel = l;
  }
  // the separator: rows of that level with a neighbour in the next one; the rest join "before"
  const { rowPtr, col } = g;
  const sep: number[] = [];
  const before: number[] = Array.from(queue.subarray(0, starts[sepLevel]));
  for (let h = starts[sepLevel]; h < starts[sepLevel + 1]; h++) {
    const v = queue[h];
    let touches = false;
    for (let p = rowPtr[v]; p < rowPtr[v + 1] && !touches; p++) {
      const w = col[p];
      touches = region[w] === id && level[w] === sepLevel + 1;
    }
    (touches ? sep : before).push(v);
  }
  const after = queue.slice(starts[sepLevel + 1], size);
  return { before: Int32Array.from(before), sep: Int32Array.from(sep), after };
}
