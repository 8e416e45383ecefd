/**
 * THE definition of the spec language (docs/architecture.md §1): every key of a
 * `*.sslexp.{yaml,yml,json}` document, position by position, with its value kind, bounds,
 * required and mutually exclusive keys, documentation, defaults and completion snippets.
 *
 * It is the single source of
 * - the validator's structural checks (allowed keys with "did you mean", types, enums,
 *   bounds, required fields, exclusive keys): parseSpec.ts and check*.ts read it;
 * - the JSON Schema `schemas/sslexp.schema.json`, generated from it by `npm run schema`
 *   (jsonSchema.ts; test/unit/schema.test.ts fails when the checked-in file differs);
 * - documentation lookup for completion and hover (`lookupSpecNode`, lookup.ts).
 *
 * Checks a JSON Schema cannot say (a count against a list's length, square and symmetric
 * matrices, bounds that depend on d or N, files) stay in the validator's code. Cross-field
 * rules a schema can say are listed as `rules` here (with the schema fragment) and
 * implemented by the validator under the same id; test/unit/specAgreement.test.ts checks
 * that both accept and reject the same documents.
 */
import { GRAPH_DEFAULTS, LIMITS, type SimulationMetric } from './model';
import type {
  DefNode,
  EnumDef,
  ExclusiveGroup,
  JsonSchemaFragment,
  ModeDef,
  NumberDef,
  ObjectDef,
  RefDef,
  RootDef,
  Snippet,
  SpecMode,
  StringDef,
  TupleDef,
  UnionDef,
} from './definitionTypes';

export type * from './definitionTypes';

// ---------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------

/** Extensions of 1-D spectrum files (readVector in io/) and of data matrices (readMatrix). */
export const SPECTRUM_FILE_EXTENSIONS: readonly string[] = ['.npy', '.csv', '.tsv', '.txt'];
export const DATA_FILE_EXTENSIONS: readonly string[] = ['.npy', '.npz', '.csv', '.tsv', '.txt'];
/** Extensions of an edge list (CSV rows "i,j[,w]"). */
export const EDGE_FILE_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.txt'];

/** A case-insensitive JSON Schema `pattern` for paths ending in one of `extensions`. */
export function extensionPattern(extensions: readonly string[]): string {
  const ci = (s: string) => [...s].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch)).join('');
  return `\\.(${extensions.map((e) => ci(e.slice(1))).join('|')})$`;
}

const has = (...keys: string[]): JsonSchemaFragment => ({ required: keys });
const at = (key: string, inner: JsonSchemaFragment): JsonSchemaFragment => ({ required: [key], properties: { [key]: inner } });
const MAX_SEED = Number.MAX_SAFE_INTEGER;
const SEED_RULE = `a non-negative integer ≤ ${MAX_SEED}`;

const variance = (description: string, extra: Partial<NumberDef> = {}): NumberDef => ({ kind: 'number', minimum: 0, role: 'variance', description, ...extra });
const alphaNumber = (description: string, extra: Partial<NumberDef> = {}): NumberDef => ({ kind: 'number', minimum: 0, role: 'alpha', description, ...extra });

function filePath(description: string, extensions: readonly string[], what: string, examples: string[]): StringDef {
  return { kind: 'string', description, file: { extensions, what }, examples };
}

/** `key` next to a file: only for a .npz archive (rule of the enclosing mapping). */
function npzKeyRule(fileKey: string): JsonSchemaFragment {
  return { dependencies: { key: at(fileKey, { pattern: extensionPattern(['.npz']) }) } };
}

// ---------------------------------------------------------------------------------------
// Spectra (docs/architecture.md §1)
// ---------------------------------------------------------------------------------------

const scale: NumberDef = {
  kind: 'number',
  exclusiveMinimum: 0,
  rule: '> 0',
  description:
    'Multiplies every value of the spectrum (> 0). Next to the family ({power_law: {...}, scale: 2}) or inside its parameters ({power_law: {..., scale: 2}}), not both.',
  markdown:
    'Multiplies every value of the spectrum (> 0). Next to the family (`{power_law: {...}, scale: 2}`) or inside its parameters (`{power_law: {..., scale: 2}}`), not both.',
  examples: [2],
};

const powerLaw: ObjectDef = {
  kind: 'object',
  description: 'Power-law parameters: lambda_i = first * ((i + offset) / (1 + offset))^(-exponent), i = 1..count.',
  markdown: 'Power-law parameters: λ_i = first · ((i + offset) / (1 + offset))^(−exponent), i = 1..count.',
  parameters: { shape: '{first, exponent, offset?}' },
  required: ['first', 'exponent'],
  properties: {
    first: variance('lambda_1, the first (largest for exponent > 0) variance (≥ 0).', {
      markdown: 'λ_1, the first (largest for exponent > 0) variance (≥ 0).',
      examples: [3.0e5],
    }),
    exponent: { kind: 'number', description: 'Decay exponent (lambda_i ~ i^-exponent).', markdown: 'Decay exponent (λ_i ∝ i^(−exponent)).', examples: [1] },
    offset: {
      kind: 'number',
      exclusiveMinimum: -1,
      rule: '> -1 (so that i + offset > 0 for every i ≥ 1)',
      default: 0,
      description: 'Offset (> -1, default 0) shifting the index: lambda_i = first * ((i + offset) / (1 + offset))^(-exponent).',
      markdown: 'Offset (> −1, default 0) shifting the index: λ_i = first · ((i + offset) / (1 + offset))^(−exponent).',
    },
    scale,
  },
  snippets: [{ label: '{first, exponent}', body: { first: 3.0e5, exponent: 1 } }],
};

const exponential: ObjectDef = {
  kind: 'object',
  description: 'Exponential parameters: lambda_i = first * exp(-rate (i - 1)), i = 1..count.',
  markdown: 'Exponential parameters: λ_i = first · exp(−rate · (i − 1)), i = 1..count.',
  parameters: { shape: '{first, rate}' },
  required: ['first', 'rate'],
  properties: {
    first: variance('lambda_1 (≥ 0).', { markdown: 'λ_1 (≥ 0).', examples: [100] }),
    rate: { kind: 'number', minimum: 0, rule: '≥ 0 (a decaying spectrum)', description: 'Decay rate per component (≥ 0).', examples: [0.1] },
    scale,
  },
  snippets: [{ label: '{first, rate}', body: { first: 100, rate: 0.1 } }],
};

