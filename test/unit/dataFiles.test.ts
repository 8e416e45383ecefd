import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { DataFileError, readNpy, fortranToC } from '../../src/core/io/npy';
import { readNpz, npzKeys, crc32 } from '../../src/core/io/npz';
import { readCsv } from '../../src/core/io/csv';
import { readArray, readMatrix, readVector } from '../../src/core/io/readArray';

import { npy } from './support/npy';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const vec = (a: { data: Float64Array }): number[] => Array.from(a.data);

function throwsMsg(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataFileError, `not a DataFileError: ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

// ------------------------------------------------------------------ .npy

test('npy: every numeric dtype, both byte orders', () => {
  const ints = [-3, 0, 7, 100];
  for (const big of [false, true]) {
    assert.deepEqual(vec(readNpy(npy([1.5, -2.25, 1e300], { big }))), [1.5, -2.25, 1e300]);
    assert.deepEqual(vec(readNpy(npy([1.5, -2.25, 0.1], { dtype: 'f4', big }))), [1.5, -2.25, Math.fround(0.1)]);
    for (const d of ['i2', 'i4', 'i8'] as const) assert.deepEqual(vec(readNpy(npy(ints, { dtype: d, big }))), ints, d);
    for (const d of ['u2', 'u4', 'u8'] as const) assert.deepEqual(vec(readNpy(npy([0, 7, 65535], { dtype: d, big }))), [0, 7, 65535], d);
    // half floats: 0x3c00 = 1, 0xc000 = -2, 0x7c00 = inf, 0x0001 = smallest subnormal
    assert.deepEqual(vec(readNpy(npy([0x3c00, 0xc000, 0x7c00, 0x0001], { dtype: 'f2', big }))), [1, -2, Infinity, 2 ** -24]);
  }
  assert.deepEqual(vec(readNpy(npy([-128, 127], { dtype: 'i1' }))), [-128, 127]);
  assert.deepEqual(vec(readNpy(npy([0, 255], { dtype: 'u1' }))), [0, 255]);
  assert.deepEqual(vec(readNpy(npy([0, 1, 2], { dtype: 'b1' }))), [0, 1, 1]);
});

test('npy: versions 2.0 and 3.0 headers; shapes; Fortran order becomes C order', () => {
  assert.deepEqual(vec(readNpy(npy([1, 2, 3], { version: 2 }))), [1, 2, 3]);
  assert.deepEqual(vec(readNpy(npy([1, 2, 3], { version: 3 }))), [1, 2, 3]);
  const c = readNpy(npy([1, 2, 3, 4, 5, 6], { shape: [2, 3] }));
  assert.deepEqual(c.shape, [2, 3]);
  assert.deepEqual(vec(c), [1, 2, 3, 4, 5, 6]);
  // A = [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6
  const f = readNpy(npy([1, 4, 2, 5, 3, 6], { shape: [2, 3], fortran: true, big: true }));
  assert.deepEqual(f.shape, [2, 3]);
  assert.deepEqual(vec(f), [1, 2, 3, 4, 5, 6]);
  // 3-D: A[i][j][k] = 100 i + 10 j + k, shape (2, 3, 2), column-major
  const shape = [2, 3, 2];
  const colMajor: number[] = [];
  for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) colMajor.push(100 * i + 10 * j + k);
  const rowMajor: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) rowMajor.push(100 * i + 10 * j + k);
  assert.deepEqual(Array.from(fortranToC(Float64Array.from(colMajor), shape)), rowMajor);
  assert.deepEqual(vec(readNpy(npy(colMajor, { shape, fortran: true }))), rowMajor);
  const scalar = readNpy(npy([4.5], { shape: [] }));
  assert.deepEqual([scalar.shape, vec(scalar)], [[], [4.5]]);
});

test('npy: malformed, truncated and unsupported files give clear errors', () => {
  throwsMsg(() => readNpy(text('hello world'), 'a.npy'), 'a.npy is not a .npy file (it does not start with the \\x93NUMPY magic string).');
  const ok = npy([1, 2, 3]);
  throwsMsg(() => readNpy(ok.slice(0, ok.length - 4), 'a.npy'), 'a.npy is truncated: shape (3,) of <f8 needs 24 bytes of data, the file has 20.');
  throwsMsg(() => readNpy(ok.slice(0, 40), 'a.npy'), 'a.npy is truncated: the .npy header says 118 bytes but the file ends before.');
  const v9 = ok.slice();
  v9[6] = 9;
  throwsMsg(() => readNpy(v9, 'a.npy'), 'a.npy uses .npy format version 9.0; versions 1.0, 2.0 and 3.0 are supported.');
  throwsMsg(
    () => readNpy(npy([0, 0], { dtype: 'f8', descr: '<c16' }), 'a.npy'),
    "a.npy has dtype '<c16' (complex numbers); only real numeric arrays (float, int, uint, bool) are supported.",
  );
  throwsMsg(
    () => readNpy(npy([0], { descr: '|O' }), 'a.npy'),
    "a.npy has dtype '|O' (Python objects, stored with pickle); only real numeric arrays (float, int, uint, bool) are supported.",
  );
  throwsMsg(
    () => readNpy(npy([0], { descr: '<U3' }), 'a.npy'),
    "a.npy has dtype '<U3' (strings); only real numeric arrays (float, int, uint, bool) are supported.",
  );
  const recHeader = "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }";
  const recBytes = new Uint8Array(10 + recHeader.length + 8);
  recBytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, recHeader.length, 0]);
  recBytes.set(text(recHeader), 10);
  throwsMsg(() => readNpy(recBytes, 'r.npy'), 'r.npy holds a structured (record) array; save a plain numeric array instead.');
  const noShape = new Uint8Array(10 + 30);
  noShape.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 30, 0]);
  noShape.set(text("{'descr': '<f8'}".padEnd(30)), 10);
  throwsMsg(
    () => readNpy(noShape, 'h.npy'),
    "h.npy: malformed .npy header (the keys are 'descr'; numpy expects exactly 'descr', 'fortran_order' and 'shape').",
  );
});

// ------------------------------------------------------------------ .npz

test('npz: stored and deflated members, key with or without .npy, keys listed in errors', () => {
  const a = npy([1, 2, 3]);
  const b = npy([1, 2, 3, 4], { shape: [2, 2], dtype: 'i4' });
  for (const level of [0, 6] as const) {
    const zip = zipSync({ 'a.npy': a, 'b.npy': b }, { level });
    assert.deepEqual(npzKeys(zip), ['a', 'b']);
    assert.deepEqual(vec(readNpz(zip, 'd.npz', 'a')), [1, 2, 3]);
    const m = readNpz(zip, 'd.npz', 'b.npy');
    assert.deepEqual([m.shape, vec(m), m.key], [[2, 2], [1, 2, 3, 4], 'b']);
    throwsMsg(() => readNpz(zip, 'd.npz', 'c'), "d.npz has no array 'c'; available: a, b.");
    throwsMsg(() => readNpz(zip, 'd.npz'), "d.npz holds several arrays (a, b); choose one with 'key'.");
  }
  const single = zipSync({ 'x.npy': a }, { level: 9 });
  assert.deepEqual(vec(readNpz(single, 's.npz')), [1, 2, 3]);
  assert.deepEqual(vec(readVector(single, 'dir/s.npz')), [1, 2, 3]);
  assert.deepEqual(readMatrix(zipSync({ 'X.npy': b }), 'm.npz', 'X').shape, [2, 2]);
});

test('npz: corrupt, truncated and non-zip archives', () => {
  const zip = zipSync({ 'a.npy': npy([1, 2, 3]) }, { level: 6 });
  throwsMsg(
    () => readNpz(text('not a zip at all, just some text here'), 'd.npz'),
    'd.npz is not a valid .npz (zip) archive: no end-of-central-directory record (truncated or not a zip file).',
  );
  throwsMsg(
    () => readNpz(zip.slice(0, zip.length - 10), 'd.npz'),
    'd.npz is not a valid .npz (zip) archive: no end-of-central-directory record (truncated or not a zip file).',
  );
  // flip a byte inside the compressed data: inflate fails or the CRC does not match
  const bad = zip.slice();
  bad[40] ^= 0xff;
  assert.throws(
    () => readNpz(bad, 'd.npz'),
    (e: unknown) => e instanceof DataFileError && /d\.npz: member 'a\.npy'|d\.npz\[a\]/.test(e.message),
  );
  assert.equal(crc32(text('123456789')), 0xcbf43926); // the standard check value
});

// ------------------------------------------------------------------ .csv

test('csv: header detection, delimiters, comments and blank lines', () => {
  const withHeader = readCsv(text('# eigenvalues\nx,y\n1,2\n\n3,4 # trailing comment\n'), 'a.csv');
  assert.deepEqual(
    [withHeader.shape, vec(withHeader), withHeader.header],
    [
      [2, 2],
      [1, 2, 3, 4],
      ['x', 'y'],
    ],
  );
  assert.deepEqual(vec(readCsv(text('1;2;3\r\n4;5;6\r\n'))), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(vec(readCsv(text('1\t2\n3\t4'))), [1, 2, 3, 4]);
  assert.deepEqual(vec(readCsv(text('  1  2   3\n4 5 6\n'))), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(vec(readCsv(text('"1.5e3", "-2"\n'))), [1500, -2]);
  const special = vec(readCsv(text('nan\ninf\n-inf\n')));
  assert.ok(Number.isNaN(special[0]));
  assert.deepEqual(special.slice(1), [Infinity, -Infinity]);
  assert.deepEqual(readCsv(text('\ufeff1,2\n')).shape, [1, 2]);
});

test('csv: ragged rows, non-numeric cells, empty input, binary content', () => {
  throwsMsg(() => readCsv(text('a,b\n1,2\n3,4\n5\n'), 'd.csv'), 'd.csv, line 4: 1 value, expected 2 (as on line 2).');
  throwsMsg(() => readCsv(text('1,2\n3,x\n'), 'd.csv'), "d.csv, line 2, column 2: 'x' is not a number.");
  throwsMsg(() => readCsv(text('1,2\n3,\n'), 'd.csv'), 'd.csv, line 2, column 2: empty cell.');
  throwsMsg(() => readCsv(text('# nothing\n\n'), 'd.csv'), 'd.csv has no numeric rows.');
  throwsMsg(() => readCsv(text('only,a,header\n'), 'd.csv'), 'd.csv has no numeric rows.');
  throwsMsg(() => readCsv(new Uint8Array([0x31, 0xff, 0x0a]), 'd.csv'), 'd.csv is not UTF-8 text (is it a binary file?).');
  throwsMsg(() => readCsv(new Uint8Array([0x31, 0x00, 0x0a]), 'd.csv'), 'd.csv is not a text file (it contains NUL bytes).');
});

// ------------------------------------------------------------------ dispatch

test('readVector: (n,), (n, 1) and (1, n) arrays; a single CSV row or column; rejects matrices', () => {
  assert.deepEqual(vec(readVector(npy([3, 2, 1]), 'e.npy')), [3, 2, 1]);
  assert.deepEqual(vec(readVector(npy([3, 2, 1], { shape: [3, 1] }), 'e.npy')), [3, 2, 1]);
  assert.deepEqual(vec(readVector(npy([3, 2, 1], { shape: [1, 3] }), 'e.npy')), [3, 2, 1]);
  assert.deepEqual(vec(readVector(text('lambda\n3\n2\n1\n'), 'e.csv')), [3, 2, 1]);
  assert.deepEqual(readVector(text('3, 2, 1\n'), 'E.CSV').shape, [3]);
  throwsMsg(() => readVector(npy([1, 2, 3, 4], { shape: [2, 2] }), 'dir/e.npy'), 'e.npy: expected a 1-D array of eigenvalues, got shape (2, 2).');
  throwsMsg(() => readMatrix(npy([1, 2]), 'x.npy'), 'x.npy: expected a 2-D array (samples × features), got shape (2,).');
  throwsMsg(() => readArray(text('1'), 'x.xlsx'), "x.xlsx: unsupported file type '.xlsx'; use .npy, .npz or .csv.");
  throwsMsg(() => readArray(npy([1]), 'x.csv'), 'x.csv is a .npy file, not text; rename it to .npy.');
});

test('random garbage never crashes the readers (only DataFileError)', () => {
  let seed = 99;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const base = [npy([1, 2, 3]), zipSync({ 'a.npy': npy([1, 2]) }, { level: 6 }), text('1,2\n3,4\n')];
  const names = ['g.npy', 'g.npz', 'g.csv'];
  for (let iter = 0; iter < 600; iter++) {
    const k = iter % 3;
    const bytes = base[k].slice();
    for (let e = 0; e < 1 + Math.floor(rnd() * 4); e++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
    const cut = rnd() < 0.3 ? bytes.slice(0, Math.floor(rnd() * bytes.length)) : bytes;
    try {
      readArray(cut, names[k]);
    } catch (e) {
      assert.ok(e instanceof DataFileError, `${names[k]}: ${String(e)}`);
    }
  }
});

// ------------------------------------------------------------------ cross-check with numpy

function numpyAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('cross-check with numpy-written .npy / .npz files', (t) => {
  if (!numpyAvailable()) {
    t.skip('python3 with numpy is not available: numpy cross-check skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sslexp-npy-'));
  try {
    const script = `
import numpy as np, sys
d = sys.argv[1]
a = np.arange(12, dtype='<f8').reshape(3, 4) / 7
np.save(d + '/c.npy', a)
np.save(d + '/f.npy', np.asfortranarray(a).astype('>f4'))
np.save(d + '/i.npy', np.array([-5, 3, 2**40], dtype='>i8'))
np.save(d + '/u.npy', np.array([1, 2, 250], dtype='u1'))
np.save(d + '/h.npy', np.array([0.5, -1.25, 65504], dtype='<f2'))
np.save(d + '/b.npy', np.array([True, False, True]))
np.savez(d + '/s.npz', X=a, y=np.array([1.0, 2.0, 3.0]))
np.savez_compressed(d + '/z.npz', X=a, y=np.array([1.0, 2.0, 3.0]))
`;
    execFileSync('python3', ['-c', script, dir]);
    const rd = (n: string): Uint8Array => new Uint8Array(readFileSync(join(dir, n)));
    const expected = Array.from({ length: 12 }, (_, i) => i / 7);
    const c = readNpy(rd('c.npy'));
    assert.deepEqual([c.shape, vec(c)], [[3, 4], expected]);
    const f = readNpy(rd('f.npy'));
    assert.deepEqual([f.shape, vec(f)], [[3, 4], expected.map(Math.fround)]);
    assert.deepEqual(vec(readNpy(rd('i.npy'))), [-5, 3, 2 ** 40]);
    assert.deepEqual(vec(readNpy(rd('u.npy'))), [1, 2, 250]);
    assert.deepEqual(vec(readNpy(rd('h.npy'))), [0.5, -1.25, 65504]);
    assert.deepEqual(vec(readNpy(rd('b.npy'))), [1, 0, 1]);
    for (const z of ['s.npz', 'z.npz']) {
      assert.deepEqual(npzKeys(rd(z)), ['X', 'y']);
      const X = readMatrix(rd(z), z, 'X');
      assert.deepEqual([X.shape, vec(X)], [[3, 4], expected]);
      assert.deepEqual(vec(readVector(rd(z), z, 'y')), [1, 2, 3]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
