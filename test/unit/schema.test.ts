import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseSpec, SPEC_KEYS } from '../../src/core/spec/parseSpec';
import { specJsonSchemaText } from '../../src/core/spec/jsonSchema';
import { lookupSpecNode } from '../../src/core/spec/lookup';

// out/test/unit/schema.test.js -> repository root
const ROOT = resolve(__dirname, '../../..');
const schemaText = readFileSync(join(ROOT, 'schemas/sslexp.schema.json'), 'utf8');
const schema = JSON.parse(schemaText) as Schema;

interface Schema {
  type?: string | string[];
  title?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  allOf?: Schema[];
  not?: { anyOf?: Schema[] };
  items?: Schema | Schema[];
  $ref?: string;
  examples?: unknown[];
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  description?: string;
  markdownDescription?: string;
  additionalProperties?: boolean;
  definitions?: Record<string, Schema>;
}

function compileSchema(s: object = schema) {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
  ajv.addKeyword('markdownDescription');
  ajv.addKeyword('defaultSnippets');
  return ajv.compile(s);
}

function deref(s: Schema): Schema {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/definitions/', '');
  return schema.definitions![name];
}

function exampleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...exampleFiles(p));
    else if (/\.sslexp\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out.sort();
}

test('schemas/sslexp.schema.json is generated from src/core/spec/definition.ts (run `npm run schema`)', () => {
  assert.ok(schemaText === specJsonSchemaText(), 'the checked-in schema differs from the definition: run `npm run schema`');
});

test('the schema is valid draft-07 and every object has additionalProperties: false and descriptions', () => {
  compileSchema();
  const walk = (s: Schema, path: string): void => {
    const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
    if (isObject && s.properties) assert.equal(s.additionalProperties, false, `${path}: additionalProperties`);
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      if (path.includes('|if') || path.includes('|not')) continue; // rule fragments
      assert.ok(v.description || v.$ref, `${path}.${k}: description`);
      if (v.description) assert.ok(v.markdownDescription, `${path}.${k}: markdownDescription`);
      walk(v, `${path}.${k}`);
    }
    (s.oneOf ?? []).forEach((b, i) => walk(b, `${path}.oneOf[${i}]`));
    if (Array.isArray(s.items)) s.items.forEach((b, i) => walk(b, `${path}[${i}]`));
    else if (s.items) walk(s.items, `${path}[]`);
  };
  walk(schema, '');
  for (const [k, d] of Object.entries(schema.definitions!)) walk(d, `#/definitions/${k}`);
  // every spectrum alternative carries an example, and its mapping form a snippet per family
  for (const b of schema.definitions!.spectrum.oneOf!) assert.ok((b.examples && b.examples.length) || b.type === 'object', JSON.stringify(b).slice(0, 60));
  const labels = (schema.definitions!.spectrum as { defaultSnippets?: { label: string }[] }).defaultSnippets!.map((s) => s.label);
  assert.deepEqual(labels, ['power_law', 'exponential', 'uniform', 'flat', 'file']);
});

test('every examples/**/*.sslexp.{yaml,yml,json} validates against the schema and parses without errors', (t) => {
  const files = exampleFiles(join(ROOT, 'examples'));
  if (files.length === 0) {
    t.skip('no example specs yet');
    return;
  }
  const validate = compileSchema();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const doc = f.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    const ok = validate(doc);
    assert.ok(ok, `${f}: ${JSON.stringify(validate.errors, null, 1)}`);
    const r = parseSpec(text, { fileName: f, baseDir: dirname(f) });
    assert.deepEqual(
      r.problems.filter((p) => p.severity === 'error'),
      [],
      f,
    );
    assert.ok(r.spec, f);
  }
});

