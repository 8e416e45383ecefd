#!/usr/bin/env node
// `npm run test:integration`: the Mocha suites of test/integration inside a real VS Code
// extension host (code-server, see scripts/vscode-host.mjs), in two configurations:
//   trusted    every out/test/integration/**/*.test.js but *.untrusted.test.js, on a scratch
//              copy of examples/ (tests may edit it freely);
//   untrusted  only *.untrusted.test.js, on another copy, with workspace trust enabled and
//              not granted (Restricted Mode).
// Builds nothing (run `npm run build` first); installs the host if needed. Prints one line per
// test and closes with `integration: N passed, N failed[, N skipped]`; exits 1 on any failure
// or when no test ran. Artifacts (screenshots, browser console, code-server log): test-results/.
//
// Options: --only trusted|untrusted|packaged   --grep RE   --extension DIR (default: the repository)
// Env:     SSL_INTEGRATION_TIMEOUT_MS  per configuration, host start included (default 420000)
//          SSL_ARTIFACTS_DIR (default test-results/), SSL_VSCODE_HOST_DIR (default .cache/code-server)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS_DIR, ensureHost, REPO, runIntegration } from './vscode-host.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};
const extensionPath = path.resolve(opt('extension') ?? REPO);
const only = opt('only');
const grep = opt('grep');
const timeoutMs = Number(process.env.SSL_INTEGRATION_TIMEOUT_MS) || 420_000;
const out = (s) => process.stdout.write(`${s}\n`);
const indent = (s, pad = '      ') =>
  String(s)
    .trimEnd()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
const rel = (p) => path.relative(process.cwd(), p) || '.';
/** An error for the summary: the message and the first frames (the full text is in the results). */
const clip = (e, lines = 14) => {
  const l = String(e).trimEnd().split('\n');
  return l.length > lines ? [...l.slice(0, lines), `... (${l.length - lines} more lines)`].join('\n') : l.join('\n');
};

/** `publisher.name` of the extension at `dir`. */
const extensionIdOf = (dir) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}`;
};

/** Compiled suites, to skip a configuration that has none. */
function compiledSuites() {
  const dir = path.join(extensionPath, 'out', 'test', 'integration');
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.test.js')) found.push(e.name);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}

const scratch = new Set();
process.on('exit', () => {
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});
/** A fresh copy of examples/ (the workspace the suites may edit). */
function copyExamples(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ssl-ws-${label}-`));
  scratch.add(dir);
  const ws = path.join(dir, 'examples');
  const src = path.join(extensionPath, 'examples');
  if (fs.existsSync(src)) fs.cpSync(src, ws, { recursive: true });
  else fs.mkdirSync(ws);
  return ws;
}

/**
 * `npm run package` into a scratch folder (vsce runs `vscode:prepublish`, the production
 * build, into dist/), then the development build again so that dist/ keeps its source maps
 * and test hooks. Returns the .vsix path, or {error}.
 */
function packageVsix() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-vsix-'));
  scratch.add(dir);
  const vsix = path.join(dir, 'ssl-paradigm-advisor.vsix');
  const vsce = path.join(extensionPath, 'node_modules', '@vscode', 'vsce', 'vsce');
  const pack = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], {
    cwd: extensionPath,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const rebuild = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: extensionPath, encoding: 'utf8', timeout: 180_000 });
  if (pack.status !== 0 || !fs.existsSync(vsix)) return { error: `vsce package exited ${pack.status}: ${(pack.stdout + pack.stderr).trim().slice(-3000)}` };
  if (rebuild.status !== 0) return { error: `the development build after packaging failed: ${rebuild.stderr}` };
  return vsix;
}

