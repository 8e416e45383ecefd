/**
 * YAML and JSON into ONE generic tree with source spans (docs/architecture.md §1: "YAML and JSON
 * carry the same document"). Everything the semantic validation (parseSpec.ts) needs to
 * point back into the text lives here: key spans, value spans, raw number text.
 *
 * Never throws: syntax errors, binary input, pathological nesting and alias bombs
 * become problems. Offsets are UTF-16 code units, `end` exclusive (problems.ts).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode, type Pair as YamlPair } from 'yaml';
// The ESM build: the package's UMD `main` uses a dynamic require that esbuild cannot bundle.
import { parseTree, type Node as JsonNode, type ParseError as JsonParseError } from 'jsonc-parser/lib/esm/main.js';
import { problem, type Problem } from '../problems/problems';
import { LIMITS, type Span } from './model';

export type { Span };

export interface MapEntry {
  key: string;
  /** The key as written (quotes included for JSON / quoted YAML keys). */
  keySpan: Span;
  /** The key's characters without quotes: where a rename edit goes. */
  keyTextSpan: Span;
  value: SourceNode;
  /** Entry copied in by a YAML merge key (`<<: *base`); an explicit key overrides it. */
  merged?: boolean;
}

export type ScalarValue = number | string | boolean | null;

export type SourceNode =
  | { kind: 'map'; entries: MapEntry[]; span: Span; flow?: boolean }
  | { kind: 'seq'; items: SourceNode[]; span: Span }
  /** `raw` is the source text of numbers (e.g. `.inf`, `1.0e4`), for messages. */
  | { kind: 'scalar'; value: ScalarValue; span: Span; raw?: string };

export type MapNode = Extract<SourceNode, { kind: 'map' }>;
export type SeqNode = Extract<SourceNode, { kind: 'seq' }>;
export type ScalarNode = Extract<SourceNode, { kind: 'scalar' }>;

export interface SourceTreeResult {
  /** Absent when the text could not be turned into a tree (syntax, binary, too deep, empty). */
  root?: SourceNode;
  problems: Problem[];
  /** True when the problems make the tree unusable for semantic validation. */
  fatal: boolean;
  format: 'yaml' | 'json';
}

/** Nodes that alias expansion may add in total (billion-laughs defence). */
export const MAX_ALIAS_EXPANSION = 100_000;
/**
 * Cheap pre-scan bound on flow nesting (brackets, compact `- - -` sequences) above which
 * the YAML library is not even called: its recursion is slow and memory hungry long before
 * it reports exhaustion. The exact `maxDepth` check happens while building the tree.
 */
const PRESCAN_DEPTH = 4 * LIMITS.maxDepth;
/** Syntax errors reported per document; the rest are usually consequences of the first. */
const MAX_SYNTAX_ERRORS = 20;

export function isJsonFileName(fileName: string): boolean {
  return /\.json$/i.test(fileName);
}

/** Parses `text` as JSON when `fileName` ends in `.json`, as YAML otherwise. */
export function parseSourceTree(text: string, fileName: string): SourceTreeResult {
  const format = isJsonFileName(fileName) ? 'json' : 'yaml';
  try {
    const pre = precheck(text);
    if (pre) return { problems: [pre], fatal: true, format };
    // A BOM is not content; replace it by a space so that offsets stay the same.
    const src = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
    return format === 'json' ? parseJson(src) : parseYaml(src);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problems: [problem('internal-error', 'error', `Internal error while parsing: ${message}`, 0, 0)], fatal: true, format };
  }
}

/** Empty / whitespace-only and binary input: one clear error each. */
function precheck(text: string): Problem | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return problem('binary-file', 'error', `This is not a text file: it contains a NUL byte at offset ${i}.`, i, i + 1);
    if (c === 0xfffd)
      return problem('binary-file', 'error', `This is not a UTF-8 text file: it contains invalid UTF-8 (shown as U+FFFD) at offset ${i}.`, i, i + 1);
  }
  if (/^[\s\ufeff]*$/.test(text)) return problem('empty-document', 'error', 'The document is empty: a spec needs at least `sslexp: 1`.', 0, 0);
  return undefined;
}

