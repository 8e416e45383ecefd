// The spec files' own language service (issue 12, src/core/spec/languageService.ts): the
// cursor context on incomplete text, completion at the positions the issue names, hover
// documentation on every key of the definition, document symbols and selection ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { completions, cursorContext, documentSymbols, flowSnippet, hoverDoc, selectionRanges } from '../../src/core/spec/languageService';
import { lookupSpecNode } from '../../src/core/spec/lookup';
import { parseSpec } from '../../src/core/spec/parseSpec';
import { parseSourceTree, type SourceNode } from '../../src/core/spec/sourceTree';

const ROOT = resolve(__dirname, '../../..');
const YAML = 'a.sslexp.yaml';
const JSON_NAME = 'a.sslexp.json';

/** Text with a `|` marking the cursor. */
function at(marked: string): [string, number] {
  const o = marked.indexOf('|');
  return [marked.slice(0, o) + marked.slice(o + 1), o];
}
const labels = (marked: string, file = YAML, files?: string[]) => {
  const [t, o] = at(marked);
  return completions(t, o, file, files ? { relativePaths: files } : undefined).map((c) => c.label);
};
const item = (marked: string, label: string, file = YAML) => {
  const [t, o] = at(marked);
  const c = completions(t, o, file).find((x) => x.label === label);
  assert.ok(c, `no completion '${label}' at ${JSON.stringify(marked)}`);
  return c;
};
/** Applies a completion with its tab stops replaced by their defaults. */
const apply = (marked: string, label: string, file = YAML) => {
  const [t] = at(marked);
  const c = item(marked, label, file);
  const text = c.insertText
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d/g, '');
  return t.slice(0, c.replaceStart) + text + t.slice(c.replaceEnd);
};

test('a new top-level line: the root keys not yet present, required first', () => {
  const got = labels('sslexp: 1\nname: x\n|');
  assert.ok(!got.includes('sslexp') && !got.includes('name'), 'never a key already present');
  for (const k of ['signal', 'noise', 'alpha', 'simulate', 'data', 'graph', 'embedding']) assert.ok(got.includes(k), k);
});

test('spectral keys hide the other modes; graph mode shows its own keys', () => {
  const spectral = labels('sslexp: 1\nsignal: {count: 1, variance: 1}\n|');
  assert.ok(spectral.includes('noise') && !spectral.includes('graph') && !spectral.includes('embedding'));
  const graph = labels('sslexp: 1\ngraph: {views: 2}\n|');
  assert.deepEqual(
    graph.filter((l) => !/spec$/.test(l)),
    ['name', 'regularize', 'data', 'embedding', 'methods'],
  );
  assert.deepEqual(labels('sslexp: 1\ngraph: {views: 2}\ndata:\n  |'), ['file', 'X', 'key', 'labels', 'center']);
  assert.deepEqual(labels('sslexp: 1\nmethods:\n  vicreg:\n    |'), ['variance', 'invariance']);
});

test('a child of signal: its keys; after variance: the spectrum families as snippets', () => {
  assert.deepEqual(labels('sslexp: 1\nsignal:\n  count: 5\n  |'), ['variance', 'augmentation']);
  assert.deepEqual(labels('sslexp: 1\nsignal:\n  count: 5\n  variance: |'), ['power_law', 'exponential', 'uniform', 'flat', 'file']);
  const withSnippet = apply('sslexp: 1\nsignal:\n  count: 5\n  variance: |', 'power_law');
  assert.equal(withSnippet, 'sslexp: 1\nsignal:\n  count: 5\n  variance: {power_law: {first: 300000, exponent: 1}}');
  const parsed = parseSpec(withSnippet + '\nnoise: {count: 0}\n', { fileName: YAML });
  assert.deepEqual(
    parsed.problems.filter((p) => p.severity === 'error'),
    [],
  );
});

