/**
 * The analysis panel's HTML and Content-Security-Policy (docs/architecture.md §6). Pure: no
 * `vscode` import, so it is unit-tested in Node and reused by the browser harness.
 *
 * The document is a fixed skeleton: no markup is ever built from data. The only data
 * in it are the (escaped) title, the language tag, the initial state and the panel's
 * translated messages (docs/architecture.md §2 "Localisation"), the last two embedded as
 * escaped JSON in non-executable `<script type="application/json">` elements.
 */
import { encodeEmbeddedJson } from '../shared/webviewProtocol';
import { WEBVIEW_MESSAGES, type WebviewStrings } from '../shared/webviewStrings';

export interface PanelHtmlOptions {
  /** `webview.cspSource` (e.g. `https://*.vscode-cdn.net`). */
  cspSource: string;
  /** A fresh {@link makeNonce} per HTML document. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview.js)`. */
  scriptUri: string;
  /** `webview.asWebviewUri(media/panel.css)`. */
  styleUri: string;
  /** Restored by the webview when it has no saved state (e.g. the last analysis). */
  initialState?: unknown;
  title: string;
  /** The panel's messages, translated by the host (`translateWebviewMessages`); English when absent. */
  strings?: WebviewStrings;
  /** The display language (`vscode.env.language`, e.g. `de` or `zh-cn`); `en` when absent or not a language tag. */
  lang?: string;
}

/** The exact policy the panel runs under. */
export function buildCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource}; ` + `script-src 'nonce-${nonce}'; font-src ${cspSource};`;
}

export function buildPanelHtml(options: PanelHtmlOptions): string {
  const { cspSource, nonce, scriptUri, styleUri, title } = options;
  // Inputs that end up inside the policy must not be able to add directives.
  if (!/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(nonce)) throw new Error('buildPanelHtml: invalid nonce');
  // Space-separated sources: hosts/schemes, or the keyword 'self' (VS Code 1.100 gives
  // `'self' https://*.vscode-cdn.net`); nothing that could end or add a directive.
  if (!/^(?:'self'|[^\s;,'"<>]+)(?: (?:'self'|[^\s;,'"<>]+))*$/.test(cspSource)) throw new Error('buildPanelHtml: invalid cspSource');
  const csp = buildCsp(cspSource, nonce);
  const state = encodeEmbeddedJson(options.initialState ?? null);
  const strings = options.strings ?? WEBVIEW_MESSAGES;
  const lang = options.lang && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(options.lang) ? options.lang : 'en';
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeAttribute(lang)}">`,
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<link rel="stylesheet" href="${escapeAttribute(styleUri)}">`,
    `<title>${escapeText(title)}</title>`,
    '</head>',
    '<body>',
    '<main id="app" aria-live="polite" aria-busy="true"></main>',
    `<noscript>${escapeText(strings.noScript)}</noscript>`,
    `<script type="application/json" id="l10n-strings" nonce="${escapeAttribute(nonce)}">${encodeEmbeddedJson(strings)}</script>`,
    `<script type="application/json" id="initial-state" nonce="${escapeAttribute(nonce)}">${state}</script>`,
    `<script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(scriptUri)}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** 32 random bytes, base64url (256 bits), from the platform CSPRNG (Node 20 and browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
