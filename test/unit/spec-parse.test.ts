import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logGrid, suggest, damerauLevenshtein, SPEC_KEYS } from '../../src/core/spec/parseSpec';
import { parseSourceTree, MAX_ALIAS_EXPANSION } from '../../src/core/spec/sourceTree';
import { computeLineStarts, offsetToLineColumn } from '../../src/core/problems/problems';
import { PROBLEM_CODES } from '../../src/core/problems/codes';
import { Rng } from '../../src/core/numerics/rng';
import type { DataSpec, SpectralSpec } from '../../src/core/spec/model';
import { applyFix, specAsserts } from './support/specAsserts';
import { assertNoHang, timed } from '../support/hangGuard';

/** Every code seen in this file is checked against the table at the end. */
const { seen, parse, expectProblem } = specAsserts({ specAbsent: 'always' });

const VALID = `sslexp: 1
name: Natural images, cluttered background
signal:
  count: 50
  variance: {power_law: {first: 3.0e5, exponent: 1.0}}
  augmentation: {uniform: {low: 0, high: 1.0e4, seed: 1}}
noise:
  count: 50
  variance: {uniform: {low: 0, high: 1.0e6, seed: 2}}
  augmentation: 1.0e3
alpha: 1.0
simulate:
  n: {from: 100, to: 100000, points: 7}
  alpha: [0.1, 1, 10]
  repeats: 5
  seed: 0
  metric: probe-gap
`;

// ------------------------------------------------------------------ valid documents

test('docs/architecture.md §1 spectral example parses into the model', () => {
  const r = parse(VALID);
  assert.deepEqual(r.problems, []);
  const s = r.spec as SpectralSpec;
  assert.equal(s.mode, 'spectral');
  assert.equal(s.name, 'Natural images, cluttered background');
  assert.equal(s.signal.count, 50);
  assert.deepEqual({ ...s.signal.variance, span: undefined }, { kind: 'power_law', first: 3e5, exponent: 1, offset: 0, span: undefined });
  assert.deepEqual({ ...s.signal.augmentation, span: undefined }, { kind: 'uniform', low: 0, high: 1e4, seed: 1, span: undefined });
  assert.deepEqual({ ...s.noise.augmentation, span: undefined }, { kind: 'flat', value: 1000, span: undefined });
  assert.equal(s.alpha, 1);
  assert.equal(VALID.slice(s.alphaSpan!.start, s.alphaSpan!.end), '1.0');
  assert.equal(VALID.slice(s.alphaKeySpan!.start, s.alphaKeySpan!.end), 'alpha');
  assert.equal(VALID.slice(s.signal.countSpan!.start, s.signal.countSpan!.end), '50');
  assert.equal(VALID.slice(s.signal.variance.span.start, s.signal.variance.span.end), '{power_law: {first: 3.0e5, exponent: 1.0}}');
  assert.deepEqual(s.simulate!.n.values, [100, 316, 1000, 3162, 10000, 31623, 100000]);
  assert.deepEqual(s.simulate!.alpha, [0.1, 1, 10]);
  assert.equal(s.simulate!.repeats, 5);
  assert.equal(s.simulate!.metric, 'probe-gap');
});

test('the same document in JSON parses to the same model (spans aside)', () => {
  const json = JSON.stringify(
    {
      sslexp: 1,
      name: 'Natural images, cluttered background',
      signal: { count: 50, variance: { power_law: { first: 3e5, exponent: 1 } }, augmentation: { uniform: { low: 0, high: 1e4, seed: 1 } } },
      noise: { count: 50, variance: { uniform: { low: 0, high: 1e6, seed: 2 } }, augmentation: 1e3 },
      alpha: 1,
      simulate: { n: { from: 100, to: 100000, points: 7 }, alpha: [0.1, 1, 10], repeats: 5, seed: 0, metric: 'probe-gap' },
    },
    null,
    2,
  );
  const a = parse(VALID).spec!;
  const b = parse(json, 'x.sslexp.json').spec!;
  const strip = (o: unknown): unknown => JSON.parse(JSON.stringify(o, (k, v) => (/Span$|^span$/.test(k) ? undefined : v)));
  assert.deepEqual(strip(b), strip(a));
});

test('defaults: augmentation flat 0, repeats 5, seed 0, metric probe-gap; counts from lists', () => {
  const r = parse('sslexp: 1\nsignal: {variance: [3, 2, 1]}\nnoise: {variance: [1, 1], augmentation: [0, 2]}\nalpha: 2\nsimulate: {n: [1000, 100, 100]}\n');
  assert.deepEqual(r.problems, []);
  const s = r.spec as SpectralSpec;
  assert.equal(s.signal.count, 3);
  assert.equal(s.noise.count, 2);
  assert.equal(s.signal.augmentation.kind, 'flat');
  assert.equal((s.signal.augmentation as { value: number }).value, 0);
  assert.deepEqual(s.simulate!.n.values, [100, 1000]);
  assert.deepEqual(s.simulate!.alpha, [2], 'simulate.alpha defaults to the top-level alpha');
  assert.equal(s.simulate!.repeats, 5);
  assert.equal(s.simulate!.seed, 0);
  assert.equal(s.simulate!.metric, 'probe-gap');
});

test('a file spectrum without count: count comes from the file; the path is resolved against baseDir', () => {
  const r = parse('sslexp: 1\nsignal: {variance: {file: ../eig/signal.npy, scale: 2}}\nnoise: {count: 0}\n');
  assert.deepEqual(r.problems, []);
  const s = r.spec as SpectralSpec;
  assert.equal(s.signal.countFromFile, true);
  assert.deepEqual(
    { ...s.signal.variance, span: undefined, pathSpan: undefined },
    { kind: 'file', path: '../eig/signal.npy', scale: 2, resolved: '/work/eig/signal.npy', span: undefined, pathSpan: undefined },
  );
  assert.equal(s.noise.count, 0);
});

test('YAML numbers: 1.0e4, 1e4, 0x10 are numbers; .inf / -.inf / .nan stay numbers and are flagged by field', () => {
  const ok = parse('sslexp: 1\nsignal: {count: 0x10, variance: 1.0e4}\nnoise: {count: 2, variance: 1e4}\n');
  assert.deepEqual(ok.problems, []);
  assert.equal((ok.spec as SpectralSpec).signal.count, 16);
  const tree = parseSourceTree('a: [.inf, -.inf, .nan, 1.0e4]', 'x.yaml');
  assert.equal(tree.root!.kind, 'map');
  const seq = (tree.root as { entries: { value: { items: { value: number; raw?: string }[] } }[] }).entries[0].value.items;
  assert.deepEqual(
    seq.map((s) => s.value),
    [Infinity, -Infinity, NaN, 10000],
  );
  assert.deepEqual(
    seq.map((s) => s.raw),
    ['.inf', '-.inf', '.nan', '1.0e4'],
  );
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: .nan}\nnoise: {count: 1, variance: 1}\n', {
    code: 'invalid-value',
    line: 2,
    column: 30,
    text: '.nan',
    message: 'signal.variance: expected a finite number, got .nan.',
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: {flat: -.inf}}\n', {
    code: 'invalid-value',
    line: 3,
    column: 36,
    text: '-.inf',
    message: 'noise.variance.flat: expected a finite number, got -.inf.',
  });
});

