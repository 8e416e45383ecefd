/** What the panel needs of each theory to show its models (registered in theories.ts, one folder per theory). */
import type { PanelModel } from '../shared/webviewProtocol';
import type { CardActions } from './cardKit';
import type { SectionView } from './chartKit';
import type { Theme } from './theme';

/** How the panel shows one theory's models (the model's type is the theory's own). */
export interface TheoryView<M extends PanelModel = PanelModel> {
  theory: string;
  /** The theory's charts, in display order. */
  charts: readonly string[];
  /** The theory-specific shape of a model (the protocol checked the envelope). */
  isPanelModel(model: Record<string, unknown>): boolean;
  /** The recommendation card. */
  card(doc: Document, model: M, actions: CardActions | null): HTMLElement;
  /** The chart sections the model has something for. */
  sections(model: M, theme: Theme): SectionView[];
  /** What the card recommends, as the render acknowledgement names it; null for none. */
  recommended(model: M): string | null;
  /** Offer the solutions `.npz` export. */
  offersSolutions(model: M): boolean;
  /** Short items about the model for the header line (graph mode, N, D, K), if any. */
  header?(model: M): string[] | undefined;
}