function tooDeep(start: number, end: number): Problem {
  return problem('too-deep', 'error', `The document is nested too deeply (more than ${LIMITS.maxDepth} levels).`, start, end);
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

const JSON_ERRORS: Record<number, string> = {
  1: 'invalid symbol',
  2: 'invalid number format',
  3: 'property name expected',
  4: 'value expected',
  5: 'colon expected',
  6: 'comma expected',
  7: 'closing brace } expected',
  8: 'closing bracket ] expected',
  9: 'end of file expected',
  10: 'comments are not allowed in JSON',
  11: 'unexpected end of comment',
  12: 'unexpected end of string',
  13: 'unexpected end of number',
  14: 'invalid unicode sequence in string',
  15: 'invalid escape character in string',
  16: 'invalid character in string',
};

function parseJson(text: string): SourceTreeResult {
  // Exact bracket depth outside strings and the number of scalars (strings and runs of other
  // characters between separators), before the (recursive) parser sees the text.
  let depth = 0;
  let inString = false;
  let inToken = false;
  let scalars = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    const separator = c === 34 || c === 91 || c === 123 || c === 93 || c === 125 || c === 44 || c === 58 || c === 32 || c === 9 || c === 10 || c === 13;
    if (!separator && !inToken && ++scalars > LIMITS.maxSpecScalars) return { problems: [tooManyScalars(i)], fatal: true, format: 'json' };
    inToken = !separator;
    if (c === 34) {
      inString = true;
      if (++scalars > LIMITS.maxSpecScalars) return { problems: [tooManyScalars(i)], fatal: true, format: 'json' };
    } else if (c === 91 || c === 123) {
      if (++depth > LIMITS.maxDepth) return { problems: [tooDeep(i, i + 1)], fatal: true, format: 'json' };
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }

  const errors: JsonParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const problems: Problem[] = [];
  const seenOffsets = new Set<number>();
  for (const e of errors) {
    if (seenOffsets.has(e.offset) || problems.length >= MAX_SYNTAX_ERRORS) continue;
    seenOffsets.add(e.offset);
    // A trailing comma shows up as "value/property name expected" at the closing bracket.
    if ((e.error === 3 || e.error === 4) && (text[e.offset] === '}' || text[e.offset] === ']')) {
      let j = e.offset - 1;
      while (j >= 0 && /\s/.test(text[j])) j--;
      if (text[j] === ',') {
        problems.push(problem('json-syntax', 'error', 'JSON syntax error: trailing comma is not allowed in JSON.', j, j + 1));
        continue;
      }
    }
    const what = JSON_ERRORS[e.error] ?? `error ${e.error}`;
    const end = e.length > 0 ? e.offset + e.length : Math.min(text.length, e.offset + 1);
    problems.push(problem('json-syntax', 'error', `JSON syntax error: ${what}.`, e.offset, Math.max(end, e.offset)));
  }
  if (problems.length) return { root: tree ? convertJson(tree, text, [], 1) : undefined, problems, fatal: true, format: 'json' };
  if (!tree)
    return { problems: [problem('empty-document', 'error', 'The document is empty: a spec needs at least `"sslexp": 1`.', 0, 0)], fatal: true, format: 'json' };
  const root = convertJson(tree, text, problems, 1);
  return { root, problems, fatal: false, format: 'json' };
}

function convertJson(node: JsonNode, text: string, problems: Problem[], depth: number): SourceNode {
  const span = { start: node.offset, end: node.offset + node.length };
  switch (node.type) {
    case 'object': {
      const entries: MapEntry[] = [];
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k || !v) continue; // only after syntax errors
        const key = String(k.value);
        const keySpan = { start: k.offset, end: k.offset + k.length };
        const keyTextSpan = { start: k.offset + 1, end: Math.max(k.offset + 1, k.offset + k.length - 1) };
        if (seen.has(key)) {
          problems.push(duplicateKey(key, keySpan));
          continue;
        }
        seen.add(key);
        entries.push({ key, keySpan, keyTextSpan, value: convertJson(v, text, problems, depth + 1) });
      }
      return { kind: 'map', entries, span };
    }
    case 'array':
      return { kind: 'seq', items: (node.children ?? []).map((c) => convertJson(c, text, problems, depth + 1)), span };
    case 'number':
      return { kind: 'scalar', value: node.value as number, span, raw: text.slice(span.start, span.end) };
    case 'string':
    case 'boolean':
      return { kind: 'scalar', value: node.value as string | boolean, span };
    default:
      return { kind: 'scalar', value: null, span };
  }
}