test('YAML anchors and aliases resolve; merge keys work; tags !!float/!!int/!!str are fine', () => {
  const r = parse('sslexp: 1\nsignal: &blk\n  count: 3\n  variance: !!float 2\nnoise:\n  <<: *blk\n  augmentation: !!int "4"\nname: !!str 5\n');
  assert.deepEqual(r.problems, []);
  const s = r.spec as SpectralSpec;
  assert.equal(s.noise.count, 3);
  assert.deepEqual((s.noise.variance as { value: number }).value, 2);
  assert.deepEqual((s.noise.augmentation as { value: number }).value, 4);
  assert.equal(s.name, '5');
});

// ------------------------------------------------------------------ reading the text

test('yaml-syntax: exact position of a YAML error', () => {
  expectProblem('sslexp: 1\nsignal:\n  count: 1\n   variance: 2\n', {
    code: 'yaml-syntax',
    line: 3,
    column: 10,
    text: '1',
    message: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
  });
  expectProblem('sslexp: 1\nname: [a\n', {
    code: 'yaml-syntax',
    line: 3,
    column: 1,
    text: '',
    message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
  });
});

test('yaml-syntax: undefined alias and recursive alias', () => {
  expectProblem('sslexp: 1\nname: *nope\n', {
    code: 'yaml-syntax',
    line: 2,
    column: 7,
    text: '*nope',
    message: 'YAML syntax error: alias *nope refers to an anchor &nope that is not defined before it.',
  });
  expectProblem('sslexp: 1\nname: &a [1, *a]\n', {
    code: 'yaml-syntax',
    line: 2,
    column: 14,
    text: '*a',
    message: 'YAML syntax error: alias *a refers to its own enclosing node (a recursive structure).',
  });
});

test('json-syntax: trailing comma, comment, missing comma', () => {
  expectProblem(
    '{\n  "sslexp": 1,\n  "name": "x",\n}',
    {
      code: 'json-syntax',
      line: 3,
      column: 14,
      text: ',',
      message: 'JSON syntax error: trailing comma is not allowed in JSON.',
    },
    'x.sslexp.json',
  );
  expectProblem(
    '{\n  // hello\n  "sslexp": 1\n}',
    {
      code: 'json-syntax',
      line: 2,
      column: 3,
      text: '// hello',
      message: 'JSON syntax error: comments are not allowed in JSON.',
    },
    'x.sslexp.json',
  );
  expectProblem(
    '{"sslexp": 1 "name": "x"}',
    {
      code: 'json-syntax',
      line: 1,
      column: 14,
      text: '"name"',
      message: 'JSON syntax error: comma expected.',
    },
    'x.sslexp.json',
  );
});

test('duplicate-key on the second key (YAML and JSON)', () => {
  expectProblem('sslexp: 1\nname: a\nname: b\n', {
    code: 'duplicate-key',
    line: 3,
    column: 1,
    text: 'name',
    message: "Duplicate key 'name': it is already defined in this mapping.",
  });
  expectProblem(
    '{"sslexp": 1, "name": "a", "name": "b"}',
    {
      code: 'duplicate-key',
      line: 1,
      column: 28,
      text: '"name"',
      message: "Duplicate key 'name': it is already defined in this mapping.",
    },
    'x.sslexp.json',
  );
});

test('multi-document: an extra YAML document is an error on its ---', () => {
  expectProblem(VALID + '---\nsslexp: 1\n', {
    code: 'multi-document',
    line: 18,
    column: 1,
    text: '---',
    message: 'A spec file holds exactly one YAML document; remove this extra document (and its `---`).',
  });
});

test('unknown-tag: custom and non-core tags', () => {
  expectProblem('sslexp: 1\nname: !secret x\n', {
    code: 'unknown-tag',
    line: 2,
    column: 7,
    text: '!secret',
    message: "Unsupported YAML tag '!secret': only the core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed.",
  });
  expectProblem('sslexp: 1\nname: !!binary aGk=\n', {
    code: 'unknown-tag',
    line: 2,
    column: 7,
    text: '!!binary',
    message: "Unsupported YAML tag '!!binary': only the core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed.",
  });
});

test('a tag on a mapping key is checked like the same tag on a value (block, flow, explicit keys; exact codes and ranges)', () => {
  const MISMATCH = (tag: string, fits: string, scalar: string) =>
    `The YAML tag '${tag}' contradicts its node: it marks ${fits}, but the node is the scalar '${scalar}'. Remove the tag or fix the value.`;
  const SEQ = MISMATCH('!!seq', 'a list', 'variance');
  // the reported case, flow and block style, and an explicit (`? `) key
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 2, !!seq variance: 1}\n', {
    code: 'tag-mismatch',
    line: 3,
    column: 19,
    text: '!!seq',
    message: SEQ,
  });
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise:\n  count: 2\n  !!seq variance: 1\n', {
    code: 'tag-mismatch',
    line: 5,
    column: 3,
    text: '!!seq',
    message: SEQ,
  });
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise:\n  count: 2\n  ? !!seq variance\n  : 1\n', {
    code: 'tag-mismatch',
    line: 5,
    column: 5,
    text: '!!seq',
    message: SEQ,
  });
  // anchors before or after the tag do not hide it
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 2, &v !!seq variance: 1}\n', {
    code: 'tag-mismatch',
    line: 3,
    column: 22,
    text: '!!seq',
    message: SEQ,
  });
  // the same tags as on values
  for (const [tag, fits] of [
    ['!!map', 'a mapping'],
    ['!!null', 'null (~, null or nothing)'],
    ['!!bool', 'true or false'],
  ] as const) {
    expectProblem(`sslexp: 1\n${tag} alpha: 1\n`, { code: 'tag-mismatch', line: 2, column: 1, text: tag, message: MISMATCH(tag, fits, 'alpha') });
  }
  // !!float / !!int on a key that is not a number: the value's message, on the key
  expectProblem('sslexp: 1\n!!float alpha: 1\n', {
    code: 'yaml-syntax',
    line: 2,
    column: 9,
    text: 'alpha',
    message: "YAML syntax error: 'alpha' is not a valid !!float.",
  });
  expectProblem('sslexp: 1\nx: {!!int alpha: 1}\n', {
    code: 'yaml-syntax',
    line: 2,
    column: 11,
    text: 'alpha',
    message: "YAML syntax error: 'alpha' is not a valid !!int.",
  });
  // the verbatim form of a core tag is that tag
  expectProblem('sslexp: 1\n!<tag:yaml.org,2002:float> alpha: 1\n', {
    code: 'yaml-syntax',
    line: 2,
    column: 28,
    text: 'alpha',
    message: "YAML syntax error: 'alpha' is not a valid !!float.",
  });
  // local and non-core tags: unknown-tag on the tag, as on a value
  const UNKNOWN = (t: string) => `Unsupported YAML tag '${t}': only the core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed.`;
  expectProblem('sslexp: 1\n!foo alpha: 1\n', { code: 'unknown-tag', line: 2, column: 1, text: '!foo', message: UNKNOWN('!foo') });
  expectProblem('sslexp: 1\n!!binary alpha: 1\n', { code: 'unknown-tag', line: 2, column: 1, text: '!!binary', message: UNKNOWN('!!binary') });
  // a number tag on a number key: a non-string key, as without the tag
  expectProblem('sslexp: 1\n!!int 3: x\n', {
    code: 'non-string-key',
    line: 2,
    column: 7,
    text: '3',
    message: 'Keys must be strings; this key is a number (3).',
  });
});

