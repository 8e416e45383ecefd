/**
 * The results the solver client keeps per document (keyed by `uri.toString()`): the latest
 * analysis, the last one without errors (shown, marked stale, while another part of the spec
 * is being typed), the latest simulation, and how many panels want the detailed analysis
 * (the noise-scaling curve and the per-component scores). Pure bookkeeping: runs under `node --test`.
 */
import type { AnalysisEvent, LastGood, SimulationEvent } from './types';

export class ResultStore {
  private readonly latestAnalyses = new Map<string, AnalysisEvent>();
  /** The last analysis without errors (partial results while typing). */
  private readonly good = new Map<string, AnalysisEvent>();
  private readonly simulations = new Map<string, SimulationEvent>();
  private readonly detailRefs = new Map<string, number>();

  /** The latest analysis of the document, if any. */
  latest(key: string): AnalysisEvent | undefined {
    return this.latestAnalyses.get(key);
  }

  /**
   * The last analysis of the document without errors, and whether it is `stale` (the latest
   * analysis has errors: `errors` of them, the first `firstError`).
   */
  lastGood(key: string): LastGood | undefined {
    const event = this.good.get(key);
    if (!event) return undefined;
    const latest = this.latestAnalyses.get(key);
    const errors = latest ? latest.result.problems.filter((p) => p.severity === 'error') : [];
    if (!latest || latest === event || errors.length === 0) return { event, stale: false, errors: 0 };
    return { event, stale: true, errors: errors.length, firstError: errors[0] };
  }

  /** Keeps a finished analysis as the latest (and, without errors, as the last good one). */
  recordAnalysis(event: AnalysisEvent): void {
    const key = event.uri.toString();
    this.latestAnalyses.set(key, event);
    if (!event.result.problems.some((p) => p.severity === 'error')) this.good.set(key, event);
  }

  /** The latest successful simulation of the document, if any. */
  latestSimulation(key: string): SimulationEvent | undefined {
    return this.simulations.get(key);
  }

  recordSimulation(event: SimulationEvent): void {
    this.simulations.set(event.uri.toString(), event);
  }

  /** Should analyses of the document include the curve and the per-component scores? */
  wantsDetail(key: string): boolean {
    return (this.detailRefs.get(key) ?? 0) > 0;
  }

  /** One more holder wants detailed analyses of the document; the returned function releases it (once). */
  retainDetail(key: string): () => void {
    this.detailRefs.set(key, (this.detailRefs.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.detailRefs.get(key) ?? 1) - 1;
      if (n > 0) this.detailRefs.set(key, n);
      else this.detailRefs.delete(key);
    };
  }

  /** Drops the document's results (it was closed); true when it had an analysis. */
  forget(key: string): boolean {
    this.simulations.delete(key);
    this.good.delete(key);
    return this.latestAnalyses.delete(key);
  }

  /** Drops every kept analysis (simulations stay), calling `dropped` after each. */
  invalidateAll(dropped: (e: AnalysisEvent) => void): void {
    for (const e of [...this.latestAnalyses.values()]) {
      this.latestAnalyses.delete(e.uri.toString());
      this.good.delete(e.uri.toString());
      dropped(e);
    }
  }

  clear(): void {
    this.latestAnalyses.clear();
    this.good.clear();
    this.simulations.clear();
  }
}
