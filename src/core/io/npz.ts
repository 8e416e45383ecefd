/**
 * Reader of NumPy `.npz` archives (`np.savez`, `np.savez_compressed`) held whole in memory:
 * a ZIP file of `.npy` members. The archive is read by the same code as the block reader
 * (npzStream.ts over zipDirectory.ts), so both accept and refuse the same files; this file
 * adds the whole-array read: the member's .npy header is checked against the limits before
 * the member is inflated (a small archive declaring a huge array is refused without
 * allocating it), then it is inflated, CRC-checked and decoded. Failures throw `DataFileError`.
 */
import { Inflate } from 'fflate';
import { checkLayout, DataFileError, MAX_NPY_HEADER, npyLayout, readNpy, shapeText, type NumericArray, type ReadLimits } from './npy';
import { npzMember, npzMembers, type NpzMember } from './npzStream';
import { bytesSource } from './stream';

export { crc32, crc32Update } from './zipDirectory';

/**
 * The first `want` bytes of a deflate stream, inflated a little at a time: a crafted member
 * (a "zip bomb") is not inflated beyond what its header needs.
 */
function inflateHead(raw: Uint8Array, want: number, where: string): Uint8Array {
  const out = new Uint8Array(want);
  let got = 0;
  const inflater = new Inflate((chunk) => {
    const take = Math.min(chunk.length, want - got);
    if (take > 0) out.set(chunk.subarray(0, take), got);
    got += take;
  });
  try {
    for (let o = 0; o < raw.length && got < want; o += 1024) inflater.push(raw.subarray(o, Math.min(raw.length, o + 1024)), o + 1024 >= raw.length);
  } catch (err) {
    throw new DataFileError(`${where}: corrupt deflate data (${err instanceof Error ? err.message : String(err)}).`);
  }
  return out.subarray(0, got);
}

/**
 * The .npy header of a member, read before the member is inflated or decoded: the shape is
 * checked against `limits` and against the member's declared size.
 */
function checkMemberHeader(member: NpzMember, arrayName: string, limits: ReadLimits): void {
  const deflated = member.deflated;
  let head: Uint8Array;
  let size: number;
  if (deflated) {
    size = deflated.size;
    head = inflateHead(deflated.raw.read(0, deflated.raw.size), Math.min(size, 12 + MAX_NPY_HEADER), deflated.where);
  } else {
    size = member.source.size;
    head = member.source.read(0, Math.min(size, 12 + MAX_NPY_HEADER));
  }
  const layout = npyLayout(head, arrayName);
  checkLayout(layout, arrayName, limits);
  const need = layout.dataStart + layout.count * layout.dtype.size;
  if (size < need)
    throw new DataFileError(
      `${arrayName} is truncated: shape ${shapeText(layout.shape)} of ${layout.descr} needs ${need} bytes, the archive member has ${size}.`,
    );
}

/** The array names of an archive (member names without `.npy`; directories left out, one name once). */
export function npzKeys(bytes: Uint8Array, name = 'archive'): string[] {
  return [...npzMembers(bytesSource(bytes), name).keys()];
}

/**
 * Reads one array of a `.npz`: `key` may be given as `x` or `x.npy`. Without `key` the
 * archive must hold exactly one array.
 */
export function readNpz(bytes: Uint8Array, name = 'archive', key?: string, limits: ReadLimits = {}): NumericArray & { key: string } {
  const member = npzMember(bytesSource(bytes), name, key);
  const arrayName = `${name}[${member.key}]`;
  checkMemberHeader(member, arrayName, limits);
  const source = member.source;
  return { ...readNpy(source.read(0, source.size), arrayName, limits), key: member.key };
}