test('a tag on a mapping key: one problem, not followed by missing-key errors; !!str, anchors, aliases and JSON stay fine', () => {
  // after a tag problem the entry is kept under its text: exactly one problem, no "missing key" follow-ups
  for (const text of [
    'sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 2, !!seq variance: 1}\n',
    'sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 2, variance: 1}\n!!float alpha: 1\n',
    'sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 2, variance: 1}\n!foo alpha: 1\n',
  ]) {
    assert.equal(parse(text).problems.filter((p) => p.severity === 'error').length, 1, text);
  }
  // what stays fine: !!str (also on a number-like key, which it makes a string), verbatim !!str, anchored keys and alias keys
  const fine = parse('sslexp: 1\n!!str name: "3"\nsignal: {!<tag:yaml.org,2002:str> count: 2, &v variance: 1}\nnoise: {count: 2, *v : 1}\n');
  assert.deepEqual(fine.problems, []);
  assert.deepEqual(
    parse('sslexp: 1\nname: {!!str 3: x}\n')
      .problems.map((p) => p.code)
      .filter((c) => c === 'non-string-key'),
    [],
  );
  // an alias key repeating its anchor's key is a duplicate, located on the alias
  expectProblem('sslexp: 1\n&a alpha: 1\n*a : 2\n', {
    code: 'duplicate-key',
    line: 3,
    column: 1,
    text: '*a',
    message: "Duplicate key 'alpha': it is already defined in this mapping.",
  });
  // JSON has no tags: a key that looks like one is just a string key (an unknown key for the spec)
  assert.ok(!parse('{"sslexp": 1, "!!seq alpha": 1}', 'x.sslexp.json').problems.some((p) => /tag/.test(p.code)));
});

test('non-string-key: numbers, null and complex keys', () => {
  expectProblem('sslexp: 1\n1: x\n', { code: 'non-string-key', line: 2, column: 1, text: '1', message: 'Keys must be strings; this key is a number (1).' });
  expectProblem('sslexp: 1\n? [a]\n: x\n', { code: 'non-string-key', line: 2, column: 3, text: '[a]', message: 'Keys must be strings; this key is a list.' });
  expectProblem('sslexp: 1\n~: x\n', {
    code: 'non-string-key',
    line: 2,
    column: 1,
    text: '~',
    message: 'Keys must be strings; this key is an empty (null) key.',
  });
});

test('too-deep: 65 levels exactly, and 10^5 levels of [, - and { quickly, YAML and JSON', () => {
  const msg = 'The document is nested too deeply (more than 64 levels).';
  // 64 levels are fine syntactically (the semantic checks complain about the content, not depth)
  const ok64 = parse('name: ' + '['.repeat(63) + ']'.repeat(63));
  assert.ok(!ok64.problems.some((p) => p.code === 'too-deep'));
  expectProblem('name: ' + '['.repeat(64) + ']'.repeat(64), { code: 'too-deep', line: 1, column: 70, text: '[', message: msg });
  expectProblem('{"a":' + '['.repeat(64) + ']'.repeat(64) + '}', { code: 'too-deep', line: 1, column: 69, text: '[', message: msg }, 'x.sslexp.json');
  for (const [text, file] of [
    ['['.repeat(100000), 'x.sslexp.yaml'],
    ['- '.repeat(100000) + 'x', 'x.sslexp.yaml'],
    ['{a: '.repeat(100000), 'x.sslexp.yaml'],
    ['['.repeat(100000), 'x.sslexp.json'],
    ['{"a":'.repeat(100000), 'x.sslexp.json'],
  ] as const) {
    const { value: r, ms } = timed(() => parse(text, file));
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ['too-deep'],
      file,
    );
    assertNoHang(ms, `too-deep, ${file}`);
  }
  // block nesting by indentation, 70 levels
  let deep = '';
  for (let i = 0; i < 70; i++) deep += ' '.repeat(i) + 'a:\n';
  const r = parse(deep);
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['too-deep'],
  );
});

test('empty-document and binary-file: one clear error each, never an exception', () => {
  for (const [text, file] of [
    ['', 'x.sslexp.yaml'],
    ['  \n\t\n', 'x.sslexp.yaml'],
    ['# only a comment\n', 'x.sslexp.yaml'],
    ['', 'x.sslexp.json'],
    [' \n ', 'x.sslexp.json'],
  ] as const) {
    const r = parse(text, file);
    assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
    assert.equal(r.problems[0].code, 'empty-document');
    assert.equal(r.problems[0].start, 0);
  }
  assert.equal(parse('').problems[0].message, 'The document is empty: a spec needs at least `sslexp: 1`.');
  expectProblem('sslexp: 1\nna\u0000me: x\n', {
    code: 'binary-file',
    line: 2,
    column: 3,
    text: '\u0000',
    message: 'This is not a text file: it contains a NUL byte at offset 12.',
  });
  const bad = new TextDecoder().decode(new Uint8Array([0x73, 0x73, 0xff, 0xfe, 0x0a]));
  expectProblem(bad, {
    code: 'binary-file',
    line: 1,
    column: 3,
    text: '\ufffd',
    message: 'This is not a UTF-8 text file: it contains invalid UTF-8 (shown as U+FFFD) at offset 2.',
  });
});

test('limit-exceeded: alias expansion (billion laughs) is refused before it expands', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++)
    text += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const { value: r, ms } = timed(() => parse(text));
  assertNoHang(ms, 'billion laughs');
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['limit-exceeded'],
  );
  assert.equal(r.problems[0].message, `Aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes; the document is refused (possible "billion laughs" input).`);
  assert.deepEqual(offsetToLineColumn(computeLineStarts(text), r.problems[0].start), { line: 5, column: 45 });
  assert.equal(text.slice(r.problems[0].start, r.problems[0].end), '*a3');
});

// ------------------------------------------------------------------ structure

