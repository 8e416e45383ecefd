/**
 * Localisation (docs/architecture.md §2 "Localisation"):
 *
 *   1. l10n/bundle.l10n.json is exactly what scripts/l10n-bundle.mjs extracts from the host code
 *      (every `vscode.l10n.t` message), and package.json points VS Code at it (`"l10n"`);
 *   2. no host file hands a bare string or template literal with words in it to a place the user
 *      reads (notifications and their buttons, QuickPick items and options, progress titles,
 *      save dialogs, status bar and CodeLens text and tooltips, panel titles, hovers), read with
 *      the TypeScript compiler API; self-tests on synthetic sources show the check finds each kind;
 *   3. every string of the manifest a user sees is a `%key%` of package.nls.json, and every key of
 *      package.nls.json is used;
 *   4. the settings: titled categories whose ids make VS Code's derived labels read cleanly (the
 *      derivation below mirrors settingKeyToDisplayFormat of VS Code's settingsTreeModels.ts), and
 *      integer settings with bounds;
 *   5. every `when` clause on a spec's file name is the code's matcher (SPEC_FILE_RE), case-insensitive;
 *   6. the analysis panel (src/webview): its messages are one table (src/shared/webviewStrings.ts) that
 *      the bundle contains, every message is used, and no webview file hands bare English to the DOM
 *      or to a chart (text, labels, aria labels, titles, axis titles, legends, annotations, table
 *      headers and cells), read with the TypeScript compiler API, with self-tests; the table's
 *      translation, validation and formatting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as TS from 'typescript';
import { formatMessage, parseWebviewStrings, translateWebviewMessages, WEBVIEW_MESSAGES } from '../../src/shared/webviewStrings';

const ts: typeof TS = createRequire(__filename)('typescript');
// out/test/unit/l10n.test.js -> repository root
const ROOT = path.resolve(__dirname, '../../..');
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const pkg = JSON.parse(read('package.json')) as { [k: string]: Json } & { contributes: { [k: string]: Json } };
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;

// ---------------------------------------------------------------------------------------------
// 1. The bundle

test('l10n/bundle.l10n.json is generated from the host code (run `node scripts/l10n-bundle.mjs`)', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'l10n-bundle.mjs'), '--stdout'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(read('l10n/bundle.l10n.json'), r.stdout, 'the checked-in bundle differs from the host code');
  const bundle = JSON.parse(r.stdout) as Record<string, string>;
  // Messages from each kind of place, with their placeholders.
  for (const m of [
    'Simulation of {0} finished in {1} s.',
    'Open analysis',
    '{0} already exists. Replace it?',
    'SSL Paradigm: {0}',
    'Analysing {0}',
    '$(error) SSL: {0} errors',
    'Analysis {0}',
    'Nothing to restore',
    'Pair agreement {0} (aligned with the labels, ≥ 0.9)',
    '| Reconstruction | α_RC = {0} | α²_RC = {1} | {2} |',
  ]) {
    assert.equal(bundle[m], m, m);
  }
  assert.equal(pkg.l10n, './l10n');
  assert.ok(read('.vscodeignore').split('\n').includes('!l10n/**'), 'the bundle is shipped in the .vsix');
});

// ---------------------------------------------------------------------------------------------
// 2. No bare user-facing literals in the host code

export interface Finding {
  file: string;
  line: number;
  where: string;
}

/** Does `node` evaluate to text with words that no translator saw (a literal, or one joined with `+`)? */
function isBareText(node: TS.Expression): boolean {
  const words = (s: string): boolean => /\p{L}/u.test(s.replace(/\$\([a-z0-9~-]+\)/gi, ''));
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return isBareText(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return words(node.text);
  if (ts.isTemplateExpression(node)) return words(node.head.text + node.templateSpans.map((s) => s.literal.text).join(' '));
  if (ts.isConditionalExpression(node)) return isBareText(node.whenTrue) || isBareText(node.whenFalse);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isBareText(node.left) || isBareText(node.right);
  return false;
}

/** Properties whose value the user reads, wherever an object literal has them. */
const TEXT_PROPERTIES = new Set(['title', 'tooltip', 'label', 'description', 'detail', 'placeHolder', 'prompt', 'saveLabel', 'openLabel', 'message']);
/** Calls whose every argument the user may read. */
const TEXT_CALLS = new Set([
  'showInformationMessage',
  'showWarningMessage',
  'showErrorMessage',
  'appendMarkdown',
  'appendText',
  'createOutputChannel',
  'setStatusBarMessage',
]);
/** Assignments the user reads: `item.text = …`, `panel.title = …`. */
const TEXT_ASSIGNMENTS = new Set(['text', 'tooltip', 'title', 'name', 'placeholder', 'prompt', 'description', 'detail', 'label']);

export function bareTextFindings(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Finding[] = [];
  const add = (node: TS.Node, where: string): void => {
    out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, where });
  };
  const calleeName = (e: TS.Expression): string | undefined => (ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : undefined);
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node.expression);
      const args = node.arguments ?? ts.factory.createNodeArray<TS.Expression>();
      if (name && TEXT_CALLS.has(name)) args.forEach((a, i) => isBareText(a) && add(a, `${name}() argument ${i + 1}`));
      if (name === 'createWebviewPanel' && args[1] && isBareText(args[1])) add(args[1], 'createWebviewPanel() title');
      if ((name === 'MarkdownString' || name === 'Hover') && args[0] && isBareText(args[0])) add(args[0], `new ${name}() text`);
      if (name === 'showQuickPick' && args[0] && ts.isArrayLiteralExpression(args[0])) {
        for (const item of args[0].elements) if (isBareText(item)) add(item, 'showQuickPick() item');
      }
    }
    if (ts.isPropertyAssignment(node)) {
      const key = node.name;
      const keyText = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
      if (keyText && TEXT_PROPERTIES.has(keyText) && isBareText(node.initializer)) add(node.initializer, `property ${keyText}`);
      // Save and open dialogs: the names of the file filters.
      if (keyText === 'filters' && ts.isObjectLiteralExpression(node.initializer)) {
        for (const p of node.initializer.properties) if (p.name && (ts.isStringLiteral(p.name) || ts.isIdentifier(p.name))) add(p.name, 'a dialog filter name');
      }
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      TEXT_ASSIGNMENTS.has(node.left.name.text) &&
      isBareText(node.right)
    ) {
      add(node.right, `assignment to .${node.left.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** src/extension.ts, every .ts under src/host and src/preview, and every theory's face (src/core/theories/<t>/face/; repository-relative). */
function hostFiles(): string[] {
  const files = ['src/extension.ts'];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk('src/host');
  walk('src/preview');
  for (const e of fs.readdirSync(path.join(ROOT, 'src/core/theories'), { withFileTypes: true }))
    if (e.isDirectory() && fs.existsSync(path.join(ROOT, 'src/core/theories', e.name, 'face'))) walk(`src/core/theories/${e.name}/face`);
  return files.sort();
}

test('no host file shows a bare string or template literal to the user', () => {
  const files = hostFiles();
  assert.ok(
    files.includes('src/host/commands.ts') &&
      files.includes('src/preview/previewManager.ts') &&
      files.includes('src/core/theories/alignment/face/summary.ts') &&
      files.length >= 15,
    files.join(', '),
  );
  const findings = files.flatMap((f) => bareTextFindings(f, read(f)));
  assert.deepEqual(
    findings.map((x) => `${x.file}:${x.line}: ${x.where}`),
    [],
  );
});

test('self-test: the literal check finds every kind of bare text, and accepts translated text', () => {
  const bad = [
    "vscode.window.showErrorMessage('Cannot export.');",
    'vscode.window.showWarningMessage(`${name} exists. Replace it?`, { modal: true }, vscode.l10n.t("Replace"));',
    "vscode.window.showInformationMessage(vscode.l10n.t('Done.'), 'Open analysis');",
    "vscode.window.showQuickPick([{ label: 'HTML report', value: 1 }], { title: vscode.l10n.t('Export') });",
    "vscode.window.showQuickPick(items, { placeHolder: 'Choose a template' });",
    'vscode.window.withProgress({ location: 1, title: `SSL Paradigm: simulating ${name}` }, f);',
    "item.text = '$(warning) SSL analysis failed';",
    "item.tooltip = 'The spec has ' + n + ' errors';",
    "panel.title = locked ? `[Locked] Analysis ${n}` : vscode.l10n.t('Analysis {0}', n);",
    "new vscode.CodeLens(range, { title: 'Run simulation', command: 'x' });",
    "vscode.window.createWebviewPanel('type', 'Analysis', 1, {});",
    'md.appendMarkdown(`**Recommendation: ${p}.**`);',
    "new vscode.MarkdownString('**signal**');",
    "vscode.window.showSaveDialog({ filters: { 'SSL experiment spec': ['yaml'] } });",
    "vscode.window.createOutputChannel('SSL Paradigm Advisor');",
  ];
  for (const src of bad) assert.equal(bareTextFindings('bad.ts', src).length, 1, src);
  const good = [
    "vscode.window.showErrorMessage(vscode.l10n.t('Cannot export: {0}.', bytes));",
    "const r = vscode.l10n.t('Replace'); vscode.window.showWarningMessage(vscode.l10n.t('{0} exists.', n), { modal: true }, r);",
    'item.text = `$(beaker) ${paradigm}`;',
    "item.tooltip = `${head}\\n\\n${vscode.l10n.t('Click to open the analysis to the side.')}`;",
    "md.appendMarkdown(vscode.l10n.t('**Recommendation: {0}.**', p) + ' ');",
    "new vscode.CodeLens(range, { title: vscode.l10n.t('Run simulation'), command: 'sslParadigm.runSimulation' });",
    "log.info(`activated in ${ms} ms`); const key = 'alpha'; throw new Error('internal');",
    "vscode.window.showSaveDialog({ filters: { [vscode.l10n.t('SSL experiment spec')]: ['yaml'] } });",
  ];
  for (const src of good) assert.deepEqual(bareTextFindings('good.ts', src), [], src);
});

// ---------------------------------------------------------------------------------------------
// 3. The manifest's strings

/** Every string of the manifest a user reads, with its JSON path. */
function manifestTexts(): [string, string][] {
  const out: [string, string][] = [];
  const at = (where: string, v: Json | undefined): void => {
    if (typeof v === 'string') out.push([where, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => at(`${where}[${i}]`, x));
  };
  const c = pkg.contributes as Record<string, Json>;
  at('displayName', pkg.displayName);
  at('description', pkg.description);
  const caps = pkg.capabilities as Record<string, Record<string, Json>>;
  for (const [k, v] of Object.entries(caps)) at(`capabilities.${k}.description`, v.description);
  for (const [i, cmd] of (c.commands as Record<string, Json>[]).entries()) {
    at(`commands[${i}].title`, cmd.title);
    at(`commands[${i}].category`, cmd.category);
    at(`commands[${i}].shortTitle`, cmd.shortTitle);
  }
  for (const [i, cat] of (c.configuration as Record<string, Json>[]).entries()) {
    at(`configuration[${i}].title`, cat.title);
    for (const [key, prop] of Object.entries(cat.properties as Record<string, Record<string, Json>>)) {
      for (const f of [
        'description',
        'markdownDescription',
        'enumDescriptions',
        'markdownEnumDescriptions',
        'deprecationMessage',
        'markdownDeprecationMessage',
        'title',
      ]) {
        at(`${key}.${f}`, prop[f]);
      }
    }
  }
  for (const [i, w] of (c.walkthroughs as Record<string, Json>[]).entries()) {
    at(`walkthroughs[${i}].title`, w.title);
    at(`walkthroughs[${i}].description`, w.description);
    for (const [j, s] of (w.steps as Record<string, Json>[]).entries()) {
      at(`walkthroughs[${i}].steps[${j}].title`, s.title);
      at(`walkthroughs[${i}].steps[${j}].description`, s.description);
      at(`walkthroughs[${i}].steps[${j}].media.altText`, (s.media as Record<string, Json>).altText);
    }
  }
  for (const [menu, items] of Object.entries(c.menus as Record<string, Record<string, Json>[]>)) {
    for (const [i, item] of items.entries()) at(`menus.${menu}[${i}].title`, item.title);
  }
  for (const [i, s] of ((c.submenus as Record<string, Json>[] | undefined) ?? []).entries()) at(`submenus[${i}].label`, s.label);
  return out;
}

test('every manifest string a user sees is a %key% of package.nls.json, and every key is used', () => {
  const texts = manifestTexts();
  // The walk reaches every kind of place (so that it cannot pass by finding nothing).
  for (const where of [
    'displayName',
    'commands[0].title',
    'commands[0].category',
    'configuration[0].title',
    'sslParadigm.worker.maxMemoryMB.markdownDescription',
  ]) {
    assert.ok(
      texts.some(([w]) => w === where),
      where,
    );
  }
  assert.ok(texts.filter(([w]) => w.startsWith('walkthroughs[0].steps')).length >= 8);
  const notKeys = texts.filter(([, v]) => !/^%[^%\s]+%$/.test(v));
  assert.deepEqual(notKeys, [], 'manifest strings that are not %key%');
  const missing = texts.filter(([, v]) => !(v.slice(1, -1) in nls));
  assert.deepEqual(missing, [], 'keys missing from package.nls.json');
  const manifestText = read('package.json');
  const used = new Set([...manifestText.matchAll(/"%([^%"\s]+)%"/g)].map((m) => m[1]));
  const unused = Object.keys(nls).filter((k) => !used.has(k));
  assert.deepEqual(unused, [], 'package.nls.json keys no manifest string uses');
  for (const [k, v] of Object.entries(nls)) assert.ok(typeof v === 'string' && v.trim().length > 0, k);
});

// ---------------------------------------------------------------------------------------------
// 4. Settings: categories, labels and bounds

/** VS Code's settingsTreeModels.ts: trimCategoryForGroup, for a setting shown under a group id. */
function trimCategoryForGroup(category: string, groupId: string): string {
  const doTrim = (forward: boolean): string | null => {
    const parts = groupId.split('.').map((part) => (part.replace(/-/g, '').toLowerCase() === category.toLowerCase() ? part.replace(/-/g, '') : part));
    while (parts.length) {
      const reg = new RegExp(`^${parts.join('\\.')}(\\.|$)`, 'i');
      if (reg.test(category)) return category.replace(reg, '');
      if (forward) parts.pop();
      else parts.shift();
    }
    return null;
  };
  return doTrim(true) ?? doTrim(false) ?? category;
}

/** VS Code's wordifyKey (without its table of acronyms: none of ours is in it). */
function wordifyKey(key: string): string {
  return key
    .replace(/\.([a-z0-9])/g, (_, p1: string) => ` \u203A ${p1.toUpperCase()}`)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/^[a-z]/g, (m) => m.toUpperCase());
}

/** `Category: Label` as the settings editor shows a setting of the group `groupId`. */
function displayLabel(key: string, groupId: string): string {
  const dot = key.lastIndexOf('.');
  const category = wordifyKey(trimCategoryForGroup(key.slice(0, dot), groupId));
  const label = wordifyKey(key.slice(dot + 1));
  return category ? `${category}: ${label}` : label;
}

test('settings: titled, ordered categories whose ids give clean labels', () => {
  const cats = pkg.contributes.configuration as { id: string; title: string; order: number; properties: Record<string, Record<string, Json>> }[];
  assert.ok(Array.isArray(cats));
  const titles = cats.map((c) => nls[c.title.slice(1, -1)]);
  assert.deepEqual(titles, ['Diagnostics', 'Editor', 'Analysis Panel', 'Worker']);
  assert.deepEqual(
    cats.map((c) => c.order),
    [1, 2, 3, 4],
  );
  const labels = Object.fromEntries(cats.flatMap((c) => Object.keys(c.properties).map((k) => [k, `${nls[c.title.slice(1, -1)]} / ${displayLabel(k, c.id)}`])));
  assert.deepEqual(labels, {
    'sslParadigm.diagnostics.delay': 'Diagnostics / Delay',
    'sslParadigm.diagnostics.theoryFindings': 'Diagnostics / Theory Findings',
    'sslParadigm.codeLens.enabled': 'Editor / Code Lens: Enabled',
    'sslParadigm.statusBar.enabled': 'Editor / Status Bar: Enabled',
    'sslParadigm.preview.lockedByDefault': 'Analysis Panel / Locked By Default',
    'sslParadigm.worker.maxComponents': 'Worker / Max Components',
    'sslParadigm.worker.maxFileSizeMB': 'Worker / Max File Size MB',
    'sslParadigm.worker.maxMemoryMB': 'Worker / Max Memory MB',
    'sslParadigm.worker.maxPoints': 'Worker / Max Points',
    'sslParadigm.worker.progressDelay': 'Worker / Progress Delay',
  });
  // What one object without ids gave: the group is the extension id, nothing is trimmed.
  assert.equal(displayLabel('sslParadigm.worker.maxPoints', 'ssl-paradigm.ssl-paradigm-advisor'), 'Ssl Paradigm \u203A Worker: Max Points');
  // Every setting the code reads is declared once.
  const settingsTs = read('src/host/settings.ts');
  for (const key of Object.keys(labels)) assert.ok(settingsTs.includes(`'${key.slice('sslParadigm.'.length)}'`), `settings.ts reads ${key}`);
  // The code clamps every number to the manifest's bounds (and falls back to its default).
  const props = Object.assign({}, ...cats.map((c) => c.properties)) as Record<string, Record<string, Json>>;
  const clamps = [...settingsTs.matchAll(/num\(c, '([\w.]+)', ([\w]+), ([\d_]+), ([\d_]+)\)/g)];
  assert.equal(new Set(clamps.map((x) => x[1])).size, 6, clamps.map((x) => x[1]).join(', '));
  for (const [, key, fallback, min, max] of clamps) {
    const p = props[`sslParadigm.${key}`];
    assert.deepEqual([Number(min.replace(/_/g, '')), Number(max.replace(/_/g, ''))], [p.minimum, p.maximum], key);
    if (/^[\d_]+$/.test(fallback)) assert.equal(Number(fallback.replace(/_/g, '')), p.default, key);
  }
  for (const c of cats) {
    for (const [key, p] of Object.entries(c.properties)) {
      if (p.type === 'number' || p.type === 'integer') {
        assert.equal(p.type, 'integer', `${key} is an integer`);
        assert.ok(
          typeof p.minimum === 'number' && typeof p.maximum === 'number' && p.minimum <= (p.default as number) && (p.default as number) <= p.maximum,
          key,
        );
        assert.ok(Number.isInteger(p.default), key);
      }
      assert.equal(typeof p.order, 'number', `${key} has an order`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// 5. when clauses

test('every when clause on a file name is the code’s SPEC_FILE_RE, case-insensitive', () => {
  const m = /export const SPEC_FILE_RE = (\/.+\/[a-z]*);/.exec(read('src/host/documents.ts'));
  assert.ok(m, 'SPEC_FILE_RE in src/host/documents.ts');
  const specRe = m[1];
  assert.match(specRe, /\/i$/, 'the matcher is case-insensitive');
  const clauses: [string, string][] = [];
  const c = pkg.contributes as Record<string, Json>;
  for (const [menu, items] of Object.entries(c.menus as Record<string, Record<string, Json>[]>)) {
    for (const item of items) if (typeof item.when === 'string') clauses.push([`menus.${menu} ${String(item.command)}`, item.when]);
  }
  for (const k of c.keybindings as Record<string, Json>[]) clauses.push([`keybinding ${String(k.key)}`, k.when as string]);
  for (const w of c.walkthroughs as { steps: { id: string; completionEvents?: string[] }[] }[]) {
    for (const s of w.steps) for (const e of s.completionEvents ?? []) if (e.startsWith('onContext:')) clauses.push([`walkthrough step ${s.id}`, e.slice(10)]);
  }
  const onFileName = clauses.filter(([, w]) => /resource(Filename|Extname|LangId|Path)\b/.test(w));
  assert.ok(
    onFileName.some(([w]) => w.startsWith('menus.explorer/context')),
    'the explorer menu is checked',
  );
  assert.ok(onFileName.length >= 8, onFileName.map(([w]) => w).join(', '));
  for (const [where, when] of onFileName) {
    const found = [...when.matchAll(/resourceFilename =~ (\/(?:\\\/|[^/])+\/[a-z]*)/g)].map((x) => x[1]);
    assert.deepEqual(found, [specRe], `${where}: ${when}`);
    // The clause matches what the code matches, in any case.
    const re = new RegExp(found[0].slice(1, found[0].lastIndexOf('/')), found[0].slice(found[0].lastIndexOf('/') + 1));
    for (const name of ['a.sslexp.yaml', 'B.SSLEXP.YML', 'c.SslExp.Json']) assert.ok(re.test(name), `${where} matches ${name}`);
    for (const name of ['a.yaml', 'a.sslexp.yaml.bak', 'sslexp.yaml']) assert.ok(!re.test(name), `${where} does not match ${name}`);
  }
});

// ---------------------------------------------------------------------------------------------
// 6. The analysis panel's messages

test('the bundle contains every message of the panel’s table, by its English text', () => {
  const bundle = JSON.parse(read('l10n/bundle.l10n.json')) as Record<string, string>;
  const messages = Object.values(WEBVIEW_MESSAGES);
  assert.ok(messages.length >= 250, `${messages.length} messages`);
  const missing = messages.filter((m) => bundle[m] !== m);
  assert.deepEqual(missing, []);
  // A few with placeholders and with leading or trailing spaces, exactly.
  for (const m of ['Per-component scores at α = {0}', 'Locked to {0}. Click to follow the active editor.', ', ', ' Series thinned for display.', 'Show data']) {
    assert.equal(bundle[m], m, m);
  }
});

/** The webview's sources, its theories' folders included (repository-relative). */
function webviewFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(`${rel}/${e.name}`);
    }
  };
  walk('src/webview');
  return out.sort();
}

test('every message of the panel’s table is used by the webview or the HTML builder', () => {
  const sources = [...webviewFiles(), 'src/preview/htmlBuilder.ts'].map((f) => read(f)).join('\n');
  const unused = Object.keys(WEBVIEW_MESSAGES).filter((k) => !sources.includes(`'${k}'`) && !sources.includes(`.${k}`));
  assert.deepEqual(unused, []);
});

/** English in a literal: a word of three or more letters (notation such as `α_RC`, `K = `, `σ_k` is not). */
const englishWord = (text: string): boolean => /[A-Za-z][a-z]{2,}/.test(text);

/** Calls whose arguments (by index) the panel shows: DOM helpers, chart labels and titles, canvas text. */
const WEBVIEW_TEXT_ARGS: Record<string, number[]> = {
  el: [3],
  button: [0, 1],
  metric: [1, 2, 3],
  createTextNode: [0],
  setTitles: [1, 2],
  line: [0],
  markerLine: [0],
  hline: [0],
  composePng: [1],
  fillText: [0],
  alert: [0],
};
/** Attributes a user reads or hears. */
const TEXT_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'aria-valuetext', 'title', 'alt', 'placeholder']);
/** `x.textContent = …`, `table.note = …` and the like. */
const DOM_TEXT_ASSIGNMENTS = new Set([
  'textContent',
  'innerText',
  'title',
  'alt',
  'placeholder',
  'ariaLabel',
  'label',
  'note',
  'caption',
  'subtitle',
  'empty',
  'aria',
  'text',
]);
/** Object properties that become text in the panel: sections, charts, datasets, annotations, table rows' names. */
const WEBVIEW_TEXT_PROPERTIES = new Set(['title', 'subtitle', 'caption', 'aria', 'empty', 'note', 'text', 'label', 'name', 'alt']);

export function webviewBareTextFindings(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Finding[] = [];
  // Local constants and variables by name, so that `{ title }` or `el(doc, 'p', '', caption)` is checked at its definition.
  const declarations = new Map<string, TS.Expression[]>();
  const collect = (node: TS.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      declarations.set(node.name.text, [...(declarations.get(node.name.text) ?? []), node.initializer]);
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);
  const bare = (node: TS.Expression, seen = new Set<string>()): boolean => {
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return bare(node.expression, seen);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return englishWord(node.text);
    if (ts.isTemplateExpression(node)) {
      if (englishWord(node.head.text + node.templateSpans.map((sp) => ` ${sp.literal.text}`).join(''))) return true;
      return node.templateSpans.some((sp) => bare(sp.expression, seen));
    }
    if (ts.isConditionalExpression(node)) return bare(node.whenTrue, seen) || bare(node.whenFalse, seen);
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken) return bare(node.left, seen) || bare(node.right, seen);
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken)
        return bare(node.right, seen);
      return false;
    }
    if (ts.isIdentifier(node) && !seen.has(node.text)) {
      seen.add(node.text);
      return (declarations.get(node.text) ?? []).some((init) => bare(init, seen));
    }
    if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) return bare(node.body, seen);
    return false;
  };
  const add = (node: TS.Node, where: string): void => {
    out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, where });
  };
  const check = (node: TS.Expression | undefined, where: string): void => {
    if (node && bare(node)) add(node, where);
  };
  const calleeName = (e: TS.Expression): string | undefined => (ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : undefined);
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      const args = node.arguments;
      if (name && WEBVIEW_TEXT_ARGS[name]) for (const i of WEBVIEW_TEXT_ARGS[name]) check(args[i], `${name}() argument ${i + 1}`);
      if (name === 'setAttribute' && args[0] && ts.isStringLiteral(args[0]) && TEXT_ATTRIBUTES.has(args[0].text))
        check(args[1], `setAttribute('${args[0].text}')`);
      // Table rows: `table.rows.push([...cells])`.
      if (name === 'push' && ts.isPropertyAccessExpression(node.expression) && calleeName(node.expression.expression) === 'rows') {
        for (const a of args) if (ts.isArrayLiteralExpression(a)) for (const cell of a.elements) check(cell, 'a table cell');
      }
    }
    if (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) {
      const key = node.name;
      const keyText = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
      const value = ts.isPropertyAssignment(node) ? node.initializer : node.name;
      if (keyText && WEBVIEW_TEXT_PROPERTIES.has(keyText)) check(value, `property ${keyText}`);
      // Table headers, and the labels of chart ticks.
      if (keyText === 'columns' && ts.isArrayLiteralExpression(value)) for (const c of value.elements) check(c, 'a table header');
      if (keyText === 'callback' && (ts.isArrowFunction(value) || ts.isFunctionExpression(value))) {
        const body = value.body;
        if (ts.isBlock(body)) {
          const returns = (n: TS.Node): void => {
            if (ts.isReturnStatement(n)) check(n.expression, 'a tick label');
            else if (!ts.isFunctionLike(n)) ts.forEachChild(n, returns);
          };
          returns(body);
        } else check(body, 'a tick label');
      }
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      DOM_TEXT_ASSIGNMENTS.has(node.left.name.text)
    ) {
      check(node.right, `assignment to .${node.left.name.text}`);
    }
    // Lookup tables of display names: `const LABEL: Record<string, string> = { reconstruction: 'Reconstruction' }`.
    if (
      ts.isVariableDeclaration(node) &&
      node.type &&
      /^Record<.*,\s*string>$/s.test(node.type.getText(sf)) &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      for (const p of node.initializer.properties) if (ts.isPropertyAssignment(p)) check(p.initializer, `a display name in ${node.name.getText(sf)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test('no webview file hands bare English to the DOM or to a chart', () => {
  const files = webviewFiles();
  for (const f of [
    'src/webview/alignment/card.ts',
    'src/webview/alignment/sections.ts',
    'src/webview/spectralEmbedding/card.ts',
    'src/webview/spectralEmbedding/sections.ts',
    'src/webview/cardKit.ts',
    'src/webview/chartKit.ts',
    'src/webview/main.ts',
    'src/webview/export.ts',
  ]) {
    assert.ok(files.includes(f), f);
  }
  const findings = files.flatMap((f) => webviewBareTextFindings(f, read(f)));
  assert.deepEqual(
    findings.map((x) => `${x.file}:${x.line}: ${x.where}`),
    [],
  );
});

test('self-test: the webview check finds every kind of bare text, and accepts translated text and notation', () => {
  const bad = [
    "el(doc, 'div', 'eyebrow', 'Recommendation');",
    "el(doc, 'p', 'detail-line', `${n} rows`);",
    "b.textContent = open ? t('hideData') : 'Show data';",
    "node.innerText = 'Updating…';",
    "canvas.setAttribute('aria-label', `Spectrum of ${d} components`);",
    "button.setAttribute('title', 'Export this chart as PNG');",
    "b.title = 'Go to line ' + p.line;",
    "const png = button('PNG', 'Export this chart as PNG', ICONS.image);",
    "box.append(doc.createTextNode(' recovers'));",
    "setTitles(o, 'component index', '');",
    "setTitles(o, t('componentIndex'), `${metric} (log)`);",
    "datasets.push(line('Noise', data, theme.noise, theme));",
    'datasets.push(hline(`JE bound ${b}`, y, x0, x1, c, theme));',
    "datasets.push(markerLine('spec α', a, 0, 1, c, theme));",
    'const ds = { label: `${r.name} recovers`, data };',
    "notes.push({ x: 1, y: 'top', text: 'spec (t = 1)', color });",
    "const title = 'Spectrum'; return { id: 'spectrum', title, subtitle, charts: [] };",
    "const caption = ok ? t('a') : 'no competing noise'; charts.push({ spec, aria, caption });",
    "return { id: 's', title, subtitle, charts: [], table, empty: 'No spectra for this spec.' };",
    "const table = { caption: title, columns: [t('colComponent'), 'block'], rows: [] };",
    "table.rows.push([i, 'important', c[i]]);",
    "sy.ticks = { callback: (v) => (Number(v) === 1 ? 'Reconstruction' : '') };",
    'table.note = `Thinned from ${k} components.`;',
    "ctx.fillText('Alignment thresholds', pad, pad);",
    "const rows = [{ key: 'rc', name: 'Reconstruction', y: 1 }];",
    "metric(doc, 'Spec α', v, t('specAlphaSet'));",
    "export const PARADIGM_LABEL: Record<string, string> = { reconstruction: 'Reconstruction', 'joint-embedding': 'J' };",
  ];
  for (const src of bad) assert.equal(webviewBareTextFindings('bad.ts', src).length, 1, src);
  const good = [
    "el(doc, 'div', 'eyebrow', t('cardRecommendation'));",
    "const h = el(doc, 'div', 'metric-label metric m-rc');",
    "el(doc, 'span', 'verdict-mark', ok ? '✓' : '✗');",
    "b.textContent = open ? t('hideData') : t('showData');",
    "canvas.setAttribute('aria-label', c.aria); canvas.setAttribute('role', 'img'); t.setAttribute('data-testid', 'paradigm');",
    "toggle.setAttribute('aria-controls', `table-${id}`);",
    "setTitles(o, t('componentIndex'), 'σ_k'); setTitles(o, 'n', 'α²_RC(t)');",
    'datasets.push(line(`λ = ${fmt(l)} (k = ${ks})`, data, c, theme));',
    'datasets.push(hline(`a/(4g) = ${fmt(cut)}`, cut, x0, x1, c, theme));',
    "const ds = { label: t('rankLegend', r.name, r.rank, r.bound), data, borderCapStyle: 'butt', pointStyle: 'line' };",
    "notes.push({ x: 'right', y: 'above', align: 'right', text: `${r.rank}/${r.bound}`, color });",
    "const title = t('spectrumTitle'); return { id: 'spectrum', title, charts: [] };",
    "const table = { caption: title, columns: ['k', 'λ_k', t('colDirection')], rows: [] };",
    "table.rows.push([k, lambda, k === 0 ? t('directionConstant') : 'σ_k = 1']);",
    "sy.ticks = { callback: (v) => rows.find((r) => r.y === Number(v))?.name ?? '' };",
    "post({ type: 'export', format: 'png', chart: id }); refuse(id, 'no analysis is shown');",
    "if (m.type === 'analysis') document.getElementById('initial-state');",
    "const REGIME_TITLE: Record<Regime, MessageKey> = { mixed: 'regimeMixed', 'no-noise': 'regimeNoNoise' };",
    "const CLASS: Record<string, string> = { reconstruction: 'p-rc', 'joint-embedding': 'p-je' };",
  ];
  for (const src of good) assert.deepEqual(webviewBareTextFindings('good.ts', src), [], src);
});

test('the panel’s table: translated by the host, checked and formatted by the webview', () => {
  // Pseudo-translation: every message wrapped, placeholders kept.
  const pseudo = translateWebviewMessages((m) => `⟦${m}⟧`);
  assert.deepEqual(Object.keys(pseudo), Object.keys(WEBVIEW_MESSAGES));
  assert.equal(pseudo.scoresTitleAt, '⟦Per-component scores at α = {0}⟧');
  // A translator that gives nothing back leaves the English text.
  assert.equal(translateWebviewMessages(() => '').showData, 'Show data');
  // The webview's check: a text that lost or invented a placeholder, a missing key or a non-string falls back to English.
  const received = parseWebviewStrings({
    ...pseudo,
    scoresTitleAt: 'Scores',
    lockedTo: 'Gesperrt auf {0} und {1}',
    showData: 42,
    unknownKey: 'x',
    hideData: undefined,
  });
  assert.equal(received.scoresTitleAt, 'Per-component scores at α = {0}');
  assert.equal(received.lockedTo, 'Locked to {0}');
  assert.equal(received.showData, 'Show data');
  assert.equal(received.hideData, 'Hide data');
  assert.equal(received.csv, '⟦CSV⟧');
  assert.equal(received.staleLine, '⟦Line {0}: {1}⟧');
  assert.ok(!('unknownKey' in received));
  assert.deepEqual(parseWebviewStrings(null), WEBVIEW_MESSAGES);
  assert.deepEqual(parseWebviewStrings(['x']), WEBVIEW_MESSAGES);
  // A translation may reorder the placeholders.
  assert.equal(parseWebviewStrings({ rankLegend: '{2}/{1} — {0}' }).rankLegend, '{2}/{1} — {0}');
  // Formatting: every occurrence, in one pass (an argument's own `{1}` is not replaced), missing arguments kept.
  assert.equal(formatMessage('{0}: {1} ({0})', ['a', 2]), 'a: 2 (a)');
  assert.equal(formatMessage('{0} and {1}', ['{1}', 'x']), '{1} and x');
  assert.equal(formatMessage('{0} and {1}', ['a']), 'a and {1}');
  assert.equal(formatMessage('no placeholders', ['a']), 'no placeholders');
});
