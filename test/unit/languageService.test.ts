// The spec files' own language service (docs/architecture.md §1, src/core/spec/languageService.ts): the
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
import { isMap, isSeq, parseDocument, visit } from 'yaml';

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
  assert.deepEqual(labels('sslexp: 1\nmethods:\n  vicreg:\n    |'), ['variance', 'invariance', 'covariance']);
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
  // The mode comes from the root keys also once the root object is closed (graph mode's data).
  assert.deepEqual(labels('{"sslexp": 1, "graph": {"views": 2}, "data": {|}}', JSON_NAME), ['file', 'X', 'key', 'labels', 'center']);
  assert.deepEqual(labels('{"sslexp": 1, "graph": {"views": 2},\n "data": {"file": "a.npy",\n  |}}\n', JSON_NAME), ['X', 'key', 'labels', 'center']);
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

// ---------------------------------------------------------------------------------------
// Multi-line flow collections, block lists, comments, quotes, CRLF, tabs, several documents
// and the end of the file (docs/architecture.md §1: the service reads the text as the parser does)
// ---------------------------------------------------------------------------------------

const FAMILIES = ['flat', 'power_law', 'exponential', 'uniform', 'file', 'scale'];

/** [what, text with the cursor `|`, exact labels, exact path of the context]. */
const COMPLETION_CASES: [string, string, string[], (string | number)[]][] = [
  [
    'multi-line flow mapping, a key on its second line',
    'sslexp: 1\nsignal:\n  count: 3\n  variance: {power_law: {first: 3.0e5,\n             |}}\nnoise: {count: 0}\n',
    ['exponent', 'offset', 'scale'],
    ['signal', 'variance', 'power_law'],
  ],
  [
    'multi-line flow mapping, a partial key on its second line',
    'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,\n             exp|}}\n',
    ['exponent', 'offset', 'scale'],
    ['signal', 'variance', 'power_law'],
  ],
  [
    'multi-line flow mapping, keys after the cursor count as present',
    'sslexp: 1\nsignal:\n  variance: {power_law: {\n      |,\n      exponent: 1.0,\n      first: 3}}\n',
    ['offset', 'scale'],
    ['signal', 'variance', 'power_law'],
  ],
  ['multi-line flow mapping, a family on its own line', 'sslexp: 1\nsignal:\n  count: 3\n  variance: {\n    |\n  }\n', FAMILIES, ['signal', 'variance']],
  [
    'multi-line flow mapping, a value on the second line',
    'sslexp: 1\nsimulate: {n: {from: 100, to: 1000, points: 3},\n  metric: |}\n',
    ['probe-gap', 'subspace-angle'],
    ['simulate', 'metric'],
  ],
  [
    'multi-line flow sequence, then a key of the enclosing flow mapping',
    'sslexp: 1\nsimulate: {n: [100,\n             1000], |}\n',
    ['alpha', 'repeats', 'seed', 'metric'],
    ['simulate'],
  ],
  ['multi-line flow sequence, item 1 on the second line', 'sslexp: 1\nsimulate:\n  n: [100,\n      |]\n', ['1000'], ['simulate', 'n', 1]],
  [
    'multi-line nested flow sequence (edges), item 1 of pair 2',
    'sslexp: 1\ngraph:\n  edges: [[0, 1],\n          [1, 2],\n          [2, |]]\n',
    [],
    ['graph', 'edges', 2, 1],
  ],
  ['block list, item 0', 'sslexp: 1\nsimulate:\n  n:\n    - |\n', ['1000'], ['simulate', 'n', 0]],
  ['block list, item 1', 'sslexp: 1\nsimulate:\n  n:\n    - 100\n    - |\n  metric: probe-gap\n', ['1000'], ['simulate', 'n', 1]],
  ['block list, item 3 (partial number)', 'sslexp: 1\nsimulate:\n  n:\n  - 100\n  - 200\n  - 300\n  - 4|\n', ['1000'], ['simulate', 'n', 3]],
  ['block list, item 1 written below its `-`', 'sslexp: 1\nsimulate:\n  n:\n  -\n    100\n  -\n    |\n', ['1000'], ['simulate', 'n', 1]],
  [
    'multi-line flow mapping, a spectrum value on the second line',
    'sslexp: 1\nsignal: {count: 3,\n  variance: |}\n',
    ['power_law', 'exponential', 'uniform', 'flat', 'file'],
    ['signal', 'variance'],
  ],
  [
    'multi-line flow sequence of pairs with a comment, a new pair',
    'sslexp: 1\ngraph:\n  edges: [\n    [0, 1],\n    [1, 2, 0.5], # weak\n    |\n  ]\n',
    [],
    ['graph', 'edges', 2],
  ],
  ['block list, item 2 of alpha', 'sslexp: 1\nsimulate:\n  alpha:\n    - 0.1\n    - 1\n    - |\n', [], ['simulate', 'alpha', 2]],
  [
    'block list, then a sibling key of the list',
    'sslexp: 1\nsimulate:\n  n:\n    - 100\n    - 1000\n  |\n',
    ['alpha', 'repeats', 'seed', 'metric'],
    ['simulate'],
  ],
  [
    'nested block lists (edges), item 2 of pair 1',
    'sslexp: 1\ngraph:\n  edges:\n    - [0, 1]\n    - - 1\n      - 2\n      - |\n',
    [],
    ['graph', 'edges', 1, 2],
  ],
  ['compact nested block lists, item 1 of pair 0', 'sslexp: 1\ngraph:\n  edges:\n    - - 0\n      - |\n', [], ['graph', 'edges', 0, 1]],
  [
    'a flow pair in item 3 of a block list',
    'sslexp: 1\ngraph:\n  edges:\n    - [0, 1]\n    - [1, 2]\n    - [2, 3]\n    - [3, |]\n',
    [],
    ['graph', 'edges', 3, 1],
  ],
  [
    'comment inside a flow mapping (with brackets and commas in it)',
    'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,   # c_i = {first}, [sic]\n             |}}\n',
    ['exponent', 'offset', 'scale'],
    ['signal', 'variance', 'power_law'],
  ],
  [
    'comment line inside a flow mapping',
    'sslexp: 1\nsimulate: {\n  # the grid\n  n: [100, 1000],\n  # |\n  |\n}\n',
    ['alpha', 'repeats', 'seed', 'metric'],
    ['simulate'],
  ],
  [
    'CRLF: multi-line flow mapping',
    'sslexp: 1\r\nsignal:\r\n  variance: {power_law: {first: 3.0e5,\r\n             |}}\r\n',
    ['exponent', 'offset', 'scale'],
    ['signal', 'variance', 'power_law'],
  ],
  ['CRLF: block list item 1', 'sslexp: 1\r\nsimulate:\r\n  n:\r\n    - 100\r\n    - |\r\n  seed: 1\r\n', ['1000'], ['simulate', 'n', 1]],
  ['CRLF: a block key', 'sslexp: 1\r\nsimulate:\r\n  seed: 1\r\n  |\r\n  metric: probe-gap\r\n', ['n', 'alpha', 'repeats'], ['simulate']],
  ['quoted keys (block)', '"sslexp": 1\n"signal":\n  \'count\': 5\n  |\n', ['variance', 'augmentation'], ['signal']],
  [
    'quoted keys (flow)',
    'sslexp: 1\nsignal:\n  variance: {"power_law": {\'first\': 1, |}}\n',
    ['exponent', 'offset', 'scale'],
    ['signal', 'variance', 'power_law'],
  ],
  ['quoted value being typed', 'sslexp: 1\nsimulate:\n  metric: "sub|', ['probe-gap', 'subspace-angle'], ['simulate', 'metric']],
  ['keys with spaces before the colon', 'sslexp : 1\nsignal   :\n  count  : 5\n  |\n', ['variance', 'augmentation'], ['signal']],
  [
    'keys with spaces before the colon (flow)',
    'sslexp: 1\nsignal:\n  variance : {power_law : {first : 1, |}}\n',
    ['exponent', 'offset', 'scale'],
    ['signal', 'variance', 'power_law'],
  ],
  ['a root flow mapping over several lines', '{sslexp: 1,\n signal: {count: 3,\n   |}}\n', ['variance', 'augmentation'], ['signal']],
  ['end of file without a newline: a key', 'sslexp: 1\nsignal:\n  count: 5\n  var|', ['variance', 'augmentation'], ['signal']],
  ['end of file without a newline: inside an unclosed flow', 'sslexp: 1\nsimulate: {n: [1, 2],\n  |', ['alpha', 'repeats', 'seed', 'metric'], ['simulate']],
  [
    'an unclosed flow mapping ends at the next block key',
    'sslexp: 1\nsignal: {count: 1,\n  |\nnoise:\n  variance: 1\n',
    ['variance', 'augmentation'],
    ['signal'],
  ],
  [
    'several documents: the first is the spec',
    'sslexp: 1\nsimulate:\n  seed: 1\n  |\n---\nsimulate:\n  metric: x\n',
    ['n', 'alpha', 'repeats', 'metric'],
    ['simulate'],
  ],
  ['several documents: nothing in a later one', 'sslexp: 1\n---\nsimulate:\n  |\n', [], []],
  ['an anchor and a tag before a block mapping', 'sslexp: 1\nsignal: &s !!map\n  count: 5\n  |\n', ['variance', 'augmentation'], ['signal']],
  ['a tag before a multi-line flow mapping', 'sslexp: 1\nsimulate: !!map {seed: 1,\n  |}\n', ['n', 'alpha', 'repeats', 'metric'], ['simulate']],
  ['a block scalar is text', 'sslexp: 1\nname: >\n  my name\n  |\nalpha: 1\n', [], []],
];

