/** The engine result of P1's theory (spectral and data mode). */
import type { TheoryResultBase } from '../theory';
import type { DataSpec, SpectralSpec } from '../../spec/model';
import type { AtAlpha, Dimensions, NoiseScalingCurve, Recommendation, ResolvedSpectra, Thresholds } from './types';
import type { DataAnalysis, DataSolutions, PreparedData, RowSampler } from './data/dataMode';
import type { StrengthWhatIf } from './data/viewsAnalysis';
import type { ViewsFit } from './data/viewsFit';

/** P1, joint-embedding vs reconstruction: spectral and data mode (docs/theory.md §2–§6). */
export interface AlignmentEngineResult extends TheoryResultBase {
  theory: 'alignment';
  spec?: SpectralSpec | DataSpec;
  /** Absent when the spec did not parse. */
  mode?: 'spectral' | 'data';
  dimensions?: Dimensions;
  /** null when the problem is not in the paper's form (docs/theory.md A6). */
  thresholds?: Thresholds | null;
  /** null when neither the spec nor the options give alpha. */
  atAlpha?: AtAlpha | null;
  recommendation?: Recommendation;
  curve?: NoiseScalingCurve;
  /** The evaluated spectra (heavy; the worker thins them before posting). */
  spectra?: ResolvedSpectra;
  /** Data mode: the closed-form solutions of docs/theory.md §2 (heavy d x d matrices). */
  solutions?: DataSolutions;
  /** Data mode with your own views: P1's model fitted to them (docs/theory.md §6.4). */
  fit?: ViewsFit;
  /** Data mode with your own views: the what-if of the augmentation's strength (docs/theory.md §6.4.8). */
  strength?: StrengthWhatIf;
  /** Data mode with `pca`: what P1's pipeline did (docs/theory.md §6.1). */
  pipeline?: DataAnalysis['pipeline'];
  /**
   * Data mode: the loaded and prepared data the analysis ran on, so that `simulate` does
   * not read and prepare them again. Non-enumerable (set by theory.ts): never serialised,
   * spread, posted to the host or written by `analyze --json`.
   */
  readonly prepared?: PreparedData;
  /**
   * Data mode read in blocks: the sample of rows `simulate` runs on, read only when it runs
   * (docs/theory.md §6.1). Non-enumerable, like `prepared`.
   */
  readonly rowSampler?: RowSampler;
}
