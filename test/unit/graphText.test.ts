/**
 * Graph mode as text (docs/theory.md §7): `sslexp analyze` (the pinned JSON document and the
 * readable lines, spectralEmbedding/face/cli.ts) and the editor's summaries (CodeLens title,
 * tooltip, hovers: face/summary.ts, face/hover.ts), on a hand-built SpectralEmbeddingEngineResult.
 *
 * The example: N = 6 rows in three classes of two, G_ij = 1[y_i = y_j] (three disjoint
 * pairs), K = 4. Then L has eigenvalues 0 (x3) and 2 (x3); VICReg at a = g = 25 has the cut
 * a/(4g) = 0.25, σ = 1, 1, (25/(100·2))² = 0.015625 twice; SimCLR's kernel D^(−1/2) G D^(−1/2) = G
 * has eigenvalues 1 (x3) and -1 (x3), so its representation has rank 3 of K = 4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysisJson } from '../../src/cli/analyze';
import { graphAnalysisJson, graphAnalysisText, listHead } from '../../src/core/theories/spectralEmbedding/face/cli';
import { locate, safeText, type Loaded } from '../../src/cli/io';
import type { SpectralEmbeddingEngineResult } from '../../src/core/engine/types';
import type { GraphSpec } from '../../src/core/spec/model';
import type { GraphAnalysis } from '../../src/core/theories/spectralEmbedding/types';
import { graphLensTitle, graphRecommendationText, graphTooltip } from '../../src/core/theories/spectralEmbedding/face/summary';
import { embeddingHover, graphKeyHover, invarianceHover, keySpanBefore, knnHover, varianceHover } from '../../src/core/theories/spectralEmbedding/face/hover';

const TEXT = `sslexp: 1
name: Three pairs
data:
  X: [[1, 0, 0, 0], [1, 0.1, 0, 0], [0, 1, 0, 1], [0, 1, 0.1, 1], [0, 0, 1, 2], [0.1, 0, 1, 2]]
  labels: {column: -1}
graph: {labels: true}
embedding: 4
methods:
  vicreg: {variance: 25, invariance: 25}
  simclr: {}
  barlow: {}
`;

const REASON =
  'The pair graph is aligned with the labels (pair agreement 1 ≥ 0.9): any method recovers the supervised solution; with little data prefer VICReg with a high invariance weight (docs/theory.md §7.8).';

function analysis(): GraphAnalysis {
  return {
    dimensions: { N: 6, D: 3, K: 4 },
    graph: { kind: 'labels', edges: 3, components: 3, laplacian: [-2.1e-16, 1.3e-16, 4e-16, 2, 2] },
    representation: {
      vicreg: { eigenvalues: [0, 0, 2, 2], sigma: [1, 1, 0.015625, 0.015625], loss: 46.875, rank: 4 },
      simclr: { eigenvalues: [1, 1, 1, -1], rank: 3 },
    },
    linear: {
      vicreg: {
        mu: [0.0125, 0.0131, 2],
        sigma: [1, 1, 0.015625],
        gram: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        rank: 3,
        unique: true,
      },
      simclr: {
        eigenvalues: [0.71, 0.64, 0],
        gram: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 0],
        ],
        rank: 2,
        unique: true,
      },
      barlow: null,
    },
    alignment: { pairAgreement: 1, classCoverage: 1, aligned: true },
    recommendation: { method: 'vicreg', invariance: 'high', g: null, lowData: false, reason: REASON },
    invarianceSweep: null,
    weights: { variance: 25, invariance: 25 },
  };
}

const span = (needle: string, from = 0): { start: number; end: number } => {
  const start = TEXT.indexOf(needle, from);
  assert.ok(start >= 0, needle);
  return { start, end: start + needle.length };
};

function result(a: GraphAnalysis | null = analysis()): SpectralEmbeddingEngineResult {
  const spec = {
    mode: 'graph',
    sslexp: 1,
    name: 'Three pairs',
    graph: { kind: 'labels', span: span('{labels: true}') },
    span: { start: 0, end: TEXT.length },
  } as unknown as GraphSpec;
  const barlow = span('barlow');
  return {
    theory: 'spectralEmbedding',
    mode: 'graph',
    spec,
    problems: [
      {
        code: 'barlow-needs-two-views',
        severity: 'info',
        message:
          "methods.barlow: Barlow Twins compares two views of each sample and needs graph.views = 2 (this spec's graph is labels: true); it is skipped (reported as null).",
        start: barlow.start,
        end: barlow.end,
      },
    ],
    ...(a ? { analysis: a } : {}),
  };
}

const loaded = (r: SpectralEmbeddingEngineResult): Loaded => ({ file: 'graph/three-pairs.sslexp.yaml', text: TEXT, result: r });
const ctx = (problems: ReturnType<typeof locate>) => ({ file: 'graph/three-pairs.sslexp.yaml', problems, safe: safeText });

test('analyze: the readable lines of a graph-mode analysis', () => {
  const r = result();
  const lines = graphAnalysisText(r, ctx(locate(TEXT, r.problems)));
  assert.deepEqual(lines, [
    'graph/three-pairs.sslexp.yaml — Three pairs',
    '  graph mode: N = 6 rows × D = 3 features, K = 4',
    '  labels graph (G_ij = 1 when y_i = y_j): 3 edges, 3 connected components',
    '  Laplacian λ_0..4 = 0, 0, 0, 2, 2',
    '  VICReg (a = 25, g = 25; a/(4g) = 0.25): rank 4/4 (b → ∞), σ_k = 1 on 2 of 4',
    '    λ_1..4 = 0, 0, 2, 2',
    '    σ   = 1, 1, 0.0156, 0.0156',
    '  SimCLR: rank 3/4 (collapse: 1 dimension is 0); eigenvalues of D^(−1/2) G D^(−1/2) = 1, 1, 1, -1',
    '  linear ranks (of min(D, K) = 3): VICReg 3 (b → ∞), SimCLR 2',
    '  pair agreement: 1, class coverage: 1 (aligned with the labels: both ≥ 0.9)',
    '  recommendation: vicreg, high invariance',
    `    ${REASON}`,
    '  problems:',
    `    11:3: info barlow-needs-two-views: methods.barlow: Barlow Twins compares two views of each sample and needs graph.views = 2 (this spec's graph is labels: true); it is skipped (reported as null).`,
  ]);
});

test('analyze: Barlow Twins, a misaligned graph, other graph kinds and long lists', () => {
  const a = analysis();
  a.dimensions = { N: 24, D: 4, K: 10 };
  a.graph = { kind: 'views', edges: 12, components: 12, laplacian: Array.from({ length: 11 }, () => 0) };
  a.linear.barlow = { correlations: [0.988, 0.962, 0.932, 0.37], gram: [], rank: 4, unique: true };
  a.alignment = { pairAgreement: 0.8636, classCoverage: 1, aligned: false };
  a.recommendation = { method: 'any', invariance: null, g: null, lowData: false, reason: 'Any method.' };
  const r = result(a);
  r.spec!.graph = { kind: 'views', views: 2, valueSpan: { start: 0, end: 1 }, span: { start: 0, end: 1 } };
  r.problems = [];
  const lines = graphAnalysisText(r, ctx([]));
  assert.equal(lines[2], '  views graph (2 views per sample): 12 edges, 12 connected components');
  assert.equal(lines[3], '  Laplacian λ_0..10 = 0, 0, 0, 0, 0, 0, …, 0, 0 (11 values)');
  assert.ok(lines.includes('  linear ranks (of min(D, K) = 4): VICReg 3 (b → ∞), SimCLR 2, Barlow Twins 4'), lines.join('\n'));
  assert.ok(lines.includes('  Barlow Twins: rank 4/4; canonical correlations = 0.988, 0.962, 0.932, 0.37'), lines.join('\n'));
  assert.ok(lines.includes('  pair agreement: 0.8636, class coverage: 1 (not aligned with the labels: not both ≥ 0.9)'), lines.join('\n'));
  assert.ok(lines.includes('  recommendation: any method'), lines.join('\n'));
  assert.ok(!lines.includes('  problems:'));
  for (const [g, text] of [
    [{ kind: 'knn', k: 10 }, 'knn graph (k = 10)'],
    [
      {
        kind: 'edges',
        edges: [
          [0, 1, 1],
          [1, 2, 0.5],
        ],
      },
      'edges graph (2 pairs listed)',
    ],
    [{ kind: 'edges-file', path: 'pairs\n.csv' }, 'edges graph (pairs from pairs\\n.csv)'],
  ] as const) {
    r.spec!.graph = g as unknown as GraphSpec['graph'];
    assert.ok(graphAnalysisText(r, ctx([]))[2].startsWith(`  ${text}: `), text);
  }
});

test('analyze: a spec that did not get an analysis prints its problems only', () => {
  const r = result(null);
  r.problems = [{ code: 'file-not-found', severity: 'error', message: "File 'x.npy' not found.", start: 0, end: 6 }];
  assert.deepEqual(graphAnalysisText(r, ctx(locate(TEXT, r.problems))), [
    'graph/three-pairs.sslexp.yaml — Three pairs',
    '  problems:',
    "    1:1: error file-not-found: File 'x.npy' not found.",
  ]);
});

test('analyze --json: the pinned keys, in order, with the analysis as is', () => {
  const r = result();
  const doc = analysisJson(loaded(r));
  assert.deepEqual(Object.keys(doc), [
    'file',
    'mode',
    'name',
    'dimensions',
    'graph',
    'representation',
    'linear',
    'alignment',
    'recommendation',
    'invarianceSweep',
    'problems',
  ]);
  const a = analysis();
  assert.equal(doc.file, 'graph/three-pairs.sslexp.yaml');
  assert.equal(doc.mode, 'graph');
  assert.equal(doc.name, 'Three pairs');
  assert.deepEqual(doc.dimensions, a.dimensions);
  assert.deepEqual(doc.graph, a.graph);
  assert.deepEqual(doc.representation, a.representation);
  assert.deepEqual(doc.linear, a.linear);
  assert.deepEqual(doc.alignment, a.alignment);
  assert.deepEqual(doc.recommendation, a.recommendation);
  assert.deepEqual(doc.problems, [
    {
      code: 'barlow-needs-two-views',
      severity: 'info',
      message:
        "methods.barlow: Barlow Twins compares two views of each sample and needs graph.views = 2 (this spec's graph is labels: true); it is skipped (reported as null).",
      line: 11,
      column: 3,
      endLine: 11,
      endColumn: 9,
    },
  ]);
  // Without an analysis every analysis key is null (the keys stay).
  const none: Record<string, unknown> = { file: 'x', ...graphAnalysisJson(result(null)), problems: [] };
  assert.deepEqual(Object.keys(none), Object.keys(doc));
  for (const k of ['dimensions', 'graph', 'representation', 'linear', 'alignment', 'recommendation', 'invarianceSweep']) assert.equal(none[k], null, k);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(doc)));
});

test('listHead: 3 significant figures, rounding noise as 0, long lists cut', () => {
  assert.equal(listHead([]), '(none)');
  assert.equal(listHead([-1e-15, 0.19850312, 10]), '0, 0.199, 10');
  assert.equal(listHead([1, 2, 3, 4, 5], 3), '1, …, 4, 5 (5 values)');
  assert.equal(listHead([0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 100, 100], 8), '0, 0, 0, 0, 0, 0, …, 100, 100 (12 values)');
  assert.equal(listHead([1, 2], 1), '1, … (2 values)');
});

// ---------------------------------------------------------------------------------------
// The editor's summaries

test('CodeLens title and recommendation text', () => {
  const a = analysis();
  assert.equal(graphLensTitle(a), 'VICReg, high invariance weight · ranks VICReg 4/4, SimCLR 3/4 (collapse)');
  a.linear.barlow = { correlations: [0.9, 0.8, 0], gram: [], rank: 2, unique: true };
  a.recommendation = { method: 'vicreg', invariance: 'low', g: null, lowData: false, reason: '' };
  assert.equal(graphLensTitle(a), 'VICReg, low invariance weight · ranks VICReg 4/4, SimCLR 3/4 (collapse), Barlow 2/3 (collapse)');
  a.representation.simclr = null;
  a.linear.barlow = null;
  a.recommendation = { method: 'any', invariance: null, g: null, lowData: false, reason: '' };
  assert.equal(graphLensTitle(a), 'any method · ranks VICReg 4/4');
  assert.equal(graphRecommendationText({ method: 'barlow', invariance: null, g: null, lowData: false, reason: '' }), 'Barlow Twins');
  assert.equal(graphRecommendationText({ method: 'any', invariance: null, g: null, lowData: false, reason: '' }), 'any method');
});

test('tooltip: the graph, VICReg, SimCLR, the linear ranks, the pair agreement and class coverage, the advised g, few data and the reason', () => {
  const a = analysis();
  a.recommendation = { ...a.recommendation, g: 25, lowData: true };
  assert.equal(
    graphTooltip(a),
    [
      'labels graph on N = 6 rows (D = 3): 3 edges, 3 connected components; K = 4',
      'VICReg (a = 25, g = 25): a/(4g) = 0.25, σ_k = 1 on 2 of 4 directions; rank 4/4',
      'SimCLR: 3 positive eigenvalues of D^(−1/2) G D^(−1/2) among the top 4; rank 3/4 (collapse: 1 dimension exactly 0)',
      'linear ranks (of min(D, K) = 3): VICReg 3, SimCLR 2',
      'Pair agreement 1 (aligned with the labels, ≥ 0.9); class coverage 1',
      'Advised invariance weight g = 25 (the spec has g = 25)',
      'Few data: N = 6 rows for D = 3 features (2 per feature < 10)',
      '',
      `Recommendation: VICReg, high invariance weight. ${REASON}`,
    ].join('\n'),
  );
});

test('hover on invariance: the cut a/(4g), how many σ_k = 1, the g that makes every σ_k = 1', () => {
  const md = invarianceHover(analysis())!;
  assert.ok(md.startsWith("**invariance: g = 25**, VICReg's invariance weight (docs/theory.md §7.5 (b))"), md);
  assert.ok(
    md.includes('the cut **a/(4g) = 0.25**. σ_k = 1 on **2 of 4** directions (λ_k ≤ 0.25); the other 2 shrink to (a/(4gλ_k))², the smallest to 0.0156.'),
    md,
  );
  assert.ok(md.includes('Every σ_k = 1 for **g ≤ a/(4 max λ_k) = 3.13** (max λ_k = 2).'), md);
  assert.ok(md.includes('**Recommendation: VICReg, high invariance weight.**'), md);
  // an aligned graph with few data (N = 6 < 10 D): the advised weight and the amount of data close the hover
  const adv = analysis();
  adv.recommendation = { ...adv.recommendation, g: 25, lowData: true };
  const withAdvice = invarianceHover(adv)!;
  assert.ok(
    withAdvice.endsWith(
      '\n\nAdvised invariance weight g = 25 (the spec has g = 25); Few data: N = 6 rows for D = 3 features (2 per feature < 10) (docs/theory.md §7.9).',
    ),
    withAdvice,
  );
  const a = analysis();
  a.representation.vicreg = { eigenvalues: [0, 0, 0, 0], sigma: [1, 1, 1, 1], loss: 0, rank: 4 };
  assert.ok(invarianceHover(a)!.includes('Every λ_k is 0: every σ_k = 1 whatever g.'));
  a.representation.vicreg = null;
  assert.equal(invarianceHover(a), undefined);
});

test('hover on variance, embedding, knn k and the graph key', () => {
  const v = varianceHover(analysis())!;
  assert.ok(v.includes('With invariance g = 25: the cut **a/(4g) = 0.25**; σ_k = 1 on **2 of 4** directions, the smallest σ_k is 0.0156.'), v);
  assert.ok(v.includes('Every σ_k = 1 for **a ≥ 4g·max λ_k = 200** (max λ_k = 2).'), v);
  const e = embeddingHover(analysis());
  assert.ok(e.startsWith('**embedding: K = 4**, the representation dimension'), e);
  assert.ok(e.includes('| VICReg | 4/4 | σ_k > 0 on every direction (smallest 0.0156) |'), e);
  assert.ok(e.includes('| SimCLR | 3/4 (collapse: 1 dimension 0) | positive eigenvalues of D^(−1/2) G D^(−1/2): 1, 1, 1, -1 |'), e);
  assert.ok(e.includes('| SimCLR, linear | 2/3 (collapse: 1 dimension 0) | λ⁺: 0.71, 0.64, 0 |'), e);
  assert.ok(e.includes("SimCLR's kernel has only 3 positive eigenvalues among its top 4: the other 1 dimension of its representation are exactly 0"), e);
  const k = knnHover({ ...analysis(), graph: { kind: 'knn', edges: 20, components: 2, laplacian: [0, 1e-17, 0.5] } }, 3);
  assert.ok(k.startsWith('**k = 3** nearest other rows per row'), k);
  assert.ok(k.includes('**20 edges**, **2 connected components**'), k);
  assert.ok(k.includes('Laplacian λ_0..2 = 0, 0, 0.5'), k);
  assert.ok(k.includes('2 components give 2 zero eigenvalues'), k);
  const g = graphKeyHover(analysis());
  assert.ok(g.startsWith('**graph: labels**: the positive-pair relation G over N = 6 rows'), g);
  assert.ok(g.includes(`**Recommendation: VICReg, high invariance weight.** ${REASON}`), g);
});

test('keySpanBefore finds the key written before a value (YAML and JSON)', () => {
  const yaml = 'graph:\n  knn: {k: 10}\n';
  const at = yaml.indexOf('10');
  assert.deepEqual(keySpanBefore(yaml, at, 'k', 0), { start: yaml.indexOf('k:'), end: yaml.indexOf('k:') + 1 });
  const json = '{"graph": {"knn": {"k": 10}}}';
  const j = json.indexOf('10');
  assert.deepEqual(keySpanBefore(json, j, 'k', 0), { start: json.indexOf('k"'), end: json.indexOf('k"') + 1 });
  const vic = 'vicreg: {variance: 25, invariance: 5}';
  assert.deepEqual(keySpanBefore(vic, vic.indexOf('5}'), 'invariance', 0), { start: vic.indexOf('invariance'), end: vic.indexOf('invariance') + 10 });
  assert.equal(keySpanBefore(yaml, at, 'knn', 0), undefined, 'only the key right before the value');
  assert.equal(keySpanBefore(yaml, at, 'k', at - 2), undefined, 'not before the lower bound');
});
