/**
 * Commands (docs/architecture.md §2): `sslParadigm.newSpec` (a spec from a template, as an untitled
 * document or a file chosen in a save dialog), `sslParadigm.runSimulation` (the spec's
 * `simulate` block in the worker, with progress and Cancel) and `sslParadigm.showLog`.
 * The preview commands are registered by the panel (src/preview).
 */
import * as vscode from 'vscode';
import { computeLineStarts, offsetToLineColumn } from '../core/problems/problems';
import { COMMAND_RUN_SIMULATION, COMMAND_SHOW_PREVIEW_TO_SIDE } from './codeLens';
import { baseName, SPEC_FILE_RE, specFromArgument } from './documents';
import type { HostDeps } from './solverClient';

export const COMMAND_NEW_SPEC = 'sslParadigm.newSpec';
/** Set once a spec was created from a template (the walkthrough's first step). */
export const CONTEXT_SPEC_CREATED = 'sslParadigm.specCreated';
export const COMMAND_SHOW_LOG = 'sslParadigm.showLog';

export interface SpecTemplate {
  id: string;
  label: string;
  detail: string;
  fileName: string;
  text: string;
}

export const TEMPLATES: readonly SpecTemplate[] = [
  {
    id: 'weak-noise',
    get label() {
      return vscode.l10n.t('Weak noise');
    },
    get detail() {
      return vscode.l10n.t('Low-noise regime: reconstruction recovers at any alignment, joint-embedding needs α > 0.95.');
    },
    fileName: 'weak-noise.sslexp.yaml',
    text: `sslexp: 1
name: Weak sensor noise, augmentations on the signal
signal:
  count: 10
  variance: {power_law: {first: 100, exponent: 1}}   # c_i = kappa_i^2 / n
  augmentation: 10                                    # lambda^Theta on every important component
noise:
  count: 20
  variance: {uniform: {low: 0.5, high: 5, seed: 3}}   # lambda^Gamma, below the boundary eta^2/delta
  augmentation: 0.5
alpha: 0.5                                            # alignment of the augmentation with the noise
`,
  },
  {
    id: 'strong-noise',
    get label() {
      return vscode.l10n.t('Strong noise');
    },
    get detail() {
      return vscode.l10n.t('High-noise regime: joint-embedding needs far less alignment than reconstruction.');
    },
    fileName: 'strong-noise.sslexp.yaml',
    text: `sslexp: 1
name: Natural images, cluttered background
signal:                         # the k important components
  count: 50
  variance: {power_law: {first: 3.0e5, exponent: 1.0}}    # c_i = kappa_i^2 / n
  augmentation: {uniform: {low: 0, high: 1.0e4, seed: 1}}  # lambda^Theta_i
noise:                          # the d - k irrelevant components
  count: 50
  variance: {uniform: {low: 1.0e5, high: 1.0e6, seed: 2}}  # lambda^Gamma_j
  augmentation: 1.0e3                                      # lambda^Theta_j (flat)
alpha: 1.0
`,
  },
  {
    id: 'straddling',
    get label() {
      return vscode.l10n.t('Straddling noise');
    },
    get detail() {
      return vscode.l10n.t('Noise on both sides of eta^2/delta (no claim by Corollary 4.5), with a finite-n simulation.');
    },
    fileName: 'straddling.sslexp.yaml',
    text: `sslexp: 1
name: Straddling noise
signal:
  variance: [10, 2]
  augmentation: [1, 1]
noise:
  variance: [3, 0.5]
  augmentation: [2, 0]
alpha: 0.73
simulate:
  n: {from: 100, to: 10000, points: 3}
  alpha: [0.5, 0.73, 1, 3]
  repeats: 3
  seed: 0
  metric: subspace-angle      # probe-gap | subspace-angle
`,
  },
  {
    id: 'mnist-scale',
    get label() {
      return vscode.l10n.t('MNIST-scale');
    },
    get detail() {
      return vscode.l10n.t("Scenario M (an MNIST-scale analogue of the paper's Fig. 3), strong noise.");
    },
    fileName: 'mnist-scale.sslexp.yaml',
    text: `sslexp: 1
name: MNIST-scale scenario M, strong noise
signal:
  variance: [3.0e5, 5.0e4, 1.5e4]
  augmentation: [1.0e4, 5.0e3, 1.0e4]
noise:
  variance: [1.0e6, 5.0e5, 1.0e5]
  augmentation: [5.0e3, 1.0e4, 2.0e3]
alpha: 1
`,
  },
  {
    id: 'data-mode',
    get label() {
      return vscode.l10n.t('Data mode skeleton');
    },
    get detail() {
      return vscode.l10n.t('The linear pipeline on data (rows are samples; six inline rows to replace by a file) with appended noise coordinates.');
    },
    fileName: 'data.sslexp.yaml',
    // Inline rows: the template opens without an error, saved or not (docs/architecture.md §2).
    text: `sslexp: 1
name: My dataset
data:
  X:                            # rows are samples; or file: data/my-data.csv (.npy, .npz with key:, .csv)
    - [2.0, 0.1, 0.3, 1.2]
    - [1.8, 0.4, 0.1, 0.9]
    - [0.2, 1.9, 0.5, 0.1]
    - [0.1, 2.2, 0.4, 0.3]
    - [0.5, 0.3, 2.1, 1.1]
    - [0.4, 0.2, 1.7, 0.8]
  center: true
  pca: 2                        # keep the top 2 principal components as important features
  noise:                        # appended noise coordinates
    count: 3
    variance: {uniform: {low: 0, high: 4, seed: 2}}
    augmentation: {uniform: {low: 0, high: 0.5, seed: 3}}
augmentation: {additive: {alpha: 1.0}}   # or {masking: {keep: 0.5}}, or {covariance: [[...]]}
`,
  },
  {
    id: 'strong-noise-json',
    get label() {
      return vscode.l10n.t('Strong noise (JSON)');
    },
    get detail() {
      return vscode.l10n.t('The strong-noise spec written as JSON (*.sslexp.json): the same keys and values as YAML.');
    },
    fileName: 'strong-noise.sslexp.json',
    text: `{
  "sslexp": 1,
  "name": "Strong noise (JSON)",
  "signal": {"count": 50, "variance": {"power_law": {"first": 3.0e5, "exponent": 1.0}}, "augmentation": {"uniform": {"low": 0, "high": 1.0e4, "seed": 1}}},
  "noise": {"count": 50, "variance": {"uniform": {"low": 1.0e5, "high": 1.0e6, "seed": 2}}, "augmentation": 1.0e3},
  "alpha": 1.0
}
`,
  },
  {
    id: 'graph-mode',
    get label() {
      return vscode.l10n.t('Graph mode: which joint-embedding method');
    },
    get detail() {
      return vscode.l10n.t('VICReg, SimCLR or Barlow Twins from the positive-pair graph (docs/theory.md §7), on six inline rows.');
    },
    fileName: 'graph.sslexp.yaml',
    text: `sslexp: 1
name: Two triangles and a weak bridge
data:
  X:                            # N rows of D features (every augmented view its own row);
    - [1.0, 0.2, 0.1, 0]        # or file: rows.npy (an n x V x D array is read as N = nV rows)
    - [0.9, 0.1, 0.3, 0]
    - [1.1, 0.3, 0.2, 0]
    - [0.1, 1.0, 0.9, 1]
    - [0.2, 0.8, 1.1, 1]
    - [0.0, 1.1, 1.0, 1]
  labels: {column: -1}          # optional: the pair agreement of G with the labels
graph:                          # the positive pairs: {views: 2}, {labels: true}, {knn: {k: 10}} or edges
  edges: [[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5], [2, 3, 0.2]]   # [i, j, weight?], 0-based
embedding: 2                    # K, the representation dimension
methods:
  vicreg: {variance: 25, invariance: 25}
  simclr: {}
`,
  },
];

