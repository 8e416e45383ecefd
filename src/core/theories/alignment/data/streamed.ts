/**
 * Data mode on data of any size and on your own augmentations (docs/spec.md "Your own
 * augmentations", "Moments as a file"): one pass over the rows accumulates the sufficient
 * statistics (sufficient.ts) in O(d²) memory plus one block, and the closed forms of
 * docs/theory.md §2 — or P1's pipeline of §6.1 — are computed from them (fromStats.ts).
 * A data file beyond the in-memory limits, a spec with `augmentation.views` and a spec
 * with `data.moments` come here; everything else stays with dataMode.ts.
 *
 * Files are read through the context: by range when the host offers `fileSize` and
 * `readRange`, else whole through `readFile` (within its limit). Every failure is a
 * located problem.
 */
import { LinalgError, Matrix } from '../../../numerics/dense';
import { problem, type Problem } from '../../../problems/problems';
import { DataFileError, readVector } from '../../../io/readArray';
import { readNpyHeader } from '../../../io/npyStream';
import { openRowAccess, openRows } from '../../../io/openRows';
import { npzMember } from '../../../io/npzStream';
import { arrayRowStream, bytesSource, type ByteSource, type RowStream } from '../../../io/stream';
import { shapeText } from '../../../io/npy';
import { LIMITS, type DataSpec, type Span } from '../../../spec/model';
import { joinPath } from '../../../spec/checker';
import { momentsFromGram, type Augmentation } from '../solvers';
import type { SpectrumContext } from '../spectra';
import { computeThresholds } from '../thresholds';
import type { ResolvedSpectra } from '../types';
import { describeAugmentation, generalAugmentation, pipelineAugmentation } from './augmentation';
import { centringShift, generalMoments, pcaFromStats, pipelineMoments, type StatsPca } from './fromStats';
import { readMomentsNpz } from './momentsFile';
import { importantAugmentation, noiseSpectra } from './pipeline';
import { fitProbes, ProbeScorer, type ProbeAccuracies } from './probe';
import { discrepancyBlock, solveAllFromMoments, type RawSolutions } from './solutions';
import { planViews, strengthWhatIf, type ViewsPlan } from './viewsAnalysis';
import { addColumnSums, StatsAccumulator, StatsError, type SufficientStats } from './sufficient';
import { directDraws, DrawFailed, samplePipelineRows, SampleMismatch, type DirectDraws, type PipelineBasis, type SampleSources } from './rowSample';
import type { DataAnalysis, RowSampler } from './types';

/** What data mode may use beyond a spectrum's context: positioned reads and progress (EngineOptions). */
export interface DataContext extends SpectrumContext {
  fileSize?: (absPath: string) => number;
  readRange?: (absPath: string, position: number, length: number, into?: Uint8Array) => Uint8Array;
  onProgress?: (fraction: number, message: string) => void;
  streamData?: { always?: boolean; blockRows?: number };
}

/** What a streamed analysis found (merged into dataMode.ts' DataAnalysis): the same shape, never `prepared`. */
type StatsAnalysis = Omit<DataAnalysis, 'prepared'>;

/**
 * Values per block of rows (8 MB of float64): small, because every fresh page a process
 * touches costs more than the pass over it (docs/architecture.md §5); each block is still
 * a few chunks of the Gram's packed product.
 */
const BLOCK_VALUES = 1 << 20;
/** CSV data files above this size are read in blocks (a CSV's number of values is unknown until it is parsed). */
const CSV_STREAM_BYTES = 64 * 1024 * 1024;

class Located extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly span: Span,
    readonly severity: Problem['severity'] = 'error',
  ) {
    super(message);
  }
}

const fail = (code: string, message: string, span: Span): never => {
  throw new Located(code, message, span);
};

function extensionOf(p: string): string {
  const m = /(\.[^./\\]+)$/.exec(p);
  return m ? m[1].toLowerCase() : '';
}

function absPath(path: string, resolved: string | undefined, ctx: DataContext, span: Span): string {
  if (resolved !== undefined) return resolved;
  if (ctx.baseDir !== undefined) return joinPath(ctx.baseDir, path);
  if (/^([a-zA-Z]:[\\/]|[\\/])/.test(path)) return path;
  return fail('file-not-found', `Cannot resolve '${path}': the spec has no directory (save it first).`, span);
}

function readError(e: unknown, path: string, abs: string, span: Span): never {
  const code = (e as { code?: string }).code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') return fail('file-not-found', `File '${path}' not found (looked for ${abs}).`, span);
  if (/over the limit/.test(msg)) return fail('limit-exceeded', `File '${path}' is larger than the limit of ${LIMITS.maxFileBytes} bytes.`, span);
  return fail('file-read-error', `Cannot read '${path}': ${msg}`, span);
}

/**
 * A file as a ByteSource: by range when the host can, else read whole (within the
 * reader's limit). Untrusted workspaces (no readFile) read nothing.
 */
function fileSource(path: string, resolved: string | undefined, ctx: DataContext, span: Span, unread: string): ByteSource {
  if (!ctx.readFile)
    throw new Located('untrusted-file', `Data files are not read in an untrusted workspace: '${path}' is ignored and ${unread}.`, span, 'warning');
  const abs = absPath(path, resolved, ctx, span);
  const { fileSize, readRange, readFile } = ctx;
  if (fileSize && readRange) {
    let size: number;
    try {
      size = fileSize(abs);
    } catch (e) {
      return readError(e, path, abs, span);
    }
    return {
      size,
      read: (position, length, into) => {
        try {
          return readRange(abs, position, length, into);
        } catch (e) {
          return readError(e, path, abs, span);
        }
      },
    };
  }
  try {
    return bytesSource(readFile(abs));
  } catch (e) {
    return readError(e, path, abs, span);
  }
}

