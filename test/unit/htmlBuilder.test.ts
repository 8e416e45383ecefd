import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, buildPanelHtml, makeNonce } from '../../src/preview/htmlBuilder';
import { decodeEmbeddedJson } from '../../src/shared/webviewProtocol';
import { WEBVIEW_MESSAGES, type WebviewStrings } from '../../src/shared/webviewStrings';

const base = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abcDEF0123456789ghiJKL',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  title: 'SSL analysis',
};

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'CSP meta tag present');
  return m[1].replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function initialStateText(html: string): string {
  const m = /<script type="application\/json" id="initial-state" nonce="[^"]*">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'initial-state element present');
  return m[1];
}

test('CSP is present and exact', () => {
  const html = buildPanelHtml(base);
  const expected =
    `default-src 'none'; img-src ${base.cspSource} data:; style-src ${base.cspSource}; ` + `script-src 'nonce-${base.nonce}'; font-src ${base.cspSource};`;
  assert.equal(cspOf(html), expected);
  assert.equal(buildCsp(base.cspSource, base.nonce), expected);
  assert.ok(!html.includes('unsafe-inline'), 'no unsafe-inline');
  assert.ok(!html.includes('unsafe-eval'), 'no unsafe-eval');
  // The meta tag comes before anything that loads resources.
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'));
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'));
});

test('every script element carries the nonce; no inline script code, no inline styles', () => {
  const html = buildPanelHtml({ ...base, initialState: { a: 1 } });
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  // The initial state, the panel's messages (both JSON, not executed) and the bundle.
  assert.equal(scripts.length, 3);
  for (const s of scripts) assert.ok(s.includes(`nonce="${base.nonce}"`), `nonce on ${s}`);
  const exec = scripts.filter((s) => !s.includes('type="application/json"'));
  assert.equal(exec.length, 1);
  assert.ok(exec[0].includes(`src="${base.scriptUri}"`));
  assert.ok(!/\sstyle=/.test(html), 'no style attributes');
  assert.ok(!/<style\b/.test(html), 'no style elements');
  assert.ok(!/\son\w+=/.test(html), 'no inline event handlers');
  assert.ok(html.includes(`<link rel="stylesheet" href="${base.styleUri}">`));
});

test('a malicious name in the initial state cannot break out of the JSON script', () => {
  const evil = '</script><script>alert(1)</script><!-- & \u2028\u2029 -->';
  const state = { type: 'analysis', model: { name: evil, alpha: Infinity, low: -Infinity, bad: NaN } };
  const html = buildPanelHtml({ ...base, initialState: state });
  assert.ok(!html.includes('<script>alert(1)'), 'no injected script element');
  assert.ok(!html.includes('</script><script>alert'), 'no closing tag from data');
  const text = initialStateText(html);
  assert.ok(!/[<>&\u2028\u2029]/.test(text), 'no raw <, >, &, U+2028, U+2029 in the embedded JSON');
  assert.deepEqual(decodeEmbeddedJson(text), state);
  // Exactly the three script elements of the skeleton.
  assert.equal((html.match(/<script\b/g) ?? []).length, 3);
  assert.equal((html.match(/<\/script>/g) ?? []).length, 3);
});

function stringsText(html: string): string {
  const m = /<script type="application\/json" id="l10n-strings" nonce="[^"]*">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'l10n-strings element present');
  return m[1];
}

test('the panel’s messages: English by default, a translated table as escaped JSON, the noscript text and lang from it', () => {
  const english = buildPanelHtml(base);
  assert.deepEqual(decodeEmbeddedJson(stringsText(english)), WEBVIEW_MESSAGES);
  assert.ok(english.includes('<html lang="en">'));
  assert.ok(english.includes('<noscript>The analysis panel needs JavaScript.</noscript>'));
  const evil = '</script><script>alert(1)</script> & <b>';
  const strings = { ...WEBVIEW_MESSAGES, noScript: `Das Panel braucht JavaScript ${evil}`, showData: evil } as WebviewStrings;
  const html = buildPanelHtml({ ...base, strings, lang: 'de' });
  assert.ok(html.includes('<html lang="de">'));
  assert.ok(html.includes('<noscript>Das Panel braucht JavaScript &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;</noscript>'));
  const text = stringsText(html);
  assert.ok(!/[<>&]/.test(text), 'no raw <, > or & in the embedded messages');
  assert.deepEqual(decodeEmbeddedJson(text), strings);
  assert.equal((html.match(/<script\b/g) ?? []).length, 3);
  // A language that is not a tag cannot reach the attribute.
  assert.ok(buildPanelHtml({ ...base, lang: 'de" onload="x' }).includes('<html lang="en">'));
});

test('the title and URIs are escaped', () => {
  const html = buildPanelHtml({ ...base, title: '<b>"x" & \'y\'</b>', scriptUri: 'https://a/b.js?x="><script>', styleUri: 'https://a/c.css' });
  assert.ok(html.includes('<title>&lt;b&gt;"x" &amp; \'y\'&lt;/b&gt;</title>'));
  assert.ok(html.includes('src="https://a/b.js?x=&quot;&gt;&lt;script&gt;"'));
  assert.equal((html.match(/<script\b/g) ?? []).length, 3);
});

test('the initial state defaults to null', () => {
  assert.equal(decodeEmbeddedJson(initialStateText(buildPanelHtml(base))), null);
});

test('inputs that could add CSP directives are rejected', () => {
  assert.throws(() => buildPanelHtml({ ...base, nonce: "x'; script-src *" }));
  assert.throws(() => buildPanelHtml({ ...base, nonce: 'short' }));
  assert.throws(() => buildPanelHtml({ ...base, cspSource: "https://a; script-src 'unsafe-inline'" }));
  assert.throws(() => buildPanelHtml({ ...base, cspSource: '' }));
  // VS Code's real cspSource values are accepted.
  assert.doesNotThrow(() => buildPanelHtml({ ...base, cspSource: 'https://*.vscode-cdn.net' }));
  // VS Code 1.100 (desktop and code-server): the 'self' keyword first.
  assert.doesNotThrow(() => buildPanelHtml({ ...base, cspSource: "'self' https://*.vscode-cdn.net" }));
  assert.throws(() => buildPanelHtml({ ...base, cspSource: "'unsafe-inline' https://*.vscode-cdn.net" }));
  assert.throws(() => buildPanelHtml({ ...base, cspSource: "'self'; script-src *" }));
});

test('makeNonce: 256-bit, URL-safe, different every time, accepted by the builder', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const n = makeNonce();
    assert.match(n, /^[A-Za-z0-9_-]{43}$/);
    seen.add(n);
    assert.doesNotThrow(() => buildPanelHtml({ ...base, nonce: n }));
  }
  assert.equal(seen.size, 200);
});
