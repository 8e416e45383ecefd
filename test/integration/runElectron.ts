// `npm run test:electron`: the Mocha suites of test/integration under @vscode/test-electron, in
// an installed VS Code desktop (Electron), beside `npm run test:integration` (code-server in
// Chromium, what CI runs). It never downloads VS Code: the executable is $VSCODE_PATH, else the
// first one found at the usual install locations (listed by `candidates()` below); with none
// it prints `skipped: no VS Code desktop found (set VSCODE_PATH)` and exits 2.
//
// VSCODE_PATH is the Electron executable (`/usr/share/code/code`, `…\Microsoft VS Code\Code.exe`,
// `…/Visual Studio Code.app/Contents/MacOS/Code`), or its install folder or `.app`; the Linux
// launcher script `/usr/bin/code` is followed to the executable beside it.
// On Linux without a display: `xvfb-run -a npm run test:electron`.
//
// Same two configurations as scripts/run-integration.mjs: trusted (all suites but the untrusted
// and packaged ones, on a scratch copy of examples/) and untrusted (`*.untrusted.test.js`, with
// workspace trust enabled and not granted). The packaged .vsix suite runs only under
// test:integration. host.test.ts pins VS Code 1.100.3 (the code-server host's version): with
// another desktop version that one test fails, and this runner says so before it starts.
// Exit status: 0 all passed, 1 a test failed or none ran, 2 no VS Code desktop.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { Results } from './index';

const PINNED_VERSION = '1.100.3';
const extensionDevelopmentPath = path.resolve(__dirname, '..', '..', '..');
const extensionTestsPath = path.join(__dirname, 'index.js');
const out = (s: string): void => void process.stdout.write(`${s}\n`);

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};
const isDir = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The Electron executable that `p` names (itself, or inside an install folder or `.app`), if any. */
function resolveExecutable(p: string): string | undefined {
  if (isDir(p)) {
    if (p.endsWith('.app')) {
      const macos = path.join(p, 'Contents', 'MacOS');
      for (const name of ['Code', 'Code - Insiders', 'Electron']) if (isFile(path.join(macos, name))) return path.join(macos, name);
      return undefined;
    }
    for (const name of ['code', 'Code.exe', 'code-insiders', 'Code - Insiders.exe']) if (isFile(path.join(p, name))) return path.join(p, name);
    return undefined;
  }
  if (!isFile(p)) return undefined;
  // /usr/bin/code → /usr/share/code/bin/code, a shell launcher: the executable is ../code.
  const real = fs.realpathSync(p);
  const name = path.basename(real);
  if (path.basename(path.dirname(real)) === 'bin' && isFile(path.join(path.dirname(path.dirname(real)), name)))
    return path.join(path.dirname(path.dirname(real)), name);
  return real;
}

/** The usual install locations of VS Code desktop (Stable, then Insiders), and test-electron's cache. */
function candidates(): string[] {
  const home = os.homedir();
  const list: string[] = [];
  if (process.platform === 'linux') {
    list.push(
      '/usr/share/code/code',
      '/snap/code/current/usr/share/code/code',
      '/opt/visual-studio-code/code',
      '/var/lib/flatpak/app/com.visualstudio.code/current/active/files/extra/vscode/code',
      path.join(home, '.local/share/flatpak/app/com.visualstudio.code/current/active/files/extra/vscode/code'),
      '/usr/share/code-insiders/code-insiders',
      '/snap/code-insiders/current/usr/share/code-insiders/code-insiders',
    );
  } else if (process.platform === 'darwin') {
    for (const app of ['Visual Studio Code.app', 'Visual Studio Code - Insiders.app'])
      list.push(path.join('/Applications', app), path.join(home, 'Applications', app));
  } else if (process.platform === 'win32') {
    for (const base of [process.env.LOCALAPPDATA && path.join(process.env.LOCALAPPDATA, 'Programs'), process.env.ProgramFiles]) {
      if (base) list.push(path.join(base, 'Microsoft VS Code', 'Code.exe'), path.join(base, 'Microsoft VS Code Insiders', 'Code - Insiders.exe'));
    }
  }
  // What an earlier @vscode/test-electron download left in the repository.
  const cache = path.join(extensionDevelopmentPath, '.vscode-test');
  if (isDir(cache)) {
    for (const d of fs
      .readdirSync(cache)
      .filter((n) => n.startsWith('vscode-'))
      .sort()
      .reverse()) {
      const dir = path.join(cache, d);
      list.push(process.platform === 'darwin' ? path.join(dir, 'Visual Studio Code.app') : dir);
    }
  }
  return list;
}

