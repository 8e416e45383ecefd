// Test index that VS Code loads as `extensionTestsPath`: `run()` executes inside the real
// extension host (code-server via scripts/vscode-host.mjs, or @vscode/test-electron via
// runElectron.ts). It runs the compiled suites next to it with Mocha, records every test, and
// writes a results JSON to $SSL_TEST_RESULTS (see helpers.ts ENV) for the runner to read.
//
// Suites may use either Mocha interface: BDD (describe/it/before...) or TDD (suite/test/setup...).
// Files named `*.untrusted.test.js` run only in the untrusted-workspace run, the others only in
// the trusted one.
import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { ENV, extensionId, extensionRoot, screenshot, sleep, waitFor } from './helpers';

type State = 'passed' | 'failed' | 'skipped';
interface TestRecord {
  title: string;
  file?: string;
  state: State;
  durationMs: number;
  error?: string;
}
export interface Results {
  vscodeVersion: string;
  suites: string;
  isTrusted: boolean;
  files: string[];
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  aborted?: string;
  tests: TestRecord[];
  failures: { title: string; error: string }[];
}

/** Every `*.test.js` below `dir`, sorted, selected by the suites mode. */
function findSuites(dir: string, mode: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.test.js')) out.push(p);
    }
  };
  walk(dir);
  const untrusted = (f: string): boolean => f.endsWith('.untrusted.test.js');
  // `*.packaged.test.js` run against the installed .vsix (scripts/run-integration.mjs), never
  // beside the extension under development.
  const packaged = (f: string): boolean => f.endsWith('.packaged.test.js');
  const selected =
    mode === 'packaged'
      ? out.filter(packaged)
      : mode === 'all'
        ? out.filter((f) => !packaged(f))
        : mode === 'untrusted'
          ? out.filter(untrusted)
          : out.filter((f) => !untrusted(f) && !packaged(f));
  return selected.sort();
}

const sourceMaps = new Map<string, SourceMap | null>();
/**
 * Rewrites `file.js:line:col` frames of the compiled extension into their TypeScript sources
 * (the extension host's own stack formatting bypasses Node's --enable-source-maps).
 */