test('unknown-key with did-you-mean and a preferred fix on the key (YAML and JSON)', () => {
  const text = VALID.replace('  variance: {uniform: {low: 0, high: 1.0e6', '  varaince: {uniform: {low: 0, high: 1.0e6');
  const p = expectProblem(text, {
    code: 'unknown-key',
    line: 9,
    column: 3,
    text: 'varaince',
    message: "Unknown key 'varaince' in 'noise'; did you mean 'variance'?",
  });
  assert.deepEqual(p.fixes, [{ title: "Replace with 'variance'", edits: [{ start: p.start, end: p.end, newText: 'variance' }], preferred: true }]);
  assert.deepEqual(parse(applyFix(text, p)).problems, []);
  // case-insensitive match, and a family name
  expectProblem(VALID.replace('power_law', 'Power_Law'), {
    code: 'unknown-key',
    line: 5,
    column: 14,
    text: 'Power_Law',
    message: "Unknown key 'Power_Law' in 'signal.variance'; did you mean 'power_law'?",
  });
  // JSON: the edit keeps the quotes
  const json = '{"sslexp": 1, "signal": {"count": 1, "variance": 1}, "noise": {"count": 1, "variance": 1}, "alhpa": 2}';
  const q = expectProblem(
    json,
    { code: 'unknown-key', line: 1, column: 92, text: '"alhpa"', message: "Unknown key 'alhpa' at the top level; did you mean 'alpha'?" },
    'x.sslexp.json',
  );
  assert.equal(applyFix(json, q), json.replace('alhpa', 'alpha'));
  // no suggestion
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nzzz: 1\n', {
    code: 'unknown-key',
    line: 4,
    column: 1,
    text: 'zzz',
    message:
      "Unknown key 'zzz' at the top level; allowed keys: sslexp, name, signal, noise, alpha, latent, simulate, regularize, data, augmentation, graph, embedding, methods.",
  });
});

test('wrong-type: expected a number, got a string (and other shapes)', () => {
  expectProblem('sslexp: 1\nsignal: {count: fifty, variance: 1}\nnoise: {count: 1, variance: 1}\n', {
    code: 'wrong-type',
    line: 2,
    column: 17,
    text: 'fifty',
    message: 'signal.count: expected an integer, got a string ("fifty").',
  });
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: lots}\nnoise: {count: 1, variance: 1}\n', {
    code: 'wrong-type',
    line: 2,
    column: 30,
    text: 'lots',
    message: 'signal.variance: expected a number, a list of numbers or a spectrum mapping such as {power_law: {first: 1, exponent: 1}}, got a string ("lots").',
  });
  expectProblem('sslexp: 1\nsignal: 3\nnoise: {count: 1, variance: 1}\n', {
    code: 'wrong-type',
    line: 2,
    column: 9,
    text: '3',
    message: 'signal: expected a mapping {count, variance, augmentation}, got a number (3).',
  });
  expectProblem('sslexp: "1"\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\n', {
    code: 'wrong-type',
    line: 1,
    column: 9,
    text: '"1"',
    message: 'sslexp: expected the number 1, got a string ("1").',
  });
  // an empty value points at the key
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nalpha:\n', {
    code: 'wrong-type',
    line: 4,
    column: 1,
    text: 'alpha',
    message: 'alpha: expected a number, got nothing (null).',
  });
  expectProblem('- 1\n- 2\n', {
    code: 'wrong-type',
    line: 1,
    column: 1,
    text: '- 1\n- 2\n',
    message: 'The document must be a mapping of fields (sslexp, signal, noise, ...), got a list.',
  });
});

test('missing-field sslexp: range on the first key; the YAML fix inserts `sslexp: 1` at the top', () => {
  const text = '# my spec\nname: x\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\n';
  const p = expectProblem(text, {
    code: 'missing-field',
    line: 2,
    column: 1,
    text: 'name',
    message: "Missing required field 'sslexp' (the format version; add `sslexp: 1`).",
  });
  assert.equal(p.fixes![0].title, "Insert 'sslexp: 1'");
  assert.equal(p.fixes![0].preferred, true);
  const fixed = applyFix(text, p);
  assert.equal(fixed, '# my spec\nsslexp: 1\nname: x\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\n');
  assert.deepEqual(parse(fixed).problems, []);
});

test('missing-field sslexp in JSON: the fix inserts "sslexp": 1, after the { with the same indentation', () => {
  const text = '{\n  "signal": {"count": 1, "variance": 1},\n  "noise": {"count": 1, "variance": 1}\n}';
  const p = expectProblem(
    text,
    { code: 'missing-field', line: 2, column: 3, text: '"signal"', message: "Missing required field 'sslexp' (the format version; add `sslexp: 1`)." },
    'x.sslexp.json',
  );
  const fixed = applyFix(text, p);
  assert.equal(fixed, '{\n  "sslexp": 1,\n  "signal": {"count": 1, "variance": 1},\n  "noise": {"count": 1, "variance": 1}\n}');
  assert.deepEqual(parse(fixed, 'x.sslexp.json').problems, []);
  const one = '{"signal": {"count": 1, "variance": 1}, "noise": {"count": 1, "variance": 1}}';
  const q = parse(one, 'x.sslexp.json').problems.find((x) => x.code === 'missing-field')!;
  assert.equal(applyFix(one, q), '{"sslexp": 1, "signal": {"count": 1, "variance": 1}, "noise": {"count": 1, "variance": 1}}');
  const empty = parse('{}', 'x.sslexp.json').problems.find((x) => x.message.includes("'sslexp'"))!;
  assert.deepEqual([empty.start, empty.end], [0, 0]);
  assert.equal(applyFix('{}', empty), '{"sslexp": 1}');
});

test('missing-field: signal/noise at the root, variance in a block (on the parent key)', () => {
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\n', {
    code: 'missing-field',
    line: 1,
    column: 1,
    text: 'sslexp',
    message: "Missing required field 'noise' (spectral mode needs 'signal' and 'noise'; data mode needs 'data').",
  });
  expectProblem('sslexp: 1\nsignal: {count: 1}\nnoise: {count: 1, variance: 1}\n', {
    code: 'missing-field',
    line: 2,
    column: 1,
    text: 'signal',
    message: "signal: missing required field 'variance'.",
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: {scale: 2}}\nnoise: {count: 1, variance: 1}\n', {
    code: 'missing-field',
    line: 2,
    column: 20,
    text: 'variance',
    message: 'signal.variance: a spectrum mapping needs one family: flat, power_law, exponential, uniform, file.',
  });
});

test('mode-conflict: data together with signal/noise; top-level augmentation in spectral mode', () => {
  expectProblem('sslexp: 1\ndata: {X: [[1, 2]]}\nsignal: {count: 1, variance: 1}\n', {
    code: 'mode-conflict',
    line: 3,
    column: 1,
    text: 'signal',
    message: "'signal' cannot be used together with 'data': a spec is either spectral (signal + noise) or data mode (data).",
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\naugmentation: {masking: {keep: 0.5}}\n', {
    code: 'mode-conflict',
    line: 4,
    column: 1,
    text: 'augmentation',
    message: "A top-level 'augmentation' belongs to data mode; in spectral mode put 'augmentation' inside 'signal' and 'noise'.",
  });
});