const uniform: ObjectDef = {
  kind: 'object',
  description: 'Uniform parameters: seeded draws low + (high - low) u, reproducible on every machine (xoshiro128**, src/core/numerics/rng.ts).',
  parameters: { shape: '{low, high, seed}' },
  required: ['low', 'high', 'seed'],
  properties: {
    low: variance('Lower bound (≥ 0).', { examples: [0] }),
    high: { kind: 'number', minimum: 0, rule: '≥ 0 (variances are non-negative)', description: 'Upper bound (≥ low, ≥ 0).', examples: [1.0e4] },
    seed: { kind: 'integer', minimum: 0, maximum: MAX_SEED, rule: SEED_RULE, description: 'Seed of the generator (a non-negative integer).', examples: [1] },
    scale,
  },
  snippets: [{ label: '{low, high, seed}', body: { low: 0, high: 1.0e4, seed: 1 } }],
};

/** Families whose parameter mapping may carry `scale` (flat and file take a scalar). */
export const FAMILIES_WITH_INNER_SCALE = ['power_law', 'exponential', 'uniform'] as const;

const familyGroup: ExclusiveGroup = {
  keys: ['flat', 'power_law', 'exponential', 'uniform', 'file'],
  required: true,
  reason: 'a spectrum has exactly one family',
  titles: {
    flat: 'flat: every component has the same variance',
    power_law: 'power_law: first · ((i + offset)/(1 + offset))^(−exponent)',
    exponential: 'exponential: first · exp(−rate (i − 1))',
    uniform: 'uniform: seeded draws in [low, high)',
    file: 'file: a 1-D .npy or .csv of variances',
  },
  missingMessage: '{path}: a spectrum mapping needs one family: {keys}.',
};

const spectrumMapping: ObjectDef = {
  kind: 'object',
  title: 'Spectrum family',
  description: 'A mapping with exactly one family (flat, power_law, exponential, uniform, file), optionally with scale.',
  markdown: 'A mapping with exactly one family (`flat`, `power_law`, `exponential`, `uniform`, `file`), optionally with `scale`.',
  properties: {
    flat: variance('{flat: v}: every component has variance v (≥ 0).', { examples: [1] }),
    power_law: powerLaw,
    exponential,
    uniform,
    file: filePath(
      '{file: path}: a 1-D .npy / .csv / .tsv / .txt file of variances, relative to the spec. Not read in untrusted workspaces.',
      SPECTRUM_FILE_EXTENSIONS,
      'a 1-D array of eigenvalues',
      ['spectra/signal.npy'],
    ),
    scale,
  },
  exclusive: [familyGroup],
  rules: [
    {
      id: 'scale-once',
      doc: "`scale` next to a family or inside its parameters, not both (conflicting-keys on the inner 'scale').",
      schema: { not: { anyOf: FAMILIES_WITH_INNER_SCALE.map((f) => ({ required: ['scale', f], properties: { [f]: has('scale') } })) } },
    },
  ],
};

const SPECTRUM_SNIPPETS: readonly Snippet[] = [
  { label: 'power_law', description: 'first · ((i + offset)/(1 + offset))^(−exponent)', body: { power_law: { first: 3.0e5, exponent: 1 } } },
  { label: 'exponential', description: 'first · exp(−rate (i − 1))', body: { exponential: { first: 100, rate: 0.1 } } },
  { label: 'uniform', description: 'seeded draws in [low, high)', body: { uniform: { low: 0, high: 1.0e4, seed: 1 } } },
  { label: 'flat', description: 'the same variance for every component', body: { flat: 1 } },
  { label: 'file', description: 'a 1-D .npy or .csv of variances', body: { file: 'spectra/signal.npy' } },
];

function spectrumDef(nonEmpty: boolean): UnionDef {
  return {
    kind: 'union',
    title: nonEmpty ? 'Spectrum (at least one component)' : 'Spectrum',
    description:
      'A spectrum: per-component variances. A number (flat), a list of numbers (explicit; its length is the count) or a mapping with exactly one family (flat, power_law, exponential, uniform, file), optionally with scale. See docs/architecture.md §1.',
    markdown:
      'A spectrum: per-component variances. A number (flat), a list of numbers (explicit; its length is the count) or a mapping with exactly one family (`flat`, `power_law`, `exponential`, `uniform`, `file`), optionally with `scale`. See docs/architecture.md §1.',
    expected: 'a number, a list of numbers or a spectrum mapping such as {power_law: {first: 1, exponent: 1}}',
    snippets: SPECTRUM_SNIPPETS,
    branches: [
      variance('Flat spectrum: every component has this variance (≥ 0).', { title: 'Flat: one variance for every component', examples: [1000] }),
      {
        kind: 'array',
        title: 'Explicit list of variances',
        description: nonEmpty
          ? 'Explicit per-component variances (at least one); the list length is the component count.'
          : 'Explicit per-component variances; the list length is the component count.',
        items: variance('A variance (≥ 0).'),
        ...(nonEmpty ? { minItems: 1 } : {}),
        examples: [[3, 2, 1]],
      },
      spectrumMapping,
    ],
  };
}

/** Shared definitions (JSON Schema `definitions`), referenced by `ref` nodes. */
export const DEFINITIONS: Readonly<Record<string, DefNode>> = {
  spectrum: spectrumDef(false),
  nonEmptySpectrum: spectrumDef(true),
};

const ref = (name: 'spectrum' | 'nonEmptySpectrum', description: string, extra: Partial<RefDef> = {}): RefDef => ({
  kind: 'ref',
  ref: name,
  description,
  ...extra,
});

// ---------------------------------------------------------------------------------------
// Blocks: signal, noise, data.noise
// ---------------------------------------------------------------------------------------

const COMPONENTS = { maximum: LIMITS.maxComponentsPerBlock, what: 'components per block' };

/** count is needed unless a list or a file tells the number of components (`count-required`). */
const countOrListRule = {
  id: 'count-or-list',
  doc: "'count' is required unless variance or augmentation is an explicit list or a file (count-required).",
  schema: {
    anyOf: [has('count'), ...['variance', 'augmentation'].flatMap((k) => [at(k, { type: 'array' }), at(k, { type: 'object', required: ['file'] })])],
  },
};