function duplicateKey(key: string, keySpan: Span): Problem {
  return problem('duplicate-key', 'error', `Duplicate key '${key}': it is already defined in this mapping.`, keySpan.start, keySpan.end);
}

// ---------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------

/**
 * A linear pre-scan of a YAML text, before the YAML library sees it (its parser and composer
 * recurse per level and are slow per node): an upper bound on the nesting depth and a count
 * of the scalars. Depth: open block nodes by indentation (a stack of columns), compact
 * indicators (`- - x`, `? `, `: `) and flow brackets outside quotes and comments; block
 * scalars (`|`, `>`) are skipped. Returns `too-deep` (located where the bound first passed
 * {@link LIMITS.maxDepth}) when the bound passes {@link PRESCAN_DEPTH}, `limit-exceeded` on
 * the scalar past {@link LIMITS.maxSpecScalars}. Never recursive.
 */
function yamlPrescan(text: string): Problem | undefined {
  const scan = new YamlPrescan(text);
  try {
    scan.run();
    return undefined;
  } catch (e) {
    if (e instanceof PrescanRefusal) return e.problem;
    throw e;
  }
}

/** Thrown inside {@link YamlPrescan} to stop at the first refusal. */
class PrescanRefusal {
  constructor(readonly problem: Problem) {}
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
const isBreak = (c: string | undefined) => c === '\n' || c === '\r';

/** The state of {@link yamlPrescan}: a position, the open block columns, the flow depth, the scalar count. */
class YamlPrescan {
  private i = 0;
  private flow = 0;
  /** Columns of the open block nodes. */
  private readonly blocks: number[] = [];
  private firstOver = -1;
  private scalars = 0;
  private readonly n: number;

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  run(): void {
    const { text, n } = this;
    while (this.i < n) {
      const lineStart = this.i;
      while (this.i < n && text[this.i] === ' ') this.i++;
      const indent = this.i - lineStart;
      if (this.i >= n) break;
      if (this.blankOrComment()) {
        this.i = this.endOfLine(this.i);
        while (this.i < n && isBreak(text[this.i])) this.i++;
        continue;
      }
      const lineDepth = this.flow === 0 ? this.openBlocks(lineStart, indent) : 0;
      const { lastToken, beforeLast } = this.restOfLine(lineStart, lineDepth);
      // a block scalar header ends the line: its content lines (indented deeper than the node) are text
      if (this.flow === 0 && /^[|>][-+1-9]{0,2}$/.test(lastToken) && (beforeLast === '' || /:$|^[-?]$|^[!&]/.test(beforeLast))) {
        this.skipBlockScalar();
        continue;
      }
      while (this.i < n && isBreak(text[this.i])) this.i++;
    }
  }

  private endOfLine(from: number): number {
    let j = from;
    while (j < this.n && !isBreak(this.text[j])) j++;
    return j;
  }

