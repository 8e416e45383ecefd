#!/usr/bin/env node
// A real VS Code (1.100.3, as code-server 4.100.3 installed by scripts/setup-vscode-host.sh)
// on loopback, driven by Debian Chromium through playwright-core (docs/architecture.md §4).
//
// Module:  runIntegration({ extensionPath, workspace, trusted, suites?, grep?, timeoutMs? })
//            -> { passed, failed, skipped, failures: [{ title, error }], tests, durationMs, ... }
//          Starts code-server (fresh user-data and extensions dirs in a temp dir), opens the
//          workbench with the extension under development and test/integration/index.js as the
//          extension tests, streams per-test results, and kills everything it started.
// CLI:     node scripts/vscode-host.mjs serve [--workspace examples] [--port N] [--untrusted] [--smoke] [--web]
//            serve: keep a workbench with the extension under development running until Ctrl-C.
//            --web: run the extension's browser bundle in the web worker extension host (as on vscode.dev).
//            --smoke: instead open it once in Chromium, wait until the extension has activated,
//                     save test-results/serve-smoke.png and exit (0 on success).
//          node scripts/vscode-host.mjs test [--workspace DIR] [--untrusted] [--suites trusted|untrusted|all] [--grep RE]
//            one integration run on DIR as it is (no copy); see scripts/run-integration.mjs for the full run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HOST_DIR = process.env.SSL_VSCODE_HOST_DIR || path.join(REPO, '.cache', 'code-server');
export const CODE_SERVER_ENTRY = path.join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.SSL_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(process.env.SSL_ARTIFACTS_DIR || path.join(REPO, 'test-results'));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const TEST_INDEX = path.join('out', 'test', 'integration', 'index.js');

