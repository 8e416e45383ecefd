/**
 * The panel's registry of theory views (docs/architecture.md §3.5): for each theory id, how its
 * panel model is checked, carded and drawn. The panel renders a model through its theory's view
 * and never branches on a theory's name. Adding a theory = a folder src/webview/<theory>/ with
 * its `view.ts`, and one line below.
 */
import type { PanelModel } from '../shared/webviewProtocol';
import type { CardActions } from './cardKit';
import type { TheoryView } from './theoryView';
import { alignmentView } from './alignment/view';
import { spectralEmbeddingView } from './spectralEmbedding/view';

const VIEWS: readonly TheoryView[] = [alignmentView as unknown as TheoryView, spectralEmbeddingView as unknown as TheoryView];

/** The view of a model's theory; undefined for a theory this panel does not know. */
export function viewOf(model: PanelModel): TheoryView | undefined {
  return VIEWS.find((v) => v.theory === model.theory);
}

/** Every theory's charts, in display order (the panel's section order). */
export const CHART_ORDER: readonly string[] = VIEWS.flatMap((v) => [...v.charts]);

/** A model the panel can render: a known theory and that theory's shape. */
export function isRenderable(model: PanelModel): boolean {
  const view = viewOf(model);
  return !!view && view.isPanelModel(model as unknown as Record<string, unknown>);
}

/** The card of a model through its theory's view (an empty card for a theory this panel does not know). */
export function renderCard(doc: Document, model: PanelModel, actions: CardActions | null): HTMLElement {
  const view = viewOf(model);
  return view ? view.card(doc, model, actions) : doc.createElement('section');
}
