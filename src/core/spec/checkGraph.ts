/**
 * Graph mode (docs/theory.md §7, docs/architecture.md §1): `data` (the N rows), `graph` (the
 * positive-pair relation), `embedding` (K) and `methods`. Structure from the definition
 * (definition.ts); what the text alone decides about an inline X (K against N and D, views
 * dividing N, edge indices and k below N) is checked here; what needs the files is left to
 * the graph analysis.
 */
import type { ProblemFix } from '../problems/problems';
import { Checker, MAX_ITEM_PROBLEMS, childDef, joinPath, numberDef, type Num } from './checker';
import { dataSource } from './checkData';
import { DEF } from './definition';
import type { NumberDef } from './definitionTypes';
import { GRAPH_DEFAULTS, type DataSourceSpec, type GraphMethodsSpec, type GraphRelationSpec, type GraphSpec, type Span } from './model';
import { describeNode, type MapEntry, type MapNode, type SourceNode } from './sourceTree';

type Keys = Map<string, MapEntry>;
export type GraphParts = Pick<GraphSpec, 'data' | 'graph' | 'graphKeySpan' | 'embedding' | 'embeddingSpan' | 'embeddingKeySpan' | 'methods'>;

/** Rows N and feature columns D of an inline X (undefined with a data file: the analysis knows them). */
interface Shape {
  N?: number;
  D?: number;
}

function shapeOf(data: DataSourceSpec | undefined): Shape {
  if (!data?.X || !data.X.length) return {};
  return { N: data.X.length, D: data.X[0].length - (data.labels && 'column' in data.labels ? 1 : 0) };
}

/** The graph-mode fields of the root mapping (`k`: its checked keys). */
export function graphMode(c: Checker, k: Keys): GraphParts | undefined {
  const dataE = k.get('data');
  const graphE = k.get('graph');
  const embE = k.get('embedding');
  const data = dataE ? dataSource(c, dataE, DEF.graphData) : undefined;
  const shape = shapeOf(data);
  const labelsWritten = dataE?.value.kind === 'map' && dataE.value.entries.some((e) => e.key === 'labels');
  const graph = graphE ? relation(c, graphE, shape, labelsWritten) : undefined;
  const K = embE ? embedding(c, embE, shape) : undefined;
  const methodsE = k.get('methods');
  const methods = methodsE ? writtenMethods(c, methodsE, graph) : graphE ? defaultMethods(graphE.keySpan) : undefined;
  if (!data || !graph || !K || !methods || !graphE || !embE) return undefined;
  return { data, graph, graphKeySpan: graphE.keySpan, embedding: K.value, embeddingSpan: K.span, embeddingKeySpan: embE.keySpan, methods };
}

/** K: at most D and below N when the rows are inline. */
function embedding(c: Checker, entry: MapEntry, shape: Shape): Num | undefined {
  const K = c.num(entry.value, numberDef(DEF.root, 'embedding'), 'embedding', entry.keySpan);
  if (!K) return undefined;
  if (shape.N !== undefined && K.value >= shape.N) {
    c.outOfRange('embedding', `< N = ${shape.N} (the rows of data.X: at most N - 1 directions besides the constant one)`, K);
    return undefined;
  }
  if (shape.D !== undefined && K.value > shape.D) {
    c.outOfRange('embedding', `≤ D = ${shape.D} (the feature columns of data.X)`, K);
    return undefined;
  }
  return K;
}

/** `graph`: exactly one of views | labels | knn | edges. */
function relation(c: Checker, entry: MapEntry, shape: Shape, labelsWritten: boolean): GraphRelationSpec | undefined {
  const o = c.object(entry, DEF.graph, 'graph');
  if (!o?.map) return undefined;
  const { entry: rel, ok } = c.exclusive(o.map, DEF.graph, 'graph', entry.keySpan);
  if (!rel) return undefined;
  const span = o.map.span;
  const out = RELATIONS[rel.key as keyof typeof RELATIONS](c, rel, span, shape, labelsWritten);
  return ok ? out : undefined;
}

type Relation = (c: Checker, rel: MapEntry, span: Span, shape: Shape, labelsWritten: boolean) => GraphRelationSpec | undefined;

