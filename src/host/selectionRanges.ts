/**
 * Expand / shrink selection in a spec (docs/architecture.md §2): value, key, entry, mapping, ... the whole
 * document, from the source tree (src/core/spec/languageService.ts `selectionRanges`).
 */
import * as vscode from 'vscode';
import { selectionRanges } from '../core/spec/languageService';
import { engineFileName, isSpecDocument, offsetRange, SPEC_SELECTOR } from './documents';
import type { HostDeps } from './solverClient';

export class SpecSelectionRangeProvider implements vscode.SelectionRangeProvider {
  provideSelectionRanges(doc: vscode.TextDocument, positions: readonly vscode.Position[]): vscode.SelectionRange[] {
    if (!isSpecDocument(doc)) return [];
    const text = doc.getText();
    const fileName = engineFileName(doc);
    return positions.map((p) => {
      const ranges = selectionRanges(text, doc.offsetAt(p), fileName);
      let parent: vscode.SelectionRange | undefined;
      for (let i = ranges.length - 1; i >= 0; i--) parent = new vscode.SelectionRange(offsetRange(doc, ranges[i].start, ranges[i].end), parent);
      return parent ?? new vscode.SelectionRange(new vscode.Range(p, p));
    });
  }
}

export function registerSelectionRanges(_deps: HostDeps): vscode.Disposable {
  return vscode.languages.registerSelectionRangeProvider(SPEC_SELECTOR, new SpecSelectionRangeProvider());
}