function blockDef(description: string, markdown: string, count: NumberDef, nonEmpty: boolean, snippet: Snippet): ObjectDef {
  const spectrum = nonEmpty ? 'nonEmptySpectrum' : 'spectrum';
  return {
    kind: 'object',
    description,
    markdown,
    properties: {
      count,
      variance: ref(spectrum, 'The variance spectrum of this block.', { snippets: SPECTRUM_SNIPPETS }),
      augmentation: ref(spectrum, 'lambda^Theta: the augmentation variance per component (default 0).', {
        markdown: 'λ^Θ: the augmentation variance per component (default 0).',
        default: 0,
      }),
    },
    ...(nonEmpty ? { required: ['variance'] } : {}),
    rules: nonEmpty
      ? [countOrListRule]
      : [
          countOrListRule,
          {
            id: 'variance-unless-empty',
            doc: "'variance' is required unless count is 0 (missing-field).",
            schema: { anyOf: [has('variance'), at('count', { const: 0 })] },
          },
        ],
    snippets: [snippet],
  };
}

const signal = blockDef(
  'The k important components (docs/theory.md §3): variance c_i = kappa_i^2 / n and augmentation lambda^Theta_i.',
  'The k important components (docs/theory.md §3): variance c_i = κ_i² / n and augmentation λ^Θ_i.',
  {
    kind: 'integer',
    minimum: 1,
    rule: 'a positive integer (at least one important component, docs/theory.md §3)',
    limit: COMPONENTS,
    description: 'k, the number of important components (≥ 1). May be omitted when a spectrum is an explicit list or a file.',
    examples: [50],
  },
  true,
  { label: '{count, variance}', body: { count: 50, variance: { power_law: { first: 3.0e5, exponent: 1 } } } },
);

const noiseCount = (description: string): NumberDef => ({
  kind: 'integer',
  minimum: 0,
  rule: 'a non-negative integer',
  limit: COMPONENTS,
  description,
  examples: [50],
});

const noise = blockDef(
  'The d - k irrelevant (noise) components (docs/theory.md §3): variance lambda^Gamma_j and augmentation lambda^Theta_j.',
  'The d − k irrelevant (noise) components (docs/theory.md §3): variance λ^Γ_j and augmentation λ^Θ_j.',
  {
    ...noiseCount('d - k, the number of noise components (≥ 0). May be omitted when a spectrum is an explicit list or a file.'),
    markdown: 'd − k, the number of noise components (≥ 0). May be omitted when a spectrum is an explicit list or a file.',
  },
  false,
  { label: '{count, variance}', body: { count: 50, variance: { uniform: { low: 0, high: 1.0e6, seed: 2 } } } },
);

const dataNoise = blockDef(
  'Noise coordinates appended to the data (like a spectral noise block), as in P1.',
  'Noise coordinates appended to the data (like a spectral noise block), as in P1.',
  noiseCount('Number of appended noise coordinates (≥ 0).'),
  false,
  { label: '{count, variance}', body: { count: 20, variance: { uniform: { low: 0, high: 4000, seed: 2 } } } },
);

// ---------------------------------------------------------------------------------------
// simulate (docs/theory.md §6.1)
// ---------------------------------------------------------------------------------------

const sampleSize = (description: string, examples: number[]): NumberDef => ({
  kind: 'integer',
  minimum: 1,
  rule: 'a positive integer',
  limit: { maximum: LIMITS.maxSimulationN, what: 'samples' },
  description,
  examples,
});

const nRange: ObjectDef = {
  kind: 'object',
  title: 'Log-spaced grid {from, to, points}',
  description: 'Log-spaced grid from `from` to `to` with `points` points (rounded to integers, deduplicated).',
  parameters: { shape: '{from, to, points}' },
  required: ['from', 'to', 'points'],
  properties: {
    from: sampleSize('Smallest n.', [100]),
    to: sampleSize('Largest n (> from).', [100000]),
    points: {
      kind: 'integer',
      minimum: 2,
      rule: 'an integer ≥ 2',
      limit: { maximum: LIMITS.maxSimulationPoints, what: 'points' },
      description: 'Number of grid points (≥ 2).',
      examples: [7],
    },
  },
  snippets: [{ label: '{from, to, points}', body: { from: 100, to: 100000, points: 7 } }],
};

const simulate: ObjectDef = {
  kind: 'object',
  description: 'A finite-n experiment (docs/theory.md §6.1, paper Fig. 3).',
  required: ['n'],
  requiredHints: { n: ' (a list of sample sizes or {from, to, points})' },
  properties: {
    n: {
      kind: 'union',
      description: 'Sample sizes: a list of positive integers, or {from, to, points} log-spaced (rounded, deduplicated).',
      markdown: 'Sample sizes: a list of positive integers, or `{from, to, points}` log-spaced (rounded, deduplicated).',
      expected: 'a list of sample sizes or a mapping {from, to, points}',
      snippets: [{ label: '{from, to, points}', body: { from: 100, to: 100000, points: 7 } }],
      branches: [
        {
          kind: 'array',
          title: 'Explicit sample sizes',
          description: 'Explicit sample sizes.',
          minItems: 1,
          maxItems: LIMITS.maxSimulationPoints,
          items: sampleSize('A sample size.', [1000]),
          examples: [[100, 1000, 10000]],
        },
        nRange,
      ],
    },
    alpha: {
      kind: 'union',
      description: 'The alphas to simulate (default: the top-level alpha).',
      expected: 'a number',
      examples: [[0.1, 1, 10]],
      branches: [
        {
          kind: 'array',
          title: 'A list of alphas',
          description: 'A list of alphas (≥ 0).',
          minItems: 1,
          maxItems: LIMITS.maxSimulationPoints,
          items: alphaNumber('An alpha (≥ 0).'),
        },
        alphaNumber('A single alpha (≥ 0).', { title: 'One alpha' }),
      ],
    },
    repeats: {
      kind: 'integer',
      minimum: 1,
      rule: 'a positive integer',
      limit: { maximum: LIMITS.maxSimulationRepeats },
      default: 5,
      description: 'Independent repetitions per grid point.',
    },
    seed: { kind: 'integer', minimum: 0, maximum: MAX_SEED, rule: SEED_RULE, default: 0, description: 'Seed of the simulation.' },
    metric: {
      kind: 'enum',
      values: ['probe-gap', 'subspace-angle'],
      default: 'probe-gap',
      description: 'What is measured: probe-gap (difference in linear-probe training MSE, as in P1) or subspace-angle (largest principal angle).',
      markdown: 'What is measured: `probe-gap` (difference in linear-probe training MSE, as in P1) or `subspace-angle` (largest principal angle).',
    },
  },
  snippets: [{ label: '{n, alpha}', body: { n: { from: 100, to: 100000, points: 7 }, alpha: [0.1, 1, 10] } }],
};

