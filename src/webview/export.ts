/**
 * Exports: PNG of a chart (on the theme's background, with its title), and the
 * self-contained HTML report (card + every chart as an inline PNG + the tables).
 * The webview never downloads: everything is posted to the host's save dialog.
 */
import type { AnalysisMessage } from '../shared/webviewProtocol';
import { renderCard } from './theories';
import { el } from './dom';
import { t } from './l10n';
import { renderTable, type TableData } from './tables';
import type { Theme } from './theme';

/** Compose one or more chart canvases side by side on an opaque background. */
export function composePng(canvases: HTMLCanvasElement[], title: string, theme: Theme): string {
  const ratio = window.devicePixelRatio || 1;
  const pad = Math.round(16 * ratio);
  const titleH = Math.round(28 * ratio);
  const gap = Math.round(12 * ratio);
  const width = canvases.reduce((w, c) => w + c.width, 0) + gap * Math.max(0, canvases.length - 1) + 2 * pad;
  const height = Math.max(1, ...canvases.map((c) => c.height)) + titleH + 2 * pad;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) return canvases[0]?.toDataURL('image/png') ?? '';
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = theme.foreground;
  ctx.font = `600 ${Math.round(15 * ratio)}px ${theme.fontFamily}`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, pad, pad);
  let x = pad;
  for (const c of canvases) {
    ctx.drawImage(c, x, pad + titleH);
    x += c.width + gap;
  }
  return out.toDataURL('image/png');
}

const SAFE_CSS = /^[#(),.%\w\s"'-]+$/;
function safeCss(v: string, fallback: string): string {
  return SAFE_CSS.test(v) && !v.includes('<') ? v : fallback;
}

export interface ReportSection {
  title: string;
  subtitle: string;
  png: string | null;
  aria: string;
  table: TableData;
}

/** A standalone HTML document (no scripts, images inline, strict CSP). */
export function buildReport(message: AnalysisMessage, sections: ReportSection[], theme: Theme): string {
  // The body is built as DOM in an inert document (text only through textContent); the
  // head is static apart from the escaped title and sanitised theme values. (A <style>
  // element may not be created in this webview's documents: the panel's CSP forbids it.)
  const doc = document.implementation.createHTMLDocument('');
  const title = t('reportTitle', message.model.name ?? message.fileName);
  const titleEl = doc.createElement('title');
  titleEl.textContent = title;
  const bg = safeCss(theme.background, '#ffffff');
  const fg = safeCss(theme.foreground, '#222222');
  const muted = safeCss(theme.muted, '#666666');
  const grid = safeCss(theme.grid, '#cccccc');
  const font = safeCss(theme.fontFamily, 'system-ui, sans-serif');
  const css = [
    `body{background:${bg};color:${fg};font-family:${font};font-size:14px;line-height:1.5;max-width:1100px;margin:32px auto;padding:0 24px}`,
    `h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:32px 0 2px} .sub,.muted{color:${muted}}`,
    `.card{border:1px solid ${grid};border-radius:8px;padding:16px 20px;margin-top:20px}`,
    '.eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:11px;opacity:.8}',
    '.paradigm{font-size:26px;font-weight:700;margin:2px 0 6px}',
    '.metrics{display:flex;gap:24px;flex-wrap:wrap;margin:12px 0}',
    '.metric-label{font-size:12px;opacity:.8}.metric-value{font-size:22px;font-weight:600}.metric-detail,.verdict{font-size:12px}',
    '.regime-badge{font-weight:600;margin-right:8px}.warnings ul{padding-left:18px}.sev{font-weight:600;margin-right:6px}.line{opacity:.7;margin-left:6px}',
    'img{max-width:100%;height:auto;border-radius:6px;margin:8px 0}',
    `table{border-collapse:collapse;font-size:12px;margin:8px 0 16px}th,td{border-bottom:1px solid ${grid};padding:3px 10px;text-align:left}`,
    'td.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:4px 0}',
  ].join('\n');
  const head = [
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    titleEl.outerHTML,
    `<style>\n${css}\n</style>`,
    '</head>',
  ].join('\n');
  const body = doc.body;
  body.append(el(doc, 'h1', '', title));
  body.append(el(doc, 'div', 'muted', t('reportMeta', message.fileName, message.documentVersion, new Date().toISOString())));
  body.append(renderCard(doc, message.model, null));
  for (const s of sections) {
    body.append(el(doc, 'h2', '', s.title), el(doc, 'p', 'sub', s.subtitle));
    if (s.png) {
      const img = doc.createElement('img');
      img.src = s.png;
      img.alt = s.aria;
      body.append(img);
    }
    if (s.table.rows.length) body.append(renderTable(s.table, doc));
    if (s.table.note) body.append(el(doc, 'p', 'muted', s.table.note));
  }
  const lang = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(document.documentElement.lang) ? document.documentElement.lang : 'en';
  return `<!DOCTYPE html>\n<html lang="${lang}">\n${head}\n${body.outerHTML}\n</html>\n`;
}