test('scale next to the family or inside its parameters; not both', () => {
  const r = parse(
    'sslexp: 1\nsignal: {count: 2, variance: {power_law: {first: 1, exponent: 1, scale: 3}}}\nnoise: {count: 1, variance: {uniform: {low: 0, high: 1, seed: 0}, scale: 2}}\n',
  );
  assert.deepEqual(r.problems, []);
  const s = r.spec as SpectralSpec;
  assert.equal((s.signal.variance as { scale?: number }).scale, 3);
  assert.equal((s.noise.variance as { scale?: number }).scale, 2);
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: {power_law: {first: 1, exponent: 1, scale: 3}, scale: 2}}\nnoise: {count: 1, variance: 1}\n', {
    code: 'conflicting-keys',
    line: 2,
    column: 66,
    text: 'scale',
    message: "signal.variance.power_law: 'scale' is given twice (next to 'power_law' and inside it); keep one.",
  });
});

test('conflicting-keys: two spectrum families', () => {
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: {flat: 1, power_law: {first: 1, exponent: 1}}}\nnoise: {count: 1, variance: 1}\n', {
    code: 'conflicting-keys',
    line: 2,
    column: 40,
    text: 'power_law',
    message: "signal.variance: 'power_law' conflicts with 'flat': a spectrum has exactly one family.",
  });
});

test('unsupported-version', () => {
  expectProblem('sslexp: 2\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\n', {
    code: 'unsupported-version',
    line: 1,
    column: 9,
    text: '2',
    message: 'Unsupported format version 2: this version of SSL Paradigm Advisor reads sslexp: 1.',
  });
});

test('negative-variance in flat, lists, families and covariance diagonals', () => {
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: -1}\nnoise: {count: 1, variance: 1}\n', {
    code: 'negative-variance',
    line: 2,
    column: 30,
    text: '-1',
    message: 'signal.variance: a variance must be ≥ 0, got -1.',
  });
  expectProblem('sslexp: 1\nsignal: {variance: [1, 2]}\nnoise: {count: 2, variance: 1, augmentation: [0, -3.5]}\n', {
    code: 'negative-variance',
    line: 3,
    column: 50,
    text: '-3.5',
    message: 'noise.augmentation[1]: a variance must be ≥ 0, got -3.5.',
  });
  expectProblem('sslexp: 1\nsignal: {count: 3, variance: {uniform: {low: -1, high: 2, seed: 0}}}\nnoise: {count: 1, variance: 1}\n', {
    code: 'negative-variance',
    line: 2,
    column: 46,
    text: '-1',
    message: 'signal.variance.uniform.low: a variance must be ≥ 0, got -1.',
  });
  expectProblem('sslexp: 1\ndata: {X: [[1, 2]]}\naugmentation: {covariance: [[1, 0], [0, -2]]}\n', {
    code: 'negative-variance',
    line: 3,
    column: 41,
    text: '-2',
    message: 'augmentation.covariance[1][1]: a variance must be ≥ 0, got -2.',
  });
});

test('negative-alpha (top level, simulate list, additive)', () => {
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nalpha: -0.5\n', {
    code: 'negative-alpha',
    line: 4,
    column: 8,
    text: '-0.5',
    message: 'alpha must be ≥ 0 (the alignment of the augmentation with the noise, docs/theory.md §3), got -0.5.',
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {n: [10], alpha: [1, -2]}\n', {
    code: 'negative-alpha',
    line: 4,
    column: 32,
    text: '-2',
    message: 'simulate.alpha[1] must be ≥ 0 (the alignment of the augmentation with the noise, docs/theory.md §3), got -2.',
  });
});

test('count-mismatch on the count value', () => {
  expectProblem('sslexp: 1\nsignal:\n  count: 4\n  variance: [1, 2, 3]\nnoise: {count: 1, variance: 1}\n', {
    code: 'count-mismatch',
    line: 3,
    column: 10,
    text: '4',
    message: 'signal.count is 4 but signal.variance lists 3 values.',
  });
  expectProblem('sslexp: 1\nsignal: {variance: [1, 2, 3], augmentation: [1]}\nnoise: {count: 1, variance: 1}\n', {
    code: 'count-mismatch',
    line: 2,
    column: 45,
    text: '[1]',
    message: 'signal.augmentation lists 1 value but signal.variance lists 3.',
  });
});

test('count-required when the family does not determine the number of components', () => {
  expectProblem('sslexp: 1\nsignal: {variance: {power_law: {first: 1, exponent: 1}}}\nnoise: {count: 1, variance: 1}\n', {
    code: 'count-required',
    line: 2,
    column: 1,
    text: 'signal',
    message: "signal: 'count' is required (a power_law spectrum does not determine the number of components).",
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {variance: 2}\n', {
    code: 'count-required',
    line: 3,
    column: 1,
    text: 'noise',
    message: "noise: 'count' is required (a flat spectrum does not determine the number of components).",
  });
});

test('missing-parameter on the family key', () => {
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: {power_law: {first: 3.0e5}}}\nnoise: {count: 1, variance: 1}\n', {
    code: 'missing-parameter',
    line: 2,
    column: 31,
    text: 'power_law',
    message: "signal.variance.power_law: missing parameter 'exponent' (expected {first, exponent, offset?}).",
  });
  expectProblem('sslexp: 1\nsignal: {count: 2, variance: {uniform: {low: 0, high: 1}}}\nnoise: {count: 1, variance: 1}\n', {
    code: 'missing-parameter',
    line: 2,
    column: 31,
    text: 'uniform',
    message: "signal.variance.uniform: missing parameter 'seed' (expected {low, high, seed}).",
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: {from: 10, points: 3}}\n', {
    code: 'missing-parameter',
    line: 4,
    column: 22,
    text: 'n',
    message: "simulate.n: missing parameter 'to' (expected {from, to, points}).",
  });
});

const withSignal = (variance: string) => `sslexp: 1\nsignal: {count: 3, variance: ${variance}}\nnoise: {count: 1, variance: 1}\n`;

