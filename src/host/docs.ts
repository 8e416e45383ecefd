/**
 * The bundled documentation (docs/architecture.md §2 "Documentation links"): the command
 * `sslParadigm.openDocs` `{doc, anchor}` opens docs/theory.md or docs/architecture.md, shipped in
 * the extension, in VS Code's Markdown preview beside the editor, scrolled to the cited section.
 * Hovers (command links, trusted for this command only), diagnostics (the code's link) and the
 * panel (its `openDoc` message) all open documentation through it. Its argument is validated: a
 * known document and an anchor that the bundled file defines (`<a id="s4.5"></a>`).
 */
import * as vscode from 'vscode';
import {
  COMMAND_OPEN_DOCS,
  DOC_FILES,
  docCommandLink,
  firstCitation,
  isDocLink,
  linkCitationsInMarkdown,
  type DocLink,
  type DocName,
} from '../shared/docLinks';
import type { HostDeps } from './solverClient';

export { COMMAND_OPEN_DOCS };

/** The anchors of each bundled document, read once. */
const anchorCache = new Map<DocName, Promise<Set<string>>>();

async function anchorsOf(extensionUri: vscode.Uri, doc: DocName): Promise<Set<string>> {
  let p = anchorCache.get(doc);
  if (!p) {
    p = Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, DOC_FILES[doc]))).then(
      (bytes) => new Set([...new TextDecoder().decode(bytes).matchAll(/<a\s+id="([^"]+)"\s*>\s*<\/a>/g)].map((m) => m[1])),
    );
    p.catch(() => anchorCache.delete(doc));
    anchorCache.set(doc, p);
  }
  return p;
}

/** The URI the Markdown preview opens for a link: the bundled file, the anchor as its fragment (the preview scrolls to it). */
export function docUri(extensionUri: vscode.Uri, link: DocLink): vscode.Uri {
  const file = vscode.Uri.joinPath(extensionUri, DOC_FILES[link.doc]);
  return link.anchor ? file.with({ fragment: link.anchor }) : file;
}

/** A hover's markdown with its citations as links that open the documentation (only that command is trusted). */
export function docLinkedMarkdown(markdown: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(linkCitationsInMarkdown(markdown));
  md.isTrusted = { enabledCommands: [COMMAND_OPEN_DOCS] };
  return md;
}

/** A diagnostic's code with the section its message (else its code's summary) cites as the code's link. */
export function linkedCode(code: string, message: string, summary: string | undefined): string | { value: string; target: vscode.Uri } {
  const link = firstCitation(message) ?? (summary ? firstCitation(summary) : undefined);
  return link ? { value: code, target: vscode.Uri.parse(docCommandLink(link)) } : code;
}

/** Opens a section of the bundled documentation; false (and a log line) for an invalid argument. */
export async function openDocs(deps: Pick<HostDeps, 'context' | 'log'>, arg: unknown): Promise<boolean> {
  if (!isDocLink(arg)) {
    deps.log.warn(`open documentation: ignored an invalid argument ${JSON.stringify(arg)?.slice(0, 200)}`);
    return false;
  }
  let link = arg;
  try {
    if (link.anchor && !(await anchorsOf(deps.context.extensionUri, link.doc)).has(link.anchor)) {
      deps.log.warn(`open documentation: ${DOC_FILES[link.doc]} has no section '${link.anchor}'; opening its top`);
      link = { doc: link.doc, anchor: '' };
    }
  } catch (err) {
    deps.log.warn(`open documentation: cannot read ${DOC_FILES[link.doc]}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  await vscode.commands.executeCommand('markdown.showPreviewToSide', docUri(deps.context.extensionUri, link));
  deps.log.info(`opened ${DOC_FILES[link.doc]}${link.anchor ? `#${link.anchor}` : ''}`);
  return true;
}

export function registerDocs(deps: HostDeps): vscode.Disposable {
  return vscode.commands.registerCommand(COMMAND_OPEN_DOCS, (arg: unknown) => openDocs(deps, arg));
}
