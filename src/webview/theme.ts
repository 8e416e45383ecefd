/**
 * Colours and fonts of the panel, read from VS Code's `--vscode-*` CSS variables at
 * render time (so a theme switch only needs a re-read and a chart update).
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  kind: ThemeKind;
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  border: string;
  fontFamily: string;
  fontSize: number;
  /** Series colours by role. */
  rc: string;
  je: string;
  sl: string;
  signal: string;
  noise: string;
  theta: string;
  boundary: string;
  marker: string;
  /** Graph mode: one colour per joint-embedding method. */
  vicreg: string;
  simclr: string;
  barlow: string;
  /** Distinct series colours in order (families of curves), all from `--vscode-charts-*`. */
  palette: string[];
  /** Line width multiplier (thicker in high contrast). */
  lineScale: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const bodyStyle = getComputedStyle(document.body);
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const get = (name: string, fallback: string): string => {
    const v = bodyStyle.getPropertyValue(name).trim();
    return v || cssVar(style, name, fallback);
  };
  const foreground = get('--vscode-editor-foreground', get('--vscode-foreground', dark ? '#cccccc' : '#333333'));
  const hc = kind === 'high-contrast' || kind === 'high-contrast-light';
  const chartsForeground = get('--vscode-charts-foreground', foreground);
  const blue = get('--vscode-charts-blue', '#3794ff');
  const orange = get('--vscode-charts-orange', '#d18616');
  const green = get('--vscode-charts-green', '#89d185');
  const red = get('--vscode-charts-red', '#f14c4c');
  const purple = get('--vscode-charts-purple', '#b180d7');
  const yellow = get('--vscode-charts-yellow', '#cca700');
  return {
    kind,
    background: get('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    foreground,
    muted: get('--vscode-descriptionForeground', chartsForeground),
    grid: hc ? get('--vscode-charts-lines', foreground) : withAlpha(get('--vscode-charts-lines', dark ? '#cccccc80' : '#61616180'), 0.45),
    border: get('--vscode-contrastBorder', get('--vscode-panel-border', 'transparent')),
    fontFamily: get('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(get('--vscode-font-size', '13')) || 13,
    rc: orange,
    je: blue,
    sl: green,
    signal: green,
    noise: red,
    theta: purple,
    boundary: yellow,
    marker: chartsForeground,
    vicreg: blue,
    simclr: orange,
    barlow: purple,
    palette: [blue, orange, green, purple, red, yellow],
    lineScale: hc ? 1.6 : 1,
  };
}

let probe: CanvasRenderingContext2D | null = null;

/** `color` with opacity `a` (any CSS colour the canvas understands). */
export function withAlpha(color: string, a: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const c = String(probe.fillStyle);
  let r: number;
  let g: number;
  let b: number;
  let base = 1;
  if (c.startsWith('#') && c.length === 7) {
    r = parseInt(c.slice(1, 3), 16);
    g = parseInt(c.slice(3, 5), 16);
    b = parseInt(c.slice(5, 7), 16);
  } else {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return color;
    const parts = m[1].split(',').map((s) => parseFloat(s));
    [r, g, b] = parts;
    base = parts.length > 3 ? parts[3] : 1;
  }
  return `rgba(${r}, ${g}, ${b}, ${Math.round(a * base * 1000) / 1000})`;
}
