import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBLEM_CODES } from '../../src/core/problems/codes';
import { GRAPH_DEFAULTS, type GraphSpec } from '../../src/core/spec/model';
import { applyFix, specAsserts } from './support/specAsserts';

const { seen, parse, expectProblem } = specAsserts({ specAbsent: 'on-error', mode: 'graph' });

const slice = (text: string, s: { start: number; end: number } | undefined) => (s ? text.slice(s.start, s.end) : undefined);

/** The example of docs/architecture.md §1 (graph mode), comments included. */
const EXAMPLE = `sslexp: 1
name: Digits, two noisy views per image
data:
  file: data/views.npy        # N x D rows
  labels: {file: labels.npy}  # optional downstream labels
  center: false
graph:
  views: 2                    # consecutive groups of V rows are views of one sample
embedding: 8                  # K
methods:
  vicreg: {variance: 25, invariance: 25}
  simclr: {}
  barlow: {}
`;

/** A graph spec around the relation `graph` (inline rows: N = 4, D = 2, labels in the last column). */
const inline = (graph: string, extra = '') =>
  `sslexp: 1\ndata:\n  X: [[1, 0, 0], [0.9, 0.1, 0], [0, 1, 1], [0.1, 0.9, 1]]\n  labels: {column: -1}\ngraph: ${graph}\nembedding: 1\n${extra}`;

// ------------------------------------------------------------------ valid documents

test('graph mode: the docs/architecture.md §1 example parses into a GraphSpec', () => {
  const r = parse(EXAMPLE);
  assert.deepEqual(r.problems, []);
  assert.equal(r.mode, 'graph');
  const s = r.spec as GraphSpec;
  assert.equal(s.mode, 'graph');
  assert.equal(s.name, 'Digits, two noisy views per image');
  assert.equal(s.data.file, 'data/views.npy');
  assert.equal(s.data.fileResolved, '/work/specs/data/views.npy');
  assert.equal(s.data.center, false);
  assert.deepEqual(s.data.labels && 'file' in s.data.labels ? s.data.labels.file : undefined, 'labels.npy');
  assert.equal(s.graph.kind, 'views');
  assert.equal(s.graph.kind === 'views' && s.graph.views, 2);
  assert.equal(slice(EXAMPLE, s.graph.kind === 'views' ? s.graph.valueSpan : undefined), '2');
  assert.equal(slice(EXAMPLE, s.graphKeySpan), 'graph');
  assert.equal(s.embedding, 8);
  assert.equal(slice(EXAMPLE, s.embeddingSpan), '8');
  assert.equal(slice(EXAMPLE, s.embeddingKeySpan), 'embedding');
  assert.equal(s.methods.vicreg!.variance, 25);
  assert.equal(s.methods.vicreg!.invariance, 25);
  assert.equal(slice(EXAMPLE, s.methods.vicreg!.varianceSpan), '25');
  assert.equal(slice(EXAMPLE, s.methods.vicreg!.span), 'vicreg: {variance: 25, invariance: 25}');
  assert.equal(slice(EXAMPLE, s.methods.simclr!.span), 'simclr: {}');
  assert.equal(slice(EXAMPLE, s.methods.barlow!.span), 'barlow: {}');
  assert.equal(slice(EXAMPLE, s.methods.keySpan), 'methods');
  assert.equal(s.alpha, undefined);
  assert.equal(s.latent, undefined);
  assert.equal(s.simulate, undefined);
});

test('graph mode in JSON parses to the same model (spans aside)', () => {
  const json = JSON.stringify(
    {
      sslexp: 1,
      name: 'Digits, two noisy views per image',
      data: { file: 'data/views.npy', labels: { file: 'labels.npy' }, center: false },
      graph: { views: 2 },
      embedding: 8,
      methods: { vicreg: { variance: 25, invariance: 25 }, simclr: {}, barlow: {} },
    },
    null,
    2,
  );
  const strip = (o: unknown): unknown => JSON.parse(JSON.stringify(o, (k, v) => (/Span$|^span$/.test(k) ? undefined : v)));
  assert.deepEqual(strip(parse(json, 'x.sslexp.json').spec), strip(parse(EXAMPLE).spec));
});

