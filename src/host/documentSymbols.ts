/**
 * The outline and breadcrumbs of a spec (docs/architecture.md §2): every key with its value's extent, from
 * the source tree (src/core/spec/languageService.ts `documentSymbols`).
 */
import * as vscode from 'vscode';
import { documentSymbols, type SpecSymbol } from '../core/spec/languageService';
import { engineFileName, isSpecDocument, offsetRange, SPEC_SELECTOR } from './documents';
import type { HostDeps } from './solverClient';

const KIND: Record<SpecSymbol['kind'], vscode.SymbolKind> = {
  object: vscode.SymbolKind.Module,
  array: vscode.SymbolKind.Array,
  number: vscode.SymbolKind.Number,
  string: vscode.SymbolKind.String,
  boolean: vscode.SymbolKind.Boolean,
  enum: vscode.SymbolKind.EnumMember,
  property: vscode.SymbolKind.Property,
};

export class SpecDocumentSymbolProvider implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(doc: vscode.TextDocument): vscode.DocumentSymbol[] {
    if (!isSpecDocument(doc)) return [];
    const convert = (s: SpecSymbol): vscode.DocumentSymbol => {
      const sym = new vscode.DocumentSymbol(
        s.name,
        s.detail,
        KIND[s.kind],
        offsetRange(doc, s.start, s.end),
        offsetRange(doc, s.selectionStart, s.selectionEnd),
      );
      sym.children = s.children.map(convert);
      return sym;
    };
    return documentSymbols(doc.getText(), engineFileName(doc)).map(convert);
  }
}

export function registerDocumentSymbols(_deps: HostDeps): vscode.Disposable {
  return vscode.languages.registerDocumentSymbolProvider(SPEC_SELECTOR, new SpecDocumentSymbolProvider(), { label: vscode.l10n.t('SSL spec') });
}
