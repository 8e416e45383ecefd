/**
 * Citations of the bundled documentation (`docs/theory.md §4.5`, `docs/theory.md A6`,
 * `docs/architecture.md §2`) found in text the user sees — hovers, problems, the panel's reasons
 * and notes — and the link each one opens: one mechanism, the command `sslParadigm.openDocs`
 * with a {@link DocLink} argument (docs/architecture.md §2 "Documentation links"). Pure: the host
 * (hovers, diagnostics, the command) and the webview (the panel) both import it.
 */

/** The documents the extension ships (.vscodeignore), by name. */
export const DOC_FILES = { theory: 'docs/theory.md', architecture: 'docs/architecture.md' } as const;
export type DocName = keyof typeof DOC_FILES;

/** A section of a bundled document: `anchor` is the id of an `<a id="…"></a>` in it (`s4.5`, `A6`), or '' for its top. */
export interface DocLink {
  doc: DocName;
  anchor: string;
}

/** An anchor as the documents write them: `s4`, `s4.5`, `s2.1.1`, `A6`, or a named one (`recommendation`). */
const ANCHOR = /^(?:s\d{1,2}(?:\.\d{1,2}){0,3}|A\d{1,2}|[a-z][a-z-]{0,31})?$/;

/** A well-formed link (the host also checks that the anchor exists in the bundled file). */
export function isDocLink(x: unknown): x is DocLink {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o);
  return (
    keys.length === 2 &&
    typeof o.doc === 'string' &&
    Object.prototype.hasOwnProperty.call(DOC_FILES, o.doc) &&
    typeof o.anchor === 'string' &&
    ANCHOR.test(o.anchor)
  );
}

/** A run of text, with the section it cites when it is a citation. */
export interface TextSegment {
  text: string;
  link?: DocLink;
}

const MENTION = /(?<![\w.-])(?:docs\/)?(theory|architecture)\.md(?![\w-])(?:\s?(§\s?\d{1,2}(?:\.\d{1,2}){0,3}|A\d{1,2})\b)?/g;
/** A further section of the same document right after a citation: `, §7.6`, ` and §5`, `–§4.5`. */
const FOLLOWING = /^(\s*(?:,|and|–|-)\s*)(§\s?\d{1,2}(?:\.\d{1,2}){0,3}|A\d{1,2}\b)/;

/** `§4.5` -> `s4.5`, `A6` -> `A6`. */
function anchorOf(reference: string | undefined): string {
  if (!reference) return '';
  return reference.startsWith('§') ? `s${reference.slice(1).trim()}` : reference;
}

/**
 * `text` cut into plain runs and citations, in order; joined back they are `text`. A citation is
 * `docs/theory.md` (or `theory.md`) with an optional section (`§4.5`, `A6`); a section listed right
 * after it (`, §7.6`) is a citation of the same document.
 */
export function splitCitations(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let at = 0;
  for (const m of text.matchAll(MENTION)) {
    const start = m.index ?? 0;
    if (start < at) continue;
    if (start > at) out.push({ text: text.slice(at, start) });
    const doc = m[1] as DocName;
    out.push({ text: m[0], link: { doc, anchor: anchorOf(m[2]?.replace(/\s/g, '')) } });
    at = start + m[0].length;
    for (let f = FOLLOWING.exec(text.slice(at)); f && m[2]; f = FOLLOWING.exec(text.slice(at))) {
      out.push({ text: f[1] }, { text: f[2], link: { doc, anchor: anchorOf(f[2].replace(/\s/g, '')) } });
      at += f[0].length;
    }
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/** The first citation of `text`, if any. */
export function firstCitation(text: string): DocLink | undefined {
  return splitCitations(text).find((s) => s.link)?.link;
}

/** The command that opens a section of the bundled documentation (registered by src/host/docs.ts). */
export const COMMAND_OPEN_DOCS = 'sslParadigm.openDocs';

/** `command:sslParadigm.openDocs?…` for a link (its argument JSON-encoded, as command links pass it). */
export function docCommandLink(link: DocLink): string {
  return `command:${COMMAND_OPEN_DOCS}?${encodeURIComponent(JSON.stringify(link))}`;
}

/**
 * Markdown with every citation outside code spans and existing links made a link to
 * `docCommandLink` (a hover's markdown; the host trusts that one command only).
 */
export function linkCitationsInMarkdown(markdown: string): string {
  // Code spans and links are left alone: split on them, rewrite the text in between.
  return markdown
    .split(/(`[^`\n]*`|\[[^\]\n]*\]\([^)\n]*\))/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : splitCitations(part)
            .map((s) => (s.link ? `[${s.text}](${docCommandLink(s.link)})` : s.text))
            .join(''),
    )
    .join('');
}