  private blankOrComment(): boolean {
    const c = this.text[this.i];
    return isBreak(c) || c === '#' || (c === '\t' && /^[ \t]*(#|$)/.test(this.text.slice(this.i, this.endOfLine(this.i))));
  }

  /** Refuses when `depth` passes the pre-scan bound (located where it first passed maxDepth). */
  private deep(depth: number, at: number): void {
    if (depth > LIMITS.maxDepth && this.firstOver < 0) this.firstOver = at;
    if (depth > PRESCAN_DEPTH) throw new PrescanRefusal(tooDeep(this.firstOver, this.firstOver + 1));
  }

  private countScalar(at: number): void {
    if (++this.scalars > LIMITS.maxSpecScalars) throw new PrescanRefusal(tooManyScalars(at));
  }

  /** Block context: closes the blocks indented deeper than this line, opens one at its column and one after each compact indicator. */
  private openBlocks(lineStart: number, indent: number): number {
    const { text, n, blocks } = this;
    while (blocks.length && blocks[blocks.length - 1] > indent) blocks.pop();
    if (!blocks.length || blocks[blocks.length - 1] < indent) blocks.push(indent);
    while (
      this.i < n &&
      (text[this.i] === '-' || text[this.i] === '?' || text[this.i] === ':') &&
      (isSpace(text[this.i + 1]) || isBreak(text[this.i + 1]) || this.i + 1 === n)
    ) {
      this.i++;
      while (this.i < n && isSpace(text[this.i])) this.i++;
      blocks.push(this.i - lineStart);
      this.deep(blocks.length, this.i);
    }
    this.deep(blocks.length, this.i);
    return blocks.length;
  }

  /** The rest of the line: quoted scalars (which may span lines), comments, flow brackets, scalars. Returns its last two tokens. */
  private restOfLine(lineStart: number, lineDepth: number): { lastToken: string; beforeLast: string } {
    const { text, n } = this;
    let prev = ' ';
    let inToken = false;
    let lastToken = '';
    let beforeLast = '';
    let tokenStart = -1;
    for (; this.i < n && !isBreak(text[this.i]); this.i++) {
      const c = text[this.i];
      if (c === '#' && (isSpace(prev) || this.i === lineStart)) {
        this.i = this.endOfLine(this.i);
        break;
      }
      if ((c === '"' || c === "'") && (!inToken || (this.flow > 0 && prev === ':'))) {
        inToken = false;
        this.countScalar(this.i);
        beforeLast = lastToken;
        lastToken = c;
        this.skipQuoted(c);
        prev = c;
        continue;
      }
      if (c === '[' || c === '{') {
        inToken = false;
        this.deep(lineDepth + ++this.flow, this.i);
      } else if (c === ']' || c === '}') {
        inToken = false;
        this.flow = Math.max(0, this.flow - 1);
      } else if (c === ',' || isSpace(c)) {
        if (inToken) {
          beforeLast = lastToken;
          lastToken = text.slice(tokenStart, this.i);
        }
        inToken = false;
      } else if (!inToken) {
        inToken = true;
        tokenStart = this.i;
        this.countScalar(this.i);
      }
      prev = c;
    }
    if (inToken) {
      beforeLast = lastToken;
      lastToken = text.slice(tokenStart, this.i);
    }
    return { lastToken, beforeLast };
  }

  /** From the opening quote at `i` to the closing one (escapes in "…", '' in '…'). */
  private skipQuoted(quote: string): void {
    const { text, n } = this;
    for (this.i++; this.i < n; this.i++) {
      if (quote === '"' && text[this.i] === '\\') this.i++;
      else if (text[this.i] === quote) {
        if (quote === "'" && text[this.i + 1] === "'") this.i++;
        else break;
      }
    }
  }

  /** Past the content lines of a block scalar (indented deeper than the node that owns it). */
  private skipBlockScalar(): void {
    const { text, n, blocks } = this;
    const owner = blocks.length ? blocks[blocks.length - 1] : 0;
    while (this.i < n) {
      while (this.i < n && isBreak(text[this.i])) this.i++;
      let j = this.i;
      while (j < n && text[j] === ' ') j++;
      if (j < n && !isBreak(text[j]) && j - this.i <= owner) break;
      this.i = this.endOfLine(j);
    }
  }
}

function tooManyScalars(at: number): Problem {
  return problem(
    'limit-exceeded',
    'error',
    `The spec holds more than ${LIMITS.maxSpecScalars} values (keys, numbers and strings); give long spectra and matrices as a .npy or .csv file instead ({file: path}, docs/architecture.md §1).`,
    at,
    at + 1,
  );
}

const CORE_TAG = 'tag:yaml.org,2002:';
const KNOWN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => CORE_TAG + t));

function parseYaml(text: string): SourceTreeResult {
  const refused = yamlPrescan(text);
  if (refused) return { problems: [refused], fatal: true, format: 'yaml' };

  const parsed = parseAllDocuments(text, {
    keepSourceTokens: true,
    uniqueKeys: false, // duplicates are reported below, on the second key
    prettyErrors: false,
    strict: true,
    schema: 'core',
  });
  const problems: Problem[] = [];
  // An empty stream (only comments / directives) is an empty array.
  const docs = parsed as Document.Parsed[];
  if (docs.length === 0)
    return { problems: [problem('empty-document', 'error', 'The document is empty: a spec needs at least `sslexp: 1`.', 0, 0)], fatal: true, format: 'yaml' };
  const doc = docs[0];
  let fatal = false;
  let exhausted: number | undefined;
  for (const e of doc.errors) {
    if (e.code === 'RESOURCE_EXHAUSTION' && exhausted === undefined) exhausted = e.pos[0];
    if (problems.length >= MAX_SYNTAX_ERRORS) break;
    fatal = true;
    if (problems.some((p) => p.start === e.pos[0] && p.message.endsWith(e.message))) continue;
    problems.push(problem('yaml-syntax', 'error', `YAML syntax error: ${e.message}`, e.pos[0], Math.max(e.pos[1], e.pos[0])));
  }
  // The library's own stack ran out (the pre-scan should have refused the text first).
  if (exhausted !== undefined) return { problems: [tooDeep(exhausted, exhausted + 1)], fatal: true, format: 'yaml' };
  // Extra documents: a spec is one document (docs/architecture.md §1).
  for (let d = 1; d < docs.length; d++) {
    const [s, , e] = docs[d].range;
    const end = text.startsWith('---', s) ? s + 3 : Math.max(s, e);
    problems.push(problem('multi-document', 'error', 'A spec file holds exactly one YAML document; remove this extra document (and its `---`).', s, end));
  }
  if (doc.contents === null) {
    problems.push(problem('empty-document', 'error', 'The document is empty: a spec needs at least `sslexp: 1`.', 0, 0));
    return { problems, fatal: true, format: 'yaml' };
  }
  const builder = new YamlBuilder(text, doc, problems);
  const root = builder.convert(doc.contents, 1);
  if (builder.aborted) return { problems: builder.abortProblems, fatal: true, format: 'yaml' };
  return { root, problems, fatal, format: 'yaml' };
}

class YamlBuilder {
  aborted = false;
  abortProblems: Problem[] = [];
  private expanded = 0;
  /** Anchored nodes being converted (to detect an alias to its own ancestor). */
  private readonly active = new Set<YamlNode>();
  /** Converted anchored nodes with their size, so aliases share the conversion. */
  private readonly memo = new Map<YamlNode, { node: SourceNode; size: number }>();
  private size = 0;