// ---------------------------------------------------------------------------------------
// data (data mode and graph mode)
// ---------------------------------------------------------------------------------------

const matrixDoc = (description: string, covariance = false, examples?: unknown[]) => ({
  kind: 'matrix' as const,
  description,
  ...(covariance ? { covariance: true } : {}),
  ...(examples ? { examples } : {}),
});

const labels: ObjectDef = {
  kind: 'object',
  description: 'Labels: a column of the data ({column: -1}) or a file ({file, key?}).',
  markdown: 'Labels: a column of the data (`{column: -1}`) or a file (`{file, key?}`).',
  expected: 'a mapping {column} or {file, key?}',
  properties: {
    column: {
      kind: 'integer',
      rule: 'an integer column index (negative counts from the end)',
      description: 'Column index of the labels in the data (negative counts from the end).',
      examples: [-1],
    },
    file: filePath('Labels file (.npy, .npz, .csv), one label per row, relative to the spec.', DATA_FILE_EXTENSIONS, 'labels', ['labels.npy']),
    key: { kind: 'string', description: 'Array name inside a .npz labels file.', examples: ['y'] },
  },
  exclusive: [
    {
      keys: ['column', 'file'],
      required: true,
      reason: 'labels come either from a column of the data or from a file',
      titles: { column: 'Labels from a column of the data', file: 'Labels from a file' },
      missingHint: " (or 'file')",
    },
  ],
  rules: [
    {
      id: 'labels-key-npz',
      doc: "'key' applies to a .npz labels file (conflicting-keys next to 'column', invalid-value otherwise).",
      schema: npzKeyRule('file'),
    },
  ],
  snippets: [
    { label: '{column: -1}', description: 'the last column of the data', body: { column: -1 } },
    { label: '{file}', description: 'a labels file', body: { file: 'labels.npy' } },
  ],
};

const dataFileGroup = (inline: string, moments = false): ExclusiveGroup => ({
  keys: moments ? ['file', 'X', 'moments'] : ['file', 'X'],
  required: true,
  reason: moments ? 'give the data inline (X), as a file, or as its moments (moments)' : 'give the data either inline (X) or as a file',
  titles: { file: 'Data from a file', X: inline, ...(moments ? { moments: 'Sufficient statistics (sslexp moments)' } : {}) },
  missingHint: moments ? " (or an inline matrix 'X', or 'moments')" : " (or an inline matrix 'X')",
});

const dataKeyRule = { id: 'data-key-npz', doc: "'key' needs data.file to be a .npz archive (invalid-value).", schema: npzKeyRule('file') };
const dataKey: StringDef = { kind: 'string', description: 'Array name inside a .npz data file.', examples: ['X'] };

const data: ObjectDef = {
  kind: 'object',
  description: "Data mode: the paper's linear pipeline on real data or explicit matrices (docs/architecture.md §1).",
  expected: 'a mapping {file | X, labels, center, pca, noise}',
  properties: {
    file: filePath('Data matrix file (rows are samples): .npy, .npz (with key), .csv. Relative to the spec.', DATA_FILE_EXTENSIONS, 'a data matrix', [
      'data/digits.csv',
    ]),
    X: matrixDoc('Inline data matrix (rows are samples).', false, [
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    ]),
    Y: {
      kind: 'union',
      description: 'Inline targets: a matrix with one row per sample, or a list (one value per sample).',
      expected: 'a matrix (a list of rows)',
      branches: [
        { ...matrixDoc('Targets, one row per sample.'), title: 'Target rows' },
        {
          kind: 'array',
          title: 'One target per sample',
          description: 'One target per sample.',
          minItems: 1,
          items: { kind: 'number', description: 'A target.' },
        },
      ],
    },
    key: dataKey,
    labels: {
      ...labels,
      description: 'Labels for the probe metric: a column of the data ({column: -1}) or a file ({file, key?}); they become one-hot targets.',
    },
    center: {
      kind: 'boolean',
      expected: 'a boolean (true or false)',
      description:
        "Center the data (subtract the column means). Default: true with pca (P1's pipeline centres through PCA), false otherwise: P1's second moments are uncentred (docs/theory.md §1).",
      markdown:
        "Center the data (subtract the column means). Default: `true` with `pca` (P1's pipeline centres through PCA), `false` otherwise: P1's second moments are uncentred (docs/theory.md §1).",
      examples: [true],
    },
    pca: {
      kind: 'integer',
      minimum: 1,
      rule: 'a positive integer (the number of principal components kept)',
      description: "Keep the top pca principal components as the important features (P1's pipeline, docs/theory.md §6.1).",
      examples: [20],
    },
    noise: dataNoise,
    moments: {
      kind: 'object',
      description:
        'The data as their sufficient statistics: a .npz written by `sslexp moments` (n, column sums, X^T X and, when present, view and label statistics; docs/spec.md "Moments as a file"). Everything but the finite-n simulation and the probe is computed from it.',
      markdown:
        'The data as their sufficient statistics: a `.npz` written by `sslexp moments` (n, column sums, XᵀX and, when present, view and label statistics; docs/spec.md "Moments as a file"). Everything but the finite-n simulation and the probe is computed from it.',
      parameters: { shape: '{file}' },
      required: ['file'],
      properties: { file: filePath('Moments file (.npz from `sslexp moments`), relative to the spec.', ['.npz'], 'a moments file', ['data/moments.npz']) },
      snippets: [{ label: '{file}', body: { file: 'data/moments.npz' } }],
    },
  },
  exclusive: [dataFileGroup('Inline data matrix X', true)],
  rules: [
    dataKeyRule,
    {
      id: 'moments-alone',
      doc: 'data.moments already holds the label statistics: labels, Y and key are not allowed next to it (conflicting-keys).',
      schema: { if: has('moments'), then: { not: { anyOf: [has('labels'), has('Y'), has('key')] } } },
    },
  ],
  snippets: [{ label: '{file, labels, pca}', body: { file: 'data/digits.csv', labels: { column: -1 }, pca: 20 } }],
};

const GRAPH_ONLY_DATA = 'graph mode analyses the rows as they are';

