/**
 * The generated JSON Schema (schemas/sslexp.schema.json, what VS Code validates with) and the
 * validator (`parseSpec`, what `sslexp check` and the diagnostics report) come from one
 * definition (src/core/spec/definition.ts). Here they must agree on every variant: both
 * accept or both reject. The few rules a JSON Schema cannot say are listed separately.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseSpec } from '../../src/core/spec/parseSpec';

const ROOT = resolve(__dirname, '../../..');
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/sslexp.schema.json'), 'utf8')) as Schema;

interface Schema {
  [key: string]: unknown;
  type?: string | string[];
  title?: string;
  properties?: Record<string, Schema>;
  oneOf?: Schema[];
  items?: Schema | Schema[];
  $ref?: string;
  examples?: unknown[];
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  defaultSnippets?: { label: string; body: unknown }[];
  dependencies?: Record<string, { required?: string[] }>;
  not?: { anyOf?: { required?: string[] }[] };
  definitions?: Record<string, Schema>;
}

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
ajv.addKeyword('markdownDescription');
ajv.addKeyword('defaultSnippets');
const validate = ajv.compile(schema);

/** Accepted by the schema (the document as YAML or JSON data) and by parseSpec (no error), in YAML and as JSON. */
function verdicts(text: string, fileName = 'x.sslexp.yaml', baseDir?: string): { schema: boolean; parser: boolean; codes: string[] } {
  const doc = fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  const bySchema = validate(doc) as boolean;
  const r = parseSpec(text, { fileName, baseDir });
  const errors = r.problems.filter((p) => p.severity === 'error');
  // the same document written as JSON gets the same verdict from the parser
  const json = parseSpec(JSON.stringify(doc, null, 1), { fileName: 'x.sslexp.json', baseDir });
  assert.equal(
    json.problems.some((p) => p.severity === 'error'),
    errors.length > 0,
    `JSON form of ${text}: ${JSON.stringify(json.problems)}`,
  );
  return { schema: bySchema, parser: errors.length === 0, codes: errors.map((p) => p.code) };
}

const S = 'sslexp: 1\n';
const SPECTRAL = S + 'signal: {count: 2, variance: 1}\nnoise: {count: 1, variance: 1}\n';
const GRAPH = S + 'data: {file: v.npy}\ngraph: {views: 2}\nembedding: 4\n';

