/**
 * The N × D rows of a graph-mode spec (docs/theory.md §7.2: every augmented view is its own
 * row) and their labels: `data.file` (.npy / .npz / .csv; an n × V × D array is read as
 * N = nV rows, sample by sample) or inline `data.X`; labels as in data mode, a column of the
 * data (`{column}`, removed from the features) or a file of N values (`{file, key?}`).
 * Checks what needs the contents: limits, non-finite values, the labels' length.
 */
import { ArrayTooLargeError, DataFileError, readRows, readVector } from '../../io/readArray';
import { problem, type Problem } from '../../problems/problems';
import { LIMITS, type GraphSpec, type Span } from '../../spec/model';
import { readReferencedFile, type SpecFileAccess as GraphFileAccess } from '../../spec/referencedFiles';

export interface GraphRows {
  /** N × D, row-major (after removing a label column; centred when data.center). */
  x: Float64Array;
  N: number;
  D: number;
  /** V when the file held an n × V × D array. */
  groups?: number;
  /** One label per row, when data.labels is given. */
  labels?: Float64Array;
  /** Span of the rows' source (the file path, or data.X's mapping). */
  span: Span;
}

type Report = (code: string, message: string, at: Span) => void;
interface RawRows {
  data: Float64Array;
  rows: number;
  cols: number;
  groups?: number;
}

/** Reads and checks the rows; undefined (with problems) when they cannot be used. */
export function loadRows(spec: GraphSpec, files: GraphFileAccess, problems: Problem[]): GraphRows | undefined {
  const data = spec.data;
  const span = data.fileSpan ?? data.span;
  const report: Report = (code, message, at) => problems.push(problem(code, 'error', message, at.start, at.end));
  const raw = readSource(spec, files, problems, report);
  if (!raw) return undefined;
  checkLimits(raw, spec, span, report);
  if (problems.some((p) => p.severity === 'error')) return undefined;
  if (!checkValues(raw, span, report)) return undefined;
  const lab = data.labels;
  const labelCol = lab && 'column' in lab ? (lab.column < 0 ? raw.cols + lab.column : lab.column) : undefined;
  let labels: Float64Array | undefined;
  if (lab && 'column' in lab) {
    if (labelCol === undefined || labelCol < 0 || labelCol >= raw.cols) {
      report('out-of-range', `data.labels.column: ${lab.column} is outside the ${raw.cols} columns of the data.`, data.span);
      return undefined;
    }
    labels = new Float64Array(raw.rows);
    for (let i = 0; i < raw.rows; i++) labels[i] = raw.data[i * raw.cols + labelCol];
  } else if (lab && 'file' in lab) {
    labels = labelsFromFile(lab, raw, files, problems, report);
    if (!labels) return undefined;
  }
  const D = raw.cols - (labelCol !== undefined ? 1 : 0);
  if (D < 1) {
    report('dimension-mismatch', labelCol !== undefined ? 'The data have no feature column besides the labels.' : 'The data have no feature column.', span);
    return undefined;
  }
  const x = labelCol !== undefined ? withoutColumn(raw, labelCol) : raw.data;
  // x is owned here (a fresh copy or the decoded file), so centring in place is safe
  if (data.center) centerColumns(x, raw.rows, D);
  return { x, N: raw.rows, D, ...(raw.groups !== undefined ? { groups: raw.groups } : {}), ...(labels ? { labels } : {}), span };
}

/** The rows as written inline or decoded from the file (the shape checked on the header first). */
function readSource(spec: GraphSpec, files: GraphFileAccess, problems: Problem[], report: Report): RawRows | undefined {
  const data = spec.data;
  const span = data.fileSpan ?? data.span;
  if (data.X) {
    const rows = data.X.length;
    const cols = rows ? data.X[0].length : 0;
    return { data: Float64Array.from(data.X.flat()), rows, cols };
  }
  if (data.file === undefined) {
    report('missing-field', 'data: graph mode needs the rows, as data.file or data.X.', data.span);
    return undefined;
  }
  const read = readReferencedFile(data.file, data.fileResolved, files, span, 'graph mode cannot be analysed');
  if ('problem' in read) {
    problems.push(read.problem);
    return undefined;
  }
  try {
    // the shape is checked on the header, before any value is decoded (docs/architecture.md §6)
    const a = readRows(read.bytes, data.file, data.key, { maxValues: LIMITS.maxDataValues, what: 'values of the data' });
    return { data: a.data, rows: a.rows, cols: a.cols, ...(a.groups !== undefined ? { groups: a.groups } : {}) };
  } catch (e) {
    if (e instanceof DataFileError) {
      report(e instanceof ArrayTooLargeError ? 'limit-exceeded' : 'file-parse-error', `Cannot read '${data.file}': ${e.message}`, span);
      return undefined;
    }
    throw e;
  }
}

