/**
 * Mutation fuzzing of the engine (docs/architecture.md §2): thousands of seeded mutations of the
 * examples must each give a result or problems — never an exception, never a hang.
 */
import { mulberry32 as rng } from '../support/mulberry32';
import { Gen, mutate } from '../support/fuzzCases';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/engine/analyze';
import { assertNoHang } from '../support/hangGuard';

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

test('fuzz: 4000 mutated examples never throw or hang', () => {
  const docs = examples();
  assert.ok(docs.length >= 10);
  const g = new Gen(20261122);
  let slowest = 0;
  let withErrors = 0;
  let analysed = 0;
  const N = 4000;
  for (let i = 0; i < N; i++) {
    const doc = docs[i % docs.length];
    const text = mutate(doc.text, g);
    const t0 = performance.now();
    let result;
    try {
      result = analyzeText(text, { fileName: doc.file, baseDir: path.dirname(doc.file), readFile: (p) => fs.readFileSync(p) });
    } catch (e) {
      assert.fail(`analyzeText threw on mutation ${i} of ${doc.file}: ${(e as Error).stack}\n---\n${text}`);
    }
    const dt = performance.now() - t0;
    slowest = Math.max(slowest, dt);
    assertNoHang(dt, `mutation ${i}`);
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
