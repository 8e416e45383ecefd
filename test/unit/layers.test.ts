/**
 * The architecture rules of src/ (docs/architecture.md), enforced on every `npm test`:
 *
 *   1. no import cycles, between files and between the top folders of src/core;
 *   2. src/core/numerics imports only numerics, src/core/io only io (nothing above them), and
 *      src/core only src/core;
 *   3. a theory never imports another theory (src/core/theories/<a> ↮ src/core/theories/<b>);
 *   4. src/core, src/webview and src/shared import neither `vscode` nor a Node built-in (src/core
 *      also uses no DOM type: tsconfig.core.json has no DOM lib and no @types, checked below);
 *   5. only src/host, src/preview and src/extension.ts import `vscode`;
 *   6. outside src/core, code reaches a theory only through the engine or the theory's public
 *      entry `src/core/theories/<theory>/index.ts` (docs/architecture.md §3.5).
 *
 * Every import of every .ts file under src/ is read with the TypeScript parser (static
 * `import … from`, `export … from`, `import x = require()`, `import()`, `require()` and
 * `import('…')` types), so a specifier inside a string, a template or a comment is not one.
 * Type-only imports count: a cycle of types is still a cycle of the layers.
 * The self-tests at the end feed the checker small synthetic trees with each kind of
 * violation, so that these tests cannot pass by finding nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import * as path from 'node:path';
import type * as TS from 'typescript';

// Loaded at run time from node_modules rather than bundled into the test.
const ts: typeof TS = createRequire(__filename)('typescript');

const ROOT = path.resolve(__dirname, '../../..');

// ---------------------------------------------------------------------------------------------
// Reading imports

export type ImportKind = 'import' | 'export' | 'import=' | 'import()' | 'require()' | 'import type()';

export interface ImportRef {
  /** Importing file, repository-relative with forward slashes (`src/core/spec/model.ts`). */
  from: string;
  /** The specifier as written, or undefined for a dynamic import of a non-literal. */
  spec: string | undefined;
  line: number;
  kind: ImportKind;
  typeOnly: boolean;
  /** The repository-relative file a relative specifier resolves to. */
  to?: string;
  /** Package name of a bare specifier (`vscode`, `node:fs` → `fs`, `yaml`, `@scope/pkg`). */
  pkg?: string;
  builtin?: boolean;
}

