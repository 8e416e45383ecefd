/**
 * Vertex separators for the nested-dissection ordering (ordering.ts, docs/theory.md §7.10), by
 * the multilevel scheme of Karypis & Kumar ("A fast and high quality multilevel scheme for
 * partitioning irregular graphs", SIAM J. Sci. Comput. 20 (1998); METIS's node bisection):
 *
 * 1. coarsen: match each vertex with the unmatched neighbour it shares the heaviest edge with
 *    (visiting the vertices in a seeded random order), merge the pairs, repeat while the graph
 *    shrinks and has more than {@link COARSEST} vertices (vertex weights count the rows a
 *    coarse vertex stands for, edge weights the edges);
 * 2. on the coarsest graph, grow one side breadth-first from several random vertices until it
 *    holds half the weight; its rows that touch the other side are a separator; refine each
 *    and keep the lightest;
 * 3. project the separator back level by level (a coarse vertex's rows take its side) and
 *    refine it at each level with the vertex Fiduccia–Mattheyses moves of {@link refineSeparator}.
 * Each side is kept within {@link MAX_SIDE} of the weight.
 */
import type { Rng } from '../rng';

/** An undirected graph without self-loops, with positive integer vertex and edge weights. */
export interface WeightedGraph {
  n: number;
  /** the neighbours of v are adj[xadj[v] .. xadj[v+1]) */
  xadj: Int32Array;
  adj: Int32Array;
  /** edge weights (aligned with adj) and vertex weights */
  ew: Int32Array;
  vw: Int32Array;
  /** Σ vw */
  total: number;
}

/** Coarsening stops at this many vertices. */
export const COARSEST = 120;
/** Neither side of a separator may hold more than this share of the weight. */
export const MAX_SIDE = 0.6;
/** Coarsening stops when a level keeps more than this share of the vertices (matching stalls). */
const STALL = 0.85;
/** Breadth-first starts tried on the coarsest graph. */
const INITIAL_TRIES = 8;
/** Refinement passes per level (each stops early when it finds nothing better). */
const PASSES = 8;

/** Side of each vertex: 0 or 1, or 2 for the separator. */
export type Sides = Int8Array;

/**
 * A vertex separator of a connected graph: `side[v]` ∈ {0, 1, 2} (2: the separator), both
 * sides non-empty; undefined when none was found (a graph too small or too dense to split).
 */
export function vertexSeparator(g: WeightedGraph, rng: Rng): Sides | undefined {
  const levels: WeightedGraph[] = [g];
  const maps: Int32Array[] = [];
  for (let top = g; top.n > COARSEST;) {
    const { coarse, cmap } = coarsen(top, rng, Math.max(1, Math.floor((1.5 * g.total) / COARSEST)));
    if (coarse.n > STALL * top.n) break;
    levels.push(coarse);
    maps.push(cmap);
    top = coarse;
  }
  let side = initialSeparator(levels[levels.length - 1], rng);
  if (!side) return undefined;
  for (let l = levels.length - 2; l >= 0; l--) {
    const fine = levels[l];
    const cmap = maps[l];
    const projected = new Int8Array(fine.n);
    for (let v = 0; v < fine.n; v++) projected[v] = side[cmap[v]];
    side = projected;
    refineSeparator(fine, side, PASSES);
  }
  let n0 = 0;
  let n1 = 0;
  for (let v = 0; v < g.n; v++) {
    if (side[v] === 0) n0++;
    else if (side[v] === 1) n1++;
  }
  return n0 > 0 && n1 > 0 ? side : undefined;
}

/** One level of heavy-edge matching: the coarse graph and the coarse vertex of every vertex. */
export function coarsen(g: WeightedGraph, rng: Rng, maxWeight: number): { coarse: WeightedGraph; cmap: Int32Array } {
  const { n, xadj, adj, ew, vw } = g;
  const match = new Int32Array(n).fill(-1);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (let t = 0; t < n; t++) {
    const v = order[t];
    if (match[v] !== -1) continue;
    let best = v;
    let bestW = 0;
    for (let p = xadj[v]; p < xadj[v + 1]; p++) {
      const u = adj[p];
      if (match[u] === -1 && ew[p] > bestW && vw[u] + vw[v] <= maxWeight) {
        best = u;
        bestW = ew[p];
      }
    }
    match[v] = best;
    match[best] = v;
  }
  const cmap = new Int32Array(n);
  let nc = 0;
  for (let v = 0; v < n; v++) {
    const u = match[v];
    if (u >= v) {
      cmap[v] = nc;
      cmap[u] = nc;
      nc++;
    }
  }
  return { coarse: contract(g, match, cmap, nc), cmap };
}