function mapStack(text: string): string {
  return text.replace(/((?:\/|file:\/\/\/)[^\s():]+\.js):(\d+):(\d+)/g, (frame, file: string, line: string, col: string) => {
    const js = file.startsWith('file://') ? fileURLToPath(file) : file;
    if (!js.startsWith(extensionRoot + path.sep) || js.includes(`${path.sep}node_modules${path.sep}`)) return frame;
    let map = sourceMaps.get(js);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(fs.readFileSync(`${js}.map`, 'utf8')));
      } catch {
        map = null;
      }
      sourceMaps.set(js, map);
    }
    const entry = map?.findEntry(Number(line) - 1, Number(col) - 1);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return frame;
    const src = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(js), entry.originalSource);
    return `${src}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

const errorText = (err: unknown): string => {
  if (err instanceof Error) return mapStack(err.stack && err.stack.includes(err.message) ? err.stack : `${err.message}\n${err.stack ?? ''}`);
  return String(err);
};

/** Writes `file` atomically (the runner polls for it). */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Mode 'smoke' (scripts/vscode-host.mjs serve --smoke): no suites; waits until the extension
 * under development has activated on its own (its activationEvents), opens the first spec of
 * the workspace and asks for a screenshot.
 */
async function smoke(): Promise<Omit<TestRecord, 'title'>> {
  const t0 = Date.now();
  const id = extensionId();
  try {
    const ext = await waitFor(() => vscode.extensions.getExtension(id), 30_000, `${id} to be registered`);
    try {
      await waitFor(() => ext.isActive, 30_000, `${id} to activate on its own (activationEvents: ${JSON.stringify(ext.packageJSON.activationEvents)})`, 100);
    } catch (notActive) {
      // Say why: activating it by hand either fails with the extension's own error or shows the events never fired.
      const forced = await ext.activate().then(
        () => 'activating it explicitly worked, so its activationEvents did not fire',
        (e: unknown) => `activating it explicitly failed: ${errorText(e)}`,
      );
      throw new Error(`${(notActive as Error).message}; ${forced}`, { cause: notActive });
    }
    // The shallowest spec, by name: the same screenshot every time.
    const depth = (u: vscode.Uri): number => u.path.split('/').length;
    const specs = await vscode.workspace.findFiles('**/*.sslexp.{yaml,yml,json}', '**/node_modules/**', 500);
    const [spec] = specs.sort((a, b) => depth(a) - depth(b) || a.path.localeCompare(b.path));
    if (spec) await vscode.window.showTextDocument(spec, { preview: false });
    await sleep(2000); // let diagnostics, CodeLens and the status bar render
    await screenshot('smoke');
    return { state: 'passed', durationMs: Date.now() - t0 };
  } catch (err) {
    return { state: 'failed', durationMs: Date.now() - t0, error: errorText(err) };
  }
}

export async function run(): Promise<void> {
  const started = Date.now();
  const resultsFile = process.env[ENV.results];
  const progressFile = resultsFile ? `${resultsFile}.progress` : undefined;
  const mode = process.env[ENV.suites] || 'trusted';
  const globalTimeout = Number(process.env[ENV.globalTimeout]) || 600_000;
  const files = mode === 'smoke' ? [] : findSuites(__dirname, mode);
  const relFile = (f?: string): string | undefined => (f ? path.relative(__dirname, f) : undefined);

  const tests: TestRecord[] = [];
  const record = (t: TestRecord): void => {
    tests.push(t);
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    console.log(`[integration] ${mark} ${t.title}${t.error ? `\n${t.error}` : ''}`);
    if (progressFile) fs.appendFileSync(progressFile, JSON.stringify(t) + '\n');
  };
  if (progressFile) fs.writeFileSync(progressFile, '');

  let current: Mocha.Test | undefined; // the test running now, named when the global timeout hits
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env[ENV.testTimeout]) || 20_000,
    grep: process.env[ENV.grep] || undefined,
  });
  // Also offer the TDD interface (suite/test/setup/teardown) beside BDD.
  Mocha.interfaces.tdd(mocha.suite);
  // Record every outcome; Mocha's own reporters would print to the extension host's console only.
  mocha.reporter(
    class {
      constructor(runner: Mocha.Runner) {
        const { EVENT_TEST_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
        runner.on(EVENT_TEST_BEGIN, (t: Mocha.Test) => (current = t));
        runner.on(EVENT_TEST_PASS, (t: Mocha.Test) => record({ title: t.fullTitle(), file: relFile(t.file), state: 'passed', durationMs: t.duration ?? 0 }));
        // Failing hooks arrive here too ('"before all" hook for ...').
        runner.on(EVENT_TEST_FAIL, (t: Mocha.Test, err: unknown) =>
          record({ title: t.fullTitle(), file: relFile(t.file), state: 'failed', durationMs: t.duration ?? 0, error: errorText(err) }),
        );
        runner.on(EVENT_TEST_PENDING, (t: Mocha.Test) => record({ title: t.fullTitle(), file: relFile(t.file), state: 'skipped', durationMs: 0 }));
      }
    } as unknown as typeof Mocha.reporters.Base,
  );
  // Load the suites one by one (what mocha.run would do for addFile'd files), so that a file
  // that throws while loading is reported by name and the others still run.
  for (const f of files) {
    try {
      mocha.suite.emit('pre-require', globalThis, f, mocha);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled suite loaded by path, as Mocha does
      mocha.suite.emit('require', require(f), f, mocha);
      mocha.suite.emit('post-require', globalThis, f, mocha);
    } catch (err) {
      record({ title: `load ${relFile(f)}`, file: relFile(f), state: 'failed', durationMs: 0, error: errorText(err) });
    }
  }

  let aborted: string | undefined;
  if (mode === 'smoke') record({ title: 'smoke: the extension activates in the workbench', ...(await smoke()) });
  else if (files.length === 0) aborted = `no suites matched mode '${mode}' under ${__dirname}`;
  else {
    let runner: Mocha.Runner | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => {
          aborted =
            `global timeout: the run took longer than ${globalTimeout} ms` +
            (current && current.state === undefined ? `, stuck in "${current.fullTitle()}"` : '');
          runner?.abort();
          resolve();
        }, globalTimeout);
        try {
          runner = mocha.run(() => resolve());
        } catch (err) {
          reject(err);
        }
      });
    } catch (err) {
      aborted = `mocha failed: ${errorText(err)}`;
    } finally {
      clearTimeout(timer);
    }
  }
  if (aborted) record({ title: `integration run (${mode})`, state: 'failed', durationMs: Date.now() - started, error: aborted });

  // Let the runner capture the workbench before the extension host reports the end of the run.
  if (mode !== 'smoke') await screenshot('final');
  const count = (s: State): number => tests.filter((t) => t.state === s).length;
  const results: Results = {
    vscodeVersion: vscode.version,
    suites: mode,
    isTrusted: vscode.workspace.isTrusted,
    files: files.map((f) => relFile(f)!),
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    durationMs: Date.now() - started,
    ...(aborted ? { aborted } : {}),
    tests,
    failures: tests.filter((t) => t.state === 'failed').map((t) => ({ title: t.title, error: t.error ?? '' })),
  };
  if (resultsFile) writeAtomic(resultsFile, JSON.stringify(results, null, 1));
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
  if (results.passed === 0) throw new Error('no integration test ran');
}