/** Documents the old hand-written schema accepted and `sslexp check` rejected (or the reverse); now both agree. */
const FIXED: [string, string, boolean][] = [
  ['a signal without variance', S + 'signal: {count: 2}\nnoise: {count: 1, variance: 1}\n', false],
  [
    'scale both inside and outside a family',
    S + 'signal: {count: 2, variance: {power_law: {first: 1, exponent: 1, scale: 2}, scale: 2}}\nnoise: {count: 1, variance: 1}\n',
    false,
  ],
  ['a uniform seed of 1e20', S + 'signal: {count: 2, variance: {uniform: {low: 0, high: 1, seed: 1.0e20}}}\nnoise: {count: 1, variance: 1}\n', false],
  ['signal variance: []', S + 'signal: {variance: []}\nnoise: {count: 1, variance: 1}\n', false],
  ['signal augmentation: [] next to a count', S + 'signal: {count: 1, variance: 1, augmentation: []}\nnoise: {count: 1, variance: 1}\n', false],
  ['data: {}', S + 'latent: 1\ndata: {}\naugmentation: {masking: {keep: 0.5}}\n', false],
  ['data with both file and X', S + 'latent: 1\ndata: {file: a.npy, X: [[1]]}\naugmentation: {masking: {keep: 0.5}}\n', false],
  ['simulate without alpha (and no top-level alpha)', SPECTRAL + 'simulate: {n: [10]}\n', false],
  ['data mode with neither pca nor latent', S + 'data: {X: [[1, 2], [3, 4]]}\naugmentation: {masking: {keep: 0.5}}\n', false],
  ['data mode with neither pca nor augmentation', S + 'latent: 1\ndata: {X: [[1, 2], [3, 4]]}\n', false],
  ['data.key on a .csv file', S + 'data: {file: a.csv, key: X, pca: 1}\n', false],
  ['data.key next to an inline X', S + 'latent: 1\ndata: {X: [[1]], key: X}\naugmentation: {masking: {keep: 0.5}}\n', false],
  ['a power_law signal without count', S + 'signal: {variance: {power_law: {first: 1, exponent: 1}}}\nnoise: {count: 1, variance: 1}\n', false],
  ['a flat noise without count', S + 'signal: {count: 1, variance: 1}\nnoise: {variance: 2}\n', false],
  ['noise: {} (neither count nor variance)', S + 'signal: {count: 1, variance: 1}\nnoise: {}\n', false],
  ['noise count 1 without variance', S + 'signal: {count: 1, variance: 1}\nnoise: {count: 1}\n', false],
  ['data.noise without variance', S + 'data: {file: a.csv, pca: 1, noise: {count: 2}}\n', false],
  ['labels.key on a .npy labels file', S + 'data: {file: a.csv, pca: 1, labels: {file: y.npy, key: y}}\n', false],
  ['labels.file without an extension', S + 'data: {file: a.csv, pca: 1, labels: {file: labels}}\n', false],
  ['labels.file empty', S + 'data: {file: a.csv, pca: 1, labels: {file: ""}}\n', false],
  ['simulate.seed of 1e20', SPECTRAL + 'simulate: {n: [10], alpha: 1, seed: 1.0e20}\n', false],
  ['data.pca with a theta matrix', S + 'data: {file: a.csv, pca: 2}\naugmentation: {additive: {theta: [[1, 0], [0, 1]]}}\n', false],
  ['data.pca with gamma', S + 'data: {file: a.csv, pca: 2}\naugmentation: {additive: {gamma: 1}}\n', false],
  ['augmentation.additive written empty (null)', S + 'data: {file: a.csv, pca: 2}\naugmentation: {additive: }\n', true],
];

