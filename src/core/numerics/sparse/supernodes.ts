/**
 * The symbolic side of the supernodal Cholesky factorisation (cholesky.ts, docs/theory.md §7.10):
 * elimination tree, postorder, column counts, supernodes and their row structures.
 *
 * A supernode is a run of consecutive columns whose factor columns share one row structure
 * below their dense diagonal block, so the factor is stored as one dense block per supernode
 * and the factorisation and solves run on dense blocks. Fundamental supernodes (a column
 * whose only child in the elimination tree is the previous column, with one row fewer) are
 * merged further, child into parent, while the explicit zeros this stores stay few (the
 * relaxed amalgamation of Ashcraft & Grimes 1989, with CHOLMOD's thresholds): fewer, larger
 * blocks run faster for a few percent more entries.
 */
import type { CsrMatrix } from './csr';

/** Elimination tree of P M Pᵀ: parent[j] is the first row below j in column j of the factor (−1 at roots). */
export function eliminationTree(g: CsrMatrix, perm: Int32Array, inverse: Int32Array): Int32Array {
  const n = g.n;
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  const { rowPtr, col } = g;
  for (let k = 0; k < n; k++) {
    const v = perm[k];
    for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
      let i = inverse[col[p]];
      // walk from i < k up to the root, compressing the path onto k
      while (i !== -1 && i < k) {
        const next = ancestor[i];
        ancestor[i] = k;
        if (next === -1) parent[i] = k;
        i = next;
      }
    }
  }
  return parent;
}

/** A postorder of a forest: post[k] is the node visited k-th (children in increasing order, before their parent). */
export function postorder(parent: Int32Array): Int32Array {
  const n = parent.length;
  const head = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  // children lists, increasing: insert in decreasing order
  for (let j = n - 1; j >= 0; j--) {
    const p = parent[j];
    if (p < 0) continue;
    next[j] = head[p];
    head[p] = j;
  }
  const post = new Int32Array(n);
  const stack = new Int32Array(n);
  let k = 0;
  for (let root = 0; root < n; root++) {
    if (parent[root] >= 0) continue;
    let top = 0;
    stack[0] = root;
    while (top >= 0) {
      const v = stack[top];
      const c = head[v];
      if (c < 0) {
        post[k++] = v;
        top--;
      } else {
        head[v] = next[c];
        stack[++top] = c;
      }
    }
  }
  return post;
}

/**
 * Entries per column of the factor (diagonal included): row k of the factor is the union of
 * the tree paths from each i < k with M_ki ≠ 0 up to k. Undefined once the total passes
 * `maxEntries`.
 */
export function columnCounts(g: CsrMatrix, perm: Int32Array, inverse: Int32Array, parent: Int32Array, maxEntries: number): Int32Array | undefined {
  const n = g.n;
  const counts = new Int32Array(n).fill(1);
  const flag = new Int32Array(n).fill(-1);
  const { rowPtr, col } = g;
  let total = n;
  if (total > maxEntries) return undefined;
  for (let k = 0; k < n; k++) {
    flag[k] = k;
    const v = perm[k];
    for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
      let i = inverse[col[p]];
      if (i >= k) continue;
      for (; flag[i] !== k; i = parent[i]) {
        flag[i] = k;
        counts[i]++;
        total++;
      }
    }
    if (total > maxEntries) return undefined;
  }
  return counts;
}

/** Relaxed amalgamation thresholds (CHOLMOD's defaults): merged supernodes of up to 4 columns always; up to 16 with < 80 % zeros, up to 48 with < 10 %, any with < 5 %. */
const RELAX_COLS = [4, 16, 48];
const RELAX_ZEROS = [0.8, 0.1, 0.05];

/**
 * The supernodes of a postordered elimination tree with column counts: supernode J holds
 * columns first[J] .. first[J+1]−1 (ascending in J; a child's columns come before its parent's).
 */