test('after metric: the enumeration values', () => {
  assert.deepEqual(labels('sslexp: 1\nsimulate:\n  metric: |'), ['probe-gap', 'subspace-angle']);
  assert.deepEqual(labels('sslexp: 1\nsimulate:\n  metric: sub|'), ['probe-gap', 'subspace-angle']);
  assert.deepEqual(labels('{"sslexp": 1, "simulate": {"metric": |}}', JSON_NAME), ['probe-gap', 'subspace-angle']);
  assert.equal(item('{"sslexp": 1, "simulate": {"metric": |}}', 'probe-gap', JSON_NAME).insertText, '"probe-gap"');
});

test('inside {power_law: a family key completes to a valid family with tab stops', () => {
  const c = item('sslexp: 1\nsignal:\n  count: 3\n  variance: {power_law|}', 'power_law');
  assert.equal(c.insertText, 'power_law: {first: ${1:300000}, exponent: ${2:1}}');
  const text = apply('sslexp: 1\nsignal:\n  count: 3\n  variance: {power_law|}', 'power_law');
  assert.equal(text, 'sslexp: 1\nsignal:\n  count: 3\n  variance: {power_law: {first: 300000, exponent: 1}}');
  assert.deepEqual(labels('sslexp: 1\nsignal:\n  variance: {power_law: {first: 1, |}}'), ['exponent', 'offset', 'scale']);
  assert.deepEqual(labels('sslexp: 1\nsignal:\n  count: 5\n  variance:\n    |'), ['flat', 'power_law', 'exponential', 'uniform', 'file', 'scale']);
});

test('an empty spec: sslexp first, every root key and whole-spec skeletons', () => {
  const got = labels('|');
  assert.equal(got[0], 'sslexp');
  assert.ok(got.includes('spectral spec') && got.includes('graph spec'));
  const skeleton = apply('|', 'spectral spec');
  assert.deepEqual(
    parseSpec(skeleton, { fileName: YAML }).problems.filter((p) => p.severity === 'error'),
    [],
  );
  const json = apply('|', 'spectral spec', JSON_NAME);
  assert.deepEqual(
    parseSpec(json, { fileName: JSON_NAME }).problems.filter((p) => p.severity === 'error'),
    [],
  );
});

test('file: values are the workspace files with the allowed extensions', () => {
  const files = ['data/x.npy', 'data/y.csv', 'notes.json', 'data/z.npz'];
  assert.deepEqual(labels('sslexp: 1\nsignal:\n  variance: {file: |}', YAML, files), ['data/x.npy', 'data/y.csv']);
  assert.deepEqual(labels('sslexp: 1\ndata:\n  file: |', YAML, files), ['data/x.npy', 'data/y.csv', 'data/z.npz']);
});

test('JSON: keys in quotes replace the quotes, and keys present are not offered', () => {
  const [t, o] = at('{"sslexp": 1, "signal": {"count": 3, "|"}}');
  const cs = completions(t, o, JSON_NAME);
  assert.deepEqual(
    cs.map((c) => c.label),
    ['variance', 'augmentation'],
  );
  assert.equal(t.slice(cs[0].replaceStart, cs[0].replaceEnd), '""');
  assert.deepEqual(cursorContext('{"sslexp": 1, "alpha": 2, "x": |}', 30, JSON_NAME).path, ['x']);
  assert.ok(!labels('{"sslexp": 1, |, "alpha": 1}', JSON_NAME).includes('alpha'), 'a key after the cursor counts too');
});

test('flowSnippet writes YAML flow and JSON', () => {
  assert.equal(flowSnippet({ power_law: { first: 1, exponent: 2 } }, false), '{power_law: {first: ${1:1}, exponent: ${2:2}}}');
  assert.equal(flowSnippet({ file: 'a.npy' }, true), '{"file": "${1:a.npy}"}');
});

/** Every key path of a source tree. */
function keyPaths(node: SourceNode, path: (string | number)[] = [], out: { path: (string | number)[]; start: number }[] = []) {
  if (node.kind === 'map')
    for (const e of node.entries) {
      out.push({ path: [...path, e.key], start: e.keySpan.start });
      keyPaths(e.value, [...path, e.key], out);
    }
  else if (node.kind === 'seq') node.items.forEach((x, i) => keyPaths(x, [...path, i], out));
  return out;
}