/** More variants around the same rules, and graph mode. */
const VARIANTS: [string, string, boolean][] = [
  [
    'the spectral example',
    SPECTRAL + 'alpha: 1\nlatent: 2\nregularize: 1.0e-8\nsimulate: {n: {from: 10, to: 100, points: 3}, repeats: 2, seed: 0, metric: subspace-angle}\n',
    true,
  ],
  ['counts from lists and a file', S + 'signal: {variance: [3, 2, 1], augmentation: [0, 0, 1]}\nnoise: {variance: {file: n.npy, scale: 2}}\n', true],
  ['noise count 0 without variance', S + 'signal: {count: 1, variance: 1}\nnoise: {count: 0}\n', true],
  ['noise variance [] (no noise components)', S + 'signal: {count: 1, variance: 1}\nnoise: {variance: []}\n', true],
  ['scale inside the parameters', S + 'signal: {count: 2, variance: {uniform: {low: 0, high: 1, seed: 3, scale: 2}}}\nnoise: {count: 1, variance: 1}\n', true],
  ['a spectrum mapping with only scale', S + 'signal: {count: 1, variance: {scale: 2}}\nnoise: {count: 1, variance: 1}\n', false],
  ['two families', S + 'signal: {count: 2, variance: {flat: 1, exponential: {first: 1, rate: 1}}}\nnoise: {count: 1, variance: 1}\n', false],
  ['simulate alpha from the top level', SPECTRAL + 'alpha: 2\nsimulate: {n: [10, 100]}\n', true],
  ['simulate alpha []', SPECTRAL + 'simulate: {n: [10], alpha: []}\n', false],
  ['simulate n []', SPECTRAL + 'alpha: 1\nsimulate: {n: []}\n', false],
  ['simulate n of 65 sizes', SPECTRAL + `alpha: 1\nsimulate: {n: [${Array.from({ length: 65 }, (_, i) => i + 1).join(', ')}]}\n`, false],
  ['simulate repeats 101', SPECTRAL + 'alpha: 1\nsimulate: {n: [10], repeats: 101}\n', false],
  ['signal count above the limit', S + 'signal: {count: 20000000, variance: 1}\nnoise: {count: 1, variance: 1}\n', false],
  ['regularize 0', SPECTRAL + 'regularize: 0\n', false],
  ['a spectral augmentation at the top level', SPECTRAL + 'augmentation: {masking: {keep: 0.5}}\n', false],
  ['data with signal', S + 'data: {file: a.csv, pca: 1}\nsignal: {count: 1, variance: 1}\n', false],
  ['data.key on a .npz file', S + 'data: {file: a.NPZ, key: X, pca: 1, labels: {file: y.npz, key: y}}\n', true],
  ['labels column and key', S + 'data: {file: a.csv, pca: 1, labels: {column: -1, key: y}}\n', false],
  ['labels column 1.5', S + 'data: {file: a.csv, pca: 1, labels: {column: 1.5}}\n', false],
  [
    'data without pca, with latent and augmentation',
    S + 'latent: 1\ndata: {X: [[1, 2], [3, 4]], Y: [1, 0]}\naugmentation: {covariance: [[1, 0], [0, 1]]}\n',
    true,
  ],
  [
    'data.pca with a theta spectrum',
    S + 'data: {file: a.csv, pca: 2, noise: {count: 1, variance: 1}}\naugmentation: {additive: {theta: [1, 2], alpha: 1}}\n',
    true,
  ],
  ['masking keep 0', S + 'data: {file: a.csv, pca: 1}\naugmentation: {masking: {keep: 0}}\n', false],
  ['two augmentations', S + 'data: {file: a.csv, pca: 1}\naugmentation: {masking: {keep: 0.5}, covariance: [[1]]}\n', false],
  ['augmentation: {}', S + 'data: {file: a.csv, pca: 1}\naugmentation: {}\n', false],
  ['data file .xlsx', S + 'data: {file: a.xlsx, pca: 1}\n', false],
  ['spectrum file .npz', S + 'signal: {variance: {file: a.npz}}\nnoise: {count: 0}\n', false],
  // graph mode
  ['graph mode, views', GRAPH, true],
  ['graph mode, labels with data.labels', S + 'data: {file: v.npy, labels: {column: 0}}\ngraph: {labels: true}\nembedding: 4\n', true],
  [
    'graph mode, knn and methods',
    S + 'data: {file: v.npz, key: X}\ngraph: {knn: {k: 5}}\nembedding: 4\nmethods: {vicreg: {variance: 2, invariance: 3}, simclr: {}, barlow: }\n',
    true,
  ],
  ['graph mode, inline edges', S + 'data: {X: [[1, 0], [0, 1], [1, 1]]}\ngraph: {edges: [[0, 1], [1, 2, 0.5]]}\nembedding: 1\n', true],
  ['graph mode, edges from a file', S + 'data: {file: v.csv, center: true}\ngraph: {edges: {file: e.csv}}\nembedding: 2\nregularize: 1.0e-6\n', true],
  ['graph mode with signal', GRAPH + 'signal: {count: 1, variance: 1}\n', false],
  ['graph mode with alpha', GRAPH + 'alpha: 1\n', false],
  ['graph mode with augmentation', GRAPH + 'augmentation: {masking: {keep: 0.5}}\n', false],
  ['graph mode with simulate', GRAPH + 'simulate: {n: [10], alpha: 1}\n', false],
  ['graph mode with latent', GRAPH + 'latent: 2\n', false],
  ['graph mode without embedding', S + 'data: {file: v.npy}\ngraph: {views: 2}\n', false],
  ['graph mode without data', S + 'graph: {views: 2}\nembedding: 4\n', false],
  ['graph mode with data.pca', S + 'data: {file: v.npy, pca: 2}\ngraph: {views: 2}\nembedding: 4\n', false],
  ['graph mode with data.Y', S + 'data: {X: [[1], [2]], Y: [1, 2]}\ngraph: {views: 2}\nembedding: 1\n', false],
  ['graph: {}', S + 'data: {file: v.npy}\ngraph: {}\nembedding: 4\n', false],
  ['two relations', S + 'data: {file: v.npy}\ngraph: {views: 2, labels: true}\nembedding: 4\n', false],
  ['labels: false', S + 'data: {file: v.npy, labels: {column: 0}}\ngraph: {labels: false}\nembedding: 4\n', false],
  ['labels: true without data.labels', S + 'data: {file: v.npy}\ngraph: {labels: true}\nembedding: 4\n', false],
  ['views 1', S + 'data: {file: v.npy}\ngraph: {views: 1}\nembedding: 4\n', false],
  ['knn without k', S + 'data: {file: v.npy}\ngraph: {knn: {}}\nembedding: 4\n', false],
  ['edges []', S + 'data: {file: v.npy}\ngraph: {edges: []}\nembedding: 4\n', false],
  ['an edge of one index', S + 'data: {file: v.npy}\ngraph: {edges: [[0]]}\nembedding: 4\n', false],
  ['an edge of four values', S + 'data: {file: v.npy}\ngraph: {edges: [[0, 1, 1, 1]]}\nembedding: 4\n', false],
  ['an edge of weight 0', S + 'data: {file: v.npy}\ngraph: {edges: [[0, 1, 0]]}\nembedding: 4\n', false],
  ['a negative edge index', S + 'data: {file: v.npy}\ngraph: {edges: [[-1, 1]]}\nembedding: 4\n', false],
  ['edges from a .npy file', S + 'data: {file: v.npy}\ngraph: {edges: {file: e.npy}}\nembedding: 4\n', false],
  ['methods: {}', GRAPH + 'methods: {}\n', false],
  ['vicreg variance 0', GRAPH + 'methods: {vicreg: {variance: 0}}\n', false],
  ['simclr with a key', GRAPH + 'methods: {simclr: {tau: 1}}\n', false],
  ['embedding 0', S + 'data: {file: v.npy}\ngraph: {views: 2}\nembedding: 0\n', false],
  ['embedding in spectral mode', SPECTRAL + 'embedding: 2\n', false],
  ['methods in data mode', S + 'data: {file: a.csv, pca: 1}\nmethods: {simclr: {}}\n', false],
  ['barlow without two views (an info only)', S + 'data: {file: v.npy}\ngraph: {knn: {k: 3}}\nembedding: 4\nmethods: {barlow: {}, simclr: {}}\n', true],
];