test('completion and context: multi-line flow, block lists, comments, quotes, CRLF, documents, end of file', () => {
  for (const [what, marked, expected, path] of COMPLETION_CASES) {
    assert.deepEqual(labels(marked), expected, what);
    const [t, o] = at(marked);
    assert.deepEqual(cursorContext(t, o, YAML).path, path, `${what}: path`);
  }
});

test('completion replaces exactly the word at the cursor (CRLF, end of file, second flow line)', () => {
  const cases: [string, string, string][] = [
    ['sslexp: 1\r\nsignal:\r\n  count: 5\r\n  var|\r\n', 'variance', 'sslexp: 1\r\nsignal:\r\n  count: 5\r\n  variance: \r\n'],
    [
      'sslexp: 1\r\nsignal:\r\n  count: 5\r\n  variance: |\r\n',
      'power_law',
      'sslexp: 1\r\nsignal:\r\n  count: 5\r\n  variance: {power_law: {first: 300000, exponent: 1}}\r\n',
    ],
    ['sslexp: 1\nsimulate:\n  metric: sub|', 'subspace-angle', 'sslexp: 1\nsimulate:\n  metric: subspace-angle'],
    [
      'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,\n             exp|}}\n',
      'exponent',
      'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,\n             exponent: 1}}\n',
    ],
    ['sslexp: 1\nsimulate:\n  n:\n    - 100\n    - |\n', '1000', 'sslexp: 1\nsimulate:\n  n:\n    - 100\n    - 1000\n'],
  ];
  for (const [marked, label, expected] of cases) assert.equal(apply(marked, label), expected, marked);
});

