/**
 * Fortran-order .npy files and deflated .npz members read a block of rows at a time
 * (docs/architecture.md §5): the same values as the whole-file readers, corrupt deflate
 * data as a located error, and a crafted member inflated no further than it is read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, zipSync } from 'fflate';
import { DataFileError, readNpy } from '../../src/core/io/npy';
import { readNpz } from '../../src/core/io/npz';
import { readMatrix } from '../../src/core/io/readArray';
import { openRows } from '../../src/core/io/openRows';
import { openNpyStream } from '../../src/core/io/npyStream';
import { bytesSource, type ByteSource, type RowStream } from '../../src/core/io/stream';
import { analyzeText } from '../../src/core/engine/analyze';
import { npy, type Kind } from './support/npy';

/** A source that counts the bytes read and hands them out at an odd byte offset (unaligned). */
function counted(bytes: Uint8Array): ByteSource & { bytesRead: number } {
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  const view = padded.subarray(3);
  const src = {
    size: bytes.length,
    bytesRead: 0,
    read(position: number, length: number) {
      const out = view.subarray(Math.min(position, bytes.length), Math.min(bytes.length, position + length));
      src.bytesRead += out.length;
      return out;
    },
  };
  return src;
}

function drain(s: RowStream, block: number): { data: number[]; rows: number; firsts: number[] } {
  const data: number[] = [];
  const firsts: number[] = [];
  let rows = 0;
  for (let b = s.next(block); b; b = s.next(block)) {
    assert.equal(b.data.length, b.rows * s.width);
    for (let i = 0; i < b.data.length; i++) data.push(b.data[i]);
    firsts.push(b.first);
    rows += b.rows;
  }
  return { data, rows, firsts };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Column-major values of a (rows × …) array whose C-order values are `c`. */
function toFortran(c: number[], shape: number[]): number[] {
  const n = shape.length;
  const cStride = new Array<number>(n);
  let s = 1;
  for (let d = n - 1; d >= 0; d--) {
    cStride[d] = s;
    s *= shape[d];
  }
  const out = new Array<number>(c.length);
  const idx = new Array<number>(n).fill(0);
  for (let f = 0; f < c.length; f++) {
    let o = 0;
    for (let d = 0; d < n; d++) o += idx[d] * cStride[d];
    out[f] = c[o];
    for (let d = 0; d < n; d++) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const values = (count: number, ints: boolean): number[] =>
  Array.from({ length: count }, (_, i) => (ints ? ((i * 37) % 101) - 50 : Math.sin(i * 1.7) * 1e3 + i / 7));

test('Fortran-order .npy read in blocks equals the whole-file read (dtypes, byte orders, 3-D, odd block sizes)', () => {
  const cases: [Kind, boolean, number[]][] = [
    ['f8', false, [13, 5]],
    ['f8', true, [13, 5]],
    ['f4', false, [17, 3]],
    ['f4', true, [11, 4]],
    ['i2', false, [9, 7]],
    ['u1', false, [10, 3]],
    ['i8', true, [6, 5]],
    ['f8', false, [7, 3, 4]],
    ['f4', false, [5, 2, 3, 2]],
  ];
  for (const [dtype, big, shape] of cases) {
    const count = shape.reduce((p, q) => p * q, 1);
    const c = values(count, dtype[0] !== 'f');
    const bytes = npy(toFortran(c, shape), { dtype, big, shape, fortran: true });
    const whole = readNpy(bytes, 'w.npy');
    const what = `${big ? '>' : '<'}${dtype} ${shape.join('x')}`;
    // the whole-file reader's order is C order: our column-major fixture is right
    if (dtype === 'f8') assert.deepEqual([...whole.data], c, what);
    for (const block of [1, 2, 3, 5, shape[0], 1000]) {
      const src = counted(bytes);
      const s = openRows(src, 'f.npy');
      assert.deepEqual([s.rows, s.width], [shape[0], count / shape[0]], what);
      const got = drain(s, block);
      assert.equal(got.rows, shape[0], `${what} block ${block}`);
      assert.ok(maxDiff(got.data, whole.data) <= 1e-12, `${what} block ${block}`);
      assert.deepEqual(
        got.firsts,
        Array.from({ length: Math.ceil(shape[0] / block) }, (_, i) => i * block),
      );
      // positioned reads of the data only: each value once (and the header)
      assert.ok(src.bytesRead <= bytes.length + 12 + 10_000, `${what} block ${block}: ${src.bytesRead} bytes read`);
    }
  }
});

test('Fortran-order .npy: a truncated file is refused from its header, a 1-D one reads as C order', () => {
  const shape = [4, 3];
  const bytes = npy(toFortran(values(12, false), shape), { shape, fortran: true });
  assert.throws(
    () => openNpyStream(bytesSource(bytes.subarray(0, bytes.length - 8)), 't.npy'),
    (e: unknown) => e instanceof DataFileError && /t\.npy is truncated: shape \(4, 3\) of <f8 needs 96 bytes of data, the file has 88/.test(e.message),
  );
  const one = npy([1, 2, 3], { fortran: true });
  assert.deepEqual(drain(openRows(bytesSource(one), 'v.npy'), 2).data, [1, 2, 3]);
});

/** A .npz whose members are deflated (fflate's zip writer; level 0 stores them). */
const deflatedNpz = (members: Record<string, Uint8Array>, level: 0 | 1 | 6 | 9 = 6): Uint8Array => zipSync(members, { level });

test('deflated .npz members read in blocks equal the whole-archive read (dtypes, odd block sizes, key)', () => {
  const cases: [Kind, boolean, number[]][] = [
    ['f8', false, [301, 7]],
    ['f4', false, [257, 5]],
    ['f8', true, [99, 3]],
    ['i4', false, [123, 4]],
    ['u2', true, [64, 2]],
    ['f8', false, [40, 3, 2]],
    ['f8', false, [50]],
  ];
  for (const [dtype, big, shape] of cases) {
    const count = shape.reduce((p, q) => p * q, 1);
    const member = npy(values(count, dtype[0] !== 'f'), { dtype, big, shape });
    for (const level of [1, 9] as const) {
      const zip = deflatedNpz({ 'other.npy': npy([1, 2]), 'X.npy': member }, level);
      const whole = readNpz(zip, 'a.npz', 'X');
      const what = `${big ? '>' : '<'}${dtype} ${shape.join('x')} level ${level}`;
      for (const block of [1, 7, 64, 1000]) {
        const s = openRows(counted(zip), 'a.npz', 'X.npy');
        assert.equal(s.name, 'a.npz[X]');
        assert.equal(s.rows, shape[0]);
        const got = drain(s, block);
        assert.equal(got.rows, shape[0], `${what} block ${block}`);
        assert.ok(maxDiff(got.data, whole.data) <= 1e-12, `${what} block ${block}`);
      }
    }
  }
  // a Fortran-order member in a deflated archive is inflated whole, then read in blocks
  const shape = [6, 4];
  const c = values(24, false);
  const zip = deflatedNpz({ 'F.npy': npy(toFortran(c, shape), { shape, fortran: true }) });
  assert.deepEqual(drain(openRows(bytesSource(zip), 'f.npz'), 5).data, c);
});

/** Offsets of the first central-directory entry and of its member's compressed data. */
function zipOffsets(zip: Uint8Array): { cd: number; data: number; compressed: number } {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let cd = zip.length - 22;
  while (dv.getUint32(cd, true) !== 0x06054b50) cd--;
  cd = dv.getUint32(cd + 16, true);
  assert.equal(dv.getUint32(cd, true), 0x02014b50);
  const local = dv.getUint32(cd + 42, true);
  const data = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
  return { cd, data, compressed: dv.getUint32(cd + 20, true) };
}

const parseError = (fn: () => unknown, re: RegExp): void =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataFileError, `not a DataFileError: ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });

test('deflated .npz: truncated or corrupt deflate data and a wrong CRC are located errors, not crashes', () => {
  const shape = [2000, 8];
  const member = npy(values(16_000, false), { shape });
  const zip = deflatedNpz({ 'x.npy': member });
  const { cd, data, compressed } = zipOffsets(zip);
  const read = (z: Uint8Array) => drain(openRows(bytesSource(z), 'b.npz'), 100);
  assert.equal(read(zip).rows, 2000);
  // the compressed data cut short: the central directory says fewer compressed bytes
  const cut = zip.slice();
  new DataView(cut.buffer).setUint32(cd + 20, Math.floor(compressed / 2), true);
  parseError(() => read(cut), /b\.npz: member 'x\.npy': (corrupt deflate data near byte \d+ of \d+ compressed|the deflate stream is truncated)/);
  // garbage in the middle of the compressed data
  const garbled = zip.slice();
  for (let i = 0; i < 64; i++) garbled[data + Math.floor(compressed / 2) + i] ^= 0xa5;
  parseError(
    () => read(garbled),
    /b\.npz: member 'x\.npy': (corrupt deflate data|CRC mismatch|expected \d+ bytes|the deflate stream ends after \d+ of the 128128 bytes it declares)/,
  );
  // a wrong CRC in the central directory: found when the last row has been read
  const crc = zip.slice();
  crc[cd + 16] ^= 1;
  parseError(() => read(crc), /b\.npz: member 'x\.npy': CRC mismatch \(the archive is corrupt\)/);
  // not deflate data at all
  const junk = zip.slice();
  junk.fill(0xff, data, data + compressed);
  parseError(() => read(junk), /b\.npz: member 'x\.npy': (corrupt deflate data|the deflate stream is truncated)/);
  // the header inflated alone is checked against the declared size
  const small = zip.slice();
  new DataView(small.buffer).setUint32(cd + 24, 200, true);
  parseError(() => openRows(bytesSource(small), 'b.npz'), /b\.npz: member 'x\.npy' inflates to more than the 200 bytes it declares \(the archive is corrupt\)/);
});

test('deflated .npz through an analysis: a corrupt stream is a file-parse-error on data.file', () => {
  const member = npy(values(3000, false), { shape: [1000, 3] });
  const zip = deflatedNpz({ 'x.npy': member });
  const { data, compressed } = zipOffsets(zip);
  const bad = zip.slice();
  bad.fill(0xff, data + Math.floor(compressed / 2), data + compressed);
  const text = 'sslexp: 1\nlatent: 1\ndata: {file: b.npz}\naugmentation: {masking: {keep: 0.7}}\n';
  const opts = (bytes: Uint8Array) => ({
    fileName: '/w/s.sslexp.yaml',
    baseDir: '/w',
    readFile: () => bytes,
    fileSize: () => bytes.length,
    readRange: (_: string, p: number, l: number) => bytes.subarray(p, p + l),
    streamData: { always: true },
  });
  const good = analyzeText(text, opts(zip));
  assert.deepEqual(
    good.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const r = analyzeText(text, opts(bad));
  const err = r.problems.find((p) => p.code === 'file-parse-error');
  assert.ok(err, JSON.stringify(r.problems));
  assert.match(err.message, /Cannot read 'b\.npz': b\.npz: member 'x\.npy': /);
  // located on the file name in the spec
  assert.equal(text.slice(err.start, err.end), 'b.npz');
});

test('a zip bomb is inflated no further than it is read: one block, whatever the archive declares', () => {
  // 64 MiB of zero rows deflate to ~64 KiB
  const n = 1 << 20;
  const header = npy([], { shape: [n, 8] });
  const member = new Uint8Array(header.length + n * 64);
  member.set(header.subarray(0, header.length));
  const zip = deflatedNpz({ 'z.npy': member }, 9);
  assert.ok(zip.length < 200_000);
  // the central directory also declares ~4 GiB uncompressed
  const { cd } = zipOffsets(zip);
  const huge = zip.slice();
  new DataView(huge.buffer).setUint32(cd + 24, 0xfffffff0, true);
  for (const z of [zip, huge]) {
    const src = counted(z);
    const before = process.memoryUsage().arrayBuffers;
    const s = openRows(src, 'bomb.npz');
    assert.deepEqual(s.shape, [n, 8]);
    const b = s.next(1000)!;
    assert.deepEqual([b.rows, b.first, b.data[0], b.data[7999]], [1000, 0, 0, 0]);
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 40 << 20, `${grown} bytes allocated for the first block`);
    // compressed bytes inflated so far: at most two pieces of the ~64 KiB stream
    assert.ok(s.progress().done <= 16 << 10, `${s.progress().done} compressed bytes inflated for the first block`);
    assert.ok(s.progress().total > 60_000);
    const rest = (): number => {
      let rows = 0;
      for (let c = s.next(1 << 16); c; c = s.next(1 << 16)) rows += c.rows;
      return rows;
    };
    if (z === huge) parseError(rest, /bomb\.npz: member 'z\.npy': expected 4294967280 bytes after decompression, got 67108992/);
    else assert.equal(rest(), n - 1000);
  }
  // a deflate stream of a few bytes that claims 1 MiB but inflates to 64 MiB is stopped as soon as it overflows
  const liar = zip.slice();
  new DataView(liar.buffer).setUint32(cd + 24, 1 << 20, true);
  parseError(
    () => openRows(bytesSource(liar), 'liar.npz').next(1 << 16),
    /liar\.npz(: member 'z\.npy' inflates to more than the 1048576 bytes|\[z\] is truncated)/,
  );
  // deflateSync is the same format as a zip member's data: fflate's raw stream round-trips
  assert.equal(deflateSync(new Uint8Array(10)).length > 0, true);
});

test('a .npy data matrix is a view of the bytes read for it, and centring does not write into them', () => {
  const rows = 40;
  const values = Array.from({ length: rows * 3 }, (_, i) => Math.sin(i * 0.9) * (1 + (i % 3)) + (i % 3));
  const bytes = npy(values, { shape: [rows, 3] });
  const a = readMatrix(bytes, 'x.npy', undefined, { view: true });
  assert.equal(a.data.buffer, bytes.buffer);
  assert.deepEqual([...a.data], values);
  // without the option, or unaligned, a copy
  assert.notEqual(readMatrix(bytes, 'x.npy').data.buffer, bytes.buffer);
  const odd = new Uint8Array(bytes.length + 1).subarray(1);
  odd.set(bytes);
  assert.deepEqual([...readMatrix(odd, 'x.npy', undefined, { view: true }).data], values);
  // centring asked by the spec: the same solutions as the data centred beforehand, the file's bytes untouched
  const mean = [0, 1, 2].map((j) => values.filter((_, i) => i % 3 === j).reduce((p, q) => p + q, 0) / rows);
  const centred = npy(
    values.map((v, i) => v - mean[i % 3]),
    { shape: [rows, 3] },
  );
  const before = bytes.slice();
  const run = (text: string, file: Uint8Array) => analyzeText(text, { fileName: '/w/s.sslexp.yaml', baseDir: '/w', readFile: () => file });
  const spec = (center: boolean) => `sslexp: 1\nlatent: 2\ndata: {file: x.npy${center ? ', center: true' : ''}}\naugmentation: {masking: {keep: 0.7}}\n`;
  const got = run(spec(true), bytes) as unknown as { solutions: { jointEmbedding: { omega: number[] } } };
  const want = run(spec(false), centred) as unknown as { solutions: { jointEmbedding: { omega: number[] } } };
  assert.deepEqual(bytes, before);
  assert.ok(maxDiff(got.solutions.jointEmbedding.omega, want.solutions.jointEmbedding.omega) <= 1e-12);
  assert.ok(got.solutions.jointEmbedding.omega[0] > 0);
});
