/** Test fixture: writes .npy files of any numeric dtype, byte order, memory order and header version. */
export type Kind = 'f8' | 'f4' | 'f2' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

export function npy(
  values: number[],
  opts: { dtype?: Kind; big?: boolean; shape?: number[]; fortran?: boolean; version?: 1 | 2 | 3; descr?: string } = {},
): Uint8Array {
  const dtype = opts.dtype ?? 'f8';
  const order = dtype.endsWith('1') ? '|' : opts.big ? '>' : '<';
  const descr = opts.descr ?? `${order}${dtype}`;
  const shape = opts.shape ?? [values.length];
  const shapeStr = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  const version = opts.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeStr}, }`;
  header += ' '.repeat(63 - ((pre + header.length) % 64)) + '\n';
  const size = Number(dtype.slice(1));
  const out = new Uint8Array(pre + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) new DataView(out.buffer).setUint16(8, header.length, true);
  else new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  const dv = new DataView(out.buffer, pre + header.length);
  const le = !opts.big;
  values.forEach((v, i) => {
    switch (dtype) {
      case 'f8':
        dv.setFloat64(i * 8, v, le);
        break;
      case 'f4':
        dv.setFloat32(i * 4, v, le);
        break;
      case 'f2':
        dv.setUint16(i * 2, v, le);
        break; // raw half bits
      case 'i1':
        dv.setInt8(i, v);
        break;
      case 'i2':
        dv.setInt16(i * 2, v, le);
        break;
      case 'i4':
        dv.setInt32(i * 4, v, le);
        break;
      case 'i8':
        dv.setBigInt64(i * 8, BigInt(v), le);
        break;
      case 'u1':
      case 'b1':
        dv.setUint8(i, v);
        break;
      case 'u2':
        dv.setUint16(i * 2, v, le);
        break;
      case 'u4':
        dv.setUint32(i * 4, v, le);
        break;
      case 'u8':
        dv.setBigUint64(i * 8, BigInt(v), le);
        break;
    }
  });
  return out;
}
