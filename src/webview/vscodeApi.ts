/**
 * `acquireVsCodeApi()` when running inside VS Code; otherwise (browser tests, the HTML
 * harness) a shim that records posted messages on `window.__posted` and keeps the
 * state in memory (mirrored in sessionStorage, when available, so that a reload of
 * the harness page restores it like VS Code does for a hidden webview).
 */
import type { WebviewToHostMessage } from '../shared/webviewProtocol';

export interface VsCodeApi<S> {
  postMessage(message: WebviewToHostMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

declare global {
  interface Window {
    __posted?: unknown[];
  }
}

export function getVsCodeApi<S>(): VsCodeApi<S> {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi<S>();
  const posted: unknown[] = [];
  window.__posted = posted;
  const KEY = 'ssl-panel-state';
  let state: S | undefined;
  try {
    const text = window.sessionStorage.getItem(KEY);
    if (text) state = JSON.parse(text) as S;
  } catch {
    state = undefined;
  }
  return {
    postMessage(message) {
      posted.push(message);
    },
    getState() {
      return state;
    },
    setState(s) {
      state = s;
      try {
        window.sessionStorage.setItem(KEY, JSON.stringify(s));
      } catch {
        // storage unavailable or full: memory only
      }
    },
  };
}
