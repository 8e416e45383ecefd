/**
 * Every problem code the core emits, with its severity and a one-line summary (for the
 * README, the CLI's `--json` consumers and the tests: test/unit/spec-parse.test.ts checks
 * that every code the parser and the spectra emit is listed here with this severity).
 */
import type { Severity } from './problems';

export interface ProblemCodeInfo {
  severity: Severity;
  summary: string;
}

export const PROBLEM_CODES: Record<string, ProblemCodeInfo> = {
  // --- reading the text (src/core/spec/sourceTree.ts)
  'yaml-syntax': { severity: 'error', summary: 'The YAML is malformed (also: undefined or recursive alias, bad merge key, bad !!int/!!float value).' },
  'json-syntax': { severity: 'error', summary: 'The JSON is malformed (comments and trailing commas are errors in *.json).' },
  'duplicate-key': { severity: 'error', summary: 'A key appears twice in the same mapping (reported on the second one).' },
  'multi-document': { severity: 'error', summary: 'A YAML spec file holds more than one document.' },
  'unknown-tag': { severity: 'error', summary: 'A YAML tag other than the core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq).' },
  'tag-mismatch': {
    severity: 'error',
    summary: 'A core YAML tag that contradicts its node (!!null or !!str on a list, !!map on a list, !!bool on a mapping or a number, ...).',
  },
  'non-string-key': { severity: 'error', summary: 'A mapping key that is not a string (a number, null, a list or a mapping).' },
  'too-deep': { severity: 'error', summary: 'The document nests deeper than the limit (64 levels).' },
  'empty-document': { severity: 'error', summary: 'The file is empty or holds only whitespace or comments.' },
  'binary-file': { severity: 'error', summary: 'The file is not UTF-8 text (NUL bytes or invalid UTF-8).' },
  'internal-error': { severity: 'error', summary: 'A bug in the engine, reported instead of crashing.' },

  // --- structure and values (src/core/spec/parseSpec.ts)
  'unknown-key': { severity: 'error', summary: "A key that is not allowed at this position (with a 'did you mean' quick fix)." },
  'wrong-type': { severity: 'error', summary: 'A value of the wrong type (e.g. a string where a number is expected).' },
  'missing-field': { severity: 'error', summary: 'A required field is missing (e.g. sslexp, signal, noise, variance).' },
  'mode-conflict': {
    severity: 'error',
    summary:
      "Keys of two modes mixed: signal/noise with 'data' or 'graph', a top-level augmentation in spectral mode, augmentation/alpha/simulate/latent (or data.pca/noise/Y) in graph mode, graph keys without 'graph'.",
  },
  'conflicting-keys': { severity: 'error', summary: 'Two mutually exclusive keys (two spectrum families, file and X, two augmentations, ...).' },
  'unsupported-version': { severity: 'error', summary: 'sslexp is not 1.' },
  'invalid-value': { severity: 'error', summary: 'A non-finite number (.inf, .nan), an empty list/matrix/path, or a key that does not apply.' },
  'negative-variance': { severity: 'error', summary: 'A variance (signal, noise, augmentation, covariance diagonal) is negative.' },
  'negative-alpha': { severity: 'error', summary: 'alpha is negative (it must be ≥ 0, docs/theory.md §3).' },
  'count-mismatch': { severity: 'error', summary: 'count disagrees with the length of an explicit list or of a spectrum file.' },
  'count-required': { severity: 'error', summary: 'A block whose spectra do not determine the number of components has no count.' },
  'missing-parameter': { severity: 'error', summary: 'A spectrum family (or n: {from, to, points}) lacks a parameter.' },
  'out-of-range': { severity: 'error', summary: 'A number outside its allowed range (count, seed, offset, rate, scale, latent, keep, ...).' },
  'limit-exceeded': { severity: 'error', summary: 'A documented limit is exceeded (components per block, simulation sizes, file size, alias expansion).' },
  'invalid-enum': { severity: 'error', summary: "A value outside an enumeration (e.g. simulate.metric), with a 'did you mean' quick fix." },
  'ragged-matrix': { severity: 'error', summary: 'An inline matrix whose rows have different lengths.' },
  'not-symmetric': { severity: 'error', summary: 'A covariance matrix that is not symmetric.' },
  'dimension-mismatch': { severity: 'error', summary: 'Matrix sizes that do not fit each other or the data dimension.' },
  'unsupported-file-type': { severity: 'error', summary: 'A file path with an extension the readers do not support.' },
  'simulation-too-large': { severity: 'warning', summary: 'The dimension exceeds the simulation limit; the finite-n simulation will not run.' },
  'self-loop': { severity: 'error', summary: 'graph.edges lists a pair [i, i]: a row is not a positive pair of itself.' },
  'barlow-needs-two-views': {
    severity: 'info',
    summary: 'methods.barlow without graph.views = 2: Barlow Twins is skipped (reported as null); quick fix removes it.',
  },

  // --- evaluating spectra and files (src/core/spec/spectra.ts)
  'untrusted-file': { severity: 'warning', summary: 'Data files are not read in an untrusted workspace.' },
  'file-not-found': { severity: 'error', summary: 'A referenced file does not exist.' },
  'file-read-error': { severity: 'error', summary: 'A referenced file exists but cannot be read.' },
  'file-parse-error': {
    severity: 'error',
    summary: 'A referenced .npy / .npz / .csv file is malformed or has the wrong shape or dtype, or a moments file holds sums no samples can have.',
  },
  'zero-signal-variance': { severity: 'warning', summary: 'Some c_i = 0: the thresholds are infinite (docs/theory.md §4.5).' },
  'zero-noise-variance': { severity: 'warning', summary: 'Some lambda^Gamma_j = 0: excluded from the max (docs/theory.md §4.5).' },
  'singular-noise-component': { severity: 'warning', summary: 'lambda^Gamma_j = lambda^Theta_j = 0: the corrupted S is singular (docs/theory.md §4.5).' },

  // --- theory findings (src/core/findings.ts)
  'alpha-below-rc': {
    severity: 'warning',
    summary:
      'alpha is at or below alpha_RC: reconstruction will not recover the clean encoder (info when it is the paradigm not recommended and the other recovers); quick fix raises alpha.',
  },
  'alpha-below-je': {
    severity: 'warning',
    summary:
      'alpha is at or below alpha_JE: joint-embedding will not recover the clean encoder (info when the other paradigm recovers); quick fix raises alpha.',
  },
  regime: { severity: 'info', summary: 'The regime of Corollary 4.5 (low-noise, high-noise, mixed) and what it implies.' },

  // --- data mode and the dense solvers (src/core/dataMode.ts, src/core/simulateSpec.ts)
  'thresholds-not-applicable': {
    severity: 'info',
    summary: "The problem is not in the paper's form (docs/theory.md A6): closed-form solutions only, no thresholds.",
  },
  'singular-clean-problem': { severity: 'info', summary: 'The clean S is singular (docs/theory.md A7); the analytic reference solution is reported.' },
  'not-positive-definite': {
    severity: 'error',
    summary: "S = G + Σ is not positive definite within tolerance (docs/theory.md §2.5); 'regularize: eps' adds eps I.",
  },
  'not-finite': { severity: 'error', summary: 'A matrix holds NaN or infinite values.' },
  'no-convergence': { severity: 'error', summary: 'An eigen- or singular-value iteration did not converge.' },
  'simulation-shared-sample': {
    severity: 'info',
    summary: 'simulate on a data file read in one pass: the repeats share one sample of max(n) rows (independent parts would not fit the memory budget).',
  },
  'simulation-unsupported': { severity: 'error', summary: "simulate needs P1's additive augmentation (an alpha grid) and, in data mode, the pca pipeline." },
  'moments-only': {
    severity: 'info',
    summary: 'data.moments: analysed from the sufficient statistics alone (no finite-n simulation, linear probe or corrupted draw).',
  },
  'probe-skipped': { severity: 'info', summary: 'The linear probe of your own views needs samples in both its training and its test split.' },
  'views-fit': {
    severity: 'info',
    summary:
      "Your own views: P1's model fitted to them (docs/theory.md §6.4), the measured alpha with its interval and the thresholds; a warning when the fit residual is above 0.25 (far from P1's form).",
  },
  'alpha-unused': {
    severity: 'info',
    summary: 'A top-level alpha beside your own views: the analysis uses the alpha measured from the views (docs/theory.md §6.4), not this one.',
  },
  'views-fit-skipped': {
    severity: 'info',
    summary: "Your own views: P1's model could not be fitted (e.g. fewer than 2 directions outside latent); solutions only.",
  },

  // --- the editor (src/host/solverClient.ts; not emitted by the core)
  'worker-crashed': { severity: 'error', summary: 'The analysis of this spec stopped the solver worker (e.g. out of memory); the worker was restarted.' },

  // --- graph mode (src/core/theories/spectralEmbedding)
  'empty-graph': { severity: 'warning', summary: 'The pair graph G has no pairs (e.g. every label distinct): its Laplacian is 0.' },
  'non-unique-solution': {
    severity: 'info',
    summary:
      "A linear solution's K-th eigenvalue ties with the next: any K directions of that eigenspace are optimal, so its Gram WWᵀ is one of many (its eigenvalues and rank are unique).",
  },
};