test('block lists of mappings: item index, keys of the same item only', () => {
  // The definition has no list of mappings (the validator reports one as a wrong type), so
  // nothing is offered there, but the context is exact: item index, the item's own keys.
  const cases: [string, (string | number)[], string[]][] = [
    ['methods:\n  - vicreg: {}\n    |\n', ['methods', 0], ['vicreg']],
    ['methods:\n  - vicreg: {}\n  - simclr: {}\n    barlow: {}\n    |\n', ['methods', 1], ['simclr', 'barlow']],
    ['methods:\n- a: 1\n- b: 2\n- c: 3\n- d: 4\n  |\n  e: 5\n- f: 6\n', ['methods', 3], ['d', 'e']],
    ['x:\n  - - a: 1\n      |\n', ['x', 0, 0], ['a']],
    ['x:\n  - - a: 1\n    - b: 2\n      |\n', ['x', 0, 1], ['b']],
    ['x:\n  -\n    - a: 1\n    -\n      b: 2\n      |\n', ['x', 0, 1], ['b']],
    ['x:\n  - y:\n      - z: 1\n      - w: 2\n        |\n', ['x', 0, 'y', 1], ['w']],
  ];
  for (const [marked, path, existing] of cases) {
    const [t, o] = at('sslexp: 1\n' + marked);
    const ctx = cursorContext(t, o, YAML);
    assert.deepEqual([ctx.path, ctx.position, ctx.existingKeys], [path, 'key', existing], marked);
    assert.deepEqual(labels('sslexp: 1\n' + marked), [], marked);
  }
});