  constructor(
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly problems: Problem[],
  ) {}

  private abort(p: Problem): SourceNode {
    if (!this.aborted) {
      this.aborted = true;
      this.abortProblems = [p];
    }
    return { kind: 'scalar', value: null, span: { start: p.start, end: p.end } };
  }

  convert(node: unknown, depth: number): SourceNode {
    if (this.aborted) return { kind: 'scalar', value: null, span: { start: 0, end: 0 } };
    if (isAlias(node)) return this.alias(node, depth);
    const yn = node as YamlNode;
    if ((isMap(node) || isSeq(node)) && depth > LIMITS.maxDepth) {
      const [s] = yn.range ?? [0, 0];
      return this.abort(tooDeep(s, s + 1));
    }
    const anchored = (yn as { anchor?: string }).anchor !== undefined;
    if (anchored) this.active.add(yn);
    const before = this.size;
    const out = this.convertNode(node, depth);
    if (anchored) {
      this.active.delete(yn);
      this.memo.set(yn, { node: out, size: this.size - before });
    }
    return out;
  }

  private alias(node: { source: string; range?: [number, number, number] | null; resolve(doc: Document): unknown }, depth: number): SourceNode {
    const [s, e] = node.range ?? [0, 0];
    const span = { start: s, end: e };
    const target = node.resolve(this.doc) as YamlNode | undefined;
    if (!target) {
      this.problems.push(
        problem('yaml-syntax', 'error', `YAML syntax error: alias *${node.source} refers to an anchor &${node.source} that is not defined before it.`, s, e),
      );
      return { kind: 'scalar', value: null, span };
    }
    if (this.active.has(target)) {
      this.problems.push(
        problem('yaml-syntax', 'error', `YAML syntax error: alias *${node.source} refers to its own enclosing node (a recursive structure).`, s, e),
      );
      return { kind: 'scalar', value: null, span };
    }
    const memo = this.memo.get(target);
    const size = memo ? memo.size : 1;
    this.expanded += size;
    if (this.expanded > MAX_ALIAS_EXPANSION) {
      return this.abort(
        problem(
          'limit-exceeded',
          'error',
          `Aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes; the document is refused (possible "billion laughs" input).`,
          s,
          e,
        ),
      );
    }
    if (memo) {
      // Depth of the shared subtree counts at its new position too.
      if (depth - 1 + subtreeDepth(memo.node) > LIMITS.maxDepth) return this.abort(tooDeep(s, e));
      this.size += memo.size;
      return memo.node;
    }
    return this.convert(target, depth);
  }