/**
 * Rules a JSON Schema cannot say (they compare values with each other or with sizes): the
 * schema accepts these, the validator rejects them with this code.
 */
const SEMANTIC: [string, string, string][] = [
  ['count vs an explicit list', S + 'signal: {count: 4, variance: [1, 2, 3]}\nnoise: {count: 1, variance: 1}\n', 'count-mismatch'],
  ['uniform low > high', S + 'signal: {count: 2, variance: {uniform: {low: 5, high: 1, seed: 0}}}\nnoise: {count: 1, variance: 1}\n', 'out-of-range'],
  ['simulate n.to <= from', SPECTRAL + 'alpha: 1\nsimulate: {n: {from: 100, to: 10, points: 3}}\n', 'out-of-range'],
  ['latent > d', SPECTRAL + 'latent: 4\n', 'out-of-range'],
  ['a ragged X', S + 'latent: 1\ndata: {X: [[1, 2], [3]]}\naugmentation: {masking: {keep: 0.5}}\n', 'ragged-matrix'],
  ['a non-symmetric covariance', S + 'latent: 1\ndata: {X: [[1, 2]]}\naugmentation: {covariance: [[1, 0.5], [0.4, 1]]}\n', 'not-symmetric'],
  ['a covariance of the wrong size', S + 'latent: 1\ndata: {X: [[1, 2]]}\naugmentation: {covariance: [[1]]}\n', 'dimension-mismatch'],
  ['a negative covariance diagonal', S + 'latent: 1\ndata: {X: [[1, 2]]}\naugmentation: {covariance: [[1, 0], [0, -1]]}\n', 'negative-variance'],
  ['Y rows vs X rows', S + 'latent: 1\ndata: {X: [[1], [2]], Y: [1]}\naugmentation: {masking: {keep: 0.5}}\n', 'dimension-mismatch'],
  ['labels column outside X', S + 'latent: 1\ndata: {X: [[1, 2]], labels: {column: 2}}\naugmentation: {masking: {keep: 0.5}}\n', 'out-of-range'],
  ['pca > feature columns of X', S + 'data: {X: [[1, 2]], pca: 3}\n', 'out-of-range'],
  ['K >= N for an inline X', S + 'data: {X: [[1, 0], [0, 1]]}\ngraph: {views: 2}\nembedding: 2\n', 'out-of-range'],
  ['K > D for an inline X', S + 'data: {X: [[1], [0], [1], [0]]}\ngraph: {views: 2}\nembedding: 2\n', 'out-of-range'],
  ['views not dividing N', S + 'data: {X: [[1, 0], [0, 1], [1, 1]]}\ngraph: {views: 2}\nembedding: 1\n', 'dimension-mismatch'],
  ['an edge index >= N', S + 'data: {X: [[1, 0], [0, 1], [1, 1]]}\ngraph: {edges: [[0, 3]]}\nembedding: 1\n', 'out-of-range'],
  ['knn k >= N', S + 'data: {X: [[1, 0], [0, 1], [1, 1]]}\ngraph: {knn: {k: 3}}\nembedding: 1\n', 'out-of-range'],
  ['a self-loop', S + 'data: {file: v.npy}\ngraph: {edges: [[1, 1]]}\nembedding: 1\n', 'self-loop'],
];