// ------------------------------------------------------------------ cleanup of what we started
const cleanups = new Set(); // async () => void
const groupsToKill = new Set(); // pids of detached process groups, killed synchronously on exit
let signalsHooked = false;
function hookSignals() {
  if (signalsHooked) return;
  signalsHooked = true;
  const onSignal = (sig, code) => async () => {
    process.stderr.write(`\n[vscode-host] ${sig}: stopping code-server and Chromium\n`);
    setTimeout(() => process.exit(code), 8000).unref(); // never hang on the way out
    await Promise.allSettled([...cleanups].map((c) => c()));
    process.exit(code);
  };
  process.once('SIGINT', onSignal('SIGINT', 130));
  process.once('SIGTERM', onSignal('SIGTERM', 143));
  process.once('SIGHUP', onSignal('SIGHUP', 129));
  // Last resort (uncaught error, process.exit elsewhere): nothing of ours outlives us.
  process.on('exit', () => {
    for (const pid of groupsToKill) killGroup(pid, 'SIGKILL');
  });
}
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ host install
/** Runs scripts/setup-vscode-host.sh (instant when the stamp says the host is installed). */
export function ensureHost() {
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'setup-vscode-host.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/setup-vscode-host.sh failed (exit ${r.status ?? r.signal})`);
}
function checkHostInstalled() {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server is not installed at ${path.relative(REPO, HOST_DIR)}: run scripts/setup-vscode-host.sh`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/setup-vscode-host.sh (installs Debian's chromium)`);
}
/** The VS Code version inside the installed code-server. */
export function hostVscodeVersion() {
  return JSON.parse(fs.readFileSync(path.join(HOST_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json'), 'utf8')).version;
}

// ------------------------------------------------------------------ code-server
export function freePort(host = '127.0.0.1', preferred = 0) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (e) => (preferred ? freePort(host, 0).then(resolve, reject) : reject(e)));
    srv.listen(preferred, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Settings written to the fresh user-data dir: quiet, offline, deterministic. */
function userSettings(trusted, extra) {
  return {
    'security.workspace.trust.enabled': !trusted,
    // Untrusted: no modal asking for trust; the folder stays in Restricted Mode.
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'json.schemaDownload.enable': false,
    'npm.fetchOnlinePackageInfo': false,
    'typescript.disableAutomaticTypeAcquisition': true,
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
    ...extra,
  };
}

/** Environment of code-server (and so of the extension host): ours plus `env`, minus what would redirect it. */
function childEnv(tmp, env) {
  const out = { ...process.env };
  for (const k of Object.keys(out)) {
    // $PORT overrides --bind-addr; $PASSWORD/$HASHED_PASSWORD switch auth; VSCODE_*/ELECTRON_* leak a parent editor in.
    if (/^(PORT|PASSWORD|HASHED_PASSWORD|GITHUB_TOKEN)$/.test(k) || /^(VSCODE_|ELECTRON_)/.test(k)) delete out[k];
  }
  return {
    ...out,
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    TMPDIR: path.join(tmp, 'tmp'), // its IPC sockets (vscode-ipc-*.sock) go away with the temp dir
    EXTENSIONS_GALLERY: '{}', // no marketplace: nothing may leave loopback
    ...env,
  };
}

/**
 * Starts code-server on 127.0.0.1 and resolves once it answers /healthz.
 * Returns { port, proc, tmp, userDataDir, stop(), logTail(), extHostExit() }.
 */
export async function startCodeServer({
  workspace,
  trusted = true,
  env = {},
  settings = {},
  port = 0,
  label = 'host',
  startTimeoutMs = 60_000,
  logFile,
  installVsix,
}) {
  checkHostInstalled();
  hookSignals();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ssl-vscode-${label}-`));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(path.join(tmp, 'tmp'));
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings(trusted, settings), null, 1));
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n'); // never read or write ~/.config/code-server/config.yaml

  if (installVsix) {
    // The real install path of a user: `code-server --install-extension FILE.vsix` into this
    // host's own extensions folder (offline; nothing is downloaded).
    const r = spawnSync(
      process.execPath,
      [CODE_SERVER_ENTRY, '--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', installVsix],
      { cwd: tmp, env: childEnv(tmp, env), encoding: 'utf8', timeout: 120_000 },
    );
    if (logFile) fs.appendFileSync(logFile, `$ --install-extension ${installVsix}\n${r.stdout}${r.stderr}\n`);
    if (r.status !== 0 || !/successfully installed/.test(r.stdout)) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new Error(`code-server could not install ${installVsix}: ${(r.stdout + r.stderr).trim().slice(-2000)}`);
    }
  }
  let tail = '';
  let extHostExit = null; // code-server reports each extension host's end
  const log = logFile ? fs.createWriteStream(logFile) : null;
  const onOutput = (chunk) => {
    log?.write(chunk);
    tail = (tail + chunk.toString()).slice(-6000);
    extHostExit ??= /Extension Host Process exited with code: (\S+?), signal: (\S+?)\.\r?\n/.exec(tail)?.slice(1).join('/') ?? null;
  };

  let proc;
  for (let attempt = 1; ; attempt++) {
    const p = port || (await freePort());
    const args = [
      CODE_SERVER_ENTRY,
      '--config',
      config,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${p}`,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      ...(trusted ? ['--disable-workspace-trust'] : []),
      workspace,
    ];
    log?.write(`$ ${process.execPath} ${args.join(' ')}\n`);
    // Its own process group, so that stop() reaches the extension host, pty host and watchers too.
    // SSL_HOST_LOGS_DIR: where VS Code writes its logs (the extension host's among them), for the suites that read them.
    const hostEnv = { SSL_HOST_LOGS_DIR: path.join(userDataDir, 'logs'), ...env };
    proc = spawn(process.execPath, args, { cwd: tmp, env: childEnv(tmp, hostEnv), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    groupsToKill.add(proc.pid);
    proc.stdout.on('data', onOutput);
    proc.stderr.on('data', onOutput);
    let gone = false;
    const exited = new Promise((r) =>
      proc.once('exit', (code, sig) => {
        gone = true;
        r(`code-server exited (${code ?? sig}) before it listened`);
      }),
    );
    const ready = waitHttp(`http://127.0.0.1:${p}/healthz`, startTimeoutMs, () => gone).then(
      () => null,
      (e) => `code-server did not answer on 127.0.0.1:${p} within ${startTimeoutMs} ms (${e.message})`,
    );
    const problem = await Promise.race([ready, exited]);
    if (!problem) {
      port = p;
      break;
    }
    killGroup(proc.pid, 'SIGKILL');
    groupsToKill.delete(proc.pid);
    const portClash = /EADDRINUSE/.test(tail);
    if (portClash && attempt < 3 && !port) continue; // someone took the free port in between: try another
    log?.end();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`${problem}\n--- code-server output (last lines) ---\n${tail.trim() || '(none)'}`);
  }

  const child = proc;
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      cleanups.delete(stop);
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        killGroup(child.pid, 'SIGTERM');
        await Promise.race([gone, sleep(3000)]);
      }
      killGroup(child.pid, 'SIGKILL'); // the rest of the group (extension host, watchers...)
      groupsToKill.delete(child.pid);
      await new Promise((r) => (log ? log.end(r) : r()));
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    })());
  cleanups.add(stop);
  return { port, proc: child, tmp, userDataDir, stop, logTail: () => tail, extHostExit: () => extHostExit };
}

