/**
 * Citations of the documentation resolve: every `docs/theory.md` section or ambiguity
 * (A1..A15) and every `docs/architecture.md` section cited from the sources, the schema,
 * the README, the examples, the tests and the benchmark has an explicit anchor
 * (`<a id="s4.5"></a>`, `<a id="A7"></a>`) in the document it names. Also: no file of the
 * repository names the private reference notes the documentation was written from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// out/test/unit/citations.test.js -> repository root
const ROOT = resolve(__dirname, '../../..');

/** Folders never scanned (dependencies, caches, build output). */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.cache', 'dist', 'out']);
/** Where citations are looked for (the build and test scripts cite the architecture too). */
const CITING = ['src', 'schemas', 'examples', 'test', 'bench', 'README.md', 'CHANGELOG.md', 'scripts', 'esbuild.config.mjs', 'package.json'];
/** Larger files are data or archives, not prose. */
const MAX_TEXT_BYTES = 8 * 1024 * 1024;

const DOCS = { theory: 'docs/theory.md', architecture: 'docs/architecture.md' } as const;
type Doc = keyof typeof DOCS;

/** Every file below `p` (a file or a folder), skipping {@link SKIPPED_DIRS}. */
function walk(p: string, out: string[] = []): string[] {
  if (!existsSync(p)) return out;
  const st = statSync(p);
  if (st.isFile()) {
    out.push(p);
    return out;
  }
  if (!st.isDirectory()) return out;
  for (const name of readdirSync(p)) {
    if (SKIPPED_DIRS.has(name)) continue;
    walk(join(p, name), out);
  }
  return out;
}

/** The file's text, or undefined for binary or very large files. */
function readText(file: string): string | undefined {
  if (statSync(file).size > MAX_TEXT_BYTES) return undefined;
  const bytes = readFileSync(file);
  if (bytes.includes(0)) return undefined;
  return bytes.toString('utf8');
}

/** The explicit anchors `<a id="…"></a>` of a document (duplicates reported). */
function anchorsOf(doc: Doc): { ids: Set<string>; duplicates: string[] } {
  const text = readFileSync(join(ROOT, DOCS[doc]), 'utf8');
  const ids = new Set<string>();
  const duplicates: string[] = [];
  for (const m of text.matchAll(/<a\s+id="([^"]+)"\s*>\s*<\/a>/g)) {
    if (ids.has(m[1])) duplicates.push(m[1]);
    ids.add(m[1]);
  }
  return { ids, duplicates };
}

interface Citation {
  file: string;
  line: number;
  doc: Doc;
  /** The anchor the citation needs: `s4.5` for §4.5, `A7` for A7. */
  anchor: string;
  text: string;
}

/**
 * The references following one `docs/<doc>.md` mention, up to the end of the line or the
 * enclosing parenthesis, a table cell, a code span, or a word that starts a reference to
 * something else (the papers' own sections and equations).
 */
const STOP = /[)\]|`\n]|\b(?:P1|P2|paper|arXiv|Thm|eq\.|Fig\.)/;
/** `§4.5`, a range `§2.3–2.5` / `§4–§5`, or an ambiguity `A7`. */
const REFERENCE = /§\s?(\d+(?:\.\d+)*)(?:\s*[–-]\s*§?\s?(\d+(?:\.\d+)*))?|\b(A\d{1,2})\b/g;
const MENTION = /docs\/(theory|architecture)\.md/g;

function citationsIn(file: string, text: string): Citation[] {
  const out: Citation[] = [];
  const mentions = [...text.matchAll(MENTION)];
  mentions.forEach((m, i) => {
    const doc = m[1] as Doc;
    const from = m.index! + m[0].length;
    const next = i + 1 < mentions.length ? mentions[i + 1].index! : text.length;
    // A mention at the end of a comment line continues on the next one (`docs/theory.md` / ` * §4.4`).
    let tail = text.slice(from, next).replace(/^[ \t]*\r?\n[ \t]*(?:\*|\/\/|#)?[ \t]*(?=§|A\d)/, ' ');
    const stop = STOP.exec(tail);
    if (stop) tail = tail.slice(0, stop.index);
    const line = text.slice(0, m.index).split('\n').length;
    for (const r of tail.matchAll(REFERENCE)) {
      const cite = (anchor: string) => out.push({ file: relative(ROOT, file), line, doc, anchor, text: `${m[0]} ${r[0]}` });
      if (r[3]) {
        if (doc === 'theory') cite(r[3]);
        continue;
      }
      cite(`s${r[1]}`);
      if (r[2]) cite(`s${r[2]}`);
    }
  });
  return out;
}

function allCitations(): Citation[] {
  const out: Citation[] = [];
  for (const entry of CITING) {
    for (const file of walk(join(ROOT, entry))) {
      const text = readText(file);
      if (text !== undefined) out.push(...citationsIn(file, text));
    }
  }
  return out;
}

test('both documents exist and their explicit anchors are unique', () => {
  for (const doc of Object.keys(DOCS) as Doc[]) {
    assert.ok(existsSync(join(ROOT, DOCS[doc])), `${DOCS[doc]} is missing`);
    const { ids, duplicates } = anchorsOf(doc);
    assert.ok(ids.size > 0, `${DOCS[doc]} has no explicit anchors`);
    assert.deepEqual(duplicates, [], `${DOCS[doc]} repeats anchors`);
  }
});

test('the citation scanner reads sections, ranges and ambiguities', () => {
  const got = citationsIn(
    join(ROOT, 'x.ts'),
    [
      '// (docs/theory.md §4.2–§4.5, §5) and docs/theory.md §2.3–2.5.',
      '// docs/theory.md §6.1 step 5, A10: no intercept; docs/architecture.md §2 "Analysis panel", §6',
      '// (docs/theory.md §2.4, P1 Thm 3.2) and (docs/theory.md A14).',
      ' * residual (docs/theory.md',
      ' * §4.4). Zero iff equal.',
    ].join('\n'),
  ).map((c) => `${c.doc}#${c.anchor}`);
  assert.deepEqual(got, [
    'theory#s4.2',
    'theory#s4.5',
    'theory#s5',
    'theory#s2.3',
    'theory#s2.5',
    'theory#s6.1',
    'theory#A10',
    'architecture#s2',
    'architecture#s6',
    'theory#s2.4',
    'theory#A14',
    'theory#s4.4',
  ]);
});

