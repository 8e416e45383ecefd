/**
 * Registers the analysis panel (docs/architecture.md §2): the `sslParadigm.showPreview` and
 * `sslParadigm.showPreviewToSide` commands (editor-title icon, keybindings, CodeLens and
 * status bar; an optional URI argument), the `sslParadigm.preview` serializer that
 * restores panels after a reload, and internal commands that are not contributed:
 *
 * - `sslParadigm.preview.toggleLock`: lock the current panel to its spec, or follow again;
 * - `sslParadigm.preview.export` `{format, chart?}` (`npz`: data mode's solutions, written by
 *   the worker as `sslexp analyze --output` writes them): the panel produces the export and the
 *   save dialog asks where (a `target` URI replaces the dialog only when the extension runs
 *   in development or test mode);
 * - `sslParadigm.preview.inspect` and `sslParadigm.preview.restore` (development and test
 *   mode only): a read-only snapshot of the panels, and the serializer's restore path on a
 *   fresh panel with a given saved state.
 */
import * as vscode from 'vscode';
import { chartIds } from '../core/engine/index';
import { COMMAND_SHOW_PREVIEW, COMMAND_SHOW_PREVIEW_TO_SIDE } from '../host/codeLens';
import { specFromArgument } from '../host/documents';
import type { HostDeps } from '../host/solverClient';
import { EXPORT_FORMATS, isChartId } from '../shared/webviewProtocol';
import { PREVIEW_VIEW_TYPE, PreviewManager } from './previewManager';

export const COMMAND_TOGGLE_LOCK = 'sslParadigm.preview.toggleLock';
export const COMMAND_EXPORT = 'sslParadigm.preview.export';
export const COMMAND_INSPECT = 'sslParadigm.preview.inspect';
export const COMMAND_RESTORE = 'sslParadigm.preview.restore';

export function registerPreview(deps: HostDeps): vscode.Disposable {
  const { context, log } = deps;
  const manager = new PreviewManager(deps);
  const testHooks = context.extensionMode !== vscode.ExtensionMode.Production;

  const show =
    (sideBySide: boolean) =>
    async (arg?: unknown): Promise<void> => {
      // No spec editor active (a walkthrough's button, a panel with the focus): the spec last worked on.
      const doc = await specFromArgument(arg, true);
      if (!doc) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open analysis: open an SSL experiment spec (*.sslexp.yaml|yml|json) first.'));
        return;
      }
      await manager.show(doc, sideBySide);
    };

  const exportCommand = async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    const a = (typeof arg === 'object' && arg !== null ? arg : {}) as { format?: unknown; chart?: unknown; target?: unknown };
    const preview = manager.current();
    if (!preview) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Export: open an analysis panel first.'));
      return undefined;
    }
    let format = EXPORT_FORMATS.find((f) => f === a.format);
    if (!format) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('HTML report'), description: vscode.l10n.t('card, every chart and the numbers in one file'), format: 'html' as const },
          { label: vscode.l10n.t('JSON'), description: vscode.l10n.t('the whole analysis'), format: 'json' as const },
          {
            label: vscode.l10n.t('Solutions (.npz)'),
            description: vscode.l10n.t('data mode: every solution matrix and vector, as sslexp analyze --output writes them'),
            format: 'npz' as const,
          },
        ],
        { title: vscode.l10n.t('Export the analysis') },
      );
      if (!pick) return undefined;
      format = pick.format;
    }
    const chart = isChartId(a.chart, chartIds()) ? a.chart : undefined;
    if ((format === 'png' || format === 'csv') && !chart) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Export: a {0} export needs a chart.', format.toUpperCase()));
      return undefined;
    }
    const target = testHooks && a.target instanceof vscode.Uri ? a.target : undefined;
    return preview.requestExport(format, chart, target);
  };

  const disposables: vscode.Disposable[] = [
    manager,
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, manager),
    vscode.commands.registerCommand(COMMAND_SHOW_PREVIEW, show(false)),
    vscode.commands.registerCommand(COMMAND_SHOW_PREVIEW_TO_SIDE, show(true)),
    vscode.commands.registerCommand(COMMAND_TOGGLE_LOCK, () => manager.toggleLock()),
    vscode.commands.registerCommand(COMMAND_EXPORT, exportCommand),
  ];
  if (testHooks) {
    disposables.push(
      vscode.commands.registerCommand(COMMAND_INSPECT, () => manager.snapshots()),
      vscode.commands.registerCommand(COMMAND_RESTORE, async (state: unknown) => {
        const panel = vscode.window.createWebviewPanel(
          PREVIEW_VIEW_TYPE,
          vscode.l10n.t('Analysis'),
          { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
          {},
        );
        await manager.deserializeWebviewPanel(panel, state);
        const restored = manager.snapshots().length > 0;
        // Not adopted: the "nothing to restore" page, closed again once VS Code has shown it
        // (disposing at once is what made VS Code log `OverlayWebview has been disposed`).
        if (!restored) setTimeout(() => panel.dispose(), 1000);
        return restored;
      }),
    );
  }
  log.debug(`analysis panel registered${testHooks ? ' (with test hooks)' : ''}`);
  return vscode.Disposable.from(...disposables);
}
