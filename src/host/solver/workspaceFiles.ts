/**
 * Reads a data file of a spec through `vscode.workspace.fs` for the worker (virtual file
 * systems, the browser build: src/host/platform.ts `hostReadsFiles`), within
 * `sslParadigm.worker.maxFileSizeMB`; a file that cannot be read comes back as the node-style
 * error the core reports as usual.
 */
import * as vscode from 'vscode';
import type { HostFile } from './runs';

/** `vscode.FileSystemError` codes as the core knows them from node:fs. */
const FS_ERROR_CODES: Record<string, string | undefined> = {
  FileNotFound: 'ENOENT',
  FileNotADirectory: 'ENOTDIR',
  FileIsADirectory: 'EISDIR',
  NoPermissions: 'EACCES',
};

/** `path` is absolute, as the core resolved it for the spec `documentUri` (on the same file system). */
export async function readWorkspaceFile(documentUri: string, path: string, limitBytes: number): Promise<HostFile> {
  const docUri = vscode.Uri.parse(documentUri);
  const uri = docUri.scheme === 'file' ? vscode.Uri.file(path) : docUri.with({ path, query: '', fragment: '' });
  const overLimit = (): Error => new Error(`${path} is over the limit of ${limitBytes} bytes (setting sslParadigm.worker.maxFileSizeMB)`);
  try {
    const st = await vscode.workspace.fs.stat(uri);
    if (st.size > limitBytes) throw overLimit();
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.length > limitBytes) throw overLimit();
    return { bytes };
  } catch (err) {
    return {
      error: {
        code: err instanceof vscode.FileSystemError ? FS_ERROR_CODES[err.code] : undefined,
        message: err instanceof Error ? err.message : String(err),
      },
    };
  }
}
