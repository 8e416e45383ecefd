/**
 * The analysis panels (docs/architecture.md §2 "Analysis panel", §6): webview panels that show the
 * analysis of a spec, opened like the Markdown preview. At most one panel *follows* the
 * active spec editor; any number are *locked* to one spec each. Results come from the
 * solver client's events (the diagnostics feature drives the runs; a panel asks for the
 * curve and the per-component scores with `retainDetail`) and are posted to the webview
 * only when they are not older than what it shows (document version, then run id).
 * Panels survive reloads through the `sslParadigm.preview` serializer.
 *
 * Every message from a webview is validated (`isWebviewToHostMessage`); invalid ones are
 * logged and dropped.
 */
import * as vscode from 'vscode';
import { chartIds } from '../core/engine/index';
import { COMMAND_OPEN_DOCS } from '../host/docs';
import { activeSpecDocument, baseName, isSpecDocument, isSpecScheme } from '../host/documents';
import { windowSettings } from '../host/settings';
import type { AnalysisEvent, HostDeps, SimulationEvent } from '../host/solverClient';
import {
  decodeEmbeddedJson,
  isHostToWebviewMessage,
  isOlderResult,
  isWebviewToHostMessage,
  type AnalysisMessage,
  type ExportFormat,
  type ChartId,
  type ExportMessage,
  type HostToWebviewMessage,
  type RenderedMessage,
  type WebviewToHostMessage,
} from '../shared/webviewProtocol';
import { runExport } from './exporter';
import { translateWebviewMessages } from '../shared/webviewStrings';
import { buildPanelHtml, makeNonce } from './htmlBuilder';
import { toPanelModel } from './panelModel';

export const PREVIEW_VIEW_TYPE = 'sslParadigm.preview';
/** Set once a panel has drawn an analysis (the walkthrough's completion event). */
export const CONTEXT_PANEL_SHOWN = 'sslParadigm.panelShown';

/** A snapshot of one panel (the `sslParadigm.preview.inspect` command; used by the integration tests). */
export interface PreviewSnapshot {
  resource: string;
  locked: boolean;
  visible: boolean;
  active: boolean;
  viewColumn: number | undefined;
  title: string;
  /** The last analysis posted to the webview. */
  posted: AnalysisMessage | undefined;
  postedAt: number | undefined;
  /** The webview's last acknowledgement of a render. */
  rendered: RenderedMessage | undefined;
  renderedAt: number | undefined;
}

/**
 * An export asked for through the command: the webview answers with an `export` message
 * (or `exportFailed`) carrying the request's id.
 */
interface PendingExport {
  requestId: number;
  format: ExportFormat;
  chart?: ChartId;
  target?: vscode.Uri;
  resolve: (uri: vscode.Uri | undefined) => void;
  timer: NodeJS.Timeout;
}

const EXPORT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The panel's messages are translated by their English text, which the bundle lists from
 * src/shared/webviewStrings.ts (scripts/l10n-bundle.mjs; docs/architecture.md §2 "Localisation").
 */
const translateMessage: (message: string) => string = vscode.l10n.t;

/** A short, safe description of a rejected message for the log. */
function describeMessage(x: unknown): string {
  if (typeof x !== 'object' || x === null) return typeof x;
  const type = (x as { type?: unknown }).type;
  const keys = Object.keys(x)
    .slice(0, 8)
    .map((k) => k.slice(0, 32));
  return `type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 32)) : typeof type}, keys [${keys.join(', ')}]`;
}

