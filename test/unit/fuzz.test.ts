/**
 * Mutation fuzzing of the engine (issue 2): thousands of seeded mutations of the
 * examples must each give a result or problems — never an exception, never a hang.
 */
import { mulberry32 as rng } from '../support/mulberry32';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';

const root = path.resolve(__dirname, '../../..');

function examples(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.sslexp\.(ya?ml|json)$/.test(n)) out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(path.join(root, 'examples'));
  return out;
}

const TOKENS = [
  '-',
  ':',
  '{',
  '}',
  '[',
  ']',
  ',',
  ' ',
  '\n',
  '\t',
  '#',
  '"',
  "'",
  '&a',
  '*a',
  '!!str',
  '.nan',
  '.inf',
  '-.inf',
  '-1',
  '0',
  '1e308',
  '1e-320',
  '9999999',
  '10000001',
  'null',
  'true',
  '~',
  'count',
  'variance',
  'signal',
  'noise',
  'alpha',
  'power_law',
  'uniform',
  'file',
  'flat',
  'exponent',
  'seed',
  'simulate',
  '\u0000',
  '\ufeff',
  '\u2028',
  'é',
  '𝛼',
];

function mutate(text: string, r: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.3) s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(r() * 8));
    else if (op < 0.65) s = s.slice(0, pos) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(pos);
    else if (op < 0.8) {
      // Duplicate a line somewhere else (duplicate keys, wrong indentation).
      const lines = s.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(Math.floor(r() * lines.length), 0, lines[i]);
      s = lines.join('\n');
    } else if (op < 0.9) {
      // Replace a number by an extreme one.
      s = s.replace(/\d+(\.\d+)?(e[+-]?\d+)?/, ['-3', '0', '1e400', 'NaN', '2.5', '1e7', '-0'][Math.floor(r() * 7)]);
    } else s = s.slice(0, pos); // truncation
  }
  return s;
}

test('fuzz: 4000 mutated examples never throw or hang', () => {
  const docs = examples();
  assert.ok(docs.length >= 10);
  const r = rng(20261122);
  let slowest = 0;
  let withErrors = 0;
  let analysed = 0;
  const N = 4000;
  for (let i = 0; i < N; i++) {
    const doc = docs[i % docs.length];
    const text = mutate(doc.text, r);
    const t0 = performance.now();
    let result;
    try {
      result = analyzeText(text, { fileName: doc.file, baseDir: path.dirname(doc.file), readFile: (p) => fs.readFileSync(p) });
    } catch (e) {
      assert.fail(`analyzeText threw on mutation ${i} of ${doc.file}: ${(e as Error).stack}\n---\n${text}`);
    }
    const dt = performance.now() - t0;
    slowest = Math.max(slowest, dt);
    assert.ok(dt < 3000, `mutation ${i} took ${dt.toFixed(0)} ms`);
    assert.ok(Array.isArray(result.problems));
    for (const p of result.problems) {
      assert.ok(p.start >= 0 && p.end >= p.start && p.end <= text.length, `range in bounds: ${JSON.stringify(p)}`);
      assert.ok(p.message.length > 0 && p.code.length > 0);
      assert.ok(!/internal-error/.test(p.code), `internal error on mutation ${i}: ${p.message}\n---\n${text}`);
    }
    if (result.problems.some((p) => p.severity === 'error')) withErrors++;
    else if (result.theory === 'alignment' && result.thresholds) analysed++;
  }
  // The mutations must exercise both paths, or the fuzzer is not doing its job.
  assert.ok(withErrors > N / 10, `mutations with errors: ${withErrors}`);
  assert.ok(analysed > N / 20, `mutations still analysable: ${analysed}`);
});

test('fuzz: random bytes never throw', () => {
  const r = rng(7);
  for (let i = 0; i < 1000; i++) {
    const len = Math.floor(r() * 300);
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(r() * (r() < 0.8 ? 128 : 0x3000)));
    const res = analyzeText(s, { fileName: i % 2 ? 'x.sslexp.json' : 'x.sslexp.yaml' });
    assert.ok(res.problems.length > 0 || (res.theory === 'alignment' && res.thresholds), 'random text gives problems or an analysis');
  }
});
