/**
 * Opens an array file as a {@link RowStream} by its extension: a `.npy` (C or Fortran
 * order) and a `.npz` member (stored or deflated) are read a block of rows at a time,
 * `.csv`/`.tsv`/`.txt` a piece of text at a time (docs/architecture.md §5).
 */
import { openCsvStream } from './csvStream';
import { DataFileError, isNpy } from './npy';
import { npyRowAccess, openNpyStream, readNpyHeader } from './npyStream';
import { deflatedRows, npzMember } from './npzStream';
import { baseName, extension } from './readArray';
import type { ByteSource, RowAccess, RowStream } from './stream';

/** Opens `fileName` (its bytes through `src`) as rows; `key` chooses the array of a .npz. */
export function openRows(src: ByteSource, fileName: string, key?: string): RowStream {
  const name = baseName(fileName);
  switch (extension(fileName)) {
    case '.npy':
      return openNpyStream(src, name);
    case '.npz': {
      const m = npzMember(src, name, key);
      const deflated = m.deflated;
      return deflated ? deflatedRows(deflated, `${name}[${m.key}]`) : openNpyStream(m.source, `${name}[${m.key}]`);
    }
    case '.csv':
    case '.tsv':
    case '.txt': {
      const head = src.read(0, Math.min(6, src.size));
      if (isNpy(head)) throw new DataFileError(`${name} is a .npy file, not text; rename it to .npy.`);
      return openCsvStream(src, name);
    }
    default:
      throw new DataFileError(`${name}: unsupported file type '${extension(fileName) || '(none)'}'; use .npy, .npz or .csv.`);
  }
}

/**
 * `fileName`'s rows read by position (sampleRows.ts), when its layout allows: a C-order
 * `.npy` or a stored `.npz` member. Undefined for text, a Fortran-order `.npy` and a deflated
 * member (read them with {@link openRows}); format errors throw `DataFileError`.
 */
export function openRowAccess(src: ByteSource, fileName: string, key?: string): RowAccess | undefined {
  const name = baseName(fileName);
  let source = src;
  let shown = name;
  switch (extension(fileName)) {
    case '.npy':
      break;
    case '.npz': {
      const m = npzMember(src, name, key);
      if (!m.stored) return undefined;
      source = m.source;
      shown = `${name}[${m.key}]`;
      break;
    }
    default:
      return undefined;
  }
  const header = readNpyHeader(source, shown);
  if (header.fortran && header.shape.length > 1) return undefined;
  return npyRowAccess(source, shown, header);
}
