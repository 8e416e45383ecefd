/**
 * Golden outputs: `sslexp analyze` (text and --json) on every example spec equals the files in
 * test/golden/, so that no printed number or word of an example changes unseen: the text byte
 * for byte; the JSON key for key, in order, with every string, boolean and null equal and every
 * number equal to 1e-12 of the largest magnitude in its array (the dense kernels' fused
 * multiply-add, where the runtime has it, changes the last bits of a double, never a printed
 * digit). A `gram` beside `unique: false` is one of many optimal solutions (a tie at the cut, so
 * roundoff may pick another member of the eigenspace): only its shape is compared. A deliberate change is reviewed as a diff after `node scripts/golden.mjs` rewrites them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';

const root = path.resolve(__dirname, '../../..');
const goldenDir = path.join(root, 'test', 'golden');

function exampleSpecs(dir = path.join(root, 'examples')): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) found.push(...exampleSpecs(p));
    else if (/\.sslexp\.(ya?ml|json)$/i.test(name)) found.push(path.relative(root, p).split(path.sep).join('/'));
  }
  return found.sort();
}

const goldenName = (spec: string): string =>
  spec
    .replace(/^examples\//, '')
    .replace(/\.sslexp\.(ya?ml|json)$/i, '')
    .split('/')
    .join('__');

async function run(args: string[]): Promise<string> {
  const out: string[] = [];
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const code = await main(args, { out: (s) => out.push(s + '\n'), err: () => {} });
    return `exit ${code}\n${out.join('')}`;
  } finally {
    process.chdir(cwd);
  }
}

const shapeOf = (x: unknown): unknown => (Array.isArray(x) ? [x.length, ...(Array.isArray(x[0]) ? [x[0].length] : [])] : typeof x);

/** Where `got` differs from `want` beyond the tolerance above, as `path: got vs want` lines. */
function jsonDifferences(got: unknown, want: unknown, where = '$', scale = 0, out: string[] = []): string[] {
  if (out.length > 20) return out;
  if (typeof want === 'number' && typeof got === 'number') {
    const tol = 1e-12 * Math.max(scale, Math.abs(want));
    if (!(Math.abs(got - want) <= tol)) out.push(`${where}: ${got} vs ${want}`);
  } else if (Array.isArray(want) && Array.isArray(got) && got.length === want.length) {
    const biggest = (x: unknown): number =>
      typeof x === 'number' ? Math.abs(x) : Array.isArray(x) ? x.reduce((m: number, v) => Math.max(m, biggest(v)), 0) : 0;
    const s = Math.max(scale, biggest(want));
    want.forEach((w, i) => jsonDifferences(got[i], w, `${where}[${i}]`, s, out));
  } else if (want && got && typeof want === 'object' && typeof got === 'object' && !Array.isArray(want) && !Array.isArray(got)) {
    const wk = Object.keys(want);
    const gk = Object.keys(got);
    if (wk.join() !== gk.join()) out.push(`${where}: keys ${gk.join(', ')} vs ${wk.join(', ')}`);
    else
      for (const k of wk) {
        const [g, w] = [(got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k]];
        if (k === 'gram' && (want as { unique?: unknown }).unique === false && (got as { unique?: unknown }).unique === false)
          jsonDifferences(shapeOf(g), shapeOf(w), `${where}.${k} (shape)`, 0, out);
        else jsonDifferences(g, w, `${where}.${k}`, 0, out);
      }
  } else if (got !== want) out.push(`${where}: ${JSON.stringify(got)?.slice(0, 80)} vs ${JSON.stringify(want)?.slice(0, 80)}`);
  return out;
}

const specs = exampleSpecs();

test('every example has its golden outputs and every golden output has its example', () => {
  assert.ok(specs.length >= 20, `${specs.length} examples`);
  const expected = specs.flatMap((s) => [`${goldenName(s)}.json`, `${goldenName(s)}.txt`]).sort();
  assert.deepEqual(fs.readdirSync(goldenDir).sort(), expected);
});

for (const spec of specs) {
  test(`golden: sslexp analyze ${spec} (text and --json)`, async () => {
    for (const [ext, args] of [
      ['txt', ['analyze', spec]],
      ['json', ['analyze', spec, '--json']],
    ] as const) {
      const want = fs.readFileSync(path.join(goldenDir, `${goldenName(spec)}.${ext}`), 'utf8');
      const got = await run([...args]);
      const hint = `${spec} ${ext}: run 'node scripts/golden.mjs' after a deliberate change and review the diff`;
      if (ext === 'txt') {
        assert.equal(got, want, hint);
        continue;
      }
      const [gotStatus, ...gotJson] = got.split('\n');
      const [wantStatus, ...wantJson] = want.split('\n');
      assert.equal(gotStatus, wantStatus, hint);
      assert.deepEqual(jsonDifferences(JSON.parse(gotJson.join('\n')), JSON.parse(wantJson.join('\n'))), [], hint);
    }
  });
}

test('self-test: the JSON comparison takes roundoff, and nothing else', () => {
  const want = { a: [1, 2e-20, 3], b: { c: 'x', d: null, e: true }, f: 10 };
  assert.deepEqual(jsonDifferences({ a: [1 + 1e-13, 0, 3], b: { c: 'x', d: null, e: true }, f: 10 + 1e-12 }, want), []);
  assert.deepEqual(jsonDifferences({ a: [1, 2e-20, 3.0001], b: { c: 'x', d: null, e: true }, f: 10 }, want), ['$.a[2]: 3.0001 vs 3']);
  assert.equal(jsonDifferences({ a: [1, 2e-20], b: { c: 'x', d: null, e: true }, f: 10 }, want).length, 1, 'a shorter array');
  assert.deepEqual(jsonDifferences({ b: { c: 'x', d: null, e: true }, a: [1, 2e-20, 3], f: 10 }, want), ['$: keys b, a, f vs a, b, f']);
  assert.deepEqual(jsonDifferences({ a: [1, 2e-20, 3], b: { c: 'y', d: null, e: true }, f: 10 }, want), ['$.b.c: "y" vs "x"']);
  assert.deepEqual(jsonDifferences({ a: [1, 2e-20, 3], b: { c: 'x', d: 0, e: true }, f: 10 }, want), ['$.b.d: 0 vs null']);
  assert.deepEqual(jsonDifferences({ a: [1, 2e-20, 3], b: { c: 'x', d: null, e: true }, f: -10 }, want), ['$.f: -10 vs 10']);
  // a tied cut: any gram of the right shape; a unique one: to roundoff
  const tied = {
    unique: false,
    gram: [
      [1, 0],
      [0, 0],
    ],
  };
  assert.deepEqual(
    jsonDifferences(
      {
        unique: false,
        gram: [
          [0, 0],
          [0, 1],
        ],
      },
      tied,
    ),
    [],
  );
  assert.equal(
    jsonDifferences(
      {
        unique: false,
        gram: [
          [0, 0, 0],
          [0, 1, 0],
        ],
      },
      tied,
    ).length,
    1,
    'a gram of another shape',
  );
  assert.deepEqual(
    jsonDifferences(
      {
        unique: true,
        gram: [
          [0, 0],
          [0, 1],
        ],
      },
      {
        unique: true,
        gram: [
          [1, 0],
          [0, 0],
        ],
      },
    ),
    ['$.gram[0][0]: 0 vs 1', '$.gram[1][1]: 1 vs 0'],
  );
});