/** The version in the install's resources/app/package.json, if it can be read. */
function versionOf(executable: string): string | undefined {
  const dir = path.dirname(executable);
  const tries =
    process.platform === 'darwin'
      ? [path.join(dir, '..', 'Resources', 'app', 'package.json')]
      : [
          path.join(dir, 'resources', 'app', 'package.json'),
          // Windows installs keep resources/ in a folder named after the commit
          ...(isDir(dir) ? fs.readdirSync(dir).map((d) => path.join(dir, d, 'resources', 'app', 'package.json')) : []),
        ];
  for (const f of tries) {
    try {
      return (JSON.parse(fs.readFileSync(f, 'utf8')) as { version?: string }).version;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * VS Code with the extension under development and the test index. The trusted run goes
 * through test-electron's runTests; runTests always adds `--disable-workspace-trust`, so the
 * untrusted run launches the same command line without it.
 */
async function launch(executable: string, mode: 'trusted' | 'untrusted', launchArgs: string[], env: Record<string, string>): Promise<void> {
  if (mode === 'trusted') {
    await runTests({ vscodeExecutablePath: executable, extensionDevelopmentPath, extensionTestsPath, launchArgs, extensionTestsEnv: env });
    return;
  }
  const args = [
    ...launchArgs,
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--disable-updates',
    '--skip-welcome',
    '--skip-release-notes',
    '--no-cached-data',
    `--extensionTestsPath=${extensionTestsPath}`,
    `--extensionDevelopmentPath=${extensionDevelopmentPath}`,
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(executable, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`VS Code exited with ${code ?? signal}`))));
  });
}

async function runConfig(executable: string, mode: 'trusted' | 'untrusted'): Promise<{ passed: number; failed: number; skipped: number }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ssl-electron-${mode}-`));
  try {
    const workspace = path.join(tmp, 'examples');
    const examples = path.join(extensionDevelopmentPath, 'examples');
    if (fs.existsSync(examples)) fs.cpSync(examples, workspace, { recursive: true });
    else fs.mkdirSync(workspace);
    const userDataDir = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': mode === 'untrusted',
        'security.workspace.trust.startupPrompt': 'never',
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'git.enabled': false,
      }),
    );
    const resultsFile = path.join(tmp, 'results.json');
    const launchArgs = [
      workspace,
      '--disable-extensions',
      '--disable-gpu',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      path.join(tmp, 'extensions'),
      ...(mode === 'trusted' ? ['--disable-workspace-trust'] : []),
    ];
    out(`[${mode}] ${workspace}${mode === 'untrusted' ? ' (workspace trust not granted)' : ''}`);
    let runError: unknown;
    try {
      await launch(executable, mode, launchArgs, { SSL_TEST_RESULTS: resultsFile, SSL_TEST_SUITES: mode });
    } catch (e) {
      runError = e; // non-zero exit: failures are in the results, if any were written
    }
    if (!fs.existsSync(resultsFile)) {
      out(`  ✗ host: no results were written (${String(runError ?? 'VS Code exited')})`);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Results;
    for (const t of r.tests) {
      const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
      out(`  ${mark} ${t.title}${t.state === 'skipped' ? ' (skipped)' : ` (${t.durationMs} ms)`}`);
      if (t.error)
        out(
          t.error
            .split('\n')
            .slice(0, 14)
            .map((l) => `      ${l}`)
            .join('\n'),
        );
    }
    out(`[${mode}] ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (VS Code ${r.vscodeVersion}, isTrusted=${r.isTrusted})`);
    return { passed: r.passed, failed: r.failed, skipped: r.skipped };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  if (!fs.existsSync(extensionTestsPath)) {
    out(`${extensionTestsPath} is missing: run \`npm run build\` first`);
    return 1;
  }
  let executable: string | undefined;
  const given = process.env.VSCODE_PATH;
  if (given) {
    executable = resolveExecutable(given);
    if (!executable) {
      out(`skipped: VSCODE_PATH=${given} is not a VS Code desktop executable, install folder or .app`);
      return 2;
    }
  } else {
    for (const c of candidates()) {
      executable = resolveExecutable(c);
      if (executable) break;
    }
    if (!executable) {
      out('skipped: no VS Code desktop found (set VSCODE_PATH)');
      return 2;
    }
  }
  const version = versionOf(executable);
  out(`VS Code ${version ?? '(version unknown)'} at ${executable}`);
  if (version !== PINNED_VERSION) out(`  note: the suites pin VS Code ${PINNED_VERSION} (host.test.ts); with ${version ?? 'this version'} that test fails`);

  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const mode of ['trusted', 'untrusted'] as const) {
    const r = await runConfig(executable, mode);
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
  }
  if (total.passed + total.failed === 0) {
    out('no integration test ran');
    total.failed = 1;
  }
  out(`integration: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    out(`test:electron failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    out('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