const RELATIONS: Record<'views' | 'labels' | 'knn' | 'edges', Relation> = {
  views(c, rel, span, { N }) {
    const n = c.num(rel.value, numberDef(DEF.graph, 'views'), 'graph.views', rel.keySpan);
    if (!n) return undefined;
    if (N !== undefined && N % n.value !== 0) {
      c.report(
        'dimension-mismatch',
        `graph.views: ${n.raw} views per sample do not divide the N = ${N} rows of data.X (consecutive groups of ${n.raw} rows are one sample).`,
        n.span,
      );
      return undefined;
    }
    return { kind: 'views', views: n.value, valueSpan: n.span, span };
  },
  // rule 'labels-relation-needs-labels'
  labels(c, rel, span, _shape, labelsWritten) {
    const b = c.bool(rel, childDef(DEF.graph, 'labels', 'boolean'), 'graph.labels');
    if (b === undefined) return undefined;
    if (!labelsWritten) {
      c.report('missing-field', 'graph.labels: G_ij = 1[y_i = y_j] needs labels: add data.labels ({column: -1} or {file: labels.npy}).', rel.keySpan);
      return undefined;
    }
    return { kind: 'labels', span };
  },
  knn(c, rel, span, { N }) {
    const o = c.object(rel, DEF.knn, 'graph.knn');
    const k = o?.ok ? c.numAt(o.k, DEF.knn, 'k', 'graph.knn') : undefined;
    if (!k) return undefined;
    if (N !== undefined && k.value >= N) {
      c.outOfRange('graph.knn.k', `< N = ${N} (each row has N - 1 other rows)`, k);
      return undefined;
    }
    return { kind: 'knn', k: k.value, valueSpan: k.span, span };
  },
  edges(c, rel, span, { N }) {
    const node = rel.value;
    if (node.kind === 'map') return edgesFile(c, rel, span);
    if (node.kind !== 'seq') {
      c.wrongType('graph.edges', childDef(DEF.graph, 'edges', 'union').expected!, node, rel.keySpan);
      return undefined;
    }
    if (node.items.length === 0) {
      c.report('invalid-value', 'graph.edges: the list is empty; give at least one pair [i, j].', node.span);
      return undefined;
    }
    const edges: Array<[number, number, number]> = [];
    let bad = 0;
    for (let i = 0; i < node.items.length && bad < MAX_ITEM_PROBLEMS; i++) {
      const e = edge(c, node.items[i], `graph.edges[${i}]`, node.span, N);
      if (e) edges.push(e);
      else bad++;
    }
    return bad ? undefined : { kind: 'edges', edges, span };
  },
};

function edgesFile(c: Checker, rel: MapEntry, span: Span): GraphRelationSpec | undefined {
  const o = c.object(rel, DEF.edgesFile, 'graph.edges');
  const fileE = o?.ok ? o.k.get('file') : undefined;
  const f = fileE && c.filePath(fileE, childDef(DEF.edgesFile, 'file', 'string'), 'graph.edges.file');
  if (!f) return undefined;
  return { kind: 'edges-file', path: f.value, pathSpan: f.span, ...(c.baseDir !== undefined ? { resolved: joinPath(c.baseDir, f.value) } : {}), span };
}

/** One pair [i, j] or [i, j, w]: indices below N (inline X), i != j (`self-loop`), w > 0. */
function edge(c: Checker, node: SourceNode, path: string, listSpan: Span, N: number | undefined): [number, number, number] | undefined {
  const def = DEF.edge;
  if (node.kind !== 'seq' || node.items.length < def.minItems || node.items.length > def.items.length) {
    const got = node.kind === 'seq' ? `a list of ${node.items.length} value${node.items.length === 1 ? '' : 's'}` : describeNode(node);
    c.report('wrong-type', `${path}: expected ${def.expected}, got ${got}.`, node.span.end > node.span.start ? node.span : listSpan);
    return undefined;
  }
  const nums = node.items.map((item, j) => c.num(item, def.items[j] as NumberDef, `${path}[${j}]`, node.span));
  const [i, j, w] = nums;
  if (!i || !j || (node.items.length === 3 && !w)) return undefined;
  if (i.value === j.value) {
    c.report('self-loop', `${path}: a self-loop (i = j = ${i.raw}) is not a positive pair; remove it.`, node.span);
    return undefined;
  }
  for (const [idx, n] of [
    [0, i],
    [1, j],
  ] as const) {
    if (N !== undefined && n.value >= N) {
      c.outOfRange(`${path}[${idx}]`, `< N = ${N} (a 0-based row index of data.X)`, n);
      return undefined;
    }
  }
  return [i.value, j.value, w?.value ?? 1];
}

// ---------------------------------------------------------------- methods