test('absent methods: all three, VICReg with GRAPH_DEFAULTS, no info problem even when graph is not views: 2; center defaults to false', () => {
  const text = 'sslexp: 1\ndata: {file: rows.csv}\ngraph: {knn: {k: 10}}\nembedding: 4\n';
  const r = parse(text);
  assert.deepEqual(r.problems, []);
  const s = r.spec as GraphSpec;
  assert.deepEqual(Object.keys(s.methods), ['vicreg', 'simclr', 'barlow']);
  assert.equal(s.methods.vicreg!.variance, GRAPH_DEFAULTS.variance);
  assert.equal(s.methods.vicreg!.invariance, GRAPH_DEFAULTS.invariance);
  assert.equal(s.methods.keySpan, undefined, 'not written');
  assert.equal(slice(text, s.methods.barlow!.span), 'graph', 'defaults point at the graph key');
  assert.equal(s.data.center, false);
  assert.deepEqual({ ...s.graph, span: undefined, valueSpan: undefined }, { kind: 'knn', k: 10, span: undefined, valueSpan: undefined });
});

test('every relation: labels, knn, inline edges (weights default 1), edges from a file; methods given as empty values', () => {
  const labels = parse(inline('{labels: true}')).spec as GraphSpec;
  assert.equal(labels.graph.kind, 'labels');
  assert.deepEqual(labels.data.labels, { column: -1 });
  const edges = parse(inline('{edges: [[0, 1], [2, 3, 0.5]]}', 'methods:\n  vicreg:\n  simclr:\n')).spec as GraphSpec;
  assert.deepEqual(edges.graph.kind === 'edges' && edges.graph.edges, [
    [0, 1, 1],
    [2, 3, 0.5],
  ]);
  assert.deepEqual(edges.methods.vicreg && [edges.methods.vicreg.variance, edges.methods.vicreg.invariance], [25, 25]);
  assert.ok(edges.methods.simclr && !edges.methods.barlow);
  const text = 'sslexp: 1\ndata: {file: rows.npz, key: X}\ngraph:\n  edges: {file: ../pairs.csv}\nembedding: 2\n';
  const file = parse(text);
  assert.deepEqual(file.problems, []);
  const g = (file.spec as GraphSpec).graph;
  assert.equal(g.kind, 'edges-file');
  assert.equal(g.kind === 'edges-file' && g.resolved, '/work/pairs.csv');
  assert.equal(slice(text, g.kind === 'edges-file' ? g.pathSpan : undefined), '../pairs.csv');
  assert.equal((file.spec as GraphSpec).data.key, 'X');
});

// ------------------------------------------------------------------ modes

test('mode-conflict: signal/noise with graph, and the keys graph mode does not take', () => {
  const base = 'sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 2}\nembedding: 4\n';
  expectProblem(base + 'signal: {count: 1, variance: 1}\n', {
    code: 'mode-conflict',
    line: 5,
    column: 1,
    text: 'signal',
    message:
      "'signal' cannot be used together with 'graph': graph mode describes the data by its rows ('data') and the pair relation ('graph'), not by spectra.",
  });
  expectProblem(base + 'noise: {count: 1, variance: 1}\n', {
    code: 'mode-conflict',
    line: 5,
    column: 1,
    text: 'noise',
    message:
      "'noise' cannot be used together with 'graph': graph mode describes the data by its rows ('data') and the pair relation ('graph'), not by spectra.",
  });
  expectProblem(base + 'augmentation: {masking: {keep: 0.5}}\n', {
    code: 'mode-conflict',
    line: 5,
    column: 1,
    text: 'augmentation',
    message:
      "'augmentation' is not allowed in graph mode: the positive pairs are given by 'graph' (views, labels, knn or edges), not by an augmentation model.",
  });
  expectProblem(base + 'alpha: 1\n', {
    code: 'mode-conflict',
    line: 5,
    column: 1,
    text: 'alpha',
    message: "'alpha' is not allowed in graph mode: alpha is P1's alignment of the augmentation with the noise; graph mode has no augmentation model.",
  });
  expectProblem(base + 'simulate: {n: [10], alpha: 1}\n', {
    code: 'mode-conflict',
    line: 5,
    column: 1,
    text: 'simulate',
    message: "'simulate' is not allowed in graph mode: graph mode has no finite-n simulation.",
  });
  expectProblem(base + 'latent: 2\n', {
    code: 'mode-conflict',
    line: 5,
    column: 1,
    text: 'latent',
    message: "'latent' is not allowed in graph mode: the representation dimension of graph mode is 'embedding'.",
  });
});

