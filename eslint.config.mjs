// `npm run lint` (eslint src test bench scripts). The layer rules of docs/architecture.md are
// enforced by test/unit/layers.test.ts (the whole import graph: cycles, dynamic imports, every
// layer); the `no-restricted-imports` blocks below mirror them per file so that an editor
// flags a forbidden import as it is typed. Keep the two in step.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));

/** `no-restricted-imports` options: vscode and/or Node built-ins, plus regex patterns. */
function restricted({ vscode = false, node = false, patterns = [] }) {
  const paths = [];
  if (vscode) paths.push({ name: 'vscode', message: 'only src/host, src/preview and src/extension.ts import vscode (docs/architecture.md)' });
  if (node) {
    for (const name of NODE_BUILTINS) paths.push({ name, message: 'src/core, src/webview and src/shared run without Node: no Node built-ins' });
  }
  const all = [...patterns];
  if (node) all.push({ regex: '^node:', message: 'src/core, src/webview and src/shared run without Node: no Node built-ins' });
  return ['error', { paths, patterns: all }];
}

/** A relative import that climbs `depth` folders or more: out of a bottom layer for a file `depth` below its root. */
const climbsOut = (depth, layer) => ({
  regex: `^(\\.\\./){${depth}}`,
  message: `${layer} is a bottom layer: it imports only from ${layer} (docs/architecture.md)`,
});
const otherTheory = (name) => ({
  regex: `(^|/)${name}(/|$)`,
  message: 'a theory never imports another theory: share through src/core/theories/theory.ts or a lower layer',
});

/** Outside src/core, a theory is reached through the engine or its public entry theories/<theory>/index.ts (docs/architecture.md §3.5). */
const theoryInternals = {
  regex: '(^|/)core/theories/(?![^/]+/index$)',
  message: 'outside src/core, reach a theory through src/core/engine or src/core/theories/<theory>/index.ts, not its internals',
};

/** Per-file layer rules; later blocks replace earlier ones, so each repeats what still applies. */
const layers = [
  { files: ['src/host/**/*.ts', 'src/preview/**/*.ts', 'src/extension.ts'], rules: { 'no-restricted-imports': restricted({ patterns: [theoryInternals] }) } },
  {
    files: ['src/cli/**/*.ts', 'src/worker/**/*.ts', 'src/node/**/*.ts', 'src/web/**/*.ts'],
    rules: { 'no-restricted-imports': restricted({ vscode: true, patterns: [theoryInternals] }) },
  },
  {
    files: ['src/webview/**/*.ts', 'src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': restricted({ vscode: true, node: true, patterns: [theoryInternals] }) },
  },
  { files: ['src/core/**/*.ts'], rules: { 'no-restricted-imports': restricted({ vscode: true, node: true }) } },
];
for (const layer of ['src/core/numerics', 'src/core/io']) {
  for (let depth = 1; depth <= 4; depth++) {
    layers.push({
      files: [`${layer}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: { 'no-restricted-imports': restricted({ vscode: true, node: true, patterns: [climbsOut(depth, layer)] }) },
    });
  }
}
for (const [theory, other] of [
  ['alignment', 'spectralEmbedding'],
  ['spectralEmbedding', 'alignment'],
]) {
  layers.push({
    files: [`src/core/theories/${theory}/**/*.ts`],
    rules: { 'no-restricted-imports': restricted({ vscode: true, node: true, patterns: [otherTheory(other)] }) },
  });
}

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'out/', '.cache/', 'test-results/', 'examples/', 'media/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
  },
  // Build scripts and tools: Node ESM.
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.ts'],
    rules: {
      // tsc (noUnusedLocals / noUnusedParameters) already reports these, with the same exceptions
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Shipped code logs through the extension's LogOutputChannel; the CLI writes through its io object.
  // Functions a reader takes in at once (docs/architecture.md "Conventions"); the host's files stay small.
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error', 'max-lines-per-function': ['error', { max: 100, skipBlankLines: false, skipComments: false, IIFEs: true }] },
  },
  { files: ['src/host/**/*.ts'], rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] } },
  ...layers,
);
