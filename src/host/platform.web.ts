/**
 * The browser build's src/host/platform.ts (see there; esbuild.config.mjs redirects the
 * `./platform` import of the web extension bundle here).
 */
import * as vscode from 'vscode';

export const IS_WEB = true;

/** A browser tab holds every file read in memory twice (host and worker): a smaller default. */
export const DEFAULT_MAX_FILE_MB = 64;

/** In the browser the worker has no file system: the host reads every file. */
export function hostReadsFiles(_uri: vscode.Uri): boolean {
  return true;
}

/** The Web Worker script (a URL the web extension host can load). */
export function workerScript(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'worker.js').toString(true);
}