/** The data-size limits of LIMITS (docs/architecture.md §5). */
function checkLimits(raw: RawRows, spec: GraphSpec, span: Span, report: Report): void {
  const labels = spec.data.labels;
  if (raw.rows > LIMITS.maxDataSamples) report('limit-exceeded', `The data have ${raw.rows} rows, over the limit of ${LIMITS.maxDataSamples}.`, span);
  if (raw.cols > LIMITS.maxDataDimension + (labels && 'column' in labels ? 1 : 0))
    report('limit-exceeded', `The data have ${raw.cols} columns, over the limit of ${LIMITS.maxDataDimension} features.`, span);
  if (raw.rows * raw.cols > LIMITS.maxDataValues)
    report('limit-exceeded', `The data hold ${raw.rows} × ${raw.cols} values, over the limit of ${LIMITS.maxDataValues}.`, span);
}

/** Every value finite and within LIMITS.maxDataMagnitude; false (with a problem at the first offender) otherwise. */
function checkValues(raw: RawRows, span: Span, report: Report): boolean {
  for (let i = 0; i < raw.data.length; i++) {
    // distances and Gram matrices square the values: they must not overflow (LIMITS.maxDataMagnitude)
    if (Math.abs(raw.data[i]) > LIMITS.maxDataMagnitude) {
      report(
        'limit-exceeded',
        `The data hold ${raw.data[i]} at row ${Math.floor(i / raw.cols) + 1}, column ${(i % raw.cols) + 1}: values are limited to ±${LIMITS.maxDataMagnitude} so that distances and second moments stay finite; rescale the data.`,
        span,
      );
      return false;
    }
    // v - v is NaN for NaN and ±Infinity, 0 otherwise
    if (raw.data[i] - raw.data[i] !== 0) {
      report(
        'invalid-value',
        `The data hold a non-finite value (${raw.data[i]}) at row ${Math.floor(i / raw.cols) + 1}, column ${(i % raw.cols) + 1}; every value must be a finite number.`,
        span,
      );
      return false;
    }
  }
  return true;
}

/** Labels from their own file: one finite value per row. */
function labelsFromFile(
  lab: { file: string; key?: string; span: Span },
  raw: RawRows,
  files: GraphFileAccess,
  problems: Problem[],
  report: Report,
): Float64Array | undefined {
  const read = readReferencedFile(lab.file, undefined, files, lab.span, 'graph mode cannot be analysed');
  if ('problem' in read) {
    problems.push(read.problem);
    return undefined;
  }
  let labels: Float64Array;
  try {
    labels = readVector(read.bytes, lab.file, lab.key, { maxValues: LIMITS.maxDataSamples, what: 'labels' }).data;
  } catch (e) {
    if (e instanceof DataFileError) {
      report(
        e instanceof ArrayTooLargeError ? 'limit-exceeded' : 'file-parse-error',
        `Cannot read '${lab.file}': ${e.message.replace('a 1-D array of eigenvalues', 'a 1-D array of labels')}`,
        lab.span,
      );
      return undefined;
    }
    throw e;
  }
  if (labels.length !== raw.rows) {
    report(
      'dimension-mismatch',
      `'${lab.file}' has ${labels.length} labels but the data have N = ${raw.rows} rows (one label per row${raw.groups ? `, i.e. per view: ${raw.rows / raw.groups} samples × ${raw.groups} views` : ''}).`,
      lab.span,
    );
    return undefined;
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] - labels[i] !== 0) {
      report('invalid-value', `'${lab.file}': label ${i} is ${labels[i]}; labels must be finite numbers.`, lab.span);
      return undefined;
    }
  }
  return labels;
}

/** The rows without the label column (a fresh array). */
function withoutColumn(raw: RawRows, labelCol: number): Float64Array {
  const D = raw.cols - 1;
  const x = new Float64Array(raw.rows * D);
  for (let i = 0; i < raw.rows; i++) {
    let jj = 0;
    for (let j = 0; j < raw.cols; j++) if (j !== labelCol) x[i * D + jj++] = raw.data[i * raw.cols + j];
  }
  return x;
}

/** A column-centred copy (H X). */
export function centered(x: Float64Array, n: number, d: number): Float64Array {
  const mean = columnMeans(x, n, d);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) out[i * d + t] = x[i * d + t] - mean[t];
  return out;
}

/** Subtracts every column's mean in place. */
export function centerColumns(x: Float64Array, n: number, d: number): void {
  const mean = columnMeans(x, n, d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) x[i * d + t] -= mean[t];
}

export function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += x[i * d + t];
  for (let t = 0; t < d; t++) mean[t] /= Math.max(1, n);
  return mean;
}
