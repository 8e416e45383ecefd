/**
 * Which documents are specs, and the small helpers every feature shares to turn a
 * document into a solver request. No new language is defined (YAML/JSON keep their
 * highlighting): specs are recognised by file name (`*.sslexp.yaml|yml|json`).
 */
import * as vscode from 'vscode';

/** `*.sslexp.yaml`, `*.sslexp.yml`, `*.sslexp.json` (case-insensitive). */
export const SPEC_FILE_RE = /\.sslexp\.(ya?ml|json)$/i;
/** For document selectors: {@link SPEC_FILE_RE} as a glob, in any case like the regular expression. */
export const SPEC_GLOB = '**/*.[sS][sS][lL][eE][xX][pP].{[yY][aA][mM][lL],[yY][mM][lL],[jJ][sS][oO][nN]}';
/** Schemes whose documents are analysed. */
export const SPEC_SCHEMES: readonly string[] = ['file', 'untitled', 'vscode-remote'];
/** For `languages.register*Provider`: YAML and JSON documents of the supported schemes whose name marks a spec. */
export const SPEC_SELECTOR: vscode.DocumentSelector = [
  ...SPEC_SCHEMES.map((scheme) => ({ scheme, pattern: SPEC_GLOB })),
  // Specs on virtual file systems (vscode.dev, github.dev, `memfs:` ...): any scheme; the providers check `isSpecDocument`.
  { pattern: SPEC_GLOB },
  // Untitled specs without a spec file name (the providers check `isSpecDocument`).
  { scheme: 'untitled', language: 'yaml' },
  { scheme: 'untitled', language: 'json' },
];

/**
 * Schemes whose documents are analysed: {@link SPEC_SCHEMES}, and any scheme served by a
 * registered FileSystemProvider (virtual workspaces: `vscode-vfs` of github.dev, `memfs`, ...),
 * whose data files the host reads through `vscode.workspace.fs` (src/host/platform.ts).
 * Content-provider schemes (`git`, `output`, diff views) are not file systems and stay out.
 */
export function isSpecScheme(scheme: string): boolean {
  return SPEC_SCHEMES.includes(scheme) || vscode.workspace.fs.isWritableFileSystem(scheme) !== undefined;
}

/** The last path segment of a URI (works for untitled and remote URIs too). */
export function baseName(uri: vscode.Uri): string {
  const p = uri.path;
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Is `doc` a spec? By file name, or for an untitled document by its language and a first
 * `sslexp:` / `"sslexp"` key (what `sslParadigm.newSpec` creates).
 */
export function isSpecDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  if (!doc || !isSpecScheme(doc.uri.scheme)) return false;
  if (SPEC_FILE_RE.test(baseName(doc.uri))) return true;
  return doc.uri.scheme === 'untitled' && (doc.languageId === 'yaml' || doc.languageId === 'json') && looksLikeSpec(doc.getText(new vscode.Range(0, 0, 40, 0)));
}

/** An untitled document that starts like a spec (its first key is `sslexp`). */
export function looksLikeSpec(head: string): boolean {
  return /^(?:\s*(?:#[^\n]*)?\n)*\s*(?:sslexp\s*:|\{\s*"sslexp"\s*:)/.test(head);
}

/** The file name the core uses to choose YAML or JSON and to name the spec in messages. */
export function engineFileName(doc: vscode.TextDocument): string {
  if (doc.uri.scheme === 'untitled') {
    const name = baseName(doc.uri);
    if (SPEC_FILE_RE.test(name)) return name;
    return `${name}.sslexp.${doc.languageId === 'json' ? 'json' : 'yaml'}`;
  }
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : baseName(doc.uri);
}

/**
 * The directory relative data paths resolve against: the spec's folder for documents on
 * the extension host's file system (`file`, and `vscode-remote` when the extension runs
 * on the remote side, as it does under code-server); none for untitled documents.
 */
export function engineBaseDir(doc: vscode.TextDocument): string | undefined {
  if (doc.uri.scheme === 'untitled') return undefined;
  const dir = vscode.Uri.joinPath(doc.uri, '..');
  if (dir.scheme === 'file' || dir.scheme === 'vscode-remote') return dir.fsPath;
  // virtual file systems: the URI's path; the host maps resolved paths back to URIs of the same scheme and authority
  return isSpecScheme(dir.scheme) ? dir.path : undefined;
}

/** Open spec documents. */
export function openSpecDocuments(): vscode.TextDocument[] {
  return vscode.workspace.textDocuments.filter((d) => isSpecDocument(d) && !d.isClosed);
}

/** The active editor's document when it is a spec. */
export function activeSpecDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return isSpecDocument(doc) ? doc : undefined;
}

/** URIs of the spec editors that were active, most recent last (see {@link trackRecentSpecs}). */
const recentSpecs: string[] = [];

/** Remembers which spec editors were active, for commands run while another editor (a walkthrough, a panel) has the focus. */
export function trackRecentSpecs(): vscode.Disposable {
  const note = (editor: vscode.TextEditor | undefined): void => {
    if (!isSpecDocument(editor?.document)) return;
    const key = editor.document.uri.toString();
    const i = recentSpecs.indexOf(key);
    if (i >= 0) recentSpecs.splice(i, 1);
    recentSpecs.push(key);
    if (recentSpecs.length > 32) recentSpecs.shift();
  };
  note(vscode.window.activeTextEditor);
  return vscode.window.onDidChangeActiveTextEditor(note);
}

/**
 * The spec a user most likely means when no spec editor is active: the most recently active open
 * spec, else a spec in a visible editor, else the only open spec.
 */
export function recentSpecDocument(): vscode.TextDocument | undefined {
  const open = openSpecDocuments();
  for (let i = recentSpecs.length - 1; i >= 0; i--) {
    const doc = open.find((d) => d.uri.toString() === recentSpecs[i]);
    if (doc) return doc;
  }
  const visible = vscode.window.visibleTextEditors.map((e) => e.document).find((d) => isSpecDocument(d));
  return visible ?? (open.length === 1 ? open[0] : undefined);
}

/**
 * The spec a command acts on: a URI argument (from a CodeLens, menu or the explorer),
 * else the active spec editor, else (with `recent`) the spec the user last worked on: a
 * walkthrough's button runs while the walkthrough, not the spec, is the active editor.
 */
export async function specFromArgument(arg: unknown, recent = false): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === arg.toString());
    const doc = open ?? (await vscode.workspace.openTextDocument(arg));
    return isSpecDocument(doc) ? doc : undefined;
  }
  return activeSpecDocument() ?? (recent ? recentSpecDocument() : undefined);
}

/**
 * The code of the core's problem for an empty or whitespace-only spec: an error for `sslexp check`,
 * an invitation in the editor (diagnostics, CodeLens, status bar, panel).
 */
export const EMPTY_DOCUMENT_CODE = 'empty-document';

export function isEmptyDocumentProblem(p: { code: string }): boolean {
  return p.code === EMPTY_DOCUMENT_CODE;
}

/** A result whose only problem is an empty document: nothing typed yet. */
export function isEmptySpecResult(result: { problems: readonly { code: string }[] }): boolean {
  return result.problems.length > 0 && result.problems.every(isEmptyDocumentProblem);
}

/** The document's range of UTF-16 offsets [start, end) (`positionAt` clamps to the text). */
export function offsetRange(doc: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(doc.positionAt(start), doc.positionAt(Math.max(start, end)));
}
