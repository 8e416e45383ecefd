/**
 * The spec files' own language service (issue 12): completion, hover documentation,
 * document symbols and selection ranges for `*.sslexp.{yaml,yml,json}`, driven by the one
 * definition of the language (definition.ts, read through `lookupSpecNode`). Pure: text and
 * offsets in, plain data with offsets out; the VS Code providers live in src/host/
 * (completion.ts, hover.ts, documentSymbols.ts, selectionRanges.ts).
 *
 * The cursor's context (which key path, key or value position) comes from a tolerant reader
 * that works on incomplete text: an indentation-based reader for YAML block structure and a
 * bracket scanner for flow collections (`{power_law: {first: 1, |`) and for JSON. Hover,
 * symbols and selection ranges use the source tree with offsets (sourceTree.ts) when the
 * text parses, and the tolerant reader otherwise.
 */
import { modeOfKeys, resolve } from './definition';
import type { DefNode, SpecMode } from './definitionTypes';
import { lookupSpecNode, type SpecNodeInfo } from './lookup';
import { isJsonFileName, parseSourceTree, type SourceNode } from './sourceTree';

export type PathSeg = string | number;

export interface CursorContext {
  format: 'yaml' | 'json';
  /** Path of the mapping (key position) or of the value (value position). */
  path: PathSeg[];
  position: 'key' | 'value';
  /** The partial word typed before the cursor (without quotes). */
  prefix: string;
  /** What a completion replaces: the partial word (with its opening quote in JSON). */
  replaceStart: number;
  replaceEnd: number;
  /** Keys already present in the mapping (key position). */
  existingKeys: string[];
  /** Inside a flow collection (`{…}` / `[…]`, and always in JSON): keys are written inline. */
  flow: boolean;
  /** Indentation of the key being written (YAML block position). */
  indent: number;
  /** The mode selected by the document's root keys (undefined: not yet chosen). */
  mode?: SpecMode;
}

export type CompletionKind = 'property' | 'value' | 'enum' | 'snippet' | 'file';

export interface SpecCompletion {
  label: string;
  kind: CompletionKind;
  /** Snippet syntax (`${1:…}`). */
  insertText: string;
  detail?: string;
  documentation?: string;
  sortText?: string;
  /** The inserted value wants a follow-up completion (an empty spectrum, a mapping). */
  retrigger?: boolean;
  replaceStart: number;
  replaceEnd: number;
}

// ---------------------------------------------------------------------------------------
// Cursor context
// ---------------------------------------------------------------------------------------

interface Line {
  start: number;
  text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines.push({ start, text: text.slice(start, end).replace(/\r$/, '') });
    if (nl < 0) return lines;
    start = nl + 1;
  }
}

