/** The panel's view of graph mode (P2): its card and chart sections, registered in ../theories.ts. */
import { graphPanel, type GraphPanelModel } from '../../core/theories/spectralEmbedding/index';
import { t } from '../l10n';
import type { TheoryView } from '../theoryView';
import { graphDimensionParts, renderGraphCard } from './card';
import { buildGraphSections } from './sections';

export const spectralEmbeddingView: TheoryView<GraphPanelModel> = {
  theory: graphPanel.theory,
  charts: graphPanel.charts,
  isPanelModel: graphPanel.isPanelModel,
  card: renderGraphCard,
  sections: buildGraphSections,
  recommended: graphPanel.recommended,
  offersSolutions: graphPanel.offersSolutions,
  header: (m) => (m.dimensions ? [t('headerGraphMode'), ...graphDimensionParts(m)] : undefined),
};