test('tabs (not allowed as YAML indentation): every service answers at every offset without throwing', () => {
  const texts = [
    'sslexp: 1\nsignal:\n\tcount: 5\n\tvariance: {power_law: {first: 1,\n\t\texponent: 1}}\n',
    'sslexp:\t1\nsimulate:\n  n:\n\t- 100\n  -\t1000\n',
    '\t\t\n\t- \t{\t',
  ];
  for (const t of texts)
    for (let o = 0; o <= t.length; o++) {
      completions(t, o, YAML);
      hoverDoc(t, o, YAML);
      selectionRanges(t, o, YAML);
    }
  for (const t of texts) documentSymbols(t, YAML);
  // The parser reads a key indented by a tab as a key of the root (with a syntax error), where
  // the spec has no `count`: no hover, as for any unknown key; a known root key is documented.
  const [tt, to] = at('sslexp: 1\nsignal:\n\tcou|nt: 5\n');
  assert.equal(hoverDoc(tt, to, YAML), undefined);
  const [ta, oa] = at('sslexp: 1\nsignal:\n\tal|pha: 5\n');
  assert.deepEqual(hoverDoc(ta, oa, YAML)?.path, ['alpha']);
  // A tab after the colon is a separator: the value is read as usual.
  assert.deepEqual(labels('sslexp: 1\nsimulate:\n  metric:\t|'), ['probe-gap', 'subspace-angle']);
});