const graphData: ObjectDef = {
  kind: 'object',
  description:
    'Graph mode: the N x D rows, every view its own row (.npy/.npz/.csv or inline X); an n x V x D .npy is read as N = nV rows. Optional labels, one per row.',
  markdown:
    'Graph mode: the N × D rows, every view its own row (`.npy`/`.npz`/`.csv` or inline `X`); an n × V × D `.npy` is read as N = nV rows. Optional `labels`, one per row.',
  expected: 'a mapping {file | X, labels, center}',
  properties: {
    file: {
      ...filePath(
        'The rows (N x D; an n x V x D .npy is read as N = nV rows): .npy, .npz (with key), .csv. Relative to the spec.',
        DATA_FILE_EXTENSIONS,
        'a data matrix',
        ['data/views.npy'],
      ),
      markdown: 'The rows (N × D; an n × V × D `.npy` is read as N = nV rows): `.npy`, `.npz` (with `key`), `.csv`. Relative to the spec.',
    },
    X: {
      ...matrixDoc('Inline rows (N x D): every view its own row.', false, [
        [
          [1, 0],
          [0.9, 0.1],
          [0, 1],
          [0.1, 0.9],
        ],
      ]),
      markdown: 'Inline rows (N × D): every view its own row.',
    },
    key: dataKey,
    labels: { ...labels, description: 'Optional downstream labels, one per row: a column of the data ({column: -1}) or a file ({file, key?}).' },
    center: {
      kind: 'boolean',
      expected: 'a boolean (true or false)',
      default: false,
      description: 'Center the rows (subtract the column means) before the analysis; default false in graph mode.',
    },
  },
  exclusive: [dataFileGroup('Inline rows X')],
  forbidden: {
    pca: `data.pca: 'pca' belongs to data mode (P1's pipeline); it is not allowed in graph mode: ${GRAPH_ONLY_DATA}.`,
    noise: `data.noise: 'noise' belongs to data mode (P1's appended noise coordinates); it is not allowed in graph mode: ${GRAPH_ONLY_DATA}.`,
    Y: "data.Y: 'Y' belongs to data mode; in graph mode give downstream labels as 'labels' ({column} or {file}).",
  },
  rules: [dataKeyRule],
  snippets: [{ label: '{file}', body: { file: 'data/views.npy' } }],
};

// ---------------------------------------------------------------------------------------
// augmentation (data mode)
// ---------------------------------------------------------------------------------------

const covarianceOrSpectrum = (name: string, symbol: string, description: string): UnionDef => ({
  kind: 'union',
  description,
  markdown: description.split(name).join(symbol),
  expected: 'a square covariance matrix or a spectrum',
  snippets: SPECTRUM_SNIPPETS,
  branches: [
    {
      ...matrixDoc(`${name}: a square, symmetric covariance matrix (list of rows).`, true),
      markdown: `${symbol}: a square, symmetric covariance matrix (list of rows).`,
      title: 'Covariance matrix',
    },
    ref('spectrum', `${name}: a spectrum (the diagonal of a diagonal covariance).`, {
      markdown: `${symbol}: a spectrum (the diagonal of a diagonal covariance).`,
      title: 'Spectrum (diagonal)',
    }),
  ],
  examples: [1],
});

const viewsFile: ObjectDef = {
  kind: 'object',
  description:
    'Your own augmentations: an n x V x d array (V ≥ 2 augmented views of each of the n samples of data, in the same order), .npy or .npz (with key). Empirical moments: x̄_i = mean of the views of sample i, Sigma = (1/n) Σ_i 1/(V-1) Σ_v (view - x̄_i)(view - x̄_i)^T (docs/theory.md §2.1).',
  markdown:
    'Your own augmentations: an n × V × d array (V ≥ 2 augmented views of each of the n samples of `data`, in the same order), `.npy` or `.npz` (with `key`). Empirical moments: x̄ᵢ = mean of the views of sample i, Σ = (1/n) Σᵢ 1/(V−1) Σᵥ (view − x̄ᵢ)(view − x̄ᵢ)ᵀ (docs/theory.md §2.1).',
  parameters: { shape: '{file, key?}' },
  required: ['file'],
  properties: {
    file: {
      ...filePath('Views file: an n x V x d array (.npy or .npz), relative to the spec.', ['.npy', '.npz'], 'the views', ['data/views.npy']),
      markdown: 'Views file: an n × V × d array (`.npy` or `.npz`), relative to the spec.',
    },
    key: { kind: 'string', description: 'Array name inside a .npz views file.', examples: ['views'] },
  },
  rules: [{ id: 'views-key-npz', doc: "'key' needs augmentation.views.file to be a .npz archive (invalid-value).", schema: npzKeyRule('file') }],
  snippets: [{ label: '{file}', body: { file: 'data/views.npy' } }],
};

const augmentation: ObjectDef = {
  kind: 'object',
  description: 'Data-mode augmentation: exactly one of additive, masking, covariance, views.',
  markdown: 'Data-mode augmentation: exactly one of `additive`, `masking`, `covariance`, `views`.',
  expected: 'a mapping with one of additive, masking, covariance, views',
  properties: {
    additive: {
      kind: 'object',
      nullable: true,
      description: 'Additive augmentation x + theta + alpha gamma: Sigma = Theta + alpha^2 Gamma.',
      markdown: 'Additive augmentation x + θ + αγ: Σ = Θ + α²Γ.',
      expected: 'a mapping {alpha?, theta?, gamma?}',
      properties: {
        alpha: alphaNumber('alpha ≥ 0 (default: the top-level alpha, else 0).', { examples: [1] }),
        theta: covarianceOrSpectrum('Theta', 'Θ', 'Theta: a square covariance matrix or a spectrum. With data.pca, a spectrum over the pca components.'),
        gamma: covarianceOrSpectrum('Gamma', 'Γ', 'Gamma: a square covariance matrix or a spectrum. Not with data.pca (Gamma is data.noise.variance).'),
      },
      snippets: [{ label: '{alpha}', body: { alpha: 1 } }],
    },
    masking: {
      kind: 'object',
      description: 'Random masking: each coordinate kept with probability keep.',
      parameters: { shape: '{keep}' },
      required: ['keep'],
      properties: {
        keep: {
          kind: 'number',
          exclusiveMinimum: 0,
          maximum: 1,
          rule: 'in (0, 1] (the probability of keeping a coordinate)',
          description: 'Probability of keeping a coordinate, in (0, 1].',
          examples: [0.5],
        },
      },
      snippets: [{ label: '{keep}', body: { keep: 0.5 } }],
    },
    covariance: matrixDoc('An explicit augmentation covariance: a square, symmetric d x d matrix (list of rows).', true, [
      [
        [1, 0],
        [0, 1],
      ],
    ]),
    views: viewsFile,
  },
  exclusive: [
    {
      keys: ['additive', 'masking', 'covariance', 'views'],
      required: true,
      reason: 'give exactly one augmentation',
      titles: { additive: 'Additive: Θ + α²Γ', masking: 'Bernoulli masking', covariance: 'Explicit covariance', views: 'Your own views (n × V × d)' },
      missingHint: " (or 'masking', 'covariance' or 'views')",
    },
  ],
  snippets: [
    { label: 'additive', description: 'Θ + α²Γ', body: { additive: { alpha: 1 } } },
    { label: 'masking', description: 'Bernoulli masking', body: { masking: { keep: 0.5 } } },
    { label: 'views', description: 'your own augmented views', body: { views: { file: 'data/views.npy' } } },
  ],
};

