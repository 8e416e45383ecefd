/**
 * `sslexp moments DATA [--views VIEWS] [--labels LABELS | --label-column I] -o moments.npz`:
 * the sufficient statistics of data mode in one pass over the rows (any file size, in
 * blocks), written as a moments file (docs/spec.md "Moments as a file").
 * `sslexp moments --merge a.npz b.npz ... -o all.npz`: the statistics of the union of
 * disjoint shards, every sum added (never an average of averages).
 */
import * as path from 'node:path';
import { mergeStats, momentsNpzParts, readMomentsNpz, statsOfSpec, StatsError, type SufficientStats } from '../core/theories/alignment/index';
import { DataFileError } from '../core/io/npy';
import type { DataSpec } from '../core/spec/model';
import { checkOutputPath, progressReporter, rangeReader, readLimited, safeText, writeFileAtomic, type CliIo } from './io';

export interface MomentsOptions {
  files: string[];
  output: string;
  merge: boolean;
  views?: string;
  labels?: string;
  labelColumn?: number;
}

/**
 * The spec `sslexp moments` builds has no text: each file it names gets its own empty span,
 * so that a problem's span tells which file it is about (`FILE: severity code: message`,
 * the form of `sslexp check` without a line).
 */
const AT_DATA = { start: 1, end: 1 };
const AT_VIEWS = { start: 2, end: 2 };
const AT_LABELS = { start: 3, end: 3 };

function report(io: CliIo, file: string, severity: string, code: string, message: string): void {
  io.err(`${safeText(file)}: ${severity} ${code}: ${safeText(message)}`);
}

/** A file read by position, for the shards of `--merge`. */
function shardSource(file: string) {
  const abs = path.resolve(file);
  return { size: rangeReader.fileSize(abs), read: (p: number, l: number, into?: Uint8Array) => rangeReader.readRange(abs, p, l, into) };
}

function summary(stats: SufficientStats): string {
  const parts = [`n = ${stats.n}`, `d = ${stats.d}`];
  if (stats.views) parts.push(`V = ${stats.views.count} views`);
  if (stats.targets?.classes) parts.push(`${stats.targets.classes.length} classes`);
  return parts.join(', ');
}

function write(output: string, stats: SufficientStats, io: CliIo): number {
  try {
    writeFileAtomic(output, momentsNpzParts(stats));
  } catch (e) {
    io.err(`sslexp moments: cannot write '${safeText(output)}': ${safeText((e as Error).message)}`);
    return 1;
  }
  io.out(`${safeText(output)}: ${summary(stats)}`);
  return 0;
}

export function momentsCommand(opts: MomentsOptions, io: CliIo): number {
  // the output must be none of the run's inputs (its data, views, labels or shards) and a .npz
  const refused = checkOutputPath(opts.output, [
    ...opts.files,
    ...(opts.views !== undefined ? [opts.views] : []),
    ...(opts.labels !== undefined ? [opts.labels] : []),
  ]);
  if (refused) {
    io.err(`sslexp moments: --output ${refused}.`);
    return 2;
  }
  if (opts.merge) return merge(opts, io);
  const file = opts.files[0];
  const abs = path.resolve(file);
  // the same reading and checks as a spec `data: {file, labels}` with `augmentation: {views}`
  const spec: DataSpec = {
    sslexp: 1,
    mode: 'data',
    span: AT_DATA,
    data: {
      file,
      fileSpan: AT_DATA,
      fileResolved: abs,
      center: false,
      span: AT_DATA,
      ...(opts.labels !== undefined ? { labels: { file: opts.labels, span: AT_LABELS } } : {}),
      ...(opts.labelColumn !== undefined ? { labels: { column: opts.labelColumn } } : {}),
    },
    ...(opts.views !== undefined
      ? { augmentation: { kind: 'views', file: opts.views, fileSpan: AT_VIEWS, fileResolved: path.resolve(opts.views), span: AT_VIEWS } }
      : {}),
  };
  const { stats, problems } = statsOfSpec(spec, {
    baseDir: process.cwd(),
    readFile: (p) => readLimited(p),
    ...rangeReader,
    onProgress: progressReporter(io, 'moments'),
  });
  if (!stats) {
    const fileAt = (start: number): string => (start === AT_VIEWS.start ? opts.views! : start === AT_LABELS.start ? opts.labels! : file);
    for (const p of problems) report(io, fileAt(p.start), p.severity, p.code, p.message);
    return 1;
  }
  return write(opts.output, stats, io);
}

function merge(opts: MomentsOptions, io: CliIo): number {
  let total: SufficientStats | undefined;
  for (const file of opts.files) {
    try {
      const s = readMomentsNpz(shardSource(file), path.basename(file));
      total = total ? mergeStats(total, s) : s;
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code;
      if (e instanceof DataFileError) report(io, file, 'error', 'file-parse-error', e.message);
      else if (e instanceof StatsError) report(io, file, 'error', e.code, e.message);
      else if (errno === 'ENOENT') report(io, file, 'error', 'file-not-found', 'no such file');
      else if (errno === 'EISDIR') report(io, file, 'error', 'file-read-error', 'is a directory');
      else throw e;
      return 1;
    }
  }
  return write(opts.output, total!, io);
}