test("the schema's property names are exactly the keys parseSpec accepts, position by position", () => {
  const props = (s: Schema): string[] => Object.keys(deref(s).properties ?? {}).sort();
  const sorted = (a: readonly string[]): string[] => [...a].sort();
  const mapping = schema.definitions!.spectrum.oneOf!.find((b) => b.type === 'object')!;
  const family = (name: string): Schema => mapping.properties![name];
  const root = schema.properties!;
  const mode = (title: string) => schema.oneOf!.find((b) => b.title === title)!;
  const data = mode('Data mode').properties!.data;
  const graphData = mode('Graph mode').properties!.data;
  const aug = root.augmentation;
  const nRange = root.simulate.properties!.n.oneOf!.find((b) => b.type === 'object')!;
  const edgesFile = root.graph.properties!.edges.oneOf!.find((b) => b.type === 'object')!;
  const cases: [string, string[], readonly string[]][] = [
    ['root', props(schema), SPEC_KEYS.root],
    ['signal', props(root.signal), SPEC_KEYS.block],
    ['noise', props(root.noise), SPEC_KEYS.block],
    ['data.noise', props(data.properties!.noise), SPEC_KEYS.block],
    ['spectrum', props(mapping), SPEC_KEYS.spectrum],
    ['power_law', props(family('power_law')), SPEC_KEYS.power_law],
    ['exponential', props(family('exponential')), SPEC_KEYS.exponential],
    ['uniform', props(family('uniform')), SPEC_KEYS.uniform],
    ['simulate', props(root.simulate), SPEC_KEYS.simulate],
    ['simulate.n', props(nRange), SPEC_KEYS.nRange],
    ['data', props(data), SPEC_KEYS.data],
    ['graph data', props(graphData), SPEC_KEYS.graphData],
    ['labels', props(data.properties!.labels), SPEC_KEYS.labels],
    ['augmentation', props(aug), SPEC_KEYS.augmentation],
    ['additive', props(aug.properties!.additive), SPEC_KEYS.additive],
    ['masking', props(aug.properties!.masking), SPEC_KEYS.masking],
    ['graph', props(root.graph), SPEC_KEYS.graph],
    ['graph.knn', props(root.graph.properties!.knn), SPEC_KEYS.knn],
    ['graph.edges', props(edgesFile), ['file']],
    ['methods', props(root.methods), SPEC_KEYS.methods],
    ['methods.vicreg', props(root.methods.properties!.vicreg), SPEC_KEYS.vicreg],
  ];
  for (const [where, fromSchema, fromParser] of cases) assert.deepEqual(fromSchema, sorted(fromParser), where);
  assert.deepEqual(root.simulate.properties!.metric.enum, ['probe-gap', 'subspace-angle']);
  // graph mode forbids data mode's pipeline keys; data mode's `data` has them
  assert.ok(!('pca' in graphData.properties!) && 'pca' in data.properties!);
});

/**
 * A document with every property of the schema present, built by walking it; `pick`
 * chooses the alternative of each `oneOf` (by its path). Values come from examples,
 * defaults and bounds: they need not make sense together, only exercise the keys.
 */
function generate(s: Schema, path: string, pick: (path: string, n: number) => number): unknown {
  s = deref(s);
  // a union: one alternative (a mapping's oneOf of required keys only constrains which keys)
  if (s.oneOf && !s.properties) {
    const i = pick(path, s.oneOf.length);
    return generate(s.oneOf[i], `${path}|${i}`, pick);
  }
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (s.examples && s.examples.length && type !== 'object') return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = generate(v, `${path}.${k}`, pick);
      return o;
    }
    case 'array':
      return Array.isArray(s.items) ? s.items.map((it, i) => generate(it, `${path}[${i}]`, pick)) : [generate(s.items!, `${path}[]`, pick)];
    case 'string':
      return 'x.npz';
    case 'boolean':
      return true;
    default:
      return (s.minimum ?? s.exclusiveMinimum ?? 0) + 1;
  }
}

test('fully populated documents generated from the schema: parseSpec reports no unknown-key or wrong-type', () => {
  let docs = 0;
  for (const branch of schema.oneOf!) {
    for (let alt = 0; alt < 6; alt++) {
      const doc = generate({ ...schema, oneOf: undefined, properties: { ...schema.properties, ...branch.properties } }, '', (_path, n) =>
        Math.min(alt, n - 1),
      ) as Record<string, unknown>;
      // the mode's forbidden keys (and the keys selecting other modes) are left out
      for (const k of branch.not!.anyOf!.flatMap((a) => a.required!)) delete doc[k];
      for (const file of ['gen.sslexp.yaml', 'gen.sslexp.json']) {
        const r = parseSpec(JSON.stringify(doc, null, 1), { fileName: file });
        const unknown = r.problems.filter((p) => p.code === 'unknown-key' || p.code === 'wrong-type' || p.code === 'mode-conflict');
        assert.deepEqual(unknown, [], JSON.stringify(doc));
        assert.equal(r.mode, branch.title!.split(' ')[0].toLowerCase());
        docs++;
      }
    }
  }
  assert.equal(docs, 36);
});

