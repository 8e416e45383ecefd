/**
 * Diagnostics of open specs (docs/architecture.md §2): the core's problems (syntax, schema,
 * semantics, files, theory findings) with exact ranges, `source: sslexp` and the
 * problem's stable code. This feature also drives the analyses of open specs: at once
 * when a spec opens, debounced after edits (`sslParadigm.diagnostics.delay`), again when
 * settings change, when workspace trust is granted and when a data file changes.
 */
import * as vscode from 'vscode';
import { PROBLEM_CODES } from '../core/problems/codes';
import type { Problem, Severity } from '../core/problems/problems';
import { linkedCode } from './docs';
import { isEmptyDocumentProblem, isSpecDocument, offsetRange, openSpecDocuments } from './documents';
import { affectsSettings, resourceSettings, theoryFindingCodes } from './settings';
import type { AnalysisEvent, HostDeps } from './solverClient';

export const DIAGNOSTIC_SOURCE = 'sslexp';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Data files a spec may reference; a change re-analyses the specs that name them. */
const DATA_FILE_GLOB = '**/*.{npy,npz,csv,tsv,txt}';

/**
 * A problem as a diagnostic: its code links to the section of the bundled docs/theory.md its
 * message (else its code) cites (src/host/docs.ts). An empty spec is an invitation, as the YAML and
 * JSON services treat empty documents: an information pointing at the starter specs of completion
 * (the CLI's `check` still fails on it).
 */
export function toDiagnostic(doc: vscode.TextDocument, p: Problem): vscode.Diagnostic {
  const empty = isEmptyDocumentProblem(p);
  const message = empty ? vscode.l10n.t("Empty spec: start with 'sslexp: 1', or press Ctrl+Space for a starter spec (spectral or graph mode).") : p.message;
  const severity = empty ? vscode.DiagnosticSeverity.Information : (SEVERITY[p.severity] ?? vscode.DiagnosticSeverity.Error);
  const d = new vscode.Diagnostic(offsetRange(doc, p.start, p.end), message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = linkedCode(p.code, p.message, PROBLEM_CODES[p.code]?.summary);
  return d;
}

/** The problems of a result that are shown as diagnostics under the current settings. */
export function visibleProblems(problems: readonly Problem[], theoryFindings: boolean): Problem[] {
  if (theoryFindings) return [...problems];
  const hidden = theoryFindingCodes();
  return problems.filter((p) => !hidden.has(p.code));
}

/**
 * One problem, one diagnostic (docs/architecture.md §2): VS Code's built-in JSON language features report
 * the syntax errors of every JSON document themselves, so ours (`json-syntax`) are not
 * repeated there (they still count in the CodeLens and the status bar). Structural problems
 * are ours alone: the schema is not contributed (`jsonValidation` / `yamlValidation`).
 */
export function jsonServiceReportsSyntax(doc: vscode.TextDocument): boolean {
  if (doc.languageId !== 'json' && doc.languageId !== 'jsonc') return false;
  if (!vscode.extensions.getExtension('vscode.json-language-features')) return false;
  // window-scoped in the JSON extension: read without a resource
  return vscode.workspace.getConfiguration('json').get<boolean>('validate.enable', true) !== false;
}

export function registerDiagnostics(deps: HostDeps): vscode.Disposable {
  const { solver, log } = deps;
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const timers = new Map<string, NodeJS.Timeout>();
  const disposables: vscode.Disposable[] = [collection];

  const analyzeNow = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    if (doc.isClosed) return;
    void solver.analyzeDocument(doc);
  };
  const analyzeLater = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        analyzeNow(doc);
      }, resourceSettings(doc.uri).diagnosticsDelay),
    );
  };
  const analyzeAll = (why: string): void => {
    const docs = openSpecDocuments();
    if (docs.length) log.info(`re-analysing ${docs.length} open spec(s): ${why}`);
    for (const doc of docs) analyzeNow(doc);
  };

  const apply = (e: AnalysisEvent): void => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === e.uri.toString());
    // A result for an older version would point at the wrong text; the newer run will replace it.
    if (!doc || doc.isClosed || doc.version !== e.version) return;
    const { theoryFindings } = resourceSettings(doc.uri);
    const shown = visibleProblems(e.result.problems, theoryFindings).filter((p) => !(p.code === 'json-syntax' && jsonServiceReportsSyntax(doc)));
    collection.set(
      doc.uri,
      shown.map((p) => toDiagnostic(doc, p)),
    );
  };

  disposables.push(
    solver.onDidAnalyze(apply),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (isSpecDocument(doc)) analyzeNow(doc);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && isSpecDocument(e.document)) analyzeLater(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const key = doc.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      collection.delete(doc.uri);
      solver.forget(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSettings(e)) analyzeAll('settings changed');
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // Data files may be read now: every cached result is stale.
      solver.invalidateAll();
      analyzeAll('workspace trust granted');
    }),
  );

  // A data file appeared, changed or disappeared: re-analyse the specs that mention its name.
  const watcher = vscode.workspace.createFileSystemWatcher(DATA_FILE_GLOB);
  const onDataFile = (uri: vscode.Uri): void => {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    for (const doc of openSpecDocuments()) if (doc.getText().includes(name)) analyzeLater(doc);
  };
  disposables.push(watcher, watcher.onDidCreate(onDataFile), watcher.onDidChange(onDataFile), watcher.onDidDelete(onDataFile));

  for (const doc of openSpecDocuments()) analyzeNow(doc);

  return new vscode.Disposable(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    for (const d of disposables) d.dispose();
  });
}
