/**
 * The public face of a theory: everything the outer layers (the editor's CodeLens, status bar
 * and hovers, the worker, the analysis panel, the `sslexp` command) show of its results. The
 * outer layers find a theory's face through the engine's registry (engine/theories.ts) and
 * never branch on a theory's name (docs/architecture.md §3.5). Nothing here imports a theory.
 *
 * Text for the editor goes through the translator `t` the host passes (`vscode.l10n.t`; the
 * English {@link english} elsewhere); the CLI's text stays English (docs/architecture.md §2
 * "Localisation").
 */
import type { PanelProblem, LocatedProblem } from '../problems/panelProblems';
import type { Problem } from '../problems/problems';
import type { Spec } from '../spec/model';

/** A translator with `{0}` placeholders: `vscode.l10n.t` in the host, {@link english} elsewhere. */
export type Localize = (message: string, ...args: (string | number | boolean)[]) => string;

/** The untranslated message with its `{n}` placeholders filled in. */
export const english: Localize = (message, ...args) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));

/**
 * What the worker posts to the editor for one analysis: structured-clone friendly, tagged by
 * the theory. Each theory extends it with what its face shows (heavy arrays thinned).
 */
export interface PostedResultBase {
  theory: string;
  problems: Problem[];
  spec?: Spec;
}

/** How the worker thins a result for the editor ({@link TheoryFace.post}). */
export interface PostOptions {
  /** Points per thinned series (setting sslParadigm.worker.maxPoints). */
  maxPoints: number;
  /** Include per-component detail (only while a panel shows it). */
  detail: boolean;
  /** The alpha the run was evaluated at when the request overrode the spec's. */
  alpha?: number;
}

/** The editor's one-line summary of an analysis (CodeLens, status bar, their tooltips). */
export interface EditorSummary {
  /** CodeLens title: `α_RC = 10.5 · α_JE = 0.813 · joint-embedding`. */
  title: string;
  /** Plain-text tooltip of the lens and the status bar item. */
  tooltip: string;
  /** The recommendation in a few words (status bar, the stale marker): `joint-embedding`. */
  label: string;
}

/** A hover: Markdown over the range [start, end) of the spec. */
export interface HoverAnswer {
  markdown: string;
  start: number;
  end: number;
}

/** What the CLI hands a face besides the result. */
export interface CliContext {
  /** The spec's path as the user wrote it. */
  file: string;
  /** The result's problems, located (their messages escaped for a terminal). */
  problems: LocatedProblem[];
  /** Escapes text that came from a spec (names, paths) for a terminal. */
  safe: (s: string) => string;
}

/** `analyze --output` / the panel's export: the bytes of a file, or why there are none. */
export type SolutionsFile = { bytes: Uint8Array } | { reason: string };

/** What the panel's model of every theory carries (the webview renders it by `theory`). */
export interface PanelModelBase {
  theory: string;
  /** The spec's `name`. */
  name?: string;
  problems: PanelProblem[];
}

/** Inputs of a panel model besides the posted result. */
export interface PanelContext {
  /** The result's problems as the card shows them. */
  problems: PanelProblem[];
  /** The document's latest simulation ({@link TheoryFace.postSimulation}), if any. */
  simulation?: unknown;
}

/** The editor-side limits the worker applies before analysing (settings sslParadigm.worker.*). */
export interface EditorLimits {
  maxComponents?: number;
}

/**
 * Everything the outer layers show of one theory's results. `R` is the engine's result, `P`
 * what the worker posts, `Sim` the simulation's result, `M` the panel model.
 */
export interface TheoryFace<R, P extends PostedResultBase, Sim, M extends PanelModelBase> {
  /** Codes of the theory's findings, hidden by the setting sslParadigm.diagnostics.theoryFindings. */
  findingCodes: readonly string[];
  /** The panel's charts in display order (ids unique across theories). */
  charts: readonly string[];
  /** A refusal of a parsed spec the editor must not analyse (too large for the editor's limits). */
  editorRefusal?(spec: Spec, limits: EditorLimits): Problem | undefined;
  /** The result as the worker posts it to the editor. */
  post(result: R, options: PostOptions): P;
  /** A simulation as the worker posts it (what the panel draws). */
  postSimulation?(simulation: Sim): unknown;
  /** The lens/status summary; undefined when there is nothing to summarise (no analysis). */
  summary(result: P, t: Localize): EditorSummary | undefined;
  /** The hover with numbers at `offset` of the analysed text, if the offset is on a key or value the theory explains. */
  hover?(result: P, text: string, offset: number, t: Localize): HoverAnswer | undefined;
  /** Does the spec have a finite-n experiment to run ("Run simulation")? */
  canSimulate(result: P): boolean;
  /** `analyze --json` (besides `file` and `problems`, which every theory's document has). */
  json(result: R, context: CliContext): Record<string, unknown>;
  /** `analyze` as readable lines. */
  text(result: R, context: CliContext): string[];
  /** `simulate --json`'s `simulation` object and `simulate`'s lines. */
  simulationJson?(simulation: Sim, elapsedMs: number): Record<string, unknown>;
  simulationText?(simulation: Sim, context: CliContext, elapsedMs: number): string[];
  /** The `.npz` of the solutions (`analyze --output`, the panel's export), when the theory has one. */
  solutionsFile?(result: R): SolutionsFile;
  /** The panel model of a posted result. */
  panelModel(result: P, context: PanelContext): M;
  /** The theory-specific shape of a panel model (the webview checks every model it receives). */
  isPanelModel(model: Record<string, unknown>): boolean;
  /** What the panel's card recommends, in the words the render acknowledgement uses; null for none. */
  recommended(model: M): string | null;
  /** Does the panel offer the solutions `.npz` for this model? */
  offersSolutions(model: M): boolean;
}