/** Polls `url` until it answers 200; `isCancelled()` stops the polling (rejects). */
function waitHttp(url, timeoutMs, isCancelled = () => false) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (isCancelled()) return reject(new Error('cancelled'));
      const req = http.get(url, { timeout: 2000 }, (res) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else retry(new Error(`HTTP ${res.statusCode}`));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', retry);
    };
    const retry = (e) => (Date.now() > deadline ? reject(e) : setTimeout(attempt, 100));
    attempt();
  });
}

const remoteUri = (port, absPath) => `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
/** The workbench URL that opens `workspace` with the extension under development (and its tests). */
export function workbenchUrl(port, { workspace, extensionPath, testsPath, web = false }) {
  const payload = [['extensionDevelopmentPath', remoteUri(port, extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remoteUri(port, testsPath)]);
  // `web`: run the extension under development (its package.json `browser` bundle) and its tests in
  // the workbench's web worker extension host instead of the Node one (the vscode.dev situation).
  if (web) payload.push(['extensionDevelopmentKind', 'web']);
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

// ------------------------------------------------------------------ Chromium
/** Launches Debian Chromium headless with one page; returns { browser, page, open(url), stop(), consoleErrors() }. */
export async function launchBrowser({ consoleLog, viewport = { width: 1400, height: 900 } } = {}) {
  hookSignals();
  const { chromium } = await import('playwright-core');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-chromium-')); // its crash-report and dconf dirs, not ~/
  const removeHome = () => fs.rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: 60_000,
      env: { ...process.env, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false, // ours close it (see hookSignals)
    });
  } catch (e) {
    removeHome();
    throw e;
  }
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      cleanups.delete(stop);
      await Promise.race([browser.close().catch(() => {}), sleep(5000)]);
      await new Promise((r) => (log ? log.end(r) : r()));
      removeHome();
    })());
  cleanups.add(stop);
  const log = consoleLog ? fs.createWriteStream(consoleLog) : null;
  const errors = [];
  const t0 = Date.now();
  const note = (kind, text) => {
    log?.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${kind}: ${text}\n`);
    if (kind === 'error' || kind === 'pageerror' || kind === 'crash') errors.push(text);
  };
  try {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('console', (m) => note(m.type(), m.text()));
    page.on('pageerror', (e) => note('pageerror', e.stack || e.message));
    page.on('crash', () => note('crash', 'the page crashed'));
    page.on('requestfailed', (r) => note('requestfailed', `${r.url().slice(0, 200)} ${r.failure()?.errorText ?? ''}`));
    const wb = { browser, page, stop, consoleErrors: () => errors, opened: false };
    wb.open = async (url) => {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
      wb.opened = true;
    };
    return wb;
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Chromium on `url` (the workbench); see launchBrowser. */
export async function openWorkbench(url, options) {
  const wb = await launchBrowser(options);
  try {
    await wb.open(url);
  } catch (e) {
    await wb.stop();
    throw e;
  }
  return wb;
}

// ------------------------------------------------------------------ screenshot endpoint
/**
 * What the analysis panel's webview shows, read in its own frame (the workbench nests each webview
 * in iframes): its scroll position, the banner, whether it is dimmed as stale, the chart sections
 * shown, the empty state. `op=scroll` scrolls it to `y` first; `op=clickDoc` clicks its first documentation
 * link. Null when no panel is open.
 */
async function panelState(page, op, y) {
  for (const frame of page.frames()) {
    const state = await frame
      .evaluate(
        ([op, y]) => {
          // runs in the webview: `globalThis` is its window
          const w = globalThis;
          const d = w.document;
          if (!d.querySelector('main#app .topbar')) return null;
          const visible = (e) => !!e && e.offsetParent !== null && !e.hidden;
          if (op === 'scroll') w.scrollTo(0, y);
          // what a user's click on a cited section does
          const link = op === 'clickDoc' ? [...d.querySelectorAll('a.doc-link')].find(visible) : undefined;
          link?.click();
          const banner = d.querySelector('.error-banner');
          const empty = d.querySelector('.empty-state');
          return {
            scrollY: Math.round(w.scrollY),
            scrollHeight: d.documentElement.scrollHeight,
            stale: d.getElementById('app').classList.contains('is-stale'),
            banner: visible(banner) ? banner.innerText : null,
            empty: visible(empty) ? empty.innerText : null,
            paradigm: d.querySelector('[data-testid="paradigm"]')?.innerText ?? null,
            sections: [...d.querySelectorAll('.chart-section')].filter(visible).map((e) => e.id),
            toolbars: [...d.querySelectorAll('.chart-section .toolbar')].filter(visible).map((e) => e.closest('.chart-section').id),
            clicked: link ? link.textContent : null,
            // the first paint's steps, as epoch milliseconds: the frame's start, its script's start, its first render's end
            timing: {
              origin: w.performance.timeOrigin,
              script: w.performance.timeOrigin + (w.performance.getEntriesByName('ssl-script-start')[0]?.startTime ?? NaN),
              rendered: w.performance.timeOrigin + (w.performance.getEntriesByName('ssl-first-render')[0]?.startTime ?? NaN),
              resources: w.performance
                .getEntriesByType('resource')
                .map((r) => ({ name: r.name.split('/').pop(), start: Math.round(r.startTime), end: Math.round(r.responseEnd) })),
              dcl: Math.round(w.performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN),
            },
          };
        },
        [op, y],
      )
      .catch(() => null);
    if (state) return state;
  }
  return null;
}

/**
 * Loopback HTTP endpoint for the code under test: `POST /screenshot?name=x` saves
 * `<dir>/<prefix>-x.png` of the current workbench and answers {"path": ...}; `POST /dom?selector=s`
 * answers {"texts": [...]}, the text of every element of the workbench page that matches `s` (what
 * the user sees, e.g. the CodeLens: the latency test polls it).
 */
async function startScreenshotServer(getPage, dir, prefix, shots) {
  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const page = getPage();
    if (req.method === 'POST' && u.pathname === '/dom') {
      if (!page) return reply(503, { error: 'no page yet' });
      const selector = (u.searchParams.get('selector') ?? '').slice(0, 500);
      try {
        // runs in the page: `globalThis` is its window
        const texts = await page.evaluate((sel) => [...globalThis.document.querySelectorAll(sel)].map((e) => e.textContent ?? ''), selector);
        return reply(200, { texts });
      } catch (e) {
        return reply(500, { error: String(e.message || e) });
      }
    }
    if (req.method === 'POST' && u.pathname === '/panel') {
      if (!page) return reply(503, { error: 'no page yet' });
      try {
        return reply(200, await panelState(page, u.searchParams.get('op') ?? 'state', Number(u.searchParams.get('y') ?? 0)));
      } catch (e) {
        return reply(500, { error: String(e.message || e) });
      }
    }
    if (req.method !== 'POST' || u.pathname !== '/screenshot')
      return reply(404, { error: 'POST /screenshot?name=x, /dom?selector=s or /panel?op=state|scroll|clickDoc' });
    if (!page) return reply(503, { error: 'no page yet' });
    const name = (u.searchParams.get('name') || `shot-${shots.length + 1}`).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    const file = path.join(dir, `${prefix}-${name}.png`);
    try {
      await page.screenshot({ path: file, timeout: 10_000 });
      shots.push(file);
      reply(200, { path: file });
    } catch (e) {
      reply(500, { error: String(e.message || e) });
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

// ------------------------------------------------------------------ an integration run
/**
 * Runs the integration suites inside a real extension host.
 * @param {object} o
 * @param {string} o.extensionPath  the extension under development (its out/test/integration/index.js is the test index)
 * @param {string} o.workspace      folder to open (tests may edit it: pass a copy)
 * @param {boolean} [o.trusted=true] false: workspace trust enabled and not granted (Restricted Mode)
 * @param {string} [o.suites]        'trusted' | 'untrusted' | 'all' | 'smoke' (default from `trusted`)
 * @param {string} [o.grep]          Mocha grep on full titles
 * @param {number} [o.timeoutMs=180000] whole run, host start included
 * @param {string} [o.label]         prefix of the artifacts in test-results/ (default: suites)
 * @param {(t: {title, state, durationMs, error?}) => void} [o.onTest]  called as each test ends
 * @returns {Promise<{passed, failed, skipped, failures: {title, error}[], durationMs, tests, isTrusted, vscodeVersion, artifacts, hostError?}>}
 *   Never rejects for a host failure: that is reported as one more failure (`hostError`).
 */
export async function runIntegration({
  extensionPath,
  workspace,
  trusted = true,
  suites,
  grep,
  timeoutMs = 180_000,
  label,
  onTest = () => {},
  artifactsDir = ARTIFACTS_DIR,
  env = {},
  settings = {},
  testsPath: testsPathOverride,
  installVsix,
  web = false,
}) {
  const t0 = Date.now();
  suites ??= trusted ? 'trusted' : 'untrusted';
  label ??= suites;
  extensionPath = path.resolve(extensionPath);
  workspace = path.resolve(workspace);
  fs.mkdirSync(artifactsDir, { recursive: true });
  for (const f of fs.readdirSync(artifactsDir)) if (f.startsWith(`${label}-`)) fs.rmSync(path.join(artifactsDir, f), { recursive: true, force: true });
  const artifacts = {
    codeServerLog: path.join(artifactsDir, `${label}-code-server.log`),
    browserConsole: path.join(artifactsDir, `${label}-browser-console.log`),
    screenshots: [],
  };
  const deadline = t0 + timeoutMs;
  const left = () => deadline - Date.now();
  const timings = {}; // ms per phase: host, browser, index (workbench until the test index runs), tests, teardown
  let tPhase = t0;
  const phase = (name) => {
    const now = Date.now();
    timings[name] = now - tPhase;
    tPhase = now;
  };

  const tests = [];
  let progressRead = 0;
  let host, wb, browserLaunch, shotServer, tmpResults, resultsFile;
  let hostError;
  const readProgress = () => {
    // per-test lines written by the test index as it goes
    const file = `${resultsFile}.progress`;
    if (!fs.existsSync(file)) return false;
    const text = fs.readFileSync(file, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(progressRead, end).split('\n').filter(Boolean)) {
      const t = JSON.parse(line);
      tests.push(t);
      onTest(t);
    }
    progressRead = end;
    return true;
  };

  const removeResults = async () => {
    cleanups.delete(removeResults);
    if (tmpResults) fs.rmSync(tmpResults, { recursive: true, force: true });
  };
  let results;
  try {
    const testsPath = testsPathOverride ? path.resolve(testsPathOverride) : path.join(extensionPath, TEST_INDEX);
    if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} not found: run \`npm run build\` first`);
    shotServer = await startScreenshotServer(() => wb?.page, artifactsDir, label, artifacts.screenshots);
    // The web worker extension host has no file system of its own: its test index
    // (test/integration/web/index.ts) writes the results into the workspace through vscode.workspace.fs.
    tmpResults = web ? path.join(workspace, '.ssl-web-results') : fs.mkdtempSync(path.join(os.tmpdir(), `ssl-results-${label}-`));
    resultsFile = path.join(tmpResults, 'results.json');
    cleanups.add(removeResults);
    browserLaunch = launchBrowser({ consoleLog: artifacts.browserConsole }); // meanwhile
    browserLaunch.catch(() => {}); // awaited below
    host = await startCodeServer({
      workspace,
      trusted,
      label,
      logFile: artifacts.codeServerLog,
      settings,
      startTimeoutMs: Math.min(60_000, left()),
      installVsix,
      env: {
        SSL_TEST_RESULTS: resultsFile,
        SSL_TEST_SUITES: suites,
        SSL_RUNNER_PORT: String(shotServer.address().port),
        SSL_TEST_GLOBAL_TIMEOUT: String(Math.max(10_000, timeoutMs - 20_000)),
        SSL_EXPECT_VSCODE_VERSION: hostVscodeVersion(),
        ...(grep ? { SSL_TEST_GREP: grep } : {}),
        ...env,
      },
    });
    phase('host');
    wb = await browserLaunch;
    await wb.open(workbenchUrl(host.port, { workspace, extensionPath, testsPath, web }));
    phase('browser');

    const seeLogs = `see ${path.relative(REPO, artifacts.browserConsole)} and ${path.relative(REPO, path.join(artifactsDir, `${label}-logs`))}/`;
    // The extension host ending before the results exist: a crash, or a test index that did not load.
    const checkAlive = async (phase) => {
      if (host.proc.exitCode !== null) throw new Error(`code-server exited (${host.proc.exitCode}) ${phase}`);
      if (!host.extHostExit()) return;
      await sleep(1000); // its last writes may still be landing
      if (!fs.existsSync(resultsFile)) throw new Error(`the extension host exited (code/signal ${host.extHostExit()}) ${phase}: ${seeLogs}`);
    };
    // 1. the test index must start (it creates the progress file) ...
    const startBy = Date.now() + Math.min(90_000, left());
    while (!readProgress()) {
      await checkAlive('before the test index started');
      if (Date.now() > startBy)
        throw new Error(`the extension host did not start the test index within ${Math.round((startBy - t0) / 1000)} s (no progress file): ${seeLogs}`);
      await sleep(200);
    }
    phase('index');
    // 2. ... and finish (it writes the results file), within the overall timeout.
    while (!fs.existsSync(resultsFile)) {
      readProgress();
      await checkAlive(`during the tests (last finished: ${tests.at(-1)?.title ?? 'none'})`);
      if (left() <= 0) throw new Error(`timed out after ${timeoutMs} ms; last finished test: ${tests.at(-1)?.title ?? '(none)'}`);
      await sleep(200);
    }
    readProgress();
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    phase('tests');
  } catch (e) {
    hostError = String(e?.message ?? e);
    // The workbench's own errors say most (e.g. "does not point to a valid extension test runner").
    const errs = (wb?.consoleErrors() ?? []).filter((m) => !/Failed to load resource: the server responded with a status of 404/.test(m));
    if (errs.length)
      hostError += `\n--- last browser console errors ---\n${errs
        .slice(-4)
        .map((m) => m.replace(/^%c\s*ERR color: #\w+\s*/, '').slice(0, 500))
        .join('\n')}`;
  } finally {
    wb ??= await browserLaunch?.catch(() => undefined);
    if (hostError && wb?.opened) {
      const file = path.join(artifactsDir, `${label}-error.png`);
      if (
        await wb.page.screenshot({ path: file, timeout: 5000 }).then(
          () => true,
          () => false,
        )
      )
        artifacts.screenshots.push(file);
    }
    if (hostError && host && copyHostLogs(host.userDataDir, path.join(artifactsDir, `${label}-logs`)))
      artifacts.hostLogs = path.join(artifactsDir, `${label}-logs`);
    await wb?.stop();
    await host?.stop();
    await new Promise((r) => (shotServer ? shotServer.close(r) : r()));
    await removeResults();
    phase('teardown');
  }
  if (!wb) delete artifacts.browserConsole; // Chromium never started

  const all = results?.tests ?? tests;
  const count = (s) => all.filter((t) => t.state === s).length;
  const failures = all.filter((t) => t.state === 'failed').map((t) => ({ title: t.title, error: t.error ?? '' }));
  if (hostError) failures.push({ title: `host (${label})`, error: hostError + `\n(artifacts: ${path.relative(REPO, artifactsDir)}/${label}-*)` });
  return {
    passed: count('passed'),
    failed: failures.length,
    skipped: count('skipped'),
    failures,
    tests: all,
    durationMs: Date.now() - t0,
    timings,
    isTrusted: results?.isTrusted,
    vscodeVersion: results?.vscodeVersion,
    files: results?.files,
    artifacts,
    consoleErrors: wb?.consoleErrors().length ?? 0,
    ...(hostError ? { hostError } : {}),
  };
}

/** Copies the server's and extension host's logs (user-data-dir/logs) for a failed run. */
function copyHostLogs(userDataDir, dest) {
  try {
    fs.cpSync(path.join(userDataDir, 'logs'), dest, { recursive: true });
    return true;
  } catch {
    return false; // no logs yet
  }
}

// ------------------------------------------------------------------ CLI
function parseArgs(argv) {
  const o = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      o._.push(a);
      continue;
    }
    const [k, v] = a.slice(2).split('=', 2);
    if (v !== undefined) o[k] = v;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--') && ['workspace', 'port', 'suites', 'grep', 'timeout', 'extension'].includes(k))
      o[k] = argv[++i];
    else o[k] = true;
  }
  return o;
}