export function supernodePartition(parent: Int32Array, counts: Int32Array): Int32Array {
  const n = parent.length;
  const children = new Int32Array(n);
  for (let j = 0; j < n; j++) if (parent[j] >= 0) children[parent[j]]++;
  // fundamental supernodes
  const fFirst: number[] = [0];
  for (let j = 1; j < n; j++) if (!(parent[j - 1] === j && counts[j - 1] === counts[j] + 1 && children[j] === 1)) fFirst.push(j);
  fFirst.push(n);
  const fs = fFirst.length - 1;
  // group stats, kept at the group's last fundamental supernode (its representative)
  const cols = new Float64Array(fs);
  const rows = new Float64Array(fs);
  const real = new Float64Array(fs);
  const merged = new Uint8Array(fs); // merged into the next supernode
  const superOf = new Int32Array(n);
  for (let k = 0; k < fs; k++) {
    const c = fFirst[k + 1] - fFirst[k];
    cols[k] = c;
    rows[k] = counts[fFirst[k]];
    real[k] = c * rows[k] - (c * (c - 1)) / 2;
    for (let j = fFirst[k]; j < fFirst[k + 1]; j++) superOf[j] = k;
  }
  const rep = Int32Array.from({ length: fs }, (_, k) => k);
  for (let k = fs - 2; k >= 0; k--) {
    const last = fFirst[k + 1] - 1;
    if (parent[last] < 0 || superOf[parent[last]] !== k + 1) continue;
    // k is the last child of k + 1: merge it into k + 1's group?
    const r = rep[k + 1];
    const c = cols[k] + cols[r];
    const m = cols[k] + rows[r];
    const total = c * m - (c * (c - 1)) / 2;
    const zeros = (total - real[k] - real[r]) / total;
    const ok = c <= RELAX_COLS[0] || (c <= RELAX_COLS[1] && zeros < RELAX_ZEROS[0]) || (c <= RELAX_COLS[2] && zeros < RELAX_ZEROS[1]) || zeros < RELAX_ZEROS[2];
    if (!ok) continue;
    merged[k] = 1;
    rep[k] = r;
    cols[r] = c;
    rows[r] = m;
    real[r] += real[k];
  }
  const first: number[] = [0];
  for (let k = 0; k < fs; k++) if (!merged[k]) first.push(fFirst[k + 1]);
  return Int32Array.from(first);
}

export interface SupernodeStructure {
  /** supernode of every column */
  superOf: Int32Array;
  /** the parent supernode (−1 at roots) */
  parent: Int32Array;
  /** rows of supernode J: rows[rowPtr[J] .. rowPtr[J+1]), its own columns first, then the rows below, ascending */
  rowPtr: Int32Array;
  rows: Int32Array;
}

/**
 * The row structure of every supernode: its columns, then the union of the rows below them
 * in M's columns and in its children's structures (ascending).
 */
export function supernodeRows(g: CsrMatrix, perm: Int32Array, inverse: Int32Array, parent: Int32Array, first: Int32Array): SupernodeStructure {
  const n = g.n;
  const ns = first.length - 1;
  const superOf = new Int32Array(n);
  for (let J = 0; J < ns; J++) superOf.fill(J, first[J], first[J + 1]);
  const sParent = new Int32Array(ns);
  const childHead = new Int32Array(ns).fill(-1);
  const childNext = new Int32Array(ns);
  for (let J = ns - 1; J >= 0; J--) {
    const p = parent[first[J + 1] - 1];
    sParent[J] = p < 0 ? -1 : superOf[p];
    if (p >= 0) {
      childNext[J] = childHead[sParent[J]];
      childHead[sParent[J]] = J;
    }
  }
  const mark = new Int32Array(n).fill(-1);
  const rowPtr = new Int32Array(ns + 1);
  const chunks: Int32Array[] = [];
  const below: number[] = [];
  const { rowPtr: rp, col } = g;
  let total = 0;
  for (let J = 0; J < ns; J++) {
    const f = first[J];
    const l = first[J + 1];
    below.length = 0;
    for (let j = f; j < l; j++) {
      const v = perm[j];
      for (let p = rp[v]; p < rp[v + 1]; p++) {
        const i = inverse[col[p]];
        if (i >= l && mark[i] !== J) {
          mark[i] = J;
          below.push(i);
        }
      }
    }
    for (let C = childHead[J]; C >= 0; C = childNext[C]) {
      const cr = chunks[C];
      for (let t = 0; t < cr.length; t++) {
        const i = cr[t];
        if (i >= l && mark[i] !== J) {
          mark[i] = J;
          below.push(i);
        }
      }
    }
    const rowsJ = new Int32Array(l - f + below.length);
    for (let j = f; j < l; j++) rowsJ[j - f] = j;
    rowsJ.set(Int32Array.from(below).sort(), l - f);
    chunks.push(rowsJ);
    total += rowsJ.length;
    rowPtr[J + 1] = total;
  }
  const rows = new Int32Array(total);
  for (let J = 0; J < ns; J++) rows.set(chunks[J], rowPtr[J]);
  return { superOf, parent: sParent, rowPtr, rows };
}