async function main() {
  const t0 = Date.now();
  if (!fs.existsSync(path.join(extensionPath, 'out', 'test', 'integration', 'index.js'))) {
    out(`${rel(extensionPath)}/out/test/integration/index.js is missing: run \`npm run build\` first`);
    out('integration: 0 passed, 1 failed');
    return 1;
  }
  const th = Date.now();
  ensureHost();
  const hostMs = Date.now() - th;

  const suites = compiledSuites();
  const packagedSuite = (f) => f.endsWith('.packaged.test.js');
  const configs = [
    { label: 'trusted', trusted: true, has: suites.some((f) => !f.endsWith('.untrusted.test.js') && !packagedSuite(f)) },
    { label: 'untrusted', trusted: false, has: suites.some((f) => f.endsWith('.untrusted.test.js')) },
    // The packaging smoke test: the .vsix of `npm run package`, installed into the host, with an
    // empty carrier extension under development (extensionTestsPath needs one).
    { label: 'packaged', trusted: true, has: suites.some(packagedSuite), packaged: true },
    // The browser build (package.json `browser`) in code-server's web worker extension host:
    // test/integration/web/index.ts (diagnostics, CodeLens, hover, panel; files through vscode.workspace.fs).
    {
      label: 'web',
      trusted: true,
      has: fs.existsSync(path.join(extensionPath, 'out', 'test', 'integration', 'web', 'index.js')),
      web: true,
      testsPath: path.join(extensionPath, 'out', 'test', 'integration', 'web', 'index.js'),
    },
  ].filter((c) => !only || c.label === only);

  const total = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];
  for (const c of configs) {
    if (!c.has) {
      out(`[${c.label}] no suites`);
      continue;
    }
    const workspace = copyExamples(c.label);
    let packaged = {};
    if (c.packaged) {
      const vsix = packageVsix();
      if (typeof vsix !== 'string') {
        out(`  ✗ npm run package failed:\n${indent(vsix.error)}`);
        total.failed += 1;
        failures.push({ label: c.label, title: 'npm run package builds the .vsix', error: vsix.error });
        continue;
      }
      out(`[${c.label}] ${rel(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB) installed into the host`);
      packaged = { installVsix: vsix, testsPath: path.join(extensionPath, 'out', 'test', 'integration', 'index.js') };
    }
    out(`[${c.label}] VS Code host on ${rel(workspace)}${c.trusted ? '' : ' (workspace trust not granted)'}`);
    const r = await runIntegration({
      ...(c.packaged ? { ...packaged, extensionPath: path.join(extensionPath, 'test', 'packaged-carrier') } : { extensionPath }),
      // `remote.extensionKind` makes the workbench run the extension under development (it has both
      // `main` and `browser`) in its web worker extension host, as vscode.dev would.
      ...(c.web ? { web: true, testsPath: c.testsPath, settings: { 'remote.extensionKind': { [extensionIdOf(extensionPath)]: ['web'] } } } : {}),
      workspace,
      trusted: c.trusted,
      suites: c.label,
      label: c.label,
      grep,
      timeoutMs,
      onTest: (t) => {
        const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
        out(`  ${mark} ${t.title}${t.state === 'skipped' ? ' (skipped)' : ` (${t.durationMs} ms)`}`);
      },
    });
    if (r.hostError) out(`  ✗ host: ${r.hostError.split('\n')[0]}`);
    out(
      `[${c.label}] ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} in ${(r.durationMs / 1000).toFixed(1)} s` +
        `${r.vscodeVersion ? ` (VS Code ${r.vscodeVersion}, isTrusted=${r.isTrusted})` : ''}; browser console errors: ${r.consoleErrors}`,
    );
    out(
      `  (${Object.entries(r.timings)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(', ')})`,
    );
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    failures.push(...r.failures.map((f) => ({ ...f, label: c.label })));
    if (r.failed)
      out(
        `  artifacts: ${[r.artifacts.codeServerLog, r.artifacts.browserConsole, ...r.artifacts.screenshots, r.artifacts.hostLogs].filter(Boolean).map(rel).join(', ')}`,
      );
    for (const d of [...scratch]) {
      fs.rmSync(d, { recursive: true, force: true });
      scratch.delete(d);
    }
  }

  for (const f of failures) out(`\n✗ [${f.label}] ${f.title}\n${indent(clip(f.error))}`);
  out(`\n(host install check ${(hostMs / 1000).toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${rel(ARTIFACTS_DIR)}/)`);
  if (total.passed + total.failed === 0) {
    out('no integration test ran');
    total.failed += 1;
  }
  out(`integration: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    out(`integration run failed: ${e?.stack ?? e}`);
    out('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