async function serve(o) {
  const workspace = path.resolve(REPO, o.workspace ?? 'examples');
  const extensionPath = path.resolve(REPO, o.extension ?? '.');
  const trusted = !o.untrusted;
  if (!fs.existsSync(workspace)) throw new Error(`workspace ${workspace} does not exist`);
  if (!fs.existsSync(path.join(extensionPath, 'dist', 'extension.js'))) {
    process.stderr.write(`[vscode-host] warning: ${path.relative(REPO, extensionPath) || '.'}/dist/extension.js is missing: run \`npm run build\` first\n`);
  }
  ensureHost();
  if (o.smoke) {
    // The test index's 'smoke' mode waits until the extension activates on its own and saves a screenshot.
    const r = await runIntegration({ extensionPath, workspace, trusted, suites: 'smoke', label: 'serve', timeoutMs: Number(o.timeout) || 120_000 });
    for (const f of r.failures) process.stdout.write(`✗ ${f.title}\n${indent(f.error)}\n`);
    for (const t of r.tests.filter((x) => x.state === 'passed')) process.stdout.write(`✓ ${t.title}\n`);
    process.stdout.write(`screenshots: ${r.artifacts.screenshots.map((s) => path.relative(REPO, s)).join(', ') || '(none)'}\n`);
    process.stdout.write(`serve --smoke: ${r.failed === 0 && r.passed > 0 ? 'ok' : 'FAILED'} in ${(r.durationMs / 1000).toFixed(1)} s\n`);
    return r.failed === 0 && r.passed > 0 ? 0 : 1;
  }
  const port = await freePort('127.0.0.1', Number(o.port) || 8090);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = path.join(ARTIFACTS_DIR, 'serve-code-server.log');
  // --web: the extension's browser bundle in the web worker extension host (as on vscode.dev)
  const extId = (() => {
    const p = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
    return `${p.publisher}.${p.name}`;
  })();
  const settings = o.web ? { 'remote.extensionKind': { [extId]: ['web'] } } : {};
  const host = await startCodeServer({ workspace, trusted, port, label: 'serve', logFile, settings });
  const url = workbenchUrl(host.port, { workspace, extensionPath, web: !!o.web });
  process.stdout.write(
    `\nVS Code ${hostVscodeVersion()} is serving ${path.relative(REPO, workspace) || '.'} with the extension under development (${trusted ? 'trusted' : 'untrusted'} workspace).\n` +
      `Open in a browser on this machine (or forward port ${host.port}):\n\n  ${url}\n\n` +
      `Reload the window (Developer: Reload Window) after \`npm run build\` to pick up changes. Logs: ${path.relative(REPO, logFile)}. Ctrl-C stops.\n`,
  );
  const code = await new Promise((r) => host.proc.once('exit', r));
  process.stderr.write(`[vscode-host] code-server exited (${code})\n${host.logTail()}\n`);
  await host.stop();
  return 1;
}