// ---------------------------------------------------------------------------------------
// graph mode (docs/theory.md §7)
// ---------------------------------------------------------------------------------------

const rowIndex: NumberDef = { kind: 'integer', minimum: 0, rule: 'a non-negative integer (a 0-based row index)', description: 'A 0-based row index.' };

const edge: TupleDef = {
  kind: 'tuple',
  description: 'A positive pair [i, j] or a weighted pair [i, j, w] (0-based row indices, i != j, weight w > 0, default 1).',
  expected: 'a pair [i, j] or a weighted pair [i, j, w]',
  minItems: 2,
  items: [
    { ...rowIndex, description: 'i, a 0-based row index.' },
    { ...rowIndex, description: 'j, a 0-based row index (j != i).' },
    { kind: 'number', exclusiveMinimum: 0, rule: '> 0 (the weight of the pair)', description: 'w, the weight of the pair (> 0, default 1).' },
  ],
};

const graph: ObjectDef = {
  kind: 'object',
  description: 'Graph mode: the positive-pair relation G over the N rows of data (docs/theory.md §7.2). Exactly one of views, labels, knn, edges.',
  markdown: 'Graph mode: the positive-pair relation G over the N rows of `data` (docs/theory.md §7.2). Exactly one of `views`, `labels`, `knn`, `edges`.',
  expected: 'a mapping with one of views, labels, knn, edges',
  properties: {
    views: {
      kind: 'integer',
      minimum: 2,
      rule: 'an integer ≥ 2 (views per sample)',
      description: 'V ≥ 2: consecutive groups of V rows are views of one sample; G = I_n ⊗ (11ᵀ − I).',
      examples: [2],
    },
    labels: {
      kind: 'boolean',
      const: true,
      rule: 'true (G_ij = 1[y_i = y_j] over data.labels); for another relation give views, knn or edges instead',
      description: 'true: G_ij = 1[y_i = y_j] for i != j, from data.labels (which is then required).',
      examples: [true],
    },
    knn: {
      kind: 'object',
      description: "Each row's k nearest other rows (Euclidean; ties to the lower index), symmetrised by 'or', weight 1.",
      parameters: { shape: '{k}' },
      required: ['k'],
      properties: { k: { kind: 'integer', minimum: 1, rule: 'a positive integer', description: 'k ≥ 1 neighbours per row (< N).', examples: [10] } },
      snippets: [{ label: '{k}', body: { k: 10 } }],
    },
    edges: {
      kind: 'union',
      description:
        'Explicit positive pairs: a list of [i, j] or [i, j, w] (0-based, symmetrised, duplicates summed), or {file: pairs.csv} with rows "i,j[,w]".',
      expected: 'a list of pairs [i, j] or a mapping {file}',
      branches: [
        {
          kind: 'array',
          title: 'A list of pairs',
          description: 'Pairs [i, j] or [i, j, w].',
          minItems: 1,
          items: edge,
          examples: [
            [
              [0, 1],
              [1, 2, 0.5],
            ],
          ],
        },
        {
          kind: 'object',
          title: 'Pairs from a CSV file',
          description: 'A CSV file of pairs "i,j[,w]" with an optional header, relative to the spec.',
          parameters: { shape: '{file}' },
          required: ['file'],
          properties: { file: filePath('CSV file of pairs "i,j[,w]", relative to the spec.', EDGE_FILE_EXTENSIONS, 'an edge list', ['pairs.csv']) },
          snippets: [{ label: '{file}', body: { file: 'pairs.csv' } }],
        },
      ],
    },
  },
  exclusive: [
    {
      keys: ['views', 'labels', 'knn', 'edges'],
      required: true,
      reason: 'give exactly one pair relation',
      titles: { views: 'Views of one sample', labels: 'Same label', knn: 'k nearest neighbours', edges: 'Explicit pairs' },
      missingHint: " (or 'labels', 'knn' or 'edges')",
    },
  ],
  snippets: [
    { label: 'views', description: 'V consecutive rows per sample', body: { views: 2 } },
    { label: 'labels', description: 'pairs of rows with the same label', body: { labels: true } },
    { label: 'knn', description: 'k nearest neighbours', body: { knn: { k: 10 } } },
    {
      label: 'edges',
      description: 'explicit pairs',
      body: {
        edges: [
          [0, 1],
          [1, 2],
        ],
      },
    },
  ],
};

const emptyMethod = (description: string): ObjectDef => ({ kind: 'object', nullable: true, description, properties: {}, expected: 'an empty mapping {}' });