test('every disagreement of the old schema is fixed: the schema and parseSpec agree', () => {
  assert.ok(FIXED.length >= 24);
  for (const [name, text, accepted] of FIXED) {
    const v = verdicts(text);
    assert.equal(v.schema, accepted, `${name}: schema ${JSON.stringify(validate.errors)}`);
    assert.equal(v.parser, accepted, `${name}: parseSpec ${v.codes}`);
  }
});

test('more variants (spectral, data and graph mode): the schema and parseSpec agree', () => {
  for (const [name, text, accepted] of VARIANTS) {
    const v = verdicts(text);
    assert.equal(v.schema, accepted, `${name}: schema ${JSON.stringify(validate.errors)}`);
    assert.equal(v.parser, accepted, `${name}: parseSpec ${v.codes}`);
  }
});

test('rules a JSON Schema cannot express: the schema accepts, parseSpec rejects with the documented code', () => {
  for (const [name, text, code] of SEMANTIC) {
    const v = verdicts(text);
    assert.equal(v.schema, true, `${name}: schema ${JSON.stringify(validate.errors)}`);
    assert.equal(v.parser, false, name);
    assert.ok(v.codes.includes(code), `${name}: ${v.codes}`);
  }
});

function exampleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...exampleFiles(p));
    else if (/\.sslexp\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out.sort();
}

test('every file in examples/: the schema and parseSpec both accept it', () => {
  const files = exampleFiles(join(ROOT, 'examples'));
  assert.ok(files.length >= 14, files.join());
  for (const f of files) {
    const v = verdicts(readFileSync(f, 'utf8'), f, dirname(f));
    assert.ok(v.schema && v.parser, `${f}: schema ${v.schema} ${JSON.stringify(validate.errors)}, parser ${v.codes}`);
  }
});

// ------------------------------------------------------------------ completion proposals

const deref = (s: Schema): Schema => (s.$ref ? schema.definitions![s.$ref.replace('#/definitions/', '')] : s);

interface Proposal {
  path: (string | number)[];
  /** The mode whose branch of the root holds the node (undefined: any mode). */
  mode?: string;
  value: unknown;
  what: string;
}

/**
 * What VS Code's JSON / YAML support inserts for a property (vscode-json-languageservice
 * `getInsertTextForProperty`): its only snippet, else const, default, the first example, else
 * an empty value of its type (which must then be valid too).
 */