  private tagCheck(node: YamlNode): void {
    const tag = node.tag;
    if (!tag || KNOWN_TAGS.has(tag)) return;
    const span = this.tagSpan(node);
    const shown = tag.startsWith(CORE_TAG) ? `!!${tag.slice(CORE_TAG.length)}` : tag;
    this.problems.push(
      problem(
        'unknown-tag',
        'error',
        `Unsupported YAML tag '${shown}': only the core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed.`,
        span.start,
        span.end,
      ),
    );
  }

  /**
   * A core tag that contradicts its node (`!!null [1]`, `!!str {a: 1}`, `!!map [1]`,
   * `!!seq {…}`, `!!bool 5`, `!!null x`, `!!map 1`) is an error, never silently ignored.
   * `!!int` / `!!float` on scalars are resolved (or refused) by `scalar`.
   */
  private tagFitCheck(node: YamlNode): void {
    const tag = node.tag;
    if (!tag || !KNOWN_TAGS.has(tag)) return;
    const t = tag.slice(CORE_TAG.length);
    let what: string | undefined;
    if (isMap(node)) what = t === 'map' ? undefined : 'a mapping';
    else if (isSeq(node)) what = t === 'seq' ? undefined : 'a list';
    else if (isScalar(node)) {
      const v = node.value;
      if (t === 'map' || t === 'seq' || (t === 'null' && v !== null) || (t === 'bool' && typeof v !== 'boolean')) {
        const [s, e] = node.range ?? [0, 0];
        const raw = this.text.slice(s, e);
        what = `the scalar '${raw.length > 40 ? raw.slice(0, 37) + '...' : raw}'`;
      }
    }
    if (what === undefined) return;
    const span = this.tagSpan(node);
    const fits =
      t === 'map'
        ? 'a mapping'
        : t === 'seq'
          ? 'a list'
          : t === 'null'
            ? 'null (~, null or nothing)'
            : t === 'bool'
              ? 'true or false'
              : t === 'str'
                ? 'a scalar'
                : `a ${t} scalar`;
    this.problems.push(
      problem(
        'tag-mismatch',
        'error',
        `The YAML tag '!!${t}' contradicts its node: it marks ${fits}, but the node is ${what}. Remove the tag or fix the value.`,
        span.start,
        span.end,
      ),
    );
  }

