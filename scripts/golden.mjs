#!/usr/bin/env node
// The golden outputs of `sslexp analyze` (text and --json) for every example spec
// (test/golden/, checked by test/unit/golden.test.ts): a change of any printed number or word
// of an example shows up as a diff to review. After a deliberate change:
//
//   node esbuild.config.mjs && node scripts/golden.mjs      rewrites test/golden/
//   node scripts/golden.mjs --check                         exits 1 when an output differs
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test', 'golden');
const check = process.argv.includes('--check');

/** Every example spec, repository-relative with forward slashes, sorted. */
export function exampleSpecs() {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.sslexp\.(ya?ml|json)$/i.test(name)) found.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(join(root, 'examples'));
  return found.sort();
}

/** `examples/graph/ring-edges.sslexp.yaml` → `graph__ring-edges` */
export const goldenName = (spec) =>
  spec
    .replace(/^examples\//, '')
    .replace(/\.sslexp\.(ya?ml|json)$/i, '')
    .split('/')
    .join('__');

function run(args) {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SSLEXP_PROGRESS: '0' },
  });
  return `exit ${r.status}\n${r.stdout}`;
}

let differ = 0;
if (!check) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
}
for (const spec of exampleSpecs()) {
  for (const [ext, args] of [
    ['txt', ['analyze', spec]],
    ['json', ['analyze', spec, '--json']],
  ]) {
    const file = join(out, `${goldenName(spec)}.${ext}`);
    const text = run(args);
    if (check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
        differ++;
        process.stdout.write(`differs: ${relative(root, file)}\n`);
      }
    } else writeFileSync(file, text);
  }
}
if (check && differ) process.exit(1);