/** [what, text with the cursor `|`, exact hovered text, exact first line of the hover, exact path]. */
const HOVER_CASES: [string, string, string, string, (string | number)[]][] = [
  [
    'second line of a multi-line flow mapping',
    'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,\n             expo|nent: 1.0}}\n',
    'exponent',
    '**exponent**',
    ['signal', 'variance', 'power_law', 'exponent'],
  ],
  [
    'a family key before a line break in a flow mapping',
    'sslexp: 1\nsignal:\n  variance: {\n    power_l|aw: {first: 3.0e5,\n      exponent: 1.0}}\n',
    'power_law',
    '**power_law**',
    ['signal', 'variance', 'power_law'],
  ],
  ['a value on the second line of a multi-line flow sequence', 'sslexp: 1\nsimulate:\n  n: [100,\n      10|00]\n', '1000', '**n**', ['simulate', 'n']],
  ['block list item 2', 'sslexp: 1\nsimulate:\n  n:\n    - 100\n    - 1000\n    - 100|00\n', '10000', '**n**', ['simulate', 'n']],
  ['a key after a block list', 'sslexp: 1\nsimulate:\n  n:\n    - 100\n  met|ric: probe-gap\n', 'metric', '**metric**', ['simulate', 'metric']],
  [
    'a key after a comment inside a flow mapping',
    'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,  # {x}, [y]\n             ex|ponent: 1.0}}\n',
    'exponent',
    '**exponent**',
    ['signal', 'variance', 'power_law', 'exponent'],
  ],
  [
    'CRLF: second line of a multi-line flow mapping',
    'sslexp: 1\r\nsignal:\r\n  variance: {power_law: {first: 3.0e5,\r\n             e|xponent: 1.0}}\r\n',
    'exponent',
    '**exponent**',
    ['signal', 'variance', 'power_law', 'exponent'],
  ],
  ['a quoted key', 'sslexp: 1\n"sig|nal":\n  count: 3\n', '"signal"', '**signal**', ['signal']],
  ['a key with spaces before its colon', 'sslexp: 1\nsignal:\n  cou|nt   : 3\n', 'count', '**count**', ['signal', 'count']],
  [
    'a root flow mapping over several lines',
    '{sslexp: 1,\n signal: {count: 3,\n   vari|ance: 1}}\n',
    'variance',
    '**variance** — Spectrum (at least one component)',
    ['signal', 'variance'],
  ],
  [
    'an unclosed multi-line flow mapping (a syntax error)',
    'sslexp: 1\nsignal:\n  variance: {power_law: {first: 1,\n    expo|nent: 1\n',
    'exponent',
    '**exponent**',
    ['signal', 'variance', 'power_law', 'exponent'],
  ],
  ['end of file without a newline, on the last value', 'sslexp: 1\nalpha: 0.5|', '0.5', '**alpha**', ['alpha']],
];

test('hover: every key and value in multi-line flow, block lists, comments, CRLF, quotes, end of file', () => {
  for (const [what, marked, hovered, title, path] of HOVER_CASES) {
    const [t, o] = at(marked);
    const h = hoverDoc(t, o, YAML);
    assert.ok(h, what);
    assert.deepEqual([t.slice(h.start, h.end), h.markdown.split('\n')[0], h.path], [hovered, title, path], what);
  }
  // Only the first document is the spec.
  const [t, o] = at('sslexp: 1\n---\nsimulate:\n  met|ric: x\n');
  assert.equal(hoverDoc(t, o, YAML), undefined);
});

/** The outline as `name: covered text` lines, indented by depth. */
function outline(text: string, file = YAML): string[] {
  const out: string[] = [];
  const walk = (ss: ReturnType<typeof documentSymbols>, depth: number) => {
    for (const s of ss) {
      const sel = s.selectionStart === s.start && s.selectionEnd === s.end ? '=' : text.slice(s.selectionStart, s.selectionEnd);
      out.push(`${'  '.repeat(depth)}${s.name} [${sel}]: ${JSON.stringify(text.slice(s.start, s.end))}`);
      walk(s.children, depth + 1);
    }
  };
  walk(documentSymbols(text, file), 0);
  return out;
}