/** Absent `methods`: all three, VICReg with GRAPH_DEFAULTS (the analysis reports barlow null unless graph is views: 2). */
function defaultMethods(span: Span): GraphMethodsSpec {
  return { vicreg: { ...GRAPH_DEFAULTS, span }, simclr: { span }, barlow: { span } };
}

function entrySpan(e: MapEntry): Span {
  return { start: e.keySpan.start, end: Math.max(e.keySpan.end, e.value.span.end) };
}

function writtenMethods(c: Checker, entry: MapEntry, graph: GraphRelationSpec | undefined): GraphMethodsSpec | undefined {
  const o = c.object(entry, DEF.methods, 'methods');
  if (!o?.map) return undefined;
  let ok = o.ok;
  const out: GraphMethodsSpec = { keySpan: entry.keySpan };
  const vE = o.k.get('vicreg');
  if (vE) {
    const v = c.object(vE, DEF.vicreg, 'methods.vicreg');
    const a = v ? c.numAt(v.k, DEF.vicreg, 'variance', 'methods.vicreg') : null;
    const g = v ? c.numAt(v.k, DEF.vicreg, 'invariance', 'methods.vicreg') : null;
    const b = v ? c.numAt(v.k, DEF.vicreg, 'covariance', 'methods.vicreg') : null;
    if (!v || a === null || g === null || b === null) ok = false;
    else {
      out.vicreg = {
        variance: a?.value ?? GRAPH_DEFAULTS.variance,
        invariance: g?.value ?? GRAPH_DEFAULTS.invariance,
        ...(b ? { covariance: b.value, covarianceSpan: b.span } : {}),
        ...(a ? { varianceSpan: a.span } : {}),
        ...(g ? { invarianceSpan: g.span } : {}),
        span: entrySpan(vE),
      };
    }
  }
  for (const name of ['simclr', 'barlow'] as const) {
    const e = o.k.get(name);
    if (!e) continue;
    if (!c.object(e, childDef(DEF.methods, name, 'object'), `methods.${name}`)) ok = false;
    else out[name] = { span: entrySpan(e) };
  }
  const bE = o.k.get('barlow');
  if (ok && bE && graph && !(graph.kind === 'views' && graph.views === 2)) {
    const fix = removeEntryFix(c, o.map, bE);
    c.report(
      'barlow-needs-two-views',
      `methods.barlow: Barlow Twins compares two views of each sample and needs graph.views = 2 (this spec's graph is ${describeRelation(graph)}); it is skipped (reported as null).`,
      bE.keySpan,
      fix ? [fix] : undefined,
      'info',
    );
  }
  return ok ? out : undefined;
}

function describeRelation(g: GraphRelationSpec): string {
  switch (g.kind) {
    case 'views':
      return `views: ${g.views}`;
    case 'labels':
      return 'labels: true';
    case 'knn':
      return `knn: {k: ${g.k}}`;
    default:
      return 'explicit edges';
  }
}

/**
 * An edit removing entry `e` from mapping `map`, when that is clean: not the only entry (an
 * empty `methods` is an error), not merged from an alias, and in a block mapping on lines of
 * its own; in a flow mapping or JSON with its separating comma.
 */
function removeEntryFix(c: Checker, map: MapNode, e: MapEntry): ProblemFix | undefined {
  const i = map.entries.indexOf(e);
  if (map.entries.length < 2 || e.merged || i < 0) return undefined;
  const title = `Remove '${e.key}' from methods`;
  const text = c.text;
  let end = entrySpan(e).end;
  while (end > e.keySpan.end && /\s/.test(text[end - 1])) end--;
  if (c.format === 'json' || map.flow) {
    // with the comma before it (or, for the first entry, after it)
    const edit = i > 0 ? { start: entrySpan(map.entries[i - 1]).end, end } : { start: e.keySpan.start, end: map.entries[1].keySpan.start };
    const gap = i > 0 ? text.slice(edit.start, e.keySpan.start) : text.slice(end, edit.end);
    return /^\s*,\s*$/.test(gap) ? { title, edits: [{ ...edit, newText: '' }] } : undefined;
  }
  // a block mapping: the entry's whole lines
  const lineStart = text.lastIndexOf('\n', e.keySpan.start - 1) + 1;
  const nl = text.indexOf('\n', end);
  const lineEnd = nl < 0 ? text.length : nl;
  if (text.slice(lineStart, e.keySpan.start).trim() !== '' || !/^[ \t]*(#.*)?\r?$/.test(text.slice(end, lineEnd))) return undefined;
  return { title, edits: [{ start: lineStart, end: nl < 0 ? text.length : nl + 1, newText: '' }] };
}
