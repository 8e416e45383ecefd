/**
 * Reading the data of a data-mode spec (docs/architecture.md §1): the matrix (inline `X` or
 * a file), the labels (a column of the matrix or a file) and the probe targets, within
 * the documented limits. Files are read only through `ctx.readFile`. Every function
 * pushes its failures to `problems` as located problems and then returns undefined.
 */
import { Matrix } from '../../../numerics/dense';
import { problem, type Problem, type Severity } from '../../../problems/problems';
import { ArrayTooLargeError, DataFileError, readMatrix, readVector } from '../../../io/readArray';
import { LIMITS, type DataSourceSpec, type Span } from '../../../spec/model';
import { readReferencedFile } from '../../../spec/referencedFiles';
import type { SpectrumContext } from '../spectra';

/** The data matrix as written: samples x columns, a label column included. */
export interface RawMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** The labels of the samples, and the column of the matrix they were taken from (removed from the features). */
export interface Labels {
  values?: Float64Array;
  column?: number;
}

/** Probe targets: one-hot labels (with their number of classes) or the spec's Y. */
export interface Targets {
  y?: Matrix;
  classes?: number;
}

/** One-hot targets are limited to this many classes. */
const MAX_CLASSES = 1000;

/** Pushes a located problem. */
export function report(problems: Problem[], code: string, message: string, span: Span, severity: Severity = 'error'): void {
  problems.push(problem(code, severity, message, span.start, span.end));
}

/** The span data-file problems are reported on: the file, else the data block. */
export function dataFileSpan(data: DataSourceSpec): Span {
  return data.fileSpan ?? data.span;
}

/** The data matrix (inline or from its file), within the limits and finite. */
export function readDataMatrix(data: DataSourceSpec, ctx: SpectrumContext, problems: Problem[]): RawMatrix | undefined {
  const raw = data.X ? inlineMatrix(data.X) : readMatrixFile(data, ctx, problems);
  if (!raw || !withinLimits(raw, dataFileSpan(data), problems) || !allFinite(raw, dataFileSpan(data), problems)) return undefined;
  return raw;
}

function inlineMatrix(X: number[][]): RawMatrix {
  return { data: Float64Array.from(X.flat()), rows: X.length, cols: X[0].length };
}

function readMatrixFile(data: DataSourceSpec, ctx: SpectrumContext, problems: Problem[]): RawMatrix | undefined {
  const fileSpan = dataFileSpan(data);
  const read = readReferencedFile(data.file!, data.fileResolved, ctx, fileSpan, 'the data cannot be analysed');
  if ('problem' in read) {
    problems.push(read.problem);
    return undefined;
  }
  try {
    // the shape is checked on the header, before any value is decoded or allocated (docs/architecture.md §6)
    // the bytes were read for this call alone: the matrix may be a view of them
    const a = readMatrix(read.bytes, data.file!, data.key, { maxValues: LIMITS.maxDataValues, what: 'values of the data matrix', view: true });
    return { data: a.data, rows: a.shape[0], cols: a.shape[1] };
  } catch (e) {
    if (!(e instanceof DataFileError)) throw e;
    report(problems, e instanceof ArrayTooLargeError ? 'limit-exceeded' : 'file-parse-error', `Cannot read '${data.file}': ${e.message}`, fileSpan);
    return undefined;
  }
}

/** The sample, dimension and size limits of the dense solvers (all of them reported). */
function withinLimits(raw: RawMatrix, fileSpan: Span, problems: Problem[]): boolean {
  const before = problems.length;
  if (raw.rows === 0 || raw.cols === 0) {
    report(problems, 'invalid-value', `The data are empty (${raw.rows} samples × ${raw.cols} columns): there is nothing to analyse.`, fileSpan);
    return false;
  }
  if (raw.rows > LIMITS.maxDataSamples)
    report(problems, 'limit-exceeded', `The data have ${raw.rows} samples, over the limit of ${LIMITS.maxDataSamples}.`, fileSpan);
  if (raw.cols > LIMITS.maxDataDimension + 1)
    report(
      problems,
      'limit-exceeded',
      `The data have ${raw.cols} columns, over the limit of ${LIMITS.maxDataDimension} dimensions for the dense solvers.`,
      fileSpan,
    );
  if (raw.rows * raw.cols > LIMITS.maxDataValues)
    report(problems, 'limit-exceeded', `The data hold ${raw.rows} × ${raw.cols} values, over the limit of ${LIMITS.maxDataValues}.`, fileSpan);
  return problems.length === before;
}

