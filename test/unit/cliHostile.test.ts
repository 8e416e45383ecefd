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
import { checkOutputPath, safeText, writeFileAtomic } from '../../src/cli/io';
import { npzKeys } from '../../src/core/io/npz';
import { writeNpz } from '../../src/core/io/npzWrite';

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
  const r = sslexp(['check', link]); // spawned with a 60 s timeout: a hang is a null status
  assert.equal(r.status, 1);
  assert.match(r.stdout, /:1:1: error /);
});

// ------------------------------------------------------------------ -o never destroys an input

/** A small data-mode run whose data are a .npz (so that `-o` may name the data with the right extension). */
function dataRun(dir: string): { spec: string; data: string; bytes: () => Record<string, string> } {
  fs.mkdirSync(dir, { recursive: true });
  const n = 40;
  const d = 4;
  const values = Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i) + (i % d) * 0.3);
  const data = path.join(dir, 'd.npz');
  fs.writeFileSync(data, writeNpz([{ name: 'X', dtype: '<f8', shape: [n, d], data: values }]));
  const spec = path.join(dir, 'd.sslexp.yaml');
  fs.writeFileSync(spec, 'sslexp: 1\nlatent: 2\ndata: {file: d.npz}\naugmentation: {masking: {keep: 0.5}}\n');
  const bytes = () =>
    Object.fromEntries(
      fs.readdirSync(dir).map((f) => [f, fs.lstatSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f)).toString('base64') : 'link']),
    );
  return { spec, data, bytes };
}

