/**
 * Hostile inputs for the robustness tests (docs/architecture.md §6), built at test time so that nothing
 * large or dangerous is committed: a deeply nested spec, a deflated .npz that declares a
 * huge array (a "zip bomb"), and the header of a .npy of any shape.
 */
import * as zlib from 'node:zlib';

/**
 * A YAML spec whose `deep:` mapping nests `levels` block mappings (one more space per
 * line), followed by another top-level key. The mapping at line `66` is the 65th level
 * (line 1 `sslexp`, line 2 `deep:`, line i + 2 at column i).
 */
export function deepSpec(levels: number): string {
  const lines = ['sslexp: 1', 'deep:'];
  for (let i = 0; i < levels; i++) lines.push(' '.repeat(i + 1) + 'a:');
  lines[lines.length - 1] += ' 1';
  lines.push('x: 1');
  return lines.join('\n') + '\n';
}

/** The bytes of a .npy header (format 1.0) for `shape` of `descr`, padded as numpy pads it. */
export function npyHeader(shape: readonly number[], descr = '<f8', fortran = false): Buffer {
  const shapeText = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const out = Buffer.alloc(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out.writeUInt16LE(dict.length, 8);
  out.write(dict, 10, 'latin1');
  return out;
}

/**
 * A .npz whose one member `x.npy` is a deflated array of zeros of `shape` and `descr` (one
 * byte per value for `|u1`): (500000, 1000) of `|u1` is 500 MB inflated, about 0.5 MB
 * deflated. Built from one deflated block of zeros repeated (each ends on a sync flush, so
 * blocks can be concatenated), with the member's true size and CRC.
 */
export function zipBombNpz(shape: readonly number[], descr = '|u1'): Buffer {
  const itemSize = Number(/\d+$/.exec(descr)?.[0] ?? 1);
  const header = npyHeader(shape, descr);
  const dataBytes = shape.reduce((p, q) => p * q, 1) * itemSize;
  const BLOCK = 1_000_000;
  const zeros = Buffer.alloc(BLOCK);
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const parts: Buffer[] = [zlib.deflateRawSync(header, sync)];
  const full = zlib.deflateRawSync(zeros, sync);
  let crc = zlib.crc32(header);
  const fullBlocks = Math.floor(dataBytes / BLOCK);
  for (let i = 0; i < fullBlocks; i++) parts.push(full);
  // crc32 of n zero bytes, block by block (the same block each time)
  for (let i = 0; i < fullBlocks; i++) crc = zlib.crc32(zeros, crc);
  const rest = dataBytes - fullBlocks * BLOCK;
  if (rest > 0) {
    parts.push(zlib.deflateRawSync(zeros.subarray(0, rest), sync));
    crc = zlib.crc32(zeros.subarray(0, rest), crc);
  }
  parts.push(Buffer.from([0x03, 0x00])); // a final, empty fixed-Huffman block
  const deflated = Buffer.concat(parts);
  const size = header.length + dataBytes;
  if (size >= 0xffffffff || deflated.length >= 0xffffffff) throw new Error('zipBombNpz: ZIP64 sizes are not written by this helper');
  const name = Buffer.from('x.npy');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0, 6);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42); // local header offset
  const cdOffset = local.length + name.length + deflated.length;
  const cdSize = central.length + name.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, deflated, central, name, eocd]);
}
