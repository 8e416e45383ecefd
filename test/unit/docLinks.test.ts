/**
 * Citations of the bundled documentation become links (src/shared/docLinks.ts, docs/architecture.md §2
 * "Documentation links"): where they are found in text, the section each one opens, the argument
 * the command accepts, and the hover markdown that carries them as command links. Every link found
 * in the texts the extension shows resolves to an anchor of the bundled file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMMAND_OPEN_DOCS, docCommandLink, firstCitation, isDocLink, linkCitationsInMarkdown, splitCitations } from '../../src/shared/docLinks';
import { PROBLEM_CODES } from '../../src/core/problems/codes';
import { WEBVIEW_MESSAGES } from '../../src/shared/webviewStrings';
import { isWebviewToHostMessage } from '../../src/shared/webviewProtocol';

const ROOT = resolve(__dirname, '../../..');
const anchors = (doc: string): Set<string> =>
  new Set([...readFileSync(join(ROOT, 'docs', `${doc}.md`), 'utf8').matchAll(/<a\s+id="([^"]+)"\s*>\s*<\/a>/g)].map((m) => m[1]));

test('splitCitations: sections, ambiguities, a following section of the same document, and the text around them', () => {
  const text = 'α must be ≥ 0 (the alignment, docs/theory.md §3), see docs/theory.md §7.5, §7.6 and theory.md A6; docs/architecture.md §2 too.';
  const parts = splitCitations(text);
  assert.equal(parts.map((p) => p.text).join(''), text, 'the parts join back to the text');
  assert.deepEqual(
    parts.filter((p) => p.link).map((p) => [p.text, p.link!.doc, p.link!.anchor]),
    [
      ['docs/theory.md §3', 'theory', 's3'],
      ['docs/theory.md §7.5', 'theory', 's7.5'],
      ['§7.6', 'theory', 's7.6'],
      ['theory.md A6', 'theory', 'A6'],
      ['docs/architecture.md §2', 'architecture', 's2'],
    ],
  );
  // A mention without a section opens the document's top; a longer file name is not a mention.
  assert.deepEqual(firstCitation('read docs/theory.md first'), { doc: 'theory', anchor: '' });
  assert.equal(firstCitation('mytheory.md §3 and theory.mdx'), undefined);
  assert.deepEqual(splitCitations('no citation here'), [{ text: 'no citation here' }]);
  assert.deepEqual(splitCitations(''), []);
});

test('isDocLink: a known document and an anchor of the documents’ form, nothing else', () => {
  for (const ok of [
    { doc: 'theory', anchor: 's4.5' },
    { doc: 'theory', anchor: 'A14' },
    { doc: 'architecture', anchor: '' },
    { doc: 'theory', anchor: 'recommendation' },
  ])
    assert.ok(isDocLink(ok), JSON.stringify(ok));
  for (const bad of [
    null,
    'theory',
    { doc: 'README', anchor: '' },
    { doc: 'theory' },
    { doc: 'theory', anchor: 's4.5', extra: 1 },
    { doc: 'theory', anchor: '../../etc/passwd' },
    { doc: 'theory', anchor: 's4.5"><script>' },
    { doc: '__proto__', anchor: '' },
    { doc: 'theory', anchor: 4.5 },
  ])
    assert.ok(!isDocLink(bad), JSON.stringify(bad));
  // The panel's message is checked the same way.
  assert.ok(isWebviewToHostMessage({ type: 'openDoc', doc: 'theory', anchor: 's4.2' }));
  assert.ok(!isWebviewToHostMessage({ type: 'openDoc', doc: 'theory', anchor: 's4.2', uri: 'file:///x' }));
  assert.ok(!isWebviewToHostMessage({ type: 'openDoc', doc: 'package.json', anchor: '' }));
});

test('hover markdown: citations become command links with the link as JSON; code spans and links stay as they are', () => {
  const md = '**alpha = 1**: alignment (docs/theory.md §3). `docs/theory.md §5` in code, [a link](docs/theory.md) kept.';
  const out = linkCitationsInMarkdown(md);
  const link = `command:${COMMAND_OPEN_DOCS}?${encodeURIComponent(JSON.stringify({ doc: 'theory', anchor: 's3' }))}`;
  assert.equal(out, `**alpha = 1**: alignment ([docs/theory.md §3](${link})). \`docs/theory.md §5\` in code, [a link](docs/theory.md) kept.`);
  assert.equal(docCommandLink({ doc: 'theory', anchor: 's3' }), link);
  assert.deepEqual(JSON.parse(decodeURIComponent(link.split('?')[1])), { doc: 'theory', anchor: 's3' });
});

test('every citation the editor and the panel show resolves to an anchor of the bundled file', () => {
  const texts = [...Object.values(PROBLEM_CODES).map((c) => c.summary), ...Object.values(WEBVIEW_MESSAGES)];
  const links = texts.flatMap((s) => splitCitations(s).flatMap((p) => (p.link ? [p.link] : [])));
  assert.ok(links.length >= 8, `only ${links.length} citations found`);
  const known = { theory: anchors('theory'), architecture: anchors('architecture') };
  assert.deepEqual(
    links.filter((l) => l.anchor && !known[l.doc].has(l.anchor)),
    [],
  );
});