test("mode-conflict: data mode's pipeline keys inside graph mode's data", () => {
  const at = (data: string) => `sslexp: 1\ndata: ${data}\ngraph: {views: 2}\nembedding: 4\n`;
  expectProblem(at('{file: v.npy, pca: 2}'), {
    code: 'mode-conflict',
    line: 2,
    column: 21,
    text: 'pca',
    message: "data.pca: 'pca' belongs to data mode (P1's pipeline); it is not allowed in graph mode: graph mode analyses the rows as they are.",
  });
  expectProblem(at('{file: v.npy, noise: {count: 1, variance: 1}}'), {
    code: 'mode-conflict',
    line: 2,
    column: 21,
    text: 'noise',
    message:
      "data.noise: 'noise' belongs to data mode (P1's appended noise coordinates); it is not allowed in graph mode: graph mode analyses the rows as they are.",
  });
  expectProblem(at('{X: [[1], [2]], Y: [1, 2]}'), {
    code: 'mode-conflict',
    line: 2,
    column: 23,
    text: 'Y',
    message: "data.Y: 'Y' belongs to data mode; in graph mode give downstream labels as 'labels' ({column} or {file}).",
  });
});

test('embedding and methods without a graph are mode-conflict in spectral and data mode', () => {
  const spectral = 'sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nembedding: 2\n';
  const r = parse(spectral);
  assert.equal(r.mode, 'spectral');
  const p = r.problems.find((q) => q.code === 'mode-conflict')!;
  assert.equal(p.message, "'embedding' belongs to graph mode, which needs a top-level 'graph' (the positive-pair relation).");
  assert.equal(spectral.slice(p.start, p.end), 'embedding');
  const data = 'sslexp: 1\ndata: {file: d.csv, pca: 2}\nmethods: {simclr: {}}\n';
  const q = parse(data);
  assert.equal(q.mode, 'data');
  assert.deepEqual(
    q.problems.map((x) => [x.code, data.slice(x.start, x.end), x.message]),
    [['mode-conflict', 'methods', "'methods' belongs to graph mode, which needs a top-level 'graph' (the positive-pair relation)."]],
  );
});

// ------------------------------------------------------------------ structure

test('missing-field: embedding and data (on the graph key), a relation, labels for labels: true', () => {
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 2}\n', {
    code: 'missing-field',
    line: 3,
    column: 1,
    text: 'graph',
    message: "Missing required field 'embedding' (graph mode needs 'data', 'graph' and 'embedding').",
  });
  expectProblem('sslexp: 1\ngraph: {views: 2}\nembedding: 2\n', {
    code: 'missing-field',
    line: 2,
    column: 1,
    text: 'graph',
    message: "Missing required field 'data' (graph mode needs 'data', 'graph' and 'embedding').",
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {}\nembedding: 2\n', {
    code: 'missing-field',
    line: 3,
    column: 1,
    text: 'graph',
    message: "graph: missing required field 'views' (or 'labels', 'knn' or 'edges').",
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph:\n  labels: true\nembedding: 2\n', {
    code: 'missing-field',
    line: 4,
    column: 3,
    text: 'labels',
    message: 'graph.labels: G_ij = 1[y_i = y_j] needs labels: add data.labels ({column: -1} or {file: labels.npy}).',
  });
  expectProblem('sslexp: 1\ndata: {labels: {column: 0}}\ngraph: {views: 2}\nembedding: 2\n', {
    code: 'missing-field',
    line: 2,
    column: 1,
    text: 'data',
    message: "data: missing required field 'file' (or an inline matrix 'X').",
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {knn: {}}\nembedding: 2\n', {
    code: 'missing-parameter',
    line: 3,
    column: 9,
    text: 'knn',
    message: "graph.knn: missing parameter 'k' (expected {k}).",
  });
});