/** A folder for new specs: the active spec's folder, else the first workspace folder. */
function defaultFolder(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme !== 'untitled') return vscode.Uri.joinPath(active, '..');
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** `name.sslexp.yaml` -> `name-2.sslexp.yaml`, ... until neither a file nor an open document has the name. */
async function uniqueUri(folder: vscode.Uri, fileName: string, scheme: string): Promise<vscode.Uri> {
  const m = /^(.*?)(\.sslexp\.(?:ya?ml|json))$/.exec(fileName);
  const stem = m ? m[1] : fileName;
  const ext = m ? m[2] : '';
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${stem}${ext}` : `${stem}-${i}${ext}`;
    const onDisk = vscode.Uri.joinPath(folder, name);
    const candidate = onDisk.with({ scheme });
    const open = vscode.workspace.textDocuments.some((d) => d.uri.path === candidate.path);
    if (!open && !(await exists(onDisk))) return candidate;
  }
}

/** Makes sure a chosen file name is recognised as a spec (`*.sslexp.yaml|yml|json`). */
export function withSpecSuffix(uri: vscode.Uri): vscode.Uri {
  const name = baseName(uri);
  if (SPEC_FILE_RE.test(name)) return uri;
  const m = /^(.*?)(\.(?:ya?ml|json))?$/i.exec(name)!;
  return vscode.Uri.joinPath(uri, '..', `${m[1]}.sslexp${m[2] ?? '.yaml'}`);
}

export async function newSpec(templateId?: string, target?: 'untitled' | 'file'): Promise<vscode.TextEditor | undefined> {
  let template = TEMPLATES.find((t) => t.id === templateId);
  if (!template) {
    const pick = await vscode.window.showQuickPick(
      TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
      { title: vscode.l10n.t('New SSL experiment spec'), placeHolder: vscode.l10n.t('Choose a template') },
    );
    if (!pick) return undefined;
    template = pick.template;
  }
  if (!target) {
    const where = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Untitled document'), description: vscode.l10n.t('save it later'), value: 'untitled' as const },
        { label: vscode.l10n.t('File…'), description: vscode.l10n.t('choose where to save it now'), value: 'file' as const },
      ],
      { title: vscode.l10n.t('New spec: {0}', template.label), placeHolder: vscode.l10n.t('Create the spec as') },
    );
    if (!where) return undefined;
    target = where.value;
  }
  const folder = defaultFolder();
  if (target === 'untitled') {
    // An untitled document with a spec file name: analysed at once, proposed under that name on save.
    const uri = folder ? await uniqueUri(folder, template.fileName, 'untitled') : vscode.Uri.from({ scheme: 'untitled', path: template.fileName });
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), template!.text));
    return editor;
  }
  const chosen = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save the new spec ({0})', template.label),
    defaultUri: folder ? await uniqueUri(folder, template.fileName, folder.scheme) : undefined,
    filters: { [vscode.l10n.t('SSL experiment spec')]: ['sslexp.yaml', 'sslexp.yml', 'sslexp.json', 'yaml', 'yml'] },
    saveLabel: vscode.l10n.t('Create spec'),
  });
  if (!chosen) return undefined;
  const uri = withSpecSuffix(chosen);
  if (uri.toString() !== chosen.toString() && (await exists(uri))) {
    const replace = vscode.l10n.t('Replace');
    const overwrite = await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists. Replace it?', baseName(uri)), { modal: true }, replace);
    if (overwrite !== replace) return undefined;
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(template.text));
  return vscode.window.showTextDocument(uri, { preview: false });
}

export function registerCommands(deps: HostDeps): vscode.Disposable {
  const { solver, log } = deps;

  const runSimulation = async (arg?: unknown): Promise<void> => {
    const doc = await specFromArgument(arg);
    if (!doc) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Run simulation: open an SSL experiment spec (*.sslexp.yaml|yml|json) first.'));
      return;
    }
    const name = baseName(doc.uri);
    const t0 = Date.now();
    try {
      const res = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('SSL Paradigm: simulating {0}', name), cancellable: true },
        (progress, token) => {
          let reported = 0;
          return solver.simulate(doc, token, (fraction, message) => {
            const pct = Math.max(0, Math.min(100, fraction * 100));
            progress.report({ increment: pct - reported, message });
            reported = pct;
          });
        },
      );
      if (!res.simulation) {
        const lineStarts = computeLineStarts(doc.getText());
        const first = res.problems[0];
        const text = first
          ? vscode.l10n.t('{0} (line {1})', first.message, offsetToLineColumn(lineStarts, first.start).line)
          : vscode.l10n.t('the spec could not be simulated.');
        log.warn(`simulation of ${name} not run: ${res.problems.map((p) => `${p.code}: ${p.message}`).join('; ') || 'no result'}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Cannot simulate {0}: {1}', name, text));
        return;
      }
      log.info(`simulated ${name} in ${res.elapsedMs.toFixed(0)} ms`);
      const openAnalysis = vscode.l10n.t('Open analysis');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('Simulation of {0} finished in {1} s.', name, ((Date.now() - t0) / 1000).toFixed(1)),
        openAnalysis,
      );
      if (choice === openAnalysis) await vscode.commands.executeCommand(COMMAND_SHOW_PREVIEW_TO_SIDE, doc.uri);
    } catch (err) {
      if (err instanceof vscode.CancellationError) {
        log.info(`simulation of ${name} cancelled`);
        return;
      }
      const text = err instanceof Error ? err.message : String(err);
      log.error(`simulation of ${name} failed: ${text}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Simulation of {0} failed: {1}', name, text));
    }
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMAND_NEW_SPEC, async (templateId?: unknown, target?: unknown) => {
      const editor = await newSpec(typeof templateId === 'string' ? templateId : undefined, target === 'untitled' || target === 'file' ? target : undefined);
      if (editor) void vscode.commands.executeCommand('setContext', CONTEXT_SPEC_CREATED, true);
      return editor;
    }),
    vscode.commands.registerCommand(COMMAND_RUN_SIMULATION, runSimulation),
    vscode.commands.registerCommand(COMMAND_SHOW_LOG, () => log.show()),
  );
}