function inserted(s: Schema): unknown {
  const snippets = s.defaultSnippets ?? [];
  if (snippets.length === 1) return snippets[0].body;
  if (s.enum && s.enum.length === 1) return s.enum[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.examples && s.examples.length) return s.examples[0];
  if (snippets.length || (s.enum && s.enum.length)) return undefined; // the user picks a value
  const d = deref(s);
  if (d !== s) return inserted({ ...d, ...s, $ref: undefined });
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  return type === 'object'
    ? {}
    : type === 'array'
      ? []
      : type === 'number' || type === 'integer'
        ? 0
        : type === 'string'
          ? ''
          : type === 'boolean'
            ? null
            : undefined;
}

/** Every proposal of the schema (snippets, examples, defaults, and what completion inserts), by path. */
function proposals(): Proposal[] {
  const out: Proposal[] = [];
  const visit = (s: Schema, path: (string | number)[], mode: string | undefined, seen: Set<Schema>, property: boolean): void => {
    const d = deref(s);
    for (const sn of [...(s.defaultSnippets ?? []), ...(d !== s ? (d.defaultSnippets ?? []) : [])])
      out.push({ path, mode, value: sn.body, what: `snippet '${sn.label}'` });
    for (const ex of [...(s.examples ?? []), ...(d !== s ? (d.examples ?? []) : [])])
      out.push({ path, mode, value: ex, what: `example ${JSON.stringify(ex)}` });
    if (s.default !== undefined) out.push({ path, mode, value: s.default, what: 'default' });
    if (property && inserted(s) !== undefined) out.push({ path, mode, value: inserted(s), what: 'inserted value' });
    if (seen.has(d)) return;
    const next = new Set(seen).add(d);
    for (const [k, v] of Object.entries(d.properties ?? {})) visit(v, [...path, k], mode, next, true);
    for (const b of d.oneOf ?? []) if (b.type !== undefined || b.$ref || b.oneOf) visit(b, path, mode, next, false);
    if (Array.isArray(d.items)) d.items.forEach((it, i) => visit(it, [...path, i], mode, next, false));
    else if (d.items) visit(d.items, [...path, 0], mode, next, false);
  };
  const rootProps = Object.entries(schema.properties!).filter(([k]) => k !== 'data');
  for (const [k, v] of rootProps) visit(v, [k], undefined, new Set(), true);
  for (const branch of schema.oneOf!) {
    const mode = branch.title!.split(' ')[0].toLowerCase();
    for (const [k, v] of Object.entries(branch.properties ?? {})) visit(v, [k], mode, new Set(), true);
  }
  return out;
}