  /** The tag as written, found just before the node (tag and anchor may come in any order). */
  private tagSpan(node: YamlNode): Span {
    const [s, e] = node.range ?? [0, 0];
    const before = this.text.slice(Math.max(0, s - 512), s);
    const m = /(!\S*)(?:\s+&\S+)?\s*$/.exec(before);
    if (m) {
      const start = s - before.length + m.index;
      return { start, end: start + m[1].length };
    }
    return { start: s, end: e };
  }

  private convertNode(node: unknown, depth: number): SourceNode {
    this.size++;
    const yn = node as YamlNode;
    const [s, vEnd] = yn.range ?? [0, 0];
    const span = { start: s, end: vEnd };
    this.tagCheck(yn);
    this.tagFitCheck(yn);
    if (isMap(node)) {
      const entries: MapEntry[] = [];
      for (const pair of node.items) this.addPair(pair as YamlPair, entries, depth);
      return { kind: 'map', entries, span, flow: node.flow === true };
    }
    if (isSeq(node)) {
      const items: SourceNode[] = [];
      for (const item of node.items) {
        if (this.aborted) break;
        items.push(item == null ? { kind: 'scalar', value: null, span } : this.convert(item, depth + 1));
      }
      return { kind: 'seq', items, span };
    }
    if (isScalar(node)) return this.scalar(node, span);
    if (isPair(node)) {
      // A pair where a value is expected (`- a: 1` inside a flow seq): a one-entry map.
      const entries: MapEntry[] = [];
      this.addPair(node as YamlPair, entries, depth);
      return { kind: 'map', entries, span };
    }
    return { kind: 'scalar', value: null, span };
  }

  private scalar(node: { value: unknown; tag?: string; source?: string }, span: Span): SourceNode {
    const raw = this.text.slice(span.start, span.end);
    let value = node.value;
    const tag = node.tag;
    // `!!float 2` / `!!int "3"`: the core schema leaves these unresolved; resolve them here.
    if ((tag === CORE_TAG + 'float' || tag === CORE_TAG + 'int') && typeof value === 'string') {
      const num = yamlNumber(value.trim());
      if (num === undefined) {
        this.problems.push(
          problem(
            'yaml-syntax',
            'error',
            `YAML syntax error: '${value}' is not a valid ${tag === CORE_TAG + 'int' ? '!!int' : '!!float'}.`,
            span.start,
            span.end,
          ),
        );
        return { kind: 'scalar', value: null, span };
      }
      value = num;
    }
    if (typeof value === 'bigint') value = Number(value);
    if (typeof value === 'number') return { kind: 'scalar', value, span, raw };
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) return { kind: 'scalar', value, span };
    if (value === undefined) return { kind: 'scalar', value: null, span };
    // Anything else (dates, binary from non-core schemas) is kept as its text.
    return { kind: 'scalar', value: String(raw), span };
  }

  /**
   * A scalar key is checked like a scalar value (a tag on a key is not ignored): an unknown
   * tag, a tag that contradicts the scalar (`!!seq variance:`) or an unresolvable `!!int` /
   * `!!float` is reported on the tag or the key. After such a report the entry is kept under
   * the key's text, so that the one error is not followed by "missing key" errors; a key
   * that resolves to a number or null without a tag problem is a non-string key (undefined).
   */
  private scalarKey(keyNode: YamlNode & { value: unknown; source?: string }, keySpan: Span): string | undefined {
    const reportedBefore = this.problems.length;
    this.tagCheck(keyNode);
    this.tagFitCheck(keyNode);
    const converted = this.scalar(keyNode, keySpan);
    if (converted.kind === 'scalar' && typeof converted.value === 'string') return converted.value;
    if (this.problems.length === reportedBefore) return undefined;
    return typeof keyNode.source === 'string' ? keyNode.source : this.text.slice(keySpan.start, keySpan.end);
  }