/** The graph of the matched pairs: weights summed, edges inside a pair dropped. */
function contract(g: WeightedGraph, match: Int32Array, cmap: Int32Array, nc: number): WeightedGraph {
  const { n, xadj, adj, ew, vw } = g;
  const cx = new Int32Array(nc + 1);
  const cadj = new Int32Array(adj.length);
  const cew = new Int32Array(adj.length);
  const cvw = new Int32Array(nc);
  const slot = new Int32Array(nc).fill(-1);
  let ptr = 0;
  let c = 0;
  for (let v = 0; v < n; v++) {
    const u = match[v];
    if (u < v) continue;
    const start = ptr;
    for (let w = v; ; w = u) {
      cvw[c] += vw[w];
      for (let p = xadj[w]; p < xadj[w + 1]; p++) {
        const cc = cmap[adj[p]];
        if (cc === c) continue;
        const s = slot[cc];
        if (s < 0) {
          slot[cc] = ptr;
          cadj[ptr] = cc;
          cew[ptr++] = ew[p];
        } else cew[s] += ew[p];
      }
      if (w === u) break;
    }
    for (let q = start; q < ptr; q++) slot[cadj[q]] = -1;
    cx[++c] = ptr;
  }
  return { n: nc, xadj: cx, adj: cadj.slice(0, ptr), ew: cew.slice(0, ptr), vw: cvw, total: g.total };
}

/**
 * The lightest of several separators of the coarsest graph: side 0 grown breadth-first from a
 * random vertex (restarting in an unreached piece if the graph is not connected) until it
 * holds half the weight, its vertices that touch side 1 moved to the separator, then refined.
 */
function initialSeparator(g: WeightedGraph, rng: Rng): Sides | undefined {
  const { n, xadj, adj, vw } = g;
  if (n < 3) return undefined;
  let best: Sides | undefined;
  let bestSep = Infinity;
  const queue = new Int32Array(n);
  for (let t = 0; t < INITIAL_TRIES; t++) {
    const side = new Int8Array(n).fill(1);
    let w0 = 0;
    let head = 0;
    let tail = 0;
    let next = Math.floor(rng.next() * n);
    while (2 * w0 < g.total) {
      if (head === tail) {
        // the reached piece is exhausted: start from the next vertex still on side 1
        while (side[next] !== 1) next = (next + 1) % n;
        side[next] = 0;
        w0 += vw[next];
        queue[tail++] = next;
        continue;
      }
      const v = queue[head++];
      for (let p = xadj[v]; p < xadj[v + 1] && 2 * w0 < g.total; p++) {
        const u = adj[p];
        if (side[u] !== 1) continue;
        side[u] = 0;
        w0 += vw[u];
        queue[tail++] = u;
      }
    }
    for (let h = 0; h < tail; h++) {
      const v = queue[h];
      for (let p = xadj[v]; p < xadj[v + 1]; p++)
        if (side[adj[p]] === 1) {
          side[v] = 2;
          break;
        }
    }
    refineSeparator(g, side, PASSES);
    const w = separatorWeight(g, side);
    if (w < bestSep && sideWeight(g, side, 0) > 0 && sideWeight(g, side, 1) > 0) {
      best = side;
      bestSep = w;
    }
  }
  return best;
}

function separatorWeight(g: WeightedGraph, side: Sides): number {
  return sideWeight(g, side, 2);
}

function sideWeight(g: WeightedGraph, side: Sides, s: number): number {
  let w = 0;
  for (let v = 0; v < g.n; v++) if (side[v] === s) w += g.vw[v];
  return w;
}

/** A max-heap of vertices keyed by integer gains, with positions for updates and removal. */
class GainHeap {
  private readonly heap: Int32Array;
  private readonly key: Int32Array;
  private readonly pos: Int32Array;
  size = 0;

  constructor(n: number) {
    this.heap = new Int32Array(n);
    this.key = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
  }

