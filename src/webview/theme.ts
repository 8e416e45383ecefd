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
  /**
   * Distinct series colours in order (families of curves): the theme's blue and orange, then the
   * Okabe–Ito colours, all told apart with red–green colour-vision deficiency.
   */
  palette: string[];
  /** Line width multiplier (thicker in high contrast). */
  lineScale: number;
}

/** Okabe & Ito's colour-blind-safe colours (Color Universal Design), for light and for dark backgrounds. */
const OKABE_ITO_LIGHT = { purple: '#b0508b', green: '#009e73', sky: '#3c8dbf', vermillion: '#d55e00' };
const OKABE_ITO_DARK = { purple: '#cc79a7', green: '#2ab38c', sky: '#56b4e9', vermillion: '#e37b2e' };

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
  // Blue against orange carries every two-way contrast (signal/noise, JE/RC, full/shrunk): a pair
  // told apart with red–green colour-vision deficiency, taken from the theme; the third colours are
  // Okabe–Ito's (a little lighter on dark backgrounds). Shapes and dashes repeat each distinction.
  const blue = get('--vscode-charts-blue', '#3794ff');
  const orange = get('--vscode-charts-orange', '#d18616');
  const yellow = get('--vscode-charts-yellow', '#cca700');
  const oi = dark ? OKABE_ITO_DARK : OKABE_ITO_LIGHT;
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
    sl: oi.purple,
    signal: blue,
    noise: orange,
    theta: oi.purple,
    boundary: yellow,
    marker: chartsForeground,
    vicreg: blue,
    simclr: orange,
    barlow: oi.purple,
    palette: [blue, orange, oi.green, oi.purple, oi.sky, oi.vermillion],
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