const indent = (s) =>
  String(s)
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

async function testCli(o) {
  ensureHost();
  const trusted = !o.untrusted;
  const r = await runIntegration({
    extensionPath: path.resolve(REPO, o.extension ?? '.'),
    workspace: path.resolve(REPO, o.workspace ?? 'examples'),
    trusted,
    suites: o.suites,
    grep: o.grep,
    timeoutMs: Number(o.timeout) || 180_000,
    onTest: (t) => process.stdout.write(`  ${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-'} ${t.title}\n`),
  });
  for (const f of r.failures) process.stdout.write(`\n✗ ${f.title}\n${indent(f.error)}\n`);
  process.stdout.write(`\nintegration: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}\n`);
  return r.failed === 0 && r.passed > 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const o = parseArgs(process.argv.slice(2));
  const cmd = o._[0];
  const main = cmd === 'serve' ? serve : cmd === 'test' ? testCli : null;
  if (!main) {
    process.stderr.write(
      'usage: node scripts/vscode-host.mjs serve [--workspace examples] [--port 8090] [--untrusted] [--smoke]\n' +
        '       node scripts/vscode-host.mjs test [--workspace DIR] [--untrusted] [--suites trusted|untrusted|all] [--grep RE]\n',
    );
    process.exit(2);
  }
  main(o).then(
    async (code) => {
      await Promise.allSettled([...cleanups].map((c) => c()));
      process.exit(code);
    },
    async (e) => {
      process.stderr.write(`[vscode-host] ${e?.stack ?? e}\n`);
      await Promise.allSettled([...cleanups].map((c) => c()));
      process.exit(1);
    },
  );
}