test('every docs/theory.md and docs/architecture.md citation resolves to an anchor', () => {
  const anchors = { theory: anchorsOf('theory').ids, architecture: anchorsOf('architecture').ids };
  const citations = allCitations();
  // The code base cites the documents a few hundred times; far fewer means the scanner broke.
  assert.ok(citations.length > 100, `only ${citations.length} citations found`);
  assert.ok(
    citations.some((c) => c.doc === 'architecture'),
    'no architecture citation found',
  );
  assert.ok(
    citations.some((c) => /^A\d+$/.test(c.anchor)),
    'no ambiguity citation found',
  );
  const unresolved = citations.filter((c) => !anchors[c.doc].has(c.anchor));
  assert.deepEqual(
    unresolved.map((c) => `${c.file}:${c.line}: ${c.text} -> #${c.anchor} is not an anchor of ${DOCS[c.doc]}`),
    [],
  );
});

test('every ambiguity A1..A15 and every section the documentation promises has an anchor', () => {
  const theory = anchorsOf('theory').ids;
  const architecture = anchorsOf('architecture').ids;
  const sections = [
    '1',
    '2',
    '2.1',
    '2.2',
    '2.3',
    '2.4',
    '2.5',
    '3',
    '4',
    '4.1',
    '4.2',
    '4.3',
    '4.4',
    '4.5',
    '5',
    '5.5',
    '6',
    '6.1',
    '6.2',
    '7',
    '7.1',
    '7.2',
    '7.3',
    '7.4',
    '7.5',
    '7.6',
    '7.7',
    '7.8',
    '8',
    '8.1',
    '8.2',
    '8.3',
    '8.4',
    '8.5',
    '8.6',
    '9',
  ];
  const missing = [
    ...sections.filter((s) => !theory.has(`s${s}`)).map((s) => `theory §${s}`),
    ...Array.from({ length: 15 }, (_, i) => `A${i + 1}`)
      .filter((a) => !theory.has(a))
      .map((a) => `theory ${a}`),
    ...['1', '2', '3', '4', '5', '6'].filter((s) => !architecture.has(`s${s}`)).map((s) => `architecture §${s}`),
  ];
  assert.deepEqual(missing, []);
});

test('no file names the private reference notes the documentation replaces', () => {
  // Built from parts so that this file does not match itself.
  const names = new RegExp(`\\b(?:${['math', 'design'].join('|')})\\.md\\b`, 'i');
  const offending = walk(ROOT)
    .filter((file) => {
      const text = readText(file);
      return text !== undefined && names.test(text);
    })
    .map((file) => relative(ROOT, file));
  assert.deepEqual(offending, [], 'these files name the private notes; cite docs/theory.md or docs/architecture.md instead');
});

test('no comment, test or document cites an issue number, which no reader of the repository can open', () => {
  // Built from parts so that this file does not match itself.
  const issue = new RegExp(`\\b${'iss'}${'ue'}s?\\s+#?\\d+`, 'i');
  const offending = CITING.flatMap((p) => walk(join(ROOT, p)))
    .concat(walk(join(ROOT, 'docs')))
    .filter((file) => {
      const text = readText(file);
      return text !== undefined && issue.test(text);
    })
    .map((file) => {
      const text = readText(file)!;
      const line = text.slice(0, text.search(issue)).split('\n').length;
      return `${relative(ROOT, file)}:${line}`;
    });
  assert.deepEqual(offending, [], 'cite a docs/ anchor (docs/theory.md §N, docs/architecture.md §N) instead of an issue number');
});

test('self-test: the issue-number check matches the forms a comment uses, and not ordinary words', () => {
  const issue = new RegExp(`\\b${'iss'}${'ue'}s?\\s+#?\\d+`, 'i');
  for (const s of [`(${'iss'}ue 12)`, `${'Iss'}ue 3's target`, `${'iss'}ues 12 and 14`, `${'iss'}ue #4`]) assert.ok(issue.test(s), s);
  for (const s of ['no issue here', 'tissue 3', 'the issue is 3x slower']) assert.equal(issue.test(s), false, s);
});
