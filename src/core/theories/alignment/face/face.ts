/**
 * What the outer layers show of P1's results, gathered in one {@link TheoryFace}
 * (docs/architecture.md §3.5): the posted result, the editor's summary and hovers, the CLI's
 * text and JSON, the panel model.
 */
import type { TheoryFace } from '../../face';
import type { AlignmentEngineResult } from '../result';
import type { SimulationResult } from '../simulation';
import { alignmentJson, alignmentSolutionsFile, alignmentText, simulationJson, simulationText } from './cli';
import { alignmentHover } from './hover';
import { ALIGNMENT_CHART_IDS, alignmentPanelModel, isAlignmentPanelModel, postSimulation, type AlignmentPanelModel } from './panel';
import { postAlignment, type AlignmentPostedResult } from './posted';
import { alignmentEditorRefusal } from './refusal';
import { alignmentSummary } from './summary';

/** Codes of P1's findings (findings.ts), hidden by the setting sslParadigm.diagnostics.theoryFindings. */
export const ALIGNMENT_FINDING_CODES = ['alpha-below-rc', 'alpha-below-je', 'regime', 'views-fit', 'alpha-unused'] as const;

/** The parts of the face the panel's webview uses (kept small: the webview bundles only these). */
export const alignmentPanel = {
  theory: 'alignment' as const,
  charts: ALIGNMENT_CHART_IDS,
  isPanelModel: isAlignmentPanelModel,
  recommended: (m: AlignmentPanelModel): string | null => m.recommendation?.paradigm ?? null,
  offersSolutions: (m: AlignmentPanelModel): boolean => m.solutions === true,
};

export const alignmentFace: TheoryFace<AlignmentEngineResult, AlignmentPostedResult, SimulationResult, AlignmentPanelModel> = {
  ...alignmentPanel,
  findingCodes: ALIGNMENT_FINDING_CODES,
  editorRefusal: alignmentEditorRefusal,
  post: postAlignment,
  postSimulation,
  summary: alignmentSummary,
  hover: alignmentHover,
  canSimulate: (r) => r.spec !== undefined && 'simulate' in r.spec && r.spec.simulate !== undefined,
  json: alignmentJson,
  text: alignmentText,
  simulationJson,
  simulationText,
  solutionsFile: alignmentSolutionsFile,
  panelModel: alignmentPanelModel,
};