  private addPair(pair: YamlPair, entries: MapEntry[], depth: number): void {
    if (this.aborted) return;
    const keyNode = pair.key as YamlNode | null;
    const [ks, ke] = keyNode?.range ?? [0, 0];
    let keySpan: Span = { start: ks, end: ke };
    let key: string | undefined;
    if (keyNode && isScalar(keyNode)) {
      key = this.scalarKey(keyNode, keySpan);
    } else if (isAlias(keyNode)) {
      const target = keyNode.resolve(this.doc);
      if (target && isScalar(target) && typeof target.value === 'string') key = target.value;
    }
    if (!keyNode) keySpan = { start: pair.value && (pair.value as YamlNode).range ? (pair.value as YamlNode).range![0] : 0, end: 0 };
    if (keySpan.end < keySpan.start) keySpan = { start: keySpan.start, end: keySpan.start };
    if (key === undefined) {
      const what =
        !keyNode || (isScalar(keyNode) && keyNode.value === null)
          ? 'an empty (null) key'
          : isMap(keyNode)
            ? 'a mapping'
            : isSeq(keyNode)
              ? 'a list'
              : isScalar(keyNode)
                ? `a ${typeof keyNode.value} (${this.text.slice(ks, ke)})`
                : 'a non-string key';
      this.problems.push(problem('non-string-key', 'error', `Keys must be strings; this key is ${what}.`, keySpan.start, keySpan.end));
      return;
    }
    const value: SourceNode =
      pair.value == null ? { kind: 'scalar', value: null, span: { start: keySpan.end, end: keySpan.end } } : this.convert(pair.value, depth + 1);
    if (this.aborted) return;
    // YAML merge key `<<: *base` (or a list of aliases): copy entries not set explicitly.
    if (key === '<<' && (value.kind === 'map' || value.kind === 'seq')) {
      const sources = value.kind === 'map' ? [value] : value.items;
      for (const src of sources) {
        if (src.kind !== 'map') {
          this.problems.push(
            problem('yaml-syntax', 'error', 'YAML syntax error: a merge key (<<) takes a mapping or a list of mappings.', src.span.start, src.span.end),
          );
          continue;
        }
        for (const e of src.entries) if (!entries.some((x) => x.key === e.key)) entries.push({ ...e, merged: true });
      }
      return;
    }
    const quoted = keyNode && isScalar(keyNode) && (keyNode.type === 'QUOTE_DOUBLE' || keyNode.type === 'QUOTE_SINGLE');
    const keyTextSpan = quoted ? { start: keySpan.start + 1, end: Math.max(keySpan.start + 1, keySpan.end - 1) } : keySpan;
    const existing = entries.findIndex((x) => x.key === key);
    if (existing >= 0) {
      if (entries[existing].merged) {
        entries.splice(existing, 1); // an explicit key overrides a merged one
      } else {
        this.problems.push(duplicateKey(key, keySpan));
        return;
      }
    }
    entries.push({ key, keySpan, keyTextSpan, value });
  }
}

function subtreeDepth(node: SourceNode): number {
  // Iterative, so that it cannot overflow (subtrees are already bounded by maxDepth).
  let max = 0;
  const stack: [SourceNode, number][] = [[node, 1]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    if (n.kind === 'scalar') continue;
    if (d > max) max = d;
    if (n.kind === 'map') for (const e of n.entries) stack.push([e.value, d + 1]);
    else for (const it of n.items) stack.push([it, d + 1]);
  }
  return max;
}

/** YAML 1.2 core-schema number syntax (also `.inf`, `-.inf`, `.nan`, `0x`, `0o`). */
export function yamlNumber(s: string): number | undefined {
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  return undefined;
}

/** Human description of a node's type, for "expected X, got Y" messages. */
export function describeNode(node: SourceNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'nothing (null)';
  if (typeof v === 'number') return `a number (${node.raw ?? String(v)})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  return `a string ("${v.length > 40 ? v.slice(0, 37) + '...' : v}")`;
}