const methods: ObjectDef = {
  kind: 'object',
  description: 'The methods to compare (default: all three, with VICReg weights variance = invariance = 25). Barlow Twins needs graph.views = 2.',
  expected: 'a mapping {vicreg?, simclr?, barlow?}',
  minProperties: 1,
  minPropertiesMessage: "methods: give at least one of vicreg, simclr, barlow (or omit 'methods' for all three).",
  properties: {
    vicreg: {
      kind: 'object',
      nullable: true,
      description:
        'VICReg with hinge variance weight a (variance), invariance weight g (invariance) and covariance weight b (covariance; omitted: b -> infinity, docs/theory.md §7.5).',
      expected: 'a mapping {variance?, invariance?, covariance?}',
      properties: {
        variance: {
          kind: 'number',
          exclusiveMinimum: 0,
          rule: '> 0 (the VICReg variance weight a)',
          default: GRAPH_DEFAULTS.variance,
          description: `a, the variance (hinge) weight (> 0, default ${GRAPH_DEFAULTS.variance}).`,
        },
        invariance: {
          kind: 'number',
          exclusiveMinimum: 0,
          rule: '> 0 (the VICReg invariance weight g)',
          default: GRAPH_DEFAULTS.invariance,
          description: `g, the invariance weight (> 0, default ${GRAPH_DEFAULTS.invariance}): high trusts G more.`,
        },
        covariance: {
          kind: 'number',
          exclusiveMinimum: 0,
          rule: '> 0 (the VICReg covariance weight b)',
          description:
            "b, the covariance weight (> 0; VICReg's original value is 1). Omitted: the b -> infinity closed form. Given: the finite-b optimum is found numerically, and it can lose rank (docs/theory.md §7.9.4).",
          markdown:
            "b, the covariance weight (> 0; VICReg's original value is 1). Omitted: the b → ∞ closed form. Given: the finite-b optimum is found numerically, and it can lose rank (docs/theory.md §7.9.4).",
          examples: [1],
        },
      },
      snippets: [{ label: '{variance, invariance}', body: { variance: GRAPH_DEFAULTS.variance, invariance: GRAPH_DEFAULTS.invariance } }],
    },
    simclr: emptyMethod('The spectral-contrastive surrogate of SimCLR with the kernel D^(−1/2) G D^(−1/2) (docs/theory.md §7.6).'),
    barlow: emptyMethod('Barlow Twins as linear CCA of the two views (docs/theory.md §7.7); needs graph.views = 2.'),
  },
  snippets: [{ label: 'all three', body: { vicreg: { variance: GRAPH_DEFAULTS.variance, invariance: GRAPH_DEFAULTS.invariance }, simclr: {}, barlow: {} } }],
};

// ---------------------------------------------------------------------------------------
// The root and its modes
// ---------------------------------------------------------------------------------------

const GRAPH_KEY = (key: string) => `'${key}' belongs to graph mode, which needs a top-level 'graph' (the positive-pair relation).`;
const notInGraph = (key: string, why: string) => `'${key}' is not allowed in graph mode: ${why}.`;
const notWithData = (key: string) => `'${key}' cannot be used together with 'data': a spec is either spectral (signal + noise) or data mode (data).`;

const modes: readonly ModeDef[] = [
  {
    mode: 'spectral',
    title: 'Spectral mode',
    description: 'Spectral mode: signal + noise (docs/theory.md §3).',
    required: ['signal', 'noise'],
    requiredHint: " (spectral mode needs 'signal' and 'noise'; data mode needs 'data')",
    forbidden: {
      augmentation: "A top-level 'augmentation' belongs to data mode; in spectral mode put 'augmentation' inside 'signal' and 'noise'.",
      embedding: GRAPH_KEY('embedding'),
      methods: GRAPH_KEY('methods'),
    },
  },
  {
    mode: 'data',
    title: 'Data mode',
    description: 'Data mode: data (+ augmentation, latent).',
    key: 'data',
    required: ['data'],
    requiredHint: '',
    forbidden: { signal: notWithData('signal'), noise: notWithData('noise'), embedding: GRAPH_KEY('embedding'), methods: GRAPH_KEY('methods') },
    rules: [
      {
        id: 'no-pca-needs-latent',
        doc: "Without data.pca the encoders' dimension 'latent' is required (missing-field).",
        schema: { if: { properties: { data: { not: has('pca') } } }, then: has('latent') },
      },
      {
        id: 'no-pca-needs-augmentation',
        doc: "Without data.pca (and without data.moments, which may hold view statistics) an 'augmentation' is required to define Sigma (missing-field).",
        schema: { if: { properties: { data: { not: { anyOf: [has('pca'), has('moments')] } } } }, then: has('augmentation') },
      },
      {
        id: 'views-not-with-pca',
        doc: "augmentation.views gives Sigma in the data's own coordinates: not with data.pca (conflicting-keys).",
        schema: { if: { properties: { data: has('pca') } }, then: { properties: { augmentation: { not: has('views') } } } },
      },
      {
        id: 'views-not-with-moments',
        doc: 'With data.moments the views are already summarised in the moments file: augmentation.views is not allowed (conflicting-keys).',
        schema: { if: { properties: { data: has('moments') } }, then: { properties: { augmentation: { not: has('views') } } } },
      },
      {
        id: 'pca-theta-spectrum',
        doc: 'With data.pca, augmentation.additive.theta is a spectrum over the pca components, not a matrix (dimension-mismatch).',
        schema: {
          if: { properties: { data: has('pca') } },
          then: {
            properties: {
              augmentation: { properties: { additive: { properties: { theta: { not: { type: 'array', minItems: 1, items: [{ type: 'array' }] } } } } } },
            },
          },
        },
      },
      {
        id: 'pca-no-gamma',
        doc: 'With data.pca, Gamma is data.noise.variance: augmentation.additive.gamma is not allowed (conflicting-keys).',
        schema: {
          if: { properties: { data: has('pca') } },
          then: { properties: { augmentation: { properties: { additive: { properties: { gamma: false } } } } } },
        },
      },
    ],
  },
  {
    mode: 'graph',
    title: 'Graph mode',
    description: 'Graph mode: data rows, the pair relation graph and the representation dimension embedding (docs/theory.md §7).',
    key: 'graph',
    required: ['graph', 'data', 'embedding'],
    requiredHint: " (graph mode needs 'data', 'graph' and 'embedding')",
    forbidden: {
      signal: `'signal' cannot be used together with 'graph': graph mode describes the data by its rows ('data') and the pair relation ('graph'), not by spectra.`,
      noise: `'noise' cannot be used together with 'graph': graph mode describes the data by its rows ('data') and the pair relation ('graph'), not by spectra.`,
      augmentation: notInGraph('augmentation', "the positive pairs are given by 'graph' (views, labels, knn or edges), not by an augmentation model"),
      alpha: notInGraph('alpha', "alpha is P1's alignment of the augmentation with the noise; graph mode has no augmentation model"),
      simulate: notInGraph('simulate', 'graph mode has no finite-n simulation'),
      latent: notInGraph('latent', "the representation dimension of graph mode is 'embedding'"),
    },
    properties: { data: graphData },
    rules: [
      {
        id: 'labels-relation-needs-labels',
        doc: 'graph: {labels: true} needs data.labels (missing-field).',
        schema: { if: { required: ['graph'], properties: { graph: has('labels') } }, then: { properties: { data: has('labels') } } },
      },
    ],
  },
];

