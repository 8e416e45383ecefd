/**
 * Completion in spec files (docs/architecture.md §2) with no other extension installed: keys valid at the
 * cursor (with their documentation, never one already present), enum values, spectrum
 * families and mapping skeletons as snippets, and relative paths of the workspace's data
 * files after `file:`. The logic is pure (src/core/spec/languageService.ts); this file turns
 * its offsets into VS Code items and finds the candidate files.
 */
import * as vscode from 'vscode';
import { completions, cursorContext, fileExtensionsAt, type SpecCompletion } from '../core/spec/languageService';
import { docLinkedMarkdown } from './docs';
import { engineFileName, isSpecDocument, offsetRange, SPEC_SELECTOR } from './documents';
import type { HostDeps } from './solverClient';

const KIND: Record<SpecCompletion['kind'], vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  enum: vscode.CompletionItemKind.EnumMember,
  snippet: vscode.CompletionItemKind.Snippet,
  file: vscode.CompletionItemKind.File,
};

/** Data files of the spec's workspace folder, as paths relative to the spec's folder (`/`-separated). */
async function relativeDataFiles(doc: vscode.TextDocument, extensions: readonly string[], token: vscode.CancellationToken): Promise<string[]> {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  if (!folder || doc.uri.scheme === 'untitled') return [];
  const exts = extensions.map((e) => e.slice(1).toLowerCase());
  const pattern = new vscode.RelativePattern(folder, `**/*.{${exts.join(',')}}`);
  const uris = await vscode.workspace.findFiles(pattern, '**/{node_modules,.git}/**', 500, token);
  const dir = doc.uri.path.slice(0, doc.uri.path.lastIndexOf('/'));
  return uris.map((u) => relativePath(dir, u.path)).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

/** `to` relative to the directory `from` (both POSIX paths of URIs). */
export function relativePath(from: string, to: string): string {
  const a = from.split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

export class SpecCompletionProvider implements vscode.CompletionItemProvider {
  async provideCompletionItems(
    doc: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.CompletionItem[] | undefined> {
    if (!isSpecDocument(doc)) return undefined;
    const text = doc.getText();
    const offset = doc.offsetAt(position);
    const fileName = engineFileName(doc);
    const exts = fileExtensionsAt(cursorContext(text, offset, fileName));
    const files = exts ? { relativePaths: await relativeDataFiles(doc, exts, token) } : undefined;
    return completions(text, offset, fileName, files).map((c) => {
      const item = new vscode.CompletionItem(c.label, KIND[c.kind]);
      item.insertText = new vscode.SnippetString(c.insertText);
      item.range = offsetRange(doc, c.replaceStart, c.replaceEnd);
      if (c.detail) item.detail = c.detail;
      // The documentation hovers show: the definition's markdown, its citations linked (src/host/docs.ts).
      if (c.documentation) item.documentation = docLinkedMarkdown(c.documentation);
      if (c.sortText) item.sortText = c.sortText;
      // The label must match what is typed (JSON keys are typed with their quote).
      item.filterText = doc.getText(item.range).startsWith('"') ? `"${c.label}` : c.label;
      if (c.retrigger) item.command = { title: vscode.l10n.t('Suggest'), command: 'editor.action.triggerSuggest' };
      return item;
    });
  }
}

export function registerCompletion(_deps: HostDeps): vscode.Disposable {
  return vscode.languages.registerCompletionItemProvider(SPEC_SELECTOR, new SpecCompletionProvider(), ':', ' ', '{', ',', '"', '/', '\n');
}