/**
 * Deflate expands at most about 1032:1; real data (floats, pixels) stays far below 100:1.
 * A member read in blocks that declares more is refused before any work (a "zip bomb":
 * bounded in memory when streamed, but not in time).
 */
const MAX_INFLATE_RATIO = 100;

/** Opens a file's rows; format errors are `file-parse-error` on `span`. */
function rowsOf(src: ByteSource, path: string, key: string | undefined, span: Span): RowStream {
  try {
    if (extensionOf(path) === '.npz') {
      const z = npzMember(src, path, key).deflated;
      if (z && z.size > MAX_INFLATE_RATIO * Math.max(1, z.raw.size) && z.size > CSV_STREAM_BYTES)
        fail(
          'limit-exceeded',
          `${z.where} declares ${z.size} bytes from ${z.raw.size} compressed bytes (${Math.round(z.size / Math.max(1, z.raw.size))}:1); a member read in blocks may expand at most ${MAX_INFLATE_RATIO}:1 (a likely zip bomb). Store the array uncompressed (numpy.save, numpy.savez) to analyse it.`,
          span,
        );
    }
    return openRows(src, path, key);
  } catch (e) {
    if (e instanceof DataFileError) return fail('file-parse-error', `Cannot read '${path}': ${e.message}`, span);
    throw e;
  }
}

/** Runs `f`, turning a format error while reading blocks into `file-parse-error` on `span`. */
function parsing<T>(path: string, span: Span, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DataFileError) return fail('file-parse-error', `Cannot read '${path}': ${e.message}`, span);
    throw e;
  }
}

/**
 * Whether a plain data file goes through the streamed path: it is beyond the in-memory
 * limits (512 MiB; a .npy or .npz member header over 10⁶ samples or 5·10⁷ values; a CSV over 64 MiB), or
 * the context asks for it. Needs positioned reads; decided without reading the data.
 */
export function shouldStream(spec: DataSpec, ctx: DataContext): boolean {
  const data = spec.data;
  if (!data.file || !ctx.readFile) return false;
  if (ctx.streamData?.always) return true;
  if (!ctx.fileSize || !ctx.readRange) return false;
  try {
    const src = fileSource(data.file, data.fileResolved, ctx, data.fileSpan ?? data.span, '');
    if (src.size > LIMITS.maxFileBytes) return true;
    const ext = extensionOf(data.file);
    if (ext === '.npy' || ext === '.npz') {
      // a .npz member's header only (a deflated member: its first inflated bytes)
      const h = ext === '.npy' ? readNpyHeader(src, data.file) : openRows(src, data.file, data.key);
      const values = h.shape.reduce((p, q) => p * q, 1);
      return h.shape.length > 0 && (h.shape[0] > LIMITS.maxDataSamples || values > LIMITS.maxDataValues);
    }
    if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return src.size > CSV_STREAM_BYTES;
    return false;
  } catch {
    return false; // the in-memory path reports it
  }
}