test("analyze -o: an output that is one of the run's inputs is refused (exit 2, exact message) and every input is unchanged", () => {
  const dir = path.join(tmp, 'o-inputs');
  const { bytes } = dataRun(dir);
  fs.symlinkSync('d.npz', path.join(dir, 'link.npz'));
  fs.linkSync(path.join(dir, 'd.npz'), path.join(dir, 'hard.npz'));
  const before = bytes();
  const run = (o: string) => spawnSync(process.execPath, [cli, 'analyze', 'd.sslexp.yaml', '-o', o], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const input = (o: string, what: string) =>
    `sslexp analyze: --output '${o}' is an input of this run ('${what}'); nothing was written: choose another output file.\n`;
  const data = path.join(dir, 'd.npz');
  for (const [o, what] of [
    ['d.sslexp.yaml', 'd.sslexp.yaml'], // the spec, found before the analysis
    ['./d.sslexp.yaml', 'd.sslexp.yaml'],
    ['d.npz', data], // the data, found after it (the files the analysis read)
    ['./sub/../d.npz', data],
    [data, data],
    ['link.npz', data], // a symlink to the data
    ['hard.npz', data], // a hard link: the same inode
  ] as const) {
    if (o.includes('sub')) fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const r = run(o);
    assert.equal(r.status, 2, `${o}: ${r.stderr}`);
    assert.equal(r.stderr, input(o, what), o);
    assert.equal(r.stdout, '', `${o}: a refused output prints no analysis`);
  }
  fs.rmSync(path.join(dir, 'sub'), { recursive: true });
  assert.deepEqual(bytes(), before, 'no input changed, no file added');
});

test('analyze -o: a name not ending in .npz is refused with the .npz name to use; a directory is refused', () => {
  const dir = path.join(tmp, 'o-ext');
  const { bytes } = dataRun(dir);
  const before = bytes();
  const run = (o: string) => spawnSync(process.execPath, [cli, 'analyze', 'd.sslexp.yaml', '-o', o], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  for (const [o, use] of [
    ['x.txt', 'x.npz'],
    ['out', 'out.npz'],
    ['d.npy', 'd.npz'],
    ['a.b/c', 'a.b/c.npz'],
  ] as const) {
    const r = run(o);
    assert.equal(r.status, 2, o);
    assert.equal(
      r.stderr,
      `sslexp analyze: --output '${o}' does not end in .npz: the file written is a .npz archive (numpy.load reads it); write it to '${use}'.\n`,
    );
    assert.equal(r.stdout, '', 'refused before the analysis');
  }
  fs.mkdirSync(path.join(dir, 'dir.npz'));
  const r = run('dir.npz');
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "sslexp analyze: --output 'dir.npz' is a directory.\n");
  fs.rmdirSync(path.join(dir, 'dir.npz'));
  assert.deepEqual(bytes(), before);
});

test('analyze -o: says what it wrote (stderr), replaces an existing output whole, and exits 1 without writing for a spectral or graph spec', () => {
  const dir = path.join(tmp, 'o-ok');
  dataRun(dir);
  const out = path.join(dir, 'sol.npz');
  fs.writeFileSync(out, 'an older file');
  const r = spawnSync(process.execPath, [cli, 'analyze', 'd.sslexp.yaml', '--json', '-o', 'sol.npz'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const keys = npzKeys(new Uint8Array(fs.readFileSync(out)));
  assert.ok(keys.length >= 8, keys.join());
  assert.equal(r.stderr, `wrote sol.npz (${keys.length} arrays)\n`);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file left',
  );
  for (const [spec, why] of [
    [path.join(root, 'examples', 'straddling.sslexp.yaml'), 'only a data-mode analysis has solution matrices'],
    [path.join(root, 'examples', 'graph', 'ring-edges.sslexp.yaml'), 'only a data-mode analysis has solution matrices'],
  ] as const) {
    const none = path.join(dir, 'none.npz');
    const q = sslexp(['analyze', spec, '-o', none]);
    assert.equal(q.status, 1, spec);
    assert.equal(q.stderr, `sslexp analyze: --output: nothing written to '${none}': ${why}.\n`);
    assert.equal(fs.existsSync(none), false);
  }
});

test('writeFileAtomic: a failed write leaves the existing file and no partial file; a symlink is replaced, not written through', () => {
  const dir = path.join(tmp, 'atomic');
  fs.mkdirSync(path.join(dir, 'target.npz', 'inside'), { recursive: true });
  // renaming a file over a non-empty directory fails: the directory and its content stay
  assert.throws(() => writeFileAtomic(path.join(dir, 'target.npz'), new Uint8Array([1, 2, 3])));
  assert.ok(fs.statSync(path.join(dir, 'target.npz', 'inside')).isDirectory());
  assert.deepEqual(fs.readdirSync(dir), ['target.npz'], 'the temporary file was removed');
  // a missing directory: nothing is created
  assert.throws(() => writeFileAtomic(path.join(dir, 'nope', 'x.npz'), new Uint8Array([1])), /ENOENT/);
  // a symlink at the output path is replaced by the new file; its old target is untouched
  fs.writeFileSync(path.join(dir, 'old.bin'), 'old');
  fs.symlinkSync('old.bin', path.join(dir, 'l.npz'));
  writeFileAtomic(path.join(dir, 'l.npz'), new Uint8Array([7, 8]));
  assert.equal(fs.readFileSync(path.join(dir, 'old.bin'), 'utf8'), 'old');
  assert.ok(fs.lstatSync(path.join(dir, 'l.npz')).isFile());
  assert.deepEqual([...fs.readFileSync(path.join(dir, 'l.npz'))], [7, 8]);
  // an existing file's permission bits are kept
  fs.writeFileSync(path.join(dir, 'p.npz'), 'x');
  fs.chmodSync(path.join(dir, 'p.npz'), 0o640);
  writeFileAtomic(path.join(dir, 'p.npz'), new Uint8Array([1]));
  assert.equal(fs.statSync(path.join(dir, 'p.npz')).mode & 0o777, 0o640);
});

test('checkOutputPath: inputs compared as files (the moments command calls it with DATA, --views, --labels and the shards)', () => {
  const dir = path.join(tmp, 'check-output');
  fs.mkdirSync(dir, { recursive: true });
  const a = path.join(dir, 'a.npz');
  fs.writeFileSync(a, 'a');
  assert.equal(checkOutputPath(path.join(dir, 'b.npz'), [a]), undefined, 'a new file');
  assert.equal(checkOutputPath(path.join(dir, 'a.npz'), [path.join(dir, 'x.npy')]), undefined, 'an existing file that is not an input may be replaced');
  assert.equal(
    checkOutputPath(path.join(dir, '.', 'a.npz'), ['/nonexistent/in.npy', a]),
    `'${path.join(dir, 'a.npz')}' is an input of this run ('${a}'); nothing was written: choose another output file`,
  );
});

test('analyze -o on a spec with errors writes nothing (exit 1), even when solutions were computed', () => {
  const dir = path.join(tmp, 'o-errors');
  dataRun(dir);
  // the data solve; only the simulate block is wrong (data mode simulates P1's pipeline only)
  fs.writeFileSync(
    path.join(dir, 'e.sslexp.yaml'),
    'sslexp: 1\nlatent: 2\ndata: {file: d.npz}\naugmentation: {masking: {keep: 0.5}}\nsimulate: {n: [50], alpha: [1], repeats: 1, seed: 0}\n',
  );
  const r = spawnSync(process.execPath, [cli, 'analyze', 'e.sslexp.yaml', '-o', 'sol.npz'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, "sslexp analyze: --output: nothing written to 'sol.npz': the spec has errors.\n");
  assert.match(r.stdout, /closed-form solutions/);
  assert.match(r.stdout, /error simulation-unsupported/);
  assert.equal(fs.existsSync(path.join(dir, 'sol.npz')), false);
});

test('moments -o: an output that is one of its inputs (data, views, labels, a shard) or not a .npz is refused before anything is read or written (exit 2)', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'moments-o-'));
  const data = path.join(dir, 'copy.npy');
  fs.copyFileSync(path.join(root, 'examples/data/digits-clean.npy'), data);
  const before = fs.readFileSync(data);
  const same = sslexp(['moments', data, '-o', data]);
  assert.equal(same.status, 2);
  assert.equal(same.stdout, '');
  assert.equal(same.stderr, `sslexp moments: --output '${data}' is an input of this run ('${data}'); nothing was written: choose another output file.\n`);
  assert.deepEqual(fs.readFileSync(data), before, 'the data are untouched');
  // through a symlink to the labels file
  const labels = path.join(dir, 'labels.npy');
  fs.copyFileSync(path.join(root, 'examples/data/digits-augmented-labels.npy'), labels);
  const link = path.join(dir, 'link.npz');
  fs.symlinkSync(labels, link);
  const viaLink = sslexp(['moments', data, '--labels', labels, '-o', link]);
  assert.equal(viaLink.status, 2);
  assert.match(viaLink.stderr, /is an input of this run \('.*labels\.npy'\)/);
  // a shard of --merge
  const shard = path.join(dir, 'shard.npz');
  assert.equal(sslexp(['moments', data, '-o', shard]).status, 0);
  const shardBytes = fs.readFileSync(shard);
  const merged = sslexp(['moments', '--merge', shard, '-o', shard]);
  assert.equal(merged.status, 2);
  assert.deepEqual(fs.readFileSync(shard), shardBytes, 'the shard is untouched');
  const txt = sslexp(['moments', data, '-o', path.join(dir, 'x.txt')]);
  assert.equal(txt.status, 2);
  assert.match(txt.stderr, /does not end in \.npz: .* write it to '.*x\.npz'/);
  assert.equal(fs.existsSync(path.join(dir, 'x.txt')), false);
});
