// `npm run test:electron`: the same integration suites under @vscode/test-electron, for machines
// that can download VS Code desktop (not CI here: this network reaches only npm and Debian; use
// `npm run test:integration` there). Pinned to the VS Code version of the code-server host so
// that both runners see the same API. On Linux without a display: `xvfb-run -a npm run test:electron`.
// Same two configurations as scripts/run-integration.mjs: trusted (copy of examples/) and untrusted.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { Results } from './index';

const VSCODE_VERSION = process.env.SSL_VSCODE_VERSION || '1.100.3';
const extensionDevelopmentPath = path.resolve(__dirname, '..', '..', '..');
const extensionTestsPath = path.join(__dirname, 'index.js');

async function runConfig(mode: 'trusted' | 'untrusted'): Promise<{ passed: number; failed: number; skipped: number }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ssl-electron-${mode}-`));
  try {
    const workspace = path.join(tmp, 'examples');
    const examples = path.join(extensionDevelopmentPath, 'examples');
    if (fs.existsSync(examples)) fs.cpSync(examples, workspace, { recursive: true });
    else fs.mkdirSync(workspace);
    const userDataDir = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
      'security.workspace.trust.enabled': mode === 'untrusted',
      'security.workspace.trust.startupPrompt': 'never',
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'git.enabled': false,
    }));
    const resultsFile = path.join(tmp, 'results.json');
    const launchArgs = [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes', '--disable-gpu',
      '--user-data-dir', userDataDir, '--extensions-dir', path.join(tmp, 'extensions'),
      ...(mode === 'trusted' ? ['--disable-workspace-trust'] : [])];
    console.log(`[${mode}] VS Code ${VSCODE_VERSION} (Electron) on ${workspace}`);
    let runError: unknown;
    try {
      await runTests({
        version: VSCODE_VERSION, extensionDevelopmentPath, extensionTestsPath, launchArgs,
        extensionTestsEnv: { SSL_TEST_RESULTS: resultsFile, SSL_TEST_SUITES: mode, SSL_EXPECT_VSCODE_VERSION: VSCODE_VERSION },
      });
    } catch (e) {
      runError = e; // non-zero exit: failures are in the results, if any were written
    }
    if (!fs.existsSync(resultsFile)) {
      console.log(`  ✗ host: no results were written (${String(runError ?? 'VS Code exited')})`);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Results;
    for (const t of r.tests) {
      const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
      console.log(`  ${mark} ${t.title}${t.state === 'skipped' ? ' (skipped)' : ` (${t.durationMs} ms)`}`);
      if (t.error) console.log(t.error.split('\n').slice(0, 14).map((l) => `      ${l}`).join('\n'));
    }
    return { passed: r.passed, failed: r.failed, skipped: r.skipped };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const mode of ['trusted', 'untrusted'] as const) {
    const r = await runConfig(mode);
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
  }
  if (total.passed + total.failed === 0) total.failed = 1;
  console.log(`integration: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return total.failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  console.log('integration: 0 passed, 1 failed');
  process.exit(1);
});