test('out-of-range: uniform bounds, offset, rate, scale, seed, counts, latent, regularize, keep', () => {
  const cases: [string, number, number, string, string][] = [
    [withSignal('{uniform: {low: 5, high: 1, seed: 0}}'), 2, 55, '1', 'signal.variance.uniform.high: must be ≥ low (5), got 1.'],
    [withSignal('{uniform: {low: 0, high: -1, seed: 0}}'), 2, 55, '-1', 'signal.variance.uniform.high: must be ≥ 0 (variances are non-negative), got -1.'],
    [
      withSignal('{power_law: {first: 1, exponent: 1, offset: -1}}'),
      2,
      74,
      '-1',
      'signal.variance.power_law.offset: must be > -1 (so that i + offset > 0 for every i ≥ 1), got -1.',
    ],
    [withSignal('{exponential: {first: 1, rate: -0.1}}'), 2, 61, '-0.1', 'signal.variance.exponential.rate: must be ≥ 0 (a decaying spectrum), got -0.1.'],
    [withSignal('{flat: 1, scale: 0}'), 2, 47, '0', 'signal.variance.scale: must be > 0, got 0.'],
    [
      withSignal('{uniform: {low: 0, high: 1, seed: 1.5}}'),
      2,
      64,
      '1.5',
      'signal.variance.uniform.seed: must be a non-negative integer ≤ 9007199254740991, got 1.5.',
    ],
    [
      withSignal('{uniform: {low: 0, high: 1, seed: -3}}'),
      2,
      64,
      '-3',
      'signal.variance.uniform.seed: must be a non-negative integer ≤ 9007199254740991, got -3.',
    ],
    [
      'sslexp: 1\nsignal: {count: 0, variance: 1}\nnoise: {count: 1, variance: 1}\n',
      2,
      17,
      '0',
      'signal.count: must be a positive integer (at least one important component, docs/theory.md §3), got 0.',
    ],
    ['sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: -1, variance: 1}\n', 3, 16, '-1', 'noise.count: must be a non-negative integer, got -1.'],
    [
      'sslexp: 1\nsignal: {count: 2.5, variance: 1}\nnoise: {count: 1, variance: 1}\n',
      2,
      17,
      '2.5',
      'signal.count: must be a positive integer (at least one important component, docs/theory.md §3), got 2.5.',
    ],
    ['sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 3, variance: 1}\nlatent: 6\n', 4, 9, '6', 'latent: must be between 1 and d = 5, got 6.'],
    [
      'sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 3, variance: 1}\nlatent: 0\n',
      4,
      9,
      '0',
      'latent: must be a positive integer (the latent dimension), got 0.',
    ],
    [
      'sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise: {count: 3, variance: 1}\nregularize: 0\n',
      4,
      13,
      '0',
      'regularize: must be > 0 (eps in S + eps I, docs/theory.md §2.5), got 0.',
    ],
    [
      'sslexp: 1\ndata: {X: [[1, 2]]}\naugmentation: {masking: {keep: 0}}\n',
      3,
      32,
      '0',
      'augmentation.masking.keep: must be in (0, 1] (the probability of keeping a coordinate), got 0.',
    ],
    [
      'sslexp: 1\ndata: {X: [[1, 2]]}\naugmentation: {masking: {keep: 1.5}}\n',
      3,
      32,
      '1.5',
      'augmentation.masking.keep: must be in (0, 1] (the probability of keeping a coordinate), got 1.5.',
    ],
    [
      'sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: {from: 100, to: 10, points: 3}}\n',
      4,
      41,
      '10',
      'simulate.n.to: must be > from (100), got 10.',
    ],
    [
      'sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: {from: 10, to: 100, points: 1}}\n',
      4,
      53,
      '1',
      'simulate.n.points: must be an integer ≥ 2, got 1.',
    ],
    [
      'sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: [10, 0]}\n',
      4,
      30,
      '0',
      'simulate.n[1]: must be a positive integer, got 0.',
    ],
    [
      'sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: [10], repeats: 0}\n',
      4,
      40,
      '0',
      'simulate.repeats: must be a positive integer, got 0.',
    ],
  ];
  for (const [text, line, column, t, message] of cases) expectProblem(text, { code: 'out-of-range', line, column, text: t, message });
});

test('limit-exceeded: components per block and simulation grid sizes', () => {
  expectProblem('sslexp: 1\nsignal: {count: 20000000, variance: 1}\nnoise: {count: 1, variance: 1}\n', {
    code: 'limit-exceeded',
    line: 2,
    column: 17,
    text: '20000000',
    message: 'signal.count: 20000000 exceeds the limit of 10000000 components per block.',
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: {from: 10, to: 100, points: 65}}\n', {
    code: 'limit-exceeded',
    line: 4,
    column: 53,
    text: '65',
    message: 'simulate.n.points: 65 exceeds the limit of 64 points.',
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: [2000000]}\n', {
    code: 'limit-exceeded',
    line: 4,
    column: 26,
    text: '2000000',
    message: 'simulate.n[0]: 2000000 exceeds the limit of 1000000 samples.',
  });
  expectProblem('sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: [10], repeats: 101}\n', {
    code: 'limit-exceeded',
    line: 4,
    column: 40,
    text: '101',
    message: 'simulate.repeats: 101 exceeds the limit of 100.',
  });
});

test('invalid-enum for simulate.metric with a did-you-mean fix', () => {
  const text = 'sslexp: 1\nsignal: {count: 1, variance: 1}\nnoise: {count: 1, variance: 1}\nsimulate: {alpha: 1, n: [10], metric: probe_gap}\n';
  const p = expectProblem(text, {
    code: 'invalid-enum',
    line: 4,
    column: 39,
    text: 'probe_gap',
    message: "simulate.metric: 'probe_gap' is not one of probe-gap, subspace-angle; did you mean 'probe-gap'?",
  });
  assert.deepEqual(parse(applyFix(text, p)).problems, []);
  const json =
    '{"sslexp": 1, "signal": {"count": 1, "variance": 1}, "noise": {"count": 1, "variance": 1}, "simulate": {"alpha": 1, "n": [10], "metric": "subspace-angel"}}';
  const q = parse(json, 'x.sslexp.json').problems.find((x) => x.code === 'invalid-enum')!;
  assert.equal(q.message, "simulate.metric: 'subspace-angel' is not one of probe-gap, subspace-angle; did you mean 'subspace-angle'?");
  assert.equal(applyFix(json, q), json.replace('subspace-angel', 'subspace-angle'));
  expectProblem(text.replace('probe_gap', 'accuracy'), {
    code: 'invalid-enum',
    line: 4,
    column: 39,
    text: 'accuracy',
    message: "simulate.metric: 'accuracy' is not one of probe-gap, subspace-angle.",
  });
});

test('simulation-too-large is a warning, and the spec is still produced', () => {
  const text = 'sslexp: 1\nsignal: {count: 500, variance: 1}\nnoise: {count: 501, variance: 1}\nsimulate: {alpha: 1, n: [10]}\n';
  const r = parse(text);
  assert.ok(r.spec);
  assert.deepEqual(
    r.problems.map((p) => [p.code, p.severity, text.slice(p.start, p.end)]),
    [['simulation-too-large', 'warning', 'simulate']],
  );
  assert.equal(
    r.problems[0].message,
    'simulate: d = 1001 exceeds the simulation limit of 1000 dimensions; the finite-n simulation will not run (the closed-form analysis still does).',
  );
});

test('unsupported-file-type and invalid-value for paths', () => {
  expectProblem('sslexp: 1\nsignal: {variance: {file: eig.xlsx}}\nnoise: {count: 0}\n', {
    code: 'unsupported-file-type',
    line: 2,
    column: 27,
    text: 'eig.xlsx',
    message: "signal.variance.file: unsupported file type '.xlsx' for a 1-D array of eigenvalues; use .npy, .csv, .tsv, .txt.",
  });
  expectProblem('sslexp: 1\nsignal: {variance: {file: ""}}\nnoise: {count: 0}\n', {
    code: 'invalid-value',
    line: 2,
    column: 27,
    text: '""',
    message: 'signal.variance.file: the file path is empty.',
  });
});

