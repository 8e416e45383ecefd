/** The panel's view of the alignment theory (P1): its card and chart sections, registered in ../theories.ts. */
import { alignmentPanel, type AlignmentPanelModel } from '../../core/theories/alignment/index';
import type { TheoryView } from '../theoryView';
import { renderAlignmentCard } from './card';
import { buildAlignmentSections } from './sections';

export const alignmentView: TheoryView<AlignmentPanelModel> = {
  theory: 'alignment',
  charts: alignmentPanel.charts,
  isPanelModel: alignmentPanel.isPanelModel,
  card: renderAlignmentCard,
  sections: buildAlignmentSections,
  recommended: alignmentPanel.recommended,
  offersSolutions: alignmentPanel.offersSolutions,
};