test('conflicting-keys: two relations; file and X', () => {
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 2, knn: {k: 3}}\nembedding: 2\n', {
    code: 'conflicting-keys',
    line: 3,
    column: 19,
    text: 'knn',
    message: "graph: 'knn' conflicts with 'views': give exactly one pair relation.",
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy, X: [[1]]}\ngraph: {views: 2}\nembedding: 1\n', {
    code: 'conflicting-keys',
    line: 2,
    column: 21,
    text: 'X',
    message: "data: 'X' conflicts with 'file': give the data either inline (X) or as a file.",
  });
});

test('unknown-key with did-you-mean in graph, methods and vicreg', () => {
  const p = expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {veiws: 2}\nembedding: 2\n', {
    code: 'unknown-key',
    line: 3,
    column: 9,
    text: 'veiws',
    message: "Unknown key 'veiws' in 'graph'; did you mean 'views'?",
  });
  assert.deepEqual(parse(applyFix('sslexp: 1\ndata: {file: v.npy}\ngraph: {veiws: 2}\nembedding: 2\n', p)).problems, []);
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 2}\nembedding: 2\nmethods: {vicreg: {invarience: 3}}\n', {
    code: 'unknown-key',
    line: 5,
    column: 20,
    text: 'invarience',
    message: "Unknown key 'invarience' in 'methods.vicreg'; did you mean 'invariance'?",
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 2}\nembedding: 2\nmethods: {simclr: {tau: 1}}\n', {
    code: 'unknown-key',
    line: 5,
    column: 20,
    text: 'tau',
    message: "Unknown key 'tau' in 'methods.simclr'; allowed keys: none (an empty mapping {}).",
  });
});

test('keys named like Object.prototype members are unknown keys, not definitions', () => {
  expectProblem('sslexp: 1\ndata: {file: v.npy, constructor: 1}\ngraph: {views: 2, toString: 1}\nembedding: 2\n', {
    code: 'unknown-key',
    line: 2,
    column: 21,
    text: 'constructor',
    message: "Unknown key 'constructor' in 'data'; allowed keys: file, X, key, labels, center.",
  });
  const r = parse('sslexp: 1\ndata: {file: v.npy}\ngraph: {toString: 1}\nembedding: 2\n');
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['unknown-key'],
  );
});

test('wrong-type and invalid-value in graph mode', () => {
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: views\nembedding: 2\n', {
    code: 'wrong-type',
    line: 3,
    column: 8,
    text: 'views',
    message: 'graph: expected a mapping with one of views, labels, knn, edges, got a string ("views").',
  });
  expectProblem(inline('{edges: [[0, 1], [1, 2, 3, 4]]}'), {
    code: 'wrong-type',
    line: 5,
    column: 25,
    text: '[1, 2, 3, 4]',
    message: 'graph.edges[1]: expected a pair [i, j] or a weighted pair [i, j, w], got a list of 4 values.',
  });
  expectProblem(inline('{edges: 3}'), {
    code: 'wrong-type',
    line: 5,
    column: 16,
    text: '3',
    message: 'graph.edges: expected a list of pairs [i, j] or a mapping {file}, got a number (3).',
  });
  expectProblem(inline('{edges: []}'), {
    code: 'invalid-value',
    line: 5,
    column: 16,
    text: '[]',
    message: 'graph.edges: the list is empty; give at least one pair [i, j].',
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy, labels: {column: 0}}\ngraph: {labels: false}\nembedding: 2\n', {
    code: 'invalid-value',
    line: 3,
    column: 17,
    text: 'false',
    message: 'graph.labels: must be true (G_ij = 1[y_i = y_j] over data.labels); for another relation give views, knn or edges instead, got false.',
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 2}\nembedding: 2\nmethods: {}\n', {
    code: 'invalid-value',
    line: 5,
    column: 10,
    text: '{}',
    message: "methods: give at least one of vicreg, simclr, barlow (or omit 'methods' for all three).",
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 2}\nembedding: 2\nmethods: {barlow: 1}\n', {
    code: 'wrong-type',
    line: 5,
    column: 19,
    text: '1',
    message: 'methods.barlow: expected an empty mapping {}, got a number (1).',
  });
  expectProblem('sslexp: 1\ndata: {file: v.npy}\ngraph: {edges: {file: pairs.npy}}\nembedding: 2\n', {
    code: 'unsupported-file-type',
    line: 3,
    column: 23,
    text: 'pairs.npy',
    message: "graph.edges.file: unsupported file type '.npy' for an edge list; use .csv, .tsv, .txt.",
  });
});

