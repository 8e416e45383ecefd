/**
 * What differs between the desktop (Node) extension host and the browser one (vscode.dev,
 * github.dev, code-server's web worker host). esbuild.config.mjs builds dist/extension.js
 * with this file and dist/web/extension.js with platform.web.ts in its place (the
 * `./platform` import is redirected), so the host code shares one source.
 */
import * as vscode from 'vscode';

/** True in the browser build. */
export const IS_WEB = false;

/** Default of `sslParadigm.worker.maxFileSizeMB` when the user has not set it. */
export const DEFAULT_MAX_FILE_MB = 512;

/**
 * Does the host read the files a spec references (through `vscode.workspace.fs`) and send
 * them with the request? On the desktop only for documents on virtual file systems (not
 * `file`, `untitled` or `vscode-remote`, which the worker reads with node:fs); in the browser always.
 */
export function hostReadsFiles(uri: vscode.Uri): boolean {
  return uri.scheme !== 'file' && uri.scheme !== 'untitled' && uri.scheme !== 'vscode-remote';
}

/** The analysis worker's script, as `new Worker(...)` of node:worker_threads takes it. */
export function workerScript(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
}
