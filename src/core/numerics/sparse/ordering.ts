/**
 * A fill-reducing ordering for the sparse Cholesky factorisation of a graph matrix
 * (cholesky.ts, docs/theory.md §7.10): nested dissection (George 1973) with multilevel vertex
 * separators (separator.ts).
 *
 * A part of the graph is split by a vertex separator into two sides; the sides are ordered
 * first (recursively), the separator last, so that eliminating one side never fills the
 * other. A part that is not connected is first cut into its connected pieces; parts of at most
 * {@link ND_LEAF} rows are ordered by minimum degree. Paths and cycles get separators of one
 * or two rows (no fill at all), a √N × √N grid separators of about √N rows (fill O(N log N)).
 */
import type { CsrMatrix } from './csr';
import { Rng } from '../rng';
import { vertexSeparator, type WeightedGraph } from './separator';
import { minimumDegree } from './minimumDegree';

/** Parts of at most this many rows are ordered by minimum degree instead of being dissected. */
export const ND_LEAF = 64;
/** Seed of the separators' random choices (the ordering is deterministic). */
const SEED = 20_260_001;
/** Separators tried (each with fresh random choices) before a part is ordered whole. */
const SEPARATOR_TRIES = 3;

interface Part {
  graph: WeightedGraph;
  /** the row of g of each vertex of `graph` */
  rows: Int32Array;
  /** first position of the part in the ordering */
  lo: number;
}

/**
 * The nested-dissection ordering of the symmetric pattern of g (the diagonal ignored):
 * `perm[p]` is the row placed at position p (a permutation of 0..n−1).
 */
export function nestedDissection(g: CsrMatrix): Int32Array {
  const n = g.n;
  const perm = new Int32Array(n);
  const rng = new Rng(SEED);
  const stack: Part[] = [{ graph: graphOf(g), rows: Int32Array.from({ length: n }, (_, i) => i), lo: 0 }];
  while (stack.length) {
    const { graph, rows, lo } = stack.pop()!;
    if (graph.n <= ND_LEAF) {
      placeLeaf(graph, rows, lo, perm);
      continue;
    }
    const piece = pieces(graph);
    if (piece.count > 1) {
      let at = lo;
      for (let c = 0; c < piece.count; c++) {
        const sub = subgraph(graph, rows, piece.of, c);
        stack.push({ ...sub, lo: at });
        at += sub.graph.n;
      }
      continue;
    }
    let side = vertexSeparator(graph, rng);
    // a part whose coarsest graph is nearly complete can fail on one random matching and not another
    for (let retry = 1; !side && retry < SEPARATOR_TRIES; retry++) side = vertexSeparator(graph, rng);
    if (!side) {
      placeLeaf(graph, rows, lo, perm);
      continue;
    }
    const part = Int32Array.from(side);
    const sub0 = subgraph(graph, rows, part, 0);
    const sub1 = subgraph(graph, rows, part, 1);
    let at = lo + sub0.graph.n + sub1.graph.n;
    for (let v = 0; v < graph.n; v++) if (side[v] === 2) perm[at++] = rows[v];
    stack.push({ ...sub1, lo: lo + sub0.graph.n }, { ...sub0, lo });
  }
  return perm;
}

/** The pattern of g without its diagonal, every weight 1. */
function graphOf(g: CsrMatrix): WeightedGraph {
  const { n, rowPtr, col } = g;
  const xadj = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) if (col[p] !== i) nnz++;
    xadj[i + 1] = nnz;
  }
  const adj = new Int32Array(nnz);
  let q = 0;
  for (let i = 0; i < n; i++) for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) if (col[p] !== i) adj[q++] = col[p];
  return { n, xadj, adj, ew: new Int32Array(nnz).fill(1), vw: new Int32Array(n).fill(1), total: n };
}

/** The connected pieces of a graph: how many, and the piece of every vertex (in breadth-first order of their first vertex). */
function pieces(g: WeightedGraph): { count: number; of: Int32Array } {
  const { n, xadj, adj } = g;
  const of = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (of[s] >= 0) continue;
    let head = 0;
    let tail = 0;
    of[s] = count;
    queue[tail++] = s;
    while (head < tail) {
      const v = queue[head++];
      for (let p = xadj[v]; p < xadj[v + 1]; p++) {
        const u = adj[p];
        if (of[u] < 0) {
          of[u] = count;
          queue[tail++] = u;
        }
      }
    }
    count++;
  }
  return { count, of };
}

/** The subgraph induced by the vertices with part[v] = id (weights 1), and their rows of g. */
function subgraph(g: WeightedGraph, rows: Int32Array, part: Int32Array, id: number): { graph: WeightedGraph; rows: Int32Array } {
  const { n, xadj, adj } = g;
  const local = new Int32Array(n);
  let m = 0;
  let nnz = 0;
  for (let v = 0; v < n; v++) {
    if (part[v] !== id) continue;
    local[v] = m++;
    for (let p = xadj[v]; p < xadj[v + 1]; p++) if (part[adj[p]] === id) nnz++;
  }
  const sx = new Int32Array(m + 1);
  const sadj = new Int32Array(nnz);
  const srows = new Int32Array(m);
  let q = 0;
  for (let v = 0; v < n; v++) {
    if (part[v] !== id) continue;
    const i = local[v];
    srows[i] = rows[v];
    for (let p = xadj[v]; p < xadj[v + 1]; p++) if (part[adj[p]] === id) sadj[q++] = local[adj[p]];
    sx[i + 1] = q;
  }
  return { graph: { n: m, xadj: sx, adj: sadj, ew: new Int32Array(nnz).fill(1), vw: new Int32Array(m).fill(1), total: m }, rows: srows };
}

/** Places a leaf's rows at lo.. in minimum-degree order. */
function placeLeaf(g: WeightedGraph, rows: Int32Array, lo: number, perm: Int32Array): void {
  const order = minimumDegree(g);
  for (let t = 0; t < g.n; t++) perm[lo + t] = rows[order[t]];
}