/** Every import of one TypeScript source text. */
export function scanImports(file: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (node: TS.Node, specNode: TS.Node | undefined, kind: ImportKind, typeOnly: boolean): void => {
    const spec = specNode && ts.isStringLiteralLike(specNode) ? specNode.text : undefined;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    out.push({ from: file, spec, line, kind, typeOnly });
  };
  const visit = (node: TS.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, 'import', typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, 'export', node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'import=', node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], 'import()', false);
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1)
        add(node, node.arguments[0], 'require()', false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, 'import type()', true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** The package a bare specifier names (`fs/promises` → `fs`, `@a/b/c` → `@a/b`). */
function packageOf(spec: string): { pkg: string; builtin: boolean } {
  if (spec.startsWith('node:')) return { pkg: spec.slice(5).split('/')[0], builtin: true };
  const parts = spec.split('/');
  const pkg = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return { pkg, builtin: BUILTINS.has(pkg) };
}

/** The file a relative specifier names, among `files` (TypeScript's resolution of extensionless paths). */
function resolveRelative(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}.d.ts`, `${base}/index.ts`, `${base}/index.d.ts`]) {
    if (files.has(c)) return c;
  }
  return undefined;
}

export interface Graph {
  /** The .ts files (graph nodes). */
  files: string[];
  imports: ImportRef[];
  /** Imports that could not be followed (unresolved relative path or non-literal dynamic import). */
  unresolved: ImportRef[];
}

/**
 * The import graph of `sources` (repository-relative path → text). Every path of `sources` may
 * be the target of an import (a `.wat` or `.json` too); only `.ts` files are scanned.
 */
export function buildGraph(sources: ReadonlyMap<string, string>): Graph {
  const all = new Set(sources.keys());
  const files = [...all].filter((f) => f.endsWith('.ts')).sort();
  const imports: ImportRef[] = [];
  const unresolved: ImportRef[] = [];
  for (const f of files) {
    for (const imp of scanImports(f, sources.get(f)!)) {
      if (imp.spec === undefined) unresolved.push(imp);
      else if (imp.spec.startsWith('.')) {
        imp.to = resolveRelative(f, imp.spec, all);
        if (!imp.to) unresolved.push(imp);
      } else Object.assign(imp, packageOf(imp.spec));
      imports.push(imp);
    }
  }
  return { files, imports, unresolved };
}

// ---------------------------------------------------------------------------------------------
// Cycles

/** Strongly connected components of a directed graph (Tarjan), each in discovery order. */
export function tarjan(nodes: readonly string[], next: (n: string) => readonly string[]): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sccs: string[][] = [];
  // Iterative, so that a deep import chain cannot overflow the call stack.
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; edges: readonly string[]; i: number }[] = [];
    const open = (n: string): void => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, edges: next(n), i: 0 });
    };
    open(root);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.i < top.edges.length) {
        const w = top.edges[top.i++];
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.node);
        sccs.push(scc.reverse());
      }
    }
  }
  return sccs;
}

interface Edge {
  from: string;
  to: string;
  via: ImportRef;
}

const where = (imp: ImportRef): string => `${imp.from}:${imp.line} ${imp.kind} '${imp.spec}'`;

/** The SCCs with more than one node or a self-loop, each told as one shortest cycle plus every edge inside it. */
function describeCycles(nodes: readonly string[], edges: readonly Edge[], label: (n: string) => string): string[] {
  const out = new Map<string, Edge[]>();
  for (const e of edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from)!.push(e);
  }
  const next = (n: string): string[] => [...new Set((out.get(n) ?? []).map((e) => e.to))];
  const reports: string[] = [];
  for (const scc of tarjan(nodes, next)) {
    const members = new Set(scc);
    const inner = edges.filter((e) => members.has(e.from) && members.has(e.to));
    if (scc.length === 1 && inner.length === 0) continue;
    // Shortest cycle through the first member (BFS inside the component).
    const start = scc[0];
    const prev = new Map<string, Edge>();
    const queue = [start];
    let closing: Edge | undefined;
    for (let q = 0; q < queue.length && !closing; q++) {
      for (const e of out.get(queue[q]) ?? []) {
        if (!members.has(e.to)) continue;
        if (e.to === start) {
          closing = e;
          break;
        }
        if (!prev.has(e.to)) {
          prev.set(e.to, e);
          queue.push(e.to);
        }
      }
    }
    const chain: Edge[] = [];
    for (let e = closing; e; e = e.from === start ? undefined : prev.get(e.from)) chain.unshift(e);
    const cycle = [label(start), ...chain.map((e) => label(e.to))].join(' → ');
    reports.push(
      `cycle ${cycle}\n` +
        chain.map((e) => `      ${where(e.via)}`).join('\n') +
        (inner.length > chain.length
          ? `\n    (one of the cycles among these ${scc.length}, tied by ${inner.length} imports: ${scc.map(label).join(', ')})`
          : ''),
    );
  }
  return reports;
}

/** `src/core/<top>` of a core file (`src/core/theories/alignment/x.ts` → `theories`), else undefined. */
function coreTop(file: string): string | undefined {
  const m = /^src\/core\/([^/]+)\//.exec(file);
  return m ? m[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Rules

export type RuleId =
  'file-cycles' | 'core-folder-cycles' | 'lower-layers' | 'theories' | 'platform-free' | 'vscode-only-in-host' | 'theory-entries' | 'unresolved';

export interface Violation {
  rule: RuleId;
  message: string;
}

const within = (file: string, dir: string): boolean => file.startsWith(`${dir}/`);
const isVscode = (imp: ImportRef): boolean => imp.pkg === 'vscode';

/** Every violation of the rules in the graph. */
export function checkLayers(g: Graph): Violation[] {
  const v: Violation[] = [];
  const local = g.imports.filter((i) => i.to && g.files.includes(i.to));

  // 1. File cycles.
  for (const m of describeCycles(
    g.files,
    local.map((i) => ({ from: i.from, to: i.to!, via: i })),
    (n) => n,
  ))
    v.push({ rule: 'file-cycles', message: m });

  // 1. Cycles between the top folders of src/core.
  const folderEdges: Edge[] = [];
  for (const i of local) {
    const a = coreTop(i.from);
    const b = coreTop(i.to!);
    if (a && b && a !== b) folderEdges.push({ from: a, to: b, via: i });
  }
  const folders = [...new Set(g.files.map(coreTop).filter((x): x is string => !!x))].sort();
  for (const m of describeCycles(folders, folderEdges, (n) => `src/core/${n}`)) v.push({ rule: 'core-folder-cycles', message: m });

  for (const i of g.imports) {
    const f = i.from;
    // 2. numerics and io are the bottom layers (and the core as a whole sits below everything else).
    for (const low of ['src/core/numerics', 'src/core/io', 'src/core']) {
      if (within(f, low) && i.to && !within(i.to, low))
        v.push({ rule: 'lower-layers', message: `${where(i)}: ${low}/ may import only from ${low}/, not ${i.to}` });
    }
    // 3. Theories are independent of each other.
    const ta = /^src\/core\/theories\/([^/]+)\//.exec(f)?.[1];
    const tb = i.to ? /^src\/core\/theories\/([^/]+)\//.exec(i.to)?.[1] : undefined;
    if (ta && tb && ta !== tb)
      v.push({
        rule: 'theories',
        message: `${where(i)}: theory '${ta}' imports theory '${tb}' (${i.to}); share through src/core/theories/theory.ts or a lower layer`,
      });
    // 4. The core, the webview and the protocols they share run without vscode or Node.
    for (const dir of ['src/core', 'src/webview', 'src/shared']) {
      if (!within(f, dir)) continue;
      if (isVscode(i)) v.push({ rule: 'platform-free', message: `${where(i)}: ${dir}/ must not import vscode` });
      else if (i.builtin) v.push({ rule: 'platform-free', message: `${where(i)}: ${dir}/ must not import the Node built-in '${i.pkg}'` });
    }
    // 5. vscode only in the extension host.
    const hostSide = within(f, 'src/host') || within(f, 'src/preview') || f === 'src/extension.ts';
    if (isVscode(i) && !hostSide)
      v.push({ rule: 'vscode-only-in-host', message: `${where(i)}: only src/host/, src/preview/ and src/extension.ts may import vscode` });
    // 6. Outside src/core, a theory's public entry is the only way in.
    if (!within(f, 'src/core') && i.to && within(i.to, 'src/core/theories') && !/^src\/core\/theories\/[^/]+\/index\.ts$/.test(i.to))
      v.push({
        rule: 'theory-entries',
        message: `${where(i)}: outside src/core a theory is reached through the engine or src/core/theories/<theory>/index.ts, not ${i.to}`,
      });
  }
  for (const i of g.unresolved)
    v.push({
      rule: 'unresolved',
      message:
        i.spec === undefined ? `${i.from}:${i.line} ${i.kind} of a non-literal specifier cannot be checked` : `${where(i)} resolves to no file under src/`,
    });
  return v;
}

// ---------------------------------------------------------------------------------------------
// The repository

function readSources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const p = path.join(abs, e.name);
      const rel = path.relative(ROOT, p).split(path.sep).join('/');
      if (e.isDirectory()) walk(p);
      else out.set(rel, rel.endsWith('.ts') ? fs.readFileSync(p, 'utf8') : '');
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

let cached: { graph: Graph; violations: Violation[] } | undefined;
function repo(): { graph: Graph; violations: Violation[] } {
  if (!cached) {
    const graph = buildGraph(readSources('src'));
    cached = { graph, violations: checkLayers(graph) };
  }
  return cached;
}

function assertNone(rule: RuleId, what: string): void {
  const found = repo().violations.filter((x) => x.rule === rule);
  assert.equal(found.length, 0, `${what}: ${found.length} violation(s)\n  ${found.map((x) => x.message).join('\n  ')}\n`);
}

test('src/: the import graph was read (files and imports found)', () => {
  const { graph } = repo();
  assert.ok(graph.files.length >= 50, `only ${graph.files.length} .ts files under src/`);
  assert.ok(graph.files.includes('src/extension.ts'));
  const local = graph.imports.filter((i) => i.to).length;
  assert.ok(local >= 100, `only ${local} imports between files of src/`);
  assert.ok(
    graph.imports.some((i) => i.from.startsWith('src/host/') && i.pkg === 'vscode'),
    'the host imports vscode',
  );
});

test('src/: every relative import resolves to a file', () => assertNone('unresolved', 'unresolved imports'));
test('src/: no import cycle between files', () => assertNone('file-cycles', 'import cycles between files'));
test('src/core: no import cycle between its top folders', () => assertNone('core-folder-cycles', 'import cycles between the folders of src/core'));
test('src/core/numerics and src/core/io import nothing above them, src/core nothing outside it', () =>
  assertNone('lower-layers', 'imports out of a bottom layer'));
test('src/core/theories: no theory imports another theory', () => assertNone('theories', 'imports between theories'));
test('src/core, src/webview and src/shared import neither vscode nor Node built-ins', () => assertNone('platform-free', 'platform imports'));
test('only src/host, src/preview and src/extension.ts import vscode', () => assertNone('vscode-only-in-host', 'vscode imports'));
test('outside src/core, theories are reached only through the engine and theories/*/index.ts', () =>
  assertNone('theory-entries', "imports of a theory's internals"));

test('tsconfig.core.json: no DOM library and no @types (no Node types) for src/core; no Node types for the webview', () => {
  const read = (name: string): { lib: string[]; types: string[] | undefined; include: string[] } => {
    const file = path.join(ROOT, name);
    const cfg = ts.readConfigFile(file, ts.sys.readFile);
    assert.equal(cfg.error, undefined, `${name}: ${cfg.error && ts.flattenDiagnosticMessageText(cfg.error.messageText, '\n')}`);
    const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, ROOT, undefined, file);
    return {
      lib: (parsed.options.lib ?? []).map((l) => l.toLowerCase()),
      types: parsed.options.types,
      include: parsed.fileNames.map((f) => path.relative(ROOT, f).split(path.sep).join('/')),
    };
  };
  const core = read('tsconfig.core.json');
  assert.ok(core.lib.length > 0, 'tsconfig.core.json names its libs');
  assert.deepEqual(
    core.lib.filter((l) => l.includes('dom') || l.includes('webworker')),
    [],
    'no DOM lib for src/core',
  );
  assert.deepEqual(core.types, [], 'types: [] for src/core');
  assert.ok(core.include.length > 0 && core.include.every((f) => within(f, 'src/core')), 'tsconfig.core.json covers src/core only');
  const web = read('tsconfig.webview.json');
  assert.ok(
    web.lib.some((l) => l.includes('dom')),
    'the webview has the DOM lib',
  );
  assert.deepEqual(web.types, [], 'types: [] for the webview');
  const stray = web.include.filter((f) => !within(f, 'src/webview') && !within(f, 'src/shared') && !f.endsWith('.d.ts'));
  assert.deepEqual(stray, [], 'tsconfig.webview.json covers src/webview and src/shared (and declaration files) only');
});

// ---------------------------------------------------------------------------------------------
// Self-tests: the checker finds each kind of violation

function check(files: Record<string, string>): Violation[] {
  return checkLayers(buildGraph(new Map(Object.entries(files))));
}
const messages = (vs: Violation[], rule: RuleId): string[] => vs.filter((x) => x.rule === rule).map((x) => x.message);

test('self-test: a clean synthetic tree has no violation', () => {
  const vs = check({
    'src/extension.ts': "import * as vscode from 'vscode';\nimport { a } from './host/a';\n",
    'src/host/a.ts': "import * as vscode from 'vscode';\nimport { run } from '../core/engine/run';\nexport const a = 1;\n",
    'src/core/engine/run.ts': "import { m } from '../numerics/dense';\nimport type { T } from '../theories/theory';\nexport const run = 1;\n",
    'src/core/numerics/dense/index.ts': "export * from './matrix';\nimport bytes from './wasm/k.wat';\n",
    'src/core/numerics/dense/matrix.ts': "import { Rng } from '../rng';\nexport const m = 1;\n",
    'src/core/numerics/dense/wasm/k.wat': '',
    'src/core/numerics/rng.ts': 'export class Rng {}\n',
    'src/core/theories/theory.ts': 'export interface T {}\n',
    'src/core/theories/alignment/a.ts': "import type { T } from '../theory';\nimport { m } from '../../numerics/dense/matrix';\n",
    'src/core/io/npz.ts': "import { unzipSync } from 'fflate';\n",
    'src/worker/worker.ts': "import { parentPort } from 'node:worker_threads';\nimport { run } from '../core/engine/run';\n",
    // Strings, templates and comments are not imports.
    'src/core/spec/s.ts':
      "// import * as vscode from 'vscode';\nconst t = `const { w } = require('node:worker_threads'); import('fs')`;\nconst s = \"import 'path'\";\n",
  });
  assert.deepEqual(vs, []);
});

test('self-test: a file cycle is reported with the imports that close it', () => {
  const vs = check({
    'src/core/spec/a.ts': "import { b } from './b';\nexport const a = 1;\n",
    'src/core/spec/b.ts': "import { c } from './c';\nexport const b = 1;\n",
    'src/core/spec/c.ts': "\n\nexport { a } from './a';\n",
    'src/core/spec/self.ts': "import type { X } from './self';\nexport type X = 1;\n",
    'src/core/spec/d.ts': "import { a } from './a';\n", // leads into the cycle, not part of it
  });
  const cycles = messages(vs, 'file-cycles');
  assert.equal(cycles.length, 2, cycles.join('\n'));
  const abc = cycles.find((m) => m.includes('a.ts'))!;
  assert.match(abc, /cycle src\/core\/spec\/a\.ts → src\/core\/spec\/b\.ts → src\/core\/spec\/c\.ts → src\/core\/spec\/a\.ts/);
  assert.match(abc, /src\/core\/spec\/c\.ts:3 export '\.\/a'/);
  assert.doesNotMatch(abc, /d\.ts/);
  assert.ok(
    cycles.some((m) => m.includes("src/core/spec/self.ts:1 import './self'")),
    cycles.join('\n'),
  );
});

test('self-test: a cycle between core folders through different files is reported', () => {
  const vs = check({
    'src/core/engine/e.ts': "import { s } from '../spec/s';\n",
    'src/core/spec/s.ts': 'export const s = 1;\n',
    'src/core/spec/t.ts': "import type { E } from '../engine/types';\n",
    'src/core/engine/types.ts': 'export type E = 1;\n',
  });
  assert.deepEqual(messages(vs, 'file-cycles'), []);
  const folder = messages(vs, 'core-folder-cycles');
  assert.equal(folder.length, 1, folder.join('\n'));
  assert.match(folder[0], /src\/core\/engine → src\/core\/spec → src\/core\/engine/);
  assert.match(folder[0], /src\/core\/spec\/t\.ts:1 import '\.\.\/engine\/types'/);
});

test('self-test: numerics, io or the core importing above them, and one theory importing another, are reported', () => {
  const vs = check({
    'src/core/numerics/select.ts': "import { x } from '../engine/types';\n",
    'src/core/numerics/dense/eigen.ts': "import { y } from '../../spec/model';\nimport { r } from '../rng';\n",
    'src/core/numerics/rng.ts': '',
    'src/core/io/csv.ts': "import { Rng } from '../numerics/rng';\nimport { l } from './limits';\n",
    'src/core/io/limits.ts': '',
    'src/core/engine/types.ts': '',
    'src/core/spec/model.ts': '',
    'src/core/theories/theory.ts': '',
    'src/core/theories/alignment/a.ts': "const m = await import('../spectralEmbedding/b');\nimport type { T } from '../theory';\n",
    'src/core/theories/spectralEmbedding/b.ts': "export type { A } from '../alignment/a';\n",
    'src/core/engine/w.ts': "import type { Request } from '../../shared/workerProtocol';\n",
    'src/shared/workerProtocol.ts': '',
  });
  const lower = messages(vs, 'lower-layers');
  assert.equal(lower.length, 4, lower.join('\n'));
  assert.ok(lower.some((m) => m.startsWith("src/core/engine/w.ts:1 import '../../shared/workerProtocol': src/core/ may import only from src/core/")));
  assert.ok(lower.some((m) => m.startsWith("src/core/numerics/select.ts:1 import '../engine/types'")));
  assert.ok(lower.some((m) => m.startsWith("src/core/numerics/dense/eigen.ts:1 import '../../spec/model'")));
  assert.ok(lower.some((m) => m.startsWith("src/core/io/csv.ts:1 import '../numerics/rng'")));
  const theories = messages(vs, 'theories');
  assert.equal(theories.length, 2, theories.join('\n'));
  assert.ok(theories.some((m) => m.startsWith("src/core/theories/alignment/a.ts:1 import() '../spectralEmbedding/b'")));
  assert.ok(theories.some((m) => m.startsWith("src/core/theories/spectralEmbedding/b.ts:1 export '../alignment/a'")));
});

test('self-test: vscode and Node built-ins in the core, the webview or src/shared, and vscode outside the host, are reported', () => {
  const vs = check({
    'src/core/engine/a.ts': "import type { Uri } from 'vscode';\nimport * as fs from 'fs/promises';\nimport { join } from 'path';\n",
    'src/core/io/b.ts': "const w = require('node:worker_threads');\nexport type T = import('node:os').CpuInfo;\n",
    'src/webview/c.ts': "import * as os from 'os';\nimport { x } from 'chart.js';\n",
    'src/shared/p.ts': "import type { Worker } from 'node:worker_threads';\n",
    'src/cli/d.ts': "import { window } from 'vscode';\nimport * as fs from 'node:fs';\n",
    'src/worker/e.ts': "export * from 'vscode';\n",
    'src/host/ok.ts': "import * as vscode from 'vscode';\nimport * as fs from 'node:fs';\n",
    'src/preview/ok.ts': "import * as vscode from 'vscode';\n",
    'src/extension.ts': "import * as vscode from 'vscode';\n",
  });
  const platform = messages(vs, 'platform-free');
  assert.deepEqual(platform.map((m) => m.split(' ')[0]).sort(), [
    'src/core/engine/a.ts:1',
    'src/core/engine/a.ts:2',
    'src/core/engine/a.ts:3',
    'src/core/io/b.ts:1',
    'src/core/io/b.ts:2',
    'src/shared/p.ts:1',
    'src/webview/c.ts:1',
  ]);
  assert.ok(platform.some((m) => m.includes("Node built-in 'worker_threads'")));
  const host = messages(vs, 'vscode-only-in-host');
  assert.deepEqual(host.map((m) => m.split(' ')[0]).sort(), ['src/cli/d.ts:1', 'src/core/engine/a.ts:1', 'src/worker/e.ts:1']);
});

test('self-test: an unresolvable import and a non-literal dynamic import are reported', () => {
  const vs = check({
    'src/core/spec/a.ts': "import { gone } from './moved';\nconst m = await import(name);\n",
  });
  assert.equal(messages(vs, 'unresolved').length, 2);
});

test("self-test: outside src/core, an import of a theory's internals is reported, its public entry and the engine are not", () => {
  const vs = check({
    'src/core/engine/index.ts': "export * from '../theories/alignment/index';\n",
    'src/core/theories/alignment/index.ts': "export { t } from './theory';\n",
    'src/core/theories/alignment/theory.ts': 'export const t = 1;\n',
    'src/core/theories/alignment/face/panel.ts': 'export type M = 1;\n',
    'src/core/theories/face.ts': 'export type F = 1;\n',
    'src/host/ok.ts': "import { t } from '../core/theories/alignment/index';\nimport { x } from '../core/engine/index';\n",
    'src/webview/bad.ts': "import type { M } from '../core/theories/alignment/face/panel';\n",
    'src/cli/bad.ts': "import { t } from '../core/theories/alignment/theory';\nimport type { F } from '../core/theories/face';\n",
    'src/shared/bad.ts': "export type { M } from '../core/theories/alignment/face/panel';\n",
  });
  assert.deepEqual(
    messages(vs, 'theory-entries')
      .map((m) => m.split(' ')[0])
      .sort(),
    ['src/cli/bad.ts:1', 'src/cli/bad.ts:2', 'src/shared/bad.ts:1', 'src/webview/bad.ts:1'],
  );
});
