/**
 * Quick fixes (docs/architecture.md §2): the core computes each problem's fixes as offset edits
 * (raise alpha above a threshold, fix a misspelt key, fill a missing field); this
 * provider turns the fixes of the diagnostics under the cursor into undoable
 * WorkspaceEdits. Fixes are offered only for the document version they were computed on.
 */
import * as vscode from 'vscode';
import type { ProblemFix } from '../core/problems/problems';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { isSpecDocument, offsetRange, SPEC_SELECTOR } from './documents';
import type { AnalysisEvent, HostDeps } from './solverClient';

interface FixIndex {
  version: number;
  /** diagnostic key (code, normalised offsets, message) -> the core's fixes */
  fixes: Map<string, ProblemFix[]>;
}

function key(code: string, start: number, end: number, message: string): string {
  return `${code}\u0000${start}\u0000${end}\u0000${message}`;
}

function diagnosticCode(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

export class SpecCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly index = new Map<string, FixIndex>();

  /** Records the fixes of a new result, keyed like the diagnostics built from it. */
  update(e: AnalysisEvent): void {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === e.uri.toString());
    if (!doc || doc.version !== e.version) return;
    const fixes = new Map<string, ProblemFix[]>();
    for (const p of e.result.problems) {
      if (!p.fixes?.length) continue;
      const r = offsetRange(doc, p.start, p.end);
      fixes.set(key(p.code, doc.offsetAt(r.start), doc.offsetAt(r.end), p.message), p.fixes);
    }
    this.index.set(e.uri.toString(), { version: e.version, fixes });
  }

  forget(uri: vscode.Uri): void {
    this.index.delete(uri.toString());
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!isSpecDocument(doc)) return [];
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const entry = this.index.get(doc.uri.toString());
    if (!entry || entry.version !== doc.version) return [];
    const actions: vscode.CodeAction[] = [];
    const byEdit = new Map<string, vscode.CodeAction>();
    for (const diag of context.diagnostics) {
      if (diag.source !== DIAGNOSTIC_SOURCE) continue;
      const fixes = entry.fixes.get(key(diagnosticCode(diag), doc.offsetAt(diag.range.start), doc.offsetAt(diag.range.end), diag.message));
      for (const fix of fixes ?? []) {
        // Two diagnostics may carry the same fix (alpha below both thresholds): offer it once.
        const id = JSON.stringify([fix.title, fix.edits]);
        const seen = byEdit.get(id);
        if (seen) {
          seen.diagnostics = [...(seen.diagnostics ?? []), diag];
          continue;
        }
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diag];
        action.isPreferred = fix.preferred === true;
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) edit.replace(doc.uri, offsetRange(doc, e.start, e.end), e.newText);
        action.edit = edit;
        byEdit.set(id, action);
        actions.push(action);
      }
    }
    return actions;
  }
}

export function registerCodeActions(deps: HostDeps): vscode.Disposable {
  const provider = new SpecCodeActionProvider();
  return vscode.Disposable.from(
    vscode.languages.registerCodeActionsProvider(SPEC_SELECTOR, provider, SpecCodeActionProvider.metadata),
    deps.solver.onDidAnalyze((e) => provider.update(e)),
    deps.solver.onDidForget((uri) => provider.forget(uri)),
  );
}
