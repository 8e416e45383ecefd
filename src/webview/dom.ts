/** Tiny DOM helpers: elements are built with properties and textContent only. */

export function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A 16x16 stroke icon from path data (no markup parsing). */
export function icon(doc: Document, paths: string[]): SVGSVGElement {
  const svg = doc.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  for (const d of paths) {
    const p = doc.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}

export const ICONS = {
  locked: ['M4.5 7V5a3.5 3.5 0 0 1 7 0v2', 'M3.5 7h9v6.5h-9z'],
  unlocked: ['M4.5 7V5a3.5 3.5 0 0 1 6.8-1.2', 'M3.5 7h9v6.5h-9z'],
  table: ['M2.5 3.5h11v9h-11z', 'M2.5 6.5h11', 'M6.5 6.5v6'],
  image: ['M2.5 3.5h11v9h-11z', 'M2.5 10.5l3-3 3 3 2-2 3 3'],
  file: ['M4 2.5h5l3 3v8H4z', 'M9 2.5v3h3'],
  report: ['M4 2.5h8v11H4z', 'M6 5.5h4', 'M6 8h4', 'M6 10.5h2.5'],
  source: ['M6 4.5L2.5 8 6 11.5', 'M10 4.5L13.5 8 10 11.5'],
};