// ------------------------------------------------------------------ data mode

test('data mode: the docs/architecture.md §1 example parses', () => {
  const text = `sslexp: 1
data:
  file: data/digits.csv
  labels: {column: -1}
  center: true
  pca: 50
  noise: {count: 50, variance: {uniform: {low: 0, high: 1.0e6, seed: 2}},
          augmentation: {uniform: {low: 0, high: 1.0e4, seed: 3}}}
augmentation: {additive: {alpha: 1.0}}
`;
  const r = parse(text);
  assert.deepEqual(r.problems, []);
  const s = r.spec as DataSpec;
  assert.equal(s.mode, 'data');
  assert.equal(s.data.file, 'data/digits.csv');
  assert.equal(s.data.fileResolved, '/work/specs/data/digits.csv');
  assert.deepEqual(s.data.labels, { column: -1 });
  assert.equal(s.data.center, true);
  assert.equal(s.data.pca, 50);
  assert.equal(s.data.noise!.count, 50);
  assert.deepEqual({ ...s.augmentation!, span: undefined, alphaSpan: undefined }, { kind: 'additive', alpha: 1, span: undefined, alphaSpan: undefined });
  const alphaAt = (s.augmentation as { alphaSpan?: { start: number; end: number } }).alphaSpan!;
  assert.equal(text.slice(alphaAt.start, alphaAt.end), '1.0', 'the span of augmentation.additive.alpha (findings and quick fixes go there)');
});

