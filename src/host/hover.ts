/**
 * Hovers (docs/architecture.md §2): on a key or value whose numbers the analysis knows, the
 * hover of the spec's theory (its face's `hover`: on `alpha` the thresholds and the
 * recommendation, on a spectrum its statistics, in graph mode the ranks, the cut a/(4g), the
 * graph and its Laplacian); elsewhere the spec definition's documentation of the key, also
 * while the text has errors. Citations of docs/theory.md are links that open the bundled
 * section (src/host/docs.ts).
 */
import * as vscode from 'vscode';
import { faceOf } from '../core/engine/index';
import { hoverDoc } from '../core/spec/languageService';
import { docLinkedMarkdown } from './docs';
import { engineFileName, isSpecDocument, offsetRange, SPEC_SELECTOR } from './documents';
import type { HostDeps, SolverClient } from './solverClient';

export class SpecHoverProvider implements vscode.HoverProvider {
  constructor(private readonly solver: SolverClient) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!isSpecDocument(doc)) return undefined;
    return this.resultHover(doc, position) ?? definitionHover(doc, position);
  }

  /** Hovers with the numbers a key drives (from the analysis of exactly this version: spans are only valid for it). */
  private resultHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const latest = this.solver.latestFor(doc);
    if (!latest?.result.spec) return undefined;
    const face = faceOf(latest.result.theory);
    const h = face.hover?.(latest.result, doc.getText(), doc.offsetAt(position), vscode.l10n.t);
    return h ? new vscode.Hover(docLinkedMarkdown(h.markdown), offsetRange(doc, h.start, h.end)) : undefined;
  }
}

/**
 * The definition's documentation of the key (or the value's key) under the cursor, for every
 * key and spectrum family (src/core/spec/languageService.ts), also while the text has errors.
 */
export function definitionHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  const h = hoverDoc(doc.getText(), doc.offsetAt(position), engineFileName(doc));
  return h ? new vscode.Hover(docLinkedMarkdown(h.markdown), offsetRange(doc, h.start, h.end)) : undefined;
}

export function registerHover(deps: HostDeps): vscode.Disposable {
  return vscode.languages.registerHoverProvider(SPEC_SELECTOR, new SpecHoverProvider(deps.solver));
}