  has(v: number): boolean {
    return this.pos[v] >= 0;
  }

  top(): number {
    return this.size > 0 ? this.heap[0] : -1;
  }

  topKey(): number {
    return this.key[this.heap[0]];
  }

  /** Inserts v, or changes its key when present. */
  set(v: number, k: number): void {
    let i = this.pos[v];
    if (i < 0) {
      i = this.size++;
      this.heap[i] = v;
      this.pos[v] = i;
      this.key[v] = k;
      this.up(i);
      return;
    }
    const old = this.key[v];
    this.key[v] = k;
    if (k > old) this.up(i);
    else this.down(i);
  }

  remove(v: number): void {
    const i = this.pos[v];
    if (i < 0) return;
    this.pos[v] = -1;
    const last = this.heap[--this.size];
    if (i === this.size) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.up(i);
    this.down(this.pos[last]);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.heap[i]] = -1;
    this.size = 0;
  }

  private up(i: number): void {
    const { heap, key, pos } = this;
    const v = heap[i];
    const k = key[v];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const u = heap[p];
      if (key[u] >= k) break;
      heap[i] = u;
      pos[u] = i;
      i = p;
    }
    heap[i] = v;
    pos[v] = i;
  }

  private down(i: number): void {
    const { heap, key, pos } = this;
    const v = heap[i];
    const k = key[v];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && key[heap[c + 1]] > key[heap[c]]) c++;
      const u = heap[c];
      if (key[u] <= k) break;
      heap[i] = u;
      pos[u] = i;
      i = c;
    }
    heap[i] = v;
    pos[v] = i;
  }
}

/** The state of the vertex refinement of one graph. */
interface Refinement {
  g: WeightedGraph;
  side: Sides;
  /** side weights (0, 1, separator) */
  pw: Float64Array;
  /** for separator vertices: the weight of their neighbours on side 0 and on side 1 */
  ed: [Int32Array, Int32Array];
  /** queues of separator vertices by the gain of moving them to side 0 / side 1 */
  queue: [GainHeap, GainHeap];
  /** pass stamp of the vertices moved out of the separator (locked for the pass) */
  locked: Int32Array;
  maxSide: number;
  /** the moves of the pass: moved vertex, its new side, and the end of its pulled vertices in `pulled` */
  moves: number[];
  pulled: number[];
}

/**
 * Vertex Fiduccia–Mattheyses refinement (METIS's two-sided node refinement): a separator
 * vertex v moves to side s when its neighbours on the other side move into the separator,
 * changing the separator's weight by (their weight) − vw[v]. Each pass takes the best moves
 * one at a time (into either side, the side limit permitting), each vertex at most once,
 * allowing moves that make it heavier for a while, then rolls back to the lightest separator
 * seen (ties: the better balanced). Passes repeat while they improve it.
 */
export function refineSeparator(g: WeightedGraph, side: Sides, passes: number): void {
  const n = g.n;
  const r: Refinement = {
    g,
    side,
    pw: new Float64Array(3),
    ed: [new Int32Array(n), new Int32Array(n)],
    queue: [new GainHeap(n), new GainHeap(n)],
    locked: new Int32Array(n),
    maxSide: MAX_SIDE * g.total,
    moves: [],
    pulled: [],
  };
  for (let v = 0; v < n; v++) r.pw[side[v]] += g.vw[v];
  for (let pass = 1; pass <= passes; pass++) {
    const before = r.pw[2];
    refinePass(r, pass);
    if (!(r.pw[2] < before)) break;
  }
}

/** One pass of {@link refineSeparator}. */
function refinePass(r: Refinement, stamp: number): void {
  const { g, side, pw, ed, queue } = r;
  const { n, xadj, adj, vw } = g;
  for (let v = 0; v < n; v++) {
    if (side[v] !== 2) continue;
    let e0 = 0;
    let e1 = 0;
    for (let p = xadj[v]; p < xadj[v + 1]; p++) {
      const s = side[adj[p]];
      if (s === 0) e0 += vw[adj[p]];
      else if (s === 1) e1 += vw[adj[p]];
    }
    ed[0][v] = e0;
    ed[1][v] = e1;
    queue[0].set(v, vw[v] - e1);
    queue[1].set(v, vw[v] - e0);
  }
  r.moves.length = 0;
  r.pulled.length = 0;
  let bestSep = pw[2];
  let bestDiff = Math.abs(pw[0] - pw[1]);
  let bestMoves = 0;
  let bad = 0;
  const patience = Math.min(Math.max(Math.floor(0.01 * n), 15), 100);
  for (;;) {
    const to = chooseSide(r);
    if (to < 0) break;
    moveVertex(r, queue[to].top(), to, stamp);
    const diff = Math.abs(pw[0] - pw[1]);
    if (pw[2] < bestSep || (pw[2] === bestSep && diff < bestDiff)) {
      bestSep = pw[2];
      bestDiff = diff;
      bestMoves = r.moves.length;
      bad = 0;
    } else if (++bad > patience) break;
  }
  queue[0].clear();
  queue[1].clear();
  rollBack(r, bestMoves);
}