test('hover: documentation on every key of every example spec', () => {
  const dirs = [join(ROOT, 'examples'), join(ROOT, 'examples', 'graph'), join(ROOT, 'examples', 'families')];
  let n = 0;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((f) => /\.sslexp\.(ya?ml|json)$/.test(f))) {
      const text = readFileSync(join(dir, name), 'utf8');
      const root = parseSourceTree(text, name).root;
      assert.ok(root, name);
      for (const k of keyPaths(root)) {
        const h = hoverDoc(text, k.start + 1, name);
        assert.ok(h && h.markdown.length > 20, `${name}: no hover on ${k.path.join('.')}`);
        assert.ok(h.markdown.startsWith(`**${String(k.path[k.path.length - 1])}**`), `${name}: ${k.path.join('.')}: ${h.markdown.slice(0, 40)}`);
        n++;
      }
    }
  }
  assert.ok(n > 100, `hovered ${n} keys`);
});

test('hover works on incomplete text too, and on the family keys', () => {
  const [t, o] = at('sslexp: 1\nsignal:\n  count: 5\n  variance: {power_l|aw: {first: 1\n');
  const h = hoverDoc(t, o, YAML);
  assert.deepEqual(h?.path, ['signal', 'variance', 'power_law']);
  assert.match(h!.markdown, /Power-law parameters/);
  assert.ok(lookupSpecNode(['signal', 'variance', 'power_law']));
});

test('document symbols: the key tree with extents', () => {
  const t = 'sslexp: 1\nsignal:\n  count: 50\n  variance: {power_law: {first: 3.0e5, exponent: 1.0}}\nsimulate:\n  metric: probe-gap\n';
  const syms = documentSymbols(t, YAML);
  assert.deepEqual(
    syms.map((s) => s.name),
    ['sslexp', 'signal', 'simulate'],
  );
  assert.deepEqual(
    syms[1].children.map((s) => s.name),
    ['count', 'variance'],
  );
  assert.deepEqual(
    syms[1].children[1].children[0].children.map((s) => [s.name, s.detail]),
    [
      ['first', '3.0e5'],
      ['exponent', '1.0'],
    ],
  );
  assert.equal(t.slice(syms[1].start, syms[1].end).trimEnd(), 'signal:\n  count: 50\n  variance: {power_law: {first: 3.0e5, exponent: 1.0}}');
  assert.deepEqual(
    documentSymbols('{"sslexp": 1, "alpha": 2}', JSON_NAME).map((s) => [s.name, s.kind]),
    [
      ['sslexp', 'number'],
      ['alpha', 'number'],
    ],
  );
});

test('selection ranges grow from the value to the document', () => {
  const t = 'sslexp: 1\nsignal:\n  count: 50\n  variance: {power_law: {first: 3.0e5, exponent: 1.0}}\n';
  const rs = selectionRanges(t, t.indexOf('1.0}') + 1, YAML).map((r) => t.slice(r.start, r.end));
  assert.deepEqual(rs.slice(0, 4), ['1.0', 'exponent: 1.0', '{first: 3.0e5, exponent: 1.0}', 'power_law: {first: 3.0e5, exponent: 1.0}']);
  assert.equal(rs[rs.length - 1], t);
  for (let i = 1; i < rs.length; i++) assert.ok(rs[i].length > rs[i - 1].length);
});

test('the panel protocol validates the optional stale field of an analysis message', async () => {
  const { isStaleInfo } = await import('../../src/shared/webviewProtocol');
  assert.ok(isStaleInfo({ message: 'alpha: must be >= 0', line: 3 }));
  assert.ok(isStaleInfo({ message: 'alpha: must be >= 0', line: 3, code: 'out-of-range' }));
  for (const bad of [
    null,
    {},
    { message: 'x' },
    { message: 'x', line: 0 },
    { message: 'x', line: 1.5 },
    { message: 1, line: 1 },
    { message: 'x', line: 1, extra: true },
    { message: 'x'.repeat(100_000), line: 1 },
    { message: 'x', line: 1, code: 7 },
    { message: 'x', line: 1, code: 'x'.repeat(65) },
    { message: 'x', line: 1, code: '<b>' },
  ])
    assert.equal(isStaleInfo(bad), false, JSON.stringify(bad)?.slice(0, 60));
});