test('the schema rejects what parseSpec rejects structurally (misspelled keys, two families, both modes)', () => {
  const validate = compileSchema();
  const good = { sslexp: 1, signal: { count: 2, variance: { power_law: { first: 1, exponent: 1 } } }, noise: { count: 1, variance: 1 } };
  assert.ok(validate(good), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...good, alhpa: 1 }));
  assert.ok(!validate({ ...good, signal: { count: 2, variance: { powerlaw: { first: 1, exponent: 1 } } } }));
  assert.ok(!validate({ ...good, signal: { count: 2, variance: { flat: 1, power_law: { first: 1, exponent: 1 } } } }));
  assert.ok(!validate({ ...good, data: { X: [[1]] } }));
  assert.ok(!validate({ ...good, sslexp: 2 }));
  assert.ok(!validate({ ...good, simulate: { n: [10], metric: 'probe_gap' } }));
  assert.ok(
    validate({ sslexp: 1, data: { file: 'd.csv', labels: { column: -1 }, pca: 5 }, augmentation: { masking: { keep: 0.5 } } }),
    JSON.stringify(validate.errors),
  );
  const graph = { sslexp: 1, data: { file: 'v.npy' }, graph: { views: 2 }, embedding: 4 };
  assert.ok(validate(graph), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...graph, data: { file: 'v.npy', pca: 2 } }));
  assert.ok(!validate({ ...graph, alpha: 1 }));
  assert.ok(!validate({ ...graph, graph: { views: 2, knn: { k: 3 } } }));
});

test('lookupSpecNode: documentation, kind, children, enum values and snippets by path', () => {
  const v = lookupSpecNode(['signal', 'variance'])!;
  assert.equal(v.kind, 'union');
  assert.equal(v.description, 'The variance spectrum of this block.');
  assert.deepEqual(v.children, SPEC_KEYS.spectrum);
  assert.deepEqual(
    v.snippets.map((s) => s.label),
    ['power_law', 'exponential', 'uniform', 'flat', 'file'],
  );
  assert.ok(v.alternatives.includes('power_law: first · ((i + offset)/(1 + offset))^(−exponent)'));
  const first = lookupSpecNode(['signal', 'variance', 'power_law', 'first'])!;
  assert.equal(first.kind, 'number');
  assert.match(first.description, /lambda_1/);
  assert.deepEqual(lookupSpecNode(['simulate', 'metric'])!.enum, ['probe-gap', 'subspace-angle']);
  assert.equal(lookupSpecNode(['simulate', 'repeats'])!.default, 5);
  assert.deepEqual(lookupSpecNode(['data'], 'graph')!.children, SPEC_KEYS.graphData);
  assert.deepEqual(lookupSpecNode(['data'])!.children, SPEC_KEYS.data);
  assert.equal(lookupSpecNode(['data', 'pca'], 'graph'), undefined);
  assert.equal(lookupSpecNode(['alpha'], 'graph'), undefined);
  assert.ok(!lookupSpecNode([], 'graph')!.children.includes('signal'));
  assert.ok(lookupSpecNode([], 'spectral')!.children.includes('signal'));
  assert.equal(lookupSpecNode(['graph', 'edges', 0, 2])!.kind, 'number');
  assert.equal(lookupSpecNode(['data', 'X', 0, 1])!.kind, 'number');
  assert.equal(lookupSpecNode(['nope']), undefined);
  assert.equal(lookupSpecNode(['constructor']), undefined, 'own keys only');
  assert.equal(lookupSpecNode(['signal', 'toString']), undefined);
});
