import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseSpec, SPEC_KEYS } from '../../src/core/spec/parseSpec';

// out/test/unit/schema.test.js -> repository root
const ROOT = resolve(__dirname, '../../..');
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/sslexp.schema.json'), 'utf8')) as Schema;

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  items?: Schema;
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

function compile() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
  ajv.addKeyword('markdownDescription');
  return ajv.compile(schema);
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

test('the schema is valid draft-07 and every object has additionalProperties: false and descriptions', () => {
  compile();
  const walk = (s: Schema, path: string): void => {
    if (s.type === 'object' && s.properties) assert.equal(s.additionalProperties, false, `${path}: additionalProperties`);
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      assert.ok(v.description || v.$ref, `${path}.${k}: description`);
      if (v.description) assert.equal(v.markdownDescription, v.description, `${path}.${k}: markdownDescription`);
      walk(v, `${path}.${k}`);
    }
    (s.oneOf ?? []).forEach((b, i) => walk(b, `${path}.oneOf[${i}]`));
    if (s.items) walk(s.items, `${path}[]`);
  };
  walk(schema, '');
  for (const [k, d] of Object.entries(schema.definitions!)) walk(d, `#/definitions/${k}`);
  // every spectrum family alternative carries an example
  for (const b of schema.definitions!.spectrum.oneOf!) assert.ok(b.examples && b.examples.length, JSON.stringify(b).slice(0, 60));
});

test('every examples/**/*.sslexp.{yaml,yml,json} validates against the schema and parses without errors', (t) => {
  const files = exampleFiles(join(ROOT, 'examples'));
  if (files.length === 0) {
    t.skip('no example specs yet');
    return;
  }
  const validate = compile();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const doc = f.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    const ok = validate(doc);
    assert.ok(ok, `${f}: ${JSON.stringify(validate.errors, null, 1)}`);
    const r = parseSpec(text, { fileName: f, baseDir: dirname(f) });
    assert.deepEqual(r.problems.filter((p) => p.severity === 'error'), [], f);
    assert.ok(r.spec, f);
  }
});

test("the schema's property names are exactly the keys parseSpec accepts, position by position", () => {
  const props = (s: Schema): string[] => Object.keys(deref(s).properties ?? {}).sort();
  const sorted = (a: readonly string[]): string[] => [...a].sort();
  const spectrumBranches = schema.definitions!.spectrum.oneOf!.filter((b) => b.type === 'object');
  const branch = (name: string): Schema => spectrumBranches.find((b) => b.required?.includes(name))!;
  const family = (name: string): Schema => branch(name).properties![name];
  const root = schema.properties!;
  const aug = root.augmentation.oneOf!;
  const labels = root.data.properties!.labels.oneOf!;
  const nRange = root.simulate.properties!.n.oneOf!.find((b) => b.type === 'object')!;
  const cases: [string, string[], readonly string[]][] = [
    ['root', props(schema), SPEC_KEYS.root],
    ['signal', props(root.signal), SPEC_KEYS.block],
    ['noise', props(root.noise), SPEC_KEYS.block],
    ['data.noise', props(root.data.properties!.noise), SPEC_KEYS.block],
    ['spectrum', [...new Set(spectrumBranches.flatMap((b) => Object.keys(b.properties!)))].sort(), SPEC_KEYS.spectrum],
    ['power_law', props(family('power_law')), SPEC_KEYS.power_law],
    ['exponential', props(family('exponential')), SPEC_KEYS.exponential],
    ['uniform', props(family('uniform')), SPEC_KEYS.uniform],
    ['simulate', props(root.simulate), SPEC_KEYS.simulate],
    ['simulate.n', props(nRange), SPEC_KEYS.nRange],
    ['data', props(root.data), SPEC_KEYS.data],
    ['labels', [...new Set(labels.flatMap((b) => Object.keys(b.properties!)))].sort(), SPEC_KEYS.labels],
    ['augmentation', [...new Set(aug.flatMap((b) => Object.keys(b.properties!)))].sort(), SPEC_KEYS.augmentation],
    ['additive', props(aug.find((b) => b.required?.includes('additive'))!.properties!.additive), SPEC_KEYS.additive],
    ['masking', props(aug.find((b) => b.required?.includes('masking'))!.properties!.masking), SPEC_KEYS.masking],
  ];
  for (const [where, fromSchema, fromParser] of cases) assert.deepEqual(fromSchema, sorted(fromParser), where);
  assert.deepEqual(root.simulate.properties!.metric.enum, ['probe-gap', 'subspace-angle']);
});

/**
 * A document with every property of the schema present, built by walking it; `pick`
 * chooses the alternative of each `oneOf` (by its path). Values come from examples,
 * defaults and bounds: they need not make sense together, only exercise the keys.
 */
function generate(s: Schema, path: string, pick: (path: string, n: number) => number): unknown {
  s = deref(s);
  // the root's oneOf only says which fields are required: generate all its properties
  if (s.oneOf && !s.properties) {
    const i = pick(path, s.oneOf.length);
    return generate(s.oneOf[i], `${path}|${i}`, pick);
  }
  if (s.examples && s.examples.length && s.type !== 'object') return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = generate(v, `${path}.${k}`, pick);
      return o;
    }
    case 'array':
      return [generate(s.items!, `${path}[]`, pick)];
    case 'string':
      return 'x.npz';
    case 'boolean':
      return true;
    default:
      return (s.minimum ?? s.exclusiveMinimum ?? 0) + 1;
  }
}

test('fully populated documents generated from the schema: parseSpec reports no unknown-key', () => {
  let docs = 0;
  // root: 0 = spectral, 1 = data; every other oneOf: each alternative in turn
  for (const mode of [0, 1]) {
    for (let alt = 0; alt < 6; alt++) {
      const doc = generate(schema, '', (path, n) => (path === '' ? mode : Math.min(alt, n - 1))) as Record<string, unknown>;
      // the root oneOf only constrains `required`; drop the other mode's fields
      for (const k of mode === 0 ? ['data', 'augmentation'] : ['signal', 'noise']) delete doc[k];
      for (const file of ['gen.sslexp.yaml', 'gen.sslexp.json']) {
        const r = parseSpec(JSON.stringify(doc, null, 1), { fileName: file });
        const unknown = r.problems.filter((p) => p.code === 'unknown-key' || p.code === 'wrong-type');
        assert.deepEqual(unknown, [], JSON.stringify(doc));
        docs++;
      }
    }
  }
  assert.equal(docs, 24);
});

test('the schema rejects what parseSpec rejects structurally (misspelled keys, two families, both modes)', () => {
  const validate = compile();
  const good = { sslexp: 1, signal: { count: 2, variance: { power_law: { first: 1, exponent: 1 } } }, noise: { count: 1, variance: 1 } };
  assert.ok(validate(good), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...good, alhpa: 1 }));
  assert.ok(!validate({ ...good, signal: { count: 2, variance: { powerlaw: { first: 1, exponent: 1 } } } }));
  assert.ok(!validate({ ...good, signal: { count: 2, variance: { flat: 1, power_law: { first: 1, exponent: 1 } } } }));
  assert.ok(!validate({ ...good, data: { X: [[1]] } }));
  assert.ok(!validate({ ...good, sslexp: 2 }));
  assert.ok(!validate({ ...good, simulate: { n: [10], metric: 'probe_gap' } }));
  assert.ok(validate({ sslexp: 1, data: { file: 'd.csv', labels: { column: -1 }, pca: 5 }, augmentation: { masking: { keep: 0.5 } } }), JSON.stringify(validate.errors));
});
