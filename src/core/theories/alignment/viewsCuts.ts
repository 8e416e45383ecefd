/**
 * The cuts of the advice for your own views (docs/theory.md §6.4.5, §6.4.9), in a module of
 * their own so that the panel's model check (face/panel.ts, bundled in the webview) can state
 * them without the advice's text.
 */

/** Above this residual the views are called far from P1's shared-diagonal form (docs/theory.md §6.4.5). */
export const POOR_FIT_RESIDUAL = 0.25;
/** Significance level of the paired probe comparison that may decide when the fit is poor. */
export const PROBE_SIGNIFICANCE = 0.05;
