/**
 * What the solver client hands out (src/host/solverClient.ts re-exports every type here, so
 * the editor features import them from there): the events of finished, started, failed and
 * cancelled runs, progress, and the inputs of a one-off analysis.
 */
import type * as vscode from 'vscode';
import type { PostedResult, SimulationMessage } from '../../shared/workerProtocol';

/** A finished analysis of one document version. */
export interface AnalysisEvent {
  uri: vscode.Uri;
  version: number;
  /** Increases with every run the client starts (across documents). */
  runId: number;
  result: PostedResult;
  /** Time spent in the worker. */
  elapsedMs: number;
  /** True when the run included the curve and the per-component scores ({@link SolverClient.retainDetail}). */
  detailed: boolean;
}

/** {@link SolverClient.lastGood}: the last analysis without errors and how stale it is. */
export interface LastGood {
  event: AnalysisEvent;
  /** A newer analysis of the document has errors. */
  stale: boolean;
  errors: number;
  firstError?: PostedResult['problems'][number];
}

/** A finished simulation of one document version ({@link SolverClient.simulate}). */
export interface SimulationEvent {
  uri: vscode.Uri;
  version: number;
  runId: number;
  simulation: NonNullable<SimulationMessage['simulation']>;
  elapsedMs: number;
}

export interface RunEvent {
  uri: vscode.Uri;
  version: number;
  runId: number;
}

export interface RunFailure extends RunEvent {
  message: string;
}

/** What a run's progress notification was given ({@link SolverClient.onDidUpdateProgressNotification}). */
export interface ProgressNotificationEvent {
  runId: number;
  title: string;
  message: string;
  /** Percent the bar advanced (absent when a new pass started and the bar stays). */
  increment?: number;
}

/** A run's progress as the worker reported it ({@link SolverClient.onDidReportProgress}). */
export interface ProgressEvent {
  /** The document (without the `#oneoff-N` suffix of one-off runs). */
  uri: string;
  runId: number;
  kind: 'analyze' | 'simulate' | 'solutions';
  /** 0..1 within the current pass (data read in blocks makes one pass per read). */
  fraction: number;
  message: string;
}

/** Extra inputs of a one-off analysis ({@link SolverClient.analyze}). */
export interface AnalyzeOptions {
  /** Overrides the spec's alpha (e.g. a what-if from the panel). */
  alpha?: number;
  curve?: boolean;
  components?: boolean;
  token?: vscode.CancellationToken;
}

/** The log channel as the solver pieces use it (the extension's LogOutputChannel). */
export type SolverLog = Pick<vscode.LogOutputChannel, 'debug' | 'info' | 'warn' | 'error' | 'show'>;
