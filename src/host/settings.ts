/**
 * Typed accessors for the `sslParadigm.*` settings (declared in package.json
 * `contributes.configuration`; keep the defaults here in sync with it). Each setting is read
 * with the scope package.json declares for it: {@link windowSettings} without a resource,
 * {@link resourceSettings} for a document (VS Code logs a warning for every read in the wrong scope).
 */
import * as vscode from 'vscode';
import { theories } from '../core/engine/index';
import { DEFAULT_MAX_FILE_MB } from './platform';

export const SECTION = 'sslParadigm';

/** Codes of every theory's findings (each face's `findingCodes`), hidden by `diagnostics.theoryFindings: false`. */
export function theoryFindingCodes(): ReadonlySet<string> {
  return new Set(theories().flatMap((t) => [...t.face.findingCodes]));
}

/**
 * The window-scoped settings (package.json declares them without a `scope`, so `window`):
 * one value for the whole window, read without a resource ({@link windowSettings}).
 */
export interface WindowSettings {
  statusBarEnabled: boolean;
  /** New analysis panels start locked to their spec. */
  previewLockedByDefault: boolean;
  /** Total components (signal + noise) above which a spectral spec is not analysed in the editor. */
  maxComponents: number;
  /** Bytes of a data file the worker reads at most. */
  maxFileBytes: number;
  /** Points per thinned series sent to the panel. */
  maxPoints: number;
  /** Runs taking longer than this show a cancellable progress notification, ms. */
  progressDelay: number;
  /** JS heap of the analysis worker, MB (`resourceLimits.maxOldGenerationSizeMb`). */
  workerMemoryMB: number;
}

/**
 * The resource-scoped settings (`"scope": "resource"` in package.json): a workspace folder may
 * set its own, so they are read for a document ({@link resourceSettings}).
 */
export interface ResourceSettings {
  /** Debounce of diagnostics after an edit, ms. */
  diagnosticsDelay: number;
  /** Show the theory findings (alpha below a threshold, the regime) as diagnostics. */
  theoryFindings: boolean;
  codeLensEnabled: boolean;
}

function num(c: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, max: number): number {
  const v = c.get<unknown>(key);
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

function bool(c: vscode.WorkspaceConfiguration, key: string, fallback: boolean): boolean {
  const v = c.get<unknown>(key);
  return typeof v === 'boolean' ? v : fallback;
}

/** Has the user (any scope) set `key`, rather than relying on the manifest default? */
function userSet(c: vscode.WorkspaceConfiguration, key: string): boolean {
  const i = c.inspect(key);
  return (
    !!i &&
    [i.globalValue, i.workspaceValue, i.workspaceFolderValue, i.globalLanguageValue, i.workspaceLanguageValue, i.workspaceFolderLanguageValue].some(
      (v) => v !== undefined,
    )
  );
}

/**
 * The window-scoped settings. Read without a resource: VS Code logs a warning for every
 * window-scoped value read for a resource.
 */
export function windowSettings(): WindowSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    statusBarEnabled: bool(c, 'statusBar.enabled', true),
    previewLockedByDefault: bool(c, 'preview.lockedByDefault', false),
    maxComponents: Math.floor(num(c, 'worker.maxComponents', 10_000_000, 1, 20_000_000)),
    // the browser build's default is smaller (src/host/platform.web.ts) unless the user set a value
    maxFileBytes: Math.floor(
      (userSet(c, 'worker.maxFileSizeMB') ? num(c, 'worker.maxFileSizeMB', DEFAULT_MAX_FILE_MB, 1, 512) : DEFAULT_MAX_FILE_MB) * 1024 * 1024,
    ),
    maxPoints: Math.floor(num(c, 'worker.maxPoints', 4000, 100, 100_000)),
    progressDelay: num(c, 'worker.progressDelay', 1000, 0, 60_000),
    workerMemoryMB: Math.floor(num(c, 'worker.maxMemoryMB', 2048, 64, 16_384)),
  };
}

/**
 * The resource-scoped settings for the document `uri` (its workspace folder's values). VS Code
 * logs a warning for every resource-scoped value read without a resource.
 */
export function resourceSettings(uri: vscode.Uri): ResourceSettings {
  const c = vscode.workspace.getConfiguration(SECTION, uri);
  return {
    diagnosticsDelay: num(c, 'diagnostics.delay', 300, 0, 10_000),
    theoryFindings: bool(c, 'diagnostics.theoryFindings', true),
    codeLensEnabled: bool(c, 'codeLens.enabled', true),
  };
}

/** Does a configuration change touch our settings (optionally for `scope`)? */
export function affectsSettings(e: vscode.ConfigurationChangeEvent, scope?: vscode.ConfigurationScope): boolean {
  return e.affectsConfiguration(SECTION, scope);
}
