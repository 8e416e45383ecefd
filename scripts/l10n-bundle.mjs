#!/usr/bin/env node
// Writes l10n/bundle.l10n.json, the English bundle of every string the extension host shows
// (docs/architecture.md §2 "Localisation"): the first argument of every `vscode.l10n.t(…)` call
// (and of `l10n.t(…)` and `t(…)`, the translator the pure host modules and the theories' faces take as
// a parameter) in src/extension.ts, src/host/, src/preview/ and src/core/theories/*/face/, read with the
// TypeScript parser, and every message
// of the analysis panel's table `WEBVIEW_MESSAGES` in src/shared/webviewStrings.ts (the host
// translates the table by these English texts). A call whose message is not a string literal, or
// a table entry that is not one, is an error: its text could not be translated.
//
//   node scripts/l10n-bundle.mjs            writes the bundle
//   node scripts/l10n-bundle.mjs --check    exits 1 when the checked-in bundle differs
//   node scripts/l10n-bundle.mjs --stdout   prints the bundle (test/unit/l10n.test.ts)
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(import.meta.url)('typescript');
const out = join(root, 'l10n', 'bundle.l10n.json');

/** The host-side sources: src/extension.ts, every .ts under src/host and src/preview, and every theory's face (the editor's text of each theory). */
function hostFiles() {
  const files = [join(root, 'src', 'extension.ts')];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(join(root, 'src', 'host'));
  walk(join(root, 'src', 'preview'));
  const theories = join(root, 'src', 'core', 'theories');
  for (const e of readdirSync(theories, { withFileTypes: true }))
    if (e.isDirectory() && existsSync(join(theories, e.name, 'face'))) walk(join(theories, e.name, 'face'));
  return files.sort();
}

const TRANSLATORS = new Set(['vscode.l10n.t', 'l10n.t', 't']);

/** Every translated message of one source text, and the calls whose message is not a literal. */
function extract(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const messages = [];
  const errors = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && TRANSLATORS.has(node.expression.getText(sf))) {
      const arg = node.arguments[0];
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) messages.push(arg.text);
      else errors.push(`${relative(root, file)}:${line}: ${node.expression.getText(sf)}() needs a string literal as its message`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { messages, errors };
}

/** The English texts of the panel's table `WEBVIEW_MESSAGES` (an object literal of string literals). */
function extractWebviewMessages(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const messages = [];
  const errors = [];
  let found = false;
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'WEBVIEW_MESSAGES') {
      found = true;
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression?.(init) || ts.isParenthesizedExpression(init))) init = init.expression;
      if (!init || !ts.isObjectLiteralExpression(init)) {
        errors.push(`${relative(root, file)}: WEBVIEW_MESSAGES must be an object literal`);
        return;
      }
      for (const p of init.properties) {
        const line = sf.getLineAndCharacterOfPosition(p.getStart(sf)).line + 1;
        if (ts.isPropertyAssignment(p) && (ts.isStringLiteral(p.initializer) || ts.isNoSubstitutionTemplateLiteral(p.initializer)))
          messages.push(p.initializer.text);
        else errors.push(`${relative(root, file)}:${line}: every WEBVIEW_MESSAGES entry needs a string literal as its message`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (!found) errors.push(`${relative(root, file)}: no WEBVIEW_MESSAGES table`);
  return { messages, errors };
}

const WEBVIEW_STRINGS = join(root, 'src', 'shared', 'webviewStrings.ts');

const bundle = {};
const errors = [];
for (const file of hostFiles()) {
  const r = extract(file, readFileSync(file, 'utf8'));
  for (const m of r.messages) bundle[m] = m;
  errors.push(...r.errors);
}
{
  const r = extractWebviewMessages(WEBVIEW_STRINGS, readFileSync(WEBVIEW_STRINGS, 'utf8'));
  for (const m of r.messages) bundle[m] = m;
  errors.push(...r.errors);
}
if (errors.length) {
  process.stderr.write(`${errors.join('\n')}\n`);
  process.exit(1);
}
const sorted = Object.fromEntries(
  Object.keys(bundle)
    .sort()
    .map((k) => [k, bundle[k]]),
);
const text = `${JSON.stringify(sorted, null, 2)}\n`;

if (process.argv.includes('--stdout')) {
  process.stdout.write(text);
} else if (process.argv.includes('--check')) {
  if (!existsSync(out) || readFileSync(out, 'utf8') !== text) {
    process.stderr.write('l10n/bundle.l10n.json is out of date: run `npm run l10n`.\n');
    process.exit(1);
  }
  process.stderr.write(`l10n/bundle.l10n.json is up to date (${Object.keys(sorted).length} messages).\n`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stderr.write(`wrote l10n/bundle.l10n.json (${Object.keys(sorted).length} messages)\n`);
}