/** The side the next move goes to (the larger gain; ties and limits by weight), or −1 to stop. */
function chooseSide(r: Refinement): number {
  const { pw, queue, g, maxSide } = r;
  const u0 = queue[0].top();
  const u1 = queue[1].top();
  if (u0 < 0 && u1 < 0) return -1;
  let to: number;
  if (u0 >= 0 && u1 >= 0) {
    const g0 = queue[0].topKey();
    const g1 = queue[1].topKey();
    to = g0 > g1 ? 0 : g1 > g0 ? 1 : pw[0] < pw[1] ? 0 : 1;
    if (pw[to] + g.vw[to === 0 ? u0 : u1] > maxSide) to = 1 - to;
  } else to = u0 >= 0 ? 0 : 1;
  const v = to === 0 ? u0 : u1;
  return v >= 0 && pw[to] + g.vw[v] <= maxSide ? to : -1;
}

/** Moves separator vertex v to side `to`, pulling its neighbours on the other side into the separator. */
function moveVertex(r: Refinement, v: number, to: number, stamp: number): void {
  const { g, side, pw, ed, queue, locked, pulled } = r;
  const { xadj, adj, vw } = g;
  const other = 1 - to;
  const edTo = ed[to];
  const edOther = ed[other];
  queue[0].remove(v);
  queue[1].remove(v);
  locked[v] = stamp;
  side[v] = to;
  pw[to] += vw[v];
  pw[2] -= vw[v];
  for (let p = xadj[v]; p < xadj[v + 1]; p++) {
    const u = adj[p];
    if (side[u] === 2) {
      // one more neighbour on `to`: moving u to the other side would pull v back
      edTo[u] += vw[v];
      if (locked[u] !== stamp && queue[other].has(u)) queue[other].set(u, vw[u] - edTo[u]);
    } else if (side[u] === other) {
      side[u] = 2;
      pw[other] -= vw[u];
      pw[2] += vw[u];
      pulled.push(u);
      let e0 = 0;
      let e1 = 0;
      for (let q = xadj[u]; q < xadj[u + 1]; q++) {
        const w = adj[q];
        const s = side[w];
        if (s === 0) e0 += vw[w];
        else if (s === 1) e1 += vw[w];
        else if (w !== u) {
          // w loses a neighbour on the other side: moving it to `to` pulls less
          edOther[w] -= vw[u];
          if (locked[w] !== stamp && queue[to].has(w)) queue[to].set(w, vw[w] - edOther[w]);
        }
      }
      ed[0][u] = e0;
      ed[1][u] = e1;
      // only towards `to`: moving it back would undo this move
      if (locked[u] !== stamp) queue[to].set(u, vw[u] - edOther[u]);
    }
  }
  r.moves.push(v, to, pulled.length);
}

/** Undoes the moves after the first `keep` (entries of r.moves). */
function rollBack(r: Refinement, keep: number): void {
  const { side, pw, moves, pulled, g } = r;
  const vw = g.vw;
  for (let m = moves.length - 3; m >= keep; m -= 3) {
    const v = moves[m];
    const to = moves[m + 1];
    const end = moves[m + 2];
    const start = m >= 3 ? moves[m - 1] : 0;
    for (let q = start; q < end; q++) {
      const u = pulled[q];
      side[u] = 1 - to;
      pw[1 - to] += vw[u];
      pw[2] -= vw[u];
    }
    side[v] = 2;
    pw[to] -= vw[v];
    pw[2] += vw[v];
  }
  moves.length = keep;
}