test('document symbols: multi-line flow, block lists, nested lists of mappings, CRLF, several documents', () => {
  const t =
    'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,  # c_i\n             exponent: 1.0}}\nsimulate:\n  n:\n    - 100\n    - 1000\n  alpha: [0.1,\n          1]\n';
  assert.deepEqual(outline(t), [
    'sslexp [sslexp]: "sslexp: 1"',
    'signal [signal]: "signal:\\n  variance: {power_law: {first: 3.0e5,  # c_i\\n             exponent: 1.0}}\\n"',
    '  variance [variance]: "variance: {power_law: {first: 3.0e5,  # c_i\\n             exponent: 1.0}}"',
    '    power_law [power_law]: "power_law: {first: 3.0e5,  # c_i\\n             exponent: 1.0}"',
    '      first [first]: "first: 3.0e5"',
    '      exponent [exponent]: "exponent: 1.0"',
    'simulate [simulate]: "simulate:\\n  n:\\n    - 100\\n    - 1000\\n  alpha: [0.1,\\n          1]\\n"',
    '  n [n]: "n:\\n    - 100\\n    - 1000\\n"',
    '  alpha [alpha]: "alpha: [0.1,\\n          1]"',
  ]);
  assert.deepEqual(outline('sslexp: 1\r\nsimulate: {n: [100,\r\n  1000], seed: 1}\r\n'), [
    'sslexp [sslexp]: "sslexp: 1"',
    'simulate [simulate]: "simulate: {n: [100,\\r\\n  1000], seed: 1}"',
    '  n [n]: "n: [100,\\r\\n  1000]"',
    '  seed [seed]: "seed: 1"',
  ]);
  // Lists of mappings at any depth: every key the parser sees is in the outline.
  assert.deepEqual(outline('sslexp: 1\nx:\n  - - a: 1\n    - b: 2\n  - [{c: 3}]\n  - 5\n'), [
    'sslexp [sslexp]: "sslexp: 1"',
    'x [x]: "x:\\n  - - a: 1\\n    - b: 2\\n  - [{c: 3}]\\n  - 5\\n"',
    '  [0] [=]: "- a: 1\\n    - b: 2\\n"',
    '    [0] [=]: "a: 1\\n"',
    '      a [a]: "a: 1"',
    '    [1] [=]: "b: 2\\n"',
    '      b [b]: "b: 2"',
    '  [1] [=]: "[{c: 3}]"',
    '    [0] [=]: "{c: 3}"',
    '      c [c]: "c: 3"',
  ]);
  // Only the first document.
  assert.deepEqual(outline('sslexp: 1\n---\nalpha: 1\n'), ['sslexp [sslexp]: "sslexp: 1"']);
});

test('selection ranges grow across the lines of a multi-line flow mapping', () => {
  const t = 'sslexp: 1\nsignal:\n  variance: {power_law: {first: 3.0e5,\n             exponent: 1.0}}\n';
  const rs = selectionRanges(t, t.indexOf('1.0}') + 1, YAML).map((r) => t.slice(r.start, r.end));
  assert.deepEqual(rs, [
    '1.0',
    'exponent: 1.0',
    '{first: 3.0e5,\n             exponent: 1.0}',
    'power_law: {first: 3.0e5,\n             exponent: 1.0}',
    '{power_law: {first: 3.0e5,\n             exponent: 1.0}}',
    'variance: {power_law: {first: 3.0e5,\n             exponent: 1.0}}',
    'variance: {power_law: {first: 3.0e5,\n             exponent: 1.0}}\n',
    'signal:\n  variance: {power_law: {first: 3.0e5,\n             exponent: 1.0}}\n',
    t,
  ]);
  const b = 'sslexp: 1\nsimulate:\n  n:\n    - 100\n    - 1000\n';
  assert.deepEqual(
    selectionRanges(b, b.indexOf('1000') + 2, YAML).map((r) => b.slice(r.start, r.end)),
    ['1000', '- 100\n    - 1000\n', 'n:\n    - 100\n    - 1000\n', 'simulate:\n  n:\n    - 100\n    - 1000\n', b],
  );
});

/** Every example spec (examples/, graph and families) with its text. */
function exampleSpecs(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const dir of [join(ROOT, 'examples'), join(ROOT, 'examples', 'graph'), join(ROOT, 'examples', 'families')])
    for (const name of readdirSync(dir).filter((f) => /\.sslexp\.(ya?ml|json)$/.test(f))) out.push({ name, text: readFileSync(join(dir, name), 'utf8') });
  return out;
}

/** Key paths of the parser's tree with their key spans (merged keys are not written where they apply). */
function keySpans(text: string, file: string): Map<string, { path: (string | number)[]; start: number; end: number }> {
  const root = parseSourceTree(text, file).root;
  assert.ok(root, file);
  const out = new Map<string, { path: (string | number)[]; start: number; end: number }>();
  const walk = (node: SourceNode, path: (string | number)[]) => {
    if (node.kind === 'map')
      for (const e of node.entries) {
        if (e.merged) continue;
        out.set(JSON.stringify([...path, e.key]), { path: [...path, e.key], start: e.keySpan.start, end: e.keySpan.end });
        walk(e.value, [...path, e.key]);
      }
    else if (node.kind === 'seq') node.items.forEach((x, i) => walk(x, [...path, i]));
  };
  walk(root, []);
  return out;
}