/** Refuses the first non-finite value (or one whose square would overflow the moments), located by row and column. */
function allFinite(raw: RawMatrix, fileSpan: Span, problems: Problem[]): boolean {
  for (let i = 0; i < raw.data.length; i++) {
    if (Math.abs(raw.data[i]) > LIMITS.maxDataMagnitude) {
      const at = `row ${Math.floor(i / raw.cols) + 1}, column ${(i % raw.cols) + 1}`;
      report(
        problems,
        'limit-exceeded',
        `The data hold ${raw.data[i]} at ${at}: values are limited to ±${LIMITS.maxDataMagnitude} so that their second moments stay finite; rescale the data.`,
        fileSpan,
      );
      return false;
    }
    // v - v is NaN for NaN and ±Infinity, 0 otherwise (cheaper than Number.isFinite)
    if (raw.data[i] - raw.data[i] !== 0) {
      report(
        problems,
        'invalid-value',
        `The data hold a non-finite value (${raw.data[i]}) at row ${Math.floor(i / raw.cols) + 1}, column ${(i % raw.cols) + 1}.`,
        fileSpan,
      );
      return false;
    }
  }
  return true;
}

/** The labels: a column of the matrix (negative counts from the end), a file, or none. */
export function readLabels(data: DataSourceSpec, raw: RawMatrix, ctx: SpectrumContext, problems: Problem[]): Labels | undefined {
  const labels = data.labels;
  if (!labels) return {};
  if ('column' in labels) {
    const column = labels.column < 0 ? raw.cols + labels.column : labels.column;
    if (column < 0 || column >= raw.cols) {
      report(problems, 'out-of-range', `data.labels.column: ${labels.column} is outside the ${raw.cols} columns of the data.`, data.span);
      return undefined;
    }
    const values = new Float64Array(raw.rows);
    for (let i = 0; i < raw.rows; i++) values[i] = raw.data[i * raw.cols + column];
    return { values, column };
  }
  const read = readReferencedFile(labels.file, undefined, ctx, labels.span, 'the labels cannot be analysed');
  if ('problem' in read) {
    problems.push(read.problem);
    return undefined;
  }
  let values: Float64Array;
  try {
    values = readVector(read.bytes, labels.file, labels.key, { maxValues: LIMITS.maxDataSamples, what: 'labels' }).data;
  } catch (e) {
    if (!(e instanceof DataFileError)) throw e;
    report(problems, e instanceof ArrayTooLargeError ? 'limit-exceeded' : 'file-parse-error', `Cannot read '${labels.file}': ${e.message}`, labels.span);
    return undefined;
  }
  if (values.length !== raw.rows) {
    report(problems, 'dimension-mismatch', `'${labels.file}' has ${values.length} labels but the data have ${raw.rows} samples.`, labels.span);
    return undefined;
  }
  return { values };
}

/** The features: the matrix without its label column (without one, the decoded array itself). */
export function featureMatrix(raw: RawMatrix, labelColumn: number | undefined, fileSpan: Span, problems: Problem[]): Matrix | undefined {
  const features = raw.cols - (labelColumn !== undefined ? 1 : 0);
  if (features < 1) {
    report(
      problems,
      'dimension-mismatch',
      labelColumn !== undefined ? 'The data have no feature column besides the labels.' : 'The data have no feature column.',
      fileSpan,
    );
    return undefined;
  }
  if (labelColumn === undefined) return new Matrix(raw.rows, features, raw.data);
  const x = new Matrix(raw.rows, features);
  for (let i = 0; i < raw.rows; i++) {
    let jj = 0;
    for (let j = 0; j < raw.cols; j++) if (j !== labelColumn) x.data[i * features + jj++] = raw.data[i * raw.cols + j];
  }
  return x;
}

/** The probe targets: one-hot labels (A10; the classes are the distinct label values, sorted), else Y, else none. */
export function readTargets(data: DataSourceSpec, labels: Float64Array | undefined, rows: number, problems: Problem[]): Targets | undefined {
  if (labels) {
    const distinct = [...new Set(labels)].sort((a, b) => a - b);
    if (distinct.length > MAX_CLASSES) {
      const span = data.labels && 'span' in data.labels ? data.labels.span : data.span;
      report(problems, 'limit-exceeded', `The labels take ${distinct.length} distinct values; one-hot targets are limited to ${MAX_CLASSES} classes.`, span);
      return undefined;
    }
    const classes = distinct.length;
    const index = new Map(distinct.map((v, i) => [v, i]));
    const y = new Matrix(rows, classes);
    for (let i = 0; i < rows; i++) y.data[i * classes + index.get(labels[i])!] = 1;
    return { y, classes };
  }
  if (!data.Y) return {};
  if (data.Y.length !== rows) {
    report(problems, 'dimension-mismatch', `data.Y has ${data.Y.length} rows but the data have ${rows} samples.`, data.span);
    return undefined;
  }
  return { y: Matrix.fromArray(data.Y) };
}

/** Subtracts each column's mean in place (docs/theory.md §1: only when the spec asks). */
export function centerColumns(x: Matrix): void {
  const features = x.cols;
  for (let j = 0; j < features; j++) {
    let mu = 0;
    for (let i = 0; i < x.rows; i++) mu += x.data[i * features + j];
    mu /= x.rows;
    for (let i = 0; i < x.rows; i++) x.data[i * features + j] -= mu;
  }
}
