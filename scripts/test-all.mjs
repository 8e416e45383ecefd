#!/usr/bin/env node
// `npm test`: type-check (per layer), lint, build, then every suite (unit, CLI, webview in
// Chromium, integration in a real VS Code). Prints each stage and, last, one closing line
// `tests: N passed, N failed`. Exit 1 if any stage fails or no test ran.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

const only = process.argv.slice(2); // optional stage names
const stages = [
  // tsconfig.core.json, tsconfig.webview.json, tsconfig.node.json (package.json `check-types`)
  { name: 'types', cmd: 'npm', args: ['run', '--silent', 'check-types'] },
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'format', cmd: 'npx', args: ['prettier', '--check', '.'] },
  { name: 'build', cmd: 'node', args: ['esbuild.config.mjs'] },
  { name: 'unit', cmd: 'node', args: nodeTest('out/test/unit', 'unit'), tap: 'test-results/unit.tap' },
  // python/ (the sslexp_moments package) against dist/cli.js, Debian's python3 with numpy and dask
  { name: 'python', cmd: 'node', args: ['scripts/test-python.mjs'], summary: /^python: (\d+) passed, (\d+) failed/m },
  { name: 'webview', cmd: 'node', args: nodeTest('out/test/e2e', 'webview'), tap: 'test-results/webview.tap', when: () => existsSync('out/test/e2e') },
  {
    name: 'integration',
    cmd: 'node',
    args: ['scripts/run-integration.mjs'],
    summary: /^integration: (\d+) passed, (\d+) failed/m,
    when: () => existsSync('scripts/run-integration.mjs'),
  },
];

function nodeTest(dir, name) {
  return [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=test-results/${name}.tap`,
    `${dir}/`,
  ];
}

function run(stage) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(stage.cmd, stage.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (b) => {
      out += b;
      process.stdout.write(b);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
let broken = [];
for (const stage of stages) {
  if (only.length && !only.includes(stage.name)) continue;
  if (stage.when && !stage.when()) continue;
  process.stdout.write(`\n== ${stage.name}\n`);
  const t0 = Date.now();
  const { code, out } = await run(stage);
  let counts = null;
  if (stage.tap && existsSync(stage.tap)) {
    const tap = readFileSync(stage.tap, 'utf8');
    const p = /^# pass (\d+)/m.exec(tap);
    const f = /^# fail (\d+)/m.exec(tap);
    if (p && f) counts = [Number(p[1]), Number(f[1])];
  } else if (stage.summary) {
    const m = stage.summary.exec(out);
    if (m) counts = [Number(m[1]), Number(m[2])];
  }
  if (counts) {
    passed += counts[0];
    failed += counts[1];
    process.stdout.write(`== ${stage.name}: ${counts[0]} passed, ${counts[1]} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    if (counts[0] === 0) broken.push(`${stage.name} ran no test`);
  }
  if (code !== 0) broken.push(`${stage.name} exited ${code}`);
}
if (broken.length) process.stdout.write(`\nfailed stages: ${broken.join('; ')}\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(broken.length || failed ? 1 : 0);
