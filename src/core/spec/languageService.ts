/**
 * The spec files' own language service (docs/architecture.md §2): completion, hover documentation,
 * document symbols and selection ranges for `*.sslexp.{yaml,yml,json}`, driven by the one
 * definition of the language (definition.ts, read through `lookupSpecNode`). Pure: text and
 * offsets in, plain data with offsets out; the VS Code providers live in src/host/
 * (completion.ts, hover.ts, documentSymbols.ts, selectionRanges.ts).
 *
 * The cursor's context (which key path, key or value position) comes from a tolerant reader
 * that works on incomplete text: an indentation-based reader for YAML block structure (keys,
 * `- ` items with their index, `- - ` nested lists) and a bracket scanner for flow collections
 * (`{power_law: {first: 1, |`) and for JSON. A YAML flow collection (or quoted scalar) that
 * spans lines belongs to the line where it opened, so the block reader never reads its later
 * lines as keys; block scalars are text, and only the first YAML document is the spec, as for
 * the parser (docs/architecture.md §1). Hover, symbols and selection ranges use the source
 * tree with offsets (sourceTree.ts), which the parser builds also for text with errors, and
 * the tolerant reader when there is none.
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
  /** Not in the spec's structure: a later YAML document, or inside a block or multi-line quoted scalar. */
  outside?: boolean;
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
/** A block key line: indentation, `- ` indicators (any number: `- - a: 1`), the key, the value. */
const KEY_LINE = /^(\s*)((?:-\s+)*)("[^"]*"|'[^']*'|[^\s:#\-{[][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+(.*))?$/;
/** Indentation and `- ` indicators at the start of a line (a `-` alone at the end too). */
const DASHES = /^(\s*)((?:-(?:\s+|$))*)/;
const unquote = (k: string) => (/^(["']).*\1$/.test(k) ? k.slice(1, -1) : k);
const stripComment = (v: string) => v.replace(/(^|\s)#.*$/, '').trim();

interface LineInfo {
  indent: number;
  /** Columns of the line's `- ` indicators, left to right. */
  dashes: number[];
  /** Column of the content after the indicators (where a key on this line starts). */
  content: number;
  key?: string;
  /** The value after `key:`, or the content after the indicators (without a trailing comment); '' when empty. */
  value: string;
  /** Column where `value` starts. */
  valueCol: number;
}

/** The indentation, the columns of the `- ` indicators at the start of `text` and the column after them. */
function dashColumns(text: string): { indent: number; dashes: number[]; content: number } {
  const d = DASHES.exec(text)!;
  const content = d[0].length;
  const dashes: number[] = [];
  for (let c = d[1].length; c < content; c++) if (text[c] === '-') dashes.push(c);
  return { indent: d[1].length, dashes, content };
}

function lineInfo(text: string): LineInfo | undefined {
  if (BLANK.test(text)) return undefined;
  const { indent, dashes, content } = dashColumns(text);
  const m = KEY_LINE.exec(text);
  if (m) {
    const raw = m[4] ?? '';
    return { indent, dashes, content, key: unquote(m[3].trim()), ...valueAt(text, raw ? text.length - raw.length : text.length) };
  }
  return { indent, dashes, content, ...valueAt(text, content) };
}

/** The value written from column `col`, after its anchor and tag (`&base`, `!!map`): `key: &a` still opens a block. */
function valueAt(text: string, col: number): { value: string; valueCol: number } {
  const props = /^(?:[&!]\S*(?:\s+|$))*/.exec(text.slice(col))![0].length;
  return { value: stripComment(text.slice(col + props)), valueCol: col + props };
}

/**
 * The block structure of the first YAML document, line by line (the parser reads only the first
 * document: a later `---` or `...` ends what the language service looks at). Lines that begin
 * inside a flow collection or a quoted scalar that spans lines, and the text lines of block
 * scalars (`|`, `>`), belong to the line where that value began (`owner`), so that
 * the block reader never takes them for keys.
 */
interface YamlModel {
  lines: Line[];
  infos: (LineInfo | undefined)[];
  /** Number of lines of the first document. */
  end: number;
  /** The line where the value a line continues began (-1: none). */
  owner: number[];
  /** For a line whose value is a flow collection: its opening bracket and where its text stops. */
  flow: ({ at: number; stop: number } | undefined)[];
}

const DOC_MARKER = /^(---|\.\.\.)(\s|$)/;

function yamlModel(text: string): YamlModel {
  const lines = splitLines(text);
  const infos: (LineInfo | undefined)[] = [];
  let end = lines.length;
  let content = false;
  for (let k = 0; k < lines.length; k++) {
    const t = lines[k].text;
    if (DOC_MARKER.test(t) && (content || t.startsWith('...'))) {
      end = k;
      break;
    }
    if (!content && (DOC_MARKER.test(t) || t.startsWith('%'))) {
      infos.push(undefined);
      continue;
    }
    const info = lineInfo(t);
    infos.push(info);
    if (info) content = true;
  }
  const owner: number[] = new Array<number>(lines.length).fill(-1);
  const flow: YamlModel['flow'] = [];
  const limit = end < lines.length ? lines[end].start : text.length;
  for (let k = 0; k < end; k++) {
    const info = infos[k];
    if (!info || owner[k] >= 0) continue;
    const v = info.value;
    if (/^[|>][-+1-9]{0,2}$/.test(v)) {
      // A block scalar: the lines indented deeper than its key (or item) are text.
      const col = info.key !== undefined ? info.content : (info.dashes[info.dashes.length - 1] ?? info.indent);
      for (let j = k + 1; j < end; j++) {
        const t = lines[j].text;
        if (t.trim() !== '' && t.length - t.trimStart().length <= col) break;
        owner[j] = k;
        infos[j] = undefined;
      }
      continue;
    }
    if (!/^[[{"']/.test(v)) continue;
    const at = lines[k].start + info.valueCol;
    const stop = valueEnd(text, at, lines, infos, k, end, limit, info.indent);
    for (let j = k + 1; j < end && lines[j].start < stop; j++) {
      owner[j] = k;
      infos[j] = undefined;
    }
    if (v[0] === '[' || v[0] === '{') flow[k] = { at, stop };
  }
  return { lines, infos, end, owner, flow };
}

/**
 * Where a flow collection or quoted scalar starting at `from` (on line `k`) ends: after its
 * closing bracket or quote; when it is never closed, at the first later line that is a block
 * key or item indented no deeper than line `k` (the user is still typing), else at `limit`.
 */
function valueEnd(text: string, from: number, lines: Line[], infos: (LineInfo | undefined)[], k: number, end: number, limit: number, indent: number): number {
  let depth = 0;
  let line = k;
  const nextLine = (): number | undefined => {
    line++;
    if (line >= end) return limit;
    const info = infos[line];
    if (info && info.indent <= indent && (info.key !== undefined || info.dashes.length) && !/^\s*[\]}]/.test(lines[line].text)) return lines[line].start;
    return undefined;
  };
  for (let i = from; i < limit;) {
    const c = text[i];
    if (c === '\n') {
      const stop = nextLine();
      if (stop !== undefined) return stop;
      i++;
      continue;
    }
    if ((c === '"' || c === "'") && (i === from || /[\s,[{:]/.test(text[i - 1]))) {
      let j = i + 1;
      while (j < limit) {
        if (c === '"' && text[j] === '\\') j += 2;
        else if (text[j] === c) {
          if (c === "'" && text[j + 1] === "'") j += 2;
          else break;
        } else {
          if (text[j] === '\n') {
            const stop = nextLine();
            if (stop !== undefined) return stop;
          }
          j++;
        }
      }
      i = j + 1;
      if (depth === 0) return Math.min(i, limit);
      continue;
    }
    if (c === '#' && (i === from || /\s/.test(text[i - 1]))) {
      while (i < limit && text[i] !== '\n') i++;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth <= 0) return i + 1;
    }
    i++;
  }
  return limit;
}

/** Root keys of a YAML document: keys at column 0, or the keys of a root flow mapping. */
function yamlRootKeys(m: YamlModel, text: string): string[] {
  const keys: string[] = [];
  for (let k = 0; k < m.end; k++) {
    const info = m.infos[k];
    if (!info || info.indent !== 0 || info.dashes.length) continue;
    if (info.key !== undefined) keys.push(info.key);
    const f = m.flow[k];
    if (info.key === undefined && f && info.value.startsWith('{')) {
      keys.push(...(scanFlow(text.slice(0, f.stop), f.at, f.stop, false).outer?.keys.map((x) => x.key) ?? []));
    }
  }
  return keys;
}

function modeFromRootKeys(keys: readonly string[]): SpecMode | undefined {
  const m = modeOfKeys(new Set(keys));
  // Spectral is the default mode: chosen only once a spectral block is written.
  return m === 'spectral' && !keys.some((k) => k === 'signal' || k === 'noise') ? undefined : m;
}

type Anchor = { kind: 'key'; col: number; key: string; empty: boolean } | { kind: 'dash' | 'other'; col: number };

/**
 * The path of the block collection that holds a key (or item content) starting at column `col`
 * of line `lineNo`, whose line begins with the indicators `lineDashes`, and the keys of that
 * mapping on other lines. Reads the lines before it backwards, right to left within a line:
 * a key with an empty value at a smaller column owns the position, a `- ` at a smaller column
 * makes it an item of a list (whose index is the number of `- ` at that column before it, up
 * to the list's owner).
 */
function blockContainer(m: YamlModel, lineNo: number, col: number, lineDashes: readonly number[]): { path: PathSeg[]; siblings: string[] } {
  const path: PathSeg[] = [];
  const siblings: string[] = [];
  /** What is looked for: the owner of a mapping (`key`) or of a list (`item`) at column `at`. */
  const st: { kind: 'key' | 'item'; at: number; index: number; collecting: boolean } = { kind: 'key', at: col, index: 0, collecting: true };
  const visit = (a: Anchor): void => {
    if (a.col > st.at) return;
    if (st.kind === 'key') {
      if (a.col === st.at) {
        // A sibling key (a `- ` or text at the key's column lies inside an earlier sibling's value).
        if (a.kind === 'key' && st.collecting) siblings.unshift(a.key);
        return;
      }
      st.collecting = false;
      if (a.kind === 'dash') {
        st.kind = 'item';
        st.index = 0;
      } else if (a.kind === 'key' && a.empty) path.unshift(a.key);
      st.at = a.col;
      return;
    }
    if (a.col === st.at) {
      if (a.kind === 'dash') st.index++;
      else if (a.kind === 'key') {
        // `key:` followed by its list at the same column.
        path.unshift(st.index);
        if (a.empty) path.unshift(a.key);
        st.kind = 'key';
      }
      return;
    }
    path.unshift(st.index);
    st.at = a.col;
    if (a.kind === 'dash') st.index = 0;
    else {
      st.kind = 'key';
      if (a.kind === 'key' && a.empty) path.unshift(a.key);
    }
  };
  for (let d = lineDashes.length - 1; d >= 0; d--) visit({ kind: 'dash', col: lineDashes[d] });
  for (let j = lineNo - 1; j >= 0 && !(st.kind === 'key' && st.at === 0 && !st.collecting); j--) {
    const info = m.infos[j];
    if (!info) continue;
    if (info.key !== undefined) visit({ kind: 'key', col: info.content, key: info.key, empty: info.value === '' });
    else if (!info.dashes.length) visit({ kind: 'other', col: info.indent });
    for (let d = info.dashes.length - 1; d >= 0; d--) visit({ kind: 'dash', col: info.dashes[d] });
  }
  if (st.kind === 'item') path.unshift(st.index);
  // The keys of the same mapping after this line.
  for (let j = lineNo + 1; j < m.end; j++) {
    const info = m.infos[j];
    if (!info) continue;
    if (info.indent < col) break;
    if (info.indent === col && !info.dashes.length && info.key !== undefined) siblings.push(info.key);
  }
  return { path, siblings };
}

/** The path of the value that starts on line `k` (after `key:`, after `- `, or the whole line). */
function valuePathOf(m: YamlModel, k: number): PathSeg[] {
  const info = m.infos[k]!;
  const c = blockContainer(m, k, info.content, info.dashes);
  return info.key !== undefined ? [...c.path, info.key] : c.path;
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
  /** The outermost collection (its keys: a root mapping's keys, also once it is closed). */
  outer?: Frame;
  /** The scalar or string token ending at the cursor. */
  token?: { text: string; start: number; quoted: boolean; open: boolean };
}

/**
 * Scans a flow fragment (JSON, or a YAML `{…}`/`[…]` value, over as many lines as it spans)
 * from `from` to the end of `text` (for YAML: until the outermost collection closes); returns
 * the frames open at `offset` (their `keys` include the keys after the cursor too).
 */
function scanFlow(text: string, from: number, offset: number, json: boolean): FlowState {
  const frames: Frame[] = [];
  let outer: Frame | undefined;
  let snapshot: FlowState | undefined;
  let depthAtSnapshot = -1;
  let last: { text: string; start: number; end: number; quoted: boolean } | undefined;
  let i = from;
  // The frames as they are at the cursor; their key lists keep growing (keys after the cursor count too).
  const frozen = (): Frame[] => frames.map((f) => ({ ...f }));
  const take = (): void => {
    if (snapshot === undefined && i >= offset) {
      const tok = last && last.end === offset ? { text: last.text, start: last.start, quoted: last.quoted, open: false } : undefined;
      snapshot = { frames: frozen(), ...(tok ? { token: tok } : {}) };
      depthAtSnapshot = frames.length;
    }
  };
  while (i < text.length) {
    if (snapshot === undefined && i >= offset) take();
    const c = text[i];
    if (snapshot !== undefined && frames.length < depthAtSnapshot) break;
    if (c === '"' || (!json && c === "'")) {
      const start = i;
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' && c === '"' ? 2 : 1;
      if (snapshot === undefined && offset > start && offset <= j && (j >= text.length || text[j] !== c || offset <= j)) {
        // The cursor is inside this string.
        if (offset <= j) {
          snapshot = { frames: frozen(), token: { text: text.slice(start + 1, offset), start, quoted: true, open: true } };
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
      outer ??= frames[0];
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
  return outer ? { ...snapshot, outer } : snapshot;
}

function flowContext(
  text: string,
  offset: number,
  from: number,
  base: PathSeg[],
  json: boolean,
  ctx: Omit<CursorContext, 'path' | 'position' | 'prefix' | 'replaceStart' | 'replaceEnd' | 'existingKeys' | 'flow'>,
  stop = text.length,
): CursorContext {
  const state = scanFlow(text.slice(0, stop), from, offset, json);
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
    const state = scanFlow(text, 0, text.length, true);
    const mode = modeFromRootKeys(state.outer?.keys.map((k) => k.key) ?? []);
    return flowContext(text, offset, 0, [], true, { format: 'json', indent: 0, ...(mode ? { mode } : {}) });
  }
  const m = yamlModel(text);
  const lines = m.lines;
  let lineNo = lines.findIndex((l, k) => offset >= l.start && (k === lines.length - 1 || offset < lines[k + 1].start));
  if (lineNo < 0) lineNo = lines.length - 1;
  const line = lines[lineNo];
  const mode = modeFromRootKeys(yamlRootKeys(m, text));
  const base = { format: 'yaml' as const, ...(mode ? { mode } : {}) };
  const none: CursorContext = {
    ...base,
    path: [],
    position: 'value',
    prefix: '',
    replaceStart: offset,
    replaceEnd: offset,
    existingKeys: [],
    flow: false,
    indent: 0,
    outside: true,
  };
  // Later documents are not the spec; block scalars and quoted text that spans lines are text.
  if (lineNo >= m.end) return none;
  const owner = m.owner[lineNo];
  const opening = owner >= 0 ? owner : lineNo;
  const flow = m.flow[opening];
  if (flow && (owner >= 0 || offset > flow.at) && offset <= flow.stop)
    return flowContext(text, offset, flow.at, valuePathOf(m, opening), false, { ...base, indent: m.infos[opening]?.content ?? 0 }, flow.stop);
  if (owner >= 0) return none;

  const before = line.text.slice(0, offset - line.start);
  let end = offset;
  while (end < line.start + line.text.length && /[\w-]/.test(text[end])) end++;
  const { dashes, content } = dashColumns(before);

  const keyPos = /^(\s*)((?:-\s+)*)([A-Za-z_][\w-]*|"[^"]*|'[^']*)?$/.exec(before);
  if (keyPos) {
    const word = keyPos[3] ?? '';
    const c = blockContainer(m, lineNo, content, dashes);
    const key: CursorContext = {
      ...base,
      path: c.path,
      position: 'key',
      prefix: word.replace(/^["']/, ''),
      replaceStart: offset - word.length,
      replaceEnd: end,
      existingKeys: c.siblings,
      flow: false,
      indent: content,
    };
    // An item of a list of values (sample sizes, alphas, pairs), after `- ` or below it: its value.
    const item = typeof c.path[c.path.length - 1] === 'number';
    if (item && !word && !c.siblings.length && m.infos[lineNo]?.key === undefined && !(lookupSpecNode(c.path, mode) ?? lookupSpecNode(c.path))?.children.length)
      return { ...key, position: 'value', existingKeys: [] };
    return key;
  }
  const valuePos = KEY_LINE.exec(before) ?? /^(\s*)((?:-\s+)*)("[^"]*"|'[^']*'|[^\s:#\-{[][^:#]*?)\s*:()$/.exec(before);
  if (valuePos) {
    const path = [...blockContainer(m, lineNo, content, dashes).path, unquote(valuePos[3].trim())];
    const rest = valuePos[4] ?? '';
    const restStart = offset - rest.length;
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
      indent: content,
    };
  }
  // An item's value (`- 10`), or text that is neither a key nor an item.
  const rest = before.slice(content);
  return {
    ...base,
    path: blockContainer(m, lineNo, content, dashes).path,
    position: 'value',
    prefix: rest,
    replaceStart: offset - rest.length,
    replaceEnd: end,
    existingKeys: [],
    flow: false,
    indent: content,
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
  if (ctx.outside) return out;
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
  if (!root) return tolerantKeyAt(text, offset, fileName);
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

/** The word under the cursor, placed by the tolerant reader (text that does not parse). */
function tolerantKeyAt(text: string, offset: number, fileName: string): KeyAtOffset | undefined {
  let s = offset;
  let e = offset;
  while (s > 0 && /[\w-]/.test(text[s - 1])) s--;
  while (e < text.length && /[\w-]/.test(text[e])) e++;
  if (s === e) return undefined;
  const ctx = cursorContext(text, e, fileName);
  if (ctx.outside) return undefined;
  if (ctx.position === 'key') return { path: [...ctx.path, text.slice(s, e)], start: s, end: e, on: 'key' };
  const after = text.slice(e).match(/^["']?\s*:/);
  if (after) {
    const c2 = cursorContext(text, s - (text[s - 1] === '"' ? 1 : 0), fileName);
    if (c2.position === 'key' && !c2.outside) return { path: [...c2.path, text.slice(s, e)], start: s, end: e, on: 'key' };
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
  if (isJsonFileName(fileName)) return scanFlow(text, 0, text.length, true).outer?.keys.map((k) => k.key) ?? [];
  return yamlRootKeys(yamlModel(text), text);
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
      // Items that hold keys (mappings, and lists of them at any depth) are `[i]`.
      return node.items.flatMap((item, i): SpecSymbol[] => {
        if (item.kind === 'scalar') return [];
        const children = walk(item, [...path, i]);
        if (item.kind === 'seq' && !children.length) return [];
        const s = item.span;
        const kind = item.kind === 'map' ? 'object' : 'array';
        return [{ name: `[${i}]`, detail: scalarDetail(item), kind, start: s.start, end: s.end, selectionStart: s.start, selectionEnd: s.end, children }];
      });
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
