/**
 * Exports of the analysis panel (docs/architecture.md §2, §6): PNG per chart, CSV/JSON of the
 * numbers, a self-contained HTML report, and data mode's solutions as `.npz`. The webview
 * produces the bytes (the `.npz` comes from the solver worker: those of `sslexp analyze
 * --output`); the host checks them again and writes them only where the user chose in a
 * save dialog (the one other caller is the `sslParadigm.preview.export` command, whose
 * optional `target` skips the dialog for tests and automation).
 */
import * as vscode from 'vscode';
import { toJson } from '../core/format/format';
import type { ExportMessage, PanelModel } from '../shared/webviewProtocol';
import { baseName, SPEC_FILE_RE } from '../host/documents';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const FILTERS: Record<ExportMessage['format'], Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  csv: { 'CSV (comma-separated values)': ['csv'] },
  json: { JSON: ['json'] },
  html: { 'HTML report': ['html', 'htm'] },
  npz: { 'NumPy arrays (.npz)': ['npz'] },
};

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

export interface ExportContext {
  /** The spec the panel shows. */
  documentUri: vscode.Uri;
  documentVersion: number;
  /** The model last posted to the panel (JSON exports without content are generated from it). */
  model: PanelModel | undefined;
  log: vscode.LogOutputChannel;
  /** The `.npz` of the spec's solutions from the solver worker, or why there is none (`npz` exports). */
  solutionsNpz?: () => Promise<Uint8Array | string>;
}

/** `strong-noise.sslexp.yaml` -> `strong-noise`. */
export function specStem(uri: vscode.Uri): string {
  const name = baseName(uri);
  return name.replace(SPEC_FILE_RE, '').replace(/\.[^.]*$/, '') || 'analysis';
}

/** The proposed file name of an export. */
export function defaultExportName(uri: vscode.Uri, m: Pick<ExportMessage, 'format' | 'chart'>): string {
  const stem = specStem(uri);
  switch (m.format) {
    case 'png':
      return `${stem}-${m.chart ?? 'chart'}.png`;
    case 'csv':
      return `${stem}-${m.chart ?? 'data'}.csv`;
    case 'json':
      return m.chart ? `${stem}-${m.chart}.json` : `${stem}-analysis.json`;
    case 'html':
      return `${stem}-report.html`;
    case 'npz':
      return `${stem}-solutions.npz`;
  }
}

/** The folder the save dialog opens in: the spec's folder on disk, else the first workspace folder. */
function defaultFolder(uri: vscode.Uri): vscode.Uri | undefined {
  if (uri.scheme === 'file' || uri.scheme === 'vscode-remote') return vscode.Uri.joinPath(uri, '..');
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Decodes base64 without Node's Buffer (the browser build shares this file); invalid input gives no bytes. */
function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text.replace(/\s+/g, ''));
  } catch {
    return new Uint8Array(0);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The bytes to write, or an error message. The message already passed `isWebviewToHostMessage`. */
export function exportBytes(m: ExportMessage, ctx: Pick<ExportContext, 'documentUri' | 'documentVersion' | 'model'>): Uint8Array | string {
  const enc = new TextEncoder();
  switch (m.format) {
    case 'png': {
      const bytes = fromBase64((m.dataUrl ?? '').slice('data:image/png;base64,'.length));
      if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return 'the chart image is not a PNG';
      return bytes;
    }
    case 'csv':
      if (m.content === undefined || m.content.length === 0) return 'no numbers to export';
      return enc.encode(m.content);
    case 'json': {
      if (m.content !== undefined && m.content.length > 0) {
        try {
          JSON.parse(m.content);
        } catch {
          return 'the JSON export is not valid JSON';
        }
        return enc.encode(m.content);
      }
      if (!ctx.model) return 'no analysis to export';
      const payload = { fileName: baseName(ctx.documentUri), documentUri: ctx.documentUri.toString(), documentVersion: ctx.documentVersion, model: ctx.model };
      return enc.encode(`${toJson(payload, 2)}\n`);
    }
    case 'html': {
      const text = m.content ?? '';
      if (!/^\s*<!DOCTYPE html>/i.test(text)) return 'the report is not an HTML document';
      return enc.encode(text);
    }
    case 'npz':
      return vscode.l10n.t('the solutions come from the solver worker');
  }
}

/** The `.npz` bytes of the solutions (checked to be a zip archive), or why not. */
async function solutionsBytes(ctx: ExportContext): Promise<Uint8Array | string | undefined> {
  if (!ctx.solutionsNpz) return vscode.l10n.t('no analysis to export');
  let bytes: Uint8Array | string;
  try {
    bytes = await ctx.solutionsNpz();
  } catch (err) {
    if (err instanceof vscode.CancellationError) return undefined;
    return err instanceof Error ? err.message : String(err);
  }
  if (typeof bytes === 'string') return bytes;
  if (bytes.length < ZIP_SIGNATURE.length || ZIP_SIGNATURE.some((b, i) => bytes[i] !== b)) return vscode.l10n.t('the solutions are not an .npz archive');
  return bytes;
}

/**
 * Writes an export: asks where with a save dialog (unless `target` is given), then writes
 * through `workspace.fs`. Resolves with the written URI, or undefined when the user
 * cancelled or the export was refused (logged, and shown).
 */
export async function runExport(m: ExportMessage, ctx: ExportContext, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const bytes = m.format === 'npz' ? await solutionsBytes(ctx) : exportBytes(m, ctx);
  if (bytes === undefined) return undefined; // the user cancelled the worker's run
  const what = `${m.format.toUpperCase()} export${m.chart ? ` of the ${m.chart} chart` : ''}`;
  if (typeof bytes === 'string') {
    ctx.log.warn(`analysis panel: ${what} refused: ${bytes}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot export: {0}.', bytes));
    return undefined;
  }
  let uri = target;
  if (!uri) {
    const folder = defaultFolder(ctx.documentUri);
    const name = defaultExportName(ctx.documentUri, m);
    uri = await vscode.window.showSaveDialog({
      title:
        m.format === 'npz'
          ? vscode.l10n.t('Export the solutions (.npz)')
          : m.chart
            ? vscode.l10n.t('Export the {0} chart ({1})', m.chart, m.format.toUpperCase())
            : vscode.l10n.t('Export the analysis ({0})', m.format.toUpperCase()),
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: FILTERS[m.format],
      saveLabel: vscode.l10n.t('Export'),
    });
    if (!uri) return undefined;
  }
  try {
    await vscode.workspace.fs.writeFile(uri, bytes);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    ctx.log.error(`analysis panel: ${what} to ${uri.toString()} failed: ${text}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Export failed: {0}', text));
    return undefined;
  }
  ctx.log.info(`analysis panel: ${what} written to ${uri.toString()} (${bytes.length} bytes)`);
  if (!target) void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0}.', baseName(uri)));
  return uri;
}