test('data mode: inline matrices', () => {
  // without data.pca, `latent` and an `augmentation` are required (rules no-pca-needs-latent / -augmentation)
  const r = parse(
    'sslexp: 1\nlatent: 1\ndata: {X: [[1, 2], [3, 4], [5, 6]], Y: [1, 0, 1], center: false}\naugmentation: {additive: {theta: [[1, 0], [0, 2]], gamma: [0, 1], alpha: 2}}\n',
  );
  assert.deepEqual(r.problems, []);
  const s = r.spec as DataSpec;
  assert.deepEqual(s.data.X, [
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  assert.deepEqual(s.data.Y, [[1], [0], [1]]);
  assert.equal(s.data.center, false);
  const aug = s.augmentation as Extract<DataSpec['augmentation'], { kind: 'additive' }>;
  assert.deepEqual(aug.theta, [
    [1, 0],
    [0, 2],
  ]);
  assert.equal((aug.gamma as { kind: string }).kind, 'list');
  const cov = parse('sslexp: 1\nlatent: 1\ndata: {X: [[1, 2]]}\naugmentation: {covariance: [[2, 1], [1, 2]]}\n');
  assert.deepEqual(((cov.spec as DataSpec).augmentation as { matrix: number[][] }).matrix, [
    [2, 1],
    [1, 2],
  ]);
  const npz = parse('sslexp: 1\ndata: {file: d.npz, key: X, labels: {file: d.npz, key: y}, pca: 2}\n');
  assert.deepEqual(npz.problems, []);
  assert.equal((npz.spec as DataSpec).data.key, 'X');
});

test('ragged-matrix on the bad row; not-symmetric on the mismatching entry; dimension-mismatch', () => {
  expectProblem('sslexp: 1\ndata:\n  X: [[1, 2, 3],\n      [4, 5, 6],\n      [7, 8]]\n', {
    code: 'ragged-matrix',
    line: 5,
    column: 7,
    text: '[7, 8]',
    message: 'data.X: row 3 has 2 values, expected 3 (as in row 1).',
  });
  expectProblem('sslexp: 1\ndata: {X: [[1, 2]]}\naugmentation:\n  covariance:\n    - [1, 0.5]\n    - [0.4, 1]\n', {
    code: 'not-symmetric',
    line: 6,
    column: 8,
    text: '0.4',
    message: 'augmentation.covariance: not symmetric: [0][1] = 0.5 but [1][0] = 0.4.',
  });
  expectProblem('sslexp: 1\ndata: {X: [[1, 2]]}\naugmentation: {covariance: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}\n', {
    code: 'dimension-mismatch',
    line: 3,
    column: 28,
    text: '[[1, 0, 0], [0, 1, 0], [0, 0, 1]]',
    message: 'augmentation.covariance: is 3 × 3 but the data has d = 2 dimensions.',
  });
  expectProblem('sslexp: 1\ndata: {X: [[1, 2]]}\naugmentation: {covariance: [[1, 0, 0], [0, 1, 0]]}\n', {
    code: 'dimension-mismatch',
    line: 3,
    column: 28,
    text: '[[1, 0, 0], [0, 1, 0]]',
    message: 'augmentation.covariance: must be a square matrix, got 2 × 3.',
  });
  expectProblem('sslexp: 1\ndata: {X: [[1, 2]], noise: {count: 1, variance: 1}}\naugmentation: {additive: {theta: [[1, 0], [0, 1]]}}\n', {
    code: 'dimension-mismatch',
    line: 3,
    column: 34,
    text: '[[1, 0], [0, 1]]',
    message: 'augmentation.additive.theta: has size 2 but the data has d = 3 dimensions.',
  });
  expectProblem('sslexp: 1\ndata: {X: [[1, 2], [3, 4]], Y: [[1]]}\n', {
    code: 'dimension-mismatch',
    line: 2,
    column: 32,
    text: '[[1]]',
    message: 'data.Y: has 1 rows but data.X has 2 (one target row per sample).',
  });
});

test('data mode: conflicting-keys, missing-field, wrong-type, invalid-value', () => {
  expectProblem('sslexp: 1\ndata: {file: a.npy, X: [[1]]}\n', {
    code: 'conflicting-keys',
    line: 2,
    column: 21,
    text: 'X',
    message: "data: 'X' conflicts with 'file': give the data inline (X), as a file, or as its moments (moments).",
  });
  expectProblem('sslexp: 1\ndata: {X: [[1]]}\naugmentation: {masking: {keep: 0.5}, covariance: [[1]]}\n', {
    code: 'conflicting-keys',
    line: 3,
    column: 38,
    text: 'covariance',
    message: "augmentation: 'covariance' conflicts with 'masking': give exactly one augmentation.",
  });
  expectProblem('sslexp: 1\ndata: {center: true}\n', {
    code: 'missing-field',
    line: 2,
    column: 1,
    text: 'data',
    message: "data: missing required field 'file' (or an inline matrix 'X', or 'moments').",
  });
  expectProblem('sslexp: 1\ndata: {X: [[1]], center: yes}\n', {
    code: 'wrong-type',
    line: 2,
    column: 26,
    text: 'yes',
    message: 'data.center: expected a boolean (true or false), got a string ("yes").',
  });
  expectProblem('sslexp: 1\ndata: {file: a.csv, key: X}\n', {
    code: 'invalid-value',
    line: 2,
    column: 21,
    text: 'key',
    message: "data.key: 'key' selects an array inside a .npz archive, but data.file is not a .npz file.",
  });
  expectProblem('sslexp: 1\ndata: {X: [[1, 2]], labels: {column: 2}}\n', {
    code: 'out-of-range',
    line: 2,
    column: 38,
    text: '2',
    message: 'data.labels.column: must be a column index in [-2, 1] for data.X with 2 columns, got 2.',
  });
});

test('data mode without pca needs latent and an augmentation; with pca theta is a spectrum and gamma is not given (on the key)', () => {
  expectProblem('sslexp: 1\ndata: {X: [[1, 2], [3, 4]]}\naugmentation: {masking: {keep: 0.5}}\n', {
    code: 'missing-field',
    line: 2,
    column: 1,
    text: 'data',
    message: "Data mode without 'data.pca' needs 'latent': the number of features the encoders keep (k of docs/theory.md §2).",
  });
  expectProblem('sslexp: 1\nlatent: 1\ndata: {X: [[1, 2], [3, 4]]}\n', {
    code: 'missing-field',
    line: 3,
    column: 1,
    text: 'data',
    message: "Data mode without 'data.pca' needs an 'augmentation' (additive, masking, covariance or views) to define Σ (docs/theory.md §2.1).",
  });
  expectProblem('sslexp: 1\ndata: {file: d.csv, pca: 2}\naugmentation: {additive: {theta: [[1, 0], [0, 1]]}}\n', {
    code: 'dimension-mismatch',
    line: 3,
    column: 34,
    text: '[[1, 0], [0, 1]]',
    message:
      'augmentation.additive.theta: with data.pca the augmentation of the important components is a spectrum over the pca components (a number, a list or a family), not a matrix.',
  });
  expectProblem('sslexp: 1\ndata: {file: d.csv, pca: 2}\naugmentation: {additive: {alpha: 1, gamma: 2}}\n', {
    code: 'conflicting-keys',
    line: 3,
    column: 37,
    text: 'gamma',
    message: 'augmentation.additive.gamma: with data.pca the noise covariance Γ is data.noise.variance; remove gamma.',
  });
  // an empty additive (null) is {} (the schema agrees: test/unit/specAgreement.test.ts)
  const r = parse('sslexp: 1\ndata: {file: d.csv, pca: 2}\nalpha: 3\naugmentation: {additive: }\n');
  assert.deepEqual(r.problems, []);
  assert.equal(((r.spec as DataSpec).augmentation as { alpha: number }).alpha, 3);
});

// ------------------------------------------------------------------ robustness

test('problems are sorted by start offset', () => {
  const r = parse('zzz: 1\nsignal: {count: -1, variance: [1, -1]}\nnoise: {count: x}\nalpha: -1\n');
  assert.ok(r.problems.length >= 4);
  for (let i = 1; i < r.problems.length; i++) assert.ok(r.problems[i - 1].start <= r.problems[i].start);
});

test('random byte garbage and mutated specs never throw', () => {
  const rng = new Rng(12345);
  const json = JSON.stringify(
    JSON.parse(
      JSON.stringify({
        sslexp: 1,
        signal: { count: 3, variance: [1, 2, 3] },
        noise: { count: 2, variance: { uniform: { low: 0, high: 1, seed: 2 } } },
        alpha: 1,
      }),
    ),
  );
  const alphabet = '{}[]:,-?&*!|>#"\'\n \t0123456789.eE+abc~%@`\\';
  for (let iter = 0; iter < 900; iter++) {
    const kind = iter % 3;
    let text: string;
    if (kind === 0) {
      const bytes = new Uint8Array(Math.floor(rng.next() * 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng.next() * 256);
      text = new TextDecoder().decode(bytes);
    } else {
      const base = kind === 1 ? VALID : json;
      const chars = base.split('');
      const edits = 1 + Math.floor(rng.next() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rng.next() * chars.length);
        const c = alphabet[Math.floor(rng.next() * alphabet.length)];
        if (rng.next() < 0.5) chars[at] = c;
        else chars.splice(at, 0, c);
      }
      text = chars.join('');
    }
    for (const file of ['x.sslexp.yaml', 'x.sslexp.json']) {
      const r = parse(text, file);
      assert.ok(Array.isArray(r.problems));
      for (const p of r.problems) {
        assert.ok(p.start >= 0 && p.end >= p.start && p.end <= text.length, `range of ${p.code}`);
        assert.ok(p.code in PROBLEM_CODES, `unlisted code ${p.code}`);
        assert.notEqual(p.code, 'internal-error', `${p.message} on ${JSON.stringify(text)}`);
      }
      if (r.spec) assert.ok(!r.problems.some((p) => p.severity === 'error'));
    }
  }
});

// ------------------------------------------------------------------ helpers

test('logGrid: log-spaced, rounded, deduplicated, exact end points', () => {
  assert.deepEqual(logGrid(100, 100000, 7), [100, 316, 1000, 3162, 10000, 31623, 100000]);
  assert.deepEqual(logGrid(1, 3, 5), [1, 2, 3]);
  assert.deepEqual(logGrid(10, 11, 2), [10, 11]);
});

test('suggest / damerauLevenshtein', () => {
  assert.equal(damerauLevenshtein('nosie', 'noise'), 1);
  assert.equal(damerauLevenshtein('cnt', 'count'), 2);
  assert.equal(damerauLevenshtein('', 'abc'), 3);
  assert.equal(suggest('nosie', SPEC_KEYS.root), 'noise');
  assert.equal(suggest('SIGNAL', SPEC_KEYS.root), 'signal');
  assert.equal(suggest('x', SPEC_KEYS.data), 'X');
  assert.equal(suggest('banana', SPEC_KEYS.root), undefined);
  assert.equal(suggest('a', SPEC_KEYS.root), undefined);
});

// ------------------------------------------------------------------ codes table

test('every code emitted in this file is in PROBLEM_CODES with the same severity', () => {
  assert.ok(seen.size >= 25, `only ${seen.size} codes seen`);
  for (const [code, severity] of seen) {
    assert.ok(code in PROBLEM_CODES, `code '${code}' missing from codes.ts`);
    assert.equal(PROBLEM_CODES[code].severity, severity, `severity of '${code}'`);
  }
  // and every parser code of the table is exercised here (spectra codes: spectra.test.ts)
  const parserCodes = [
    'yaml-syntax',
    'json-syntax',
    'duplicate-key',
    'multi-document',
    'unknown-tag',
    'non-string-key',
    'too-deep',
    'empty-document',
    'binary-file',
    'unknown-key',
    'wrong-type',
    'missing-field',
    'mode-conflict',
    'conflicting-keys',
    'unsupported-version',
    'invalid-value',
    'negative-variance',
    'negative-alpha',
    'count-mismatch',
    'count-required',
    'missing-parameter',
    'out-of-range',
    'limit-exceeded',
    'invalid-enum',
    'ragged-matrix',
    'not-symmetric',
    'dimension-mismatch',
    'unsupported-file-type',
    'simulation-too-large',
  ];
  for (const c of parserCodes) assert.ok(seen.has(c), `no test emits '${c}'`);
});
