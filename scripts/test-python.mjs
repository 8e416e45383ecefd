#!/usr/bin/env node
// The `python` stage of `npm test`: installs the `sslexp_moments` package (python/) into a
// venv of Debian's python3 (--system-site-packages, for numpy and dask from apt), offline,
// and runs python/tests (pytest when present, else unittest) against it and dist/cli.js.
// Prints `python: N passed, N failed`. Under CI a missing interpreter, numpy, dask or
// venv support is a failure; elsewhere the stage is skipped with the reason printed.
// SSLEXP_PYTHON overrides the interpreter (default /usr/bin/python3); SSLEXP_PYTEST=0 runs
// unittest even where pytest is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.SSLEXP_PYTHON || '/usr/bin/python3';
const venv = path.join(root, '.cache', 'python-venv');
const venvPython = path.join(venv, 'bin', 'python');
const ci = process.env.CI === 'true' || process.env.CI === '1';

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 600_000, ...opts });
}

function unavailable(reason) {
  if (ci) {
    process.stdout.write(`python: FAILED: ${reason} (CI installs it: .ci/run)\n`);
    process.exit(1);
  }
  process.stdout.write(`python: skipped: ${reason}\n`);
  process.exit(0);
}

if (!existsSync(python)) unavailable(`no interpreter at ${python}`);
const probe = run(python, ['-c', 'import numpy, dask.array, venv; print(numpy.__version__, __import__("dask").__version__)']);
if (probe.status !== 0)
  unavailable(`${python} lacks numpy, dask or venv (apt-get install python3-numpy python3-dask python3-venv): ${probe.stderr.trim().split('\n').pop()}`);
process.stdout.write(`python: ${python}, numpy and dask ${probe.stdout.trim()}\n`);

if (!existsSync(venvPython)) {
  const made = run(python, ['-m', 'venv', '--system-site-packages', venv]);
  if (made.status !== 0) unavailable(`cannot make a venv: ${made.stderr.trim()}`);
}
// no index, no build isolation: setuptools and wheel come from the system, nothing is downloaded
const pip = run(venvPython, ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--no-build-isolation', '--force-reinstall', './python']);
if (pip.status !== 0) {
  process.stdout.write(`${pip.stdout}${pip.stderr}python: FAILED: pip install ./python\npython: 0 passed, 1 failed\n`);
  process.exit(1);
}

const env = { ...process.env, SSLEXP_NODE: process.execPath, SSLEXP_CLI: path.join(root, 'dist', 'cli.js'), SSLEXP_REQUIRE_CLI: ci ? '1' : '' };
const hasPytest = process.env.SSLEXP_PYTEST !== '0' && run(venvPython, ['-c', 'import pytest']).status === 0;
// run from python/tests' parent so that the installed package, not python/src, is imported
const args = hasPytest
  ? ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'python/tests']
  : ['-m', 'unittest', 'discover', '-s', 'python/tests', '-t', 'python/tests'];
const t = run(venvPython, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
process.stdout.write(t.stdout);
process.stderr.write(t.stderr);

/** [passed, failed] from pytest's closing line or unittest's summary. */
function counts(out) {
  const tail =
    out
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? '';
  if (hasPytest) {
    const num = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(tail)?.[1] ?? 0);
    return [num('passed'), num('failed') + num('errors?')];
  }
  const ran = Number(/^Ran (\d+) tests?/m.exec(out)?.[1] ?? 0);
  const m = /FAILED \(([^)]*)\)/.exec(out);
  const bad = m ? [...m[1].matchAll(/(?:failures|errors)=(\d+)/g)].reduce((s, x) => s + Number(x[1]), 0) : 0;
  const skipped = Number(/skipped=(\d+)/.exec(out)?.[1] ?? 0);
  return [ran - bad - skipped, bad];
}
const [passed, failed] = counts(`${t.stdout}${t.stderr}`);
process.stdout.write(`python: ${passed} passed, ${failed} failed\n`);
process.exit(t.status === 0 && passed > 0 && failed === 0 ? 0 : 1);