/** Minimal valid specs of each mode: together they hold every position of the language. */
const BASES: { mode: string; doc: Record<string, unknown> }[] = [
  {
    mode: 'spectral',
    doc: {
      sslexp: 1,
      name: 'x',
      signal: { count: 3, variance: { power_law: { first: 1, exponent: 1, offset: 0 } }, augmentation: { uniform: { low: 0, high: 1, seed: 1 } } },
      noise: { count: 3, variance: { exponential: { first: 1, rate: 0.1 } }, augmentation: { flat: 1 } },
      alpha: 1,
      latent: 2,
      regularize: 1e-8,
      simulate: { n: { from: 10, to: 100, points: 3 }, alpha: [1], repeats: 2, seed: 0, metric: 'probe-gap' },
    },
  },
  {
    mode: 'spectral',
    doc: {
      sslexp: 1,
      signal: { count: 50, variance: { file: 'a.npy' } },
      noise: { count: 50, variance: [1] },
      alpha: 1,
      latent: 2,
      simulate: { n: [10], alpha: 1 },
    },
  },
  {
    mode: 'data',
    doc: {
      sslexp: 1,
      data: {
        file: 'data/x.npz',
        key: 'X',
        labels: { file: 'y.npz', key: 'y' },
        center: true,
        pca: 2,
        noise: { count: 3, variance: { flat: 1 }, augmentation: 1 },
      },
      augmentation: { additive: { alpha: 1, theta: { flat: 1 } } },
      latent: 2,
      alpha: 1,
      simulate: { n: [10] },
    },
  },
  {
    mode: 'data',
    doc: {
      sslexp: 1,
      latent: 1,
      data: {
        X: [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        Y: [[1], [0], [1]],
      },
      augmentation: {
        additive: {
          alpha: 1,
          theta: [
            [1, 0],
            [0, 1],
          ],
          gamma: [
            [1, 0],
            [0, 1],
          ],
        },
      },
    },
  },
  { mode: 'data', doc: { sslexp: 1, latent: 1, data: { file: 'x.csv', labels: { column: -1 } }, augmentation: { masking: { keep: 0.5 } } } },
  {
    mode: 'data',
    doc: { sslexp: 1, latent: 2, data: { file: 'x.npy', labels: { file: 'y.npy' } }, augmentation: { views: { file: 'data/views.npz', key: 'views' } } },
  },
  { mode: 'data', doc: { sslexp: 1, latent: 2, data: { moments: { file: 'data/moments.npz' } }, augmentation: { masking: { keep: 0.5 } } } },
  {
    mode: 'graph',
    doc: {
      sslexp: 1,
      data: { file: 'data/views.npy', labels: { file: 'labels.npz', key: 'y' }, center: false },
      graph: { views: 2 },
      embedding: 8,
      methods: { vicreg: { variance: 25, invariance: 25 }, simclr: {}, barlow: {} },
    },
  },
  {
    mode: 'graph',
    doc: {
      sslexp: 1,
      data: {
        X: [
          [1, 0],
          [0, 1],
          [1, 1],
          [0, 0],
        ],
      },
      graph: { knn: { k: 2 } },
      embedding: 1,
    },
  },
  {
    mode: 'graph',
    doc: {
      sslexp: 1,
      data: { file: 'v.npz', key: 'X' },
      graph: {
        edges: [
          [0, 1],
          [1, 2, 0.5],
        ],
      },
      embedding: 2,
    },
  },
  { mode: 'graph', doc: { sslexp: 1, data: { file: 'v.csv' }, graph: { edges: { file: 'pairs.csv' } }, embedding: 2 } },
];

/** The schema of the child `seg` of a node (through `$ref`s and the alternatives of a union); at the root, the mode's branch first. */
function childSchema(s: Schema, seg: string | number, mode?: string): Schema | undefined {
  if (s === schema && typeof seg === 'string')
    return schema.oneOf!.find((b) => b.title!.toLowerCase().startsWith(mode ?? ''))?.properties?.[seg] ?? schema.properties![seg];
  const d = deref(s);
  if (typeof seg === 'string' && d.properties?.[seg]) return d.properties[seg];
  if (typeof seg === 'number' && Array.isArray(d.items)) return d.items[seg];
  if (typeof seg === 'number' && d.items) return d.items as Schema;
  for (const alt of d.oneOf ?? []) {
    const r = childSchema(alt, seg);
    if (r) return r;
  }
  return undefined;
}

/** Sets `target[key] = value`; the other keys of an exclusive group (a oneOf of single required keys) go, and the keys depending on them. */
function setKey(target: Record<string | number, unknown>, key: string | number, value: unknown, parent: Schema | undefined): void {
  if (typeof key === 'string' && parent) {
    const mappingOf = (x: Schema): Schema | undefined => {
      const d = deref(x);
      return d.type === 'object' || d.properties ? d : d.oneOf?.map(mappingOf).find(Boolean);
    };
    const mapping = mappingOf(parent) ?? deref(parent);
    const groups = [mapping.oneOf ?? [], ...((mapping.allOf as Schema[] | undefined) ?? []).map((a) => a.oneOf ?? [])];
    for (const g of groups) {
      if (!g.every((b) => Array.isArray(b.required) && b.required.length === 1)) continue;
      const keys = g.map((b) => (b.required as string[])[0]);
      if (keys.includes(key)) for (const other of keys) if (other !== key) delete target[other];
    }
    const deps = {
      ...(mapping.dependencies ?? {}),
      ...Object.assign({}, ...((mapping.allOf as Schema[] | undefined) ?? []).map((a) => a.dependencies ?? {})),
    } as Record<string, { required?: string[] }>;
    for (const [dep, rule] of Object.entries(deps)) if ((rule.required ?? []).some((r) => !(r in target) && r !== key)) delete target[dep];
  }
  target[key] = value;
}

/**
 * `base` with `value` at `path`. A missing mapping on the way is created from its schema's
 * first snippet (or what completion inserts). Undefined when the path cannot be made.
 */
function insert(base: { mode: string; doc: Record<string, unknown> }, path: (string | number)[], value: unknown): unknown {
  const doc = JSON.parse(JSON.stringify(base.doc)) as Record<string, unknown>;
  let node: Record<string | number, unknown> = doc;
  let nodeSchema: Schema = schema;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const s = childSchema(nodeSchema, seg, base.mode);
    if (!s) return undefined;
    if (i === path.length - 1) {
      if (Array.isArray(node) && (typeof seg !== 'number' || seg > node.length)) return undefined;
      setKey(node, seg, value, nodeSchema);
      return doc;
    }
    const child = node[seg];
    const wantMapping = typeof path[i + 1] === 'string';
    if (child === undefined || child === null || typeof child !== 'object' || Array.isArray(child) === wantMapping) {
      const d = deref(s);
      const made = (d.defaultSnippets ?? s.defaultSnippets)?.[0]?.body ?? inserted(s);
      if (!made || typeof made !== 'object' || Array.isArray(made) === wantMapping || Array.isArray(node)) return undefined;
      setKey(node, seg, JSON.parse(JSON.stringify(made)), nodeSchema);
    }
    node = node[seg] as Record<string | number, unknown>;
    nodeSchema = s;
  }
  return doc;
}

