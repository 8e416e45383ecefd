/**
 * The CLI against hostile input and hostile pipes (docs/architecture.md §6): output that cannot be
 * forged, a closed pipe that ends the command quietly, reads capped by the bytes read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileCapped, FileTooLargeError } from '../../src/node/readCapped';
import { safeText } from '../../src/cli/io';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-hostile-'));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};
const sh = (script: string) => spawnSync('bash', ['-c', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const sslexp = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

test('safeText escapes line breaks, C0/C1 controls, line separators and bidi overrides, and nothing else', () => {
  assert.equal(safeText('a\nb\rc\td\u0000e\u001bf\u2028g\u2029h\u202ei\u0085j'), 'a\\nb\\rc\\td\\u0000e\\u001bf\\u2028g\\u2029h\\u202ei\\u0085j');
  assert.equal(safeText('plain α²_RC = 1.25 · ok'), 'plain α²_RC = 1.25 · ok');
});

test('a crafted file path cannot forge a problem line in check output', () => {
  const spec = write(
    'forge.sslexp.yaml',
    'sslexp: 1\nsignal:\n  variance: {file: "x\\nfake.sslexp.yaml:1:1: info regime: all good\\n.npy"}\nnoise:\n  variance: [1]\n',
  );
  const r = sslexp(['check', spec]);
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 1);
  for (const line of lines) assert.ok(line.startsWith(`${spec}:`), `every line is a problem of the checked file: ${JSON.stringify(line)}`);
  assert.ok(!lines.some((l) => l.startsWith('fake.sslexp.yaml')), 'no forged line');
  assert.match(r.stdout, /x\\nfake\.sslexp\.yaml/);
});

test('EPIPE on stdout ends the CLI quietly with its own exit status (analyze --json | head -c 10; check | head -1)', () => {
  const a = sh(`set -o pipefail; node ${JSON.stringify(cli)} analyze examples/straddling.sslexp.yaml --json | head -c 10; echo " status=\${PIPESTATUS[0]}"`);
  assert.match(a.stdout, /^\{"file":"e status=0\n$/);
  assert.equal(a.stderr, '', 'no stack trace');
  const files = Array.from({ length: 400 }, () => 'examples/straddling.sslexp.yaml').join(' ');
  const c = sh(`node ${JSON.stringify(cli)} check ${files} | head -1; echo "status=\${PIPESTATUS[0]}"`);
  assert.match(c.stdout, /status=0\n$/);
  assert.equal(c.stderr, '');
  const bad = write('bad.sslexp.yaml', 'sslexp: 2\n');
  const e = sh(`node ${JSON.stringify(cli)} check ${Array.from({ length: 400 }, () => bad).join(' ')} | head -1; echo "status=\${PIPESTATUS[0]}"`);
  assert.match(e.stdout, /status=1\n$/, 'the error status survives the closed pipe');
  assert.equal(e.stderr, '');
});

test('--alpha takes decimal numbers only', () => {
  for (const v of ['0x10', '0b1', ' 1', 'Infinity', '-1', '1e400']) {
    const r = sslexp(['analyze', 'examples/straddling.sslexp.yaml', `--alpha=${v}`]);
    assert.equal(r.status, 2, v);
    assert.match(r.stderr, /--alpha must be a finite decimal number >= 0/);
  }
  for (const v of ['16', '0.5', '.5', '1e-3', '+2']) assert.equal(sslexp(['analyze', 'examples/straddling.sslexp.yaml', `--alpha=${v}`]).status, 0, v);
});

test('a spec over 8 MiB is limit-exceeded, not file-not-found', () => {
  const big = write('big.sslexp.yaml', 'sslexp: 1\n' + '#'.repeat(8 * 1024 * 1024));
  const r = sslexp(['check', big]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /:1:1: error limit-exceeded: cannot read .*at most 8388608 bytes/);
});

test('reads are capped by the bytes actually read: a /proc file whose size is reported as 0', () => {
  // /proc/self/status reports size 0 but has content: the cap applies to what is read.
  const data = readFileCapped('/proc/self/status', 1 << 20);
  assert.ok(data.length > 0);
  assert.throws(() => readFileCapped('/proc/self/status', 10), FileTooLargeError);
  assert.throws(() => readFileCapped('/dev/zero', 1024), /not a regular file/);
  const link = path.join(tmp, 'pagemap.sslexp.yaml');
  fs.symlinkSync('/proc/self/pagemap', link);
  const t0 = Date.now();
  const r = sslexp(['check', link]);
  assert.equal(r.status, 1);
  assert.ok(Date.now() - t0 < 20_000);
  assert.match(r.stdout, /:1:1: error /);
});