/** The streamed analysis of a data-mode spec (data file in blocks, views, or a moments file). */
export function analyzeStreamed(spec: DataSpec, ctx: DataContext, alpha: number): StatsAnalysis {
  const out: StatsAnalysis = { problems: [] };
  try {
    if (spec.data.moments) analyzeMoments(spec, ctx, alpha, out);
    else analyzeRows(spec, ctx, alpha, out);
  } catch (e) {
    if (e instanceof Located) {
      out.problems.push(problem(e.code, e.severity, e.message, e.span.start, e.span.end));
      return { problems: out.problems, ...(out.dimensions ? { dimensions: out.dimensions } : {}) };
    }
    if (e instanceof LinalgError) {
      const hint =
        e.code === 'not-positive-definite' && spec.regularize === undefined
          ? " Add 'regularize: 1e-8' (an opt-in ε I, docs/theory.md §2.5) or an augmentation with variance on every direction."
          : '';
      const span = spec.augmentation?.span ?? spec.data.span;
      out.problems.push(problem(e.code, 'error', `${e.message}${hint}`, span.start, span.end));
      return { problems: out.problems, ...(out.dimensions ? { dimensions: out.dimensions } : {}) };
    }
    throw e;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// One pass over the rows
// ---------------------------------------------------------------------------------------

interface Sources {
  rows: RowStream;
  rowsPath: string;
  rowsSpan: Span;
  labelColumn?: number;
  features: number;
  labels?: RowStream;
  labelsPath?: string;
  labelsSpan?: Span;
  targets?: RowStream;
  views?: RowStream;
  viewsPath?: string;
  viewsSpan?: Span;
  V: number;
}

/** Opens the data rows, the labels (column or file), inline targets and the views, and checks their shapes. */
function openSources(spec: DataSpec, ctx: DataContext): Sources {
  const data = spec.data;
  const rowsSpan = data.fileSpan ?? data.span;
  let rows: RowStream;
  let rowsPath: string;
  if (data.X) {
    rows = arrayRowStream({ data: Float64Array.from(data.X.flat()), shape: [data.X.length, data.X[0].length] }, 'data.X');
    rowsPath = 'data.X';
  } else {
    rowsPath = data.file!;
    rows = rowsOf(fileSource(rowsPath, data.fileResolved, ctx, rowsSpan, 'the data cannot be analysed'), rowsPath, data.key, rowsSpan);
    if (rows.shape.length !== 2)
      fail(
        'file-parse-error',
        `Cannot read '${rowsPath}': ${rowsPath.replace(/^.*[/\\]/, '')}: expected a 2-D array (samples × features), got shape ${shapeText(rows.shape)}.`,
        rowsSpan,
      );
  }
  const rawCols = parsing(rowsPath, rowsSpan, () => rows.width);
  let labelColumn: number | undefined;
  const lab = data.labels;
  if (lab && 'column' in lab) {
    labelColumn = lab.column < 0 ? rawCols + lab.column : lab.column;
    if (labelColumn < 0 || labelColumn >= rawCols)
      fail('out-of-range', `data.labels.column: ${lab.column} is outside the ${rawCols} columns of the data.`, data.span);
  }
  const features = rawCols - (labelColumn !== undefined ? 1 : 0);
  if (features < 1)
    fail(
      'dimension-mismatch',
      labelColumn !== undefined ? 'The data have no feature column besides the labels.' : 'The data have no feature column.',
      rowsSpan,
    );
  if (features > LIMITS.maxDataDimension)
    fail('limit-exceeded', `The data have ${features} features, over the limit of ${LIMITS.maxDataDimension} dimensions for the dense solvers.`, rowsSpan);
  if (rows.rows !== undefined && rows.rows > LIMITS.maxStreamedSamples)
    fail('limit-exceeded', `The data have ${rows.rows} samples, over the limit of ${LIMITS.maxStreamedSamples}.`, rowsSpan);
  const src: Sources = { rows, rowsPath, rowsSpan, features, V: 0, ...(labelColumn !== undefined ? { labelColumn } : {}) };
  if (lab && 'file' in lab) {
    src.labelsPath = lab.file;
    src.labelsSpan = lab.span;
    src.labels = labelRows(lab.file, lab.key, ctx, lab.span);
  }
  if (data.Y) src.targets = arrayRowStream({ data: Float64Array.from(data.Y.flat()), shape: [data.Y.length, data.Y[0].length] }, 'data.Y');
  const aug = spec.augmentation;
  if (aug?.kind === 'views') {
    src.viewsPath = aug.file;
    src.viewsSpan = aug.fileSpan;
    const views = rowsOf(fileSource(aug.file, aug.fileResolved, ctx, aug.fileSpan, 'the views cannot be analysed'), aug.file, aug.key, aug.fileSpan);
    const s = views.shape;
    if (s.length !== 3) {
      fail(
        'dimension-mismatch',
        `augmentation.views: '${aug.file}' has shape ${shapeText(s)}; expected an n × V × d array (samples × views × features), ${s.length === 2 ? 'e.g. numpy.stack(views, axis=1)' : '3-D'}.`,
        aug.fileSpan,
      );
    }
    if (s[1] < 2)
      fail(
        'out-of-range',
        `augmentation.views: '${aug.file}' has V = ${s[1]} view${s[1] === 1 ? '' : 's'} per sample (shape ${shapeText(s)}); the empirical Σ needs V ≥ 2.`,
        aug.fileSpan,
      );
    if (s[2] !== features)
      fail(
        'dimension-mismatch',
        `augmentation.views: '${aug.file}' has d = ${s[2]} features per view (shape ${shapeText(s)}) but the data have ${features}.`,
        aug.fileSpan,
      );
    if (rows.rows !== undefined && s[0] !== rows.rows)
      fail(
        'dimension-mismatch',
        `augmentation.views: '${aug.file}' has n = ${s[0]} samples (shape ${shapeText(s)}) but the data have ${rows.rows}; the views must come in the order of the data's rows.`,
        aug.fileSpan,
      );
    src.views = views;
    src.V = s[1];
  }
  return src;
}

/** Labels from a file: read whole within the reader's limit (any vector layout, as loadData.ts), else a column streamed by blocks. */
function labelRows(path: string, key: string | undefined, ctx: DataContext, span: Span): RowStream {
  const src = fileSource(path, undefined, ctx, span, 'the labels cannot be analysed');
  if (src.size <= LIMITS.maxFileBytes) {
    const v = parsing(path, span, () => readVector(src.read(0, src.size), path, key));
    return arrayRowStream({ data: v.data, shape: [v.data.length] }, path);
  }
  const rows = rowsOf(src, path, key, span);
  if (parsing(path, span, () => rows.width) !== 1)
    fail('file-parse-error', `Cannot read '${path}': expected one label per row (one column), got ${rows.width} columns.`, span);
  return rows;
}

/** Reads exactly `want` rows of a lockstep stream, or reports the sample-count mismatch. */
function lockstep(s: RowStream, want: number, first: number, what: string, path: string, span: Span, dataRows: () => string) {
  const b = parsing(path, span, () => s.next(want));
  if (!b || b.rows !== want) {
    const have = first + (b ? b.rows : 0);
    return fail(
      'dimension-mismatch',
      `${what}: '${path}' has n = ${have} samples but the data have ${dataRows()}; one ${what === 'augmentation.views' ? 'set of views' : 'label'} per sample, in the data's order.`,
      span,
    );
  }
  return b;
}

/** The first non-finite value of a block, located. */
function checkFinite(a: Float64Array, rows: number, width: number, where: (row: number) => string, first: number, what: string, span: Span): void {
  for (let i = 0; i < rows * width; i++) {
    if (a[i] - a[i] !== 0) {
      const r = Math.floor(i / width);
      fail('invalid-value', `${what} a non-finite value (${a[i]}) at ${where(first + r)}, ${width > 1 ? `value ${(i % width) + 1}` : 'the only value'}.`, span);
    }
    // the sums of squares must stay finite (LIMITS.maxDataMagnitude, docs/architecture.md §5)
    if (Math.abs(a[i]) > LIMITS.maxDataMagnitude) {
      const r = Math.floor(i / width);
      fail(
        'limit-exceeded',
        `${what} ${a[i]} at ${where(first + r)}, ${width > 1 ? `value ${(i % width) + 1}` : 'the only value'}: values are limited to ±${LIMITS.maxDataMagnitude} so that their second moments stay finite; rescale the data.`,
        span,
      );
    }
  }
}

interface PassOptions {
  views: number;
  targets?: 'labels' | number;
  noise?: { gamma: Float64Array; seed: number };
  probeSeed?: number;
}

/** One pass: the statistics of the features (and of the views, labels, targets, noise draw and probe split). */
function accumulate(src: Sources, ctx: DataContext, opts: PassOptions): SufficientStats {
  const { rows, features: d, labelColumn, V } = src;
  const acc = new StatsAccumulator(d, {
    ...(V ? { views: V } : {}),
    ...(opts.targets !== undefined ? { targets: opts.targets } : {}),
    ...(opts.noise ? { noise: opts.noise } : {}),
    ...(opts.probeSeed !== undefined ? { probeSeed: opts.probeSeed } : {}),
  });
  const rawCols = rows.width;
  const perRow = rawCols + V * d + 2;
  const blockRows = ctx.streamData?.blockRows ?? Math.max(1, Math.floor(BLOCK_VALUES / perRow));
  const x = labelColumn !== undefined ? new Float64Array(blockRows * d) : undefined;
  const lab = labelColumn !== undefined ? new Float64Array(blockRows) : undefined;
  const dataRows = () => (rows.rows !== undefined ? String(rows.rows) : `${acc.n} or more`);
  const blockSums = new Float64Array(d);
  let lastReport = -1;
  for (;;) {
    const b = parsing(src.rowsPath, src.rowsSpan, () => rows.next(blockRows));
    if (!b) break;
    if (acc.n + b.rows > LIMITS.maxStreamedSamples)
      fail('limit-exceeded', `The data have more than ${LIMITS.maxStreamedSamples} samples, the limit.`, src.rowsSpan);
    let feats = b.data;
    let labels: Float64Array | undefined;
    if (x && lab) {
      for (let i = 0; i < b.rows; i++) {
        let jj = 0;
        const o = i * rawCols;
        for (let j = 0; j < rawCols; j++) {
          if (j === labelColumn) lab[i] = b.data[o + j];
          else x[i * d + jj++] = b.data[o + j];
        }
      }
      feats = x.subarray(0, b.rows * d);
      labels = lab.subarray(0, b.rows);
    }
    // the block's column sums, which are finite exactly when every value is (else, or on an
    // overflow, the scan below locates the value): one pass over the block for both
    blockSums.fill(0);
    addColumnSums(blockSums, feats, b.rows, d);
    let finite = true;
    for (let j = 0; j < d; j++) if (blockSums[j] - blockSums[j] !== 0) finite = false;
    if (!finite) checkFinite(feats, b.rows, d, (r) => rows.where(r), b.first, 'The data hold', src.rowsSpan);
    let views: Float64Array | undefined;
    if (src.views) {
      const vb = lockstep(src.views, b.rows, b.first, 'augmentation.views', src.viewsPath!, src.viewsSpan!, dataRows);
      checkFinite(vb.data, b.rows, V * d, (r) => `sample ${r + 1}`, b.first, `augmentation.views: '${src.viewsPath}' holds`, src.viewsSpan!);
      views = vb.data;
    }
    if (src.labels) {
      labels = lockstep(src.labels, b.rows, b.first, 'data.labels', src.labelsPath!, src.labelsSpan!, dataRows).data;
    }
    if (labels)
      checkFinite(
        labels,
        b.rows,
        1,
        (r) => `sample ${r + 1}`,
        b.first,
        src.labels ? `data.labels: '${src.labelsPath}' holds` : 'The label column holds',
        src.labelsSpan ?? src.rowsSpan,
      );
    let targets: Float64Array | undefined;
    if (src.targets) targets = lockstep(src.targets, b.rows, b.first, 'data.Y', 'data.Y', src.rowsSpan, dataRows).data;
    try {
      acc.add(feats, b.rows, b.first, {
        sums: blockSums,
        ...(views ? { views } : {}),
        ...(labels && opts.targets === 'labels' ? { labels } : {}),
        ...(targets ? { targets } : {}),
      });
    } catch (e) {
      if (e instanceof StatsError) fail('limit-exceeded', e.message, src.labelsSpan ?? src.rowsSpan);
      throw e;
    }
    const p = rows.progress();
    const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
    if (ctx.onProgress && pct !== lastReport) {
      lastReport = pct;
      ctx.onProgress(p.total > 0 ? p.done / p.total : 1, `reading ${src.rowsPath}: ${acc.n} samples`);
    }
  }
  if (acc.n === 0) fail('file-parse-error', `Cannot read '${src.rowsPath}': it has no rows.`, src.rowsSpan);
  const extra = (s: RowStream | undefined, what: string, path: string | undefined, span: Span | undefined) => {
    if (!s || !path || !span) return;
    const more = parsing(path, span, () => s.next(1));
    if (more)
      fail(
        'dimension-mismatch',
        `${what}: '${path}' has more than ${acc.n} samples but the data have ${acc.n}; one ${what === 'augmentation.views' ? 'set of views' : 'label'} per sample, in the data's order.`,
        span,
      );
  };
  extra(src.views, 'augmentation.views', src.viewsPath, src.viewsSpan);
  extra(src.labels, 'data.labels', src.labelsPath, src.labelsSpan);
  if (src.targets && src.targets.next(1)) fail('dimension-mismatch', `data.Y has more rows than the ${acc.n} samples of the data.`, src.rowsSpan);
  return acc.finish();
}

/** The second pass of the probe: the test split's predictions of every encoder. */
function scoreProbe(spec: DataSpec, ctx: DataContext, scorer: ProbeScorer): void {
  const src = openSources(spec, ctx);
  const { rows, features: d, labelColumn } = src;
  const rawCols = rows.width;
  const blockRows = ctx.streamData?.blockRows ?? Math.max(1, Math.floor(BLOCK_VALUES / (rawCols + 2)));
  const x = new Float64Array(blockRows * d);
  const lab = new Float64Array(blockRows);
  for (;;) {
    const b = parsing(src.rowsPath, src.rowsSpan, () => rows.next(blockRows));
    if (!b) break;
    let labels: Float64Array;
    let feats = b.data;
    if (labelColumn !== undefined) {
      for (let i = 0; i < b.rows; i++) {
        let jj = 0;
        for (let j = 0; j < rawCols; j++) {
          if (j === labelColumn) lab[i] = b.data[i * rawCols + j];
          else x[i * d + jj++] = b.data[i * rawCols + j];
        }
      }
      feats = x.subarray(0, b.rows * d);
      labels = lab.subarray(0, b.rows);
    } else {
      labels = parsing(src.labelsPath!, src.labelsSpan!, () => src.labels!.next(b.rows))!.data;
    }
    scorer.add(feats, b.rows, b.first, labels);
    const p = rows.progress();
    ctx.onProgress?.(p.total > 0 ? p.done / p.total : 1, `probe: scoring ${src.rowsPath}`);
  }
}

// ---------------------------------------------------------------------------------------
// The simulation's sample of rows (rowSample.ts)
// ---------------------------------------------------------------------------------------

/**
 * The rows of a spec's data file for the simulation's sample: by position when the layout
 * allows, else a stream; a labels file whole within the reader's limit, else by position
 * (when the rows are) or a stream; data.Y as written.
 */
function sampleSources(spec: DataSpec, ctx: DataContext): SampleSources {
  const data = spec.data;
  const rowsSpan = data.fileSpan ?? data.span;
  const path = data.file!;
  const src = fileSource(path, data.fileResolved, ctx, rowsSpan, 'the data cannot be sampled');
  const access = parsing(path, rowsSpan, () => openRowAccess(src, path, data.key));
  const rows: SampleSources['rows'] = access ? { access } : { stream: rowsOf(src, path, data.key, rowsSpan) };
  const rawCols = 'access' in rows ? rows.access.width : parsing(path, rowsSpan, () => rows.stream.width);
  const out: SampleSources = { rows, ...(data.Y ? { targets: data.Y } : {}) };
  const lab = data.labels;
  if (lab && 'column' in lab) out.labelColumn = lab.column < 0 ? rawCols + lab.column : lab.column;
  if (lab && 'file' in lab) {
    const ls = fileSource(lab.file, undefined, ctx, lab.span, 'the labels cannot be sampled');
    if (ls.size <= LIMITS.maxFileBytes) out.labels = { values: parsing(lab.file, lab.span, () => readVector(ls.read(0, ls.size), lab.file, lab.key)).data };
    else {
      const la = access ? parsing(lab.file, lab.span, () => openRowAccess(ls, lab.file, lab.key)) : undefined;
      out.labels = la && la.width === 1 ? { access: la } : { stream: rowsOf(ls, lab.file, lab.key, lab.span) };
    }
  }
  return out;
}

/** The lazy sample of rows a streamed pipeline lends `simulate`: nothing is read until it runs. */
function rowSampler(spec: DataSpec, ctx: DataContext, pb: PipelineBasis): RowSampler {
  const data = spec.data;
  const rowsSpan = data.fileSpan ?? data.span;
  const labelsSpan = data.labels && 'file' in data.labels ? data.labels.span : rowsSpan;
  const located = (code: string, message: string, span: Span) => ({ problems: [problem(code, 'error', message, span.start, span.end)] });
  /** A failure to read the rows as a located problem (other errors are thrown again). */
  const failure = (e: unknown): { problems: Problem[] } => {
    if (e instanceof Located) return { problems: [problem(e.code, e.severity === 'warning' ? 'error' : e.severity, e.message, e.span.start, e.span.end)] };
    if (e instanceof SampleMismatch)
      return located(
        'file-read-error',
        `simulate: cannot sample '${e.on === 'rows' ? data.file : 'the labels'}': ${e.message}`,
        e.on === 'rows' ? rowsSpan : labelsSpan,
      );
    if (e instanceof DataFileError) return located('file-parse-error', `simulate: cannot sample '${data.file}': ${e.message}`, rowsSpan);
    throw e;
  };
  /** Runs `f` on the opened sources; its failures are located problems. */
  const guarded = <T>(f: (src: SampleSources) => T): { value?: T; problems: Problem[] } => {
    try {
      return { value: f(sampleSources(spec, ctx)), problems: [] };
    } catch (e) {
      return failure(e);
    }
  };
  const ext = (data.file ?? '').toLowerCase();
  return {
    samples: pb.samples,
    features: pb.basis.rows,
    positioned: ext.endsWith('.npy') || ext.endsWith('.npz'),
    draws(run) {
      const got = guarded((src) =>
        'access' in src.rows && !(src.labels && 'stream' in src.labels) ? directDraws(src, pb, run.check ? { check: run.check } : {}) : undefined,
      );
      const direct = got.value;
      if (!direct) return { problems: got.problems };
      // a draw that fails (the file changed during the run) stops the run with its problem
      const draws: DirectDraws = {
        get bytesRead() {
          return direct.bytesRead;
        },
        get rowsRead() {
          return direct.rowsRead;
        },
        draw(n, random) {
          try {
            return direct.draw(n, random);
          } catch (e) {
            throw new DrawFailed(failure(e).problems);
          }
        },
      };
      return { draws, problems: [] };
    },
    sample(m, seed, run) {
      const got = guarded((src) => {
        const rawCols = 'access' in src.rows ? src.rows.access.width : src.rows.stream.width;
        const blockRows = ctx.streamData?.blockRows ?? Math.max(1, Math.floor(BLOCK_VALUES / (rawCols + 2)));
        return samplePipelineRows(src, pb, m, seed, {
          blockRows,
          ...(run.onProgress ? { onProgress: run.onProgress } : {}),
          ...(run.check ? { check: run.check } : {}),
        });
      });
      return { ...(got.value ? { sample: got.value } : {}), problems: got.problems };
    },
  };
}

// ---------------------------------------------------------------------------------------
// The analyses
// ---------------------------------------------------------------------------------------

function report(out: StatsAnalysis, code: string, severity: Problem['severity'], message: string, span: Span): void {
  out.problems.push(problem(code, severity, message, span.start, span.end));
}

function augmentationSpan(spec: DataSpec): Span {
  return spec.augmentation?.span ?? spec.data.span;
}

function analyzeRows(spec: DataSpec, ctx: DataContext, alpha: number, out: StatsAnalysis): void {
  out.source = 'stream';
  const data = spec.data;
  const src = openSources(spec, ctx);
  const pca = data.pca;
  let pipe: { k: number; gamma: Float64Array; thetaNoise: Float64Array; thetaImportant: Float64Array } | undefined;
  if (pca !== undefined) {
    if (pca > src.features) fail('out-of-range', `data.pca: ${pca} components requested but the data have ${src.features} features.`, data.span);
    const noise = noiseSpectra(data, ctx, out.problems);
    if (!noise) return;
    const thetaImportant = importantAugmentation(spec, pca, ctx, out.problems);
    if (!thetaImportant) return;
    pipe = { k: pca, ...noise, thetaImportant };
  }
  const oneHot = !!data.labels;
  const withProbe = oneHot && src.V > 0;
  const probeSeed = spec.simulate?.seed ?? 0;
  const stats = accumulate(src, ctx, {
    views: src.V,
    ...(oneHot ? { targets: 'labels' as const } : src.targets ? { targets: src.targets.width } : {}),
    ...(pipe && pipe.gamma.length ? { noise: { gamma: pipe.gamma, seed: spec.simulate?.seed ?? 0 } } : {}),
    ...(withProbe ? { probeSeed } : {}),
  });
  if (data.Y && stats.n !== data.Y.length) fail('dimension-mismatch', `data.Y has ${data.Y.length} rows but the data have ${stats.n} samples.`, data.span);
  if (pipe) {
    const pca = statsPipeline(spec, stats, alpha, out, { thetaImportant: pipe.thetaImportant, gamma: pipe.gamma, thetaNoise: pipe.thetaNoise });
    // the simulation samples the rows it draws from when it runs (rowSample.ts), not now
    if (pca && spec.simulate && data.file && out.spectra && out.pipeline)
      out.rowSampler = rowSampler(spec, ctx, {
        basis: pca.basis,
        ...(pca.mu ? { mu: pca.mu } : {}),
        spectra: out.spectra,
        explainedVariance: pca.explainedVariance,
        ...(stats.targets?.classes ? { classes: stats.targets.classes } : {}),
        samples: stats.n,
      });
    return;
  }
  const solved = statsGeneral(spec, stats, alpha, ctx, out);
  if (!solved) return;
  const probe = withProbe && out.solutions ? viewsProbe(spec, ctx, stats, solved, out) : undefined;
  if (solved.plan) out.strength = strengthWhatIf(solved.plan, probe?.perScale);
}

/**
 * The linear probe's second pass (docs/theory.md §6.4.7): the analysis' own encoders and,
 * with a views fit, those at every strength of the what-if; the accuracies at each strength.
 */
function viewsProbe(
  spec: DataSpec,
  ctx: DataContext,
  stats: SufficientStats,
  solved: { raw: RawSolutions; plan?: ViewsPlan },
  out: StatsAnalysis,
): { perScale: (ProbeAccuracies | null)[] } | undefined {
  const data = spec.data;
  const t = stats.targets!;
  const split = stats.probe!;
  const test = stats.n - split.n;
  if (split.n < 1 || test < 1) {
    report(
      out,
      'probe-skipped',
      'info',
      `The linear probe needs samples in both splits (about 80% train, 20% test); with n = ${stats.n} it has ${split.n} training and ${test} test samples, so it is skipped.`,
      data.span,
    );
    return undefined;
  }
  const mu = centringShift(stats, data.center);
  const sets = [fitProbes(solved.raw, split, t.width, mu)];
  const index = (solved.plan?.solved ?? []).map((r) => (r ? sets.push(fitProbes(r, split, t.width, mu)) - 1 : -1));
  const scorer = new ProbeScorer(sets, t.classes!, mu, split.seed);
  scoreProbe(spec, ctx, scorer);
  out.solutions!.probe = scorer.result();
  const acc = scorer.accuracies();
  return { perScale: index.map((i) => (i >= 0 ? acc[i] : null)) };
}

/**
 * A general problem from statistics: the views' empirical moments or the spec's
 * augmentation. Without P1's form there are no thresholds (A6); with your own views P1's
 * model is fitted to them (docs/theory.md §6.4) and the thresholds are the fitted model's.
 */
function statsGeneral(
  spec: DataSpec,
  stats: SufficientStats,
  alpha: number,
  ctx: DataContext,
  out: StatsAnalysis,
): { raw: RawSolutions; plan?: ViewsPlan } | undefined {
  const d = stats.d;
  const latent = spec.latent;
  if (latent === undefined)
    return fail('missing-field', "Data mode without 'data.pca' needs 'latent': the number of features the encoders keep (k of docs/theory.md §2).", spec.span);
  if (latent > d) return fail('out-of-range', `latent = ${latent} exceeds the data dimension d = ${d}.`, spec.latentSpan ?? spec.span);
  const aug = spec.augmentation;
  let param: Augmentation | undefined;
  if (!aug || aug.kind === 'views') {
    if (!stats.views) {
      return fail(
        'missing-field',
        `Data mode without 'data.pca' needs an 'augmentation' to define Σ (docs/theory.md §2.1): the moments file '${spec.data.moments?.file}' has no view statistics (write it with \`sslexp moments DATA --views VIEWS\`).`,
        spec.data.span,
      );
    }
  } else {
    param = generalAugmentation(spec, alpha, d, ctx, out.problems);
    if (!param) return undefined;
  }
  out.dimensions = { d, k: latent, latent };
  out.thresholds = null;
  const mu = centringShift(stats, spec.data.center);
  const gm = generalMoments(stats, param, mu, spec.regularize);
  const solved = solveAllFromMoments(gm.moments, gm.yx, latent);
  const what = param || !stats.views ? describeAugmentation(spec, alpha) : `your own views (V = ${stats.views.count} per sample)`;
  out.solutions = { problem: `${stats.n} samples × ${d} features, ${what}`, ...solved.set };
  const plan = !param ? planViews(spec, stats, gm.moments, gm.yx, latent, solved.raw, out.problems) : undefined;
  if (plan) {
    out.thresholds = plan.thresholds;
    out.spectra = plan.fitted.spectra;
    out.viewsFit = plan.fitted.fit;
    return { raw: solved.raw, plan };
  }
  report(
    out,
    'thresholds-not-applicable',
    'info',
    param
      ? "Closed-form thresholds need the paper's form: important components and noise spectra in one shared basis (docs/theory.md §3, A6). This spec gives a general data problem, so only the closed-form solutions are computed; use data.pca with data.noise for P1's pipeline."
      : "Closed-form thresholds need the paper's form: important components and noise spectra in one shared basis (docs/theory.md §3, A6). Your own views give a general, empirical Σ, and P1's model could not be fitted to them, so only the closed-form solutions are computed.",
    spec.data.span,
  );
  return { raw: solved.raw };
}

/** P1's pipeline from statistics (docs/theory.md §6.1): PCA basis moments without a second pass. */
function statsPipeline(
  spec: DataSpec,
  stats: SufficientStats,
  alpha: number,
  out: StatsAnalysis,
  noise: { thetaImportant: Float64Array; gamma: Float64Array; thetaNoise: Float64Array },
): StatsPca | undefined {
  const data = spec.data;
  const k = data.pca!;
  if (k > stats.d) fail('out-of-range', `data.pca: ${k} components requested but the data have ${stats.d} features.`, data.span);
  const pca = pcaFromStats(stats, k, data.center);
  const c = pca.c;
  if (c[k - 1] <= 1e-12 * (c[0] || 1)) {
    report(
      out,
      'zero-signal-variance',
      'warning',
      `data.pca: principal component ${k} has variance ${c[k - 1].toPrecision(3)}: the data have fewer than ${k} non-degenerate directions, so the thresholds are infinite (docs/theory.md §4.5). Lower 'pca'.`,
      data.span,
    );
  }
  const spectra: ResolvedSpectra = { c, thetaImportant: noise.thetaImportant, gamma: noise.gamma, thetaNoise: noise.thetaNoise };
  const m = spectra.gamma.length;
  const d = k + m;
  const latent = spec.latent ?? k;
  if (latent > d) fail('out-of-range', `latent = ${latent} exceeds d = ${d} (pca + noise.count).`, spec.latentSpan ?? spec.span);
  out.dimensions = { d, k, latent };
  out.spectra = spectra;
  const t = stats.targets;
  out.pipeline = {
    samples: stats.n,
    features: stats.d,
    pca: k,
    noise: m,
    explainedVariance: pca.explainedVariance,
    centered: data.center,
    ...(t?.classes ? { classes: t.classes.length } : {}),
  };
  const kind = spec.augmentation?.kind ?? 'additive';
  if (kind === 'additive') out.thresholds = computeThresholds(spectra, latent);
  else {
    out.thresholds = null;
    report(
      out,
      'thresholds-not-applicable',
      'info',
      `The closed-form thresholds need P1's augmentation family Θ + α²Γ (docs/theory.md §3); a ${kind} augmentation is not of that form, so only the closed-form solutions are computed (docs/theory.md A6).`,
      augmentationSpan(spec),
    );
  }
  const aug = pipelineAugmentation(spec, spectra, alpha, d);
  const pm = pipelineMoments(stats, pca, m);
  const n = stats.n;
  const solve = (gram: Matrix, yx: Matrix | undefined, reference: boolean) => {
    const mo = momentsFromGram(gram, n, aug, spec.regularize);
    const yxbar = yx && scaleMatrix(yx, mo.xbarScale);
    return solveAllFromMoments(
      mo,
      yxbar,
      latent,
      reference && aug.kind === 'additive' ? { k, build: () => importantReference(pca.gp, n, aug, yxbar, k) } : undefined,
    );
  };
  const clean = solve(pm.cleanGram, pm.cleanYx, true);
  if (clean.note) report(out, 'singular-clean-problem', 'info', clean.note, augmentationSpan(spec));
  const problemText = `P1's pipeline (docs/theory.md §6.1): ${n} samples, ${k} principal components + ${m} noise coordinates, ${describeAugmentation(spec, alpha)}`;
  if (!pm.corruptedGram) {
    out.solutions = { problem: problemText, ...clean.set };
    return pca;
  }
  const corrupted = solve(pm.corruptedGram, pm.corruptedYx, false);
  const seed = spec.simulate?.seed ?? 0;
  out.solutions = {
    problem: problemText,
    ...clean.set,
    corrupted: { ...corrupted.set, seed },
    discrepancy: discrepancyBlock(clean.raw, corrupted.raw),
  };
  return pca;
}

function scaleMatrix(a: Matrix, s: number): Matrix {
  if (s === 1) return a;
  return new Matrix(
    a.rows,
    a.cols,
    a.data.map((v) => v * s),
  );
}

/** The k × k clean problem of the important coordinates (A7), as solveAll builds it. */
function importantReference(gp: Matrix, n: number, aug: Extract<Augmentation, { kind: 'additive' }>, yx: Matrix | undefined, k: number) {
  const sig1 = new Matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sig1.data[i * k + j] = aug.theta.get(i, j) + aug.alpha * aug.alpha * aug.gamma.get(i, j);
  const m = momentsFromGram(gp, n, { kind: 'covariance', sigma: sig1 });
  let y: Matrix | undefined;
  if (yx) {
    y = new Matrix(yx.rows, k);
    for (let i = 0; i < yx.rows; i++) for (let j = 0; j < k; j++) y.data[i * k + j] = yx.data[i * yx.cols + j];
  }
  return { m, ...(y ? { yx: y } : {}) };
}

/** `data: {moments: {file}}`: the analysis from the sufficient statistics alone. */
function analyzeMoments(spec: DataSpec, ctx: DataContext, alpha: number, out: StatsAnalysis): void {
  out.source = 'moments';
  const mo = spec.data.moments!;
  const src = fileSource(mo.file, mo.fileResolved, ctx, mo.fileSpan, 'the moments cannot be analysed');
  const stats = parsing(mo.file, mo.fileSpan, () => readMomentsNpz(src, mo.file.replace(/^.*[/\\]/, '')));
  report(
    out,
    'moments-only',
    'info',
    `Analysed from the moments in '${mo.file}' (n = ${stats.n}, d = ${stats.d}${stats.views ? `, V = ${stats.views.count} views` : ''}${stats.targets?.classes ? `, ${stats.targets.classes.length} classes` : ''}): everything but the finite-n simulation, the linear probe and the pipeline's corrupted draw, which need the rows.`,
    mo.span,
  );
  if (spec.data.pca !== undefined) {
    const k = spec.data.pca;
    const noise = noiseSpectra(spec.data, ctx, out.problems);
    if (!noise) return;
    const thetaImportant = importantAugmentation(spec, k, ctx, out.problems);
    if (!thetaImportant) return;
    statsPipeline(spec, stats, alpha, out, { thetaImportant, ...noise });
    return;
  }
  const solved = statsGeneral(spec, stats, alpha, ctx, out);
  if (solved?.plan) out.strength = strengthWhatIf(solved.plan, undefined);
}

/** The statistics of the rows of a spec's data (and views, labels), for `sslexp moments` and the tests. */
export function statsOfSpec(spec: DataSpec, ctx: DataContext): { stats?: SufficientStats; problems: Problem[] } {
  try {
    const src = openSources(spec, ctx);
    return { stats: accumulate(src, ctx, { views: src.V, ...(spec.data.labels ? { targets: 'labels' as const } : {}) }), problems: [] };
  } catch (e) {
    if (e instanceof Located) return { problems: [problem(e.code, e.severity, e.message, e.span.start, e.span.end)] };
    throw e;
  }
}