class AnalysisPreview implements vscode.Disposable {
  private resourceUri: vscode.Uri;
  private detail: vscode.Disposable | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  posted: AnalysisMessage | undefined;
  postedAt: number | undefined;
  rendered: RenderedMessage | undefined;
  renderedAt: number | undefined;
  /**
   * The (version, runId) new results of the resource are compared with: set by results of
   * this session only (not by a restored state) and cleared when the solver forgets the
   * document (a reopened document's versions start over).
   */
  private baseline: { documentVersion: number; runId: number } | undefined;
  /** The message embedded in the webview's HTML: its first paint, with no round trip. */
  private embedded: AnalysisMessage | undefined;
  private pendingExports: PendingExport[] = [];
  private nextExportId = 1;
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedMessage>();
  readonly onDidRender = this.renderedEmitter.event;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    resource: vscode.Uri,
    public locked: boolean,
    private readonly manager: PreviewManager,
    initial?: AnalysisMessage,
  ) {
    this.resourceUri = resource;
    panel.iconPath = panelIcon(manager.deps.context.extensionUri);
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: manager.resourceRoots };
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => manager.setActive(this)),
    );
    this.posted = initial && initial.documentUri === resource.toString() ? initial : undefined;
    // The cached analysis goes into the HTML itself: the first paint needs no message from the host.
    const cached = manager.deps.solver.latest(resource);
    if (!this.posted && cached) this.posted = this.messageFor(cached);
    this.embedded = this.posted;
    if (this.embedded) this.postedAt = Date.now();
    webview.html = this.html();
    this.updateTitle();
    this.attach(this.embedded !== undefined && cached !== undefined && this.embedded.runId === cached.runId);
  }

  get resource(): vscode.Uri {
    return this.resourceUri;
  }

  private html(): string {
    const webview = this.panel.webview;
    const ext = this.manager.deps.context.extensionUri;
    return buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'panel.css')).toString(),
      title: vscode.l10n.t('Analysis of {0}', baseName(this.resourceUri)),
      initialState: this.posted ?? null,
      strings: translateWebviewMessages(translateMessage),
      lang: vscode.env.language,
    });
  }

  private updateTitle(): void {
    const name = baseName(this.resourceUri);
    this.panel.title = this.locked ? vscode.l10n.t('[Locked] Analysis {0}', name) : vscode.l10n.t('Analysis {0}', name);
  }

  /** Shows another spec (a following panel whose active editor changed). */
  setResource(uri: vscode.Uri): void {
    if (uri.toString() === this.resourceUri.toString()) return;
    this.resourceUri = uri;
    this.baseline = undefined;
    this.updateTitle();
    this.attach();
  }

  setLocked(locked: boolean): void {
    this.locked = locked;
    this.updateTitle();
    this.post({ type: 'lock', locked });
    if (this.posted) this.posted = { ...this.posted, locked };
  }

  /** Asks for the detailed analysis of the resource and shows what is cached (unless the HTML already holds it). */
  private attach(cachedInHtml = false): void {
    this.detail?.dispose();
    const uri = this.resourceUri;
    this.detail = this.manager.deps.solver.retainDetail(uri);
    const solver = this.manager.deps.solver;
    const cached = solver.latest(uri);
    if (cached && !cachedInHtml) this.showResult(cached);
    if (!solver.isBusy(uri) && (!cached || !cached.detailed)) void this.ensureAnalysed(uri);
  }

  /** Opens the document when needed (a restored or locked panel) and analyses it once. */
  private async ensureAnalysed(uri: vscode.Uri): Promise<void> {
    try {
      let doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!doc) doc = await vscode.workspace.openTextDocument(uri);
      if (this.disposed || this.resourceUri.toString() !== uri.toString()) return;
      const solver = this.manager.deps.solver;
      const cached = solver.latest(uri);
      if (!solver.isBusy(uri) && (!cached || !cached.detailed || cached.version !== doc.version)) await solver.analyzeDocument(doc);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.manager.deps.log.warn(`analysis panel: cannot open ${uri.toString()}: ${text}`);
      this.post({
        type: 'error',
        runId: this.posted?.runId ?? 0,
        documentUri: uri.toString(),
        documentVersion: this.posted?.documentVersion ?? 0,
        message: vscode.l10n.t('Cannot open {0}: {1}', baseName(uri), text),
      });
    }
  }

  /** Posts a finished analysis unless the panel shows a newer one of the same document. */
  showResult(e: AnalysisEvent, simulation?: SimulationEvent): void {
    if (e.uri.toString() !== this.resourceUri.toString()) return;
    const shown = this.baseline;
    if (shown && isOlderResult({ documentVersion: e.version, runId: e.runId }, shown)) {
      this.manager.deps.log.debug(`analysis panel: dropped run ${e.runId} (v${e.version}): showing run ${shown.runId} (v${shown.documentVersion})`);
      return;
    }
    const message = this.messageFor(e, simulation);
    this.posted = message;
    this.postedAt = Date.now();
    this.post(message);
  }

  /** The panel's message for a finished analysis (and the document's latest simulation); sets the baseline new results are compared with. */
  private messageFor(e: AnalysisEvent, simulation?: SimulationEvent): AnalysisMessage {
    this.baseline = { documentVersion: e.version, runId: e.runId };
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === e.uri.toString());
    const sim = simulation ?? this.manager.deps.solver.latestSimulation(e.uri);
    // An error in one part of the spec keeps the last good analysis, with a banner (docs/architecture.md §2).
    const good = e.result.problems.some((p) => p.severity === 'error') ? this.manager.deps.solver.lastGood(e.uri) : undefined;
    const staleFrom = good?.stale && good.firstError ? good : undefined;
    const model = toPanelModel({
      result: staleFrom ? staleFrom.event.result : e.result,
      text: doc?.getText() ?? '',
      simulation: sim && sim.uri.toString() === e.uri.toString() ? sim.simulation : null,
    });
    const message: AnalysisMessage = {
      type: 'analysis',
      runId: e.runId,
      documentUri: e.uri.toString(),
      documentVersion: e.version,
      fileName: baseName(e.uri),
      locked: this.locked,
      model,
      ...(staleFrom?.firstError
        ? {
            stale: {
              message: staleFrom.firstError.message.slice(0, 1000),
              line: doc ? doc.positionAt(staleFrom.firstError.start).line + 1 : 1,
              code: staleFrom.firstError.code,
            },
          }
        : {}),
    };
    return message;
  }

  /** The solver dropped the resource's results (closed document, trust change). */
  forget(): void {
    this.baseline = undefined;
    this.post({ type: 'forget', documentUri: this.resourceUri.toString() });
  }

  post(message: HostToWebviewMessage): void {
    if (this.disposed) return;
    // Lost when the webview is hidden and torn down: it posts 'ready' again when it comes back.
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  /** Asks the webview for an export; resolves when it was written (or refused or cancelled). */
  requestExport(format: ExportFormat, chart: ChartId | undefined, target: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
    return new Promise((resolve) => {
      const requestId = this.nextExportId++;
      const pending: PendingExport = {
        requestId,
        format,
        chart,
        target,
        resolve,
        timer: setTimeout(() => {
          this.pendingExports = this.pendingExports.filter((p) => p !== pending);
          this.manager.deps.log.warn(`analysis panel: the ${format} export was not produced within ${EXPORT_REQUEST_TIMEOUT_MS / 1000} s`);
          resolve(undefined);
        }, EXPORT_REQUEST_TIMEOUT_MS),
      };
      this.pendingExports.push(pending);
      this.post({ type: 'requestExport', requestId, format, ...(chart ? { chart } : {}) });
    });
  }

  private onMessage(raw: unknown): void {
    if (!isWebviewToHostMessage(raw, chartIds())) {
      this.manager.deps.log.warn(`analysis panel: dropped an invalid message from the webview (${describeMessage(raw)})`);
      return;
    }
    void this.handle(raw).catch((err: unknown) => {
      this.manager.deps.log.error(`analysis panel: handling '${raw.type}' failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
  }

  private async handle(m: WebviewToHostMessage): Promise<void> {
    const { log } = this.manager.deps;
    switch (m.type) {
      case 'ready':
        // A (re)loaded webview: send the newest state (it ignores an older one than its own); not
        // the one its HTML holds, which it has drawn already (or saved and restored, after a reload).
        if (this.posted && this.posted !== this.embedded) this.post(this.posted);
        this.post({ type: 'lock', locked: this.locked });
        return;
      case 'toggleLock':
        this.manager.toggleLock(this);
        return;
      case 'openSource':
        await this.openSource(m.offset);
        return;
      case 'openDoc':
        // Validated twice: the message's shape above, the anchor against the bundled file by the command.
        await vscode.commands.executeCommand(COMMAND_OPEN_DOCS, { doc: m.doc, anchor: m.anchor });
        return;
      case 'setAlpha':
        await this.manager.setAlpha(this.resourceUri, m.alpha);
        return;
      case 'export':
        await this.export(m);
        return;
      case 'exportFailed': {
        const pending = this.takePending(m.requestId);
        log.warn(`analysis panel: export request ${m.requestId} not produced: ${m.reason}`);
        pending?.resolve(undefined);
        return;
      }
      case 'rendered':
        this.rendered = m;
        this.renderedAt = Date.now();
        log.debug(
          `analysis panel: rendered run ${m.runId} (v${m.documentVersion}) in ${m.renderMs.toFixed(1)} ms, ${m.charts.length} chart(s), ${m.theme} theme`,
        );
        this.renderedEmitter.fire(m);
        // The walkthrough's "Open the analysis panel" step is done when a panel has drawn an analysis.
        void vscode.commands.executeCommand('setContext', CONTEXT_PANEL_SHOWN, true);
        return;
    }
  }

  /** The pending request a reply answers (by its id), removed from the queue. */
  private takePending(requestId: number | undefined): PendingExport | undefined {
    if (requestId === undefined) return undefined;
    const i = this.pendingExports.findIndex((p) => p.requestId === requestId);
    const pending = i >= 0 ? this.pendingExports.splice(i, 1)[0] : undefined;
    if (pending) clearTimeout(pending.timer);
    return pending;
  }

  private async export(m: ExportMessage): Promise<void> {
    // A reply to a request carries its id; the panel's own buttons carry none (save dialog).
    const pending = this.takePending(m.requestId);
    if (m.requestId !== undefined && !pending) {
      this.manager.deps.log.warn(`analysis panel: dropped the reply to export request ${m.requestId} (unknown or timed out)`);
      return;
    }
    if (pending && (pending.format !== m.format || pending.chart !== m.chart)) {
      this.manager.deps.log.warn(`analysis panel: the reply to export request ${m.requestId} does not match it (${m.format}${m.chart ? ` ${m.chart}` : ''})`);
      pending.resolve(undefined);
      return;
    }
    const posted = this.posted;
    const uri = await runExport(
      m,
      {
        documentUri: posted ? vscode.Uri.parse(posted.documentUri) : this.resourceUri,
        documentVersion: posted?.documentVersion ?? 0,
        model: posted?.model,
        log: this.manager.deps.log,
        solutionsNpz: () => this.solutionsNpz(),
      },
      pending?.target,
    );
    pending?.resolve(uri);
  }

  /** The `.npz` of the shown spec's solutions: the worker analyses its current text again (docs/architecture.md §2). */
  private async solutionsNpz(): Promise<Uint8Array | string> {
    const doc = await vscode.workspace.openTextDocument(this.resourceUri);
    return this.manager.deps.solver.solutionsNpz(doc);
  }

  private async openSource(offset: number | undefined): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.resourceUri);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString());
    const column = visible?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
    if (offset !== undefined && offset <= doc.getText().length) {
      const pos = doc.positionAt(offset);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  snapshot(active: boolean): PreviewSnapshot {
    return {
      resource: this.resourceUri.toString(),
      locked: this.locked,
      visible: this.panel.visible,
      active,
      viewColumn: this.panel.viewColumn,
      title: this.panel.title,
      posted: this.posted,
      postedAt: this.postedAt,
      rendered: this.rendered,
      renderedAt: this.renderedAt,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.pendingExports) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.pendingExports = [];
    this.detail?.dispose();
    this.detail = undefined;
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.renderedEmitter.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.panel.dispose();
  }
}

/** Reads what a restored webview saved (its `setState`): the spec URI and the lock. */
export function parsePersistedState(state: unknown): { uri: string; locked: boolean | null; message: AnalysisMessage | undefined } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as { v?: unknown; message?: unknown; locked?: unknown; resource?: unknown };
  let uri: string | undefined;
  let message: AnalysisMessage | undefined;
  if (typeof s.message === 'string' && s.message.length <= 64 * 1024 * 1024) {
    const m = decodeEmbeddedJson(s.message) as Partial<AnalysisMessage> | undefined;
    if (m && m.type === 'analysis' && typeof m.documentUri === 'string') {
      uri = m.documentUri;
      // A state saved by another version of the panel (e.g. before the model was tagged by
      // theory) still names its spec; its message is shown only when it is valid now.
      if (isHostToWebviewMessage(m)) message = m as AnalysisMessage;
    }
  }
  if (!uri && typeof s.resource === 'string') uri = s.resource;
  if (!uri || uri.length > 64 * 1024) return undefined;
  return { uri, locked: typeof s.locked === 'boolean' ? s.locked : null, message };
}

export class PreviewManager implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly previews = new Set<AnalysisPreview>();
  private activePreview: AnalysisPreview | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly resourceRoots: vscode.Uri[];

  constructor(readonly deps: HostDeps) {
    const ext = deps.context.extensionUri;
    this.resourceRoots = [vscode.Uri.joinPath(ext, 'dist'), vscode.Uri.joinPath(ext, 'media')];
    const { solver } = deps;
    this.subscriptions.push(
      solver.onDidAnalyze((e) => this.forResource(e.uri, (p) => p.showResult(e))),
      solver.onDidStartAnalysis((e) =>
        this.forResource(e.uri, (p) => p.post({ type: 'busy', runId: e.runId, documentUri: e.uri.toString(), documentVersion: e.version })),
      ),
      solver.onDidCancelAnalysis((e) =>
        this.forResource(e.uri, (p) => p.post({ type: 'cancelled', runId: e.runId, documentUri: e.uri.toString(), documentVersion: e.version })),
      ),
      solver.onDidFailAnalysis((e) =>
        this.forResource(e.uri, (p) =>
          p.post({ type: 'error', runId: e.runId, documentUri: e.uri.toString(), documentVersion: e.version, message: e.message }),
        ),
      ),
      solver.onDidSimulate((s) =>
        this.forResource(s.uri, (p) => {
          const latest = solver.latest(s.uri);
          if (latest) p.showResult(latest, s);
        }),
      ),
      solver.onDidForget((uri) => this.forResource(uri, (p) => p.forget())),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor?.document)),
    );
  }

  private forResource(uri: vscode.Uri, f: (p: AnalysisPreview) => void): void {
    const key = uri.toString();
    for (const p of this.previews) if (p.resource.toString() === key) f(p);
  }

  /** The panel that follows the active editor (at most one). */
  private get following(): AnalysisPreview | undefined {
    for (const p of this.previews) if (!p.locked) return p;
    return undefined;
  }

  private follow(doc: vscode.TextDocument | undefined): void {
    if (!isSpecDocument(doc)) return;
    this.following?.setResource(doc.uri);
  }

  setActive(p: AnalysisPreview): void {
    if (p.panel.active) this.activePreview = p;
  }

  /** The panel commands act on: the active one, else the last active, else any. */
  current(): AnalysisPreview | undefined {
    if (this.activePreview && this.previews.has(this.activePreview)) return this.activePreview;
    return [...this.previews].pop();
  }

  /** `sslParadigm.showPreview` / `showPreviewToSide`. */
  async show(doc: vscode.TextDocument, sideBySide: boolean): Promise<AnalysisPreview> {
    const editorColumn = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
    const column = sideBySide ? vscode.ViewColumn.Beside : editorColumn;
    const lockedByDefault = windowSettings().previewLockedByDefault;
    const key = doc.uri.toString();
    const existing = lockedByDefault
      ? [...this.previews].find((p) => p.locked && p.resource.toString() === key)
      : (this.following ?? [...this.previews].find((p) => p.locked && p.resource.toString() === key));
    if (existing) {
      existing.setResource(doc.uri);
      existing.panel.reveal(existing.panel.viewColumn ?? column, sideBySide);
      this.activePreview = existing;
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      vscode.l10n.t('Analysis {0}', baseName(doc.uri)),
      { viewColumn: column, preserveFocus: sideBySide },
      { enableScripts: true, enableFindWidget: true, localResourceRoots: this.resourceRoots },
    );
    return this.adopt(panel, doc.uri, lockedByDefault);
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri, locked: boolean, initial?: AnalysisMessage): AnalysisPreview {
    const p = new AnalysisPreview(panel, uri, locked, this, initial);
    this.previews.add(p);
    this.activePreview = p;
    p.onDidDispose(() => {
      this.previews.delete(p);
      if (this.activePreview === p) this.activePreview = undefined;
    });
    this.deps.log.info(`analysis panel opened for ${baseName(uri)}${locked ? ' (locked)' : ''}`);
    return p;
  }

  toggleLock(p: AnalysisPreview | undefined = this.current()): void {
    if (!p) return;
    if (p.locked) {
      // Unlocking: this panel becomes the one that follows; another following panel closes.
      for (const other of [...this.previews]) if (other !== p && !other.locked) other.dispose();
      p.setLocked(false);
      const active = activeSpecDocument();
      if (active) p.setResource(active.uri);
    } else {
      p.setLocked(true);
    }
    this.deps.log.info(`analysis panel ${p.locked ? 'locked to' : 'following the active spec, now'} ${baseName(p.resource)}`);
  }

  /** `setAlpha` from a panel: an undoable edit of the spec's alpha, after the user confirms. */
  async setAlpha(uri: vscode.Uri, alpha: number, confirm = true): Promise<boolean> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const latest = this.deps.solver.latestFor(doc);
    const span = latest?.result.spec?.alphaSpan;
    const value = String(Number(alpha.toPrecision(6)));
    const edit = new vscode.WorkspaceEdit();
    if (span && span.end <= doc.getText().length) {
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)), value);
    } else if (/\.ya?ml$/i.test(doc.uri.path) || doc.languageId === 'yaml') {
      const text = doc.getText();
      edit.insert(doc.uri, doc.positionAt(text.length), `${text.length && !text.endsWith('\n') ? '\n' : ''}alpha: ${value}\n`);
    } else {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Add "alpha": {0} to {1} by hand: the panel cannot place it in this document.', value, baseName(uri)),
      );
      return false;
    }
    if (confirm) {
      const setAlpha = vscode.l10n.t('Set alpha');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Set alpha to {0} in {1}?', value, baseName(uri)), { modal: true }, setAlpha);
      if (choice !== setAlpha) return false;
    }
    const ok = await vscode.workspace.applyEdit(edit);
    this.deps.log.info(`analysis panel: alpha of ${baseName(uri)} set to ${value}${ok ? '' : ' failed'}`);
    return ok;
  }

  /** `WebviewPanelSerializer`: restores a panel after a reload from its webview's saved state. */
  // (A panel with no spec to show gets the "nothing to restore" page of nothingToRestoreHtml.)
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const parsed = parsePersistedState(state);
    let uri: vscode.Uri | undefined;
    try {
      uri = parsed ? vscode.Uri.parse(parsed.uri, true) : undefined;
    } catch {
      uri = undefined;
    }
    if (uri && !isSpecScheme(uri.scheme)) uri = undefined;
    uri ??= activeSpecDocument()?.uri;
    if (!uri) {
      // Disposing a panel VS Code is restoring makes it log `OverlayWebview has been
      // disposed`: show a static page instead (docs/architecture.md §2); the user closes it.
      this.deps.log.info('analysis panel: nothing to restore (no spec in the saved state)');
      panel.title = vscode.l10n.t('Analysis');
      panel.iconPath = panelIcon(this.deps.context.extensionUri);
      panel.webview.options = { enableScripts: false, localResourceRoots: [] };
      panel.webview.html = nothingToRestoreHtml();
      return;
    }
    const locked = parsed?.locked ?? windowSettings().previewLockedByDefault;
    // A second following panel cannot exist: a restored one beyond the first is locked.
    this.adopt(panel, uri, locked || this.following !== undefined, parsed?.message);
    this.deps.log.info(`analysis panel restored for ${baseName(uri)}`);
  }

  snapshots(): PreviewSnapshot[] {
    const current = this.current();
    return [...this.previews].map((p) => p.snapshot(p === current));
  }

  dispose(): void {
    for (const p of [...this.previews]) p.dispose();
    this.previews.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}

export type { AnalysisPreview };

/** The panel's tab icon (light and dark themes). */
export function panelIcon(extensionUri: vscode.Uri): { light: vscode.Uri; dark: vscode.Uri } {
  return { light: vscode.Uri.joinPath(extensionUri, 'media', 'icon-panel-light.svg'), dark: vscode.Uri.joinPath(extensionUri, 'media', 'icon-panel-dark.svg') };
}

/** A static page (no script) for a restored panel whose spec is unknown. */
export function nothingToRestoreHtml(): string {
  const title = vscode.l10n.t('Nothing to restore');
  const body = vscode.l10n.t(
    'This analysis panel was open before the window reloaded, but no spec is known for it. Close it, and open the analysis of a spec with "SSL Paradigm: Open Analysis".',
  );
  const esc = (t: string) => t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';"><title>${esc(title)}</title></head><body style="font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1em 2em;"><h2>${esc(title)}</h2><p>${esc(body)}</p></body></html>`;
}
