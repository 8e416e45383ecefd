/**
 * Minimum-degree ordering of a small graph (the leaves of the nested dissection, ordering.ts):
 * repeatedly eliminate a vertex of least degree in the elimination graph (ties: the lowest
 * index), its neighbours becoming a clique (Tinney & Walker 1967; Rose 1972). The elimination
 * graph is held explicitly as bit sets, so this is for graphs of at most {@link MD_MAX_ROWS}
 * vertices; larger ones keep their order.
 */
import type { WeightedGraph } from './separator';

/** Largest graph ordered by minimum degree. */
export const MD_MAX_ROWS = 512;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The elimination order: order[t] is the vertex eliminated t-th. */
export function minimumDegree(g: WeightedGraph): Int32Array {
  const { n, xadj, adj } = g;
  const order = new Int32Array(n);
  if (n > MD_MAX_ROWS) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }
  const W = (n + 31) >>> 5;
  // bits[v W .. v W + W): the neighbours of v in the elimination graph (eliminated ones cleared)
  const bits = new Int32Array(n * W);
  const degree = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    for (let p = xadj[v]; p < xadj[v + 1]; p++) {
      const u = adj[p];
      if (u === v) continue;
      bits[v * W + (u >>> 5)] |= 1 << (u & 31);
    }
    for (let w = 0; w < W; w++) degree[v] += popcount(bits[v * W + w]);
  }
  const done = new Uint8Array(n);
  const nbrs = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    let v = -1;
    for (let u = 0; u < n; u++) if (!done[u] && (v < 0 || degree[u] < degree[v])) v = u;
    order[t] = v;
    done[v] = 1;
    const vo = v * W;
    let count = 0;
    for (let w = 0; w < W; w++) {
      let word = bits[vo + w];
      while (word !== 0) {
        const low = word & -word;
        nbrs[count++] = (w << 5) + 31 - Math.clz32(low);
        word ^= low;
      }
    }
    // every neighbour u of v: N(u) ∪ N(v) \ {u, v}
    for (let c = 0; c < count; c++) {
      const u = nbrs[c];
      const uo = u * W;
      let d = 0;
      for (let w = 0; w < W; w++) {
        const word = bits[uo + w] | bits[vo + w];
        bits[uo + w] = word;
      }
      bits[uo + (u >>> 5)] &= ~(1 << (u & 31));
      bits[uo + (v >>> 5)] &= ~(1 << (v & 31));
      for (let w = 0; w < W; w++) d += popcount(bits[uo + w]);
      degree[u] = d;
    }
    // v leaves every neighbour's set (done above for its neighbours: they are exactly those holding v)
  }
  return order;
}