export const SPEC: RootDef = {
  kind: 'object',
  title: 'SSL Paradigm Advisor experiment spec (*.sslexp.yaml / *.sslexp.json)',
  description:
    'An SSL experiment: the spectra of the data, noise and augmentation (spectral mode), a data matrix (data mode) or data rows with a positive-pair graph (graph mode). Semantic checks (ranges across fields, files) are done by the extension. See docs/architecture.md §1.',
  expected: 'a mapping of fields (sslexp, signal, noise, ...)',
  required: ['sslexp'],
  properties: {
    sslexp: { kind: 'number', const: 1, expected: 'the number 1', description: 'Format version; must be 1.', examples: [1] },
    name: {
      kind: 'string',
      description: 'A human-readable name of the experiment, shown in the panel and the CLI.',
      examples: ['Natural images, cluttered background'],
    },
    signal,
    noise,
    alpha: alphaNumber('alpha ≥ 0: the alignment of the augmentation with the noise (tau(x) = x + theta + alpha gamma, docs/theory.md §3).', {
      markdown: 'α ≥ 0: the alignment of the augmentation with the noise (τ(x) = x + θ + αγ, docs/theory.md §3).',
      examples: [1],
    }),
    latent: {
      kind: 'integer',
      minimum: 1,
      rule: 'a positive integer (the latent dimension)',
      description: 'Latent dimension of the encoders (default: the number of important components); between 1 and d. Required in data mode without pca.',
      examples: [10],
    },
    simulate,
    regularize: {
      kind: 'number',
      exclusiveMinimum: 0,
      rule: '> 0 (eps in S + eps I, docs/theory.md §2.5)',
      description: 'Opt-in eps > 0: a ridge eps I added where the dense solvers invert a covariance (S + eps I, docs/theory.md §2.5).',
      examples: [1e-8],
    },
    data,
    augmentation,
    graph,
    embedding: {
      kind: 'integer',
      minimum: 1,
      rule: 'a positive integer (the representation dimension K)',
      description: 'K, the representation dimension of graph mode (1 ≤ K < N, K ≤ D).',
      examples: [8],
    },
    methods,
  },
  modes,
  rules: [
    {
      id: 'simulate-alpha',
      doc: "simulate without its own alpha needs the top-level 'alpha' (missing-field).",
      schema: { if: { required: ['simulate'], properties: { simulate: { not: has('alpha') } } }, then: has('alpha') },
    },
  ],
};

// ---------------------------------------------------------------------------------------
// Derived names (what the rest of the code imports)
// ---------------------------------------------------------------------------------------

/** The mode a root with these keys selects: the last mode whose key is present (graph > data > spectral). */
export function modeOfKeys(keys: ReadonlySet<string>): SpecMode {
  let mode: SpecMode = 'spectral';
  for (const m of SPEC.modes) if (m.key !== undefined && keys.has(m.key)) mode = m.mode;
  return mode;
}

export function modeDef(mode: SpecMode): ModeDef {
  return SPEC.modes.find((m) => m.mode === mode)!;
}

/** `rec[key]` when `key` is its own property (a user's key such as `constructor` is not). */
export function own<T>(rec: Readonly<Record<string, T>> | undefined, key: string | number): T | undefined {
  return rec !== undefined && Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** Resolves `ref` nodes to their definition. */
export function resolve(node: DefNode): Exclude<DefNode, RefDef> {
  return node.kind === 'ref' ? (resolve(DEFINITIONS[node.ref]) as Exclude<DefNode, RefDef>) : node;
}

function objectAt(node: DefNode, key: string): ObjectDef {
  const n = resolve(node);
  const child = n.kind === 'object' ? n.properties[key] : undefined;
  const r = child && resolve(child);
  if (!r || r.kind !== 'object') throw new Error(`definition: '${key}' is not a mapping`);
  return r;
}

export const SPECTRUM_FAMILIES = familyGroup.keys as readonly ['flat', 'power_law', 'exponential', 'uniform', 'file'];

/** Allowed keys of a mapping, in the definition's order (the order of "allowed keys: ..." messages). */
export function keysOf(def: ObjectDef): string[] {
  return Object.keys(def.properties);
}

/** The keys allowed at each position of the document, as the validator and the schema see them. */
export const SPEC_KEYS = {
  root: keysOf(SPEC),
  block: keysOf(signal),
  spectrum: keysOf(spectrumMapping),
  power_law: keysOf(powerLaw),
  exponential: keysOf(exponential),
  uniform: keysOf(uniform),
  simulate: keysOf(simulate),
  nRange: keysOf(nRange),
  data: keysOf(data),
  labels: keysOf(labels),
  augmentation: keysOf(augmentation),
  additive: keysOf(objectAt(augmentation, 'additive')),
  masking: keysOf(objectAt(augmentation, 'masking')),
  views: keysOf(viewsFile),
  moments: keysOf(objectAt(data, 'moments')),
  graph: keysOf(graph),
  graphData: keysOf(graphData),
  knn: keysOf(objectAt(graph, 'knn')),
  methods: keysOf(methods),
  vicreg: keysOf(objectAt(methods, 'vicreg')),
} as const;

export const SIMULATION_METRICS = (simulate.properties.metric as EnumDef).values as readonly SimulationMetric[];
/** simulate.repeats default (docs/architecture.md §1). */
export const DEFAULT_REPEATS = (simulate.properties.repeats as NumberDef).default as number;

/** Named nodes the validator reads (each a position of the document). */
export const DEF = {
  root: SPEC,
  signal,
  noise,
  dataNoise,
  spectrumMapping,
  powerLaw,
  exponential,
  uniform,
  simulate,
  nRange,
  data,
  graphData,
  labels,
  augmentation,
  additive: objectAt(augmentation, 'additive'),
  masking: objectAt(augmentation, 'masking'),
  views: viewsFile,
  moments: objectAt(data, 'moments'),
  graph,
  knn: objectAt(graph, 'knn'),
  edgesFile: (graph.properties.edges as UnionDef).branches[1] as ObjectDef,
  edge,
  methods,
  vicreg: objectAt(methods, 'vicreg'),
} as const;