/** Key paths of the outline (`[i]` entries are list items, not keys). */
function symbolKeyPaths(text: string, file: string): string[] {
  const out: string[] = [];
  const walk = (ss: ReturnType<typeof documentSymbols>, path: (string | number)[]) => {
    for (const s of ss) {
      const item = /^\[(\d+)\]$/.exec(s.name);
      const p = [...path, item ? Number(item[1]) : s.name];
      if (!item) out.push(JSON.stringify(p));
      walk(s.children, p);
    }
  };
  walk(documentSymbols(text, file), []);
  return out;
}

test('property: on every example, every key has a hover and the outline holds every key the parser sees', () => {
  let keys = 0;
  for (const { name, text } of exampleSpecs()) {
    const spans = keySpans(text, name);
    assert.deepEqual(symbolKeyPaths(text, name).sort(), [...spans.keys()].sort(), name);
    for (const { path, start, end } of spans.values())
      for (const o of [start, Math.floor((start + end) / 2), end]) {
        const h = hoverDoc(text, o, name);
        assert.ok(h && h.markdown.length > 20 && h.markdown.startsWith(`**${String(path[path.length - 1])}**`), `${name}: ${path.join('.')} at ${o}`);
        keys++;
      }
  }
  assert.ok(keys > 300, `${keys} hovers`);
});

/** The example re-stringified by the yaml library: every collection in block style, in flow style, or flow down from the root. */
function restyled(text: string, style: 'block' | 'flow' | 'root-flow'): string {
  const doc = parseDocument(text);
  visit(doc, {
    Map: (_, n) => {
      n.flow = style !== 'block';
    },
    Seq: (_, n) => {
      n.flow = style !== 'block';
    },
  });
  if (style === 'flow' && (isMap(doc.contents) || isSeq(doc.contents))) doc.contents.flow = false;
  return doc.toString();
}

