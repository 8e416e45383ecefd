/**
 * The panel's text (docs/architecture.md §2 "Localisation"): `t(key, ...args)` formats a message
 * of the table the host translated and embedded in the page (`<script type="application/json"
 * id="l10n-strings">`); without one (the HTML harness of older tests) the English table is used.
 */
import { decodeEmbeddedJson } from '../shared/webviewProtocol';
import { formatMessage, parseWebviewStrings, WEBVIEW_MESSAGES, type WebviewMessageKey, type WebviewStrings } from '../shared/webviewStrings';

export type MessageKey = WebviewMessageKey;

let strings: WebviewStrings = { ...WEBVIEW_MESSAGES };

/** Reads the translated table embedded in the page (checked key by key, English where unusable). */
export function readStrings(doc: Document): void {
  const text = doc.getElementById('l10n-strings')?.textContent ?? '';
  strings = parseWebviewStrings(text ? decodeEmbeddedJson(text) : null);
}

/** The message `key`, with `{0}`, `{1}`, … replaced by `args` (numbers already formatted by the caller). */
export function t(key: MessageKey, ...args: (string | number)[]): string {
  return formatMessage(strings[key] ?? WEBVIEW_MESSAGES[key], args);
}