const BLANK = /^\s*(#.*)?$/;
const KEY_LINE = /^(\s*)(-\s+)?("[^"]*"|'[^']*'|[^\s:#\-{[][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+(.*))?$/;
const unquote = (k: string) => (/^(["']).*\1$/.test(k) ? k.slice(1, -1) : k);

interface LineInfo {
  indent: number;
  /** Indentation of the content after a `- `. */
  content: number;
  dash: boolean;
  key?: string;
  /** The value after `key:` (trimmed of a trailing comment), '' when empty. */
  value?: string;
}

function lineInfo(text: string): LineInfo | undefined {
  if (BLANK.test(text)) return undefined;
  const indent = text.length - text.trimStart().length;
  const m = KEY_LINE.exec(text);
  if (!m) {
    const d = /^(\s*)(-\s+)?/.exec(text)!;
    return { indent, content: indent + (d[2]?.length ?? 0), dash: !!d[2] };
  }
  const value = (m[4] ?? '').replace(/\s+#.*$/, '').trim();
  return { indent, content: indent + (m[2]?.length ?? 0), dash: !!m[2], key: unquote(m[3].trim()), value };
}

/** Root keys of a YAML document (keys at column 0). */
function yamlRootKeys(lines: Line[]): string[] {
  const keys: string[] = [];
  for (const l of lines) {
    const info = lineInfo(l.text);
    if (info?.key !== undefined && info.indent === 0 && !info.dash) keys.push(info.key);
  }
  return keys;
}

function modeFromRootKeys(keys: readonly string[]): SpecMode | undefined {
  const m = modeOfKeys(new Set(keys));
  // Spectral is the default mode: chosen only once a spectral block is written.
  return m === 'spectral' && !keys.some((k) => k === 'signal' || k === 'noise') ? undefined : m;
}

/**
 * The block path of a YAML position on line `lineNo` whose content starts at column
 * `indent`, and the line range of the enclosing mapping (for the keys already present).
 */
function yamlParent(lines: Line[], lineNo: number, indent: number): { path: PathSeg[]; from: number; to: number } {
  const path: PathSeg[] = [];
  let limit = indent;
  let from = 0;
  let first = true;
  for (let j = lineNo - 1; j >= 0 && limit > 0; j--) {
    const info = lineInfo(lines[j].text);
    if (!info) continue;
    if (info.dash && info.content === limit) {
      // A sibling in the same list item: the position is inside item 0 of a list.
      if (first) from = j;
      first = false;
      path.unshift(0);
      limit = info.indent + 1;
      continue;
    }
    if (info.content >= limit) continue;
    if (info.key === undefined || info.value !== '') {
      if (info.indent < limit) limit = info.indent;
      continue;
    }
    if (first) from = j + 1;
    first = false;
    path.unshift(info.key);
    if (info.dash) {
      path.unshift(0);
      limit = info.indent + 1;
    } else limit = info.indent;
  }
  let to = lines.length;
  for (let j = Math.max(from, lineNo + 1); j < lines.length; j++) {
    const info = lineInfo(lines[j].text);
    if (info && info.content < indent && !(info.dash && info.indent >= indent - 2 && info.content === indent)) {
      to = j;
      break;
    }
  }
  return { path, from: first ? 0 : from, to };
}

function yamlSiblingKeys(lines: Line[], from: number, to: number, indent: number, skip: number): string[] {
  const keys: string[] = [];
  for (let j = from; j < to; j++) {
    if (j === skip) continue;
    const info = lineInfo(lines[j].text);
    if (info?.key !== undefined && info.content === indent) keys.push(info.key);
  }
  return keys;
}

interface Frame {
  kind: 'map' | 'seq';
  keys: { key: string; start: number; end: number }[];
  key?: string;
  index: number;
  /** The segment of the enclosing frame this collection is the value of. */
  seg?: PathSeg;
}

interface FlowState {
  frames: Frame[];
  /** The scalar or string token ending at the cursor. */
  token?: { text: string; start: number; quoted: boolean; open: boolean };
}

/**
 * Scans a flow fragment (JSON, or a YAML `{…}`/`[…]` value) from `from` to the end of the text
 * (of the line, for YAML); returns the frames open at `offset` (their `keys` include
 * the keys after the cursor too).
 */
function scanFlow(text: string, from: number, offset: number, json: boolean, stopAtLineEnd: boolean): FlowState | undefined {
  const frames: Frame[] = [];
  let snapshot: FlowState | undefined;
  let depthAtSnapshot = -1;
  let last: { text: string; start: number; end: number; quoted: boolean } | undefined;
  let i = from;
  const take = (): void => {
    if (snapshot === undefined && i >= offset) {
      const tok = last && last.end === offset ? { text: last.text, start: last.start, quoted: last.quoted, open: false } : undefined;
      snapshot = { frames: frames.slice(), ...(tok ? { token: tok } : {}) };
      depthAtSnapshot = frames.length;
    }
  };
  while (i < text.length) {
    if (snapshot === undefined && i >= offset) take();
    const c = text[i];
    if (snapshot !== undefined && frames.length < depthAtSnapshot) break;
    if (c === '\n' && stopAtLineEnd) break;
    if (c === '"' || (!json && c === "'")) {
      const start = i;
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' && c === '"' ? 2 : 1;
      if (snapshot === undefined && offset > start && offset <= j && (j >= text.length || text[j] !== c || offset <= j)) {
        // The cursor is inside this string.
        if (offset <= j) {
          snapshot = { frames: frames.slice(), token: { text: text.slice(start + 1, offset), start, quoted: true, open: true } };
          depthAtSnapshot = frames.length;
        }
      }
      const closed = j < text.length && text[j] === c;
      last = { text: text.slice(start + 1, j), start, end: closed ? j + 1 : j, quoted: true };
      i = closed ? j + 1 : j;
      continue;
    }
    if ((json && c === '/' && text[i + 1] === '/') || (!json && c === '#' && (i === 0 || /\s/.test(text[i - 1])))) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (json && c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? text.length : e + 2;
      continue;
    }
    const top = frames[frames.length - 1];
    if (c === '{' || c === '[') {
      const seg = top ? (top.kind === 'map' ? top.key : top.index) : undefined;
      frames.push({ kind: c === '{' ? 'map' : 'seq', keys: [], index: 0, ...(seg !== undefined ? { seg } : {}) });
      last = undefined;
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      frames.pop();
      last = undefined;
      i++;
      if (frames.length === 0 && !json) break;
      continue;
    }
    if (c === ',') {
      if (top?.kind === 'map') top.key = undefined;
      else if (top) top.index++;
      last = undefined;
      i++;
      continue;
    }
    if (c === ':' && (json || /[\s,{}[\]]/.test(text[i + 1] ?? ' ') || last?.quoted)) {
      if (top?.kind === 'map' && last) {
        top.key = last.text;
        top.keys.push({ key: last.text, start: last.start, end: last.end });
      }
      last = undefined;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && !/[\s,{}[\]"]/.test(text[i]) && !(text[i] === ':' && /[\s,{}[\]]/.test(text[i + 1] ?? ' '))) {
      if (i === offset && snapshot === undefined) break;
      i++;
    }
    if (i === start) i++;
    last = { text: text.slice(start, i), start, end: i, quoted: false };
  }
  if (snapshot === undefined) take();
  if (snapshot === undefined) snapshot = { frames: frames.slice() };
  return snapshot;
}

function flowContext(
  text: string,
  offset: number,
  from: number,
  base: PathSeg[],
  json: boolean,
  ctx: Omit<CursorContext, 'path' | 'position' | 'prefix' | 'replaceStart' | 'replaceEnd' | 'existingKeys' | 'flow'>,
): CursorContext {
  const state = scanFlow(text, from, offset, json, !json)!;
  const path = [...base];
  for (let f = 0; f < state.frames.length; f++) {
    const fr = state.frames[f];
    if (f > 0 && fr.seg !== undefined) path.push(fr.seg);
  }
  const top = state.frames[state.frames.length - 1];
  const tok = state.token;
  let replaceStart = tok ? tok.start : offset;
  let replaceEnd = offset;
  const prefix = tok ? tok.text : '';
  if (tok?.quoted && text[offset] === '"') replaceEnd = offset + 1;
  // The rest of an identifier after the cursor is replaced too.
  if (!tok?.quoted) while (replaceEnd < text.length && /[\w-]/.test(text[replaceEnd])) replaceEnd++;
  if (tok?.quoted && !tok.open) replaceStart = tok.start;
  if (!top) return { ...ctx, path, position: 'value', prefix, replaceStart, replaceEnd, existingKeys: [], flow: true };
  if (top.kind === 'seq') return { ...ctx, path: [...path, top.index], position: 'value', prefix, replaceStart, replaceEnd, existingKeys: [], flow: true };
  const existing = top.keys.filter((k) => !(offset >= k.start && offset <= k.end)).map((k) => k.key);
  if (top.key === undefined) return { ...ctx, path, position: 'key', prefix, replaceStart, replaceEnd, existingKeys: existing, flow: true };
  return { ...ctx, path: [...path, top.key], position: 'value', prefix, replaceStart, replaceEnd, existingKeys: existing, flow: true };
}

/** The cursor's context in a spec text (tolerant: works on incomplete documents). */
export function cursorContext(text: string, offset: number, fileName: string): CursorContext {
  offset = Math.max(0, Math.min(offset, text.length));
  if (isJsonFileName(fileName)) {
    const state = scanFlow(text, 0, text.length, true, false);
    const rootKeys = state?.frames[0]?.keys.map((k) => k.key) ?? [];
    const mode = modeFromRootKeys(rootKeys);
    return flowContext(text, offset, 0, [], true, { format: 'json', indent: 0, ...(mode ? { mode } : {}) });
  }
  const lines = splitLines(text);
  let lineNo = lines.findIndex((l, k) => offset >= l.start && (k === lines.length - 1 || offset < lines[k + 1].start));
  if (lineNo < 0) lineNo = lines.length - 1;
  const line = lines[lineNo];
  const before = line.text.slice(0, offset - line.start);
  const mode = modeFromRootKeys(yamlRootKeys(lines));
  const base = { format: 'yaml' as const, ...(mode ? { mode } : {}) };
  let end = offset;
  while (end < line.start + line.text.length && /[\w-]/.test(text[end])) end++;

  const keyPos = /^(\s*)(-\s+)?([A-Za-z_][\w-]*|"[^"]*|'[^']*)?$/.exec(before);
  if (keyPos) {
    const indent = keyPos[1].length + (keyPos[2]?.length ?? 0);
    const word = keyPos[3] ?? '';
    const parent = yamlParent(lines, lineNo, indent);
    const path = keyPos[2] ? [...parent.path, 0] : parent.path;
    const existing = keyPos[2] ? [] : yamlSiblingKeys(lines, parent.from, parent.to, indent, lineNo);
    return {
      ...base,
      path,
      position: 'key',
      prefix: word.replace(/^["']/, ''),
      replaceStart: offset - word.length,
      replaceEnd: end,
      existingKeys: existing,
      flow: false,
      indent,
    };
  }
  const valuePos = KEY_LINE.exec(before) ?? /^(\s*)(-\s+)?("[^"]*"|'[^']*'|[^\s:#\-{[][^:#]*?)\s*:()$/.exec(before);
  if (valuePos) {
    const indent = valuePos[1].length + (valuePos[2]?.length ?? 0);
    const parent = yamlParent(lines, lineNo, indent);
    const path = [...(valuePos[2] ? [...parent.path, 0] : parent.path), unquote(valuePos[3].trim())];
    const rest = valuePos[4] ?? '';
    const restStart = offset - rest.length;
    if (/^[{[]/.test(rest)) return flowContext(text, offset, restStart, path, false, { ...base, indent });
    const word = rest.replace(/^["']/, '');
    return {
      ...base,
      path,
      position: 'value',
      prefix: word,
      replaceStart: restStart,
      replaceEnd: Math.max(end, offset),
      existingKeys: [],
      flow: false,
      indent,
    };
  }
  const item = /^(\s*)-\s*(.*)$/.exec(before);
  const indent = item ? item[1].length : before.length - before.trimStart().length;
  const parent = yamlParent(lines, lineNo, indent + 1);
  return {
    ...base,
    path: [...parent.path, 0],
    position: 'value',
    prefix: item?.[2] ?? '',
    replaceStart: offset - (item?.[2]?.length ?? 0),
    replaceEnd: end,
    existingKeys: [],
    flow: false,
    indent,
  };
}

// ---------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------

const esc = (s: string) => s.replace(/[$}\\]/g, (c) => '\\' + c);

function scalarText(v: unknown, json: boolean): string {
  if (typeof v === 'string') return json || !/^[\w./-]+$/.test(v) || /^(true|false|null|~|[-+.\d])/i.test(v) ? JSON.stringify(v) : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  return JSON.stringify(v);
}

/** A value as flow text with numbers (and strings) as tab stops: `{power_law: {first: ${1:300000}, exponent: ${2:1}}}`. */
export function flowSnippet(v: unknown, json: boolean, counter = { n: 0 }): string {
  if (Array.isArray(v)) return `[${v.map((x) => flowSnippet(x, json, counter)).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return `{${entries.map(([k, x]) => `${json ? JSON.stringify(k) : k}: ${flowSnippet(x, json, counter)}`).join(', ')}}`;
  }
  if (typeof v === 'number' || typeof v === 'string') {
    const t = scalarText(v, json);
    const q = t.startsWith('"') ? '"' : '';
    return `${q}\${${++counter.n}:${esc(q ? t.slice(1, -1) : t)}}${q}`;
  }
  return scalarText(v, json);
}

function exampleOf(node: DefNode): unknown {
  const n = resolve(node);
  if ((n.kind === 'number' || n.kind === 'integer' || n.kind === 'boolean') && n.const !== undefined) return n.const;
  const ex = node.examples?.[0] ?? n.examples?.[0] ?? node.default ?? n.default;
  if (ex !== undefined) return ex;
  switch (n.kind) {
    case 'number':
    case 'integer':
      return n.minimum !== undefined && n.minimum > 0 ? n.minimum : n.exclusiveMinimum !== undefined ? n.exclusiveMinimum + 1 : 1;
    case 'string':
      return '';
    case 'boolean':
      return true;
    case 'enum':
      return n.values[0];
    default:
      return undefined;
  }
}

/** The value inserted after a completed key, as a snippet; `retrigger` when completion should follow. */
function valueSnippet(node: DefNode, json: boolean): { text: string; retrigger: boolean; block?: boolean } {
  const n = resolve(node);
  switch (n.kind) {
    case 'enum':
      return { text: json ? `"\${1|${n.values.join(',')}|}"` : `\${1|${n.values.join(',')}|}`, retrigger: false };
    case 'boolean':
      return n.const !== undefined ? { text: String(n.const), retrigger: false } : { text: '${1|true,false|}', retrigger: false };
    case 'number':
    case 'integer':
    case 'string': {
      const ex = exampleOf(node);
      return { text: flowSnippet(ex ?? '', json), retrigger: false };
    }
    case 'object': {
      if (n.parameters && n.required?.length) {
        const body: Record<string, unknown> = {};
        for (const k of n.required) body[k] = exampleOf(n.properties[k]);
        return { text: flowSnippet(body, json), retrigger: false };
      }
      return { text: json ? '{$1}' : '', retrigger: true, block: true };
    }
    case 'array':
    case 'tuple':
    case 'matrix':
      return { text: '[$1]', retrigger: false };
    case 'union':
      return { text: '$1', retrigger: true };
  }
}

function docOf(info: SpecNodeInfo | undefined): string | undefined {
  return info ? hoverMarkdown(info) : undefined;
}

/** What the definition says about a node, as markdown (completion documentation and hover). */
export function hoverMarkdown(info: SpecNodeInfo, key?: string): string {
  const parts: string[] = [];
  const name = key ?? String(info.path[info.path.length - 1] ?? 'spec');
  parts.push(`**${name}**${info.title && info.title !== name ? ` — ${info.title}` : ''}`);
  parts.push(info.markdown);
  const n = info.node;
  const facts: string[] = [];
  if (info.enum) facts.push(`one of ${info.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if ((n.kind === 'number' || n.kind === 'integer') && n.rule) facts.push(`${n.kind === 'integer' ? 'an integer, ' : ''}${n.rule}`);
  else if (n.kind === 'integer') facts.push('an integer');
  if (n.kind === 'string' && n.file) facts.push(`a path relative to the spec (${n.file.extensions.join(', ')})`);
  if (info.default !== undefined) facts.push(`default \`${JSON.stringify(info.default)}\``);
  if (info.children.length) facts.push(`keys: ${info.children.map((c) => (info.required.includes(c) ? `\`${c}\` (required)` : `\`${c}\``)).join(', ')}`);
  if (facts.length) parts.push(facts.join(' · '));
  return parts.join('\n\n');
}

/** File names the host found (paths relative to the spec, `/`-separated). */
export interface FileCandidates {
  relativePaths: readonly string[];
}

function fileExtensions(info: SpecNodeInfo | undefined): readonly string[] | undefined {
  const n = info?.node;
  return n && n.kind === 'string' && n.file ? n.file.extensions : undefined;
}

/** Does the value at the cursor name a file (`file:` and other path keys)? Its extensions, if so. */
export function fileExtensionsAt(ctx: CursorContext): readonly string[] | undefined {
  return ctx.position === 'value' ? fileExtensions(lookupSpecNode(ctx.path, ctx.mode) ?? lookupSpecNode(ctx.path)) : undefined;
}

function rootSkeletons(): { label: string; detail: string; body: unknown }[] {
  return [
    {
      label: 'spectral spec',
      detail: 'signal and noise spectra',
      body: {
        sslexp: 1,
        signal: { count: 50, variance: { power_law: { first: 3.0e5, exponent: 1 } } },
        noise: { count: 50, variance: { uniform: { low: 0, high: 1.0e6, seed: 2 } } },
        alpha: 1,
      },
    },
    { label: 'graph spec', detail: 'data rows and a positive-pair graph', body: { sslexp: 1, data: { file: 'views.npy' }, graph: { views: 2 }, embedding: 8 } },
  ];
}

function blockYaml(v: unknown, indent: number, counter: { n: number }): string {
  const pad = ' '.repeat(indent);
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) =>
      x !== null && typeof x === 'object' && !Array.isArray(x) && Object.values(x).some((y) => y !== null && typeof y === 'object')
        ? `${pad}${k}:\n${blockYaml(x, indent + 2, counter)}`
        : `${pad}${k}: ${flowSnippet(x, false, counter)}`,
    )
    .join('\n');
}

/** Completion proposals at `offset`; `files` are the workspace's data files relative to the spec. */
export function completions(text: string, offset: number, fileName: string, files?: FileCandidates): SpecCompletion[] {
  const ctx = cursorContext(text, offset, fileName);
  const json = ctx.format === 'json';
  const out: SpecCompletion[] = [];
  const range = { replaceStart: ctx.replaceStart, replaceEnd: ctx.replaceEnd };
  if (json && ctx.position === 'value' && ctx.path.length === 0) {
    // An empty JSON document.
    for (const s of rootSkeletons())
      out.push({
        label: s.label,
        kind: 'snippet',
        detail: s.detail,
        insertText: flowSnippet(s.body, true).replace(/^\{/, '{\n\t').replace(/\}$/, '\n}'),
        ...range,
      });
    return out;
  }
  if (ctx.position === 'key') {
    const info = lookupSpecNode(ctx.path, ctx.mode) ?? lookupSpecNode(ctx.path);
    if (!info) return out;
    const present = new Set(ctx.existingKeys);
    info.children.forEach((key, i) => {
      if (present.has(key)) return;
      const child = lookupSpecNode([...ctx.path, key], ctx.mode) ?? lookupSpecNode([...ctx.path, key]);
      if (!child) return;
      const v = valueSnippet(child.node, json);
      const k = json ? `"${key}"` : key;
      let insertText: string;
      // VS Code indents every inserted line like the current one: the child is 2 further.
      if (!ctx.flow && v.block) insertText = `${k}:\n  $0`;
      else insertText = `${k}: ${v.text}`;
      out.push({
        label: key,
        kind: 'property',
        insertText,
        ...(child.title ? { detail: child.title } : {}),
        ...(docOf(child) ? { documentation: docOf(child) } : {}),
        sortText: `${info.required.includes(key) ? '0' : '1'}${String(i).padStart(3, '0')}`,
        ...(v.retrigger ? { retrigger: true } : {}),
        ...range,
      });
    });
    if (ctx.path.length === 0 && !json && ctx.existingKeys.length === 0) {
      for (const s of rootSkeletons())
        out.push({ label: s.label, kind: 'snippet', detail: s.detail, insertText: blockYaml(s.body, 0, { n: 0 }), sortText: '2', ...range });
    }
    return out;
  }
  const info = lookupSpecNode(ctx.path, ctx.mode) ?? lookupSpecNode(ctx.path);
  if (!info) return out;
  const n = info.node;
  const doc = docOf(info);
  const add = (label: string, kind: CompletionKind, insertText: string, detail?: string, sortText?: string) =>
    out.push({ label, kind, insertText, ...(detail ? { detail } : {}), ...(doc ? { documentation: doc } : {}), ...(sortText ? { sortText } : {}), ...range });
  if (info.enum) for (const v of info.enum) add(String(v), 'enum', json && typeof v === 'string' ? JSON.stringify(v) : String(v));
  else if (n.kind === 'boolean') for (const v of ['true', 'false']) add(v, 'enum', v);
  const exts = fileExtensions(info);
  if (exts && files) {
    for (const p of files.relativePaths) {
      if (!exts.some((e) => p.toLowerCase().endsWith(e))) continue;
      add(p, 'file', json ? JSON.stringify(p) : scalarText(p, false), 'file relative to the spec');
    }
  }
  // Snippets (spectrum families, mapping skeletons) and examples.
  const snippets = info.snippets;
  snippets.forEach((s, i) => add(s.label, 'snippet', flowSnippet(s.body, json), s.description, `1${i}`));
  if (!info.enum && !exts && n.kind !== 'boolean') {
    for (const ex of info.examples) {
      const label = typeof ex === 'object' ? JSON.stringify(ex) : String(ex);
      if (out.some((o) => o.label === label)) continue;
      add(label, 'value', typeof ex === 'object' ? flowSnippet(ex, json) : scalarText(ex, json), 'example', '2');
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Trees: hover targets, symbols, selection ranges
// ---------------------------------------------------------------------------------------

export interface KeyAtOffset {
  path: PathSeg[];
  /** The key (or value) span under the cursor. */
  start: number;
  end: number;
  on: 'key' | 'value';
}

function treeOf(text: string, fileName: string): SourceNode | undefined {
  return parseSourceTree(text, fileName).root;
}

/** The key path under `offset` (on a key, or on a scalar value), from the source tree or tolerantly. */
export function keyAt(text: string, offset: number, fileName: string): KeyAtOffset | undefined {
  const root = treeOf(text, fileName);
  if (root) {
    let node: SourceNode = root;
    const path: PathSeg[] = [];
    for (;;) {
      if (node.kind === 'map') {
        const e = node.entries.find((x) => !x.merged && offset >= x.keySpan.start && offset <= x.keySpan.end);
        if (e) return { path: [...path, e.key], start: e.keySpan.start, end: e.keySpan.end, on: 'key' };
        const v = node.entries.find((x) => !x.merged && offset >= x.value.span.start && offset <= x.value.span.end && x.value.span.end > x.value.span.start);
        if (!v) return undefined;
        path.push(v.key);
        node = v.value;
      } else if (node.kind === 'seq') {
        const i = node.items.findIndex((x) => offset >= x.span.start && offset <= x.span.end);
        if (i < 0) return undefined;
        path.push(i);
        node = node.items[i];
      } else {
        return path.length ? { path, start: node.span.start, end: node.span.end, on: 'value' } : undefined;
      }
    }
  }
  // Tolerant: the word under the cursor.
  let s = offset;
  let e = offset;
  while (s > 0 && /[\w-]/.test(text[s - 1])) s--;
  while (e < text.length && /[\w-]/.test(text[e])) e++;
  if (s === e) return undefined;
  const ctx = cursorContext(text, e, fileName);
  if (ctx.position === 'key') return { path: [...ctx.path, text.slice(s, e)], start: s, end: e, on: 'key' };
  const after = text.slice(e).match(/^["']?\s*:/);
  if (after) {
    const c2 = cursorContext(text, s - (text[s - 1] === '"' ? 1 : 0), fileName);
    if (c2.position === 'key') return { path: [...c2.path, text.slice(s, e)], start: s, end: e, on: 'key' };
  }
  return { path: ctx.path, start: s, end: e, on: 'value' };
}

export interface SpecHoverDoc {
  markdown: string;
  start: number;
  end: number;
  path: PathSeg[];
}

/** Definition documentation for the key (or value) under the cursor. */
export function hoverDoc(text: string, offset: number, fileName: string): SpecHoverDoc | undefined {
  const at = keyAt(text, offset, fileName);
  if (!at) return undefined;
  const mode = modeFromRootKeys(rootKeysOf(text, fileName));
  // For a value, document its key (the last string segment).
  let path = at.path;
  while (path.length && typeof path[path.length - 1] === 'number') path = path.slice(0, -1);
  if (!path.length) return undefined;
  const info = lookupSpecNode(path, mode) ?? lookupSpecNode(path);
  if (!info) return undefined;
  return { markdown: hoverMarkdown(info, String(path[path.length - 1])), start: at.start, end: at.end, path };
}

function rootKeysOf(text: string, fileName: string): string[] {
  if (isJsonFileName(fileName)) return scanFlow(text, 0, text.length, true, false)?.frames[0]?.keys.map((k) => k.key) ?? [];
  return yamlRootKeys(splitLines(text));
}

export type SymbolKind = 'object' | 'array' | 'number' | 'string' | 'boolean' | 'enum' | 'property';

export interface SpecSymbol {
  name: string;
  detail: string;
  kind: SymbolKind;
  start: number;
  end: number;
  selectionStart: number;
  selectionEnd: number;
  children: SpecSymbol[];
}

function scalarDetail(node: SourceNode): string {
  if (node.kind === 'scalar') return node.raw ?? (node.value === null ? '' : String(node.value));
  if (node.kind === 'seq') return `${node.items.length} item${node.items.length === 1 ? '' : 's'}`;
  return '';
}

/** The outline: every key of the document with its value's extent (from the source tree). */
export function documentSymbols(text: string, fileName: string): SpecSymbol[] {
  const root = treeOf(text, fileName);
  if (!root || root.kind !== 'map') return [];
  const mode = modeFromRootKeys(root.entries.map((e) => e.key));
  const walk = (node: SourceNode, path: PathSeg[]): SpecSymbol[] => {
    if (node.kind === 'map')
      return node.entries
        .filter((e) => !e.merged)
        .map((e) => {
          const p = [...path, e.key];
          const def = lookupSpecNode(p, mode)?.node;
          const kind: SymbolKind =
            e.value.kind === 'map'
              ? 'object'
              : e.value.kind === 'seq'
                ? 'array'
                : def?.kind === 'enum'
                  ? 'enum'
                  : typeof (e.value as { value: unknown }).value === 'number'
                    ? 'number'
                    : typeof (e.value as { value: unknown }).value === 'boolean'
                      ? 'boolean'
                      : e.value.kind === 'scalar' && e.value.value === null
                        ? 'property'
                        : 'string';
          const end = Math.max(e.keySpan.end, e.value.span.end);
          return {
            name: e.key,
            detail: scalarDetail(e.value),
            kind,
            start: e.keySpan.start,
            end,
            selectionStart: e.keySpan.start,
            selectionEnd: e.keySpan.end,
            children: walk(e.value, p),
          };
        });
    if (node.kind === 'seq')
      return node.items.flatMap((item, i) =>
        item.kind === 'map'
          ? [
              {
                name: `[${i}]`,
                detail: '',
                kind: 'object' as const,
                start: item.span.start,
                end: item.span.end,
                selectionStart: item.span.start,
                selectionEnd: item.span.end,
                children: walk(item, [...path, i]),
              },
            ]
          : [],
      );
    return [];
  };
  return walk(root, []);
}

/** Nested ranges around `offset`, innermost first: scalar, key, entry (key and value), mapping, ..., the document. */
export function selectionRanges(text: string, offset: number, fileName: string): { start: number; end: number }[] {
  const root = treeOf(text, fileName);
  if (!root) return text.length ? [{ start: 0, end: text.length }] : [];
  // Outermost first.
  const chain: { start: number; end: number }[] = [{ start: 0, end: text.length }];
  let node: SourceNode = root;
  for (;;) {
    chain.push(node.span);
    if (node.kind === 'map') {
      const e = node.entries.find((x) => !x.merged && offset >= x.keySpan.start && offset <= Math.max(x.keySpan.end, x.value.span.end));
      if (!e) break;
      chain.push({ start: e.keySpan.start, end: Math.max(e.keySpan.end, e.value.span.end) });
      if (offset <= e.keySpan.end) {
        chain.push(e.keySpan);
        break;
      }
      node = e.value;
    } else if (node.kind === 'seq') {
      const item = node.items.find((x) => offset >= x.span.start && offset <= x.span.end);
      if (!item) break;
      node = item;
    } else break;
  }
  // Innermost first, each range strictly inside the next.
  const res: { start: number; end: number }[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const r = chain[i];
    const last = res[res.length - 1];
    if (r.end <= r.start || r.start > offset || r.end < offset) continue;
    if (last && (r.start > last.start || r.end < last.end || (r.start === last.start && r.end === last.end))) continue;
    res.push({ start: r.start, end: r.end });
  }
  return res;
}