test('property: block and flow style give the same outline, completions and hovers at every key', () => {
  let compared = 0;
  for (const { name, text } of exampleSpecs()) {
    if (name.endsWith('.json')) continue;
    const variants = (['block', 'flow', 'root-flow'] as const).map((style) => ({ style, text: restyled(text, style) }));
    const base = keySpans(text, name);
    const expected = symbolKeyPaths(text, name).sort();
    for (const v of variants) {
      const what = `${name} (${v.style})`;
      assert.deepEqual(parseSourceTree(v.text, name).problems, [], what);
      const spans = keySpans(v.text, name);
      assert.deepEqual([...spans.keys()].sort(), [...base.keys()].sort(), what);
      assert.deepEqual(symbolKeyPaths(v.text, name).sort(), expected, `${what}: outline`);
      for (const [key, b] of base) {
        const s = spans.get(key)!;
        for (const [ob, os] of [
          [b.start, s.start],
          [b.end, s.end],
        ]) {
          const want = completions(text, ob, name).map((c) => c.label);
          const got = completions(v.text, os, name).map((c) => c.label);
          assert.deepEqual(got, want, `${what}: completions at ${key} (${ob === b.start ? 'start' : 'end'})`);
          assert.ok(want.length > 0 || b.path.some((x) => typeof x === 'number'), `${what}: completions at ${key}`);
        }
        const hb = hoverDoc(text, b.start + 1, name);
        const hs = hoverDoc(v.text, s.start + 1, name);
        assert.deepEqual([hs?.path, hs?.markdown], [hb?.path, hb?.markdown], `${what}: hover at ${key}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 300, `${compared} keys compared`);
});

test('property: at every key of every example and style, the reader agrees with the parser (path, siblings)', () => {
  // Lists of mappings (not in the spec language, but YAML), nested at several depths.
  const lists =
    'sslexp: 1\nx:\n  - a: 1\n    b:\n      - c: 2\n      - d: 3\n        e: [4, {f: 5}]\n  - - g: 6\n    - h: 7\n  - i: 8\ny: {j: [{k: 9}, {l: 10, m: 11}]}\n';
  const docs = [...exampleSpecs().filter((e) => !e.name.endsWith('.json')), { name: 'lists.sslexp.yaml', text: lists }];
  let checked = 0;
  for (const { name, text } of docs)
    for (const style of ['original', 'block', 'flow', 'root-flow'] as const) {
      const t = style === 'original' ? text : restyled(text, style);
      const root = parseSourceTree(t, name).root!;
      const siblingsOf = (path: (string | number)[]): string[] => {
        let node: SourceNode = root;
        for (const seg of path)
          node = node.kind === 'map' ? node.entries.find((e) => e.key === seg)!.value : node.kind === 'seq' ? node.items[seg as number] : node;
        return node.kind === 'map' ? node.entries.map((e) => e.key) : [];
      };
      for (const [key, s] of keySpans(t, name)) {
        const parent = s.path.slice(0, -1);
        for (const o of [s.start, s.end]) {
          const ctx = cursorContext(t, o, name);
          const own = String(s.path[s.path.length - 1]);
          assert.deepEqual(
            [ctx.path, ctx.position, [...ctx.existingKeys].sort()],
            [
              parent,
              'key',
              siblingsOf(parent)
                .filter((k) => k !== own)
                .sort(),
            ],
            `${name} (${style}): ${key} at ${o}`,
          );
          checked++;
        }
      }
    }
  assert.ok(checked > 1000, `${checked} positions`);
});

// What completion and hover show of the definition is written in the notation of the hovers of the
// analysis (κ_i², λ^Θ, ≥), not in the plain-text notation of the JSON Schema's descriptions.
const ASCII_NOTATION = /kappa|lambda|\bTheta\b|\bGamma\b|\bSigma\b|\btheta\b|\bgamma\b|>=|<=|\^2\b|\^T\b|\^-|\bsqrt\b|\bd - k\b|\bx [VD]\b/;

test('completion documentation and hovers use Unicode notation, never the schema’s ASCII notation', () => {
  // Every key of every mode, reached the way completion reaches it.
  const shown: [string, string][] = [];
  const walk = (path: (string | number)[], mode: 'spectral' | 'data' | 'graph', depth: number): void => {
    const info = lookupSpecNode(path, mode);
    if (!info || depth > 8) return;
    shown.push([`${mode}:${path.join('.')}`, info.markdown]);
    for (const key of info.children) walk([...path, key], mode, depth + 1);
    if (info.kind === 'array' || info.kind === 'union') walk([...path, 0], mode, depth + 1);
  };
  for (const mode of ['spectral', 'data', 'graph'] as const) walk([], mode, 0);
  assert.ok(shown.length > 80, `only ${shown.length} nodes reached`);
  // The self-check: the pattern finds the notation it must not find.
  assert.ok(ASCII_NOTATION.test('variance c_i = kappa_i^2 / n (>= 0)') && !ASCII_NOTATION.test('variance c_i = κ_i² / n (≥ 0)'));
  const ascii = shown.filter(([, md]) => ASCII_NOTATION.test(md)).map(([p, md]) => `${p}: ${md}`);
  assert.deepEqual(ascii, []);
  // The completion of `signal` documents it as its hover does.
  const signal = item('sslexp: 1\n|', 'signal');
  assert.match(signal.documentation ?? '', /c_i = κ_i² \/ n and augmentation λ\^Θ_i/);
  const [text, offset] = at('sslexp: 1\nsig|nal:\n  count: 1\n');
  assert.equal(hoverDoc(text, offset, YAML)?.markdown, signal.documentation);
});
