/**
 * Citations of the bundled documentation in the panel's text (`docs/theory.md §4.2` in a reason,
 * a problem, a subtitle, the stale banner) as links: a click asks the host to open the section in
 * VS Code's Markdown preview (the `openDoc` message; the host validates it and runs
 * `sslParadigm.openDocs`, docs/architecture.md §2 "Documentation links").
 */
import { DOC_FILES, splitCitations, type DocLink } from '../shared/docLinks';
import { t } from './l10n';

let opener: ((link: DocLink) => void) | null = null;

/** Where the panel sends a clicked citation (main.ts posts it to the host); none in an exported report. */
export function setDocOpener(open: ((link: DocLink) => void) | null): void {
  opener = open;
}

/** `text` as DOM nodes, each citation a link to its section (plain text when no opener is set). */
export function citedText(doc: Document, text: string): Node[] {
  return splitCitations(text).map((s) => {
    const link = s.link;
    if (!link || !opener) return doc.createTextNode(s.text);
    const open = opener;
    const a = doc.createElement('a');
    a.className = 'doc-link';
    a.href = `#${link.doc}-${link.anchor || 'top'}`;
    a.textContent = s.text;
    a.title = t('openDocTitle', `${DOC_FILES[link.doc]}${link.anchor ? `#${link.anchor}` : ''}`);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      open(link);
    });
    return a;
  });
}

/** An element of `tag` with `text`, its citations as links. */
export function citedElement<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  e.append(...citedText(doc, text));
  return e;
}
