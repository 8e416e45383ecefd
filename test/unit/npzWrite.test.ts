/**
 * The .npz writer (src/core/io/npzWrite.ts): archives re-read by the project's own readers
 * (readArray.ts, npz.ts, npzStream.ts) and, when python3 with numpy is installed, by
 * numpy.load; byte-for-byte reproducible output; the range reader of npzStream.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipSync } from 'fflate';
import { npyBytes, npzParts, writeNpz, type NpzEntry } from '../../src/core/io/npzWrite';
import { readArray } from '../../src/core/io/readArray';
import { crc32, crc32Update, npzKeys, readNpz } from '../../src/core/io/npz';
import { readNpy } from '../../src/core/io/npy';
import { npzMember, npzMembers } from '../../src/core/io/npzStream';
import { openRows } from '../../src/core/io/openRows';
import { bytesSource } from '../../src/core/io/stream';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-npz-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** python3 with numpy, or undefined (the numpy assertions are skipped cleanly). */
const python: string | undefined = (() => {
  const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? 'python3' : undefined;
})();

const ENTRIES: NpzEntry[] = [
  { name: 'version', dtype: '<i8', shape: [], data: [1] },
  { name: 'n', dtype: '<i8', shape: [], data: [9_007_199_254_740_991] },
  { name: 'v', dtype: '<f8', shape: [4], data: [1.5, -0, Number.MIN_VALUE, 1e308] },
  { name: 'm', dtype: '<f8', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
  { name: 'counts', dtype: '<i8', shape: [3], data: [0, -7, 123456789012] },
  { name: 'special', dtype: '<f8', shape: [3], data: [Infinity, -Infinity, NaN] },
  { name: 'empty', dtype: '<f8', shape: [0, 5], data: [] },
];

test('npyBytes: a format 1.0 header whose data start at a multiple of 64 bytes, re-read exactly', () => {
  for (const e of ENTRIES) {
    const b = npyBytes(e);
    assert.deepEqual([...b.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = b[8] | (b[9] << 8);
    assert.equal((10 + headerLen) % 64, 0, `${e.name}: data offset`);
    assert.equal(b[10 + headerLen - 1], 0x0a, 'the header ends with a newline');
    const a = readNpy(b, e.name);
    assert.deepEqual(a.shape, [...e.shape]);
    assert.deepEqual([...a.data], Array.from(e.data), e.name);
  }
});

test('writeNpz: every array comes back through readArray / readNpz, with its key, shape and values', () => {
  const bytes = writeNpz(ENTRIES);
  assert.deepEqual(
    npzKeys(bytes),
    ENTRIES.map((e) => e.name),
  );
  for (const e of ENTRIES) {
    const a = readArray(bytes, 'x.npz', e.name);
    assert.deepEqual(a.shape, [...e.shape], e.name);
    assert.deepEqual([...a.data], Array.from(e.data), e.name);
    assert.equal(readNpz(bytes, 'x.npz', `${e.name}.npy`).key, e.name);
  }
});

test('writeNpz: the same arrays give the same bytes (fixed timestamps), and stored members are CRC-checked by the reader', () => {
  const a = writeNpz(ENTRIES);
  const b = writeNpz(ENTRIES.map((e) => ({ ...e, data: Array.from(e.data) })));
  assert.deepEqual(a, b);
  // flip one data byte of member 'm': the reader's CRC check catches it
  const bad = Uint8Array.from(a);
  const name = [...new TextEncoder().encode('m.npy')];
  const dataStart = npyBytes(ENTRIES[3]).length - 8 * 6; // member 'm' holds 6 doubles after its header
  const at = bad.findIndex((_, i) => name.every((c, j) => bad[i + j] === c)) + name.length + dataStart + 3; // a data byte of member 'm'
  bad[at] ^= 0xff;
  assert.throws(() => readArray(bad, 'bad.npz', 'm'), /bad\.npz: member 'm\.npy': CRC mismatch \(the archive is corrupt\)/);
  assert.deepEqual([...readArray(bad, 'bad.npz', 'v').data], Array.from(ENTRIES[2].data), 'the other members are intact');
});

test('writeNpz refuses what numpy could not read back: bad names, duplicates, non-integers in <i8, wrong sizes', () => {
  assert.throws(() => writeNpz([{ name: 'a b', dtype: '<f8', shape: [1], data: [1] }]), /not a valid array name/);
  assert.throws(
    () =>
      writeNpz([
        { name: 'a', dtype: '<f8', shape: [1], data: [1] },
        { name: 'a', dtype: '<f8', shape: [1], data: [2] },
      ]),
    /duplicate/,
  );
  assert.throws(() => writeNpz([{ name: 'a', dtype: '<i8', shape: [1], data: [1.5] }]), /not a safe integer/);
  assert.throws(() => writeNpz([{ name: 'a', dtype: '<f8', shape: [2, 2], data: [1, 2, 3] }]), /needs 4 values/);
});

test('npzStream: members listed from the end of the archive by range; stored ones streamed, deflated ones inflated', () => {
  const stored = writeNpz(ENTRIES);
  const members = npzMembers(bytesSource(stored), 'x.npz');
  assert.deepEqual(
    [...members.keys()],
    ENTRIES.map((e) => e.name),
  );
  const m = npzMember(bytesSource(stored), 'x.npz', 'm.npy');
  assert.equal(m.stored, true);
  const rows = openRows(bytesSource(stored), 'x.npz', 'm');
  assert.deepEqual([rows.rows, rows.width], [2, 3]);
  assert.deepEqual([...rows.next(1)!.data], [1, 2, 3]);
  assert.deepEqual([...rows.next(5)!.data], [4, 5, 6]);
  assert.equal(rows.next(5), undefined);
  // a deflated archive (numpy.savez_compressed) through the same reader
  const deflated = zipSync({ 'm.npy': [npyBytes(ENTRIES[3]), { level: 6 }], 'v.npy': [npyBytes(ENTRIES[2]), { level: 6 }] });
  const d = npzMember(bytesSource(deflated), 'c.npz', 'm');
  assert.equal(d.stored, false);
  assert.deepEqual([...readNpy(d.source.read(0, d.source.size)).data], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => npzMember(bytesSource(deflated), 'c.npz'), /holds several arrays \(m, v\); choose one with 'key'/);
  assert.throws(() => npzMember(bytesSource(deflated), 'c.npz', 'w'), /has no array 'w'; available: m, v/);
  assert.throws(() => npzMembers(bytesSource(stored.subarray(0, stored.length - 30)), 't.npz'), /not a valid \.npz/);
});

test('numpy.load reads what writeNpz writes (skipped without python3 + numpy)', (t) => {
  if (!python) {
    t.skip('python3 with numpy is not installed');
    return;
  }
  const file = path.join(tmp, 'w.npz');
  fs.writeFileSync(file, writeNpz(ENTRIES));
  const script = [
    'import json, sys, numpy as np',
    'z = np.load(sys.argv[1])',
    'out = {}',
    'for k in z.files:',
    '    a = z[k]',
    "    out[k] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'values': [repr(float(x)) if a.dtype.kind == 'f' else int(x) for x in a.ravel()]}",
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(python, ['-c', script, file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as Record<string, { dtype: string; shape: number[]; values: (string | number)[] }>;
  assert.deepEqual(
    Object.keys(got),
    ENTRIES.map((e) => e.name),
  );
  for (const e of ENTRIES) {
    const g = got[e.name];
    assert.equal(g.dtype, e.dtype, e.name);
    assert.deepEqual(g.shape, [...e.shape], e.name);
    const want = Array.from(e.data, (v) => (e.dtype === '<f8' ? (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v) : v));
    const have = g.values.map((v) => (typeof v === 'string' ? (['nan', 'inf', '-inf'].includes(v) ? v : Number(v)) : v));
    assert.deepEqual(have, want, e.name);
  }
});

test('CRC-32 eight bytes at a time equals the bitwise definition at every length, offset and split', () => {
  const bitwise = (data: Uint8Array): number => {
    let c = 0xffffffff;
    for (const b of data) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const bytes = new Uint8Array(1000);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  for (let len = 0; len <= 40; len++)
    for (const start of [0, 1, 3, 7]) {
      const part = bytes.subarray(start, start + len);
      assert.equal(crc32(part), bitwise(part), `length ${len} from ${start}`);
    }
  assert.equal(crc32(bytes), bitwise(bytes));
  for (const cut of [1, 5, 8, 13, 999]) assert.equal(crc32Update(crc32(bytes.subarray(0, cut)), bytes.subarray(cut)), crc32(bytes), `split at ${cut}`);
});

test('writeNpz writes a Float64Array member with one byte copy: the same archive as from a plain array', () => {
  const data = Float64Array.from({ length: 600 }, (_, i) => Math.sin(i) * 1e-3 - i);
  const view = new Float64Array(new ArrayBuffer(8 * 700), 8 * 50, 600);
  view.set(data);
  const a = writeNpz([{ name: 'x', dtype: '<f8', shape: [20, 30], data: view }]);
  const b = writeNpz([{ name: 'x', dtype: '<f8', shape: [20, 30], data: Array.from(data) }]);
  assert.deepEqual(a, b);
  assert.deepEqual([...readArray(a, 'x.npz', 'x').data], [...data]);
});

test('npzParts: the parts concatenate to writeNpz, and a Float64Array member is a view of its own bytes', () => {
  const data = Float64Array.from({ length: 300 }, (_, i) => i / 7 - 3);
  const entries: NpzEntry[] = [...ENTRIES, { name: 'big', dtype: '<f8', shape: [10, 30], data }];
  const parts = npzParts(entries);
  const whole = writeNpz(entries);
  assert.equal(
    parts.reduce((n, p) => n + p.length, 0),
    whole.length,
  );
  let o = 0;
  for (const p of parts) {
    assert.deepEqual(whole.subarray(o, o + p.length), p);
    o += p.length;
  }
  assert.ok(
    parts.some((p) => p.buffer === data.buffer),
    'the values are not copied',
  );
});