// ------------------------------------------------------------------ values decidable from the text

test('out-of-range: views, k, embedding, indices, weights, VICReg weights', () => {
  const file = (graph: string, extra = '') => `sslexp: 1\ndata: {file: v.npy}\ngraph: ${graph}\nembedding: 2\n${extra}`;
  const cases: [string, number, number, string, string][] = [
    [file('{views: 1}'), 3, 16, '1', 'graph.views: must be an integer ≥ 2 (views per sample), got 1.'],
    [file('{views: 2.5}'), 3, 16, '2.5', 'graph.views: must be an integer ≥ 2 (views per sample), got 2.5.'],
    [file('{knn: {k: 0}}'), 3, 18, '0', 'graph.knn.k: must be a positive integer, got 0.'],
    [file('{edges: [[0, -1]]}'), 3, 21, '-1', 'graph.edges[0][1]: must be a non-negative integer (a 0-based row index), got -1.'],
    [file('{edges: [[0, 1, 0]]}'), 3, 24, '0', 'graph.edges[0][2]: must be > 0 (the weight of the pair), got 0.'],
    [file('{edges: [[0, 1, -2]]}'), 3, 24, '-2', 'graph.edges[0][2]: must be > 0 (the weight of the pair), got -2.'],
    [file('{views: 2}').replace('embedding: 2', 'embedding: 0'), 4, 12, '0', 'embedding: must be a positive integer (the representation dimension K), got 0.'],
    [file('{views: 2}', 'methods: {vicreg: {variance: 0}}\n'), 5, 30, '0', 'methods.vicreg.variance: must be > 0 (the VICReg variance weight a), got 0.'],
    [
      file('{views: 2}', 'methods: {vicreg: {invariance: -1}}\n'),
      5,
      32,
      '-1',
      'methods.vicreg.invariance: must be > 0 (the VICReg invariance weight g), got -1.',
    ],
    // inline X: N = 4 rows, D = 2 feature columns (the last column holds the labels)
    [inline('{knn: {k: 4}}'), 5, 18, '4', 'graph.knn.k: must be < N = 4 (each row has N - 1 other rows), got 4.'],
    [inline('{edges: [[0, 4]]}'), 5, 21, '4', 'graph.edges[0][1]: must be < N = 4 (a 0-based row index of data.X), got 4.'],
    [
      inline('{views: 2}').replace('embedding: 1', 'embedding: 4'),
      6,
      12,
      '4',
      'embedding: must be < N = 4 (the rows of data.X: at most N - 1 directions besides the constant one), got 4.',
    ],
    [inline('{views: 2}').replace('embedding: 1', 'embedding: 3'), 6, 12, '3', 'embedding: must be ≤ D = 2 (the feature columns of data.X), got 3.'],
  ];
  for (const [text, line, column, t, message] of cases) expectProblem(text, { code: 'out-of-range', line, column, text: t, message });
});

test('dimension-mismatch: views not dividing the rows of an inline X; self-loop on the pair', () => {
  expectProblem(inline('{views: 3}'), {
    code: 'dimension-mismatch',
    line: 5,
    column: 16,
    text: '3',
    message: 'graph.views: 3 views per sample do not divide the N = 4 rows of data.X (consecutive groups of 3 rows are one sample).',
  });
  expectProblem(inline('{edges: [[0, 1], [2, 2, 0.5]]}'), {
    code: 'self-loop',
    line: 5,
    column: 25,
    text: '[2, 2, 0.5]',
    message: 'graph.edges[1]: a self-loop (i = j = 2) is not a positive pair; remove it.',
  });
  // with a data file N is unknown to the parser: no check
  assert.deepEqual(parse('sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 3}\nembedding: 200\n').problems, []);
});

// ------------------------------------------------------------------ barlow without two views

