/**
 * The cancellable notification of a slow run (docs/architecture.md §3.4): shown once the run
 * has taken longer than `sslParadigm.worker.progressDelay`, it carries the worker's progress
 * as increments of the bar and its message (`reading data.npy: 120000 samples`); Cancel
 * cancels the run. No `vscode` value is used here: the client injects `withProgress`, the
 * progress events and the translator, so that this runs under `node --test`.
 */
import type * as vscode from 'vscode';
import type { Localize } from '../../core/engine/index';
import type { ProgressEvent, ProgressNotificationEvent } from './types';

/** What the notification's bar is given. */
export interface ProgressUpdate {
  message?: string;
  increment?: number;
}

export interface ProgressNotificationDeps {
  /** The worker's progress reports of every run. */
  onProgress: vscode.Event<ProgressEvent>;
  /** Is the run still awaiting the worker? */
  isRunning(runId: number): boolean;
  /** The user pressed Cancel. */
  cancel(runId: number): void;
  /** Shows a cancellable notification titled `title` while `task` runs (`vscode.window.withProgress`). */
  withProgress(title: string, task: (progress: vscode.Progress<ProgressUpdate>, token: vscode.CancellationToken) => PromiseLike<void>): PromiseLike<unknown>;
  /** The notification was updated ({@link SolverClient.onDidUpdateProgressNotification}). */
  notified(e: ProgressNotificationEvent): void;
  t: Localize;
}

export class ProgressNotification {
  constructor(private readonly deps: ProgressNotificationDeps) {}

  /** After `delayMs`, a cancellable notification for `run` (`runId`) if it is still going. */
  showIfSlow(run: Promise<unknown>, runId: number, title: string, delayMs: number): void {
    let done = false;
    let latest: ProgressEvent | undefined;
    let report: ((e: ProgressEvent) => void) | undefined;
    const progressSub = this.deps.onProgress((e) => {
      if (e.runId !== runId) return;
      latest = e;
      report?.(e);
    });
    const t = this.deps.t;
    const timer = setTimeout(() => {
      if (done || !this.deps.isRunning(runId)) return;
      void this.deps.withProgress(t('SSL Paradigm: {0}', title), (progress, token) => {
        const sub = token.onCancellationRequested(() => this.deps.cancel(runId));
        report = this.reporter(progress, runId, title);
        if (latest) report(latest);
        return run.then(
          () => sub.dispose(),
          () => sub.dispose(),
        );
      });
    }, delayMs);
    const stop = (): void => {
      done = true;
      report = undefined;
      progressSub.dispose();
      clearTimeout(timer);
    };
    run.then(stop, stop);
  }

  /** Reports progress events to the bar, which only moves forward: a new pass (fraction back near 0) updates the message alone. */
  private reporter(progress: vscode.Progress<ProgressUpdate>, runId: number, title: string): (e: ProgressEvent) => void {
    let shown = 0;
    return (e) => {
      const percent = Math.min(100, Math.max(0, e.fraction * 100));
      const update = { message: e.message, ...(percent > shown ? { increment: percent - shown } : {}) };
      progress.report(update);
      shown = Math.max(shown, percent);
      this.deps.notified({ runId, title, ...update });
    };
  }
}
