/**
 * Golden outputs: `sslexp analyze` (text and --json) on every example spec equals the files in
 * test/golden/ byte for byte, so that no printed number or word of an example changes unseen.
 * A deliberate change is reviewed as a diff after `node scripts/golden.mjs` rewrites them.
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
      assert.equal(await run([...args]), want, `${spec} ${ext}: run 'node scripts/golden.mjs' after a deliberate change and review the diff`);
    }
  });
}