test('barlow-needs-two-views: an info on the barlow key, the spec stays valid; the fix removes the entry (YAML block)', () => {
  const text =
    'sslexp: 1\ndata: {file: v.npy}\ngraph: {views: 3}\nembedding: 2\nmethods:\n  vicreg: {invariance: 5}\n  barlow: {}   # CCA of two views\n  simclr:\n';
  const r = parse(text);
  assert.ok(r.spec, 'an info keeps the spec');
  assert.ok((r.spec as GraphSpec).methods.barlow);
  const p = expectProblem(text, {
    code: 'barlow-needs-two-views',
    severity: 'info',
    line: 7,
    column: 3,
    text: 'barlow',
    message:
      "methods.barlow: Barlow Twins compares two views of each sample and needs graph.views = 2 (this spec's graph is views: 3); it is skipped (reported as null).",
  });
  assert.equal(p.fixes![0].title, "Remove 'barlow' from methods");
  const fixed = applyFix(text, p);
  assert.equal(fixed, text.replace('  barlow: {}   # CCA of two views\n', ''));
  assert.deepEqual(parse(fixed).problems, []);
});

test('barlow-needs-two-views: the fix in a YAML flow mapping and in JSON takes the comma; no fix when barlow is the only method', () => {
  const flow = 'sslexp: 1\ndata: {file: v.npy}\ngraph: {knn: {k: 5}}\nembedding: 2\nmethods: {barlow: {}, vicreg: {}}\n';
  const p = expectProblem(flow, {
    code: 'barlow-needs-two-views',
    severity: 'info',
    line: 5,
    column: 11,
    text: 'barlow',
    message:
      "methods.barlow: Barlow Twins compares two views of each sample and needs graph.views = 2 (this spec's graph is knn: {k: 5}); it is skipped (reported as null).",
  });
  assert.equal(applyFix(flow, p), flow.replace('barlow: {}, ', ''));
  const json =
    '{"sslexp": 1, "data": {"file": "v.npy", "labels": {"file": "y.npy"}}, "graph": {"labels": true}, "embedding": 2, "methods": {"simclr": {}, "barlow": {}}}';
  const q = parse(json, 'x.sslexp.json').problems.find((x) => x.code === 'barlow-needs-two-views')!;
  assert.equal(json.slice(q.start, q.end), '"barlow"');
  assert.equal(applyFix(json, q), json.replace(', "barlow": {}', ''));
  assert.ok(q.message.includes('labels: true'));
  const only = parse('sslexp: 1\ndata: {file: v.npy}\ngraph: {edges: [[0, 1]]}\nembedding: 1\nmethods: {barlow: {}}\n');
  const b = only.problems.find((x) => x.code === 'barlow-needs-two-views')!;
  assert.equal(b.severity, 'info');
  assert.equal(b.fixes, undefined, 'removing the only method would leave an empty methods');
  assert.ok(b.message.includes('explicit edges'));
  // views: 2 is fine
  assert.deepEqual(
    parse(EXAMPLE).problems.filter((x) => x.code === 'barlow-needs-two-views'),
    [],
  );
});

// ------------------------------------------------------------------ the mode of a spec with errors

test('ParseSpecResult.mode is graph whenever the root has a graph key, with or without errors', () => {
  assert.equal(parse('sslexp: 1\ngraph: 3\n').mode, 'graph');
  assert.equal(parse('graph: {views: 2}\ndata: {file: v.npy}\nembedding: 2\n').mode, 'graph');
  assert.equal(parse('sslexp: 1\ndata: {file: v.npy}\n').mode, 'data');
  assert.equal(parse('sslexp: 1\n').mode, 'spectral');
});

test('every code emitted in this file is in PROBLEM_CODES with the same severity; the graph codes are exercised', () => {
  for (const [code, severity] of seen) {
    assert.ok(code in PROBLEM_CODES, `code '${code}' missing from codes.ts`);
    assert.equal(PROBLEM_CODES[code].severity, severity, `severity of '${code}'`);
  }
  for (const c of [
    'mode-conflict',
    'missing-field',
    'missing-parameter',
    'conflicting-keys',
    'unknown-key',
    'wrong-type',
    'invalid-value',
    'out-of-range',
    'dimension-mismatch',
    'self-loop',
    'barlow-needs-two-views',
    'unsupported-file-type',
  ]) {
    assert.ok(seen.has(c), `no test emits '${c}'`);
  }
});