test('every snippet, example and default of the schema, and what completion inserts, is valid in a minimal spec', () => {
  const all = proposals();
  assert.ok(all.length > 80, `${all.length} proposals`);
  const failures: string[] = [];
  for (const p of all) {
    const tried: string[] = [];
    let ok = false;
    for (const b of BASES) {
      if (p.mode && b.mode !== p.mode) continue;
      const doc = insert(b, p.path, p.value);
      if (!doc) continue;
      const text = JSON.stringify(doc, null, 1);
      const r = parseSpec(text, { fileName: 'x.sslexp.json' });
      const errors = r.problems.filter((q) => q.severity === 'error');
      if (errors.length === 0 && validate(doc)) {
        ok = true;
        break;
      }
      tried.push(`${b.mode}: ${errors.map((q) => q.message).join(' | ') || JSON.stringify(validate.errors)}`);
    }
    if (!ok) failures.push(`${p.path.join('.')} ${p.what}: ${tried.join(' || ') || 'no base holds this position'}`);
  }
  assert.deepEqual(failures, []);
});

test('no oneOf alternative of the schema lacks a title (completion labels, not [object Object])', () => {
  const missing: string[] = [];
  const walk = (s: unknown, path: string): void => {
    if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (!s || typeof s !== 'object') return;
    const o = s as Schema;
    (o.oneOf ?? []).forEach((b, i) => {
      if (!b.title) missing.push(`${path}.oneOf[${i}]`);
    });
    for (const [k, v] of Object.entries(o)) if (k !== 'examples' && k !== 'default' && k !== 'defaultSnippets' && k !== 'const') walk(v, `${path}.${k}`);
  };
  walk(schema, '#');
  assert.deepEqual(missing, []);
  // object-valued proposals are snippets with labels, not examples (whose labels would be [object Object])
  const objectExamples: string[] = [];
  const scan = (s: unknown, path: string): void => {
    if (Array.isArray(s)) return s.forEach((x, i) => scan(x, `${path}[${i}]`));
    if (!s || typeof s !== 'object') return;
    const o = s as Schema;
    for (const ex of o.examples ?? []) if (ex && typeof ex === 'object' && !Array.isArray(ex)) objectExamples.push(path);
    for (const [k, v] of Object.entries(o)) if (k !== 'examples' && k !== 'default' && k !== 'defaultSnippets' && k !== 'const') scan(v, `${path}.${k}`);
  };
  scan(schema, '#');
  assert.deepEqual(objectExamples, []);
});
